//! Wazo releases, with the Debian and Python they run on.
//!
//! Source: wazo-platform/wazo-platform.org@fea94fd, `website/uc-doc/upgrade/upgrade_notes.md`
//! (sections 22.01 to 26.08) and `website/uc-doc/upgrade/archives/upgrade_notes.md` (19.13 to
//! 21.16). Releases are numbered YY.NN, zero-padded; 2019's first release documented there is
//! 19.13 (the Debian 10 upgrade), 2021 has 16 releases, the other years 17. Debian and Python:
//! 19.13 "Debian has been upgraded from version 9 (stretch) to 10 (buster)"; 23.06 "from
//! version 10 (Buster) to 11 (Bullseye)"; 25.15 "from version 11 (Bullseye) to 12 (Bookworm)"
//! with "Python from 3.9 to 3.11". Debian 10's Python is 3.7.

use crate::wazo_version::{WazoVersion, check_wazo_version};

/// How many releases each documented year has: (year, first, last).
const YEARS: &[(u32, u32, u32)] = &[
    (19, 13, 17),
    (20, 1, 17),
    (21, 1, 16),
    (22, 1, 17),
    (23, 1, 17),
    (24, 1, 17),
    (25, 1, 17),
    (26, 1, 8),
];

/// The Debian release and Python a span of Wazo releases runs on: (first Wazo release, Debian
/// version, Debian codename, Python).
pub const PLATFORMS: &[(&str, u32, &str, &str)] = &[
    ("19.13", 10, "buster", "3.7"),
    ("23.06", 11, "bullseye", "3.9"),
    ("25.15", 12, "bookworm", "3.11"),
];

/// A Wazo release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// As Wazo writes it: `25.09`.
    pub name: String,
    pub debian: u32,
    pub codename: &'static str,
    pub python: &'static str,
}

impl Release {
    pub fn version(&self) -> Option<WazoVersion> {
        check_wazo_version(&self.name).ok()
    }
}

/// Every known release, oldest first.
pub fn releases() -> Vec<Release> {
    let mut out = Vec::new();
    for &(year, first, last) in YEARS {
        for n in first..=last {
            let name = format!("{year}.{n:02}");
            let (debian, codename, python) = platform_of(year, n);
            out.push(Release {
                name,
                debian,
                codename,
                python,
            });
        }
    }
    out
}

fn platform_of(year: u32, n: u32) -> (u32, &'static str, &'static str) {
    let mut found = (10, "buster", "3.7");
    for &(from, debian, codename, python) in PLATFORMS {
        let (y, m) = from.split_once('.').unwrap_or((from, "0"));
        let (y, m): (u32, u32) = (y.parse().unwrap_or(0), m.parse().unwrap_or(0));
        if (year, n) >= (y, m) {
            found = (debian, codename, python);
        }
    }
    found
}

/// The newest known release.
pub fn newest() -> Release {
    releases().pop().unwrap_or(Release {
        name: "26.08".into(),
        debian: 12,
        codename: "bookworm",
        python: "3.11",
    })
}

/// The release `v` names (numerically: `25.9` is 25.09), if it is a known one.
pub fn find(v: &str) -> Option<Release> {
    let wanted = check_wazo_version(v).ok()?;
    releases()
        .into_iter()
        .find(|r| r.version().is_some_and(|rv| rv == wanted))
}

/// The first release documented here.
pub fn oldest() -> Release {
    releases().remove(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_every_documented_release() {
        let all = releases();
        assert_eq!(all.first().map(|r| r.name.as_str()), Some("19.13"));
        assert_eq!(all.last().map(|r| r.name.as_str()), Some("26.08"));
        assert_eq!(all.len(), 5 + 17 + 16 + 17 * 4 + 8);
        assert!(find("21.17").is_none());
        assert!(find("25.17").is_some());
        assert_eq!(find("25.9").map(|r| r.name), Some("25.09".to_string()));
    }

    #[test]
    fn debian_and_python_follow_the_upgrades() {
        assert_eq!(find("23.05").map(|r| r.codename), Some("buster"));
        assert_eq!(find("23.06").map(|r| r.python), Some("3.9"));
        assert_eq!(find("25.14").map(|r| r.debian), Some(11));
        assert_eq!(find("25.15").map(|r| r.python), Some("3.11"));
        assert_eq!(newest().codename, "bookworm");
    }
}
