//! `wazo-plugin config SERVICE [PATH]`: the configuration a Wazo service gets from the conf.d
//! files the plugin ships and Wazo's own conf.d files for it, value by value, with the file each
//! value comes from (a Wazo file's upstream source as its origin).

use std::path::PathBuf;

use wazo_plugin::confd::effective::{Layer, Setting, effective_with};
use wazo_plugin::confd::{ConfdFile, confd_path, skipped_because};
use wazo_plugin::plugin::load::{Overrides, Target, load};
use wazo_plugin::plugin::shipped::Origin;
use wazo_plugin::wazo::confd_files::{self, WazoFile};
use wazo_plugin::wazo::defaults;
use wazo_plugin::wazo::services;
use wazo_plugin::wazo_version::check_wazo_version;

use super::exit;

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// The Wazo service, as its folder under /etc: wazo-calld, wazo-dird, wazo-auth...
    pub service: String,
    /// The plugin folder.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// The Wazo release whose own conf.d files count (default: the newest known).
    #[arg(long, value_name = "VERSION")]
    pub wazo_version: Option<String>,
}

pub fn run(args: &ConfigArgs) -> u8 {
    let name = args.service.as_str();
    if services::service(name).is_none() {
        let hint = match services::legacy_service(name) {
            Some((_, new, release)) => format!(" (renamed {new} in Wazo {release})"),
            None => {
                wazo_plugin::wazo::did_you_mean(name, services::SERVICES.iter().map(|s| s.name))
                    .map(|s| format!(" (did you mean {s}?)"))
                    .unwrap_or_default()
            }
        };
        eprintln!("error: {name} is not a Wazo service with a conf.d folder{hint}");
        return exit::USAGE;
    }
    let release = match args.wazo_version.as_deref().map(check_wazo_version) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => {
            eprintln!(
                "error: --wazo-version {}: {}",
                args.wazo_version.as_deref().unwrap_or_default(),
                e.message
            );
            return exit::USAGE;
        }
    };
    if !args.path.join("wazo").is_dir() {
        eprintln!(
            "error: {}: not a plugin folder (no wazo/ folder)",
            args.path.display()
        );
        return exit::USAGE;
    }
    let targets = [Target {
        root: Some(args.path.clone()),
        display: args.path.clone(),
    }];
    let Some(plugin) = load(&targets, &Overrides::none()).pop() else {
        return exit::INTERNAL;
    };
    // The service's conf.d files the package ships, read from the plugin's tree.
    let mut files: Vec<(String, String)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for file in &plugin.shipped.files {
        let Some((service, file_name)) = confd_path(&file.path) else {
            continue;
        };
        if service != name {
            continue;
        }
        if let Some(why) = skipped_because(file_name) {
            notes.push(format!("{file_name} is skipped by {name}: {why}"));
            continue;
        }
        let text = match &file.origin {
            Origin::Plugin(rel) => std::fs::read(args.path.join(rel))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .ok(),
            _ => None,
        };
        match text {
            Some(text) => files.push((file_name.to_string(), text)),
            None => notes.push(format!(
                "{file_name}: its content is made while packaging, not known here"
            )),
        }
    }
    if !plugin.shipped.opaque.is_empty() {
        notes.push(
            "the package arm has commands lint cannot follow: files they ship are not included"
                .into(),
        );
    }
    let parsed: Vec<(String, String, ConfdFile)> = files
        .into_iter()
        .map(|(n, t)| {
            let p = ConfdFile::parse(&t);
            (n, t, p)
        })
        .collect();
    let mut layers = Vec::new();
    for (file, text, parsed) in &parsed {
        match (&parsed.root, &parsed.error) {
            (Some(root), None) => layers.push(Layer::plugin(file, root, text)),
            (_, Some(_)) => notes.push(format!(
                "{file} does not parse: {name} drops it at start-up"
            )),
            _ => {}
        }
    }
    // Wazo's own files of the service, unless the plugin ships one by the same name.
    let mut wazo: Vec<&'static WazoFile> = Vec::new();
    for f in confd_files::wazo_files(name, release.as_ref()) {
        if parsed.iter().any(|(n, _, _)| n == f.name) {
            notes.push(format!(
                "the plugin ships {}, which Wazo's package {} ships too: dpkg refuses to install both",
                f.name, f.package
            ));
            continue;
        }
        wazo.push(f);
        layers.push(Layer::wazo(f));
    }
    wazo.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let later: Vec<Layer> = defaults::defaults(name).map(Layer::wazo).collect();
    let settings = effective_with(&layers, &later, confd_files::accumulates_lists(name));
    let defaults: Vec<&'static WazoFile> = defaults::defaults(name).collect();
    let order = wazo_plugin::confd::merge::read_order(layers.iter().map(|l| l.file));
    let plugin_files: Vec<&str> = order
        .iter()
        .copied()
        .filter(|n| !wazo.iter().any(|w| w.name == *n))
        .collect();
    let view = View {
        service: name,
        order: &order,
        plugin_files: &plugin_files,
        wazo: &wazo,
        defaults: &defaults,
        settings: &settings,
        notes: &notes,
    };
    if args.json {
        print_json(&view);
    } else {
        print_text(&view);
    }
    exit::OK
}

struct View<'a> {
    service: &'a str,
    /// Every file read, in the service's order.
    order: &'a [&'a str],
    plugin_files: &'a [&'a str],
    wazo: &'a [&'static WazoFile],
    /// config.yml and the built-in defaults, read after conf.d (only their enabled_* keys).
    defaults: &'a [&'static WazoFile],
    settings: &'a [Setting],
    notes: &'a [String],
}

/// Where a value comes from: `plugin`, or `wazo default (SOURCE)`.
fn origin(s: &Setting) -> String {
    match s.wazo {
        Some(f) => format!("wazo default ({})", f.source),
        None => "plugin".to_string(),
    }
}

fn print_text(v: &View) {
    let esc = |s: &str| s.escape_debug().to_string();
    let service = v.service;
    if v.plugin_files.is_empty() {
        println!("# the plugin ships no conf.d file that {service} reads");
    }
    if !v.order.is_empty() {
        let names: Vec<String> = v
            .order
            .iter()
            .map(|n| {
                if v.wazo.iter().any(|w| w.name == *n) {
                    format!("{n} (Wazo's)")
                } else {
                    n.to_string()
                }
            })
            .collect();
        let whose = match (v.plugin_files.is_empty(), v.wazo.is_empty()) {
            (true, _) => "Wazo's",
            (false, true) => "the plugin's",
            (false, false) => "the plugin's and Wazo's",
        };
        println!(
            "# {service} reads {whose} conf.d files in this order, the first to set a value wins: {}",
            names.join(", ")
        );
    }
    if v.wazo.is_empty() {
        println!(
            "# Wazo puts no conf.d file of its own in {service}'s folder (of the files known, \
             docs/shipped.md)."
        );
    } else {
        for w in v.wazo {
            let when = w
                .when
                .map(|w| format!(", only where {w}"))
                .unwrap_or_default();
            println!(
                "# {} is Wazo's: package {}{when} ({})",
                w.name, w.package, w.source
            );
        }
    }
    if v.defaults.is_empty() {
        println!(
            "# {service}'s config.yml and built-in defaults fill in what these files leave unset \
             and are not shown."
        );
    } else {
        let from: Vec<String> = v
            .defaults
            .iter()
            .map(|d| format!("{} ({})", d.name, d.source))
            .collect();
        println!(
            "# then {service} reads {}: they fill in what the conf.d files leave unset; only the \
             plugins they enable are shown.",
            from.join(", then ")
        );
    }
    for note in v.notes {
        println!("# note: {}", esc(note));
    }
    for s in v.settings {
        let mut tail = String::new();
        if !s.extended_in.is_empty() {
            tail.push_str(&format!(", extended by {}", s.extended_in.join(", ")));
        }
        if !s.overridden_in.is_empty() {
            tail.push_str(&format!(", over {}", s.overridden_in.join(", ")));
        }
        let from = match s.wazo {
            Some(w) if w.when.is_some() => {
                format!("{}: {}, on some servers only", s.file, origin(s))
            }
            Some(_) => format!("{}: {}", s.file, origin(s)),
            None => s.file.clone(),
        };
        println!(
            "{}: {}    # {}{tail}",
            esc(&s.path.join(".")),
            esc(&s.value),
            esc(&from)
        );
    }
}

fn print_json(v: &View) {
    let settings: Vec<serde_json::Value> = v
        .settings
        .iter()
        .map(|s| {
            serde_json::json!({
                "path": s.path,
                "value": s.value,
                "file": s.file,
                "origin": origin(s),
                "overridden_in": s.overridden_in,
                "extended_in": s.extended_in,
            })
        })
        .collect();
    let wazo: Vec<serde_json::Value> = v
        .wazo
        .iter()
        .map(|w| {
            serde_json::json!({
                "name": w.name,
                "package": w.package,
                "when": w.when,
                "source": w.source,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "service": v.service,
        "files": v.plugin_files,
        "wazo_files": wazo,
        "read_order": v.order,
        "defaults": v
            .defaults
            .iter()
            .map(|d| serde_json::json!({"name": d.name, "source": d.source}))
            .collect::<Vec<_>>(),
        "settings": settings,
        "notes": v.notes,
    });
    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
}
