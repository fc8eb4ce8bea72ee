//! Plugin folders: finding them, reading their files, and the naming rules.

pub mod discover;
pub mod fields;
pub mod git;
pub mod links;
pub mod load;
pub mod names;
pub mod package;
pub mod shipped;
pub mod value;
pub mod yaml;
