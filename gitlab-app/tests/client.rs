//! The client against the fake GitLab, under a sub-path, through the real `gitlab` crate:
//! every request it sends is one GitLab's description has, and each behaviour a bot relies on
//! holds — reads, commits that never lose anyone's work, notes, statuses, roles, rate limits.

use fake_gitlab::{BOT_USERNAME, FakeGitLab, Fault, PROJECT_ID, TOKEN};
use gitlab_app::client::{ClientError, DiffPlace, FileChange, Noteable, Start, Status};
use gitlab_app::{ClientConfig, GitLab};

async fn connect(fake: &FakeGitLab) -> GitLab {
    let config = ClientConfig::new(&fake.url, TOKEN);
    let mut client = GitLab::connect(&config).await.unwrap();
    client.backoff = std::time::Duration::from_millis(5);
    client
}

fn write(path: &str, text: &str) -> FileChange {
    FileChange { path: path.into(), content: Some(text.as_bytes().to_vec()) }
}

#[tokio::test]
async fn it_connects_under_a_sub_path_and_learns_who_it_is() {
    let fake = FakeGitLab::start().await;
    assert!(fake.url.ends_with("/gitlab"), "{}", fake.url);
    let client = connect(&fake).await;
    assert_eq!(client.user.username, BOT_USERNAME);
    let wrong = ClientConfig { token: "nope".into(), ..ClientConfig::new(&fake.url, "") };
    assert!(GitLab::connect(&wrong).await.is_err(), "a wrong token fails at start, not at the first answer");
    let bad = ClientConfig { url: "gitlab.example.com".into(), ..wrong };
    assert!(matches!(GitLab::connect(&bad).await, Err(ClientError::BadUrl(_))));
    assert!(fake.requests().iter().all(|r| r.contains("/gitlab/api/v4/")), "{:?}", fake.requests());
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn files_trees_and_commits_read_back_and_a_stale_edit_is_refused() {
    let fake = FakeGitLab::start().await;
    let client = connect(&fake).await;
    let main = client.branch_head(PROJECT_ID, "main").await.unwrap().unwrap();
    assert_eq!(client.branch_head(PROJECT_ID, "nope").await.unwrap(), None);

    // A new branch with two files, one commit.
    let files = [write("specs/t/project.md", "# T\n"), write("specs/t/decisions/a b.md", "A\n")];
    let made = client.commit(PROJECT_ID, "spec/t", &Start::NewFrom(main.clone()), &files, "start").await.unwrap();
    assert_eq!((made.parent.as_deref(), made.moved), (Some(main.as_str()), false));
    assert_eq!(fake.head("spec/t").as_deref(), Some(made.id.as_str()));
    let read = client.read_file(PROJECT_ID, "specs/t/decisions/a b.md", "spec/t").await.unwrap();
    assert_eq!(read.as_deref(), Some(&b"A\n"[..]));
    assert_eq!(client.read_file(PROJECT_ID, "specs/t/none.md", "spec/t").await.unwrap(), None);

    // Starting a branch that exists is refused: nothing is overwritten.
    let again = client.commit(PROJECT_ID, "spec/t", &Start::NewFrom(main.clone()), &files, "again").await;
    assert!(matches!(again, Err(ClientError::Conflict(_))), "{again:?}");

    // An update on the head we read.
    let next = [write("specs/t/project.md", "# T2\n")];
    let second = client.commit(PROJECT_ID, "spec/t", &Start::At(made.id.clone()), &next, "edit").await.unwrap();
    assert!(!second.moved);

    // Someone edits the same file after we read: our edit of it is refused, theirs stays.
    let theirs = fake.push("spec/t", &[("specs/t/project.md", "# theirs\n")], "theirs");
    let stale = [write("specs/t/project.md", "# mine\n")];
    let refused = client.commit(PROJECT_ID, "spec/t", &Start::At(second.id.clone()), &stale, "mine").await;
    assert!(matches!(refused, Err(ClientError::Conflict(_))), "{refused:?}");
    assert_eq!(fake.head("spec/t").as_deref(), Some(theirs.as_str()));

    // Someone commits another file between our read and our commit: both commits stay, and the
    // client says the branch moved.
    fake.move_before_next_commit("spec/t", &[("specs/t/other.md", "other\n")]);
    let over = [write("specs/t/decisions/c.md", "C\n")];
    let landed = client.commit(PROJECT_ID, "spec/t", &Start::At(theirs.clone()), &over, "mine").await.unwrap();
    assert!(landed.moved, "{landed:?}");
    let log = fake.log("spec/t");
    assert_eq!(&log[..2], ["mine", "Someone else's commit"]);
    let files: Vec<String> = fake.files("spec/t").into_iter().map(|(p, _)| p).collect();
    assert!(files.contains(&"specs/t/other.md".into()) && files.contains(&"specs/t/decisions/c.md".into()));

    // The tree, across keyset pages (the crate follows `Link` under the sub-path).
    let many: Vec<FileChange> = (0..45).map(|i| write(&format!("specs/t/many/{i:02}.md"), "x\n")).collect();
    let head = fake.head("spec/t").unwrap();
    client.commit(PROJECT_ID, "spec/t", &Start::At(head), &many, "many").await.unwrap();
    let tree = client.tree(PROJECT_ID, "specs/t", "spec/t", 1000).await.unwrap();
    assert_eq!(tree.iter().filter(|e| e.path.starts_with("specs/t/many/")).count(), 45);
    assert!(tree.iter().all(|e| e.kind == "blob"));
    let capped = client.tree(PROJECT_ID, "specs/t", "spec/t", 10).await.unwrap();
    assert_eq!(capped.len(), 11, "one more than asked says there are too many");
    assert!(fake.requests().iter().filter(|r| r.contains("/repository/tree")).count() > 1, "paged");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn notes_merge_requests_statuses_discussions_and_roles() {
    let fake = FakeGitLab::start().await;
    let client = connect(&fake).await;
    let main = client.branch_head(PROJECT_ID, "main").await.unwrap().unwrap();
    let spec = [write("specs/t/project.md", "one\ntwo\nthree\n")];
    client.commit(PROJECT_ID, "spec/t", &Start::NewFrom(main), &spec, "start").await.unwrap();

    let issue = Noteable::Issue(3);
    let id = client.create_note(PROJECT_ID, issue, "Which plan?").await.unwrap();
    client.edit_note(PROJECT_ID, issue, id, "Which plan? (edited)").await.unwrap();
    fake.add_note(("issues", 3), "dana", "2");
    let notes = client.notes(PROJECT_ID, issue).await.unwrap();
    let said: Vec<(&str, &str)> = notes.iter().map(|n| (n.author.username.as_str(), n.body.as_str())).collect();
    assert_eq!(said, [(BOT_USERNAME, "Which plan? (edited)"), ("dana", "2")]);
    client.delete_note(PROJECT_ID, issue, id).await.unwrap();
    client.delete_note(PROJECT_ID, issue, id).await.unwrap(); // gone already: done
    assert_eq!(fake.notes(("issues", 3)).len(), 1);
    assert!(matches!(client.edit_note(PROJECT_ID, issue, id, "x").await, Err(ClientError::NotFound)));

    let mr = client.create_merge_request(PROJECT_ID, "spec/t", "main", "Spec: t", "from #3").await.unwrap();
    assert!(mr.web_url.contains("/gitlab/acme/tracker/-/merge_requests/1"), "{}", mr.web_url);
    let twice = client.create_merge_request(PROJECT_ID, "spec/t", "main", "Spec: t", "").await;
    assert!(twice.is_err(), "one open merge request per branch");
    let read = client.merge_request(PROJECT_ID, mr.iid).await.unwrap();
    let head = read.sha.clone().unwrap();
    assert_eq!(read.diff_refs.as_ref().and_then(|d| d.head_sha.clone()), Some(head.clone()));
    client.create_note(PROJECT_ID, Noteable::MergeRequest(mr.iid), "review").await.unwrap();
    assert_eq!(fake.notes(("merge_requests", 1)).len(), 1);

    // The status on the ref, then again with the same state ("Cannot transition"): done, once.
    let status = Status {
        sha: &head,
        name: "Spec Builder",
        passed: true,
        description: "0 errors",
        pipeline: None,
        reference: Some("spec/t"),
    };
    client.set_status(PROJECT_ID, &status).await.unwrap();
    client.set_status(PROJECT_ID, &status).await.unwrap();
    fake.set_pipeline(mr.iid, 77);
    let pipeline = client.merge_request(PROJECT_ID, mr.iid).await.unwrap().head_pipeline.map(|p| p.id);
    let failed = Status { passed: false, pipeline, ..status };
    client.set_status(PROJECT_ID, &failed).await.unwrap();
    let states: Vec<(String, Option<u64>)> = fake.statuses().into_iter().map(|s| (s.state, s.pipeline)).collect();
    assert_eq!(states, [("success".into(), None), ("failed".into(), Some(77))]);

    let refs = read.diff_refs.unwrap();
    let (base, start) = (refs.base_sha.unwrap(), refs.start_sha.unwrap());
    let place = DiffPlace { base_sha: &base, start_sha: &start, head_sha: &head, path: "specs/t/project.md", line: 2 };
    client.diff_discussion(PROJECT_ID, mr.iid, &place, "SB201 here").await.unwrap();
    let off_diff = DiffPlace { line: 99, ..place };
    assert!(client.diff_discussion(PROJECT_ID, mr.iid, &off_diff, "nowhere").await.is_err());
    assert_eq!(fake.discussions()[0].position["new_line"], 2);

    let reporter = fake.add_member("rita", 20);
    let developer = fake.add_member("dana", 30);
    assert_eq!(client.access_level(PROJECT_ID, reporter).await.unwrap(), 20);
    assert_eq!(client.access_level(PROJECT_ID, developer).await.unwrap(), 30);
    assert_eq!(client.access_level(PROJECT_ID, 123_456).await.unwrap(), 0, "a stranger has no access");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn rate_limits_are_handed_back_and_server_errors_retried_for_reads_only() {
    let fake = FakeGitLab::start().await;
    let client = connect(&fake).await;
    fake.fail_next(Fault::RateLimited { path: "repository/branches".into(), retry_after: 42 });
    match client.branch_head(PROJECT_ID, "main").await {
        Err(ClientError::RateLimited { wait }) => assert!((41..=43).contains(&wait.as_secs()), "{wait:?}"),
        other => panic!("{other:?}"),
    }
    fake.fail_next(Fault::Server { path: "repository/branches".into(), status: 502 });
    assert!(client.branch_head(PROJECT_ID, "main").await.unwrap().is_some(), "a read is tried again");
    let main = fake.head("main").unwrap();
    fake.fail_next(Fault::Server { path: "repository/commits".into(), status: 500 });
    let write_once = client.commit(PROJECT_ID, "spec/x", &Start::NewFrom(main), &[write("a.md", "a")], "x").await;
    assert!(write_once.is_err(), "a write is never repeated blindly");
    assert_eq!(fake.head("spec/x"), None);
    let commits = fake.requests().iter().filter(|r| r.starts_with("POST") && r.contains("repository/commits")).count();
    assert_eq!(commits, 1);
}
