//! The same hot paths on GitLab: Note Hooks in (token checked in constant time, stored,
//! queued), and an answer's note to its commit and the next question on the fake GitLab, which
//! the real `gitlab` client reaches under a sub-path.

use super::*;
use fake_gitlab::{BOT_USERNAME, FakeGitLab, PROJECT_ID, PROJECT_PATH};
use gitlab_app::{ClientConfig, GitLab, WebhookVerifier};
use specbuilder::forge::Hosts;

const TOKEN: &str = "bench gitlab token";

fn gitlab_state(pool: PgPool) -> AppState {
    AppState {
        pool,
        secrets: None,
        gitlab: Some(WebhookVerifier::new(TOKEN, None).unwrap()),
        metrics: Arc::default(),
        wake: Arc::default(),
        per_ip: specbuilder::service::http::PerIp::per_minute(u32::MAX),
        workers: Arc::default(),
    }
}

/// GitLab's documented Note Hook, made into `username` (`user_id`) writing `body` on issue
/// `iid` of the fake's project.
fn note(username: &str, user_id: u64, iid: u64, note_id: u64, body: &str) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/gitlab-app/tests/fixtures/webhooks/note_issue.json");
    let mut payload: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    payload["project"] = json!({ "id": PROJECT_ID, "name": "tracker", "path_with_namespace": PROJECT_PATH,
                                 "web_url": format!("https://gitlab.example.com/{PROJECT_PATH}"), "default_branch": "main" });
    payload["user"] = json!({ "id": user_id, "username": username, "name": username });
    payload["object_attributes"]["id"] = json!(note_id);
    payload["object_attributes"]["note"] = json!(body);
    payload["issue"]["iid"] = json!(iid);
    payload
}

pub async fn ingest(deliveries: usize, connections: usize) -> (f64, Duration, Duration) {
    let state = gitlab_state(database("gitlab_ingest").await);
    let requests: Vec<Delivery> = (0..deliveries)
        .map(|i| {
            let body = note("dana", 7, 12, i as u64, "/spec status").to_string();
            let headers = vec![
                ("x-gitlab-token", TOKEN.to_owned()),
                ("x-gitlab-event", "Note Hook".to_owned()),
                ("idempotency-key", format!("bench-{i}")),
            ];
            (headers, body)
        })
        .collect();
    let measured = hammer(&state, "/webhooks/gitlab", requests, connections).await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs").fetch_one(&state.pool).await.unwrap();
    assert_eq!(stored as usize, deliveries, "every delivery queued its job");
    measured
}

/// From an answer's Note Hook (through the router) to its commit and the next question posted
/// on the fake GitLab, over `answers` answers that each commit (asserted).
pub async fn answer_to_question(answers: usize) -> (Duration, Duration, usize) {
    let fake = FakeGitLab::start().await;
    let dana = fake.add_member("dana", 30);
    let client = GitLab::connect(&ClientConfig::new(&fake.url, fake_gitlab::TOKEN)).await.unwrap();
    let pool = database("gitlab_answer").await;
    let state = gitlab_state(pool.clone());
    let bot = Bot::new(pool.clone(), Hosts { github: None, gitlab: Some(Arc::new(client)) });
    let queue = Queue::new(pool, "bench");
    let mut n = 0u64;
    let mut say = async |iid: u64, body: &str| {
        n += 1;
        let id = fake.add_note(("issues", iid), "dana", body);
        let payload = note("dana", dana, iid, id, body).to_string();
        let request = Request::post("/webhooks/gitlab")
            .header("content-type", "application/json")
            .header("x-gitlab-token", TOKEN)
            .header("x-gitlab-event", "Note Hook")
            .header("idempotency-key", format!("answer-{n}"))
            .body(Body::from(payload))
            .unwrap();
        let started = Instant::now();
        let response = router(state.clone()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), 202);
        while worker::run_one(&bot, &queue, &state).await.unwrap() {}
        started.elapsed()
    };
    let mut latencies = Vec::new();
    for project in 0u64.. {
        if latencies.len() >= answers {
            break;
        }
        let (iid, branch) = (100 + project, format!("spec/tracker-{project}"));
        say(iid, &format!("/spec new tracker-{project} saas-web thorough")).await;
        while latencies.len() < answers {
            let notes = fake.notes(("issues", iid));
            let last =
                notes.iter().rev().find(|n| n.author == BOT_USERNAME).map(|n| n.body.clone()).unwrap_or_default();
            if last.contains("is decided") {
                break;
            }
            let before = fake.head(&branch);
            latencies.push(say(iid, &replies::recommended(&last)).await);
            assert_ne!(fake.head(&branch), before, "every sample is an answer that commits: {last}");
        }
    }
    assert_eq!(fake.violations(), Vec::<String>::new());
    let samples = latencies.len();
    latencies.sort();
    (percentile(&latencies, 0.5), percentile(&latencies, 0.99), samples)
}
