//! Subcommands of the wazo-plugin binary. (Minimal version for the scaffold branch; the lead
//! owns this file.)

pub mod new;
