//! The isolation of the steps, under its historical path: see [`super::isolation`] (the choice)
//! and [`super::bwrap`] (the namespaces). The overlay mount namespace that ran steps as the
//! host's real root is gone: every user gets the same user-namespace sandbox.

pub use super::isolation::Isolation;
