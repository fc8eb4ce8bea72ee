//! Landlock confinement: the child may read and run anything but write only under the allowed
//! directories (the work dir, the prefix) and a few devices. A write elsewhere fails with
//! `EACCES`; [`super::denied`] then names the path from the step's output.

use std::io;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

use landlock::{
    ABI, AccessFs, Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus, path_beneath_rules,
};

/// The newest ABI we ask for; older kernels get what they support (best effort), and
/// [`super::isolation::landlock_abi`] tells whether there is any Landlock at all.
const ABI_WANTED: ABI = ABI::V5;

/// Devices a step may write to.
const DEVICES: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/tty",
    "/dev/pts",
    "/dev/random",
    "/dev/urandom",
];

/// Makes `cmd` start restricted to writing under `allowed`. The ruleset is built here, before
/// fork; the child only enforces it.
pub fn confine(cmd: &mut Command, allowed: &[PathBuf]) -> io::Result<()> {
    let err = |e: landlock::RulesetError| io::Error::other(format!("Landlock: {e}"));
    let write = AccessFs::from_write(ABI_WANTED);
    let created = Ruleset::default()
        .handle_access(write)
        .map_err(err)?
        .create()
        .map_err(err)?
        .add_rules(path_beneath_rules(allowed, write))
        .map_err(err)?
        .add_rules(path_beneath_rules(DEVICES, write))
        .map_err(err)?;
    let mut ruleset = Some(created);
    // SAFETY: the closure only calls prctl and landlock_restrict_self on a ruleset fd created
    // before fork.
    unsafe {
        cmd.pre_exec(move || {
            let Some(r) = ruleset.take() else {
                return Ok(());
            };
            match r.restrict_self() {
                Ok(s) if s.ruleset != RulesetStatus::NotEnforced => Ok(()),
                Ok(_) => Err(io::Error::other("Landlock is not enforced by this kernel")),
                Err(e) => Err(io::Error::other(e.to_string())),
            }
        })
    };
    Ok(())
}
