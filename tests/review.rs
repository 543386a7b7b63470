//! `specbuilder review` on real git histories: each thing a reviewer is told appears when its
//! change is made and is absent otherwise, and the JSON keeps to its published schema.

mod common;

use common::{copy_tree, examples, git, specbuilder, write};
use serde_json::Value;
use std::path::Path;

const DECISIONS: &str = "specs/team-tracker/decisions";

/// The team-tracker example as a repository on `main`.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&examples().join("team-tracker"), dir.path());
    write(dir.path(), "README.md", "# Team Tracker\n");
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "the spec"]);
    dir
}

/// Rewrites a line of a decision file (`from` must be there).
fn edit(dir: &Path, key: &str, from: &str, to: &str) {
    let path = dir.join(DECISIONS).join(format!("{key}.md"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{key}.md has no `{from}`");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn commit(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", message]);
    git(dir, &["rev-parse", "--short=7", "HEAD"])
}

/// The JSON review of `base..HEAD`, checked against the published schema, and the exit code.
fn reviewed(dir: &Path, base: &str, more: &[&str]) -> (Value, i32) {
    let mut args = vec!["review", "--base", base, "--format", "json"];
    args.extend_from_slice(more);
    let out = specbuilder(&args, dir);
    assert!(out.status.code().is_some_and(|c| c < 2), "review failed: {}", String::from_utf8_lossy(&out.stderr));
    let value = common::json(&out);
    let schema: Value =
        serde_json::from_str(include_str!("../spec-format/schema/review.schema.json")).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "the review breaks its schema: {errors:#?}");
    (value, out.status.code().unwrap_or(2))
}

fn project(review: &Value) -> &Value {
    let projects = review["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 1, "{review:#}");
    &projects[0]
}

fn keys(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|d| d["key"].as_str().or(d["target"].as_str()).unwrap().to_owned()).collect()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

fn count(list: &Value) -> usize {
    list.as_array().map_or(0, Vec::len)
}

/// Every list of a project's review that the named ones do not cover is empty.
fn only(project: &Value, present: &[&str]) {
    let lists = [
        ("added", &project["decisions"]["added"]),
        ("changed", &project["decisions"]["changed"]),
        ("removed", &project["decisions"]["removed"]),
        ("locked", &project["locked_touched"]),
        ("assumptions", &project["assumptions_replaced"]),
        ("introduced", &project["contradictions"]["introduced"]),
        ("resolved", &project["contradictions"]["resolved"]),
        ("requirements", &project["requirements"]["changed"]),
        ("scenarios", &project["scenarios"]["added"]),
        ("tickets", &project["tickets"]["changed"]),
        ("stale", &project["stale"]),
        ("breaking", &project["breaking"]),
        ("blockers", &project["blockers"]),
    ];
    for (name, list) in lists {
        assert_eq!(count(list) > 0, present.contains(&name), "`{name}` in {project:#}");
    }
}

#[test]
fn a_change_outside_the_specs_means_nothing() {
    let repo = repository();
    let dir = repo.path();
    let base = git(dir, &["rev-parse", "HEAD"]);
    write(dir, "README.md", "# Team Tracker\n\nNow with a logo.\n");
    commit(dir, "docs");
    let (review, exit) = reviewed(dir, &base, &[]);
    assert_eq!(review["projects"], serde_json::json!([]), "{review:#}");
    assert_eq!(exit, 0);
    let text = String::from_utf8(specbuilder(&["review", "--base", &base], dir).stdout).unwrap();
    assert!(text.contains("no change to decisions or artifacts"), "{text}");
}

#[test]
fn a_changed_answer_names_old_and_new_who_and_the_commit_and_what_went_stale() {
    let repo = repository();
    let dir = repo.path();
    let base = git(dir, &["rev-parse", "HEAD"]);
    edit(dir, "auth.method", "answer: magic_link", "answer: password");
    edit(dir, "auth.method", "answered_by: local:dana", "answered_by: local:ben");
    let id = commit(dir, "spec(team-tracker): sign in with a password");
    let (review, exit) = reviewed(dir, &base, &[]);
    let p = project(&review);
    only(p, &["changed", "stale"]);
    let change = &p["decisions"]["changed"][0];
    assert_eq!(change["key"], "auth.method");
    assert_eq!(
        (change["before"].as_str(), change["after"].as_str()),
        (Some("Magic link by email"), Some("Email and password"))
    );
    assert_eq!(change["by"], "local:ben");
    assert_eq!(change["commit"]["id"], id.as_str());
    assert_eq!(change["commit"]["author"], "Test");
    assert_eq!(change["commit"]["summary"], "spec(team-tracker): sign in with a password");
    let stale = keys(&p["stale"]);
    for target in ["openapi", "prd", "schema", "tickets"] {
        assert!(stale.contains(&target.to_owned()), "{target} is stale after auth.method: {stale:?}");
    }
    let prd = p["stale"].as_array().unwrap().iter().find(|s| s["target"] == "prd").unwrap();
    assert_eq!(prd["command"], "specbuilder generate prd --project team-tracker");
    assert_eq!(prd["because"], serde_json::json!(["auth.method"]));
    assert_eq!(exit, 0, "a plain change is no alarm");

    // Regenerated: the artifacts now say something else, and the contract broke its users.
    let out = specbuilder(&["generate", "--project", "team-tracker", "--partial"], dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answered = git(dir, &["rev-parse", "HEAD"]);
    commit(dir, "regenerate");
    let (review, _) = reviewed(dir, &answered, &[]);
    let p = project(&review);
    only(p, &["requirements", "scenarios", "tickets", "breaking"]);
    assert!(ids(&p["requirements"]["changed"]).iter().any(|id| id.starts_with("REQ-auth.method-")));
    let scenarios = ids(&p["scenarios"]["added"]);
    assert!(scenarios.iter().any(|s| s.starts_with("features/auth.feature: ")), "{scenarios:?}");
    assert!(count(&p["scenarios"]["removed"]) > 0, "the magic-link scenarios are gone");
    let breaking: Vec<&str> =
        p["breaking"].as_array().unwrap().iter().map(|b| b["message"].as_str().unwrap()).collect();
    assert!(breaking.iter().any(|m| m.contains("/auth/sign-in-links")), "{breaking:?}");
    assert!(p["breaking"].as_array().unwrap().iter().all(|b| b["code"] == "SB502"));

    // The whole change, for people: grouped, with the regenerate command nowhere (nothing stale).
    let text = String::from_utf8(specbuilder(&["review", "--base", &base], dir).stdout).unwrap();
    assert!(text.contains("changed `auth.method`: Magic link by email → **Email and password**"), "{text}");
    assert!(text.contains("**Breaking contract changes (SB502)**"), "{text}");
    assert!(!text.contains("**Artifacts made stale**"), "{text}");
}

#[test]
fn locks_assumptions_contradictions_and_blockers_are_called_out() {
    let repo = repository();
    let dir = repo.path();
    edit(dir, "ui.realtime", "status: accepted", "status: accepted\nlocked: true");
    write(
        dir,
        "specs/team-tracker/rules.yaml",
        "rules:\n- id: no-passwords\n  forbid:\n    auth.method: password\n  message: We keep no passwords.\n",
    );
    let base = commit(dir, "lock realtime; no passwords");

    edit(dir, "ui.realtime", "answer: live", "answer: refresh");
    commit(dir, "refresh instead");
    let (review, exit) = reviewed(dir, &base, &[]);
    only(project(&review), &["changed", "locked", "stale"]);
    assert_eq!(project(&review)["locked_touched"], serde_json::json!(["ui.realtime"]));
    assert_eq!(exit, 1, "touching a locked decision is an alarm");
    git(dir, &["reset", "-q", "--hard", &base]);

    edit(dir, "tasks.recurring", "answer: no", "answer: simple");
    edit(dir, "tasks.recurring", "status: assumed", "status: accepted");
    commit(dir, "recurring tasks after all");
    let (review, _) = reviewed(dir, &base, &[]);
    let p = project(&review);
    only(p, &["changed", "assumptions", "stale"]);
    let replaced = &p["assumptions_replaced"][0];
    assert_eq!((replaced["key"].as_str(), replaced["assumed"].as_str()), (Some("tasks.recurring"), Some("No")));
    assert_eq!(replaced["answer"], "Daily, weekly or monthly");

    let before = git(dir, &["rev-parse", "HEAD"]);
    edit(dir, "auth.method", "answer: magic_link", "answer: password");
    commit(dir, "passwords");
    let (review, exit) = reviewed(dir, &before, &[]);
    let introduced = &project(&review)["contradictions"]["introduced"];
    assert_eq!(count(introduced), 1, "{review:#}");
    assert_eq!(introduced[0]["code"], "SB202");
    assert!(introduced[0]["message"].as_str().unwrap().contains("We keep no passwords"));
    assert_eq!(exit, 1, "a new contradiction is an alarm");

    let contradicted = git(dir, &["rev-parse", "HEAD"]);
    edit(dir, "auth.method", "answer: password", "answer: sso");
    commit(dir, "single sign-on instead");
    let (review, exit) = reviewed(dir, &contradicted, &[]);
    let p = project(&review);
    assert_eq!(count(&p["contradictions"]["resolved"]), 1, "{review:#}");
    assert_eq!(count(&p["contradictions"]["introduced"]), 0);
    assert_eq!(exit, 0);

    // A required decision removed: the targets that need it are blocked again.
    let answered = git(dir, &["rev-parse", "HEAD"]);
    std::fs::remove_file(dir.join(DECISIONS).join("auth.signup.md")).unwrap();
    commit(dir, "reopen sign-up");
    let (review, _) = reviewed(dir, &answered, &[]);
    let p = project(&review);
    assert_eq!(keys(&p["decisions"]["removed"]), ["auth.signup"]);
    let blocked: Vec<&Value> = p["blockers"].as_array().unwrap().iter().collect();
    assert!(!blocked.is_empty(), "{review:#}");
    for change in blocked {
        let after: Vec<&str> = change["after"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
        assert!(after.contains(&"auth.signup"), "{change}");
    }
}

#[test]
fn other_changes_to_the_same_decision_or_related_facts_are_overlaps() {
    let repo = repository();
    let dir = repo.path();
    write(
        dir,
        "specs/team-tracker/rules.yaml",
        "rules:\n- id: invites-need-a-digest\n  when:\n    auth.signup: invite\n  require:\n    notify.digest: [weekly, daily]\n  message: Invited people learn of work from the digest.\n",
    );
    let base = commit(dir, "a rule");
    let branch = |name: &str, key: &str, from: &str, to: &str| {
        git(dir, &["checkout", "-q", "-b", name, &base]);
        edit(dir, key, from, to);
        commit(dir, name);
    };
    branch("open-signup", "auth.signup", "answer: invite", "answer: open");
    branch("domain-signup", "auth.signup", "answer: invite", "answer: domain");
    branch("daily-digest", "notify.digest", "answer: weekly", "answer: daily");
    branch("theme", "ui.realtime", "answer: live", "answer: refresh");
    git(dir, &["checkout", "-q", "open-signup"]);
    let (review, _) = reviewed(dir, &base, &["--against", "domain-signup", "daily-digest", "theme"]);
    let overlaps = review["overlaps"].as_array().unwrap();
    let by: Vec<&str> = overlaps.iter().map(|o| o["other"].as_str().unwrap()).collect();
    assert_eq!(by, ["domain-signup", "daily-digest"], "{review:#}");
    assert_eq!(overlaps[0]["keys"], serde_json::json!(["team-tracker/auth.signup"]));
    assert_eq!(overlaps[1]["keys"], serde_json::json!([]));
    assert_eq!(overlaps[1]["rules"], serde_json::json!(["team-tracker/invites-need-a-digest"]));
    let (alone, _) = reviewed(dir, &base, &[]);
    assert_eq!(alone["overlaps"], serde_json::json!([]));
}

#[test]
fn export_issues_writes_the_plan_a_tracker_would_get_and_a_dry_run_writes_nothing() {
    let repo = repository();
    let dir = repo.path();
    let out = tempfile::tempdir().unwrap();
    let to = out.path().to_str().unwrap();
    let dry = specbuilder(&["export", "--issues", "--dry-run", "--to", to], dir);
    let said = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.status.success() && said.contains("issues planned for `team-tracker`; nothing written"), "{said}");
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none(), "a dry run writes nothing");

    let run = specbuilder(&["export", "--issues", "--to", to], dir);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let plan: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("team-tracker-issues.json")).unwrap()).unwrap();
    let tickets: Value = serde_json::from_slice(
        &std::fs::read(dir.join("specs/team-tracker/artifacts/tickets/github-issues.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(count(&plan), count(&tickets), "one issue per ticket");
    for (issue, ticket) in plan.as_array().unwrap().iter().zip(tickets.as_array().unwrap()) {
        assert_eq!(issue["title"], ticket["title"]);
        assert_eq!(issue["labels"], ticket["labels"]);
        let body = issue["body"].as_str().unwrap();
        let id = issue["ticket"].as_str().unwrap();
        assert!(body.contains(&format!("<!-- specbuilder:ticket project=team-tracker id={id} sha=")), "{body}");
        assert!(body.contains("### Acceptance criteria\n\n- [ ] "), "criteria as a task list: {body}");
    }
}
