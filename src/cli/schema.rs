//! `wazo-plugin schema`: the JSON Schema of plugin.yml.

use std::path::PathBuf;

use super::lint_io::write_output;

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Write the schema to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

pub fn run(args: &SchemaArgs) -> u8 {
    write_output(
        &wazo_plugin::schema::schema_text(),
        args.output_file.as_deref(),
    )
}
