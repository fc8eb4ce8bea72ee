//! What the root stands in for: Wazo's own packages (empty `.deb`s made with the project's
//! writer, installed into the root's dpkg database so that a `Depends` on them resolves), the
//! commands a plugin's rules call (recording scripts), the services' folders and system users.
//!
//! The stand-in commands write the log format of [`crate::pipeline::stubs`] (`CALL name`,
//! `ARG value` per argument, `END`) to [`CALL_LOG`] inside the root, and exit 0.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::pipeline::stubs::StubCall;
use crate::wazo::releases::Release;
use crate::wazo::services::SERVICES;

/// The stand-in commands' log, inside the root.
pub const CALL_LOG: &str = "/var/log/wazo-plugin/stand-ins.log";

/// The folder of stand-in packages, copied into the root's /tmp while it is made (removed after).
pub const DEBS_NAME: &str = "wazo-plugin-stand-ins";
/// Where [`DEBS_NAME`] is inside the root.
pub const DEBS_INSIDE: &str = "/tmp/wazo-plugin-stand-ins";

/// Wazo packages stood in besides the services of [`SERVICES`]: Asterisk, the command-line
/// clients and the client libraries seen in real plugins' `debian_depends`
/// (`wazo-auth-client-python3`, `wazo-chatd-client-python3`, `xivo-lib-python-python3`).
const OTHER_PACKAGES: &[&str] = &[
    "asterisk",
    "wazo-asterisk-config",
    "wazo-platform",
    "wazo-service",
    "wazo-auth-cli",
    "wazo-plugind-cli",
    "wazo-auth-client-python3",
    "wazo-chatd-client-python3",
    "wazo-calld-client-python3",
    "wazo-confd-client-python3",
    "xivo-lib-python-python3",
];

/// Commands placed at their path on a Wazo server, in the package that has them there.
const PACKAGED_COMMANDS: &[(&str, &str)] = &[
    ("asterisk", "/usr/sbin/asterisk"),
    ("wazo-auth-keys", "/usr/bin/wazo-auth-keys"),
    ("wazo-plugind-cli", "/usr/bin/wazo-plugind-cli"),
    ("wazo-auth-cli", "/usr/bin/wazo-auth-cli"),
    ("wazo-service", "/usr/bin/wazo-service"),
];

/// The init system's command, where Debian's systemd has it (`/usr/bin/systemctl`: apt runs
/// dpkg with `DPkg::Path` /usr/sbin:/usr/bin:/sbin:/bin, so a stand-in in /usr/local would not be
/// found by a postrm that `apt-get remove` runs): a root has no running systemd. It belongs to
/// the `wazo-plugin-stand-ins` package, which also has `/run/systemd/system`, so that Debian's
/// own `service` (init-system-helpers) hands over to it, as on a server.
const SYSTEM_COMMANDS: &[(&str, &str)] = &[("systemctl", "/usr/bin/systemctl")];

/// Asterisk's include folders (wazo-asterisk-config@ee0929a ships `*.d/01-wazo.conf` in each;
/// `extensions_extra.d` is where plugins put dialplan).
const ASTERISK_DIRS: &[&str] = &[
    "extensions.d",
    "extensions_extra.d",
    "pjsip.d",
    "manager.d",
    "confbridge.d",
    "queues.d",
    "voicemail.d",
    "musiconhold.d",
    "features.d",
    "http.d",
    "logger.d",
    "modules.d",
    "rtp.d",
    "ari.d",
];

/// Services that run as root on a Wazo server, so no user of their own is made.
const ROOT_SERVICES: &[&str] = &["wazo-plugind", "wazo-sysconfd", "wazo-auth-keys"];

/// Everything the root stands in for, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoodIn {
    /// Empty packages installed in the root's dpkg database: `wazo-calld (26.08)`.
    pub packages: Vec<String>,
    /// Recording commands, by path inside the root.
    pub commands: Vec<String>,
    /// System users made (each with a group of the same name).
    pub users: Vec<String>,
    /// Folders made (the services' conf.d, Asterisk's include folders).
    pub folders: Vec<String>,
}

/// One stand-in package: its name and what it holds.
#[derive(Debug, Clone)]
struct Package {
    name: String,
    description: String,
    dirs: Vec<String>,
    commands: Vec<(String, String)>,
    extra: Vec<(String, String, u32)>,
}

fn packages() -> Vec<Package> {
    let mut out: Vec<Package> = Vec::new();
    let mut names: Vec<&str> = SERVICES.iter().map(|s| s.name).collect();
    names.extend(OTHER_PACKAGES);
    for name in names {
        let mut dirs = Vec::new();
        if SERVICES.iter().any(|s| s.name == name) {
            dirs.push(format!("/etc/{name}/conf.d"));
        }
        if name == "wazo-plugind" {
            // Where the maintainer scripts wazo-plugind generates keep the rules file between
            // prerm and postrm (`BACKUP=`); the real package has it.
            dirs.push(crate::pipeline::scripts::BACKUP_DIR.to_string());
        }
        if name == "asterisk" {
            dirs.push("/etc/asterisk".to_string());
            dirs.extend(ASTERISK_DIRS.iter().map(|d| format!("/etc/asterisk/{d}")));
        }
        let commands = PACKAGED_COMMANDS
            .iter()
            .filter(|(p, _)| *p == name)
            .map(|(p, path)| (p.to_string(), path.to_string()))
            .collect();
        out.push(Package {
            name: name.to_string(),
            description: format!("Stand-in for Wazo's {name} package, made by wazo-plugin (empty)"),
            dirs,
            commands,
            extra: Vec::new(),
        });
    }
    out.push(Package {
        name: "wazo-plugin-stand-ins".to_string(),
        description: "wazo-plugin's recording systemctl and service, and a policy-rc.d that keeps daemons from starting".to_string(),
        dirs: vec![
            "/var/log/wazo-plugin".to_string(),
            "/run/systemd/system".to_string(),
        ],
        commands: SYSTEM_COMMANDS
            .iter()
            .map(|(c, p)| (c.to_string(), p.to_string()))
            .collect(),
        // policy-rc.d exit 101: "action forbidden" (invoke-rc.d's interface), the usual chroot
        // setting, so the maintainer scripts of debian_depends do not start daemons.
        extra: vec![(
            "/usr/sbin/policy-rc.d".to_string(),
            "#!/bin/sh\nexit 101\n".to_string(),
            0o755,
        )],
    });
    out
}

/// The system users a Wazo server has: `asterisk`, and one per service that has a unit and does
/// not run as root, named as the service (the pattern of wazo-websocketd's postinst, which adds
/// the system user `wazo-websocketd` with a group of the same name; assumed for the others).
pub fn users() -> Vec<(String, String)> {
    let mut out = vec![("asterisk".to_string(), "/var/lib/asterisk".to_string())];
    for s in SERVICES {
        if s.unit && !ROOT_SERVICES.contains(&s.name) {
            out.push((s.name.to_string(), format!("/var/lib/{}", s.name)));
        }
    }
    out
}

/// What [`prepare`] stands in for, for the metadata and the report.
pub fn stood_in(release: &Release) -> StoodIn {
    let pk = packages();
    let mut commands: Vec<String> = pk
        .iter()
        .flat_map(|p| p.commands.iter().map(|(_, path)| path.clone()))
        .collect();
    commands.sort();
    StoodIn {
        packages: pk
            .iter()
            .map(|p| format!("{} ({})", p.name, release.name))
            .collect(),
        commands,
        users: users().into_iter().map(|(u, _)| u).collect(),
        folders: pk.iter().flat_map(|p| p.dirs.clone()).collect(),
    }
}

/// A recording command: the log format of [`crate::pipeline::stubs`].
fn command_script(name: &str) -> String {
    format!(
        "#!/bin/sh\n# wazo-plugin stand-in for {name}: records the call, does nothing\n{{ printf 'CALL %s\\n' '{name}'\n  for a in \"$@\"; do printf 'ARG %s\\n' \"$a\"; done\n  printf 'END\\n'; }} >> {CALL_LOG}\nexit 0\n"
    )
}

fn write(path: &Path, text: &str, mode: u32) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

fn inside(base: &Path, abs: &str) -> PathBuf {
    base.join(abs.trim_start_matches('/'))
}

/// Writes the stand-in packages into `dir/`[`DEBS_NAME`] and the script that finishes the root into
/// `dir/setup.sh`; returns the script. mmdebstrap copies the packages in and runs the script
/// with the root's path as `$1` (`--customize-hook`), in either mode.
pub fn prepare(dir: &Path, release: &Release, mtime: u64) -> io::Result<PathBuf> {
    let debs = dir.join(DEBS_NAME);
    std::fs::create_dir_all(&debs)?;
    for p in packages() {
        let stage = dir.join("stage").join(&p.name);
        std::fs::create_dir_all(stage.join("DEBIAN"))?;
        std::fs::set_permissions(&stage, std::fs::Permissions::from_mode(0o755))?;
        for d in &p.dirs {
            std::fs::create_dir_all(inside(&stage, d))?;
        }
        for (name, path) in &p.commands {
            write(&inside(&stage, path), &command_script(name), 0o755)?;
        }
        for (path, text, mode) in &p.extra {
            write(&inside(&stage, path), text, *mode)?;
        }
        fix_dir_modes(&stage)?;
        let control = format!(
            "Package: {}\nVersion: {}\nArchitecture: all\nMaintainer: wazo-plugin <wazo-plugin@localhost>\nSection: wazo-plugin-stand-in\nPriority: optional\nDescription: {}\n",
            p.name, release.name, p.description
        );
        write(&stage.join("DEBIAN/control"), &control, 0o644)?;
        crate::pipeline::deb::build_deb(&stage, &debs.join(format!("{}.deb", p.name)), mtime)?;
    }
    let mut script = String::from(
        "#!/bin/sh\n# Made by wazo-plugin: finishes a Wazo-like root ($1).\nset -eu\nroot=\"$1\"\n",
    );
    for (user, home) in users() {
        script.push_str(&format!(
            "chroot \"$root\" getent group {user} >/dev/null || chroot \"$root\" groupadd --system {user}\n\
             chroot \"$root\" getent passwd {user} >/dev/null || chroot \"$root\" useradd --system --gid {user} --home-dir {home} --no-create-home --shell /usr/sbin/nologin {user}\n"
        ));
    }
    script.push_str(&format!(
        "chroot \"$root\" sh -c 'dpkg --install {DEBS_INSIDE}/*.deb' >/dev/null\n\
         rm -rf \"$root{DEBS_INSIDE}\"\n\
         : > \"$root{CALL_LOG}\"\n\
         chmod 0666 \"$root{CALL_LOG}\"\n"
    ));
    let path = dir.join("setup.sh");
    write(&path, &script, 0o755)?;
    Ok(path)
}

/// An empty package named as wazo-plugind names the plugin `namespace/name`
/// (`wazo-plugind-NAME-NAMESPACE`), written into `dir`: in a root, a `depends` plugin that is not
/// in the tested plugin's tree stands in for the one wazo-plugind would fetch from the market or
/// git, so that gdebi can install the plugin. `None` when the names are not valid plugin names
/// (they would not make a package name).
pub fn plugin_stand_in(
    dir: &Path,
    namespace: &str,
    name: &str,
    mtime: u64,
) -> io::Result<Option<PathBuf>> {
    if crate::plugin::names::check_namespace(namespace).is_some()
        || crate::plugin::names::check_name(name).is_some()
    {
        return Ok(None);
    }
    let package = format!("wazo-plugind-{name}-{namespace}");
    let stage = dir.join("stage").join(&package);
    std::fs::create_dir_all(stage.join("DEBIAN"))?;
    fix_dir_modes(&stage)?;
    let control = format!(
        "Package: {package}\nVersion: 0~stand-in\nArchitecture: all\nMaintainer: wazo-plugin <wazo-plugin@localhost>\nSection: wazo-plugin-stand-in\nPriority: optional\nDescription: Stand-in for the plugin {namespace}/{name}, made by wazo-plugin (empty)\n"
    );
    write(&stage.join("DEBIAN/control"), &control, 0o644)?;
    let deb = dir.join(format!("{package}.deb"));
    crate::pipeline::deb::build_deb(&stage, &deb, mtime)?;
    Ok(Some(deb))
}

/// Folders 0755 whatever the umask, as a package's are.
fn fix_dir_modes(stage: &Path) -> io::Result<()> {
    for entry in walkdir::WalkDir::new(stage).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o755))?;
        }
    }
    Ok(())
}

/// Parses the stand-ins' log: the [`crate::pipeline::stubs`] format, read by its parser.
pub fn parse_calls(text: &str) -> Vec<StubCall> {
    crate::pipeline::stubs::parse_log(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_is_stood_in_with_its_conf_d() {
        let release = crate::wazo::releases::newest();
        let s = stood_in(&release);
        assert!(
            s.packages
                .contains(&format!("wazo-calld ({})", release.name))
        );
        assert!(s.folders.iter().any(|f| f == "/etc/wazo-calld/conf.d"));
        assert!(
            s.folders
                .iter()
                .any(|f| f == "/etc/asterisk/extensions_extra.d")
        );
        assert!(s.commands.iter().any(|c| c == "/usr/bin/systemctl"));
        assert!(s.users.iter().any(|u| u == "asterisk"));
        assert!(!s.users.iter().any(|u| u == "wazo-plugind"));
    }

    #[test]
    fn prepared_packages_and_recording_commands() {
        let dir = tempfile::tempdir().unwrap();
        let release = crate::wazo::releases::newest();
        let script = prepare(dir.path(), &release, 0).unwrap();
        assert!(dir.path().join(DEBS_NAME).join("wazo-calld.deb").is_file());
        let text = std::fs::read_to_string(script).unwrap();
        assert!(text.contains("useradd --system --gid asterisk"));
        // The recording script writes what parse_calls reads.
        let log = dir.path().join("log");
        let cmd = command_script("asterisk").replace(CALL_LOG, &log.display().to_string());
        let status = std::process::Command::new("sh")
            .args(["-c", &cmd, "asterisk", "-rx", "dialplan reload"])
            .status()
            .unwrap();
        assert!(status.success());
        let calls = parse_calls(&std::fs::read_to_string(&log).unwrap());
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].command_line(), "asterisk -rx 'dialplan reload'");
    }
}
