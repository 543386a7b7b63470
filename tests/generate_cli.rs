//! `generate`, `export`, `diff`, `demo` and the artifact checks of `check`, through the binary
//! on real git repositories.

mod common;
use common::*;

use std::path::Path;
use std::process::Output;

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", stdout(out), stderr(out));
    stdout(out)
}

/// A repository with project `tracker` started from saas-web at quick depth.
fn started(dir: &Path) {
    git(dir, &["init", "-q"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", "init"]);
    ok(&specbuilder(&["new", "tracker", "--template", "saas-web", "--depth", "quick", "--idea", "Track tasks."], dir));
}

/// Answers every open question with its recommended option.
fn answer_all(dir: &Path) {
    for _ in 0..60 {
        let out = specbuilder(&["ask", "--json"], dir);
        let next = json(&out);
        let Some(key) = next["question"]["key"].as_str() else { return };
        let reply = match next["question"]["recommended"]["id"].as_str() {
            Some(id) => id.to_owned(),
            None => "Project: name!; Task: title, done:bool, project:Project".to_owned(),
        };
        ok(&specbuilder(&["answer", key, &reply], dir));
    }
    panic!("the questions never ran out");
}

fn show(dir: &Path, rev_path: &str) -> String {
    let out = std::process::Command::new("git").args(["show", rev_path]).current_dir(dir).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn commits(dir: &Path) -> usize {
    let out = std::process::Command::new("git")
        .args(["rev-list", "--count", "spec/tracker"])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

#[test]
fn missing_decisions_block_generation_and_partial_marks_the_gaps() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    started(dir);
    let before = commits(dir);
    let out = specbuilder(&["generate", "openapi"], dir);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("cannot generate yet"), "{err}");
    assert!(err.contains("api.pagination"), "the missing question is named: {err}");
    assert!(err.contains("specbuilder answer"), "{err}");
    assert_eq!(commits(dir), before, "nothing is committed when blocked");

    let out = ok(&specbuilder(&["generate", "openapi", "--partial"], dir));
    assert!(out.contains("openapi.yaml"), "{out}");
    let yaml = show(dir, "spec/tracker:specs/tracker/artifacts/openapi.yaml");
    assert!(yaml.contains("# GAP: `api.pagination` is not decided yet"), "{yaml}");

    // Once decided, the artifact records exactly the decisions it was built from.
    answer_all(dir);
    ok(&specbuilder(&["generate", "openapi"], dir));
    let yaml = show(dir, "spec/tracker:specs/tracker/artifacts/openapi.yaml");
    assert!(!yaml.contains("GAP:"), "{yaml}");
    let manifest: serde_json::Value =
        serde_json::from_str(&show(dir, "spec/tracker:specs/tracker/artifacts/manifest.json")).unwrap();
    let entry = &manifest["artifacts"]["openapi.yaml"];
    assert_eq!(entry["type"], "openapi");
    assert_eq!(entry["generator"], "template:openapi@1");
    let based_on = entry["based_on"].as_object().unwrap();
    for key in ["api.style", "api.pagination", "data.entities"] {
        assert!(based_on.contains_key(key), "{key} missing: {entry}");
    }
    assert!(!based_on.contains_key("product.audience"), "only what was read: {entry}");
    let decision = show(dir, "spec/tracker:specs/tracker/decisions/api.style.md");
    assert_eq!(based_on["api.style"], sha256(decision.as_bytes()));
}

fn sha256(bytes: &[u8]) -> String {
    spec_format::workspace::sha256_hex(bytes)
}

#[test]
fn regeneration_is_deterministic_and_never_silently_replaces_a_hand_edit() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    started(dir);
    answer_all(dir);
    ok(&specbuilder(&["generate"], dir));
    let first = commits(dir);
    let out = ok(&specbuilder(&["generate"], dir));
    assert!(out.contains("up to date"), "{out}");
    assert_eq!(commits(dir), first, "the same decisions give the same bytes: no new commit");

    // Someone edits the PRD by hand on the branch, then a decision changes.
    git(dir, &["checkout", "-q", "spec/tracker"]);
    let prd = dir.join("specs/tracker/artifacts/prd.md");
    let edited = std::fs::read_to_string(&prd).unwrap().replace("## Summary", "## Summary\n\nOur own note.");
    std::fs::write(&prd, edited).unwrap();
    git(dir, &["commit", "-q", "-am", "hand edit"]);
    let out = specbuilder(&["check"], dir);
    assert!(stdout(&out).contains("SB402"), "{}", stdout(&out));
    ok(&specbuilder(&["change", "product.audience", "consumer"], dir));
    let changed = commits(dir);

    let out = specbuilder(&["generate", "prd"], dir);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("edited by hand"), "{err}");
    assert!(err.contains("-Our own note."), "the diff shows the edit that would go: {err}");
    assert_eq!(commits(dir), changed, "refused: nothing committed");

    let out = ok(&specbuilder(&["generate", "prd", "--force"], dir));
    assert!(out.contains("replaced hand edits"), "{out}");
    let message = show(dir, "spec/tracker");
    assert!(message.contains("Replaced hand edits (kept in history): prd.md"), "{message}");
    assert!(show(dir, "spec/tracker~1:specs/tracker/artifacts/prd.md").contains("Our own note."));
}

#[test]
fn check_reports_stale_invalid_and_untraced_artifacts() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    started(dir);
    answer_all(dir);
    ok(&specbuilder(&["generate"], dir));
    git(dir, &["checkout", "-q", "spec/tracker"]);
    let out = specbuilder(&["check", "--format", "json"], dir);
    assert_eq!(codes(&json(&out)), Vec::<String>::new(), "a fresh generation checks clean");

    // Break the GraphQL schema, drop a scenario's tag, and change a decision.
    let sdl = dir.join("specs/tracker/artifacts/schema.graphql");
    let broken = std::fs::read_to_string(&sdl).unwrap().replace("type Query {", "type Query {\n  broken: Nope");
    std::fs::write(&sdl, broken).unwrap();
    let feature = dir.join("specs/tracker/artifacts/features/auth.feature");
    let text = std::fs::read_to_string(&feature).unwrap();
    let untagged = text.replace("@REQ-auth.accounts-1\n", "\n").replace("@REQ-auth.accounts-1 ", "");
    assert_ne!(text, untagged);
    std::fs::write(&feature, untagged).unwrap();
    git(dir, &["commit", "-q", "-am", "edits"]);
    ok(&specbuilder(&["change", "product.audience", "consumer"], dir));
    git(dir, &["checkout", "-q", "-f", "spec/tracker"]);

    let out = specbuilder(&["check", "--format", "json"], dir);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let found = codes(&report);
    for code in ["SB401", "SB402", "SB405", "SB407"] {
        assert!(found.iter().any(|c| c == code), "{code} missing from {found:?}");
    }
    let invalid = report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "SB405").unwrap();
    assert!(invalid["message"].as_str().unwrap().contains("Nope"), "{invalid}");
    let untraced = report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "SB407").unwrap();
    assert!(untraced["message"].as_str().unwrap().contains("REQ-auth.accounts-1"), "{untraced}");
}

#[test]
fn export_writes_a_folder_and_a_reproducible_zip_and_diff_shows_changes() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    started(dir);
    answer_all(dir);
    let out = specbuilder(&["export", "--to", "out"], dir);
    assert!(stderr(&out).contains("run `specbuilder generate` first"), "{}", stderr(&out));
    ok(&specbuilder(&["generate"], dir));

    ok(&specbuilder(&["export", "--to", "out"], dir));
    let exported = std::fs::read(dir.join("out/tracker/artifacts/openapi.yaml")).unwrap();
    assert_eq!(String::from_utf8(exported).unwrap(), show(dir, "spec/tracker:specs/tracker/artifacts/openapi.yaml"));
    assert!(dir.join("out/tracker/decisions/auth.accounts.md").exists());

    ok(&specbuilder(&["export", "--zip", "a.zip", "--format", "github-issues", "--only-artifacts"], dir));
    ok(&specbuilder(&["export", "--zip", "b.zip", "--format", "github-issues", "--only-artifacts"], dir));
    let a = std::fs::read(dir.join("a.zip")).unwrap();
    assert_eq!(a, std::fs::read(dir.join("b.zip")).unwrap(), "same artifacts, same archive");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(names.contains(&"tracker/artifacts/tickets/github-issues.json".to_owned()), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with("prd.md") || n.contains("decisions/")), "{names:?}");
    let mut issues = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("tracker/artifacts/tickets/github-issues.json").unwrap(),
        &mut issues,
    )
    .unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&issues).unwrap().as_array().unwrap().len() >= 3);
    let out = specbuilder(&["export", "--zip", "c.zip", "--format", "nope"], dir);
    assert!(stderr(&out).contains("no artifact has the format or type `nope`"), "{}", stderr(&out));

    ok(&specbuilder(&["change", "product.audience", "consumer"], dir));
    let out = specbuilder(&["generate", "prd"], dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let diff = ok(&specbuilder(&["diff", "prd.md"], dir));
    // The audience's requirements changed with the answer: small teams out, individuals in.
    assert!(diff.lines().any(|l| l.starts_with("-- **REQ-product.audience-1**")), "{diff}");
    assert!(diff.lines().any(|l| l.starts_with("+- **REQ-product.audience-1**")), "{diff}");
    let out = specbuilder(&["diff", "nothing.md"], dir);
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn demo_leaves_a_checked_out_repository_with_the_spec_and_every_artifact() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("demo");
    let out = ok(&specbuilder(&["demo", "--dir", dir.to_str().unwrap()], scratch.path()));
    assert!(out.contains("0 error(s)"), "{out}");
    let artifacts = dir.join("specs/team-tracker/artifacts");
    for name in [
        "prd.md",
        "prd.pdf",
        "schema.sql",
        "openapi.yaml",
        "schema.graphql",
        "api.proto",
        "tickets/jira.csv",
        "c4-container.mmd",
        "deploy.md",
    ] {
        assert!(artifacts.join(name).exists(), "{name} missing:\n{out}");
    }
    let status = std::process::Command::new("git").args(["status", "--porcelain"]).current_dir(&dir).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout), "", "the working tree matches the branch");
    let head = std::process::Command::new("git").args(["branch", "--show-current"]).current_dir(&dir).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&head.stdout).trim(), "spec/team-tracker");
    ok(&specbuilder(&["check"], &dir));
    let sql = std::fs::read_to_string(artifacts.join("schema.sql")).unwrap();
    assert!(sql.contains("CREATE TABLE comments"), "the scripted entities are used");
    let out = specbuilder(&["demo", "--dir", dir.to_str().unwrap()], scratch.path());
    assert!(stderr(&out).contains("is not empty"), "{}", stderr(&out));
}

/// `demo` leaves `spec/team-tracker` checked out: a `change` then moves the index and the
/// working tree with the branch (`git status` stays clean), refuses to commit over an
/// uncommitted edit of the file it would change, and commits nothing for the same answer.
#[test]
fn a_checked_out_project_branch_stays_true() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("demo");
    ok(&specbuilder(&["demo", "--dir", dir.to_str().unwrap()], scratch.path()));
    let status = |dir: &Path| {
        let out = std::process::Command::new("git").args(["status", "--porcelain"]).current_dir(dir).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let head = |dir: &Path| show(dir, "HEAD").lines().next().unwrap_or_default().to_owned();
    assert_eq!(status(&dir), "", "demo leaves a clean tree");

    ok(&specbuilder(&["change", "ui.realtime", "polling"], &dir));
    assert_eq!(status(&dir), "", "the change is in the working tree and the index too");
    let file = dir.join("specs/team-tracker/decisions/ui.realtime.md");
    assert!(std::fs::read_to_string(&file).unwrap().contains("answer: polling"));

    let before = head(&dir);
    let out = specbuilder(&["change", "ui.realtime", "polling"], &dir);
    assert!(stdout(&out).contains("nothing to commit"), "{}", stdout(&out));
    assert_eq!(head(&dir), before, "the same answer makes no commit");

    let edited = std::fs::read_to_string(&file).unwrap() + "\nOur own note.\n";
    std::fs::write(&file, &edited).unwrap();
    let out = specbuilder(&["change", "ui.realtime", "live"], &dir);
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("uncommitted changes: specs/team-tracker/decisions/ui.realtime.md"), "{err}");
    assert_eq!(head(&dir), before, "nothing was committed");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited, "the edit is kept");
}
