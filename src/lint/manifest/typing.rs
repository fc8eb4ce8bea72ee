//! How wazo-plugind sees a value: [`crate::plugin::value`], where the plugin model keeps it.

pub use crate::plugin::value::*;
