//! The app's GitHub client (octocrab underneath) against the fake GitHub: App JWT to
//! installation token, comment upserts by hidden marker, long comments split, a token that
//! expires mid-run replaced once — and nothing sent that GitHub's API description forbids.

mod common;

use common::app;
use fake_github::{FakeGitHub, Fault, INSTALLATION_ID};
use github_app::{Annotation, CheckReport, IssueRef, Level};
use std::time::{Duration, Instant};

fn posts(fake: &FakeGitHub) -> usize {
    fake.state.lock().unwrap().requests.iter().filter(|(m, p)| m == "POST" && p.ends_with("/comments")).count()
}

fn issue(number: u64) -> IssueRef {
    IssueRef { owner: "octo".into(), repo: "tracker".into(), number }
}

#[tokio::test]
async fn ensure_comment_creates_once_then_edits_in_place() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    fake.add_comment(12, "dana", "/spec new tracker");
    // Someone quoting a marker-like text is not our comment: its topic differs.
    fake.add_comment(12, "eve", "<!-- specbuilder:topic=other -->");

    let first =
        github.ensure_comment(INSTALLATION_ID, &issue(12), "q/auth.signup", "Who can sign up?", None).await.unwrap();
    let again = github
        .ensure_comment(INSTALLATION_ID, &issue(12), "q/auth.signup", "Who can sign up? (edited)", None)
        .await
        .unwrap();
    assert_eq!(first, again, "the same topic edits the same comment");
    let ours: Vec<_> = fake.comments(12).into_iter().filter(|c| c.login == "specbuilder[bot]").collect();
    assert_eq!(ours.len(), 1);
    assert!(ours[0].body.starts_with("Who can sign up? (edited)\n\n<!-- specbuilder:topic=q/auth.signup -->"));
    assert_eq!(fake.comments(12).len(), 3, "other people's comments are untouched");

    let state = fake.state.lock().unwrap();
    assert_eq!(state.tokens_minted, 1, "the installation token is cached between calls");
    assert_eq!(state.violations, Vec::<String>::new());
}

#[tokio::test]
async fn a_comment_over_githubs_limit_is_split_and_each_part_upserted() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    let line = format!("{}\n", "x".repeat(99));
    let body = line.repeat(1_500); // 150,000 characters
    let ids = github.ensure_comment(INSTALLATION_ID, &issue(3), "status", &body, None).await.unwrap();
    assert_eq!(ids.len(), 3);
    let comments = fake.comments(3);
    assert!(comments.iter().all(|c| c.body.chars().count() <= github_app::client::COMMENT_LIMIT));
    let joined: String = comments.iter().map(|c| c.body.split("\n\n<!-- ").next().unwrap()).collect();
    assert_eq!(joined, body.trim_end_matches('\n').to_owned() + "\n", "nothing is lost between parts");
    let again = github.ensure_comment(INSTALLATION_ID, &issue(3), "status", &body, None).await.unwrap();
    assert_eq!(ids, again);
    assert_eq!(fake.comments(3).len(), 3);
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_token_that_expires_mid_run_is_replaced_once_and_the_call_succeeds() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    github.ensure_comment(INSTALLATION_ID, &issue(5), "q/one", "First", None).await.unwrap();
    fake.expire_tokens();
    github.ensure_comment(INSTALLATION_ID, &issue(5), "q/two", "Second", None).await.unwrap();
    let state = fake.state.lock().unwrap();
    assert_eq!(state.tokens_minted, 2, "one new token after the 401");
    assert_eq!(state.comments.iter().filter(|c| c.issue == 5).count(), 2, "nothing posted twice");
    assert_eq!(state.violations, Vec::<String>::new());
}

#[tokio::test]
async fn the_contract_catches_a_request_github_would_refuse() {
    let fake = FakeGitHub::start().await;
    let client =
        reqwest_free_post(&fake.url, "/repos/octo/tracker/issues/1/comments?sort=up", r#"{"text":"no body field"}"#)
            .await;
    // No token: GitHub refuses it, and the contract still records what was wrong with it.
    assert!(client.starts_with("HTTP/1.1 401"), "{client}");
    let violations = fake.violations();
    assert!(violations.iter().any(|v| v.contains("`sort` is not declared")), "{violations:?}");
}

/// A raw HTTP request, to send what octocrab never would.
async fn reqwest_free_post(base: &str, path: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn a_secondary_rate_limit_is_waited_out_and_the_comment_posted_once() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    let message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
    fake.fail_next(Fault { method: "POST", status: 403, headers: vec![("retry-after", "1".into())], message });
    let started = Instant::now();
    github.ensure_comment(INSTALLATION_ID, &issue(8), "q/x", "Hello", None).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After was honoured: {:?}", started.elapsed());
    assert_eq!(posts(&fake), 2, "refused once, then sent again");
    assert_eq!(fake.comments(8).len(), 1, "posted once");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn an_exhausted_quota_waits_until_the_reset() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    let reset = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 1;
    let headers = vec![("x-ratelimit-remaining", "0".into()), ("x-ratelimit-reset", reset.to_string())];
    github.bot_login().await.unwrap(); // learned once; the next read is the comment listing
    fake.fail_next(Fault { method: "GET", status: 429, headers, message: "API rate limit exceeded" });
    let started = Instant::now();
    github.ensure_comment(INSTALLATION_ID, &issue(9), "q/y", "Hi", None).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900), "waited for the reset: {:?}", started.elapsed());
    let listings = (fake.state.lock().unwrap().requests.iter())
        .filter(|(m, p)| m == "GET" && p.ends_with("/issues/9/comments"))
        .count();
    assert_eq!(listings, 2, "the refused read, then the same read after the reset");
    assert_eq!(fake.comments(9).len(), 1, "posted once");
}

#[tokio::test]
async fn a_server_error_is_retried_for_reads_but_never_for_writes() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    fake.fail_next(Fault { method: "GET", status: 502, headers: vec![], message: "Server Error" });
    github.ensure_comment(INSTALLATION_ID, &issue(4), "q/read", "Listed after a retry", None).await.unwrap();
    assert_eq!(fake.comments(4).len(), 1);

    fake.fail_next(Fault { method: "POST", status: 502, headers: vec![], message: "Server Error" });
    let error = github.ensure_comment(INSTALLATION_ID, &issue(6), "q/write", "Maybe posted", None).await.unwrap_err();
    assert!(error.to_string().contains("Server Error") || format!("{error:?}").contains("502"), "{error:?}");
    assert_eq!(posts(&fake), 2, "the failed create was not sent again: its outcome is unknown");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_check_run_with_120_annotations_arrives_complete_in_batches_of_50() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    let annotations: Vec<Annotation> = (1..=120)
        .map(|i| Annotation {
            path: format!("specs/app/decisions/q{i}.md"),
            start_line: i,
            end_line: i,
            annotation_level: if i % 2 == 0 { Level::Failure } else { Level::Warning },
            message: format!("finding {i}"),
            title: Some("SB202 rule-violation".into()),
        })
        .collect();
    let report = CheckReport {
        name: "Spec Builder".into(),
        head_sha: "a".repeat(40),
        conclusion: "failure",
        title: "60 errors, 60 warnings".into(),
        summary: "Contradictions found.".into(),
        annotations,
    };
    let id = github.publish_check_run(INSTALLATION_ID, "octo", "tracker", &report).await.unwrap();
    let state = fake.state.lock().unwrap();
    let run = state.check_runs.iter().find(|r| r.id == id).unwrap();
    assert_eq!(run.name, "Spec Builder");
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    let lines: Vec<u64> = run.annotations.iter().map(|a| a["start_line"].as_u64().unwrap()).collect();
    assert_eq!(lines, (1..=120).collect::<Vec<_>>(), "every annotation, in order, none twice");
    let requests: Vec<&str> =
        state.requests.iter().filter(|(_, p)| p.contains("check-runs")).map(|(m, _)| m.as_str()).collect();
    assert_eq!(requests, ["POST", "PATCH", "PATCH"]);
    assert_eq!(state.violations, Vec::<String>::new());
}

#[tokio::test]
async fn a_users_role_on_the_repository_is_read_from_github() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    fake.state.lock().unwrap().roles.insert("dana".into(), "maintain".into());
    assert_eq!(github.permission(INSTALLATION_ID, "octo", "tracker", "dana").await.unwrap(), "maintain");
    assert_eq!(github.permission(INSTALLATION_ID, "octo", "tracker", "eve").await.unwrap(), "read");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_wait_longer_than_the_policy_is_handed_back_to_schedule() {
    let fake = FakeGitHub::start().await;
    let github = app(&fake);
    let message = "You have exceeded a secondary rate limit.";
    fake.fail_next(Fault { method: "GET", status: 403, headers: vec![("retry-after", "3600".into())], message });
    let started = Instant::now();
    let error = github.ensure_comment(INSTALLATION_ID, &issue(10), "q/z", "Later", None).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "it did not sleep for an hour");
    match error {
        github_app::ClientError::RateLimited { wait, .. } => assert_eq!(wait, Duration::from_secs(3600)),
        other => panic!("expected a rate limit to schedule, got {other:?}"),
    }
    assert!(fake.comments(10).is_empty());
}
