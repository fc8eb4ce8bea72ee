//! The completion scripts, run in the real shells: bash (its completion function called as
//! readline calls it), zsh (an interactive zsh in a pseudo-terminal, TAB typed) and fish
//! (`complete -C`). Each test skips when its shell is missing, and fails instead under
//! WAZO_PLUGIN_TEST_STRICT=1.

mod common;

use std::path::Path;
use std::process::Command;

fn script(shell: &str, dir: &Path) -> std::path::PathBuf {
    let out = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
        .args(["completions", shell])
        .output()
        .unwrap();
    assert!(out.status.success());
    let path = dir.join(match shell {
        "zsh" => "_wazo-plugin".to_string(),
        _ => format!("wazo-plugin.{shell}"),
    });
    std::fs::write(&path, out.stdout).unwrap();
    path
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The non-empty lines, sorted and without repeats.
fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    words.sort();
    words.dedup();
    words
}

const FORMATS: [&str; 5] = ["github", "human", "json", "sarif", "short"];
const TEMPLATES: [&str; 4] = ["dialplan", "helloworld", "python-plugin", "service-config"];

/// The codes of the WP10x checks, from `lint --list-rules`.
fn wp10x_codes() -> Vec<String> {
    let out = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
        .args(["lint", "--list-rules"])
        .output()
        .unwrap();
    let mut codes: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| c.starts_with("WP10"))
        .map(str::to_string)
        .collect();
    codes.sort();
    assert!(codes.len() > 3, "{codes:?}");
    codes
}

#[test]
fn bash_completes_after_the_subcommand() {
    if common::missing_tool("bash") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = script("bash", tmp.path());
    // COMP_WORDS and COMP_CWORD as readline sets them; the function gets the command, the
    // current word and the previous word.
    let complete = |line: &[&str]| {
        let words: Vec<String> = line.iter().map(|w| format!("'{w}'")).collect();
        let cword = line.len() - 1;
        let prev = line[cword - 1];
        let cur = line[cword];
        run(Command::new("bash").args([
            "--norc",
            "--noprofile",
            "-c",
            &format!(
                "source '{}' && COMP_WORDS=({}) && COMP_CWORD={cword} && \
                 _wazo__plugin wazo-plugin '{cur}' '{prev}' && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                file.display(),
                words.join(" ")
            ),
        ]))
    };
    let registered = run(Command::new("bash").args([
        "--norc",
        "--noprofile",
        "-c",
        &format!("source '{}' && complete -p wazo-plugin", file.display()),
    ]));
    assert!(
        registered.contains("-F _wazo__plugin") && registered.trim_end().ends_with(" wazo-plugin"),
        "{registered}"
    );
    assert_eq!(
        words(&complete(&["wazo-plugin", "lint", "--fo"])),
        ["--format"]
    );
    assert_eq!(
        words(&complete(&["wazo-plugin", "lint", "--format", ""])),
        FORMATS
    );
    assert_eq!(
        words(&complete(&["wazo-plugin", "new", "-t", ""])),
        TEMPLATES
    );
    assert_eq!(
        words(&complete(&["wazo-plugin", "explain", "WP10"])),
        wp10x_codes()
    );
    assert!(words(&complete(&["wazo-plugin", "li"])).contains(&"lint".to_string()));
}

#[test]
fn fish_completes_after_the_subcommand() {
    if common::missing_tool("fish") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = script("fish", tmp.path());
    let complete = |line: &str| {
        run(Command::new("fish").args([
            "--no-config",
            "-c",
            &format!("source '{}'; complete -C '{line}'", file.display()),
        ]))
    };
    assert_eq!(words(&complete("wazo-plugin lint --fo")), ["--format"]);
    assert_eq!(words(&complete("wazo-plugin lint --format ")), FORMATS);
    assert_eq!(words(&complete("wazo-plugin new -t ")), TEMPLATES);
    assert_eq!(words(&complete("wazo-plugin explain WP10")), wp10x_codes());
}

/// Types `line` and TAB into an interactive zsh (in a zpty pseudo-terminal) with the script in
/// fpath and compinit loaded; `compadd` is wrapped to write every match it adds to a file.
const ZSH_CAPTURE: &str = r#"
zmodload zsh/zpty
out=$1; dir=$2; line=$3
: > $out
zpty z zsh -f -i
zpty -w z "fpath=($dir \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "compadd() { local -a __m; builtin compadd -O __m \"\$@\"; print -rl -- \$__m >> $out; builtin compadd \"\$@\" }"
zpty -w z "zstyle ':completion:*' menu no"
zpty -n -w z "$line"$'\t'
for i in {1..200}; do [[ -s $out ]] && break; sleep 0.05; done
sleep 0.5
zpty -d z
"#;

#[test]
fn zsh_completes_after_the_subcommand() {
    if common::missing_tool("zsh") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = script("zsh", tmp.path());
    let capture = tmp.path().join("capture.zsh");
    std::fs::write(&capture, ZSH_CAPTURE).unwrap();
    let complete = |line: &str| {
        let out = tmp.path().join("matches");
        run(Command::new("zsh")
            .arg("-f")
            .arg(&capture)
            .arg(&out)
            .arg(file.parent().unwrap())
            .arg(line));
        std::fs::read_to_string(&out).unwrap()
    };
    assert_eq!(words(&complete("wazo-plugin lint --fo")), ["--format"]);
    assert_eq!(words(&complete("wazo-plugin lint --format ")), FORMATS);
    assert_eq!(words(&complete("wazo-plugin new -t ")), TEMPLATES);
    assert_eq!(words(&complete("wazo-plugin explain WP10")), wp10x_codes());
}

#[test]
fn man_pages_name_only_pages_that_exist() {
    let tmp = tempfile::tempdir().unwrap();
    assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
        .args(["man", "--out-dir"])
        .arg(tmp.path())
        .assert()
        .success();
    let main = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
        .arg("man")
        .output()
        .unwrap();
    let mut pages = vec![String::from_utf8_lossy(&main.stdout).into_owned()];
    for entry in std::fs::read_dir(tmp.path()).unwrap() {
        pages.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    for page in &pages {
        // Page references are written `wazo\-plugin\-lint(1)`.
        for (i, _) in page.match_indices("(1)") {
            let start = page[..i]
                .rfind(|c: char| c.is_whitespace())
                .map_or(0, |s| s + 1);
            let name = page[start..i]
                .replace("\\-", "-")
                .replace("\\fB", "")
                .replace("\\fR", "");
            if !name.starts_with("wazo-plugin") {
                continue;
            }
            assert!(
                tmp.path().join(format!("{name}.1")).exists(),
                "a page refers to {name}(1), which is not written"
            );
        }
    }
}
