//! plugin.yml as a raw YAML tree that keeps, for every key and value, its byte span and (for
//! scalars) its style. Typing happens later, by the checks, the way PyYAML would type it.
//!
//! We build the tree from saphyr-parser's events rather than deserializing with serde: the checks
//! need both occurrences of a duplicate key, and the scalar style (plain or quoted) decides how
//! PyYAML's YAML 1.1 resolver reads a value.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// How deep collections may nest before we stop (a guard against stack exhaustion).
pub const MAX_DEPTH: usize = 64;
/// How many nodes a document may expand to, aliases included (a guard against "billion laughs").
pub const MAX_NODES: usize = 100_000;

/// The style a scalar was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar { value: String, style: Style },
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A key and its value in a mapping, in source order. Duplicate keys are kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// A node with its byte span in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Range<usize>,
    /// Whether the node carries an explicit tag (`!!str`, `!foo`): we do not guess its type then.
    pub tagged: bool,
}

/// A YAML syntax error, or a document too large or deep to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub span: Range<usize>,
    pub message: String,
}

/// Converts saphyr's character indexes to byte offsets.
struct Offsets<'a> {
    text: &'a str,
    /// Byte offset of every character, built only for non-ASCII text.
    table: Option<Vec<usize>>,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let table = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        Offsets { text, table }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.text.len()),
            Some(t) => t.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    fn range(&self, span: &Span) -> Range<usize> {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        start..end
    }
}

impl Node {
    /// The scalar's value, when the node is a scalar.
    pub fn as_scalar(&self) -> Option<(&str, Style)> {
        match &self.kind {
            NodeKind::Scalar { value, style } => Some((value, *style)),
            _ => None,
        }
    }

    /// The byte span in the source of `len` bytes of this scalar's value starting at `offset`,
    /// when the value is written verbatim in the source (a plain scalar, or a quoted one without
    /// escapes); otherwise the whole node.
    pub fn value_span(&self, source: &str, offset: usize, len: usize) -> Range<usize> {
        let Some((value, style)) = self.as_scalar() else {
            return self.span.clone();
        };
        let inner = match style {
            Style::Plain => self.span.clone(),
            Style::SingleQuoted | Style::DoubleQuoted => {
                (self.span.start + 1)..self.span.end.saturating_sub(1)
            }
            _ => return self.span.clone(),
        };
        if source.get(inner.clone()) == Some(value) && offset + len <= value.len() {
            let start = inner.start + offset;
            start..(start + len.max(1)).min(inner.end.max(start + 1))
        } else {
            self.span.clone()
        }
    }

    /// A short name of the node's YAML type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

struct Builder<'a> {
    offsets: Offsets<'a>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
}

enum Frame {
    Seq {
        start: Range<usize>,
        anchor: usize,
        tagged: bool,
        items: Vec<Node>,
    },
    Map {
        start: Range<usize>,
        anchor: usize,
        tagged: bool,
        entries: Vec<Entry>,
        pending_key: Option<Node>,
    },
}

/// Parses the text as one YAML document. `Ok(None)` for a document with no content (empty file,
/// only comments). Several documents are an error, as for PyYAML's `safe_load`.
pub fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    let mut b = Builder {
        offsets: Offsets::new(text),
        anchors: HashMap::new(),
        nodes: 0,
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let at = b.offsets.byte(e.marker().index());
            YamlError {
                span: at..at,
                message: e.info().to_string(),
            }
        })?;
        let range = b.offsets.range(&span);
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError {
                        span: range,
                        message: "expected a single document, found a second one".into(),
                    });
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let span = match style {
                    Style::SingleQuoted | Style::DoubleQuoted => quoted_extent(text, range),
                    _ => range,
                };
                let node = Node {
                    kind: NodeKind::Scalar {
                        value: value.into_owned(),
                        style,
                    },
                    span,
                    tagged: tag.is_some(),
                };
                b.count(&node, 1)?;
                b.anchor(anchor, &node);
                node
            }
            Event::Alias(id) => {
                let Some(found) = b.anchors.get(&id).cloned() else {
                    return Err(YamlError {
                        span: range,
                        message: "alias to an unknown anchor".into(),
                    });
                };
                b.count(&found, size(&found))?;
                Node {
                    span: range,
                    ..found
                }
            }
            Event::SequenceStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(too_deep(range));
                }
                stack.push(Frame::Seq {
                    start: range,
                    anchor,
                    tagged: tag.is_some(),
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(too_deep(range));
                }
                stack.push(Frame::Map {
                    start: range,
                    anchor,
                    tagged: tag.is_some(),
                    entries: Vec::new(),
                    pending_key: None,
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else { continue };
                let (start, anchor, tagged, kind) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        tagged,
                        items,
                    } => (start, anchor, tagged, NodeKind::Seq(items)),
                    Frame::Map {
                        start,
                        anchor,
                        tagged,
                        entries,
                        ..
                    } => (start, anchor, tagged, NodeKind::Map(entries)),
                };
                let end = range.end.max(start.end);
                let node = Node {
                    kind,
                    span: start.start..trim_end(text, start.start, end),
                    tagged,
                };
                b.count(&node, 1)?;
                b.anchor(anchor, &node);
                node
            }
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push(Entry { key, value: node }),
            },
        }
    }
    Ok(root.filter(|n| !is_empty_plain(n)))
}

impl Builder<'_> {
    fn count(&mut self, _node: &Node, n: usize) -> Result<(), YamlError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                span: _node.span.clone(),
                message: format!("the document expands to more than {MAX_NODES} nodes"),
            });
        }
        Ok(())
    }

    fn anchor(&mut self, anchor: usize, node: &Node) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }
}

fn size(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar { .. } => 1,
        NodeKind::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        NodeKind::Map(entries) => {
            1 + entries
                .iter()
                .map(|e| size(&e.key) + size(&e.value))
                .sum::<usize>()
        }
    }
}

/// A quoted scalar's span ends at its closing quote: saphyr's runs on to the next token, over
/// blanks and a comment.
fn quoted_extent(text: &str, span: Range<usize>) -> Range<usize> {
    let Some(body) = text.get(span.clone()) else {
        return span;
    };
    let mut chars = body.char_indices();
    let Some((_, quote)) = chars.next() else {
        return span;
    };
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            ('"', '\\') => {
                chars.next();
            }
            ('\'', '\'') if body[i + 1..].starts_with('\'') => {
                chars.next();
            }
            (q, c) if c == q => return span.start..span.start + i + 1,
            _ => {}
        }
    }
    span
}

fn too_deep(span: Range<usize>) -> YamlError {
    YamlError {
        span,
        message: format!("collections nest more than {MAX_DEPTH} levels deep"),
    }
}

/// A block collection's end marker sits at the start of the next token: pull it back over
/// trailing whitespace and comments-free blank lines so the span covers the content only.
fn trim_end(text: &str, start: usize, end: usize) -> usize {
    let slice = text.get(start..end).unwrap_or("");
    start + slice.trim_end().len()
}

fn is_empty_plain(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar { value, style: Style::Plain } if value.is_empty())
        && !node.tagged
}

/// The byte ranges of the comments of a document parsed as `root`: a `#` at the start of a line
/// or after a blank, outside every scalar the parser read (keys and values, quoted or block),
/// to the end of its line. saphyr-parser does not report comments as events; what its scalars
/// cover is exactly where a `#` is text.
pub fn comments(text: &str, root: Option<&Node>) -> Vec<Range<usize>> {
    let mut scalars = Vec::new();
    if let Some(root) = root {
        scalar_spans(root, &mut scalars);
    }
    scalars.sort_by_key(|s| s.start);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut next = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find('#') {
        let hash = at + found;
        let blank_before = hash == 0 || matches!(bytes[hash - 1], b' ' | b'\t' | b'\n' | b'\r');
        while next < scalars.len() && scalars[next].end <= hash {
            next += 1;
        }
        let inside = scalars[next..]
            .iter()
            .take_while(|s| s.start <= hash)
            .any(|s| s.contains(&hash));
        if !blank_before || inside {
            at = hash + 1;
            continue;
        }
        let mut end = text[hash..].find('\n').map_or(text.len(), |i| hash + i);
        if text[..end].ends_with('\r') {
            end -= 1;
        }
        out.push(hash..end);
        at = end;
    }
    out
}

fn scalar_spans(node: &Node, out: &mut Vec<Range<usize>>) {
    match &node.kind {
        NodeKind::Scalar { .. } => out.push(node.span.clone()),
        NodeKind::Seq(items) => items.iter().for_each(|n| scalar_spans(n, out)),
        NodeKind::Map(entries) => entries.iter().for_each(|e| {
            scalar_spans(&e.key, out);
            scalar_spans(&e.value, out);
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(node: &Node) -> &str {
        node.as_scalar().map(|(v, _)| v).unwrap_or("<not a scalar>")
    }

    #[test]
    fn keeps_spans_styles_and_duplicates() {
        let text = "name: héllo\nversion: '1.10'\nname: again\n";
        let root = parse(text).unwrap().unwrap();
        let NodeKind::Map(entries) = &root.kind else {
            panic!("not a map")
        };
        assert_eq!(entries.len(), 3);
        assert_eq!(&text[entries[0].value.span.clone()], "héllo");
        assert_eq!(&text[entries[1].value.span.clone()], "'1.10'");
        assert_eq!(
            entries[1].value.as_scalar(),
            Some(("1.10", Style::SingleQuoted))
        );
        assert_eq!(&text[entries[2].key.span.clone()], "name");
        assert_eq!(entries[2].key.span.start, text.rfind("name").unwrap());
    }

    #[test]
    fn comments_are_outside_scalars() {
        let text = "# top\nname: a#b # c1\ndescription: \"x # not\" # c2\nlong: |\n  # text\n  more\nl: [a, b] # c3\n";
        let root = parse(text).unwrap();
        let found: Vec<&str> = comments(text, root.as_ref())
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, ["# top", "# c1", "# c2", "# c3"]);
    }

    #[test]
    fn value_span_points_inside_quotes() {
        let text = "name: \"my_plugin\"\n";
        let root = parse(text).unwrap().unwrap();
        let NodeKind::Map(entries) = &root.kind else {
            panic!()
        };
        let v = &entries[0].value;
        assert_eq!(scalar(v), "my_plugin");
        assert_eq!(&text[v.value_span(text, 2, 1)], "_");
    }

    #[test]
    fn empty_and_errors() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# only a comment\n").unwrap(), None);
        let err = parse("name: [a, b\n").unwrap_err();
        assert!(err.span.start > 0, "{err:?}");
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
        let deep = "[".repeat(200);
        assert!(parse(&deep).unwrap_err().message.contains("nest"));
    }

    #[test]
    fn aliases_expand_with_a_bound() {
        let text = "a: &x [1, 2]\nb: *x\n";
        let root = parse(text).unwrap().unwrap();
        let NodeKind::Map(entries) = &root.kind else {
            panic!()
        };
        assert!(matches!(&entries[1].value.kind, NodeKind::Seq(v) if v.len() == 2));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = (b'a' + i) as char;
            let next = (b'a' + i + 1) as char;
            bomb.push_str(&format!(
                "{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(parse(&bomb).is_err());
    }
}
