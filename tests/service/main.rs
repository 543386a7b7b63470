//! The service end to end on a real PostgreSQL and the fake GitHub: signed deliveries in
//! (recorded payloads from GitHub, edited), workers run the jobs, and the tests read back what a
//! user would see — the branch, the comments, the pull request, the check run. The harness and
//! the storage tests are here; the conversation in `conversation.rs`, hostile users and clients
//! in `hostile.rs`.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use fake_github::{APP_ID, FakeGitHub, Fault, INSTALLATION_ID, TEST_APP_KEY};
use github_app::{AppConfig, GitHubApp, WebhookSecrets};
use serde_json::{Value, json};
use specbuilder::service::bot::Bot;
use specbuilder::service::jobs::{self, Outcome, Queue};
use specbuilder::service::{AppState, db, router, worker};
use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

const SECRET: &str = "it's a secret to everybody";

/// A fresh database of its own on `DATABASE_URL` (else 127.0.0.1:5432), migrated.
async fn database() -> PgPool {
    db::connect(&fresh_database().await, 8).await.unwrap()
}

/// The URL of a fresh, empty database of its own.
async fn fresh_database() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let admin_url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = PgPool::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("no PostgreSQL at {admin_url} ({e}); set DATABASE_URL or run `bash .ci/run`"));
    let name = format!(
        "sb_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
    );
    // Databases left by earlier runs of these tests (another process id) go first.
    static SWEPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !SWEPT.swap(true, Ordering::SeqCst) {
        let ours = format!("sb\\_test\\_{}\\_%", std::process::id());
        let stale: Vec<String> = sqlx::query_scalar(
            "SELECT datname::text FROM pg_database WHERE datname LIKE 'sb\\_test\\_%' AND datname NOT LIKE $1",
        )
        .bind(ours)
        .fetch_all(&admin)
        .await
        .unwrap();
        let mut drops = tokio::task::JoinSet::new();
        for old in stale {
            let admin = admin.clone();
            drops.spawn(async move {
                sqlx::query(&format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)")).execute(&admin).await
            });
        }
        drops.join_all().await;
    }
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// The service wired to the fake GitHub, with a worker that runs jobs when asked.
struct Service {
    fake: FakeGitHub,
    state: AppState,
    bot: Arc<Bot>,
    queue: Queue,
    deliveries: AtomicUsize,
}

impl Service {
    async fn start() -> Service {
        let fake = FakeGitHub::start().await;
        let pool = database().await;
        let config = AppConfig { api_url: fake.url.clone(), app_id: APP_ID, private_key_pem: TEST_APP_KEY.to_owned() };
        let mut github = GitHubApp::new(&config).unwrap();
        github.policy.backoff = std::time::Duration::from_millis(10);
        let state = AppState {
            pool: pool.clone(),
            secrets: Some(WebhookSecrets::from_list(SECRET).unwrap()),
            gitlab: None,
            metrics: Arc::default(),
            wake: Arc::default(),
            per_ip: None,
            workers: Arc::default(),
        };
        let bot = Arc::new(Bot::new(pool.clone(), Arc::new(github)));
        let mut queue = Queue::new(pool, "test-worker");
        queue.backoff = std::time::Duration::ZERO;
        fake.state.lock().unwrap().roles.insert("dana".into(), "write".into());
        Service { fake, state, bot, queue, deliveries: AtomicUsize::new(0) }
    }

    /// Sends a signed delivery; returns the status and the JSON answer.
    async fn deliver(&self, event: &str, id: &str, payload: &Value) -> (StatusCode, Value) {
        let body = payload.to_string();
        let signature = self.state.secrets.as_ref().unwrap().sign(body.as_bytes());
        self.send(event, id, body, Some(signature)).await
    }

    async fn send(&self, event: &str, id: &str, body: String, signature: Option<String>) -> (StatusCode, Value) {
        let mut request = Request::post("/webhooks/github")
            .header("content-type", "application/json")
            .header("x-github-event", event)
            .header("x-github-delivery", id);
        if let Some(signature) = signature {
            request = request.header("x-hub-signature-256", signature);
        }
        let response = router(self.state.clone()).oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// `login` comments `body` on issue 12; the workers run everything that follows. Returns
    /// the comment's id.
    async fn comment(&self, login: &str, body: &str) -> u64 {
        let n = self.deliveries.fetch_add(1, Ordering::Relaxed);
        let id = self.fake.add_comment(12, login, body); // on GitHub, as its webhook says
        let (status, answer) = self.deliver("issue_comment", &format!("d-{n}"), &comment(login, body, id)).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
        self.work().await;
        id
    }

    /// `login` edits their comment `id` to say `body`.
    async fn edit(&self, login: &str, id: u64, body: &str) {
        self.edit_as(login, login, id, body).await
    }

    /// `editor` edits comment `id`, written by `author`, to say `body`.
    async fn edit_as(&self, editor: &str, author: &str, id: u64, body: &str) {
        let n = self.deliveries.fetch_add(1, Ordering::Relaxed);
        let mut payload = comment(author, body, id);
        payload["action"] = json!("edited");
        payload["sender"] = account(editor, 7);
        // Each edit changes the comment's `updated_at`, as on GitHub.
        payload["comment"]["updated_at"] = json!(format!("2026-12-01T10:{:02}:{:02}Z", n / 60 % 60, n % 60));
        let (status, answer) = self.deliver("issue_comment", &format!("d-{n}"), &payload).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
        self.work().await;
    }

    /// Answers each question with its recommended option until `key` is decided.
    async fn answer_until_decided(&self, key: &str) {
        let file = format!("specs/tracker/decisions/{key}.md");
        for _ in 0..40 {
            if self.branch_files().contains(&file) {
                return;
            }
            self.comment("dana", &recommended(&self.last_bot_comment())).await;
        }
        panic!("{key} was never asked: {}", self.last_bot_comment());
    }

    async fn work(&self) {
        while worker::run_one(&self.bot, &self.queue, &self.state).await.unwrap() {}
    }

    fn bot_comments(&self) -> Vec<String> {
        self.fake.comments(12).into_iter().filter(|c| c.login == "specbuilder[bot]").map(|c| c.body).collect()
    }

    fn last_bot_comment(&self) -> String {
        self.bot_comments().pop().unwrap_or_default()
    }

    fn branch_files(&self) -> Vec<String> {
        self.fake.files("spec/tracker").into_iter().map(|(path, _)| path).collect()
    }
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/github-app/tests/fixtures/webhooks/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn account(login: &str, id: u64) -> Value {
    let kind = if login.ends_with("[bot]") { "Bot" } else { "User" };
    json!({ "login": login, "id": id, "type": kind })
}

fn repository(payload: &mut Value) {
    payload["repository"]["name"] = json!("tracker");
    payload["repository"]["full_name"] = json!("octo/tracker");
    payload["repository"]["owner"] = account("octo", 1);
    payload["repository"]["default_branch"] = json!("main");
    payload["installation"] = json!({ "id": INSTALLATION_ID });
}

/// GitHub's recorded `issue_comment.created`, made into `login` saying `body` on issue 12.
fn comment(login: &str, body: &str, id: u64) -> Value {
    let mut payload = fixture("issue_comment.created.0.json");
    payload["comment"]["body"] = json!(body);
    payload["comment"]["id"] = json!(id);
    payload["comment"]["user"] = account(login, id);
    payload["comment"]["html_url"] = json!(format!("https://github.com/octo/tracker/issues/12#issuecomment-{id}"));
    payload["issue"]["number"] = json!(12);
    payload["issue"]["title"] = json!("A tracker for small teams");
    payload["sender"] = account(login, id);
    repository(&mut payload);
    payload
}

/// GitHub's recorded `pull_request.opened`, made into spec/tracker at `head` onto main at `base`.
fn pull_request(head: &str, base: &str) -> Value {
    let mut payload = fixture("pull_request.opened.0.json");
    payload["number"] = json!(7);
    payload["pull_request"]["number"] = json!(7);
    payload["pull_request"]["head"]["sha"] = json!(head);
    payload["pull_request"]["head"]["ref"] = json!("spec/tracker");
    payload["pull_request"]["base"]["sha"] = json!(base);
    payload["pull_request"]["base"]["ref"] = json!("main");
    payload["sender"] = account("dana", 3);
    repository(&mut payload);
    payload
}

#[tokio::test]
async fn migrations_apply_to_an_empty_database() {
    let pool = database().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for table in ["audit_log", "bot_comments", "conversations", "decision_index", "deliveries", "installations", "jobs"]
    {
        assert!(tables.iter().any(|t| t == table), "{table} missing from {tables:?}");
    }
    // Applying again is a no-op, as at every start of `serve`.
    db::MIGRATIONS.run(&pool).await.unwrap();
}

/// `ALTER TABLE ... ADD COLUMN ... NOT NULL` without a DEFAULT fails on any table with rows.
fn not_null_without_default(sql: &str) -> Vec<String> {
    use sqlparser::ast::{AlterTableOperation, ColumnOption, Statement};
    let statements = sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, sql).unwrap();
    let mut bad = Vec::new();
    for statement in statements {
        let Statement::AlterTable(alter) = statement else { continue };
        for operation in alter.operations {
            let AlterTableOperation::AddColumn { column_def, .. } = operation else { continue };
            let options: Vec<&ColumnOption> = column_def.options.iter().map(|o| &o.option).collect();
            let not_null = options.iter().any(|o| matches!(o, ColumnOption::NotNull));
            let default = options.iter().any(|o| matches!(o, ColumnOption::Default(_)));
            if not_null && !default {
                bad.push(format!("{}.{}", alter.name, column_def.name));
            }
        }
    }
    bad
}

#[test]
fn every_not_null_column_added_by_a_later_migration_has_a_default() {
    let mut files: Vec<_> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files.iter().skip(1) {
        let bad = not_null_without_default(&std::fs::read_to_string(file).unwrap());
        assert!(bad.is_empty(), "{}: NOT NULL columns without DEFAULT: {bad:?}", file.display());
    }
    // The rule itself catches what it should.
    assert_eq!(not_null_without_default("ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL"), ["jobs.owner"]);
    assert!(not_null_without_default("ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT ''").is_empty());
}

#[tokio::test]
async fn deliveries_are_verified_stored_once_and_queued() {
    let service = Service::start().await;
    let payload = comment("dana", "/spec help", 1);
    let (status, answer) = service.deliver("issue_comment", "delivery-1", &payload).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(answer["job"].as_i64().is_some(), "{answer}");

    let (status, answer) = service.deliver("issue_comment", "delivery-1", &payload).await;
    assert_eq!(status, StatusCode::ACCEPTED, "a redelivery is acknowledged");
    assert!(answer["status"].as_str().unwrap().starts_with("duplicate"), "{answer}");
    let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs").fetch_one(&service.state.pool).await.unwrap();
    assert_eq!(jobs, 1, "a redelivery queues nothing");

    let other = comment("dana", "/spec status", 1);
    let (status, _) = service.deliver("issue_comment", "delivery-1", &other).await;
    assert_eq!(status, StatusCode::CONFLICT, "the same id with another body is refused");

    let (status, _) = service.send("issue_comment", "delivery-2", payload.to_string(), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let forged = Some(format!("sha256={}", "0".repeat(64)));
    let (status, _) = service.send("issue_comment", "delivery-3", payload.to_string(), forged).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM deliveries").fetch_one(&service.state.pool).await.unwrap();
    assert_eq!(stored, 1, "refused deliveries are not stored");

    let (status, answer) = service.deliver("issue_comment", "delivery-4", &comment("specbuilder[bot]", "2", 9)).await;
    assert_eq!((status, answer["job"].clone()), (StatusCode::ACCEPTED, Value::Null), "bots get no job");

    let health = router(service.state.clone())
        .oneshot(Request::get("/readyz").header("x-request-id", "abc-123").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.headers()["x-request-id"], "abc-123", "the caller's request id is kept");
    let health =
        router(service.state.clone()).oneshot(Request::get("/healthz").body(Body::empty()).unwrap()).await.unwrap();
    assert!(!health.headers()["x-request-id"].is_empty(), "a request id is made up");

    let metrics = specbuilder::service::router(service.state.clone())
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let text = String::from_utf8(axum::body::to_bytes(metrics.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
    assert!(
        text.contains(r#"specbuilder_webhook_deliveries_total{event="issue_comment",outcome="duplicate"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"outcome="rejected"} 2"#), "{text}");
}

// What a person replies to take a question's recommendation; the benchmark reads it too.
mod replies;
use replies::recommended;

mod conversation;
mod gitlab;
mod gitlab_story;
mod hostile;
mod review;
mod shutdown;
