//! Repository content through the git data and contents APIs, against the fake GitHub whose
//! repository is a real bare git repository: commits land whole with the right tree, a branch
//! moved by someone else is a conflict rather than an overwrite, and nothing the client sends
//! breaks GitHub's API description.

mod common;

use common::app;
use fake_github::{APP_ID, FakeGitHub, Fault, INSTALLATION_ID};
use github_app::{ClientError, FileChange, Head, PullRequestDraft, RepoRef};

fn repo() -> RepoRef {
    RepoRef::new("octo", "tracker")
}

fn file(path: &str, content: &str) -> FileChange {
    FileChange { path: path.into(), content: Some(content.as_bytes().to_vec()) }
}

fn count(fake: &FakeGitHub, method: &str, suffix: &str) -> usize {
    let state = fake.state.lock().unwrap();
    state.requests.iter().filter(|(m, p)| m == method && p.ends_with(suffix)).count()
}

#[tokio::test]
async fn a_three_file_commit_lands_atomically_with_the_right_tree() {
    let fake = FakeGitHub::start().await;
    fake.push("main", &[("specs/tracker/project.md", "old\n"), ("docs/keep.md", "kept\n")], "Seed");
    let github = app(&fake);
    let head = github.branch_head(INSTALLATION_ID, &repo(), "main").await.unwrap().unwrap();
    let files = [
        file("specs/tracker/decisions/auth.signup.md", "---\nkey: auth.signup\n---\n"),
        file("specs/tracker/project.md", "new\n"),
        FileChange { path: "docs/keep.md".into(), content: None },
    ];
    let commit = github
        .commit_files(INSTALLATION_ID, &repo(), "main", &Head::At(head.clone()), &files, "Answer auth.signup")
        .await
        .unwrap();

    assert_eq!(fake.head("main"), Some(commit.clone()), "the branch moved to the new commit");
    let tree = fake.files("main");
    let expected = [
        ("README.md", "# Tracker\n"),
        ("specs/tracker/decisions/auth.signup.md", "---\nkey: auth.signup\n---\n"),
        ("specs/tracker/project.md", "new\n"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect();
    assert_eq!(tree, expected, "added, replaced and deleted in one tree; the rest kept");
    assert_eq!((count(&fake, "POST", "/git/blobs"), count(&fake, "POST", "/git/trees")), (2, 1));
    assert_eq!((count(&fake, "POST", "/git/commits"), count(&fake, "PATCH", "/git/refs/heads/main")), (1, 1));

    // Read back through the contents API.
    let bytes = github.read_file(INSTALLATION_ID, &repo(), "specs/tracker/project.md", &commit).await.unwrap();
    assert_eq!(bytes.as_deref(), Some(&b"new\n"[..]));
    let old = github.read_file(INSTALLATION_ID, &repo(), "specs/tracker/project.md", &head).await.unwrap();
    assert_eq!(old.as_deref(), Some(&b"old\n"[..]), "older revisions stay readable");
    let listed = github.read_tree(INSTALLATION_ID, &repo(), "specs", "main", 1_000).await.unwrap();
    let paths: Vec<&str> = listed.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(paths, ["specs/tracker/decisions/auth.signup.md", "specs/tracker/project.md"]);
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_branch_moved_by_someone_else_is_a_conflict_not_an_overwrite() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    let read = github.branch_head(INSTALLATION_ID, &repo(), "main").await.unwrap().unwrap();
    let theirs = fake.push("main", &[("NOTES.md", "theirs\n")], "Someone else's commit");

    let error = github
        .commit_files(INSTALLATION_ID, &repo(), "main", &Head::At(read.clone()), &[file("ours.md", "x")], "Ours")
        .await
        .unwrap_err();
    match &error {
        ClientError::Moved { branch, expected, actual } => {
            assert_eq!(branch, "main");
            assert_eq!(expected, &read[..12]);
            assert_eq!(actual, &theirs[..12]);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert!(error.to_string().contains("nothing was overwritten"), "{error}");
    assert_eq!(fake.head("main"), Some(theirs), "their commit is still the head");
    assert!(fake.files("main").iter().all(|(path, _)| path != "ours.md"));
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_spec_branch_is_created_with_its_first_commit_once() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    let main = github.branch_head(INSTALLATION_ID, &repo(), "main").await.unwrap().unwrap();
    assert_eq!(github.branch_head(INSTALLATION_ID, &repo(), "spec/tracker").await.unwrap(), None);
    let start = Head::NewFrom(main.clone());
    let files = [file("specs/tracker/project.md", "# Tracker\n")];
    let first = github.commit_files(INSTALLATION_ID, &repo(), "spec/tracker", &start, &files, "Start").await.unwrap();
    assert_eq!(fake.head("spec/tracker"), Some(first));
    assert_eq!(fake.files("spec/tracker").len(), 2, "main's README plus the project");
    assert_eq!(fake.head("main"), Some(main.clone()), "main is untouched");

    // Another start (another worker, another project of the same name) finds the branch taken.
    let other = [file("specs/tracker/project.md", "# Someone else's tracker\n")];
    let again = github.commit_files(INSTALLATION_ID, &repo(), "spec/tracker", &start, &other, "Start").await;
    assert!(matches!(again, Err(ClientError::Moved { .. })), "{again:?}");
    assert!(matches!(
        github.create_branch(INSTALLATION_ID, &repo(), "spec/tracker", &main).await,
        Err(ClientError::Moved { .. })
    ));
    github.create_branch(INSTALLATION_ID, &repo(), "spec/other", &main).await.unwrap();
    assert_eq!(fake.head("spec/other"), Some(main));
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn git_objects_are_retried_after_a_5xx_but_the_ref_update_is_checked_not_resent() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    let head = github.branch_head(INSTALLATION_ID, &repo(), "main").await.unwrap().unwrap();
    fake.fail_next(Fault { method: "POST", status: 502, headers: vec![], message: "Server Error" });
    let files = [file("a.md", "a")];
    let commit = github.commit_files(INSTALLATION_ID, &repo(), "main", &Head::At(head), &files, "A").await.unwrap();
    assert_eq!(count(&fake, "POST", "/git/blobs"), 2, "the blob was made again: content-addressed, harmless");
    assert_eq!(fake.head("main"), Some(commit.clone()));

    fake.fail_next(Fault { method: "PATCH", status: 502, headers: vec![], message: "Server Error" });
    let error = github
        .commit_files(INSTALLATION_ID, &repo(), "main", &Head::At(commit.clone()), &[file("b.md", "b")], "B")
        .await
        .unwrap_err();
    assert!(format!("{error:?}").contains("502") || error.to_string().contains("Server Error"), "{error:?}");
    assert_eq!(count(&fake, "PATCH", "/git/refs/heads/main"), 2, "one update each, none resent blindly");
    assert_eq!(fake.head("main"), Some(commit), "the branch was read back: still where it was");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn files_and_directories_are_read_at_any_revision() {
    let fake = FakeGitHub::start().await;
    let binary: String = (0u8..=255).map(char::from).collect(); // wraps across several base64 lines
    fake.push("main", &[("specs/x/blob.txt", &binary)], "Binary-ish");
    let github = app(&fake);
    let read = github.read_file(INSTALLATION_ID, &repo(), "specs/x/blob.txt", "main").await.unwrap().unwrap();
    assert_eq!(String::from_utf8(read).unwrap(), binary);
    assert_eq!(github.read_file(INSTALLATION_ID, &repo(), "missing.md", "main").await.unwrap(), None);
    assert_eq!(github.read_file(INSTALLATION_ID, &repo(), "specs", "main").await.unwrap(), None, "a directory");
    let root = github.read_dir(INSTALLATION_ID, &repo(), "", "main").await.unwrap();
    let names: Vec<(&str, &str)> = root.iter().map(|e| (e.name.as_str(), e.kind.as_str())).collect();
    assert_eq!(names, [("README.md", "file"), ("specs", "dir")]);
    assert_eq!(github.read_dir(INSTALLATION_ID, &repo(), "nowhere", "main").await.unwrap(), vec![]);
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_pull_request_is_opened_once_for_a_spec_branch() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    let main = fake.head("main").unwrap();
    github.create_branch(INSTALLATION_ID, &repo(), "spec/tracker", &main).await.unwrap();
    let draft = PullRequestDraft {
        head: "spec/tracker".into(),
        base: "main".into(),
        title: "Spec: tracker".into(),
        body: "27 decisions, no findings.".into(),
    };
    let pull = github.open_pull_request(INSTALLATION_ID, &repo(), &draft).await.unwrap();
    assert_eq!((pull.number, pull.state.as_str(), pull.title.as_str()), (1, "open", "Spec: tracker"));
    assert!(pull.html_url.ends_with("/octo/tracker/pull/1"), "{}", pull.html_url);
    let again = github.open_pull_request(INSTALLATION_ID, &repo(), &draft).await.unwrap_err();
    assert!(format!("{again:?}").contains("already exists"), "{again:?}");
    assert_eq!(fake.state.lock().unwrap().pulls.len(), 1);
    assert_eq!(count(&fake, "POST", "/pulls"), 2, "a refused create is not retried");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn the_app_knows_itself_and_its_installations() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    let me = github.app_info().await.unwrap();
    assert_eq!((me.id, me.slug.as_deref()), (APP_ID, Some("specbuilder")));
    let installations = github.installations().await.unwrap();
    assert_eq!(installations.len(), 1);
    assert_eq!(installations[0].id, INSTALLATION_ID);
    assert_eq!(installations[0].account.as_ref().and_then(|a| a.login.as_deref()), Some("octo"));
    assert_eq!(fake.violations(), Vec::<String>::new());
}
