//! Plugin folders: finding them, reading their files, and the naming rules.

pub mod names;
