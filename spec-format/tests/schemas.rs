//! The JSON Schemas, the README and the parser describe one format.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use serde_json::Value;
use spec_format::workspace::{parse_decision, parse_project, parse_rules, parse_template};
use spec_format::{Code, Layout, RepoFile, Severity, Workspace};
use std::path::Path;

const README: &str = include_str!("../README.md");

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schema/{name}.schema.json"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name} schema does not compile: {e}"))
}

fn front_matter(markdown: &str) -> &str {
    markdown.split("---\n").nth(1).expect("front matter")
}

/// The document as JSON, whatever its syntax.
fn as_json(kind: &str, text: &str) -> Value {
    match kind {
        "decision" | "project" => yaml_serde::from_str(front_matter(text)).unwrap(),
        "manifest" => serde_json::from_str(text).unwrap(),
        _ => yaml_serde::from_str(text).unwrap(),
    }
}

fn assert_valid(kind: &str, text: &str, what: &str) {
    let errors: Vec<String> = schema(kind).iter_errors(&as_json(kind, text)).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{what} fails the {kind} schema: {errors:#?}");
}

/// The parser's findings for a document of `kind`.
fn parser_findings(kind: &str, text: &str) -> Vec<String> {
    let findings = match kind {
        "decision" => parse_decision("specs/p/decisions/auth.signup.md", text.as_bytes()).findings,
        "project" => parse_project("specs/p/project.md", text.as_bytes()).findings,
        "rules" => parse_rules("specs/p/rules.yaml", text.as_bytes()).1,
        "template" => parse_template(".specbuilder/templates/t.yaml", text.as_bytes()).findings,
        "manifest" => {
            spec_format::document::parse_json::<spec_format::model::Manifest>("m.json", text.as_bytes()).findings
        }
        other => panic!("unknown kind {other}"),
    };
    findings.into_iter().map(|f| f.message).collect()
}

#[test]
fn readme_examples_pass_their_schema_and_the_parser() {
    let mut kind = None;
    let mut seen = Vec::new();
    for event in Parser::new(README) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                kind = info.split_whitespace().find_map(|w| w.strip_prefix("schema=")).map(str::to_owned);
            }
            Event::Text(text) => {
                if let Some(kind) = &kind {
                    assert_valid(kind, &text, "the README example");
                    assert_eq!(parser_findings(kind, &text), Vec::<String>::new(), "the README {kind} example");
                    seen.push(kind.clone());
                }
            }
            Event::End(TagEnd::CodeBlock) => kind = None,
            _ => {}
        }
    }
    seen.sort();
    assert_eq!(seen, ["decision", "manifest", "project", "rules", "template"]);
}

#[test]
fn example_repository_files_pass_their_schemas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/team-tracker");
    let project = root.join("specs/team-tracker");
    let mut count = 0;
    for entry in std::fs::read_dir(project.join("decisions")).unwrap() {
        let path = entry.unwrap().path();
        assert_valid("decision", &std::fs::read_to_string(&path).unwrap(), &path.display().to_string());
        count += 1;
    }
    assert!(count >= 20);
    assert_valid("project", &std::fs::read_to_string(project.join("project.md")).unwrap(), "project.md");
    assert_valid("rules", &std::fs::read_to_string(project.join("rules.yaml")).unwrap(), "rules.yaml");
    assert_valid("rules", &std::fs::read_to_string(root.join(".specbuilder/rules.yaml")).unwrap(), "repo rules");
}

#[test]
fn schema_and_validator_both_refuse_a_bad_decision() {
    let good = "---\nkey: auth.signup\nquestion: Q?\nformat: text\nanswer: x\n---\n";
    assert_valid("decision", good, "the good decision");
    for bad in [
        good.replace("question:", "qestion: Q?\nquestion:"),
        good.replace("format: text", "format: essay"),
        good.replace("key: auth.signup", "key: Auth.Signup"),
        good.replace("answer: x", "answer: x\nstatus: assumed"),
        good.replace("answer: x", "answer: x\nlocked: maybe"),
    ] {
        let schema_errors = schema("decision").iter_errors(&as_json("decision", &bad)).count();
        assert!(schema_errors > 0, "the schema accepts {bad:?}");
        let files = vec![
            RepoFile::new("specs/p/project.md", "---\nname: P\n---\n"),
            RepoFile::new("specs/p/decisions/auth.signup.md", bad.clone()),
        ];
        let ws = Workspace::load(&files, &Layout::default());
        let findings = spec_format::validate::validate(&ws, &Default::default());
        assert!(findings.iter().any(|f| f.severity == Severity::Error), "the validator accepts {bad:?}");
    }
}

#[test]
fn every_finding_code_is_documented() {
    for code in Code::ALL {
        let row = format!("`{}` | `{}` | {} | {} |", code.as_str(), code.name(), code.severity(), code.summary());
        assert!(README.contains(&row), "README lacks the row for {}: {row}", code.as_str());
    }
    let mut ids: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), Code::ALL.len(), "codes are unique");
}
