//! GitLab's webhooks at `POST /webhooks/gitlab`, on a real PostgreSQL: verified before anything
//! is stored, stored once, and queued as the same product events GitHub's become.

use super::*;
use gitlab_app::WebhookVerifier;

const TOKEN: &str = "gitlab-hook-token";
const SIGNING: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("gitlab-app/tests/fixtures/webhooks").join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

async fn state(verifier: WebhookVerifier) -> AppState {
    AppState {
        pool: database().await,
        secrets: None,
        gitlab: Some(verifier),
        metrics: Arc::default(),
        wake: Arc::default(),
        per_ip: None,
        workers: Arc::default(),
    }
}

async fn post(state: &AppState, headers: &[(&str, &str)], body: &str) -> (StatusCode, Value) {
    let mut request = Request::post("/webhooks/gitlab").header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router(state.clone()).oneshot(request.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn count(state: &AppState, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(&state.pool).await.unwrap()
}

#[tokio::test]
async fn a_note_is_stored_once_and_queued_as_a_comment_in_product_terms() {
    let state = state(WebhookVerifier::new(&format!("{TOKEN},retired"), None).unwrap()).await;
    let mut note = fixture("note_issue.json");
    note["object_attributes"]["note"] = json!("/spec new tracker");
    let body = note.to_string();
    let headers = [("x-gitlab-token", TOKEN), ("x-gitlab-event", "Note Hook"), ("idempotency-key", "9f1c-01")];
    let (status, answer) = post(&state, &headers, &body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let job: (String, String, Value) =
        sqlx::query_as("SELECT kind, project_key, payload FROM jobs WHERE delivery_id = 'gitlab:9f1c-01'")
            .fetch_one(&state.pool)
            .await
            .unwrap();
    assert_eq!((job.0.as_str(), job.1.as_str()), ("comment", "gitlab:gitlab-org/gitlab-test#17"));
    let comment = &job.2["product"];
    assert_eq!(comment["type"], "comment");
    assert_eq!(comment["thread"], json!({ "kind": "issue", "number": 17 }));
    assert_eq!(comment["body"], "/spec new tracker");
    assert_eq!((comment["actor"].as_str(), comment["edited"].as_bool()), (Some("user1"), Some(false)));
    assert_eq!(comment["repo"]["installation"], 5, "GitLab calls are made for the project id");

    // GitLab redelivers with the same key: acknowledged, nothing new.
    let (status, answer) = post(&state, &headers, &body).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(answer["status"].as_str().unwrap().starts_with("duplicate"), "{answer}");
    // The same key with another body is not the same delivery.
    let (status, _) = post(&state, &headers, &body.replace("tracker", "other")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!((count(&state, "deliveries").await, count(&state, "jobs").await), (1, 1));

    // A rotated-out token still in the list works; an edited note is an edit by whoever edited.
    note["object_attributes"]["action"] = json!("update");
    note["object_attributes"]["updated_at"] = json!("2026-12-02 10:00:00 UTC");
    let headers = [("x-gitlab-token", "retired"), ("x-gitlab-event", "Note Hook"), ("idempotency-key", "9f1c-02")];
    assert_eq!(post(&state, &headers, &note.to_string()).await.0, StatusCode::ACCEPTED);
    let edited: Value = sqlx::query_scalar("SELECT payload FROM jobs WHERE delivery_id = 'gitlab:9f1c-02'")
        .fetch_one(&state.pool)
        .await
        .unwrap();
    assert_eq!(edited["product"]["edited"], true);
}

#[tokio::test]
async fn merge_request_notes_and_events_become_change_request_events() {
    let state = state(WebhookVerifier::new(TOKEN, None).unwrap()).await;
    let send = |id: &'static str, event: &'static str, body: Value| {
        let state = state.clone();
        async move {
            let headers = [("x-gitlab-token", TOKEN), ("x-gitlab-event", event), ("idempotency-key", id)];
            assert_eq!(post(&state, &headers, &body.to_string()).await.0, StatusCode::ACCEPTED);
            sqlx::query_as::<_, (String, Value)>("SELECT kind, payload FROM jobs WHERE delivery_id = $1")
                .bind(format!("gitlab:{id}"))
                .fetch_optional(&state.pool)
                .await
                .unwrap()
        }
    };
    let (kind, job) = send("n1", "Note Hook", fixture("note_merge_request.json")).await.unwrap();
    assert_eq!(kind, "comment");
    assert_eq!(job["product"]["thread"], json!({ "kind": "change_request", "number": 1 }));
    assert_eq!(job["product"]["change_request"], 1);

    let (kind, job) = send("m1", "Merge Request Hook", fixture("merge_request.json")).await.unwrap();
    assert_eq!(kind, "check");
    let opened = &job["product"];
    assert_eq!((opened["change"].as_str(), opened["number"].as_u64()), (Some("opened"), Some(1)));
    assert_eq!(opened["head"], "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
    assert_eq!((opened["base"].as_str(), opened["head_branch"].as_str()), (Some("master"), Some("ms-viewport")));

    let mut merged = fixture("merge_request.json");
    merged["object_attributes"]["action"] = json!("merge");
    let (kind, job) = send("m2", "Merge Request Hook", merged).await.unwrap();
    assert_eq!((kind.as_str(), &job["product"]["change"]), ("close", &json!({ "closed": { "merged": true } })));

    // A title edit (an update without new commits), a system note, a note on a commit and the
    // bot's own note are stored and acted on never.
    let mut retitled = fixture("merge_request.json");
    retitled["object_attributes"]["action"] = json!("update");
    assert!(send("m3", "Merge Request Hook", retitled).await.is_none());
    let mut system = fixture("note_issue.json");
    system["object_attributes"]["system"] = json!(true);
    assert!(send("n2", "Note Hook", system).await.is_none());
    assert!(send("n3", "Note Hook", fixture("note_commit.json")).await.is_none());
    let mut own = fixture("note_issue.json");
    own["object_attributes"]["note"] = json!("Which plan?\n<!-- specbuilder:topic=question/x -->");
    own["object_attributes"]["id"] = json!(1301); // another note: not a replay of the first
    assert!(send("n4", "Note Hook", own).await.is_none());
    let mut token_bot = fixture("note_issue.json");
    token_bot["user"]["username"] = json!("project_5_bot_1a2b3c");
    token_bot["object_attributes"]["id"] = json!(1302);
    assert!(send("n5", "Note Hook", token_bot).await.is_none());
    assert_eq!(count(&state, "deliveries").await, 8, "every verified delivery is kept");
}

#[tokio::test]
async fn unsigned_forged_or_stale_deliveries_are_refused_with_nothing_stored() {
    let state = state(WebhookVerifier::new(TOKEN, Some(SIGNING)).unwrap()).await;
    let body = fixture("note_issue.json").to_string();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let signer = WebhookVerifier::new(TOKEN, Some(SIGNING)).unwrap();
    let sign = |at: u64, body: &str| signer.sign("msg_7", at, body.as_bytes()).unwrap();
    let at = now.to_string();
    let good = sign(now, &body);
    let headers = |token: &'static str, at: &str, signature: &str| {
        vec![
            ("x-gitlab-token".to_owned(), token.to_owned()),
            ("x-gitlab-event".to_owned(), "Note Hook".to_owned()),
            ("webhook-id".to_owned(), "msg_7".to_owned()),
            ("webhook-timestamp".to_owned(), at.to_owned()),
            ("webhook-signature".to_owned(), signature.to_owned()),
        ]
    };
    let refused = [
        headers("wrong-token", &at, &good),
        headers(TOKEN, &at, &sign(now, "{}")),
        headers(TOKEN, &(now - 301).to_string(), &sign(now - 301, &body)),
        vec![
            ("x-gitlab-token".into(), TOKEN.into()),
            ("x-gitlab-event".into(), "Note Hook".into()),
            ("idempotency-key".into(), "k".into()),
        ],
    ];
    for h in &refused {
        let pairs: Vec<(&str, &str)> = h.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(post(&state, &pairs, &body).await.0, StatusCode::UNAUTHORIZED, "{pairs:?}");
    }
    assert_eq!((count(&state, "deliveries").await, count(&state, "jobs").await), (0, 0));
    let owned = headers(TOKEN, &at, &good);
    let pairs: Vec<(&str, &str)> = owned.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(post(&state, &pairs, &body).await.0, StatusCode::ACCEPTED);
    let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM deliveries").fetch_all(&state.pool).await.unwrap();
    assert_eq!(stored, ["gitlab:msg_7"], "a signed delivery is known by its webhook-id");
}

#[tokio::test]
async fn a_service_without_gitlab_has_no_gitlab_route() {
    let mut state = state(WebhookVerifier::new(TOKEN, None).unwrap()).await;
    state.gitlab = None;
    state.secrets = Some(WebhookSecrets::from_list(SECRET).unwrap());
    let headers = [("x-gitlab-token", TOKEN), ("x-gitlab-event", "Note Hook"), ("idempotency-key", "k")];
    assert_eq!(post(&state, &headers, &fixture("note_issue.json").to_string()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(count(&state, "deliveries").await, 0);
}
