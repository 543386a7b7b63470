//! The local conversation: `new`, `answer`, `skip`, `defer` commit to `spec/<slug>` with gix,
//! never touching the working tree, and refuse contradictions without committing.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["config", "user.name", "Dana"]);
    git(dir.path(), &["config", "user.email", "dana@example.com"]);
    write(dir.path(), "README.md", "# app\n");
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "init"]);
    dir
}

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git").args(args).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn log(dir: &Path) -> Vec<String> {
    git_out(dir, &["log", "--format=%s", "spec/team-todo"]).lines().map(str::to_owned).collect()
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = specbuilder(args, dir);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_conversation_commits_one_decision_per_answer_and_leaves_the_worktree_alone() {
    let dir = repository();
    let root = dir.path();
    let (code, out, _) =
        run(root, &["new", "team-todo", "--depth", "quick", "--targets", "prd,schema", "--idea", "Todos for teams"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("created branch spec/team-todo"));
    assert!(out.contains("Who is the product for first?"), "the first question follows: {out}");

    assert_eq!(run(root, &["answer", "product.audience", "1"]).0, Some(0));
    assert_eq!(run(root, &["answer", "auth.accounts", "personal"]).0, Some(0));
    assert_eq!(run(root, &["skip", "product.platform"]).0, Some(0));
    assert_eq!(run(root, &["defer", "users.roles"]).0, Some(0));
    assert_eq!(
        log(root),
        [
            "spec(team-todo): users.roles deferred",
            "spec(team-todo): product.platform = web (assumed)",
            // auth.mfa and the channels (a multi question, its list default) apply once accounts
            // are personal; quick depth does not ask them.
            "spec(team-todo): assume notify.channels, auth.mfa (not asked at quick depth)",
            "spec(team-todo): auth.accounts = personal",
            "spec(team-todo): product.audience = smb",
            "spec(team-todo): assume product.billing, users.scale, data.retention, compliance.soc2, ui.accessibility, ui.languages (not asked at quick depth)",
            "spec(team-todo): start the project from template saas-web",
            "init",
        ]
    );
    assert_eq!(git_out(root, &["status", "--porcelain"]), "", "the working tree is untouched");
    assert!(!root.join("specs").exists());
    assert_eq!(git_out(root, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(), "main");

    // The branch holds valid, canonical decision files.
    let check = specbuilder(&["check", "--ref", "spec/team-todo", "--format", "json"], root);
    assert_eq!(json(&check)["findings"], serde_json::json!([]));
    let file = git_out(root, &["show", "spec/team-todo:specs/team-todo/decisions/auth.accounts.md"]);
    assert!(
        file.contains("answer: personal\n")
            && file.contains("auth.accounts: true")
            && file.contains("answered_by: local:Dana")
    );
    let assumed = git_out(root, &["show", "spec/team-todo:specs/team-todo/decisions/product.platform.md"]);
    assert!(assumed.contains("status: assumed\nassumption: A web app reaches every platform with one codebase.\n"));
    let by_depth = git_out(root, &["show", "spec/team-todo:specs/team-todo/decisions/product.billing.md"]);
    assert!(by_depth.contains("answer: per_seat") && by_depth.contains("status: assumed"), "{by_depth}");
    let project = git_out(root, &["show", "spec/team-todo:specs/team-todo/project.md"]);
    assert!(project.contains("depth: quick") && project.ends_with("---\nTodos for teams\n"));

    let status = json(&specbuilder(&["status", "--ref", "spec/team-todo", "--format", "json"], root));
    let prd = &status["projects"][0]["targets"][0];
    assert_eq!(prd["target"], "prd");
    assert_eq!(prd["decided"], 3, "audience, accounts, platform (assumed); roles is deferred");
}

#[test]
fn a_contradicting_answer_shows_both_sides_and_commits_nothing() {
    let dir = repository();
    let root = dir.path();
    run(root, &["new", "team-todo"]);
    run(root, &["answer", "product.audience", "enterprise"]);
    run(root, &["answer", "auth.accounts", "1"]);
    let before = log(root);
    let (code, out, _) = run(root, &["answer", "auth.method", "password"]);
    assert_eq!(code, Some(1));
    assert!(out.contains("error[SB202]: rule `enterprise-needs-sso` is violated"), "{out}");
    assert!(
        out.contains("specs/team-todo/decisions/auth.method.md")
            && out.contains("specs/team-todo/decisions/product.audience.md")
    );
    assert!(out.contains("nothing was committed"));
    assert_eq!(log(root), before);
    assert_eq!(run(root, &["answer", "auth.method", "sso"]).0, Some(0));
}

#[test]
fn bad_replies_and_repeated_questions_are_refused_politely() {
    let dir = repository();
    let root = dir.path();
    run(root, &["new", "team-todo"]);
    let (code, _, err) = run(root, &["answer", "product.audience", "7"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("7 is not an option; reply with a number from 1 to 4"), "{err}");
    let (_, _, err) = run(root, &["answer", "product.audiense", "1"]);
    assert!(err.contains("did you mean `product.audience`?"), "{err}");
    run(root, &["answer", "product.audience", "1"]);
    let (code, _, err) = run(root, &["answer", "product.audience", "2"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("already decided") && err.contains("never asked twice"), "{err}");
    let (code, _, err) = run(root, &["new", "team-todo"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("already exists"));
    let (code, _, err) = run(root, &["new", "Team_Todo"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("not a valid slug"));
    let (_, _, err) = run(root, &["new", "other", "--targets", "prd,shema"]);
    assert!(err.contains("did you mean `schema`?"), "{err}");
}

#[test]
fn a_branch_moved_by_someone_else_is_a_conflict_not_an_overwrite() {
    let dir = repository();
    let root = dir.path();
    run(root, &["new", "team-todo"]);
    let repo = specbuilder::store::open(root).unwrap();
    let stale = specbuilder::store::read_branch_head(&repo, "spec/team-todo").unwrap();
    run(root, &["answer", "product.audience", "1"]);
    let files = [("specs/team-todo/x.md".to_owned(), b"x".to_vec())];
    let err = specbuilder::store::commit_files(&repo, "spec/team-todo", stale, stale.0, &files, "late").unwrap_err();
    assert!(matches!(err, specbuilder::store::CommitError::Moved { .. }), "{err}");
    assert_eq!(log(root)[0], "spec(team-todo): product.audience = smb", "the other commit survived");
}

#[test]
fn change_lock_and_why() {
    let dir = repository();
    let root = dir.path();
    run(root, &["new", "team-todo"]);
    run(root, &["answer", "auth.accounts", "1"]);
    run(root, &["answer", "auth.signup", "invite"]);
    let (code, out, _) = run(root, &["change", "auth.signup", "open"]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(log(root)[0], "spec(team-todo): auth.signup = open (was auth.signup = invite)");

    let (code, _, _) = run(root, &["lock", "auth.signup"]);
    assert_eq!(code, Some(0));
    assert_eq!(log(root)[0], "spec(team-todo): lock auth.signup");
    let (code, _, err) = run(root, &["change", "auth.signup", "invite"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is locked"), "{err}");
    let (code, _, err) = run(root, &["change", "auth.mfa", "1"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not decided"), "{err}");

    let (code, out, _) = run(root, &["why", "auth.accounts", "--ref", "spec/team-todo"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("auth.accounts = personal"), "{out}");
    assert!(out.contains("decided by local:Dana"), "{out}");
    assert!(out.contains("asserts auth.accounts = true"), "{out}");
    assert!(out.contains("rule roles-need-accounts"), "{out}");
    assert!(out.contains("built on by: auth.signup"), "{out}");
    assert!(out.contains("why it is asked: Accounts are the root of permissions"), "{out}");
}

#[test]
fn ask_status_and_why_read_the_project_branch_by_default() {
    let dir = repository();
    let root = dir.path();
    run(root, &["new", "team-todo", "--depth", "quick"]);
    let first = json(&specbuilder(&["ask", "--json"], root));
    assert_eq!(first["question"]["key"], "product.audience");
    run(root, &["answer", "product.audience", "1"]);
    let second = json(&specbuilder(&["ask", "--json", "--project", "team-todo"], root));
    assert_eq!(second["question"]["key"], "auth.accounts");
    let status = String::from_utf8(specbuilder(&["status"], root).stdout).unwrap();
    assert!(status.contains("team-todo (7 decisions, template saas-web)"), "one answer and six assumptions: {status}");
    assert!(status.contains("next: auth.accounts"), "{status}");
    let why = specbuilder(&["why", "product.audience"], root);
    assert_eq!(why.status.code(), Some(0), "{}", String::from_utf8_lossy(&why.stderr));
}

/// What a session says about its branch: the head, every decision, the next question with what
/// each option would contradict, and whether each option of each open question would be refused.
fn what_it_says(session: &specbuilder::conversation::Session) -> String {
    use spec_format::model::{Answer, AnswerFormat, Status};
    use specbuilder::conversation::Prepared;
    use specbuilder::engine::record;
    let mut said = format!("head {:?}\n", session.head);
    for d in &session.project().unwrap().decisions {
        let d = d.decision();
        said += &format!("{} = {:?} ({:?})\n", d.key, d.answer, d.status);
    }
    let next = session.next_question().unwrap().map(|q| serde_json::to_string(&q).unwrap());
    said += &format!("next {next:?}\n");
    for q in &session.template().unwrap().questions {
        if session.decision(&q.key).unwrap().is_some() || q.format == AnswerFormat::Form {
            continue;
        }
        for o in &q.options {
            let answer = match q.format {
                AnswerFormat::Multi => Answer::List(vec![o.id.clone()]),
                _ => Answer::Text(o.id.clone()),
            };
            let by = record::Provenance {
                answered_by: "local:t".into(),
                answered_at: "2026-12-01T00:00:00Z".into(),
                source: None,
            };
            let decision = record::decision(q, Some(answer), Status::Accepted, None, by);
            let verdict = match session.prepare(&decision).unwrap() {
                Prepared::Ready { revised, .. } => format!("ready, revising {}", revised.len()),
                Prepared::Contradiction { findings, .. } => {
                    let codes: Vec<String> = findings.iter().map(|f| format!("{}@{}", f.code, f.path)).collect();
                    format!("refused {codes:?}")
                }
            };
            said += &format!("{} {}: {verdict}\n", q.key, o.id);
        }
    }
    said
}

#[test]
fn a_session_kept_in_step_with_its_commits_says_what_the_branch_read_again_says() {
    use spec_format::model::{Answer, Status};
    use specbuilder::conversation::{Recorded, Session};
    use specbuilder::engine::{Plan, record};
    let dir = repository();
    let root = dir.path();
    assert_eq!(run(root, &["new", "team-todo", "--depth", "quick"]).0, Some(0));
    let mut session = Session::open(root, Some("team-todo")).unwrap();
    let mut committed = 0;
    // Answers that go against the recommendation where an option allows it, so assumptions are
    // revised (decisions replaced in memory) as well as added.
    for _ in 0..30 {
        let Some(next) = session.next_question().unwrap() else { break };
        let key = next.key.to_owned();
        let pick = next.options.iter().rev().find(|o| o.contradicts.is_none()).map(|o| o.id.to_owned());
        let template = session.template().unwrap();
        let q = template.questions.iter().find(|q| q.key == key).unwrap().clone();
        let answer = match (q.format, pick) {
            (spec_format::model::AnswerFormat::Single, Some(id)) => Answer::Text(id),
            (spec_format::model::AnswerFormat::Multi, Some(id)) => Answer::List(vec![id]),
            _ => match Plan::new(template, session.project().unwrap()).recommendation(&q) {
                Some((answer, _)) => answer.clone(),
                None => Answer::Text("Team: name!; Todo: title, done:bool, team:Team".into()),
            },
        };
        let by = record::Provenance {
            answered_by: "local:t".into(),
            answered_at: "2026-12-01T00:00:00Z".into(),
            source: None,
        };
        match session.record(&record::decision(&q, Some(answer), Status::Accepted, None, by)).unwrap() {
            Recorded::Committed { .. } => committed += 1,
            Recorded::Contradiction { .. } => panic!("{key}: an option vetted as clean was refused"),
        }
        session.assume_all_skipped().unwrap();
        let fresh = Session::open(root, Some("team-todo")).unwrap();
        assert_eq!(what_it_says(&session), what_it_says(&fresh), "after answering {key}");
    }
    assert!(committed >= 5, "the walk answered questions ({committed})");
}

#[test]
fn the_branch_kept_under_git_is_used_only_while_it_is_true_and_rebuilt_when_broken() {
    let dir = repository();
    let root = dir.path();
    assert_eq!(run(root, &["new", "team-todo", "--depth", "quick"]).0, Some(0));
    let kept = root.join(".git/specbuilder/branches/team-todo.cache");
    assert_eq!(run(root, &["answer", "product.audience", "1"]).0, Some(0));
    assert!(kept.is_file(), "the answer left the branch kept");
    let size = std::fs::metadata(&kept).unwrap().len();
    assert_eq!(run(root, &["answer", "auth.accounts", "personal"]).0, Some(0));
    assert!(std::fs::metadata(&kept).unwrap().len() > size, "the next answer added to it");

    // Someone commits to the branch with git: the kept branch is for another tree, and is not used.
    git(root, &["checkout", "-q", "spec/team-todo"]);
    let pushed = "specs/team-todo/decisions/product.platform.md";
    write(root, pushed, decision("product.platform", "web", ""));
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "by hand"]);
    git(root, &["checkout", "-q", "-"]);
    let (code, out, err) = run(root, &["answer", "product.platform", "web"]);
    assert_ne!(code, Some(0), "{out}{err}");
    assert!(err.contains("already decided"), "the hand-made commit is seen: {err}");

    // A kept file cut short, or of garbage, is ignored and written again.
    for broken in [&std::fs::read(&kept).unwrap()[..100], b"not a cache at all".as_slice()] {
        std::fs::write(&kept, broken).unwrap();
        let (code, out, err) = run(root, &["status"]);
        assert_eq!(code, Some(0), "{out}{err}");
        let (code, out, _) = run(root, &["defer", "users.roles"]);
        assert_eq!(code, Some(0), "{out}");
        assert!(std::fs::read(&kept).unwrap().starts_with(b"specbuilder branch cache"), "rebuilt");
        git(root, &["update-ref", "refs/heads/spec/team-todo", "spec/team-todo~1"]);
    }
    assert!(log(root).iter().any(|l| l == "spec(team-todo): auth.accounts = personal"));
}
