//! `wazo-plugin new`: generate a plugin folder from a template.
//!
//! The steps, each usable alone: [`load`] a template (shipped or a folder of the user's own),
//! [`resolve`] its variables (given values, then defaults, all checked by the same rules),
//! [`render`] its files in memory, then [`write`] them through a temporary folder and
//! [`git::init`] the result. [`generate_to`] runs them all.

pub mod error;
pub mod git;
pub mod kind;
mod manifest;
pub mod render;
pub mod template;
pub mod values;
pub mod write;

use std::path::{Path, PathBuf};

pub use error::ScaffoldError;
pub use git::GitOutcome;
pub use kind::Kind;
pub use render::{RenderedFile, render};
pub use template::{
    DEFAULT_TEMPLATE, Template, TemplateSummary, Variable, builtin_names, list_builtin, load,
    load_builtin, load_folder,
};
pub use values::{Resolved, check_given, check_value, missing_required, parse_assignment, resolve};
pub use write::{GeneratedFile, plan, write};

/// What to generate, besides the destination folder.
#[derive(Debug, Clone)]
pub struct Options {
    /// A shipped template name, or a path to a template folder (see [`load`]).
    pub template: String,
    /// `(variable, value)` pairs: `name`, `namespace`, `version`, `description`, ... and `-d`.
    pub values: Vec<(String, String)>,
    /// Write into a non-empty folder, replacing files of the same paths.
    pub force: bool,
    /// Check and render everything, write nothing.
    pub dry_run: bool,
    /// Run `git init` (unless already inside a repository).
    pub git: bool,
    /// Start wazo/plugin.yml with the `# yaml-language-server: $schema=` modeline (off by
    /// default: editors can map the schema by file name instead, see docs/integrations.md).
    pub schema_modeline: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            template: DEFAULT_TEMPLATE.to_string(),
            values: Vec::new(),
            force: false,
            dry_run: false,
            git: true,
            schema_modeline: false,
        }
    }
}

/// The result of a generation.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The plugin folder.
    pub dir: PathBuf,
    /// Name of the template used.
    pub template: String,
    /// Every value used, defaults included.
    pub values: Resolved,
    /// Files written (or, in a dry run, that would be written), sorted by path.
    pub files: Vec<GeneratedFile>,
    /// True when nothing was written.
    pub dry_run: bool,
    /// What happened about git.
    pub git: GitOutcome,
}

/// The modeline yaml-language-server reads, pointing at the published schema.
pub fn schema_modeline() -> String {
    format!(
        "# yaml-language-server: $schema={}",
        crate::schema::SCHEMA_URL
    )
}

/// Removes our schema modeline from the rendered wazo/plugin.yml (shipped templates carry it),
/// or puts it on its first line when `wanted`.
fn set_schema_modeline(files: &mut [RenderedFile], wanted: bool) {
    let modeline = schema_modeline();
    for file in files
        .iter_mut()
        .filter(|f| f.path == Path::new("wazo/plugin.yml"))
    {
        let mut text: String = file
            .contents
            .split_inclusive('\n')
            .filter(|l| l.trim_end() != modeline)
            .collect();
        if wanted {
            text = format!("{modeline}\n{text}");
        }
        file.contents = text;
    }
}

/// Generates a plugin into `dir` (the plugin folder itself, not its parent) from
/// `options.template`. Nothing is written on any error before the final move.
pub fn generate_to(dir: &Path, options: &Options) -> Result<Generated, ScaffoldError> {
    let template = load(&options.template)?;
    generate(dir, &template, options)
}

/// Like [`generate_to`] with a template already loaded (`options.template` is ignored).
pub fn generate(
    dir: &Path,
    template: &Template,
    options: &Options,
) -> Result<Generated, ScaffoldError> {
    let values = resolve(template, &options.values)?;
    let mut rendered = render(template, &values)?;
    set_schema_modeline(&mut rendered, options.schema_modeline);
    let (files, git) = if options.dry_run {
        (plan(dir, &rendered, options.force)?, GitOutcome::Skipped)
    } else {
        let files = write(dir, &rendered, options.force)?;
        let git = if options.git {
            let executables: Vec<PathBuf> = files
                .iter()
                .filter(|f| f.executable)
                .map(|f| f.path.clone())
                .collect();
            git::init(dir, &executables)
        } else {
            GitOutcome::Skipped
        };
        (files, git)
    };
    Ok(Generated {
        dir: dir.to_path_buf(),
        template: template.name.clone(),
        values,
        files,
        dry_run: options.dry_run,
        git,
    })
}
