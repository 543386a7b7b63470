//! Every recorded payload in `tests/fixtures/webhooks/` parses into its variant, and the
//! extractor refuses what GitLab did not send before reading a byte of the payload.

use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use gitlab_app::{Event, GitLabWebhook, WebhookVerifier};
use std::path::Path;
use tower::ServiceExt;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/webhooks").join(name)).unwrap()
}

#[test]
fn every_recorded_payload_parses_into_its_variant() {
    let kinds = [
        ("note_issue.json", "note"),
        ("note_merge_request.json", "note"),
        ("note_commit.json", "note"),
        ("merge_request.json", "merge_request"),
        ("issue.json", "issue"),
        ("push.json", "push"),
        ("pipeline.json", "other"),
        ("tag_push.json", "other"),
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/webhooks");
    let on_disk =
        std::fs::read_dir(dir).unwrap().filter(|e| e.as_ref().unwrap().path().extension() == Some("json".as_ref()));
    assert_eq!(on_disk.count(), kinds.len(), "every fixture is listed here");
    for (file, kind) in kinds {
        let event = Event::parse(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let parsed = match &event {
            Event::Note(_) => "note",
            Event::MergeRequest(_) => "merge_request",
            Event::Issue(_) => "issue",
            Event::Push(_) => "push",
            Event::Other { .. } => "other",
        };
        assert_eq!(parsed, kind, "{file}");
    }
    let Event::Note(note) = Event::parse(&fixture("note_merge_request.json")).unwrap() else { unreachable!() };
    assert_eq!(note.object_attributes.noteable_type, "MergeRequest");
    assert_eq!(note.merge_request.as_ref().map(|m| m.iid), Some(1));
    assert_eq!(note.object_attributes.note, "This MR needs work.");
    assert_eq!(note.project.split(), ("gitlab-org", "gitlab-test"));
    let Event::Note(note) = Event::parse(&fixture("note_issue.json")).unwrap() else { unreachable!() };
    assert_eq!((note.issue.as_ref().map(|i| i.iid), note.user.username.as_str()), (Some(17), "user1"));
    let Event::MergeRequest(mr) = Event::parse(&fixture("merge_request.json")).unwrap() else { unreachable!() };
    let mr = mr.object_attributes;
    assert_eq!((mr.iid, mr.action.as_deref(), mr.source_branch.as_str()), (1, Some("open"), "ms-viewport"));
    let Event::Issue(issue) = Event::parse(&fixture("issue.json")).unwrap() else { unreachable!() };
    assert_eq!(issue.object_attributes.iid, 23);
}

#[test]
fn access_token_bots_are_recognised() {
    let user = |name: &str| gitlab_app::events::User { id: None, username: name.into(), name: None };
    assert!(user("project_42_bot_3f9a1c").is_bot());
    assert!(user("group_7_bot").is_bot());
    assert!(!user("project_manager").is_bot());
    assert!(!user("alice").is_bot());
}

#[derive(Clone)]
struct State(WebhookVerifier);

impl FromRef<State> for WebhookVerifier {
    fn from_ref(state: &State) -> WebhookVerifier {
        state.0.clone()
    }
}

async fn send(verifier: WebhookVerifier, headers: &[(&str, &str)], body: Vec<u8>) -> (StatusCode, String) {
    let app = Router::new()
        .route(
            "/hook",
            post(|hook: Result<GitLabWebhook, gitlab_app::Rejection>| async move {
                match hook {
                    Ok(hook) => (StatusCode::ACCEPTED, format!("{} {}", hook.delivery, hook.name)),
                    Err(rejection) => (rejection.status(), rejection.to_string()),
                }
            }),
        )
        .with_state(State(verifier));
    let mut request = Request::post("/hook");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app.oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_token_is_required_and_the_delivery_id_read() {
    let verifier = WebhookVerifier::new("s3cret,old", None).unwrap();
    let body = fixture("note_issue.json");
    let headers = [("x-gitlab-token", "old"), ("x-gitlab-event", "Note Hook"), ("idempotency-key", "0b1d6a2e-4b7f")];
    assert_eq!(
        send(verifier.clone(), &headers, body.clone()).await,
        (StatusCode::ACCEPTED, "0b1d6a2e-4b7f Note Hook".into())
    );
    let uuid_only = [("x-gitlab-token", "s3cret"), ("x-gitlab-event", "Note Hook"), ("x-gitlab-event-uuid", "e-1")];
    assert_eq!(send(verifier.clone(), &uuid_only, body.clone()).await.1, "e-1 Note Hook");
    let wrong = [("x-gitlab-token", "guess"), ("x-gitlab-event", "Note Hook"), ("idempotency-key", "k")];
    assert_eq!(send(verifier.clone(), &wrong, body.clone()).await.0, StatusCode::UNAUTHORIZED);
    let none = [("x-gitlab-event", "Note Hook"), ("idempotency-key", "k")];
    assert_eq!(send(verifier.clone(), &none, body.clone()).await.0, StatusCode::UNAUTHORIZED);
    let no_id = [("x-gitlab-token", "s3cret"), ("x-gitlab-event", "Note Hook")];
    assert_eq!(send(verifier.clone(), &no_id, body.clone()).await.0, StatusCode::BAD_REQUEST);
    let bad = [("x-gitlab-token", "s3cret"), ("x-gitlab-event", "Note Hook"), ("idempotency-key", "k")];
    assert_eq!(
        send(verifier.clone(), &bad, b"{\"object_kind\":\"note\"}".to_vec()).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let huge = vec![b' '; gitlab_app::ingress::MAX_BODY_BYTES + 1];
    assert_eq!(send(verifier, &bad, huge).await.0, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn signed_hooks_need_a_fresh_matching_signature() {
    let verifier = WebhookVerifier::new("s3cret", Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).unwrap();
    let body = fixture("merge_request.json");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let signature = verifier.sign("msg_1", now, &body).unwrap();
    let at = now.to_string();
    let signed = [
        ("x-gitlab-token", "s3cret"),
        ("x-gitlab-event", "Merge Request Hook"),
        ("webhook-id", "msg_1"),
        ("webhook-timestamp", at.as_str()),
        ("webhook-signature", signature.as_str()),
    ];
    assert_eq!(
        send(verifier.clone(), &signed, body.clone()).await,
        (StatusCode::ACCEPTED, "msg_1 Merge Request Hook".into())
    );
    let mut tampered = body.clone();
    tampered.push(b' ');
    assert_eq!(send(verifier.clone(), &signed, tampered).await.0, StatusCode::UNAUTHORIZED);
    let old_at = (now - 600).to_string();
    let old_signature = verifier.sign("msg_1", now - 600, &body).unwrap();
    let stale = [
        ("x-gitlab-token", "s3cret"),
        ("x-gitlab-event", "Merge Request Hook"),
        ("webhook-id", "msg_1"),
        ("webhook-timestamp", old_at.as_str()),
        ("webhook-signature", old_signature.as_str()),
    ];
    let (status, reason) = send(verifier.clone(), &stale, body.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(reason.contains("five minutes"), "{reason}");
    let unsigned = [("x-gitlab-token", "s3cret"), ("x-gitlab-event", "Merge Request Hook"), ("idempotency-key", "k")];
    assert_eq!(send(verifier, &unsigned, body).await.0, StatusCode::UNAUTHORIZED);
}
