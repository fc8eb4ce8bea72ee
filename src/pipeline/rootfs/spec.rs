//! What a Wazo-like root holds for one Wazo release: its Debian suite and the packages a Wazo
//! server has that plugins rely on.

use crate::wazo::releases::{self, Release};

/// The first release whose wazo-plugind depends on python3-pip, python3-build and python3-venv:
/// wazo-plugind@368c3fb (2025-12-16) added them; 26.01 is the first release after that commit by
/// date (not confirmed by a release note). See shared/reference/wazo-extension-points.md.
pub const BUILD_TOOLS_FROM: &str = "26.01";

/// What wazo-plugind depends on in every release (its debian/control: git, fakeroot,
/// gdebi-core, python3-setuptools), with python3 itself and passwd (useradd, used to create the
/// services' users; a Wazo server has it).
const ALWAYS: &[&str] = &[
    "passwd",
    "git",
    "fakeroot",
    "gdebi-core",
    "python3",
    "python3-setuptools",
    // wazo-plugind's own runtime: python3-requests is in its Depends, python3-yaml comes with
    // ${python3:Depends} (it reads plugin.yml with yaml.safe_load) (wazo-plugind@01bded2
    // debian/control). A server has both; plugins' setup.py files import yaml.
    "python3-requests",
    "python3-yaml",
];

/// Added by wazo-plugind@368c3fb, from [`BUILD_TOOLS_FROM`].
const BUILD_TOOLS: &[&str] = &["python3-pip", "python3-build", "python3-venv"];

/// The root to make for one Wazo release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// The Wazo release (`26.08`), with its Debian version and Python.
    pub release: Release,
    /// The Debian suite: `bookworm`.
    pub suite: String,
    /// The Debian packages installed for real (mmdebstrap `--include`).
    pub packages: Vec<String>,
}

impl Spec {
    /// The root of a known release.
    pub fn for_release(release: Release) -> Spec {
        let mut packages: Vec<String> = ALWAYS.iter().map(|p| p.to_string()).collect();
        if has_build_tools(&release) {
            packages.extend(BUILD_TOOLS.iter().map(|p| p.to_string()));
        }
        Spec {
            suite: release.codename.to_string(),
            release,
            packages,
        }
    }

    /// The root of the release `v` names (`25.9` is 25.09); `None` for an unknown release.
    pub fn for_version(v: &str) -> Option<Spec> {
        releases::find(v).map(Spec::for_release)
    }

    /// The root of the newest known release.
    pub fn newest() -> Spec {
        Spec::for_release(releases::newest())
    }
}

/// Whether the release's wazo-plugind depends on python3-pip, python3-build and python3-venv.
pub fn has_build_tools(release: &Release) -> bool {
    match (
        release.version(),
        crate::wazo_version::check_wazo_version(BUILD_TOOLS_FROM).ok(),
    ) {
        (Some(v), Some(from)) => v >= from,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_follow_the_release() {
        let new = Spec::for_version("26.08").expect("known");
        assert_eq!(new.suite, "bookworm");
        assert!(new.packages.iter().any(|p| p == "python3-venv"));
        let old = Spec::for_version("25.17").expect("known");
        assert_eq!(old.suite, "bookworm");
        assert!(!old.packages.iter().any(|p| p == "python3-pip"));
        assert!(old.packages.iter().any(|p| p == "gdebi-core"));
        assert_eq!(
            Spec::for_version("24.01").map(|s| s.suite),
            Some("bullseye".into())
        );
        assert!(Spec::for_version("21.17").is_none());
    }
}
