//! Malformed plugin folders: missing pieces, file types, permissions, symbolic links out of the
//! plugin, huge files, and folder names with spaces, unicode, newlines and bytes that are not
//! UTF-8.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::{Case, GOOD_MANIFEST, GOOD_RULES, plugin, set_mode, symlink, with_manifest};

/// A plugin.yml with an invalid name, to get a finding in folders with odd names.
const BAD_NAME: &[u8] = b"name: Bad Name\nnamespace: acme\nversion: 1.0.0\n";

fn case(name: &'static str, build: fn(&Path) -> PathBuf, code: &'static str) -> Case {
    Case { name, build, code }
}

pub fn cases() -> Vec<Case> {
    vec![
        case("empty folder", |d| d.to_path_buf(), "WP201"),
        case(
            "wazo is a file",
            |d| {
                std::fs::write(d.join("wazo"), "not a folder").unwrap();
                d.to_path_buf()
            },
            "WP201",
        ),
        case(
            "Wazo in capitals",
            |d| {
                std::fs::create_dir_all(d.join("Wazo")).unwrap();
                std::fs::write(d.join("Wazo/plugin.yml"), GOOD_MANIFEST).unwrap();
                d.to_path_buf()
            },
            "WP201",
        ),
        case(
            "plugin.yaml instead of plugin.yml",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                std::fs::rename(root.join("wazo/plugin.yml"), root.join("wazo/plugin.yaml"))
                    .unwrap();
                root
            },
            "WP202",
        ),
        case(
            "rules missing",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                std::fs::remove_file(root.join("wazo/rules")).unwrap();
                root
            },
            "WP203",
        ),
        case(
            "_pkg folder left over",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                std::fs::create_dir(root.join("_pkg")).unwrap();
                root
            },
            "WP204",
        ),
        case(
            "_pkg is a file",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                std::fs::write(root.join("_pkg"), "").unwrap();
                root
            },
            "WP204",
        ),
        case(
            "rules is a folder",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                std::fs::remove_file(root.join("wazo/rules")).unwrap();
                std::fs::create_dir(root.join("wazo/rules")).unwrap();
                root
            },
            "WP205",
        ),
        case(
            "rules is a named pipe",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                std::fs::remove_file(root.join("wazo/rules")).unwrap();
                nix::unistd::mkfifo(&root.join("wazo/rules"), nix::sys::stat::Mode::S_IRWXU)
                    .unwrap();
                root
            },
            "WP205",
        ),
        case(
            "plugin.yml is a socket",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                std::fs::remove_file(root.join("wazo/plugin.yml")).unwrap();
                std::os::unix::net::UnixListener::bind(root.join("wazo/plugin.yml")).unwrap();
                root
            },
            "WP205",
        ),
        case(
            "plugin.yml links to a folder inside",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                std::fs::remove_file(root.join("wazo/plugin.yml")).unwrap();
                symlink(".", &root.join("wazo/plugin.yml"));
                root
            },
            "WP205",
        ),
        case(
            "plugin.yml one byte over 1 MiB",
            |d| {
                let mut text = GOOD_MANIFEST.to_vec();
                text.resize(1024 * 1024 + 1, b'\n');
                with_manifest(d, &text)
            },
            "WP207",
        ),
        case(
            "rules of 2 MiB",
            |d| {
                let mut text = GOOD_RULES.to_vec();
                text.resize(2 * 1024 * 1024, b'#');
                crate::with_rules(d, &text)
            },
            "WP207",
        ),
        case(
            "sparse plugin.yml of 4 GiB",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(root.join("wazo/plugin.yml"))
                    .unwrap();
                f.set_len(4 << 30).unwrap();
                root
            },
            "WP207",
        ),
        case(
            "plugin.yml executable",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                set_mode(&root.join("wazo/plugin.yml"), 0o755);
                root
            },
            "WP208",
        ),
        case(
            "rules not executable",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                set_mode(&root.join("wazo/rules"), 0o644);
                root
            },
            "WP306",
        ),
        case(
            "rules setuid but not executable",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                set_mode(&root.join("wazo/rules"), 0o4644);
                root
            },
            "WP306",
        ),
        case(
            "plugin.yml links to an absolute path",
            |d| {
                let root = d.join("plugin");
                plugin(&root, GOOD_MANIFEST, GOOD_RULES);
                std::fs::write(d.join("shared.yml"), GOOD_MANIFEST).unwrap();
                std::fs::remove_file(root.join("wazo/plugin.yml")).unwrap();
                symlink(d.join("shared.yml"), &root.join("wazo/plugin.yml"));
                root
            },
            "WP209",
        ),
        case(
            "rules links out with ..",
            |d| {
                let root = d.join("plugin");
                plugin(&root, GOOD_MANIFEST, GOOD_RULES);
                std::fs::write(d.join("rules"), GOOD_RULES).unwrap();
                set_mode(&d.join("rules"), 0o755);
                std::fs::remove_file(root.join("wazo/rules")).unwrap();
                symlink("../../rules", &root.join("wazo/rules"));
                root
            },
            "WP209",
        ),
        case(
            "rules links to /bin/true",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                std::fs::remove_file(root.join("wazo/rules")).unwrap();
                symlink("/bin/true", &root.join("wazo/rules"));
                root
            },
            "WP209",
        ),
        case(
            "wazo folder links outside",
            |d| {
                let elsewhere = d.join("elsewhere");
                plugin(&elsewhere, GOOD_MANIFEST, GOOD_RULES);
                let root = d.join("plugin");
                std::fs::create_dir(&root).unwrap();
                symlink(elsewhere.join("wazo"), &root.join("wazo"));
                root
            },
            "WP209",
        ),
        case(
            "a data file links outside, dangling",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                std::fs::create_dir_all(root.join("sounds/en")).unwrap();
                symlink("/nonexistent/beep.wav", &root.join("sounds/en/beep.wav"));
                root
            },
            "WP209",
        ),
        case(
            "a link climbs out from deep inside",
            |d| {
                let root = plugin(d, GOOD_MANIFEST, GOOD_RULES);
                std::fs::create_dir_all(root.join("a/b/c")).unwrap();
                symlink("../x/../../../../etc", &root.join("a/b/c/etc"));
                root
            },
            "WP209",
        ),
        case(
            "folder name with spaces",
            |d| with_manifest(&d.join("my wazo plugin"), BAD_NAME),
            "WP105",
        ),
        case(
            "folder name in unicode",
            |d| with_manifest(&d.join("plügin ünïcode ✓"), BAD_NAME),
            "WP105",
        ),
        case(
            "folder name with a newline",
            |d| with_manifest(&d.join("two\nlines"), BAD_NAME),
            "WP105",
        ),
        case(
            "folder name not UTF-8",
            |d| with_manifest(&d.join(OsStr::from_bytes(b"caf\xe9")), BAD_NAME),
            "WP105",
        ),
        case(
            "plugin.yml of 50 000 unknown keys",
            |d| {
                let mut text = String::from("name: demo\nnamespace: acme\n");
                for i in 0..50_000 {
                    text.push_str(&format!("k{i}: v\n"));
                }
                with_manifest(d, text.as_bytes())
            },
            // Past the node limit of the YAML reader.
            "WP100",
        ),
        case(
            "plugin.yml nested 1 000 levels deep",
            |d| {
                let mut text = String::from("name: demo\nnamespace: acme\nx:\n");
                for i in 0..1_000 {
                    text.push_str(&" ".repeat(i + 1));
                    text.push_str("y:\n");
                }
                with_manifest(d, text.as_bytes())
            },
            // Past the nesting limit of the YAML reader.
            "WP100",
        ),
        case(
            "name of 900 kB",
            |d| {
                let text = format!(
                    "name: {}\nnamespace: acme\nversion: 1.0.0\n",
                    "Ab".repeat(450_000)
                );
                with_manifest(d, text.as_bytes())
            },
            "WP105",
        ),
    ]
}
