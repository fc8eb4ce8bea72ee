//! Every shipped template generates a plugin that passes `wazo-plugin test`: built, packaged,
//! installed, upgraded and removed in a throwaway prefix, with nothing left behind.

use std::path::Path;
use std::process::Command;

use wazo_plugin::pipeline::isolation::{self, Isolation};
use wazo_plugin::scaffold::{Options, builtin_names, generate_to};

/// A Wazo server's PATH: the plugin's build must not depend on the developer's own tools
/// (pyenv shims and the like).
const SERVER_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

fn strict() -> bool {
    std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() == Ok("1")
}

fn skip(reason: &str) {
    assert!(!strict(), "{reason} (WAZO_PLUGIN_TEST_STRICT=1)");
    eprintln!("skipped: {reason}");
}

/// What the python-plugin template needs at build time, checked with the python3 of
/// SERVER_PATH: pip, setuptools and a bdist_wheel (setuptools >= 70.1, or the wheel package).
fn python_build_ready() -> Result<(), String> {
    let py = |code: &str| {
        Command::new("python3")
            .args(["-c", code])
            .env("PATH", SERVER_PATH)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !py("import setuptools, pip") {
        return Err("python3 with pip and setuptools (python3-pip python3-setuptools)".into());
    }
    if !py("import setuptools.command.bdist_wheel") && !py("import wheel") {
        return Err("python3-wheel (setuptools older than 70.1 has no bdist_wheel)".into());
    }
    Ok(())
}

#[test]
fn every_template_passes_the_pipeline_test() {
    if which::which("dpkg").is_err() {
        return skip("dpkg is not installed");
    }
    let probe = tempfile::tempdir().unwrap();
    let found = isolation::probe(probe.path());
    if found == Isolation::Unconfined {
        return skip("no isolation available (overlay namespace, bubblewrap or Landlock)");
    }
    for template in builtin_names() {
        if template == "python-plugin"
            && let Err(missing) = python_build_ready()
        {
            skip(&format!("python-plugin needs {missing} to build"));
            continue;
        }
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("myplugin");
        let options = Options {
            template: template.clone(),
            values: vec![
                ("name".into(), "myplugin".into()),
                ("namespace".into(), "acme".into()),
            ],
            git: false,
            ..Default::default()
        };
        generate_to(&dir, &options).unwrap_or_else(|e| panic!("{template}: {e}"));
        let out = Command::new(env!("CARGO_BIN_EXE_wazo-plugin"))
            .arg("test")
            .arg(&dir)
            .env("PATH", SERVER_PATH)
            .current_dir(tmp.path())
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(0), "{template}: {text}");
        assert!(
            text.contains("left behind after removal: nothing"),
            "{template}: {text}"
        );
        assert!(
            !text.contains("NOT run"),
            "{template}: maintainer steps skipped: {text}"
        );
        assert!(Path::new(&dir).is_dir());
    }
}
