//! Text edits: byte ranges replaced with new text, applied from the end of the file backwards.

use std::io::Write;
use std::ops::Range;
use std::path::Path;

/// One replacement of a byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Range<usize>,
    pub replacement: String,
}

impl Edit {
    pub fn new(span: Range<usize>, replacement: String) -> Edit {
        Edit { span, replacement }
    }
}

/// Whether two edits touch the same text. Two insertions at the same place overlap too (their
/// order would be a guess).
pub fn overlaps(a: &Edit, b: &Edit) -> bool {
    (a.span.start < b.span.end && b.span.start < a.span.end) || a.span.start == b.span.start
}

/// Why a set of edits cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("overlapping edits at bytes {0:?} and {1:?}")]
    Overlap(Range<usize>, Range<usize>),
    #[error("the edit at bytes {0:?} is out of the text")]
    OutOfText(Range<usize>),
}

/// Applies non-overlapping edits to `text`, from the last backwards. Fails on a span outside
/// the text or not on character boundaries, or on overlapping edits.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    for pair in sorted.windows(2) {
        if overlaps(pair[0], pair[1]) {
            return Err(EditError::Overlap(
                pair[0].span.clone(),
                pair[1].span.clone(),
            ));
        }
    }
    let mut out = text.to_string();
    for edit in sorted.iter().rev() {
        let Range { start, end } = edit.span;
        if start > end
            || end > out.len()
            || !out.is_char_boundary(start)
            || !out.is_char_boundary(end)
        {
            return Err(EditError::OutOfText(start..end));
        }
        out.replace_range(start..end, &edit.replacement);
    }
    Ok(out)
}

/// Rewrites the file at `path`, which must still hold `linted`, with `edits` applied.
pub(super) fn rewrite(path: &Path, linted: &str, edits: &[Edit]) -> Result<(), String> {
    // Through a symbolic link, rewrite its target, not the link.
    let path = &std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    let current = std::fs::read(path).map_err(|e| e.to_string())?;
    if current != linted.as_bytes() {
        return Err("the file changed since it was linted".into());
    }
    let new = apply_edits(linted, edits).map_err(|e| e.to_string())?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)
        .map_err(|e| e.to_string())?
        .permissions();
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    tmp.write_all(new.as_bytes()).map_err(|e| e.to_string())?;
    tmp.as_file()
        .set_permissions(permissions)
        .map_err(|e| e.to_string())?;
    tmp.persist(path).map_err(|e| e.error.to_string())?;
    Ok(())
}
