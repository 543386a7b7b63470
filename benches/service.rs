//! The service's hot paths on loopback with a real PostgreSQL (`DATABASE_URL`, else
//! 127.0.0.1:5432): webhook ingest (verify, store, enqueue, 202) under concurrent load, the
//! time from an answer's delivery to the next question posted on the fake GitHub, a pull
//! request's check, and its review comment after a push.
//!
//! Run with `cargo bench --bench service` (`-- --quick` for a smoke run). Prints a Markdown table.

use axum::body::Body;
use axum::http::Request;
use fake_github::{APP_ID, FakeGitHub, INSTALLATION_ID, TEST_APP_KEY};
use github_app::{AppConfig, GitHubApp, WebhookSecrets};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use specbuilder::service::bot::Bot;
use specbuilder::service::jobs::Queue;
use specbuilder::service::{AppState, db, router, worker};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

#[path = "../tests/service/replies.rs"]
mod replies;

#[path = "service/gitlab.rs"]
mod gitlab;

const SECRET: &str = "bench secret";

/// The service's state and bot against the fake GitHub, with the defaults `serve` uses.
fn service(fake: &FakeGitHub, pool: &PgPool) -> (AppState, Bot) {
    let config = AppConfig { api_url: fake.url.clone(), app_id: APP_ID, private_key_pem: TEST_APP_KEY.to_owned() };
    let state = AppState {
        pool: pool.clone(),
        secrets: Some(WebhookSecrets::from_list(SECRET).unwrap()),
        gitlab: None,
        metrics: Arc::default(),
        wake: Arc::default(),
        per_ip: None,
        workers: Arc::default(),
    };
    let bot = Bot::new(pool.clone(), Arc::new(GitHubApp::new(&config).unwrap()));
    (state, bot)
}

/// A fresh database for one part of the benchmark (left over ones of earlier runs are dropped).
async fn database(part: &str) -> PgPool {
    let admin_url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = PgPool::connect(&admin_url).await.expect("a PostgreSQL (set DATABASE_URL)");
    let name = format!("sb_bench_{part}");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    db::connect(&format!("{base}/{name}"), 16).await.unwrap()
}

fn comment(login: &str, body: &str, id: u64) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/github-app/tests/fixtures/webhooks/issue_comment.created.0.json");
    let mut payload: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let user = json!({ "login": login, "id": id, "type": "User" });
    payload["comment"]["body"] = json!(body);
    payload["comment"]["id"] = json!(id);
    payload["comment"]["user"] = user.clone();
    payload["sender"] = user;
    payload["issue"]["number"] = json!(12);
    payload["repository"]["name"] = json!("tracker");
    payload["repository"]["full_name"] = json!("octo/tracker");
    payload["repository"]["owner"] = json!({ "login": "octo", "id": 1, "type": "User" });
    payload["repository"]["default_branch"] = json!("main");
    payload["installation"] = json!({ "id": INSTALLATION_ID });
    payload
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Signed deliveries over HTTP/1.1 keep-alive from `connections` concurrent clients.
async fn ingest(deliveries: usize, connections: usize) -> (f64, Duration, Duration) {
    let pool = database("ingest").await;
    let state = AppState {
        pool,
        secrets: Some(WebhookSecrets::from_list(SECRET).unwrap()),
        gitlab: None,
        metrics: Arc::default(),
        wake: Arc::default(),
        // The limits are on, set above what one benchmarking client sends, so they cost what they cost.
        per_ip: specbuilder::service::http::PerIp::per_minute(u32::MAX),
        workers: Arc::default(),
    };
    let requests: Vec<Delivery> = (0..deliveries)
        .map(|i| {
            let body = comment("dana", "/spec status", i as u64).to_string();
            let signature = state.secrets.as_ref().unwrap().sign(body.as_bytes());
            let headers = vec![
                ("x-github-event", "issue_comment".to_owned()),
                ("x-github-delivery", format!("bench-{i}")),
                ("x-hub-signature-256", signature),
            ];
            (headers, body)
        })
        .collect();
    let measured = hammer(&state, "/webhooks/github", requests, connections).await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs").fetch_one(&state.pool).await.unwrap();
    assert_eq!(stored as usize, deliveries, "every delivery queued its job");
    measured
}

/// A request's headers and body.
type Delivery = (Vec<(&'static str, String)>, String);

/// Serves `state` on loopback and sends `requests` to `path` over HTTP/1.1 keep-alive from
/// `connections` concurrent clients, each answered 202 (asserted): deliveries per second, and
/// the p50 and p99 latencies.
async fn hammer(
    state: &AppState,
    path: &str,
    requests: Vec<Delivery>,
    connections: usize,
) -> (f64, Duration, Duration) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{path}", listener.local_addr().unwrap());
    let limits = specbuilder::service::http::Limits::default();
    tokio::spawn(specbuilder::service::http::serve(listener, router(state.clone()), limits, std::future::pending()));
    let total = requests.len();
    let requests = Arc::new(requests);
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<bytes::Bytes>>();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (client, requests, url) = (client.clone(), requests.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for i in (c..requests.len()).step_by(connections) {
                let (headers, body) = &requests[i];
                let mut request = hyper::Request::post(&url).header("content-type", "application/json");
                for (name, value) in headers {
                    request = request.header(*name, value);
                }
                let request = request.body(http_body_util::Full::new(bytes::Bytes::from(body.clone()))).unwrap();
                let sent = Instant::now();
                let response = client.request(request).await.unwrap();
                assert_eq!(response.status(), 202);
                response.into_body().collect().await.unwrap();
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    (total as f64 / elapsed.as_secs_f64(), percentile(&latencies, 0.5), percentile(&latencies, 0.99))
}

/// From an answer's delivery (signed, through the router) to its commit and the next question
/// posted, over `answers` answers that each commit (asserted): projects are started on new
/// issues until there are enough.
async fn answer_to_question(answers: usize) -> (Duration, Duration, usize) {
    let fake = FakeGitHub::start().await;
    fake.state.lock().unwrap().roles.insert("dana".into(), "write".into());
    let pool = database("answer").await;
    let (state, bot) = service(&fake, &pool);
    let queue = Queue::new(pool, "bench");
    let mut n = 0u64;
    let mut say = async |issue: u64, body: &str| {
        n += 1;
        let mut payload = comment("dana", body, 10_000 + n);
        payload["issue"]["number"] = json!(issue);
        let payload = payload.to_string();
        let request = Request::post("/webhooks/github")
            .header("x-github-event", "issue_comment")
            .header("x-github-delivery", format!("answer-{n}"))
            .header("x-hub-signature-256", state.secrets.as_ref().unwrap().sign(payload.as_bytes()))
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
        let (issue, branch) = (100 + project, format!("spec/tracker-{project}"));
        say(issue, &format!("/spec new tracker-{project} saas-web thorough")).await;
        while latencies.len() < answers {
            let last = fake.comments(issue).last().map(|c| c.body.clone()).unwrap_or_default();
            if last.contains("is decided") {
                break;
            }
            let before = fake.head(&branch);
            latencies.push(say(issue, &replies::recommended(&last)).await);
            assert_ne!(fake.head(&branch), before, "every sample is an answer that commits: {last}");
        }
    }
    let samples = latencies.len();
    latencies.sort();
    (percentile(&latencies, 0.5), percentile(&latencies, 0.99), samples)
}

/// A signed `pull_request` delivery (GitHub's recorded one, made into this pull request).
fn pull_request_delivery(
    state: &AppState,
    id: &str,
    action: &str,
    number: u64,
    head: (&str, &str),
    base: &str,
) -> Request<Body> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/github-app/tests/fixtures/webhooks/pull_request.opened.0.json");
    let mut payload: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    payload["action"] = json!(action);
    payload["number"] = json!(number);
    payload["pull_request"]["number"] = json!(number);
    payload["pull_request"]["head"]["sha"] = json!(head.0);
    payload["pull_request"]["head"]["ref"] = json!(head.1);
    payload["pull_request"]["base"]["sha"] = json!(base);
    payload["repository"]["name"] = json!("tracker");
    payload["repository"]["full_name"] = json!("octo/tracker");
    payload["repository"]["owner"] = json!({ "login": "octo", "id": 1, "type": "User" });
    payload["installation"] = json!({ "id": INSTALLATION_ID });
    payload["sender"] = json!({ "login": "dana", "id": 3, "type": "User" });
    let payload = payload.to_string();
    Request::post("/webhooks/github")
        .header("x-github-event", "pull_request")
        .header("x-github-delivery", id)
        .header("x-hub-signature-256", state.secrets.as_ref().unwrap().sign(payload.as_bytes()))
        .body(Body::from(payload))
        .unwrap()
}

/// A pull request carrying a project of `decisions` spec files, checked as the bot does: the
/// listing, every file through the contents API, parsing, validation against the base, the check
/// run published. The first run reads every blob (cold); later pushes of the same files hit the
/// blob cache (warm). Each sample asserts a green check on its head.
async fn pull_request_check(decisions: usize) -> (Duration, Duration, usize) {
    let fake = FakeGitHub::start().await;
    let pool = database("check").await;
    let (state, bot) = service(&fake, &pool);
    let queue = Queue::new(pool, "bench");
    let files = specbuilder::synth::project("check", decisions, decisions / 5);
    let count = files.len();
    let owned: Vec<(String, String)> =
        files.iter().map(|f| (f.path.clone(), String::from_utf8(f.bytes.clone()).unwrap())).collect();
    let files: Vec<(&str, &str)> = owned.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let base = fake.head("main").unwrap();
    let mut samples = Vec::new();
    for run in 0..5 {
        // Each push a new commit of the same files (a note changes), as a second push would be.
        let mut pushed = files.clone();
        let note = format!("push {run}\n");
        pushed.push(("NOTES.md", note.as_str()));
        let head = fake.push("spec/check", &pushed, "the spec");
        let request = pull_request_delivery(&state, &format!("check-{run}"), "opened", 7, (&head, "spec/check"), &base);
        let started = Instant::now();
        assert_eq!(router(state.clone()).oneshot(request).await.unwrap().status(), 202);
        while worker::run_one(&bot, &queue, &state).await.unwrap() {}
        samples.push(started.elapsed());
        let fake_state = fake.state.lock().unwrap();
        let check = fake_state.check_runs.last().expect("a check run");
        assert_eq!((check.head_sha.as_str(), check.conclusion.as_deref()), (head.as_str(), Some("success")));
    }
    let cold = samples[0];
    let mut warm = samples[1..].to_vec();
    warm.sort();
    (cold, warm[warm.len() / 2], count)
}

/// A push to an open pull request, as the review comment follows it: main holds a project of
/// `decisions` decisions, each push changes ten more of them, and each sample runs from the
/// delivery until the review comment names the new head (checked every time). The first sample
/// (`opened`) reads every blob of both ends; returns it, and p50 / p95 of the later pushes.
async fn pull_request_review(decisions: usize, pushes: usize) -> (Duration, Duration, Duration, usize) {
    let fake = FakeGitHub::start().await;
    let pool = database("review").await;
    let (state, bot) = service(&fake, &pool);
    let queue = Queue::new(pool, "bench");
    let owned: Vec<(String, String)> = (specbuilder::synth::project("review", decisions, decisions / 5).into_iter())
        .map(|f| (f.path, String::from_utf8(f.bytes).unwrap()))
        .collect();
    let files: Vec<(&str, &str)> = owned.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    fake.push("main", &files, "the spec");
    fake.branch("change", "main");
    let number = fake.open_pull("change", "main", "A change");
    let base = fake.head("main").unwrap();
    let mut samples = Vec::new();
    for run in 0..pushes {
        let changed: Vec<(String, String)> = (run * 10..run * 10 + 10)
            .map(|i| {
                let k = i * 7 % decisions;
                (
                    format!("specs/review/decisions/{}.md", specbuilder::synth::key(k)),
                    specbuilder::synth::decision_answering(k, (k + 1) % 3),
                )
            })
            .collect();
        let changed: Vec<(&str, &str)> = changed.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
        let head = fake.push("change", &changed, &format!("push {run}"));
        let action = if run == 0 { "opened" } else { "synchronize" };
        let request = pull_request_delivery(&state, &format!("review-{run}"), action, number, (&head, "change"), &base);
        let started = Instant::now();
        assert_eq!(router(state.clone()).oneshot(request).await.unwrap().status(), 202);
        while worker::run_one(&bot, &queue, &state).await.unwrap() {}
        samples.push(started.elapsed());
        let reviews: Vec<String> = (fake.comments(number).into_iter())
            .filter(|c| c.body.contains("<!-- specbuilder:topic=review -->"))
            .map(|c| c.body)
            .collect();
        assert_eq!(reviews.len(), 1, "one review comment, edited on each push");
        assert!(reviews[0].contains(&head[..7]), "push {run}: the review names its head");
    }
    let first = samples.remove(0);
    samples.sort();
    (first, percentile(&samples, 0.5), percentile(&samples, 0.95), samples.len())
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (deliveries, connections) = if quick { (500, 8) } else { (10_000, 32) };
    let (rate, p50, p99) = runtime.block_on(ingest(deliveries, connections));
    let (answer_p50, answer_p99, samples) = runtime.block_on(answer_to_question(if quick { 20 } else { 200 }));
    let (cold, warm, spec_files) = runtime.block_on(pull_request_check(if quick { 100 } else { 1_000 }));
    let (review_first, review_p50, review_p95, pushes) =
        runtime.block_on(pull_request_review(1_000, if quick { 4 } else { 11 }));
    let (lab_rate, lab_p50, lab_p99) = runtime.block_on(gitlab::ingest(deliveries, connections));
    let (lab_answer_p50, lab_answer_p99, lab_samples) =
        runtime.block_on(gitlab::answer_to_question(if quick { 20 } else { 200 }));
    println!("| what | figure | target |");
    println!("| --- | --- | --- |");
    println!(
        "| webhook ingest, {deliveries} signed deliveries, {connections} connections | {rate:.0} deliveries/s | ≥ 2,000/s |"
    );
    println!("| ingest latency p50 / p99 | {} / {} | p99 < 50 ms |", ms(p50), ms(p99));
    println!(
        "| answer delivered → committed → next question posted, {samples} answers that each commit, p50 / p99 | {} / {} | p50 < 100 ms |",
        ms(answer_p50),
        ms(answer_p99)
    );
    println!(
        "| pull request with {spec_files} spec files checked: delivery → listing → every file read → validated → check run; first push / later pushes (blobs cached) | {} / {} | < 1 s |",
        ms(cold),
        ms(warm)
    );
    println!(
        "| review comment on a pull request of a 1,000-decision project, each push changing 10 decisions: delivered → checked → reviewed → comment posted; first push (every blob read) / {pushes} later pushes p50 / p95 | {} / {} / {} | < 1 s |",
        ms(review_first),
        ms(review_p50),
        ms(review_p95)
    );
    println!(
        "| GitLab webhook ingest, {deliveries} token-checked Note Hooks, {connections} connections | {lab_rate:.0} deliveries/s | ≥ 2,000/s |"
    );
    println!("| GitLab ingest latency p50 / p99 | {} / {} | p99 < 50 ms |", ms(lab_p50), ms(lab_p99));
    println!(
        "| GitLab: note delivered → committed → next question posted (the fake GitLab under a sub-path), {lab_samples} answers that each commit, p50 / p99 | {} / {} | p50 < 100 ms |",
        ms(lab_answer_p50),
        ms(lab_answer_p99)
    );
}
