//! `wazo-plugin config SERVICE [PATH]`: the configuration a Wazo service gets from the conf.d
//! files the plugin ships, value by value, with the file each value comes from.

use std::path::PathBuf;

use wazo_plugin::confd::effective::{Layer, Setting, effective};
use wazo_plugin::confd::{ConfdFile, confd_path, skipped_because};
use wazo_plugin::plugin::load::{Overrides, Target, load};
use wazo_plugin::plugin::shipped::Origin;
use wazo_plugin::wazo::services;

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
            (Some(root), None) => layers.push(Layer { file, root, text }),
            (_, Some(_)) => notes.push(format!(
                "{file} does not parse: {name} drops it at start-up"
            )),
            _ => {}
        }
    }
    let settings = effective(&layers);
    let order = wazo_plugin::confd::merge::read_order(layers.iter().map(|l| l.file));
    if args.json {
        print_json(name, &order, &settings, &notes);
    } else {
        print_text(name, &order, &settings, &notes);
    }
    exit::OK
}

fn print_text(service: &str, order: &[&str], settings: &[Setting], notes: &[String]) {
    let esc = |s: &str| s.escape_debug().to_string();
    if order.is_empty() {
        println!("# the plugin ships no conf.d file that {service} reads");
    } else {
        println!(
            "# {service} reads the plugin's conf.d files in this order, the first to set a value wins: {}",
            order.join(", ")
        );
    }
    println!(
        "# Wazo's own files (the packages' conf.d files, config.yml) and defaults also count: they \
         fill in what these leave unset, and a Wazo file that sorts first wins over them; they are \
         not known here."
    );
    for note in notes {
        println!("# note: {}", esc(note));
    }
    for s in settings {
        let also = if s.overridden_in.is_empty() {
            String::new()
        } else {
            format!(", over {}", s.overridden_in.join(", "))
        };
        println!(
            "{}: {}    # {}{also}",
            esc(&s.path.join(".")),
            esc(&s.value),
            esc(&s.file)
        );
    }
}

fn print_json(service: &str, order: &[&str], settings: &[Setting], notes: &[String]) {
    let settings: Vec<serde_json::Value> = settings
        .iter()
        .map(|s| {
            serde_json::json!({
                "path": s.path,
                "value": s.value,
                "file": s.file,
                "overridden_in": s.overridden_in,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "service": service,
        "files": order,
        "settings": settings,
        "notes": notes,
    });
    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
}
