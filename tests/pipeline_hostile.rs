//! Hostile plugins: each test is one class of attack a `wazo/rules` could try during `build`
//! and during the maintainer steps (`install`, `uninstall`), run through `wazo-plugin test`
//! as root and as an unprivileged user (created with useradd when missing, the binary run with
//! setpriv). Each asserts that a canary outside the plugin is unchanged, that the attack really
//! ran in both phases, and what the report says about the isolation.
//!
//! The plugins are generated here (no fixture directory): a rules script with the attack as a
//! shell snippet, `$CANARY` naming the canary directory. The attack's output is discarded; it
//! reports on file descriptor 3 when it must (the TIOCSTI test).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const USER: &str = "wzptest";

fn strict() -> bool {
    std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() == Ok("1")
}

fn skip(reason: &str) {
    assert!(!strict(), "{reason} (WAZO_PLUGIN_TEST_STRICT=1)");
    eprintln!("skipped: {reason}");
}

fn ready() -> bool {
    for tool in ["dpkg", "bwrap", "perl"] {
        if which::which(tool).is_err() {
            skip(&format!("{tool} is not installed"));
            return false;
        }
    }
    if !wazo_plugin::pipeline::isolation::bwrap_usable() {
        skip("bubblewrap cannot create its namespaces here (user namespaces disabled?)");
        return false;
    }
    true
}

/// Who runs the binary.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Root,
    User(u32, u32),
}

/// The users to run as: root (when we are root) and an unprivileged one (created when
/// missing); as a normal user, just ourselves.
fn users() -> Vec<Who> {
    if !nix::unistd::Uid::effective().is_root() {
        skip("not root: the hostile suite runs as the current user only");
        let (u, g) = (
            nix::unistd::Uid::effective().as_raw(),
            nix::unistd::Gid::effective().as_raw(),
        );
        return vec![Who::User(u, g)];
    }
    let mut out = vec![Who::Root];
    if which::which("setpriv").is_err() {
        skip("setpriv is not installed: cannot run as an unprivileged user");
        return out;
    }
    let id = |flag: &str| {
        Command::new("id")
            .args([flag, USER])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .trim()
                    .parse::<u32>()
                    .ok()
            })
    };
    if id("-u").is_none() {
        let _ = Command::new("useradd")
            .args([
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                USER,
            ])
            .status();
    }
    match (id("-u"), id("-g")) {
        (Some(u), Some(g)) => out.push(Who::User(u, g)),
        _ => skip(&format!("cannot create the test user {USER} with useradd")),
    }
    out
}

/// One copy of the binary every user can run, made once: copying it per test while other
/// threads fork makes exec fail with ETXTBSY.
fn binary() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("wzp-hostile-bin-")
            .tempdir()
            .unwrap()
            .keep();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let bin = dir.join("wazo-plugin");
        std::fs::copy(env!("CARGO_BIN_EXE_wazo-plugin"), &bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        bin
    })
    .clone()
}

/// The namespace mechanisms that work here: bubblewrap, and the built-in one.
fn mechanisms() -> Vec<&'static str> {
    let mut out = vec!["bwrap"];
    if wazo_plugin::pipeline::isolation::namespaces_usable() {
        out.push("ns");
    } else {
        skip("the built-in namespaces do not work here");
    }
    out
}

/// Every (user, mechanism) pair to run an attack with.
fn setups() -> Vec<(Who, &'static str)> {
    let mechs = mechanisms();
    users()
        .into_iter()
        .flat_map(|w| mechs.iter().map(move |m| (w, *m)))
        .collect()
}

/// A scratch tree the user can read.
struct Scene {
    dir: tempfile::TempDir,
    who: Who,
    /// `WAZO_PLUGIN_ISOLATION`: `bwrap` or `ns` (the built-in namespaces).
    mechanism: &'static str,
    /// The canary's mode and mtime when created.
    stamp: (u32, std::time::SystemTime),
}

impl Scene {
    fn new(who: Who) -> Scene {
        Scene::with(who, "bwrap")
    }

    fn with(who: Who, mechanism: &'static str) -> Scene {
        let dir = tempfile::Builder::new()
            .prefix("wzp-hostile-")
            .tempdir()
            .unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        for d in ["canary", "tmp", "plugin/wazo"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        std::fs::write(dir.path().join("canary/canary"), "original\n").unwrap();
        let meta = std::fs::metadata(dir.path().join("canary/canary")).unwrap();
        let stamp = (meta.permissions().mode(), meta.modified().unwrap());
        let scene = Scene {
            dir,
            who,
            mechanism,
            stamp,
        };
        scene.give(&scene.canary());
        scene.give(&scene.path().join("tmp"));
        scene
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn canary(&self) -> PathBuf {
        self.path().join("canary")
    }

    /// Gives `p` (recursively) to the unprivileged user, so that without confinement the
    /// attack would succeed: the canary is really writable by whoever runs the steps.
    fn give(&self, p: &Path) {
        if let Who::User(u, g) = self.who {
            for e in walkdir::WalkDir::new(p) {
                let e = e.unwrap();
                std::os::unix::fs::lchown(e.path(), Some(u), Some(g)).unwrap();
            }
        }
    }

    fn plugin(&self, attack: &str) -> PathBuf {
        let p = self.path().join("plugin");
        std::fs::write(
            p.join("wazo/plugin.yml"),
            "name: hostile\nnamespace: test\nversion: '1.0'\nplugin_format_version: 1\n",
        )
        .unwrap();
        let rules = format!(
            "#!/bin/sh\nCANARY={canary}\ncase \"$1\" in\n  build|install|uninstall)\n    ( {attack} ) 3>&1 >/dev/null 2>&1\n    echo \"HOSTILE $1 ran\";;\n  package) mkdir -p \"$pkgdir/usr/share/hostile\"; echo x > \"$pkgdir/usr/share/hostile/f\";;\nesac\nexit 0\n",
            canary = self.canary().display()
        );
        std::fs::write(p.join("wazo/rules"), rules).unwrap();
        std::fs::set_permissions(p.join("wazo/rules"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        self.give(&p);
        p
    }

    fn command(&self, args: &[&str]) -> Command {
        let bin = binary();
        let mut cmd = match self.who {
            Who::User(u, g) if nix::unistd::Uid::effective().is_root() => {
                let mut c = Command::new("setpriv");
                c.arg(format!("--reuid={u}"))
                    .arg(format!("--regid={g}"))
                    .arg("--clear-groups")
                    .arg(&bin);
                c
            }
            _ => Command::new(&bin),
        };
        cmd.args(args)
            .current_dir(self.canary())
            .env("TMPDIR", self.path().join("tmp"))
            .env("HOME", self.path().join("tmp"))
            .env("WAZO_PLUGIN_ISOLATION", self.mechanism)
            .stdin(Stdio::null());
        cmd
    }

    /// The start of the isolation line for this mechanism.
    fn isolation_line(&self) -> &'static str {
        if self.mechanism == "ns" {
            "isolation: namespaces (built in, no bubblewrap): new user, mount, PID, IPC, UTS and cgroup namespaces"
        } else {
            "isolation: bubblewrap: new user, mount, PID, IPC, UTS and cgroup namespaces"
        }
    }

    /// `wazo-plugin test PLUGIN --no-lint -v`: (exit code, stdout + stderr).
    fn run_test(&self, attack: &str, extra: &[&str]) -> (i32, String) {
        let plugin = self.plugin(attack);
        let mut args = vec!["test", plugin.to_str().unwrap(), "--no-lint", "-v"];
        args.extend(extra);
        let out = self.command(&args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }

    fn assert_canary_unchanged(&self, text: &str) {
        let names: Vec<String> = std::fs::read_dir(self.canary())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            ["canary"],
            "files appeared beside the canary: {text}"
        );
        assert_eq!(
            std::fs::read_to_string(self.canary().join("canary")).unwrap(),
            "original\n",
            "the canary was changed ({:?}): {text}",
            self.who
        );
        let meta = std::fs::metadata(self.canary().join("canary")).unwrap();
        assert_eq!(
            (meta.permissions().mode(), meta.modified().unwrap()),
            self.stamp,
            "the canary's mode or mtime changed: {text}"
        );
    }
}

/// The report of a confined run: the attack ran in build and in the maintainer steps, the
/// isolation line names the namespaces and what is shared, and never claims "host unchanged".
fn assert_report(scene: &Scene, code: i32, text: &str) {
    assert_eq!(code, 0, "{text}");
    for phase in ["build", "install", "uninstall"] {
        assert!(
            text.contains(&format!("HOSTILE {phase} ran")),
            "the attack did not run in {phase}: {text}"
        );
    }
    assert!(text.contains(scene.isolation_line()), "{text}");
    assert!(text.contains("shared with the host: the network"), "{text}");
    assert!(!text.contains("host unchanged"), "{text}");
}

/// Runs `attack` as every user; `check` asserts on the host after each run.
fn attack_all(attack: &str, check: impl Fn(&Scene, &str)) {
    if !ready() {
        return;
    }
    for (who, mech) in setups() {
        let scene = Scene::with(who, mech);
        let (code, text) = scene.run_test(attack, &[]);
        assert_report(&scene, code, &text);
        scene.assert_canary_unchanged(&text);
        check(&scene, &text);
    }
}

#[test]
fn write_by_absolute_path() {
    attack_all(
        "echo pwned > $CANARY/canary; echo pwned > $CANARY/new; rm -f $CANARY/canary; chmod 000 $CANARY/canary; touch -d 2001-01-01 $CANARY/canary; mv $CANARY/canary $CANARY/moved",
        |_, _| {},
    );
}

#[test]
fn write_through_dotdot() {
    attack_all(
        "p=.; for i in $(seq 1 40); do p=$p/..; done; echo pwned > $p$CANARY/canary; cd /; echo pwned > ../../..$CANARY/new",
        |_, _| {},
    );
}

#[test]
fn write_through_a_symlink_planted_or_made() {
    // A symlink shipped in the plugin folder, and one made at run time.
    if !ready() {
        return;
    }
    for (who, mech) in setups() {
        let scene = Scene::with(who, mech);
        let plugin = scene.path().join("plugin");
        let _ = std::fs::remove_file(plugin.join("planted"));
        std::os::unix::fs::symlink(scene.canary().join("canary"), plugin.join("planted")).unwrap();
        let (code, text) = scene.run_test(
            "echo pwned > planted; ln -sf $CANARY/canary made; echo pwned > made; ln -sfn $CANARY /tmp/d; echo pwned > /tmp/d/new; echo pwned > /usr/lib/wazo-plugind/plugins/test/hostile/planted",
            &[],
        );
        assert_report(&scene, code, &text);
        scene.assert_canary_unchanged(&text);
    }
}

#[test]
fn write_through_a_hardlink() {
    attack_all(
        "ln $CANARY/canary hl && echo pwned > hl; ln $CANARY/canary /tmp/hl && echo pwned > /tmp/hl; ln $CANARY/canary /etc/hl && echo pwned >> /etc/hl",
        |_, _| {},
    );
}

#[test]
fn write_through_proc_pid_root_and_cwd() {
    // The binary runs with the canary directory as its current directory: a step that could
    // see wazo-plugin's /proc/<pid>/cwd would write there.
    attack_all(
        "for p in /proc/[0-9]*; do echo pwned > $p/root$CANARY/canary; echo pwned > $p/cwd/new; echo pwned > $p/cwd/canary; done; for i in $(seq 1 400); do echo pwned > /proc/$i/cwd/new; done",
        |_, _| {},
    );
}

#[test]
fn chroot_escape() {
    attack_all(
        "perl -e 'mkdir \"jail\"; chroot \"jail\" or exit 1; chdir \"..\" for 1..64; chroot \".\"; open(my $f, \">\", \"$ENV{CANARY}/canary\") or exit 2; print $f \"pwned\\n\"' ; exit 0",
        |_, _| {},
    );
}

#[test]
fn write_into_dev_shm() {
    if !ready() {
        return;
    }
    let marker = format!("/dev/shm/wzp-hostile-{}", std::process::id());
    std::fs::write(&marker, "original\n").unwrap();
    let attack = format!("echo pwned > {marker}; echo pwned > {marker}-new; rm -f {marker}");
    attack_all(&attack, |_, text| {
        assert_eq!(
            std::fs::read_to_string(&marker).unwrap(),
            "original\n",
            "{text}"
        );
        assert!(!Path::new(&format!("{marker}-new")).exists(), "{text}");
    });
    let _ = std::fs::remove_file(&marker);
}

#[test]
fn kill_a_host_process() {
    if !ready() {
        return;
    }
    for (who, mech) in setups() {
        let scene = Scene::with(who, mech);
        // The marker runs as the same user as the steps, so only the sandbox stops the kill.
        let mut marker = match who {
            Who::User(u, g) if nix::unistd::Uid::effective().is_root() => {
                let mut c = Command::new("setpriv");
                c.arg(format!("--reuid={u}"))
                    .arg(format!("--regid={g}"))
                    .arg("--clear-groups")
                    .args(["sleep", "613.4242"]);
                c
            }
            _ => {
                let mut c = Command::new("sleep");
                c.arg("613.4242");
                c
            }
        };
        let mut child = marker.spawn().unwrap();
        let pid = child.id();
        let (code, text) = scene.run_test(
            &format!("kill -9 {pid}; pkill -9 -f 613.4242; kill -9 1"),
            &[],
        );
        let alive = child.try_wait().unwrap().is_none();
        let _ = child.kill();
        let _ = child.wait();
        assert!(alive, "the marker process was killed ({who:?}): {text}");
        assert_report(&scene, code, &text);
        scene.assert_canary_unchanged(&text);
    }
}

#[test]
fn set_the_hostname() {
    let before = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    attack_all(
        "hostname wzp-pwned; perl -e 'syscall(170, \"wzp-pwned\", 9)'; echo wzp-pwned > /proc/sys/kernel/hostname",
        |_, text| {
            assert_eq!(
                std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap(),
                before,
                "{text}"
            );
        },
    );
}

#[test]
fn write_a_sysctl() {
    let path = "/proc/sys/kernel/printk_ratelimit_burst";
    let Ok(before) = std::fs::read_to_string(path) else {
        return skip("no /proc/sys/kernel/printk_ratelimit_burst to watch");
    };
    let wanted = before.trim().parse::<u64>().unwrap_or(10) + 7;
    let attack = format!(
        "echo {wanted} > {path}; sysctl -w kernel.printk_ratelimit_burst={wanted}; echo 1 > /proc/sys/fs/suid_dumpable"
    );
    attack_all(&attack, |_, text| {
        let now = std::fs::read_to_string(path).unwrap();
        if now != before {
            // Put it back before failing.
            let _ = std::fs::write(path, &before);
        }
        assert_eq!(now, before, "a sysctl was changed on the host: {text}");
    });
}

/// Runs `wazo-plugin ARGS` under `script` (a pseudo-terminal, so wazo-plugin has a controlling
/// terminal), then a shell that evaluates one line of whatever input was pushed into it.
fn under_a_terminal(scene: &Scene, args: &[&str], isolation: Option<&str>) -> String {
    let inner = scene.command(&[]);
    let bin = inner.get_program().to_string_lossy().into_owned();
    let pre: Vec<String> = inner
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let shell = format!(
        "{} {} {}; read -t 2 line && eval \"$line\"; true",
        bin,
        pre.join(" "),
        args.join(" ")
    );
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &shell, "/dev/null"])
        .current_dir(scene.canary())
        .env("TMPDIR", scene.path().join("tmp"))
        .env("HOME", scene.path().join("tmp"))
        .env_remove("WAZO_PLUGIN_ISOLATION")
        .stdin(Stdio::null());
    if let Some(i) = isolation {
        cmd.env("WAZO_PLUGIN_ISOLATION", i);
    }
    let out = cmd.output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const TIOCSTI: &str = "perl -e 'open(my $o, \">&=3\"); if (open(my $t, \"+<\", \"/dev/tty\")) { print $o \"TTY-OPENED\\n\"; for my $c (split //, \"touch $ENV{CANARY}/tiocsti\\n\") { ioctl($t, 0x5412, $c) } } else { print $o \"TTY-REFUSED\\n\" }'";

#[test]
fn push_input_into_the_terminal_tiocsti() {
    // Under `script` wazo-plugin has a controlling terminal; a step that could reach it would
    // push a command into it. The steps run in a new session without one: /dev/tty cannot even
    // be opened.
    if !ready() {
        return;
    }
    if which::which("script").is_err() {
        return skip("script (util-linux) is not installed: no pseudo-terminal to test TIOCSTI");
    }
    for (who, mech) in setups() {
        let scene = Scene::with(who, mech);
        let plugin = scene.plugin(TIOCSTI);
        let p = plugin.to_str().unwrap().to_string();
        let text = under_a_terminal(
            &scene,
            &["test", &p, "--no-lint", "-v"],
            Some(scene.mechanism),
        );
        assert!(
            !text.contains("TTY-OPENED"),
            "a step opened the terminal: {text}"
        );
        for phase in ["build", "install"] {
            assert!(text.contains(&format!("HOSTILE {phase} ran")), "{text}");
        }
        assert!(
            text.matches("TTY-REFUSED").count() >= 3,
            "the attack did not run in every phase: {text}"
        );
        scene.assert_canary_unchanged(&text);
    }
    // The probe is a real one: unconfined, the same build opens the terminal.
    let scene = Scene::new(Who::Root);
    let plugin = scene.plugin(TIOCSTI);
    let p = plugin.to_str().unwrap().to_string();
    let text = under_a_terminal(&scene, &["build", &p, "--no-lint", "-v"], Some("none"));
    assert!(
        text.contains("TTY-OPENED"),
        "unconfined, the terminal should open: {text}"
    );
}

#[test]
fn no_process_survives_its_step() {
    attack_all(
        "setsid sh -c 'sleep 577.4242' & nohup sleep 577.4242 & (setsid sleep 577.4242 &) ; sleep 0.2",
        |_, text| {
            std::thread::sleep(std::time::Duration::from_millis(300));
            let survivors: Vec<String> = std::fs::read_dir("/proc")
                .unwrap()
                .flatten()
                .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
                .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
                .filter(|c| c.contains("577.4242"))
                .collect();
            assert!(survivors.is_empty(), "left running: {survivors:?}: {text}");
        },
    );
}

/// The canary is a real one: without confinement (`--unsafe-host`, no namespaces) the same
/// absolute-path attack does change it. Guards against a suite that cannot fail.
#[test]
fn the_canary_detects_an_unconfined_write() {
    if !ready() {
        return;
    }
    let scene = Scene::new(Who::Root);
    let plugin = scene.plugin("echo pwned > $CANARY/canary");
    let out = scene
        .command(&["build", plugin.to_str().unwrap(), "--no-lint"])
        .env("WAZO_PLUGIN_ISOLATION", "none")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(scene.canary().join("canary")).unwrap(),
        "pwned\n"
    );
}

/// Under Landlock only (no namespaces), the write classes are still denied during `build`; the
/// report says the maintainer steps were not run and that processes, hostname, sysctls and the
/// terminal are shared. Landlock does not cover chmod, chown or utime, so those are left out.
#[test]
fn landlock_only_denies_the_write_classes_in_build() {
    if !ready() {
        return;
    }
    if wazo_plugin::pipeline::isolation::landlock_abi().is_none() {
        eprintln!("skipped: this kernel has no Landlock");
        return;
    }
    let marker = format!("/dev/shm/wzp-hostile-ll-{}", std::process::id());
    let attacks = [
        "echo pwned > $CANARY/canary; echo pwned > $CANARY/new; rm -f $CANARY/canary; mv $CANARY/canary $CANARY/moved".to_string(),
        "p=.; for i in $(seq 1 40); do p=$p/..; done; echo pwned > $p$CANARY/canary".to_string(),
        "ln -sf $CANARY/canary made; echo pwned > made".to_string(),
        "ln $CANARY/canary hl && echo pwned > hl".to_string(),
        "for p in /proc/[0-9]*; do echo pwned > $p/root$CANARY/canary; echo pwned > $p/cwd/new; done".to_string(),
        "perl -e 'mkdir \"jail\"; chroot \"jail\" or exit 1; chdir \"..\" for 1..64; chroot \".\"; open(my $f, \">\", \"$ENV{CANARY}/canary\") or exit 2; print $f \"pwned\\n\"'".to_string(),
        format!("echo pwned > {marker}"),
    ];
    for who in users() {
        for attack in &attacks {
            let scene = Scene::new(who);
            let plugin = scene.plugin(attack);
            let out = scene
                .command(&["test", plugin.to_str().unwrap(), "--no-lint", "-v"])
                .env("WAZO_PLUGIN_ISOLATION", "landlock")
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            scene.assert_canary_unchanged(&text);
            assert!(!Path::new(&marker).exists(), "{marker} was written: {text}");
            assert_eq!(out.status.code(), Some(0), "{text}");
            assert!(text.contains("HOSTILE build ran"), "{text}");
            assert!(!text.contains("HOSTILE install ran"), "{text}");
            assert!(text.contains("isolation: Landlock only"), "{text}");
            assert!(text.contains("maintainer scripts NOT run"), "{text}");
            assert!(!text.contains("host unchanged"), "{text}");
        }
    }
}
