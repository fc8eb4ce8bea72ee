//! Checks on the linter's own inputs (WP9xx): external tools and suppression comments.

pub mod path_missing;
pub mod path_skipped;
pub mod shellcheck_directive_unused;
pub mod shellcheck_failed;
pub mod shellcheck_missing;
pub mod suppression_unknown;
pub mod suppression_unused;
