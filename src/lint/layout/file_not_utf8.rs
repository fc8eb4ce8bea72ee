//! WP206 file-not-utf8.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::{FileState, MANIFEST, Plugin};

pub const CHECK: Check = Check {
    code: "WP206",
    slug: "file-not-utf8",
    family: Family::Layout,
    severity: Severity::Error,
    summary: "wazo/plugin.yml is not valid UTF-8",
    why: "PyYAML decodes plugin.yml as UTF-8; a file saved in Latin-1 or another encoding fails \
          to load and the installation stops at the extracting step.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nauthor: Fran\\xe7ois   (a Latin-1 byte)\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nauthor: François\n",
};

pub fn run(plugin: &Plugin, out: &mut Vec<Diagnostic>) {
    if let FileState::NotUtf8 { offset, source } = &plugin.manifest {
        let end = source.text[*offset..]
            .chars()
            .next()
            .map_or(*offset, |c| offset + c.len_utf8());
        out.push(
            Diagnostic::new(&CHECK, MANIFEST, "plugin.yml is not valid UTF-8")
                .at(*offset..end, Some("invalid byte".to_string()))
                .help("save the file as UTF-8"),
        );
    }
}
