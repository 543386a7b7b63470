//! Every recorded payload in `tests/fixtures/webhooks/` (from `@octokit/webhooks-examples`)
//! parses into its typed event, and the endpoint's extractor refuses what it must, through a
//! real axum router.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use github_app::{Event, Webhook, WebhookSecrets};
use std::path::Path;
use tower::ServiceExt;

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/webhooks");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(p).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn every_recorded_payload_parses_into_its_event() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 100, "{} fixtures", fixtures.len());
    for (file, body) in &fixtures {
        let name = file.split('.').next().unwrap();
        let event = Event::parse(name, body).unwrap_or_else(|e| panic!("{file}: {e}"));
        let action = file.split('.').nth(1).unwrap();
        let matches = match (&event, name) {
            (Event::IssueComment(e), _) => e.action == action && !e.repository.full_name.is_empty(),
            (Event::Issues(e), _) => e.action == action && e.issue.number > 0,
            (Event::PullRequest(e), _) => e.action == action && e.number == e.pull_request.number,
            (Event::PullRequestReview(e), _) => e.action == action,
            (Event::PullRequestReviewComment(e), _) => e.action == action,
            (Event::CheckRun(e), _) => e.action == action && e.check_run.head_sha.len() == 40,
            (Event::CheckSuite(e), _) => e.action == action,
            (Event::Installation(e), _) => e.action == action && e.installation.id > 0,
            (Event::InstallationRepositories(e), _) => e.action == action,
            (Event::Push(e), _) => e.git_ref.starts_with("refs/") && e.after.len() == 40,
            (Event::Ping(e), _) => e.zen.is_some(),
            (Event::Other { .. }, _) => false,
        };
        assert!(matches, "{file} parsed as {event:?}");
    }
}

#[test]
fn bots_are_recognised_and_installations_found() {
    let body = br#"{"action":"created","issue":{"number":1,"title":"t","user":{"login":"a","id":1}},
        "comment":{"id":9,"body":"/spec status","user":{"login":"specbuilder[bot]","id":2,"type":"Bot"}},
        "repository":{"id":3,"name":"r","full_name":"o/r","owner":{"login":"o","id":4}},
        "sender":{"login":"specbuilder[bot]","id":2,"type":"Bot"},"installation":{"id":77},"extra":{"new":"field"}}"#;
    let event = Event::parse("issue_comment", body).unwrap();
    assert!(event.sender_is_bot());
    assert_eq!(event.installation_id(), Some(77));
    assert!(matches!(Event::parse("deployment", b"{}").unwrap(), Event::Other { ref name } if name == "deployment"));
    assert!(Event::parse("issue_comment", b"{\"action\":1}").is_err());
}

fn app(secrets: &str) -> Router {
    async fn handler(webhook: Webhook) -> String {
        format!("{} {} {}", webhook.delivery, webhook.name, webhook.event.installation_id().unwrap_or(0))
    }
    Router::new().route("/webhooks/github", post(handler)).with_state(WebhookSecrets::from_list(secrets).unwrap())
}

async fn deliver(app: Router, body: Vec<u8>, signature: Option<String>, event: &str) -> (StatusCode, String) {
    let mut request = Request::post("/webhooks/github")
        .header("x-github-event", event)
        .header("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
        .header("content-type", "application/json");
    if let Some(signature) = signature {
        request = request.header("x-hub-signature-256", signature);
    }
    let response = app.oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_endpoint_accepts_signed_deliveries_and_refuses_the_rest() {
    let (_, body) = fixtures().into_iter().find(|(f, _)| f.starts_with("pull_request.opened")).unwrap();
    let signed = |secret: &str, body: &[u8]| Some(WebhookSecrets::from_list(secret).unwrap().sign(body));

    let (status, text) = deliver(app("s3cret"), body.clone(), signed("s3cret", &body), "pull_request").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.starts_with("72d3162e-cc78-11e3-81ab-4c9367dc0958 pull_request"), "{text}");

    // Rotation: the old secret still verifies while both are configured.
    let (status, _) = deliver(app("new,s3cret"), body.clone(), signed("s3cret", &body), "pull_request").await;
    assert_eq!(status, StatusCode::OK);

    let (status, text) = deliver(app("s3cret"), body.clone(), signed("forged", &body), "pull_request").await;
    assert_eq!((status, text.trim()), (StatusCode::UNAUTHORIZED, "X-Hub-Signature-256 does not match the body"));
    let (status, text) = deliver(app("s3cret"), body.clone(), None, "pull_request").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("not signed"), "{text}");

    // A body changed after signing fails, even by one byte.
    let mut tampered = body.clone();
    tampered.push(b' ');
    let (status, _) = deliver(app("s3cret"), tampered, signed("s3cret", &body), "pull_request").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Signed but not the payload the header says: a reason, not a panic.
    let junk = b"{\"zen\": 1}".to_vec();
    let (status, text) = deliver(app("s3cret"), junk.clone(), signed("s3cret", &junk), "issue_comment").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("`issue_comment` payload does not parse"), "{text}");
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read_whole() {
    let big = vec![b' '; github_app::MAX_BODY_BYTES + 1];
    let signature = Some(WebhookSecrets::from_list("s3cret").unwrap().sign(&big));
    let (status, text) = deliver(app("s3cret"), big, signature, "push").await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
}

#[test]
fn the_app_manifest_asks_for_least_privilege() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("app.yml")).unwrap();
    let manifest: serde_json::Value = yaml_serde::from_str(&text).unwrap();
    let permissions = manifest["default_permissions"].as_object().unwrap();
    let mut granted: Vec<(&str, &str)> = permissions.iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap())).collect();
    granted.sort();
    assert_eq!(
        granted,
        [
            ("checks", "write"),
            ("contents", "write"),
            ("issues", "write"),
            ("metadata", "read"),
            ("pull_requests", "write")
        ]
    );
    let events: Vec<&str> =
        manifest["default_events"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    for event in events.iter() {
        assert!(!matches!(Event::parse(event, b"{}"), Ok(Event::Other { .. })), "{event} has no typed event");
    }
    assert!(manifest["hook_attributes"]["url"].as_str().unwrap().ends_with("/webhooks/github"));
}
