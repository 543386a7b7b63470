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
