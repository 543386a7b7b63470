//! A fast path for the block-style YAML our canonical writer produces.
//!
//! `yaml_serde` parses about 20 MB/s, which made a 10,000-decision check spend most of its time
//! in the YAML scanner. Nearly every spec file is written by us in one narrow style, so this
//! module reads that style directly and hands anything else (comments, flow collections,
//! anchors, multi-line scalars, escapes, ...) back to `yaml_serde` by returning `None`.
//!
//! The contract: when [`from_str`] returns `Some`, the value equals what `yaml_serde::from_str`
//! gives. Scalars are resolved with the same rules (ported below); any deserialization error
//! also returns `None`, so error messages always come from `yaml_serde`. The differential tests
//! here and the `fast_yaml` fuzz target hold the contract.

use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;
use std::borrow::Cow;
use std::fmt;

/// Deeper block nesting goes to `yaml_serde`, which has its own recursion limit.
const MAX_DEPTH: usize = 32;

/// Parses `yaml` if it is in the supported subset and deserializes it; `None` otherwise.
pub fn from_str<T: DeserializeOwned>(yaml: &str) -> Option<T> {
    let node = parse(yaml)?;
    T::deserialize(&node).ok()
}

#[derive(Debug, PartialEq)]
enum Node<'a> {
    /// A plain (unquoted) scalar, resolved to null, bool, int, float or string on use.
    Plain(&'a str),
    /// A quoted scalar: always a string.
    Quoted(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(&'a str, Node<'a>)>),
}

/// One content line: its indentation and the text after it.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

fn parse(yaml: &str) -> Option<Node<'_>> {
    // Most spec text is ASCII: check bytes, and only decode when something is not.
    let ascii_ok = yaml.bytes().all(|b| b == b'\n' || (b' '..=b'~').contains(&b));
    if !ascii_ok && !yaml.chars().all(plain_char) {
        return None;
    }
    let mut lines = Vec::with_capacity(32);
    for raw in yaml.lines() {
        let text = raw.trim_start_matches(' ');
        // Blank lines, comments, tabs and directives are legal YAML, but not ours.
        if text.is_empty() || text.starts_with(['#', '%', '\t']) || raw.contains('\t') || raw.ends_with(' ') {
            return None;
        }
        lines.push(Line { indent: raw.len() - text.len(), text });
    }
    let first = *lines.first()?;
    if first.indent != 0 {
        return None;
    }
    let mut parser = Parser { lines, pos: 0 };
    let node = parser.block(0, 0)?;
    (parser.pos == parser.lines.len()).then_some(node)
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    /// A mapping or a sequence whose lines start at exactly `indent`.
    fn block(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let line = self.peek()?;
        if line.indent != indent {
            return None;
        }
        if is_item(line.text) { self.sequence(indent, depth) } else { self.mapping(indent, depth) }
    }

    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        let mut items = Vec::new();
        while let Some(line) = self.peek().filter(|l| l.indent == indent && is_item(l.text)) {
            let rest = line.text.strip_prefix("- ")?;
            if is_item(rest) {
                return None;
            }
            if split_key(rest).is_some() {
                // `- key: value` opens a mapping indented two columns past the dash.
                self.lines[self.pos] = Line { indent: indent + 2, text: rest };
                items.push(self.mapping(indent + 2, depth + 1)?);
            } else {
                self.pos += 1;
                items.push(scalar(rest)?);
            }
        }
        Some(Node::Seq(items))
    }

    fn mapping(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        let mut entries: Vec<(&'a str, Node<'a>)> = Vec::new();
        while let Some(line) = self.peek().filter(|l| l.indent == indent) {
            let (key, value) = split_key(line.text)?;
            // Duplicate keys: yaml_serde's handling depends on the target type; let it decide.
            if entries.iter().any(|(k, _)| *k == key) {
                return None;
            }
            self.pos += 1;
            let node = match value {
                Some(value) => scalar(value)?,
                None => match self.peek() {
                    Some(next) if next.indent > indent => self.block(next.indent, depth + 1)?,
                    // A sequence may sit at its key's own indentation, as serde writes it.
                    Some(next) if next.indent == indent && is_item(next.text) => self.sequence(indent, depth + 1)?,
                    _ => Node::Plain(""),
                },
            };
            entries.push((key, node));
        }
        match self.peek() {
            // A line indented deeper than its siblings would be a continuation: not ours.
            Some(next) if next.indent > indent => None,
            _ => Some(Node::Map(entries)),
        }
    }
}

/// Characters YAML takes as themselves: printable, and not one of its other line breaks
/// (CR, NEL, U+2028/9) or a byte-order mark. Control characters make libyaml refuse the input.
fn plain_char(c: char) -> bool {
    match c {
        '\n' | ' '..='~' => true,
        '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => false,
        _ => c >= '\u{a0}',
    }
}

fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// `key: value` or `key:` with a plain key of safe characters.
fn split_key(text: &str) -> Option<(&str, Option<&str>)> {
    let (key, value) = match find_pair(text, b':', b' ') {
        Some(i) => (&text[..i], Some(&text[i + 2..])),
        None => (text.strip_suffix(':')?, None),
    };
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/');
    let starts_well = key.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
    (starts_well && key.chars().all(safe) && !key.ends_with(':')).then_some((key, value))
}

/// The index of the first `first` directly followed by `second`; a byte scan, because
/// `str::find` with a pattern string costs a searcher setup per call on this hot path.
pub(crate) fn find_pair(text: &str, first: u8, second: u8) -> Option<usize> {
    text.as_bytes().windows(2).position(|w| w[0] == first && w[1] == second)
}

/// A one-line scalar: plain, `'single'` or `"double"` without escapes.
fn scalar(text: &str) -> Option<Node<'_>> {
    // Extra spaces after `- ` or `key: ` are more indentation to YAML, not part of the value.
    if text.starts_with(' ') {
        return None;
    }
    if let Some(inner) = text.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'')?;
        // Inside single quotes only `''` is special; a lone quote would end the scalar early.
        if inner.replace("''", "").contains('\'') {
            return None;
        }
        return Some(Node::Quoted(if inner.contains("''") {
            Cow::Owned(inner.replace("''", "'"))
        } else {
            Cow::Borrowed(inner)
        }));
    }
    if let Some(inner) = text.strip_prefix('"') {
        let inner = inner.strip_suffix('"')?;
        return (!inner.contains(['"', '\\'])).then_some(Node::Quoted(Cow::Borrowed(inner)));
    }
    if let Some(inner) = text.strip_prefix('[') {
        return flow_sequence(inner.strip_suffix(']')?);
    }
    if let Some(inner) = text.strip_prefix('{') {
        return flow_mapping(inner.strip_suffix('}')?);
    }
    let indicator =
        text.starts_with(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`']);
    // `-5` is a plain scalar; `- x` was handled as an item, and `-x` is plain too.
    let negative_number = text.starts_with('-') && text[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if (indicator && !negative_number)
        || find_pair(text, b':', b' ').is_some()
        || find_pair(text, b' ', b'#').is_some()
        || text.ends_with(':')
    {
        return None;
    }
    Some(Node::Plain(text))
}

/// `[a, b]` with plain items only, as people write short lists by hand.
fn flow_sequence(inner: &str) -> Option<Node<'_>> {
    if inner.trim().is_empty() {
        return Some(Node::Seq(Vec::new()));
    }
    inner.split(',').map(|item| flow_plain(item.trim())).collect::<Option<Vec<_>>>().map(Node::Seq)
}

/// `{ a: 1, b: x }` with plain keys and values only.
fn flow_mapping(inner: &str) -> Option<Node<'_>> {
    if inner.trim().is_empty() {
        return Some(Node::Map(Vec::new()));
    }
    let mut entries: Vec<(&str, Node<'_>)> = Vec::new();
    for entry in inner.split(',') {
        let (key, value) = split_key(entry.trim())?;
        if entries.iter().any(|(k, _)| *k == key) {
            return None;
        }
        entries.push((key, flow_plain(value?.trim())?));
    }
    Some(Node::Map(entries))
}

/// A plain scalar inside a flow collection, where `[]{},:` and quotes all have meaning.
fn flow_plain(text: &str) -> Option<Node<'_>> {
    let special = |c: char| matches!(c, '[' | ']' | '{' | '}' | ',' | ':' | '#' | '\'' | '"');
    if text.is_empty() || text.contains(special) {
        return None;
    }
    match scalar(text)? {
        plain @ Node::Plain(_) => Some(plain),
        _ => None,
    }
}

/// A scalar resolved the way yaml_serde resolves untagged plain scalars.
enum Resolved {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str,
}

fn resolve(v: &str) -> Option<Resolved> {
    if v.is_empty() || matches!(v, "null" | "Null" | "NULL" | "~") {
        return Some(Resolved::Null);
    }
    match v {
        "true" | "True" | "TRUE" => return Some(Resolved::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Resolved::Bool(false)),
        _ => {}
    }
    // Decimal numbers are resolved here; an explicit `+`, radix prefixes and 128-bit integers
    // are rare enough to leave to yaml_serde.
    let digits = v.strip_prefix('-').unwrap_or(v);
    if v.starts_with('+') || ["0x", "0o", "0b"].iter().any(|p| digits.starts_with(p)) {
        return None;
    }
    if !digits_but_not_number(v) {
        if let Ok(unsigned) = v.parse::<u64>() {
            return Some(Resolved::U64(unsigned));
        }
        if let Ok(signed) = v.parse::<i64>() {
            return Some(Resolved::I64(signed));
        }
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if let Some(float) = parse_f64(v) {
            return Some(Resolved::F64(float));
        }
    }
    Some(Resolved::Str)
}

/// Ported from yaml_serde: leading zeros followed by digits make a string (YAML 1.2).
fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Ported from yaml_serde's `parse_f64`.
fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = match scalar.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => scalar,
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN.copysign(1.0));
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// The error of the fast path; never shown, it only sends the input to yaml_serde.
#[derive(Debug)]
struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("outside the fast YAML subset")
    }
}

impl std::error::Error for Unsupported {}

impl de::Error for Unsupported {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

impl<'de, 'a> de::Deserializer<'de> for &'a Node<'a> {
    type Error = Unsupported;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        match self {
            Node::Plain(v) => match resolve(v).ok_or(Unsupported)? {
                Resolved::Null => visitor.visit_unit(),
                Resolved::Bool(b) => visitor.visit_bool(b),
                Resolved::U64(n) => visitor.visit_u64(n),
                Resolved::I64(n) => visitor.visit_i64(n),
                Resolved::F64(x) => visitor.visit_f64(x),
                Resolved::Str => visitor.visit_str(v),
            },
            Node::Quoted(s) => visitor.visit_str(s),
            Node::Seq(items) => visitor.visit_seq(Items(items.iter())),
            Node::Map(entries) => visitor.visit_map(Entries { entries: entries.iter(), value: None }),
        }
    }

    /// yaml_serde hands any non-null scalar to a string field as its text.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        match self {
            Node::Plain(v) if !matches!(resolve(v), Some(Resolved::Null) | None) => visitor.visit_str(v),
            Node::Quoted(s) => visitor.visit_str(s),
            _ => Err(Unsupported),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        match self {
            Node::Plain(v) if matches!(resolve(v), Some(Resolved::Null)) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// Unit variants only (`status: accepted`); anything richer goes to yaml_serde.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unsupported> {
        match self {
            Node::Plain(v) if matches!(resolve(v), Some(Resolved::Str)) => {
                let variant: StrDeserializer<'_, Unsupported> = v.into_deserializer();
                visitor.visit_enum(variant)
            }
            _ => Err(Unsupported),
        }
    }

    /// A struct comes from a mapping only; serde would also take a sequence, yaml_serde does not.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unsupported> {
        match self {
            Node::Map(_) => self.deserialize_any(visitor),
            _ => Err(Unsupported),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Unsupported> {
        visitor.visit_newtype_struct(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit unit_struct
        seq tuple tuple_struct map ignored_any
    }
}

struct Items<'a>(std::slice::Iter<'a, Node<'a>>);

impl<'de, 'a> SeqAccess<'de> for Items<'a> {
    type Error = Unsupported;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Unsupported> {
        self.0.next().map(|node| seed.deserialize(node)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'a> {
    entries: std::slice::Iter<'a, (&'a str, Node<'a>)>,
    value: Option<&'a Node<'a>>,
}

impl<'de, 'a> MapAccess<'de> for Entries<'a> {
    type Error = Unsupported;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Unsupported> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some(value);
        // Keys are plain scalars; resolving them like values keeps `1: x` an integer key.
        seed.deserialize(&Node::Plain(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Unsupported> {
        seed.deserialize(self.value.take().ok_or(Unsupported)?)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Decision, Project, RulesFile};

    /// The fast path either declines or agrees with yaml_serde, on values and on typed structs.
    fn agrees(yaml: &str) -> bool {
        let fast: Option<yaml_serde::Value> = from_str(yaml);
        if let Some(fast) = &fast {
            let slow: yaml_serde::Value = yaml_serde::from_str(yaml).expect("the fast path accepted invalid YAML");
            assert_eq!(fast, &slow, "value differs for {yaml:?}");
        }
        if let Some(fast) = from_str::<Decision>(yaml) {
            assert_eq!(Some(fast), yaml_serde::from_str::<Decision>(yaml).ok(), "decision differs for {yaml:?}");
        }
        fast.is_some()
    }

    #[test]
    fn canonical_files_take_the_fast_path_and_agree() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/team-tracker/specs/team-tracker");
        let (mut taken, mut files) = (0, 0);
        for entry in std::fs::read_dir(format!("{root}/decisions")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let yaml = text.split("---\n").nth(1).unwrap();
            taken += usize::from(agrees(yaml));
            files += 1;
        }
        assert!(files >= 26);
        assert_eq!(taken, files, "every canonical decision is read by the fast path");
        let hand_written = std::fs::read_to_string(format!("{root}/rules.yaml")).unwrap();
        assert!(agrees(&hand_written), "short flow lists like `[roles, fine_grained]` are read too");
        let rules = crate::write::rules(&yaml_serde::from_str(&hand_written).unwrap());
        assert!(agrees(&rules));
        assert_eq!(from_str::<RulesFile>(&rules), yaml_serde::from_str::<RulesFile>(&rules).ok());
        let project = std::fs::read_to_string(format!("{root}/project.md")).unwrap();
        let yaml = project.split("---\n").nth(1).unwrap();
        assert_eq!(from_str::<Project>(yaml), yaml_serde::from_str::<Project>(yaml).ok());
    }

    #[test]
    fn scalars_resolve_like_yaml_serde() {
        for scalar in [
            "x",
            "true",
            "True",
            "TRUE",
            "yes",
            "no",
            "null",
            "~",
            "Null",
            "0",
            "7",
            "-7",
            "+7",
            "007",
            "-007",
            "1.5",
            "-1.5",
            "1e3",
            ".5",
            "-.5",
            ".inf",
            "-.inf",
            ".nan",
            "inf",
            "nan",
            "infinity",
            "0x1F",
            "0o17",
            "0b11",
            "99999999999999999999",
            "-99999999999999999999",
            "2026-11-24T10:00:00Z",
            "1_000",
            "+-1",
            "-x",
            "a b",
            "'quoted'",
            "'it''s'",
            "\"double\"",
            "[]",
            "{}",
            "a,b",
            "a]b",
            "x:y",
            "-",
            "--x",
        ] {
            agrees(&format!("k: {scalar}\n"));
            agrees(&format!("- {scalar}\n"));
        }
    }

    #[test]
    fn unsupported_yaml_is_declined() {
        for yaml in [
            "k: v # comment\n",
            "k: &a v\nj: *a\n",
            "k: [a, [b]]\n",
            "k: [a, 'b']\n",
            "k: {a: {b: 1}}\n",
            "k: [a, b: c]\n",
            "k: |\n  text\n",
            "k: multi\n  line\n",
            "k: \"esc\\n\"\n",
            "k: v\n\nj: w\n",
            "k: v\nk: w\n",
            "- - x\n",
            "? k\n: v\n",
            "k:\tv\n",
            "k: a\u{1}b\n",
            "k: a\rb\n",
            "k: a\u{85}b\n",
            "k: a\u{2028}b\n",
            "-  -\n",
            "- -\n",
        ] {
            assert!(!agrees(yaml), "{yaml:?} should go to yaml_serde");
        }
        // A sequence is never a struct, though serde's derive would take one.
        for yaml in ["- a.b\n- Q?\n", "- iesz\n- 0777029\n"] {
            assert!(from_str::<Decision>(yaml).is_none());
        }
    }

    #[test]
    fn non_string_scalars_in_string_fields_agree() {
        let yaml = "key: a\nquestion: 123\nformat: single\noptions:\n- id: true\n  label: 1.5\n- id: 007\n  label: null\nanswer: 7\n";
        agrees(yaml);
        let yaml =
            "key: a\nquestion: 123\noptions:\n- id: true\n  label: 1.5\n- id: x\n  label: y\nanswer: 7\nlocked: true\n";
        assert!(agrees(yaml));
    }

    #[test]
    fn simple_flow_collections_agree() {
        for yaml in [
            "k: [a, b]\n",
            "k: [ a , b ]\n",
            "k: [1, true, null, x]\n",
            "k: []\n",
            "k: [a,]\n",
            "k: { a: 1, b.c: x }\n",
            "k: {a: 1}\n",
            "k: {}\n",
            "facts: { auth.accounts: true, auth.signup: invite }\n",
            "k: [a b, -1]\n",
            "k:  v\n",
            "-   x\n",
        ] {
            agrees(yaml);
        }
        assert!(agrees("facts: { auth.accounts: true, auth.signup: invite }\n"));
        assert!(agrees("when:\n  authz.model: [roles, fine_grained]\n"));
    }

    #[test]
    fn nested_blocks_agree() {
        assert!(agrees("a:\n  b:\n    c: 1\n  d:\n  - x\n  - y: 2\n    z: 3\ne: []\n"));
        assert!(agrees("options:\n- id: a\n  label: A\n  facts:\n    x.y: true\n- id: b\n  label: B\n"));
    }
}
