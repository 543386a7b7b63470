//! `specbuilder analyze` on a small Python repository whose import edges were labelled by hand.

use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/analyze/python");

fn analyze_json(dir: &str) -> Value {
    let output =
        Command::new(env!("CARGO_BIN_EXE_specbuilder")).args(["analyze", dir, "--format", "json"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn labelled() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(format!("{FIXTURE}/expected-edges.txt")).unwrap();
    (text.lines())
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (from, to) = l.split_once(" -> ").unwrap();
            (from.to_owned(), to.to_owned())
        })
        .collect()
}

#[test]
fn python_imports_resolve_to_the_hand_labelled_edges() {
    let analysis = analyze_json(FIXTURE);
    let found: BTreeSet<(String, String)> = (analysis["edges"].as_array().unwrap().iter())
        .map(|e| (e["from"].as_str().unwrap().to_owned(), e["to"].as_str().unwrap().to_owned()))
        .collect();
    let expected = labelled();
    let right = found.intersection(&expected).count();
    assert!(right * 100 >= expected.len() * 95, "{right} of {} labelled edges found: {found:#?}", expected.len());
    let wrong: Vec<_> = found.difference(&expected).collect();
    assert!(wrong.is_empty(), "edges nobody labelled: {wrong:?}");

    let packages: BTreeSet<&str> =
        analysis["external"].as_array().unwrap().iter().map(|e| e["package"].as_str().unwrap()).collect();
    assert_eq!(packages, BTreeSet::from(["click", "dataclasses", "os", "requests", "sys", "yaml"]));
}

#[test]
fn entry_points_containers_and_ranking_are_found_and_vendored_code_skipped() {
    let analysis = analyze_json(FIXTURE);
    let entries: BTreeSet<(&str, &str)> = (analysis["entry_points"].as_array().unwrap().iter())
        .map(|e| (e["path"].as_str().unwrap(), e["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        entries,
        BTreeSet::from([("scripts/seed.py", "python script"), ("src/shop/__main__.py", "python __main__")])
    );
    assert_eq!(analysis["containers"][0]["path"], "Dockerfile");
    let files: Vec<&str> = analysis["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(!files.iter().any(|f| f.contains("node_modules")), "{files:?}");
    assert_eq!(analysis["components"][0]["name"], "shop", "the package everything leans on ranks first");
    assert_eq!(analysis["parse_errors"], serde_json::json!(["src/shop/broken.py"]), "a partial tree is still read");
    let loc: u64 = analysis["files"].as_array().unwrap().iter().map(|f| f["loc"].as_u64().unwrap()).sum();
    assert_eq!(analysis["languages"]["python"]["loc"].as_u64(), Some(loc));
}

#[test]
fn mermaid_shows_the_components_and_a_missing_directory_is_an_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_specbuilder"))
        .args(["analyze", FIXTURE, "--format", "mermaid"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("flowchart LR\n") && text.contains("scripts --> shop"), "{text}");
    specbuilder::verify::verify("components.mmd", text.as_bytes()).expect("Mermaid's own parser (merman) reads it");
    let missing =
        Command::new(env!("CARGO_BIN_EXE_specbuilder")).args(["analyze", "/nonexistent/dir"]).output().unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("is not a directory"));
}
