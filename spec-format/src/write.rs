//! Canonical serialization. Fields in a fixed order, maps sorted, defaults left out: the same
//! value always gives the same bytes, and `parse -> write -> parse` is the identity, so bot
//! commits make minimal diffs.

use crate::model::{Decision, Manifest, Project, RulesFile, Template};
use serde::Serialize;

fn yaml<T: Serialize>(value: &T) -> String {
    // Our types have string keys and no custom serializers that fail, so this cannot error.
    yaml_serde::to_string(value).expect("spec types always serialise to YAML")
}

fn markdown(front_matter: String, body: &str) -> String {
    format!("---\n{front_matter}---\n{body}")
}

/// `decisions/<key>.md` in canonical form.
pub fn decision(d: &Decision) -> String {
    markdown(yaml(d), &d.body)
}

/// Writes `updated` where `original` (the file's current text) parsed to `parsed`:
/// an unchanged decision keeps its exact bytes, even if it was not written canonically.
pub fn rewrite_decision(original: &str, parsed: &Decision, updated: &Decision) -> String {
    if parsed == updated { original.to_owned() } else { decision(updated) }
}

/// `project.md` in canonical form.
pub fn project(p: &Project) -> String {
    markdown(yaml(p), &p.body)
}

/// A rules file in canonical form.
pub fn rules(r: &RulesFile) -> String {
    yaml(r)
}

/// A template in canonical form.
pub fn template(t: &Template) -> String {
    yaml(t)
}

/// `artifacts/manifest.json`: pretty-printed with sorted keys and a final newline.
pub fn manifest(m: &Manifest) -> String {
    let value = sorted(serde_json::to_value(m).expect("the manifest always serialises to JSON"));
    let mut text = serde_json::to_string_pretty(&value).expect("a JSON value always prints");
    text.push('\n');
    text
}

/// Sorts every object's keys explicitly: serde_json keeps insertion order when any crate in the
/// build enables its `preserve_order` feature.
fn sorted(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse_markdown;
    use crate::model::decision::DECISION_FIELDS;

    const HAND_WRITTEN: &str = "---\nkey: auth.signup\nquestion: Who can create an account?\ncategory: auth\noptions:\n  - id: open\n    label: Anyone\n    facts: { auth.signup: open }\n  - id: invite\n    label: Invited users only\n    facts: { auth.signup: invite }\nanswer: invite\nstatus: accepted\nanswered_at: 2026-11-24T10:00:00Z\n---\nB2B tools invite.\n";

    fn parse(text: &str) -> Decision {
        let (mut d, body) = parse_markdown::<Decision>("d.md", text.as_bytes(), DECISION_FIELDS).parsed.unwrap().value;
        d.body = body;
        d
    }

    #[test]
    fn parse_write_parse_is_identity() {
        let first = parse(HAND_WRITTEN);
        let written = decision(&first);
        assert_eq!(parse(&written), first);
        assert!(written.ends_with("---\nB2B tools invite.\n"));
    }

    #[test]
    fn canonical_text_is_a_fixed_point() {
        let once = decision(&parse(HAND_WRITTEN));
        assert_eq!(decision(&parse(&once)), once);
    }

    #[test]
    fn unchanged_decision_keeps_every_byte() {
        let parsed = parse(HAND_WRITTEN);
        assert_eq!(rewrite_decision(HAND_WRITTEN, &parsed, &parsed.clone()), HAND_WRITTEN);
        let mut changed = parsed.clone();
        changed.answer = Some(crate::model::Answer::Text("open".into()));
        assert_ne!(rewrite_decision(HAND_WRITTEN, &parsed, &changed), HAND_WRITTEN);
    }

    #[test]
    fn manifest_keys_are_sorted() {
        let m: Manifest = serde_json::from_str(
            r#"{"artifacts":{"prd.md":{"type":"prd","format":"markdown","generator":"g","model":null,"generated_at":"t","content_sha256":"x","based_on":{"b":"1","a":"2"}}}}"#,
        )
        .unwrap();
        let text = manifest(&m);
        assert!(text.find("\"a\"").unwrap() < text.find("\"b\"").unwrap());
        assert!(text.find("\"based_on\"").unwrap() < text.find("\"type\"").unwrap());
        assert_eq!(serde_json::from_str::<Manifest>(&text).unwrap(), m);
    }
}
