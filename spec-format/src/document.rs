//! Parsing documents into typed values, with every error placed at file:line:column.
//!
//! Markdown files carry YAML front matter between `---` fences; the fences are split here
//! (keeping the line offset) and the YAML goes to `yaml_serde`, which bounds recursion and
//! alias expansion, so hostile input ends in an error rather than a hang.

use crate::fast_yaml;
use crate::finding::{Code, Finding};
use crate::ident::did_you_mean;
use serde::de::DeserializeOwned;

/// Files above this size are reported, not parsed: no spec file is legitimately this big,
/// and the limit keeps a hostile 10 MB front matter from costing anything.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Flow collections (`[`, `{`) nested deeper than this are refused before parsing: libyaml's
/// tokenizer is quadratic in flow depth (100,000 brackets took 26 s), and no spec nests so deep.
pub const MAX_FLOW_DEPTH: usize = 64;

/// A parsed document: the typed value plus where each field was written. Serialised only to be
/// kept between runs (a cache), which keeps a decision's `body` beside it (serde skips it).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Parsed<T> {
    pub path: String,
    pub value: T,
    pub lines: FieldLines,
}

/// The outcome of parsing one file: the value if it could be built, and the findings either way.
#[derive(Debug)]
pub struct Outcome<T> {
    pub parsed: Option<Parsed<T>>,
    pub findings: Vec<Finding>,
}

/// 1-based lines of the top-level fields, and of the entries directly under `facts`
/// (as `facts.<name>`). Found by a line scan: cheap, and exact for block-style YAML,
/// which is what the canonical writer produces.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FieldLines {
    entries: Vec<(String, usize)>,
    /// The line the document starts on (the front-matter fence for Markdown).
    pub start: usize,
}

impl FieldLines {
    /// The line of `field` (e.g. `answer` or `facts.auth.accounts`), if it was written.
    pub fn get(&self, field: &str) -> Option<usize> {
        self.entries.iter().find(|(name, _)| name == field).map(|(_, line)| *line)
    }

    /// The line of the first field found, else the document's start.
    pub fn first_of(&self, fields: &[&str]) -> usize {
        fields.iter().find_map(|f| self.get(f)).unwrap_or(self.start)
    }

    /// Top-level field names, in file order.
    pub fn top_level(&self) -> impl Iterator<Item = (&str, usize)> {
        self.entries.iter().filter(|(name, _)| !name.starts_with("facts.")).map(|(n, l)| (n.as_str(), *l))
    }

    fn scan(yaml: &str, first_line: usize) -> Self {
        let mut entries = Vec::new();
        let mut in_facts = false;
        for (i, line) in yaml.lines().enumerate() {
            let line_no = first_line + i;
            let indent = line.len() - line.trim_start_matches(' ').len();
            let Some(name) = mapping_key(&line[indent..]) else {
                continue;
            };
            if indent == 0 {
                in_facts = name == "facts";
                entries.push((name.to_owned(), line_no));
            } else if in_facts && indent == 2 {
                entries.push((format!("facts.{name}"), line_no));
            }
        }
        FieldLines { entries, start: first_line.saturating_sub(1).max(1) }
    }
}

/// The key of a block-mapping line (`name: ...`), unquoting `"name":`.
fn mapping_key(line: &str) -> Option<&str> {
    if line.starts_with(['#', '-', '{', '[', '?']) {
        return None;
    }
    let colon = fast_yaml::find_pair(line, b':', b' ').or_else(|| line.strip_suffix(':').map(|s| s.len()))?;
    let key = line[..colon].trim_end();
    let key = key.strip_prefix('"').and_then(|k| k.strip_suffix('"')).unwrap_or(key);
    let key = key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')).unwrap_or(key);
    (!key.is_empty()).then_some(key)
}

/// Decodes bytes as UTF-8 and checks the size limit, as a finding when that fails.
pub fn decode<'a>(path: &str, bytes: &'a [u8]) -> Result<&'a str, Box<Finding>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Box::new(Finding::new(
            Code::TooLarge,
            path,
            1,
            format!("file is {} bytes; spec files may be at most {} bytes", bytes.len(), MAX_FILE_BYTES),
        )));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = 1 + valid.iter().filter(|b| **b == b'\n').count();
        let column = 1 + valid.iter().rev().take_while(|b| **b != b'\n').count();
        Box::new(
            Finding::new(Code::Unreadable, path, line, format!("not valid UTF-8 (byte {})", e.valid_up_to()))
                .column(column)
                .help("spec files are UTF-8 text; re-save the file as UTF-8"),
        )
    })
}

/// Splits `---\n<yaml>\n---\n<body>`. Returns the YAML, the line it starts on, and the body.
fn split_front_matter<'a>(path: &str, text: &'a str) -> Result<(&'a str, usize, &'a str), Box<Finding>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let missing = || {
        Box::new(
            Finding::new(Code::FrontMatter, path, 1, "no front matter: the file must start with a `---` line")
                .help("put the YAML fields between two `---` lines at the top of the file"),
        )
    };
    let rest = text.strip_prefix("---").ok_or_else(missing)?;
    let rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n')).ok_or_else(missing)?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        if trimmed == "---" || trimmed == "..." {
            return Ok((&rest[..offset], 2, &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(Box::new(Finding::new(Code::FrontMatter, path, 1, "the front matter is not closed: no second `---` line")))
}

/// Parses a Markdown file with YAML front matter. `fields` are the known top-level fields;
/// others are reported as unknown (with a did-you-mean) and otherwise ignored.
pub fn parse_markdown<T: DeserializeOwned>(path: &str, bytes: &[u8], fields: &[&str]) -> Outcome<(T, String)> {
    let fail = |finding: Box<Finding>| Outcome { parsed: None, findings: vec![*finding] };
    let text = match decode(path, bytes) {
        Ok(text) => text,
        Err(finding) => return fail(finding),
    };
    let (yaml, first_line, body) = match split_front_matter(path, text) {
        Ok(parts) => parts,
        Err(finding) => return fail(finding),
    };
    let Outcome { parsed, findings } = parse_yaml_str::<T>(path, yaml, first_line, fields);
    Outcome {
        parsed: parsed.map(|p| Parsed { path: p.path, value: (p.value, body.to_owned()), lines: p.lines }),
        findings,
    }
}

/// Parses a YAML file (rules, templates).
pub fn parse_yaml<T: DeserializeOwned>(path: &str, bytes: &[u8], fields: &[&str]) -> Outcome<T> {
    match decode(path, bytes) {
        Ok(text) => parse_yaml_str(path, text, 1, fields),
        Err(finding) => Outcome { parsed: None, findings: vec![*finding] },
    }
}

fn parse_yaml_str<T: DeserializeOwned>(path: &str, yaml: &str, first_line: usize, fields: &[&str]) -> Outcome<T> {
    if let Some(line) = too_deep(yaml) {
        let message = format!("flow collections nested deeper than {MAX_FLOW_DEPTH} levels");
        return Outcome {
            parsed: None,
            findings: vec![Finding::new(Code::Syntax, path, first_line + line - 1, message)],
        };
    }
    let lines = FieldLines::scan(yaml, first_line);
    let mut findings: Vec<Finding> = lines
        .top_level()
        .filter(|(name, _)| !fields.contains(name))
        .map(|(name, line)| unknown_field(path, line, name, fields.iter().copied()))
        .collect();
    if let Some(value) = fast_yaml::from_str::<T>(yaml) {
        return Outcome { parsed: Some(Parsed { path: path.to_owned(), value, lines }), findings };
    }
    match yaml_serde::from_str::<T>(yaml) {
        Ok(value) => Outcome { parsed: Some(Parsed { path: path.to_owned(), value, lines }), findings },
        Err(err) => {
            let (line, column) =
                err.location().map_or((first_line, None), |l| (first_line + l.line() - 1, Some(l.column())));
            findings.push(serde_error(path, line, column, &err.to_string()));
            Outcome { parsed: None, findings }
        }
    }
}

/// The 1-based line where `[`/`{` nesting first exceeds [`MAX_FLOW_DEPTH`]. Brackets inside
/// quoted strings count too: that can only over-count, and only for absurd strings.
fn too_deep(yaml: &str) -> Option<usize> {
    let (mut depth, mut line) = (0usize, 1);
    for byte in yaml.bytes() {
        match byte {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(line);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => line += 1,
            _ => {}
        }
    }
    None
}

/// Parses a JSON file (the artifact manifest).
pub fn parse_json<T: DeserializeOwned>(path: &str, bytes: &[u8]) -> Outcome<T> {
    let text = match decode(path, bytes) {
        Ok(text) => text,
        Err(finding) => {
            return Outcome { parsed: None, findings: vec![*finding] };
        }
    };
    match serde_json::from_str::<T>(text) {
        Ok(value) => Outcome {
            parsed: Some(Parsed { path: path.to_owned(), value, lines: FieldLines { entries: Vec::new(), start: 1 } }),
            findings: Vec::new(),
        },
        Err(err) => Outcome {
            parsed: None,
            findings: vec![serde_error(path, err.line().max(1), Some(err.column()), &err.to_string())],
        },
    }
}

fn unknown_field<'a>(path: &str, line: usize, name: &str, known: impl IntoIterator<Item = &'a str>) -> Finding {
    let finding = Finding::new(Code::UnknownField, path, line, format!("unknown field `{name}`"));
    match did_you_mean(name, known) {
        Some(suggestion) => finding.help(format!("did you mean `{suggestion}`?")),
        None => finding,
    }
}

/// Turns a serde message into a finding with its own code, and a did-you-mean when the
/// message lists what was expected.
fn serde_error(path: &str, line: usize, column: Option<usize>, message: &str) -> Finding {
    // Both serde_json and yaml_serde append the position, which we report separately.
    let message = message.rfind(" at line ").map_or(message, |i| &message[..i]);
    let data_error =
        ["invalid type", "invalid value", "missing field", "duplicate field", "invalid length", "unknown variant"];
    let bare = message.rsplit(": ").next().unwrap_or(message);
    let code = if message.contains("unknown field") {
        Code::UnknownField
    } else if data_error.iter().any(|prefix| message.contains(prefix)) {
        Code::InvalidField
    } else {
        Code::Syntax
    };
    let mut finding = Finding::new(code, path, line, message.to_owned());
    if let Some(column) = column {
        finding = finding.column(column);
    }
    if let Some(expected) = expected_names(message) {
        let got = bare.split('`').nth(1).unwrap_or_default();
        if let Some(suggestion) = did_you_mean(got, expected.iter().copied()) {
            finding = finding.help(format!("did you mean `{suggestion}`?"));
        }
    }
    finding
}

/// The names listed after "expected one of" in a serde message.
fn expected_names(message: &str) -> Option<Vec<&str>> {
    let (_, list) = message.split_once("expected one of ").or_else(|| message.split_once("expected "))?;
    let names: Vec<&str> = list.split('`').skip(1).step_by(2).collect();
    (!names.is_empty()).then_some(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decision::{DECISION_FIELDS, Decision};

    fn parse(text: &str) -> Outcome<(Decision, String)> {
        parse_markdown::<Decision>("d.md", text.as_bytes(), DECISION_FIELDS)
    }

    #[test]
    fn keeps_body_and_field_lines() {
        let out = parse("---\nkey: a.b\nquestion: Q?\nfacts:\n  x.y: 1\n---\nWhy.\n");
        let parsed = out.parsed.unwrap();
        assert_eq!(parsed.value.1, "Why.\n");
        assert_eq!(parsed.lines.get("question"), Some(3));
        assert_eq!(parsed.lines.get("facts.x.y"), Some(5));
    }

    #[test]
    fn unknown_field_is_reported_with_line_and_suggestion() {
        let out = parse("---\nkey: a\nquestion: Q\nstauts: accepted\n---\n");
        assert!(out.parsed.is_some(), "an unknown field does not stop parsing");
        let f = &out.findings[0];
        assert_eq!((f.code, f.line), (Code::UnknownField, 4));
        assert_eq!(f.help.as_deref(), Some("did you mean `status`?"));
    }

    #[test]
    fn type_error_points_at_the_value() {
        let out = parse("---\nkey: a\nquestion: Q\nstatus: acepted\n---\n");
        let f = &out.findings[0];
        assert_eq!((f.code, f.line), (Code::InvalidField, 4));
        assert_eq!(f.help.as_deref(), Some("did you mean `accepted`?"));
    }

    #[test]
    fn unknown_option_field_is_an_unknown_field() {
        let out = parse("---\nkey: a\nquestion: Q\noptions:\n  - id: x\n    lable: X\n---\n");
        let f = &out.findings[0];
        assert_eq!(f.code, Code::UnknownField);
        assert_eq!(f.line, 6, "the line of `lable`");
        assert_eq!(f.help.as_deref(), Some("did you mean `label`?"));
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        assert_eq!(parse("key: a\n").findings[0].code, Code::FrontMatter);
        assert_eq!(parse("---\nkey: a\n").findings[0].code, Code::FrontMatter);
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let out = parse_markdown::<Decision>("d.md", b"---\nkey: \xff\n---\n", DECISION_FIELDS);
        let f = &out.findings[0];
        assert_eq!((f.code, f.line, f.column), (Code::Unreadable, 2, Some(6)));
    }

    #[test]
    fn alias_bomb_is_a_syntax_error_not_a_hang() {
        let mut yaml = String::from("---\nkey: a\nquestion: Q\nfacts:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = format!("*a{}", i - 1);
            yaml += &format!("  a{i}: &a{i} [{}]\n", [prev.as_str(); 9].join(", "));
        }
        yaml += "---\n";
        let out = parse(&yaml);
        assert!(out.parsed.is_none());
        assert!(matches!(out.findings[0].code, Code::Syntax | Code::InvalidField), "{:?}", out.findings);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let yaml = format!("---\nkey: a\nquestion: Q\nanswer: {}{}\n---\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&yaml).parsed.is_none());
    }

    #[test]
    fn oversized_file_is_refused_before_parsing() {
        let big = format!("---\nkey: a\nquestion: {}\n---\n", "x".repeat(MAX_FILE_BYTES));
        assert_eq!(parse(&big).findings[0].code, Code::TooLarge);
    }
}
