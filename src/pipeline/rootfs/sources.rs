//! The user's apt sources, to pick the Debian mirror the root is made from.
//!
//! Both formats apt reads: one-line `deb URI SUITE COMPONENT...` (`sources.list`, `*.list`) and
//! deb822 stanzas (`*.sources`: `Types`, `URIs`, `Suites`, `Components`, `Enabled`). The caller
//! reads the files (or passes a folder); nothing here looks at the environment.

use std::path::Path;

/// One `deb` source: a URI and the suites it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub uri: String,
    pub suites: Vec<String>,
    pub components: Vec<String>,
}

/// The sources apt would use, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AptSources {
    pub sources: Vec<Source>,
}

/// The mirror used when the user's sources name no Debian archive.
pub const DEFAULT_MIRROR: &str = "http://deb.debian.org/debian";

/// The mirrors for one suite, as mmdebstrap arguments (`deb URI SUITE main`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mirrors {
    /// The main archive.
    pub main: String,
    /// Whether the user's sources carry `<suite>-updates` from it.
    pub updates: bool,
    /// The security archive, when the user's sources have one.
    pub security: Option<String>,
}

impl Mirrors {
    /// The `deb ...` lines for `suite`.
    pub fn lines(&self, suite: &str) -> Vec<String> {
        let mut out = vec![format!("deb {} {suite} main", self.main)];
        if self.updates {
            out.push(format!("deb {} {suite}-updates main", self.main));
        }
        if let Some(sec) = &self.security {
            out.push(format!("deb {sec} {suite}-security main"));
        }
        out
    }
}

fn is_security(s: &Source) -> bool {
    s.uri.contains("security") || s.suites.iter().any(|x| x.ends_with("-security"))
}

fn is_debian(s: &Source) -> bool {
    let u = s.uri.trim_end_matches('/');
    u.ends_with("/debian") || u.ends_with("/debian-security") || u.contains("debian.org")
}

impl AptSources {
    /// Reads `sources.list` and `sources.list.d/*.list|*.sources` under `etc_apt` (normally
    /// `/etc/apt`). Unreadable files are skipped: the default mirror is the fallback.
    pub fn read_dir(etc_apt: &Path) -> AptSources {
        let mut all = AptSources::default();
        if let Ok(text) = std::fs::read_to_string(etc_apt.join("sources.list")) {
            all.sources.extend(parse_list(&text));
        }
        let mut names: Vec<_> = std::fs::read_dir(etc_apt.join("sources.list.d"))
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        names.sort();
        for path in names {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            match path.extension().and_then(|e| e.to_str()) {
                Some("list") => all.sources.extend(parse_list(&text)),
                Some("sources") => all.sources.extend(parse_deb822(&text)),
                _ => {}
            }
        }
        all
    }

    /// The Debian mirrors to make a root from: the first Debian archive that is not the security
    /// one (or [`DEFAULT_MIRROR`]), and the security archive if the sources have one.
    pub fn mirrors(&self) -> Mirrors {
        let main = self
            .sources
            .iter()
            .find(|s| is_debian(s) && !is_security(s) && s.components.iter().any(|c| c == "main"));
        let updates = main.is_none_or(|m| {
            self.sources
                .iter()
                .any(|s| s.uri == m.uri && s.suites.iter().any(|x| x.ends_with("-updates")))
        });
        let security = self
            .sources
            .iter()
            .find(|s| is_debian(s) && is_security(s))
            .map(|s| s.uri.trim_end_matches('/').to_string());
        Mirrors {
            main: main
                .map(|s| s.uri.trim_end_matches('/').to_string())
                .unwrap_or_else(|| DEFAULT_MIRROR.to_string()),
            updates: updates && main.is_some(),
            security,
        }
    }
}

/// One-line sources: `deb [options] URI SUITE COMPONENT...`; `deb-src` and comments skipped.
pub fn parse_list(text: &str) -> Vec<Source> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let mut rest = match line.strip_prefix("deb ") {
            Some(r) => r.trim_start(),
            None => continue,
        };
        if let Some(r) = rest.strip_prefix('[') {
            match r.split_once(']') {
                Some((_, after)) => rest = after.trim_start(),
                None => continue,
            }
        }
        let mut words = rest.split_whitespace();
        let (Some(uri), Some(suite)) = (words.next(), words.next()) else {
            continue;
        };
        out.push(Source {
            uri: uri.to_string(),
            suites: vec![suite.to_string()],
            components: words.map(str::to_string).collect(),
        });
    }
    out
}

/// deb822 stanzas, separated by blank lines; only `Types: deb` ones that are not disabled.
pub fn parse_deb822(text: &str) -> Vec<Source> {
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let field = |name: &str| -> Vec<String> {
            let mut values = Vec::new();
            let mut inside = false;
            for line in stanza.lines() {
                if line.starts_with('#') {
                    continue;
                }
                if line.starts_with([' ', '\t']) {
                    if inside {
                        values.extend(line.split_whitespace().map(str::to_string));
                    }
                    continue;
                }
                inside = false;
                if let Some((k, v)) = line.split_once(':')
                    && k.trim().eq_ignore_ascii_case(name)
                {
                    inside = true;
                    values.extend(v.split_whitespace().map(str::to_string));
                }
            }
            values
        };
        let types = field("Types");
        let enabled = field("Enabled");
        if !types.iter().any(|t| t == "deb") || enabled.iter().any(|e| e.eq_ignore_ascii_case("no"))
        {
            continue;
        }
        let suites = field("Suites");
        let components = field("Components");
        for uri in field("URIs") {
            out.push(Source {
                uri,
                suites: suites.clone(),
                components: components.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_formats_and_picks_debian() {
        let deb822 = "Types: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\nComponents: main\n\nTypes: deb\nURIs: http://off.example/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n";
        let list = "# comment\ndeb [arch=amd64 signed-by=/k.gpg] https://packages.cloud.google.com/apt cloud-sdk main\ndeb-src http://x/debian bookworm main\n";
        let all = AptSources {
            sources: [parse_list(list), parse_deb822(deb822)].concat(),
        };
        assert_eq!(all.sources.len(), 3);
        let m = all.mirrors();
        assert_eq!(m.main, "http://mirror.example/debian");
        assert!(m.updates);
        assert_eq!(
            m.security.as_deref(),
            Some("http://security.example/debian-security")
        );
        assert_eq!(
            m.lines("bullseye"),
            [
                "deb http://mirror.example/debian bullseye main",
                "deb http://mirror.example/debian bullseye-updates main",
                "deb http://security.example/debian-security bullseye-security main"
            ]
        );
    }

    #[test]
    fn no_debian_source_falls_back() {
        let m = AptSources::default().mirrors();
        assert_eq!(m.main, DEFAULT_MIRROR);
        assert!(!m.updates);
        assert_eq!(
            m.lines("bookworm"),
            ["deb http://deb.debian.org/debian bookworm main"]
        );
    }
}
