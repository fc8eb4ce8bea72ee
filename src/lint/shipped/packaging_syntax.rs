//! WP410 packaging-syntax.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP410",
    slug: "packaging-syntax",
    family: Family::Shipped,
    severity: Severity::Error,
    summary: "setup.py or pyproject.toml cannot be parsed",
    why: "The build step runs setup.py (or builds from pyproject.toml): a syntax error stops the \
          installation at the building step, and the linter cannot read the entry points.",
    example: "setup.py:\nfrom setuptools import setup\nsetup(name='x',\n",
    fixed: "setup.py:\nfrom setuptools import setup\nsetup(name='x')\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for (file, message, span) in &cx.packaging.errors {
        out.push(
            cx.diag(
                &CHECK,
                file,
                format!("{} cannot be parsed: {message}", file.display()),
            )
            .at(span.clone(), None),
        );
    }
}
