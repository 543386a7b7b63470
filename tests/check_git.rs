//! `check --ref` reads a git revision without a checkout; `--base` guards locked decisions.

mod common;
use common::*;

fn repo_with_locked_decision() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "specs/demo/project.md", PROJECT);
    let locked = decision("data.store", "a", "  data.store: postgres\n")
        .replace("status: accepted\n", "status: accepted\nlocked: true\n");
    write(root, "specs/demo/decisions/data.store.md", locked);
    write(root, "specs/demo/decisions/ui.theme.md", decision("ui.theme", "a", "  ui.theme: light\n"));
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);
    dir
}

#[test]
fn ref_reads_the_committed_state_not_the_working_tree() {
    let dir = repo_with_locked_decision();
    let root = dir.path();
    // An uncommitted contradiction exists only in the working tree.
    write(root, "specs/demo/decisions/ui.dark.md", decision("ui.dark", "b", "  ui.theme: dark\n"));
    assert_eq!(specbuilder(&["check"], root).status.code(), Some(1));
    let committed = specbuilder(&["check", "--ref", "HEAD", "--format", "json"], root);
    assert_eq!(committed.status.code(), Some(0), "{}", String::from_utf8_lossy(&committed.stdout));
    assert!(root.join("specs/demo/decisions/ui.dark.md").exists(), "the working tree is untouched");

    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "contradiction"]);
    let out = specbuilder(&["check", "--ref", "HEAD", "--format", "json"], root);
    assert_eq!(codes(&json(&out)), ["SB201"]);
    let out = specbuilder(&["check", "--ref", "HEAD~1"], root);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn ref_paths_are_relative_to_a_subdirectory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "app/specs/demo/project.md", PROJECT);
    write(root, "app/specs/demo/decisions/a.md", decision("b", "a", "  x: 1\n"));
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "one"]);
    let from_disk = json(&specbuilder(&["check", "--format", "json", "app"], root));
    let from_git = json(&specbuilder(&["check", "--format", "json", "--ref", "HEAD", "app"], root));
    assert_eq!(from_disk, from_git);
    assert_eq!(from_git["findings"][0]["path"], "specs/demo/decisions/a.md");
}

#[test]
fn changing_a_locked_decision_fails_against_the_base() {
    let dir = repo_with_locked_decision();
    let root = dir.path();
    git(root, &["checkout", "-qb", "change"]);
    let changed = decision("data.store", "b", "  data.store: mongo\n")
        .replace("status: accepted\n", "status: accepted\nlocked: true\n");
    write(root, "specs/demo/decisions/data.store.md", changed);
    write(root, "specs/demo/decisions/ui.theme.md", decision("ui.theme", "b", "  ui.theme: dark\n"));
    git(root, &["commit", "-qam", "change"]);

    let out = specbuilder(&["check", "--ref", "change", "--base", "main", "--format", "json"], root);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(codes(&report), ["SB501"], "only the locked decision is refused");
    assert_eq!(report["findings"][0]["path"], "specs/demo/decisions/data.store.md");
    assert!(report["findings"][0]["message"].as_str().unwrap().contains("answer"));

    git(root, &["rm", "-q", "specs/demo/decisions/data.store.md"]);
    git(root, &["commit", "-qm", "remove"]);
    let out = specbuilder(&["check", "--ref", "change", "--base", "main", "--format", "json"], root);
    let report = json(&out);
    assert_eq!(codes(&report), ["SB501"]);
    assert!(report["findings"][0]["message"].as_str().unwrap().contains("removed"));

    assert_eq!(specbuilder(&["check", "--ref", "main", "--base", "main"], root).status.code(), Some(0));
    let out = specbuilder(&["check", "--base", "no-such-branch"], root);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-branch"));
}

#[test]
fn breaking_changes_to_the_contracts_are_reported_against_the_base() {
    let dir = repo_with_locked_decision();
    let root = dir.path();
    let api = "openapi: 3.1.0\ninfo: { title: Demo, version: '1' }\npaths:\n  /notes:\n    get:\n      responses:\n        '200': { description: ok }\n    delete:\n      responses:\n        '204': { description: gone }\ncomponents:\n  schemas:\n    Note:\n      type: object\n      properties:\n        id: { type: string }\n        body: { type: string }\n";
    let schema = "CREATE TABLE notes (\n    id uuid NOT NULL,\n    body text,\n    PRIMARY KEY (id)\n);\n";
    write(root, "specs/demo/artifacts/openapi.yaml", api);
    write(root, "specs/demo/artifacts/schema.sql", schema);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "contracts"]);
    git(root, &["checkout", "-qb", "change"]);
    write(
        root,
        "specs/demo/artifacts/openapi.yaml",
        api.replace("    delete:\n      responses:\n        '204': { description: gone }\n", "")
            .replace("        body: { type: string }\n", ""),
    );
    write(root, "specs/demo/artifacts/schema.sql", schema.replace("    body text,\n", "    body text NOT NULL,\n"));
    git(root, &["commit", "-qam", "narrower"]);

    let out = specbuilder(&["check", "--ref", "change", "--base", "main", "--format", "json"], root);
    let report = json(&out);
    let breaking: Vec<(&str, &str, u64)> = (report["findings"].as_array().unwrap().iter())
        .filter(|f| f["code"] == "SB502")
        .map(|f| (f["path"].as_str().unwrap(), f["message"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        breaking,
        [
            ("specs/demo/artifacts/openapi.yaml", "operation `DELETE /notes` was removed", 4),
            ("specs/demo/artifacts/openapi.yaml", "field `Note.body` was removed", 10),
            (
                "specs/demo/artifacts/schema.sql",
                "column `notes.body` becomes NOT NULL without a default: existing rows and writers break",
                3
            ),
        ],
        "{report:#}"
    );
    assert_eq!(out.status.code(), Some(0), "a warning: the break may be intended");
    let strict = specbuilder(&["check", "--ref", "change", "--base", "main", "--strict"], root);
    assert_eq!(strict.status.code(), Some(1), "--strict refuses it");
    let none = json(&specbuilder(&["check", "--ref", "main", "--base", "main", "--format", "json"], root));
    assert!(!codes(&none).contains(&"SB502".to_owned()));
}

/// A blob over the size limit is refused from its object header, never decompressed.
#[test]
fn a_huge_blob_is_a_finding_read_from_its_header() {
    let dir = repo_with_locked_decision();
    let root = dir.path();
    write(root, "specs/demo/decisions/huge.md", "x".repeat(5 << 20));
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "a 5 MiB spec file"]);
    let out = specbuilder(&["check", "--ref", "HEAD", "--format", "json"], root);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let finding = (report["findings"].as_array().unwrap().iter())
        .find(|f| f["path"] == "specs/demo/decisions/huge.md")
        .expect("a finding on the big file");
    assert_eq!(finding["code"], "SB002");
    assert!(
        finding["message"].as_str().unwrap().contains("5242880 bytes")
            && finding["message"].as_str().unwrap().contains("not read"),
        "{finding}"
    );
}
