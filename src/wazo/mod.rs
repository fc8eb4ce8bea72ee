//! What Wazo itself knows: its services, the entry-point groups they load and how each group is
//! enabled (services.rs), its releases with their Debian and Python (releases.rs), and the conf.d
//! files Wazo itself puts in its services' folders (confd_files.rs). Each table carries the
//! upstream source it was read from.

pub mod confd_files;
pub mod defaults;
pub mod releases;
pub mod services;

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        if score >= 0.85 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}
