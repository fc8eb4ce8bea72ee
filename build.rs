//! Rebuilds when a template changes: include_dir only tracks the files it embedded, not new ones.

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=build.rs");
}
