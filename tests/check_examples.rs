//! `specbuilder check` on the two example repositories, in every output format.

mod common;
use common::*;

#[test]
fn team_tracker_example_has_no_findings() {
    let out =
        specbuilder(&["check", "--format", "json", "examples/team-tracker"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let report = json(&out);
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["summary"], serde_json::json!({"errors": 0, "warnings": 0, "infos": 0}));
}

#[test]
fn contradictions_example_reports_every_deliberate_mistake() {
    let out = specbuilder(&["check", "--format", "json"], &examples().join("contradictions"));
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let found = codes(&report);
    for expected in [
        "SB006", "SB103", "SB104", "SB106", "SB108", "SB110", "SB201", "SB202", "SB301", "SB303", "SB304", "SB401",
        "SB402", "SB403", "SB404",
    ] {
        assert!(found.iter().any(|c| c == expected), "{expected} missing from {found:?}");
    }
    assert_eq!(report["summary"]["errors"], 11);
}

#[test]
fn a_contradiction_names_both_sides_with_lines() {
    let out = specbuilder(&["check", "--format", "json"], &examples().join("contradictions"));
    let report = json(&out);
    let conflict = report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "SB201").unwrap();
    assert_eq!(conflict["path"], "specs/field-notes/decisions/auth.signup.md");
    assert_eq!(conflict["line"], 17);
    assert_eq!(conflict["related"][0]["path"], "specs/field-notes/decisions/auth.accounts.md");
    assert_eq!(conflict["related"][0]["line"], 15);

    let rule = report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "SB202").unwrap();
    let related: Vec<&str> = rule["related"].as_array().unwrap().iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(rule["path"], "specs/field-notes/decisions/sync.strategy.md");
    assert!(related.contains(&"specs/field-notes/decisions/offline.mode.md"), "{related:?}");
    assert!(related.contains(&"specs/field-notes/rules.yaml"), "{related:?}");
}

#[test]
fn text_output_shows_both_source_lines_of_a_contradiction() {
    let out = specbuilder(&["check"], &examples().join("contradictions"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "no colour when not a terminal");
    assert!(text.contains("error[SB201]"));
    assert!(text.contains("--> specs/field-notes/decisions/auth.signup.md:17"));
    assert!(text.contains("::: specs/field-notes/decisions/auth.accounts.md:15"));
    assert!(text.contains("15 | answer: anonymous"));
    assert!(text.contains("help: did you mean `status`?"));
    assert!(text.contains("checked 1 project, 11 decisions: 11 errors, 2 warnings, 2 infos"));
}

#[test]
fn sarif_output_passes_the_official_schema() {
    // The official schema has a stray `]` in run.language's pattern (literal in ECMA regex,
    // rejected by the meta-schema's regex check); escape it so the schema compiles unchanged in meaning.
    let text = include_str!("fixtures/sarif-schema-2.1.0.json").replace("[a-zA-Z]{2}]?$", "[a-zA-Z]{2}\\\\]?$");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    for example in ["contradictions", "team-tracker"] {
        let out = specbuilder(&["check", "--format", "sarif"], &examples().join(example));
        let log = json(&out);
        let errors: Vec<String> =
            validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{example}: {errors:#?}");
        assert_eq!(log["version"], "2.1.0");
    }
    let out = specbuilder(&["check", "--format", "sarif"], &examples().join("contradictions"));
    let mut log = json(&out);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 15, "one SARIF result per finding");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let mut prints: Vec<&str> =
        results.iter().map(|r| r["partialFingerprints"]["primaryLocationLineHash"].as_str().unwrap()).collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), results.len(), "every result has its own fingerprint, for code scanning to track");
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "specbuilder/");
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r["help"]["text"].as_str().is_some_and(|t| !t.is_empty())), "every rule has help");
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&log), "the schema does reject a wrong level");
}

#[test]
fn strict_turns_a_stale_artifact_into_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&examples().join("team-tracker"), dir.path());
    let decisions = "specs/team-tracker/decisions";
    assert_eq!(specbuilder(&["check", "--strict"], dir.path()).status.code(), Some(0), "fresh artifacts");

    let signup = dir.path().join(format!("{decisions}/auth.signup.md"));
    let text =
        std::fs::read_to_string(&signup).unwrap().replace("Teams invite colleagues", "Teams invite their colleagues");
    std::fs::write(&signup, text).unwrap();
    let lenient = specbuilder(&["check", "--format", "json"], dir.path());
    assert_eq!(lenient.status.code(), Some(0));
    let found = codes(&json(&lenient));
    assert!(found.len() >= 5 && found.iter().all(|c| c == "SB401"), "{found:?}");
    let strict = specbuilder(&["check", "--strict", "--format", "json"], dir.path());
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(json(&strict)["findings"][0]["severity"], "error");
}

#[test]
fn examples_are_in_canonical_form() {
    for example in ["team-tracker", "contradictions"] {
        let out = specbuilder(&["fmt", "--check"], &examples().join(example));
        assert_eq!(out.status.code(), Some(0), "{example}: {}", String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn fmt_rewrites_a_hand_written_decision_and_keeps_its_meaning() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "specs/demo/project.md", PROJECT);
    write(
        dir.path(),
        "specs/demo/decisions/a.md",
        "---\nstatus: accepted\nanswer: b\nkey: a\nquestion: Q?\noptions: [{id: a, label: A}, {id: b, label: B, facts: {x: 1}}]\n---\nWhy.\n",
    );
    assert_eq!(specbuilder(&["fmt", "--check"], dir.path()).status.code(), Some(1));
    let out = specbuilder(&["fmt"], dir.path());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "reformatted specs/demo/decisions/a.md\nreformatted specs/demo/project.md\n"
    );
    let text = std::fs::read_to_string(dir.path().join("specs/demo/decisions/a.md")).unwrap();
    assert!(text.starts_with("---\nkey: a\nquestion: Q?\n"), "{text}");
    assert!(text.ends_with("---\nWhy.\n"));
    assert_eq!(specbuilder(&["fmt", "--check"], dir.path()).status.code(), Some(0));
    assert_eq!(specbuilder(&["check"], dir.path()).status.code(), Some(0));
}

use std::path::Path;

#[test]
fn specs_dir_from_the_config_is_honoured_on_disk_and_in_git() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".specbuilder.toml", "specs_dir = \"docs/specs\"\n");
    write(root, "docs/specs/demo/project.md", PROJECT);
    write(root, "docs/specs/demo/decisions/a.md", decision("a", "a", "  x: 1\n"));
    write(root, "docs/specs/demo/decisions/b.md", decision("b", "a", "  x: 2\n"));
    write(root, "specs/ignored/project.md", "not even front matter");
    let report = json(&specbuilder(&["check", "--format", "json"], root));
    assert_eq!(codes(&report), ["SB201"]);
    assert_eq!(report["findings"][0]["path"], "docs/specs/demo/decisions/b.md");

    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "specs"]);
    let from_git = json(&specbuilder(&["check", "--format", "json", "--ref", "HEAD"], root));
    assert_eq!(from_git, report);
}

#[test]
fn github_annotations_and_summary_and_gitlab_code_quality_say_what_json_says() {
    let dir = examples().join("contradictions");
    let findings = json(&specbuilder(&["check", "--format", "json"], &dir))["findings"].as_array().unwrap().clone();
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    assert!(errors > 0);

    let warnings = findings.iter().filter(|f| f["severity"] == "warning").count();
    let notices = findings.len() - errors - warnings;
    let summary = tempfile::NamedTempFile::new().unwrap();
    let outputs = tempfile::NamedTempFile::new().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_specbuilder"))
        .args(["check", "--format", "github"])
        .current_dir(&dir)
        .env("GITHUB_STEP_SUMMARY", summary.path())
        .env("GITHUB_OUTPUT", outputs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "errors fail the step");
    assert_eq!(
        std::fs::read_to_string(outputs.path()).unwrap(),
        format!("errors={errors}\nwarnings={warnings}\nnotices={notices}\n"),
        "the counts are step outputs"
    );
    let never = specbuilder(&["check", "--format", "github", "--fail-on", "never"], &dir);
    assert_eq!(never.status.code(), Some(0), "--fail-on never reports without failing");
    let text = String::from_utf8(out.stdout).unwrap();
    let annotated = text.lines().filter(|l| l.starts_with("::error file=")).count();
    assert_eq!(annotated, errors.min(10), "{text}");
    let first = findings.iter().find(|f| f["severity"] == "error").unwrap();
    assert!(
        text.starts_with(&format!("::error file={},line={}", first["path"].as_str().unwrap(), first["line"])),
        "the first error comes first: {text}"
    );
    let written = std::fs::read_to_string(summary.path()).unwrap();
    assert!(written.starts_with("## Spec Builder"), "{written}");
    assert_eq!(
        written.lines().filter(|l| l.starts_with("| ❌") || l.starts_with("| ⚠️") || l.starts_with("| ℹ️")).count(),
        findings.len()
    );

    let out = specbuilder(&["check", "--format", "codequality"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON array");
    let issues = report.as_array().unwrap();
    assert_eq!(issues.len(), findings.len());
    let mut prints: Vec<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
    for issue in issues {
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&issue["severity"].as_str().unwrap()));
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(path.starts_with("examples/contradictions/"), "relative to the repository: {path}");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(issue["check_name"].as_str().unwrap().starts_with("SB"));
    }
    let again = specbuilder(&["check", "--format", "codequality"], &dir);
    assert_eq!(again.stdout, out.stdout, "the same findings give the same report");
}
