//! Rebuilds when a template changes: include_dir only tracks the files it embedded, not new ones.
//! Derives from Cargo.toml's `repository` the base of the raw files' URLs (the published
//! JSON Schema), so that every public URL of the project comes from that one field.

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=build.rs");
    let repository = std::env::var("CARGO_PKG_REPOSITORY").unwrap_or_default();
    let repository = repository.trim_end_matches('/');
    let raw = match repository.strip_prefix("https://github.com/") {
        Some(path) => format!("https://raw.githubusercontent.com/{path}/main"),
        None => format!("{repository}/raw/main"),
    };
    println!("cargo:rustc-env=WAZO_PLUGIN_RAW_BASE={raw}");
}
