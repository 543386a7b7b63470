//! One scenario, two forges: the GitHub adapter against the fake GitHub (a real bare repository
//! behind GitHub's REST API) and the local adapter on a real repository. The engine sees the
//! same behaviour from both: whole commits, reads at any revision, a branch moved by someone
//! else reported as a conflict with nothing overwritten.

use fake_github::{APP_ID, FakeGitHub, INSTALLATION_ID, TEST_APP_KEY};
use github_app::{AppConfig, GitHubApp};
use specbuilder::forge::{
    Check, CheckAnnotation, CommitId, FileWrite, Forge, ForgeError, GitHubForge, Head, LocalForge, Permission, Thread,
};
use std::sync::Arc;

fn write(path: &str, content: &str) -> FileWrite {
    FileWrite { path: path.into(), content: Some(content.as_bytes().to_vec()) }
}

/// What every forge must do. `push_elsewhere` commits to a branch behind the forge's back.
async fn exercise(forge: &impl Forge, main: CommitId, push_elsewhere: impl Fn(&str) -> String) {
    let branch = "spec/tracker";
    assert_eq!(forge.branch_head(branch).await.unwrap(), None);
    let files = [
        write("specs/tracker/project.md", "# Tracker\n"),
        write("specs/tracker/decisions/auth.signup.md", "---\nkey: auth.signup\n---\n"),
        write("specs/tracker/decisions/data.entities.md", "---\nkey: data.entities\n---\n"),
    ];
    let first = forge.commit_files(branch, &Head::NewFrom(main.clone()), &files, "Start tracker").await.unwrap();
    assert_eq!(forge.branch_head(branch).await.unwrap(), Some(first.clone()));
    assert_eq!(
        forge.read_file(&first.0, "specs/tracker/project.md").await.unwrap().as_deref(),
        Some(&b"# Tracker\n"[..])
    );
    assert_eq!(forge.read_file(branch, "README.md").await.unwrap().as_deref(), Some(&b"# Tracker app\n"[..]));
    assert_eq!(forge.read_file(branch, "nothing.md").await.unwrap(), None);
    let listed: Vec<String> =
        forge.list_files(branch, "specs", 1_000).await.unwrap().into_iter().map(|f| f.path).collect();
    assert_eq!(
        listed,
        [
            "specs/tracker/decisions/auth.signup.md",
            "specs/tracker/decisions/data.entities.md",
            "specs/tracker/project.md"
        ]
    );

    let delete = [FileWrite { path: "specs/tracker/decisions/auth.signup.md".into(), content: None }];
    let second = forge.commit_files(branch, &Head::At(first.clone()), &delete, "Drop auth.signup").await.unwrap();
    assert_eq!(forge.list_files(&second.0, "specs/tracker/decisions", 1_000).await.unwrap().len(), 1);
    assert_eq!(forge.list_files(&first.0, "specs/tracker/decisions", 1_000).await.unwrap().len(), 2, "history kept");

    let theirs = push_elsewhere(branch);
    let late = [write("specs/tracker/decisions/late.md", "late\n")];
    match forge.commit_files(branch, &Head::At(second.clone()), &late, "Late answer").await {
        Err(ForgeError::Moved { branch: moved, expected, actual }) => {
            assert_eq!(moved, branch);
            assert_eq!(expected, second.0[..12]);
            assert_eq!(actual, theirs[..12]);
        }
        other => panic!("a moved branch must be a conflict, got {other:?}"),
    }
    assert_eq!(forge.branch_head(branch).await.unwrap(), Some(CommitId(theirs)), "their commit stays");
    assert_eq!(forge.read_file(branch, "specs/tracker/decisions/late.md").await.unwrap(), None);
}

#[tokio::test]
async fn the_github_forge_commits_reads_and_detects_conflicts_through_the_api() {
    let fake = FakeGitHub::start().await;
    let main = CommitId(fake.push("main", &[("README.md", "# Tracker app\n")], "Readme"));
    let config = AppConfig { api_url: fake.url.clone(), app_id: APP_ID, private_key_pem: TEST_APP_KEY.to_owned() };
    let app = Arc::new(GitHubApp::new(&config).unwrap());
    let forge = GitHubForge::new(app, INSTALLATION_ID, "octo", "tracker");
    exercise(&forge, main, |branch| fake.push(branch, &[("NOTES.md", "theirs\n")], "Someone else")).await;

    let capabilities = forge.capabilities();
    assert!(capabilities.comments && capabilities.change_requests && capabilities.checks);
    fake.state.lock().unwrap().roles.insert("dana".into(), "maintain".into());
    assert_eq!(forge.permission("dana", None).await.unwrap(), Permission::Maintain);
    assert!(forge.permission("dana", None).await.unwrap().can_write());
    assert!(!forge.permission("eve", None).await.unwrap().can_write(), "readers may not answer");

    forge.upsert_comment(Thread::Issue(12), "q/auth.signup", "Who can sign up?", None).await.unwrap();
    forge.upsert_comment(Thread::Issue(12), "q/auth.signup", "Who can sign up? (edited)", None).await.unwrap();
    assert_eq!(fake.comments(12).len(), 1);
    let request = forge.open_change_request("spec/tracker", "main", "Spec: tracker", "Ready").await.unwrap();
    assert_eq!(request.number, 1);
    let check = Check {
        change_request: None,
        name: "Spec Builder".into(),
        commit: forge.branch_head("spec/tracker").await.unwrap().unwrap(),
        passed: false,
        title: "1 error".into(),
        summary: "A contradiction.".into(),
        annotations: vec![CheckAnnotation {
            path: "specs/tracker/decisions/data.entities.md".into(),
            line: 2,
            error: true,
            title: "SB202".into(),
            message: "contradicts auth.signup".into(),
        }],
    };
    forge.publish_check(&check).await.unwrap();
    let state = fake.state.lock().unwrap();
    assert_eq!(state.check_runs[0].conclusion.as_deref(), Some("failure"));
    assert_eq!(state.check_runs[0].annotations[0]["annotation_level"], "failure");
    assert_eq!(state.violations, Vec::<String>::new());
}

#[tokio::test]
async fn the_local_forge_behaves_the_same_on_a_repository_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let repo = gix::init(dir.path()).unwrap();
    let readme = [("README.md".to_owned(), b"# Tracker app\n".to_vec())];
    let none = specbuilder::store::BranchHead(None);
    let main = specbuilder::store::commit_files(&repo, "main", none, None, &readme, "Readme").unwrap();
    let forge = LocalForge::new(dir.path());
    exercise(&forge, CommitId(main.to_string()), |branch| {
        let head = specbuilder::store::read_branch_head(&repo, branch).unwrap();
        let files = [("NOTES.md".to_owned(), b"theirs\n".to_vec())];
        specbuilder::store::commit_files(&repo, branch, head, head.0, &files, "Someone else").unwrap().to_string()
    })
    .await;

    assert_eq!(forge.permission("anyone", None).await.unwrap(), Permission::Admin, "your own repository");
    assert!(!forge.capabilities().comments);
    let error = forge.upsert_comment(Thread::Issue(1), "q/x", "hello", None).await.unwrap_err();
    assert!(matches!(error, ForgeError::Unsupported { .. }), "{error:?}");
    assert_eq!(error.to_string(), "a local repository has no comments");
}

/// Every recorded GitHub webhook becomes the product event it means, and nothing else: the bot
/// sees only these.
#[test]
fn every_recorded_github_webhook_becomes_the_product_event_it_means() {
    use specbuilder::forge::event::{Change, ForgeEvent};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("github-app/tests/fixtures/webhooks");
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        let (name, action) = file.split_once('.').map(|(n, rest)| (n, rest.split('.').next().unwrap())).unwrap();
        let body = std::fs::read(&path).unwrap();
        let raw: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let by_bot = raw["sender"]["type"] == "Bot";
        let event = specbuilder::forge::github::stored_event(name, &body).unwrap();
        let kind = match (&event, name, action) {
            (None, _, _) => "nothing",
            (Some(ForgeEvent::Comment(c)), "issue_comment", "created" | "edited") => {
                assert_eq!(c.edited, action == "edited", "{file}");
                assert_eq!(c.comment, raw["comment"]["id"].as_u64().unwrap(), "{file}");
                assert_eq!(c.actor, raw["sender"]["login"].as_str().unwrap(), "{file}");
                let on_pull = raw["issue"]["pull_request"].is_object();
                assert_eq!(c.change_request.is_some(), on_pull, "{file}");
                assert_eq!(c.repo.full_name(), raw["repository"]["full_name"].as_str().unwrap(), "{file}");
                "comment"
            }
            (Some(ForgeEvent::ChangeRequest(e)), "pull_request", _) => {
                let expected = match action {
                    "opened" => Change::Opened,
                    "closed" => Change::Closed { merged: raw["pull_request"]["merged"] == true },
                    _ => Change::Updated,
                };
                assert_eq!(e.change, expected, "{file}");
                assert_eq!(e.head, raw["pull_request"]["head"]["sha"].as_str().unwrap(), "{file}");
                "change request"
            }
            (Some(ForgeEvent::ChangeRequest(e)), "check_run", "rerequested") => {
                assert_eq!(e.number, raw["check_run"]["pull_requests"][0]["number"].as_u64().unwrap(), "{file}");
                "change request"
            }
            (Some(ForgeEvent::IssueClosed { number, .. }), "issues", "closed") => {
                assert_eq!(*number, raw["issue"]["number"].as_u64().unwrap(), "{file}");
                "issue closed"
            }
            (Some(ForgeEvent::Installation { active, .. }), "installation", _) => {
                assert_eq!(*active, !matches!(action, "deleted" | "suspend"), "{file}");
                "installation"
            }
            (Some(other), _, _) => panic!("{file} became {other:?}"),
        };
        if kind == "nothing" {
            let acts = matches!(
                (name, action),
                ("issue_comment", "created" | "edited")
                    | ("pull_request", "opened" | "synchronize" | "reopened" | "closed")
                    | ("issues", "closed")
                    | ("installation", _)
            );
            assert!(!acts || by_bot, "{file} was dropped");
        }
        *seen.entry(kind).or_default() += 1;
    }
    for kind in ["comment", "change request", "installation", "nothing"] {
        assert!(seen.get(kind).is_some_and(|n| *n > 0), "no fixture became {kind}: {seen:?}");
    }
}

/// The GitLab forge against the fake GitLab: a check is a commit status and discussions on the
/// diff's lines, posted once; what the diff does not show goes in one note that leaves when
/// nothing is left for it; a moved branch is said, never hidden.
#[tokio::test]
async fn the_gitlab_forge_reports_checks_on_the_diff_and_never_hides_a_moved_branch() {
    use fake_gitlab::{FakeGitLab, PROJECT_ID, TOKEN};
    use gitlab_app::{ClientConfig, GitLab};
    use specbuilder::forge::GitLabForge;
    let fake = FakeGitLab::start().await;
    let config = ClientConfig::new(&fake.url, TOKEN);
    let forge = GitLabForge::new(Arc::new(GitLab::connect(&config).await.unwrap()), PROJECT_ID);
    let main = forge.branch_head("main").await.unwrap().unwrap();
    let file = |path: &str, text: &str| FileWrite { path: path.into(), content: Some(text.as_bytes().to_vec()) };
    let spec = [file("specs/t/decisions/a.md", "one\ntwo\nthree\n")];
    let head = forge.commit_files("spec/t", &Head::NewFrom(main), &spec, "start").await.unwrap();
    let mr = forge.open_change_request("spec/t", "main", "Spec: t", "").await.unwrap();
    assert_eq!(mr.number, 1);

    let annotation = |line: u64, title: &str| CheckAnnotation {
        path: "specs/t/decisions/a.md".into(),
        line,
        error: true,
        title: title.into(),
        message: "contradicts b".into(),
    };
    let check = |annotations: Vec<CheckAnnotation>| Check {
        name: "Spec Builder".into(),
        commit: head.clone(),
        change_request: Some(1),
        passed: annotations.is_empty(),
        title: format!("{} errors", annotations.len()),
        summary: String::new(),
        annotations,
    };
    forge
        .publish_check(&check(vec![annotation(2, "SB201 on the diff"), annotation(99, "SB201 off the diff")]))
        .await
        .unwrap();
    assert_eq!(fake.discussions().len(), 1, "one thread, on the line the diff has");
    let notes = fake.notes(("merge_requests", 1));
    let summary: Vec<&fake_gitlab::Note> = notes.iter().filter(|n| n.body.contains("off the diff")).collect();
    assert_eq!(summary.len(), 1, "{notes:?}");
    assert_eq!(fake.statuses().last().map(|s| s.state.as_str()), Some("failed"));

    forge.publish_check(&check(vec![annotation(2, "SB201 on the diff")])).await.unwrap();
    assert_eq!(fake.discussions().len(), 1, "not repeated");
    assert!(!fake.notes(("merge_requests", 1)).iter().any(|n| n.body.contains("off the diff")), "the summary went");

    // Someone commits between read and commit: both commits stay, and the forge says so.
    fake.move_before_next_commit("spec/t", &[("specs/t/other.md", "theirs\n")]);
    match forge.commit_files("spec/t", &Head::At(head.clone()), &[file("specs/t/b.md", "b\n")], "mine").await {
        Err(ForgeError::CommittedOverOthers { commit, .. }) => {
            assert_eq!(forge.branch_head("spec/t").await.unwrap().map(|c| c.0), Some(commit));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(&fake.log("spec/t")[..2], ["mine", "Someone else's commit"]);
    // A file changed since it was read is refused: nothing overwritten.
    let theirs = fake.push("spec/t", &[("specs/t/decisions/a.md", "theirs\n")], "theirs");
    let stale =
        forge.commit_files("spec/t", &Head::At(head), &[file("specs/t/decisions/a.md", "mine\n")], "late").await;
    assert!(matches!(&stale, Err(ForgeError::Moved { actual, .. }) if *actual == theirs), "{stale:?}");
    assert_eq!(forge.permission("nobody", None).await.unwrap(), Permission::None);
    let dana = fake.add_member("dana", 30);
    assert!(forge.permission("dana", Some(dana)).await.unwrap().can_write());
    let rita = fake.add_member("rita", 20);
    assert_eq!(forge.permission("rita", Some(rita)).await.unwrap(), Permission::Read);
    assert_eq!(fake.violations(), Vec::<String>::new());
}
