//! `test` of a plugin whose `depends` names plugins of the same tree: those are built and
//! installed first, in dependency order, in the same prefix.
//!
//! wazo-plugind installs each entry of `depends` before the plugin that names it, depth first,
//! each through its own whole pipeline, and has no cycle detection (wazo-plugind@52b9a36). A
//! dependency that is not in the tree is one it would fetch from the market (or git): it is not
//! installed here, and the report says so.
//!
//! The tree is the git work tree holding the plugin; a plugin outside git has its parent folder
//! as tree (its siblings), except when that folder is `/`, the temp dir or the home folder. The
//! plugins in it are found by [`crate::plugin::discover`] and read by the one loader
//! ([`crate::plugin::load`]); their fields are read as the package will write them
//! ([`PluginMeta::from_yaml`]), and each dependency installed is validated again by its own
//! pipeline before it is packaged.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::install::{self, Action, DpkgRun};
use super::package::PackageReport;
use super::stage::Work;
use super::{Options, PipelineError, Progress, Step};
use crate::plugin::discover;
use crate::plugin::load::{self, Overrides};
use crate::plugin::package::PluginMeta;

/// A plugin of the tree that a plugin depends on.
#[derive(Debug, Clone)]
pub struct TreePlugin {
    /// Its fields as wazo-plugind reads them.
    pub meta: PluginMeta,
    /// Its folder on disk.
    pub root: PathBuf,
    /// Its folder relative to the tree (as shown in the report).
    pub display: PathBuf,
}

impl TreePlugin {
    /// `namespace/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.meta.namespace, self.meta.name)
    }
}

/// A `depends` entry that names no plugin of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// `namespace/name` of the dependency.
    pub id: String,
    /// `namespace/name` of the plugin that names it.
    pub wanted_by: String,
}

/// What the tree offers for a plugin's `depends`.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Where the dependencies were searched (`None`: the plugin has no `depends`).
    pub tree: Option<PathBuf>,
    /// The dependencies found in the tree, in install order (each after its own dependencies).
    pub order: Vec<TreePlugin>,
    /// Dependencies not found in the tree (not installed).
    pub missing: Vec<Missing>,
    /// Other things worth saying (a dependency that several plugins of the tree are).
    pub notes: Vec<String>,
}

/// A dependency installed into the prefix.
#[derive(Debug, Clone)]
pub struct Installed {
    /// The plugin.
    pub plugin: TreePlugin,
    /// Its package.
    pub package: PackageReport,
    /// Its `dpkg -i`.
    pub run: DpkgRun,
    /// Its work dir, when kept (`--keep-work`).
    pub work_dir: Option<PathBuf>,
}

/// The tree a plugin's dependencies are searched in (see the module's documentation).
pub fn tree_of(plugin: &Path) -> PathBuf {
    let Ok(canon) = plugin.canonicalize() else {
        return plugin.to_path_buf();
    };
    if let Some(top) = canon.ancestors().find(|d| d.join(".git").exists()) {
        return top.to_path_buf();
    }
    let canonical = |p: PathBuf| p.canonicalize().unwrap_or(p);
    let refused = [
        Some(PathBuf::from("/")),
        Some(canonical(std::env::temp_dir())),
        std::env::var_os("HOME").map(|h| canonical(PathBuf::from(h))),
    ];
    match canon.parent() {
        Some(parent) if !refused.iter().flatten().any(|r| r == parent) => parent.to_path_buf(),
        _ => canon,
    }
}

fn id_of(meta: &PluginMeta) -> (String, String) {
    (meta.namespace.clone(), meta.name.clone())
}

fn show(id: &(String, String)) -> String {
    format!("{}/{}", id.0, id.1)
}

/// Finds the plugins of `plugin`'s tree that its `depends` name (and theirs, recursively), in
/// install order. A cycle is an error (wazo-plugind would never get to install the first one).
pub fn resolve(plugin: &Path, meta: &PluginMeta) -> Result<Plan, PipelineError> {
    if meta.depends.is_empty() {
        return Ok(Plan::default());
    }
    let tree = tree_of(plugin);
    let found = discover::discover(std::slice::from_ref(&tree)).map_err(|e| {
        PipelineError::Usage(format!("searching the plugin's tree for its depends: {e}"))
    })?;
    let own = plugin.canonicalize().ok();
    let mut plan = Plan {
        tree: Some(tree.clone()),
        ..Plan::default()
    };
    let mut index: HashMap<(String, String), Vec<TreePlugin>> = HashMap::new();
    let targets: Vec<load::Target> = found
        .targets
        .into_iter()
        .map(|t| load::Target {
            root: Some(t.root),
            display: t.display,
        })
        .collect();
    for p in load::load(&targets, &Overrides::none()) {
        let Some(root) = p.root.clone() else { continue };
        if root.canonicalize().ok() == own {
            continue;
        }
        let Some(Ok(Some(yaml))) = &p.manifest_yaml else {
            continue;
        };
        let Some(m) = PluginMeta::from_yaml(yaml) else {
            continue;
        };
        let display = root
            .canonicalize()
            .ok()
            .and_then(|c| c.strip_prefix(&tree).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| root.clone());
        let id = id_of(&m);
        // Another copy of the plugin itself is not a dependency (a self-dependency is a cycle).
        if id == id_of(meta) {
            continue;
        }
        index.entry(id).or_default().push(TreePlugin {
            meta: m,
            root,
            display,
        });
    }
    let mut done = Vec::new();
    let mut stack = vec![id_of(meta)];
    visit(meta, &index, &mut stack, &mut done, &mut plan)?;
    Ok(plan)
}

/// Depth first: each dependency after its own dependencies.
fn visit(
    meta: &PluginMeta,
    index: &HashMap<(String, String), Vec<TreePlugin>>,
    stack: &mut Vec<(String, String)>,
    done: &mut Vec<(String, String)>,
    plan: &mut Plan,
) -> Result<(), PipelineError> {
    for dep in &meta.depends {
        let id = (dep.namespace.clone(), dep.name.clone());
        if let Some(at) = stack.iter().position(|s| *s == id) {
            let mut cycle: Vec<String> = stack[at..].iter().map(show).collect();
            cycle.push(show(&id));
            return Err(PipelineError::Invalid {
                step: Step::Validating,
                message: format!(
                    "dependency cycle in the plugin's tree: {}",
                    cycle.join(" -> ")
                ),
                hint: "wazo-plugind installs each dependency before the plugin naming it and has no cycle detection: a cycle has no first plugin to install; remove one of the depends entries".into(),
            });
        }
        if done.contains(&id) {
            continue;
        }
        let Some(found) = index.get(&id).and_then(|c| c.first()) else {
            let missing = Missing {
                id: show(&id),
                wanted_by: show(&id_of(meta)),
            };
            if !plan.missing.contains(&missing) {
                plan.missing.push(missing);
            }
            continue;
        };
        if let Some(others) = index.get(&id).filter(|c| c.len() > 1) {
            let all: Vec<String> = others
                .iter()
                .map(|o| o.display.display().to_string())
                .collect();
            plan.notes.push(format!(
                "{} are all {}: the first is installed",
                all.join(", "),
                show(&id)
            ));
        }
        stack.push(id.clone());
        visit(&found.meta, index, stack, done, plan)?;
        stack.pop();
        done.push(id);
        plan.order.push(found.clone());
    }
    Ok(())
}

/// What `test` reads before building: the plugin's fields (with the one loader and the
/// package gate), the dependencies its tree offers, and the old version of `--upgrade-from`
/// (refused when it is the same version).
pub(crate) fn before_test(
    path: &Path,
    plan: &super::lifecycle::TestPlan,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<(Plan, Option<super::upgrade::Prepared>), PipelineError> {
    if !path.join("wazo").join("plugin.yml").is_file() {
        return Err(PipelineError::Usage(format!(
            "{}: not a plugin folder (no wazo/plugin.yml)",
            path.display()
        )));
    }
    let plugin = load::Plugin::load(path, path);
    let meta = crate::lint::package_gate::package_meta(&plugin)
        .map_err(|r| PipelineError::Metadata(Box::new(r)))?;
    let deps = resolve(path, &meta)?;
    let old = match &plan.upgrade_from {
        Some(source) => Some(super::upgrade::prepare(
            path, &meta, source, opts, progress,
        )?),
        None => None,
    };
    Ok((deps, old))
}

fn dependency_context(p: &TreePlugin) -> String {
    format!(
        "in dependency {} ({}), which wazo-plugind installs first (when it fails there, the plugin's own install fails next, its Depends unmet)",
        p.id(),
        p.display.display()
    )
}

/// `e`, saying where it happened (`what`): in a dependency, in the old version.
pub(crate) fn within(e: PipelineError, what: &str) -> PipelineError {
    match e {
        PipelineError::StepFailed {
            step,
            command,
            exit,
            tail,
            hint,
        } => PipelineError::StepFailed {
            step,
            command,
            exit,
            tail,
            hint: format!("{what}; {hint}"),
        },
        PipelineError::Invalid {
            step,
            message,
            hint,
        } => PipelineError::Invalid {
            step,
            message: format!("{what}: {message}"),
            hint,
        },
        other => other,
    }
}

/// A dependency built and packaged, waiting to be installed (its work dir lives as long).
pub struct Built {
    plugin: TreePlugin,
    work: Work,
    package: PackageReport,
}

/// Builds and packages each dependency of `plan`, in order, as the plugin itself will be.
pub fn build(
    plan: &Plan,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<Vec<Built>, PipelineError> {
    let mut out = Vec::new();
    for p in &plan.order {
        progress.note(&format!(
            "dependency {} ({}): building",
            p.id(),
            p.display.display()
        ));
        let (work, package) = super::lifecycle::build_and_package(
            &p.root,
            None,
            opts,
            super::lifecycle::system_at(opts, None),
            progress,
        )
        .map_err(|e| within(e, &dependency_context(p)))?;
        out.push(Built {
            plugin: p.clone(),
            work,
            package,
        });
    }
    Ok(out)
}

/// Installs the built dependencies into `prefix`, in order (`dpkg -i` each, maintainer scripts
/// included, as wazo-plugind's install of each dependency does).
pub fn install(
    work: &mut Work,
    prefix: &Path,
    built: Vec<Built>,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<Vec<Installed>, PipelineError> {
    let mut out = Vec::new();
    for b in built {
        progress.note(&format!("dependency {}: installing", b.plugin.id()));
        let name = b.package.meta.package_name();
        let action = Action::Install(b.package.deb.clone());
        let run = super::lifecycle::timed(progress, Step::Installing, |p| {
            install::dpkg(work, prefix, Step::Installing, &action, &name, opts, p)
        })
        .map_err(|e| within(e, &dependency_context(&b.plugin)))?;
        out.push(Installed {
            plugin: b.plugin,
            package: b.package,
            run,
            work_dir: opts.keep_work.then(|| b.work.root.clone()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plugin(dir: &Path, name: &str, depends: &[&str]) {
        std::fs::create_dir_all(dir.join("wazo")).unwrap();
        let mut yml = format!("name: {name}\nnamespace: demo\nversion: '1.0'\n");
        if !depends.is_empty() {
            yml.push_str("depends:\n");
            for d in depends {
                yml.push_str(&format!("  - name: {d}\n    namespace: demo\n"));
            }
        }
        std::fs::write(dir.join("wazo/plugin.yml"), yml).unwrap();
    }

    fn meta(dir: &Path) -> PluginMeta {
        let p = crate::plugin::load::Plugin::load(dir, dir);
        let Some(Ok(Some(y))) = &p.manifest_yaml else {
            panic!("no yaml")
        };
        PluginMeta::from_yaml(y).unwrap()
    }

    fn ids(plan: &Plan) -> Vec<String> {
        plan.order.iter().map(TreePlugin::id).collect()
    }

    #[test]
    fn dependencies_come_before_their_dependents_each_once() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path().join("tree");
        plugin(&t.join("app"), "app", &["mid", "base", "market"]);
        plugin(&t.join("mid"), "mid", &["base"]);
        plugin(&t.join("libs/base"), "base", &[]);
        plugin(&t.join("unrelated"), "unrelated", &[]);
        let plan = resolve(&t.join("app"), &meta(&t.join("app"))).unwrap();
        assert_eq!(ids(&plan), ["demo/base", "demo/mid"]);
        assert_eq!(plan.order[0].display, Path::new("libs/base"));
        assert_eq!(
            plan.missing,
            [Missing {
                id: "demo/market".into(),
                wanted_by: "demo/app".into()
            }]
        );
        assert_eq!(
            plan.tree.as_deref(),
            Some(t.canonicalize().unwrap().as_path())
        );
    }

    #[test]
    fn a_dependency_found_twice_is_noted_and_the_first_used() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path().join("tree");
        plugin(&t.join("app"), "app", &["base"]);
        plugin(&t.join("a/base"), "base", &[]);
        plugin(&t.join("b/base"), "base", &[]);
        plugin(&t.join("c/x"), "dup", &[]);
        plugin(&t.join("d/x"), "dup", &[]);
        let plan = resolve(&t.join("app"), &meta(&t.join("app"))).unwrap();
        assert_eq!(plan.order[0].display, Path::new("a/base"));
        assert_eq!(
            plan.notes,
            ["a/base, b/base are all demo/base: the first is installed"]
        );
    }

    #[test]
    fn a_cycle_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path().join("tree");
        plugin(&t.join("a"), "a", &["b"]);
        plugin(&t.join("b"), "b", &["c"]);
        plugin(&t.join("c"), "c", &["a"]);
        let err = resolve(&t.join("a"), &meta(&t.join("a"))).unwrap_err();
        assert!(
            err.to_string().contains(
                "dependency cycle in the plugin's tree: demo/a -> demo/b -> demo/c -> demo/a"
            ),
            "{err}"
        );
        assert_eq!(err.exit_code(), 1);
    }

    #[test]
    fn errors_say_where_they_happened() {
        let e = within(
            PipelineError::Invalid {
                step: Step::Packaging,
                message: "bad".into(),
                hint: "fix".into(),
            },
            "in dependency demo/base (base)",
        );
        assert_eq!(
            e.to_string(),
            "packaging: in dependency demo/base (base): bad\n  help: fix"
        );
        let usage = within(PipelineError::Usage("u".into()), "x");
        assert_eq!((usage.to_string(), usage.exit_code()), ("u".into(), 2));
    }

    #[test]
    fn no_depends_searches_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        plugin(&tmp.path().join("p"), "p", &[]);
        let plan = resolve(&tmp.path().join("p"), &meta(&tmp.path().join("p"))).unwrap();
        assert!(plan.tree.is_none() && plan.order.is_empty() && plan.missing.is_empty());
    }

    #[test]
    fn a_plugin_directly_in_the_temp_dir_has_only_itself_as_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let canon = tmp.path().canonicalize().unwrap();
        assert_eq!(tree_of(tmp.path()), canon);
    }
}
