//! The service end to end on a real PostgreSQL and the fake GitHub: signed deliveries in
//! (recorded payloads from GitHub, edited), workers run the jobs, and the tests read back what a
//! user would see — the branch, the comments, the pull request, the check run.

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
    db::connect(&format!("{base}/{name}"), 8).await.unwrap()
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
            secrets: WebhookSecrets::from_list(SECRET).unwrap(),
            metrics: Arc::default(),
            wake: Arc::default(),
            per_ip: None,
            workers: Arc::default(),
        };
        let bot = Arc::new(Bot {
            pool: pool.clone(),
            github: Arc::new(github),
            cache: Default::default(),
            permissions: Default::default(),
            limits: Default::default(),
            allowed_owners: None,
        });
        let mut queue = Queue::new(pool, "test-worker");
        queue.backoff = std::time::Duration::ZERO;
        fake.state.lock().unwrap().roles.insert("dana".into(), "write".into());
        Service { fake, state, bot, queue, deliveries: AtomicUsize::new(0) }
    }

    /// Sends a signed delivery; returns the status and the JSON answer.
    async fn deliver(&self, event: &str, id: &str, payload: &Value) -> (StatusCode, Value) {
        let body = payload.to_string();
        let signature = self.state.secrets.sign(body.as_bytes());
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

#[tokio::test]
async fn a_conversation_from_new_to_merge_commits_one_answer_at_a_time() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    assert!(service.branch_files().contains(&"specs/tracker/project.md".to_owned()), "{:?}", service.branch_files());
    let first = service.last_bot_comment();
    assert!(first.contains("<!-- specbuilder:topic=question/tracker/"), "{first}");
    assert!(first.contains("Why it matters") && first.contains("recommended"), "{first}");

    // Answer every question with its first option until the bot says all is decided.
    let mut answered = Vec::new();
    for _ in 0..40 {
        let question = service.last_bot_comment();
        if question.contains("Every question of `tracker` is decided") {
            break;
        }
        let key = question.split("` · ").next().unwrap().rsplit('`').next().unwrap().to_owned();
        let before = service.fake.head("spec/tracker");
        service.comment("dana", &recommended(&question)).await;
        assert_ne!(
            service.fake.head("spec/tracker"),
            before,
            "answering {key} committed: {}",
            service.last_bot_comment()
        );
        assert!(
            service.branch_files().contains(&format!("specs/tracker/decisions/{key}.md")),
            "{key} is on the branch; the bot said: {}",
            service.last_bot_comment()
        );
        answered.push(key);
    }
    assert!(answered.len() >= 5, "quick depth asks a handful of questions: {answered:?}");
    assert!(service.last_bot_comment().contains("is decided"), "{}", service.last_bot_comment());

    // The decisions are indexed for search.
    let hits: Vec<String> = sqlx::query_scalar(
        "SELECT key FROM decision_index WHERE search @@ plainto_tsquery('english', 'sign accounts') ORDER BY key",
    )
    .fetch_all(&service.state.pool)
    .await
    .unwrap();
    assert!(hits.contains(&"auth.accounts".to_owned()), "{hits:?}");

    // One commit per answer (besides the start and the assumptions of the quick depth).
    let log = service.fake.log("spec/tracker");
    for key in &answered {
        let commits = log.iter().filter(|m| m.starts_with(&format!("spec(tracker): {key} = "))).count();
        assert_eq!(commits, 1, "{key}: {log:#?}");
    }
    assert!(log.iter().any(|m| m.starts_with("spec(tracker): start the project")), "{log:#?}");

    service.comment("dana", "/spec generate prd schema").await;
    let generated = service.last_bot_comment();
    assert!(generated.contains("Generated prd, schema"), "{generated}");
    let files = service.branch_files();
    assert!(files.contains(&"specs/tracker/artifacts/schema.sql".to_owned()), "{files:?}");
    assert!(files.contains(&"specs/tracker/artifacts/manifest.json".to_owned()), "{files:?}");
    service.comment("dana", "/spec generate prd schema").await;
    assert!(service.last_bot_comment().contains("up to date"), "{}", service.last_bot_comment());

    service.comment("dana", "/spec merge").await;
    let pulls = service.fake.state.lock().unwrap().pulls.clone();
    assert_eq!(pulls.len(), 1);
    assert_eq!((pulls[0].head.as_str(), pulls[0].base.as_str()), ("spec/tracker", "main"));
    assert!(service.last_bot_comment().contains("Opened #1"), "{}", service.last_bot_comment());

    // The pull request's check is green.
    let head = service.fake.head("spec/tracker").unwrap();
    service.deliver("pull_request", "pr-opened", &pull_request(&head, &service.fake.head("main").unwrap())).await;
    service.work().await;
    let state = service.fake.state.lock().unwrap();
    let run = state.check_runs.last().expect("a check run");
    assert_eq!((run.head_sha.as_str(), run.conclusion.as_deref()), (head.as_str(), Some("success")));
    assert_eq!(state.violations, Vec::<String>::new());
}

/// The recommended option's id in a question comment, else the first option; entities for the
/// data model question.
fn recommended(question: &str) -> String {
    if question.contains("`data.entities`") {
        return "Project: name!; Task: title, done:bool, project:Project".to_owned();
    }
    // A form: its first field with the recommended value.
    if let Some(row) = question.lines().skip_while(|l| !l.starts_with("| field |")).nth(2) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        return format!("{}: {}", cells[1].trim_matches('`').replace('\\', ""), cells[2]);
    }
    let ids: Vec<&str> = (question.lines().filter(|l| l.ends_with("**recommended**")))
        .filter_map(|l| l.split("(`").nth(1)?.split('`').next())
        .collect();
    if ids.is_empty() { "1".to_owned() } else { ids.join(",") }
}

#[tokio::test]
async fn a_reply_that_fits_nothing_gets_a_reason_and_nothing_is_committed() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let head = service.fake.head("spec/tracker");
    service.comment("dana", "9").await;
    assert_eq!(service.fake.head("spec/tracker"), head);
    let reason = service.last_bot_comment();
    assert!(reason.contains("I could not read that as an answer") && reason.contains("from 1 to"), "{reason}");
    service.comment("dana", "/spec new other nonsense-template").await;
    assert!(service.last_bot_comment().contains("already holds project"), "{}", service.last_bot_comment());
}

/// `/spec new` takes the CLI's flags, and starts from the repository's own templates on the
/// default branch; a broken one is named with its first error, a mistyped flag gets a suggestion.
#[tokio::test]
async fn the_bot_starts_from_a_repository_template_with_the_cli_flags() {
    let service = Service::start().await;
    let clinic =
        std::fs::read_to_string(format!("{}/tests/fixtures/templates/clinic.yaml", env!("CARGO_MANIFEST_DIR")));
    let broken = "id: broken\nname: Broken\nversion: 1\nquestions:\n- key: a.b\n  text: Q?\n  catgory: product\n";
    let clinic = clinic.unwrap();
    let files =
        [(".specbuilder/templates/clinic.yaml", clinic.as_str()), (".specbuilder/templates/broken.yaml", broken)];
    service.fake.push("main", &files, "our templates");

    service.comment("dana", "/spec new tracker --tempalte clinic").await;
    let said = service.last_bot_comment();
    assert!(said.contains("unexpected argument '--tempalte'") && said.contains("--template"), "{said}");
    service.comment("dana", "/spec new tracker --template broken").await;
    let said = service.last_bot_comment();
    assert!(said.contains("broken.yaml") && said.contains("catgory"), "{said}");
    assert_eq!(service.fake.head("spec/tracker"), None, "nothing started");

    let command =
        r#"/spec new tracker --template clinic --depth quick --targets prd --idea "Patients book visits online""#;
    service.comment("dana", command).await;
    let project = service.fake.files("spec/tracker").into_iter().find(|(p, _)| p == "specs/tracker/project.md");
    let project = project.expect("the project started").1;
    assert!(project.contains("template: clinic") && project.contains("depth: quick"), "{project}");
    assert!(project.contains("- prd") && project.contains("Patients book visits online"), "{project}");
    let question = service.last_bot_comment();
    assert!(question.contains("Who runs the clinics?"), "{question}");
    // The multi question the depth skips was assumed with its list default.
    assert!(service.branch_files().contains(&"specs/tracker/decisions/notify.channels.md".to_owned()));
}

#[tokio::test]
async fn a_secret_in_a_reply_is_refused_and_never_repeated() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    service.answer_until_decided("data.store").await;
    let head = service.fake.head("spec/tracker");
    let secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    service.comment("dana", &format!("/answer data.entities Project: name; Key: value // {secret}")).await;
    assert_eq!(service.fake.head("spec/tracker"), head, "nothing committed");
    let said = service.last_bot_comment();
    assert!(said.contains("looks like a secret") && said.contains("a Stripe key"), "{said}");
    assert!(!said.contains(secret), "the bot repeated the secret: {said}");
    assert!(!service.branch_files().iter().any(|f| f.ends_with("data.entities.md")), "nothing written");
}

#[tokio::test]
async fn readers_are_refused_politely_and_bots_ignored() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let head = service.fake.head("spec/tracker");
    let comments = service.bot_comments().len();
    service.comment("eve", "1").await;
    assert_eq!(service.fake.head("spec/tracker"), head, "a reader's answer is not committed");
    assert_eq!(service.bot_comments().len(), comments, "a reader's plain words get no reply");
    service.comment("eve", "/answer 1").await;
    assert_eq!(service.fake.head("spec/tracker"), head, "a reader's answer is not committed");
    let refusal = service.last_bot_comment();
    assert!(refusal.contains("needs write access") && refusal.contains("@eve"), "{refusal}");

    service.comment("other-app[bot]", "1").await;
    assert_eq!(service.fake.head("spec/tracker"), head);
    assert_eq!(service.bot_comments().len(), comments + 1, "only the refusal was added");

    service.comment("eve", "/spec stauts").await;
    assert!(service.last_bot_comment().contains("Did you mean `/spec status`?"), "{}", service.last_bot_comment());
    service.comment("eve", "```\n/spec merge\n```").await;
    assert!(service.fake.state.lock().unwrap().pulls.is_empty(), "a command in a code block is not run");
}

#[tokio::test]
async fn a_contradiction_is_shown_side_by_side_and_nothing_is_committed() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    // auth.signup needs personal accounts: the contradiction to come.
    service.answer_until_decided("auth.signup").await;
    let head = service.fake.head("spec/tracker");
    service.comment("dana", "/spec change auth.accounts shared").await;
    assert_eq!(service.fake.head("spec/tracker"), head, "nothing committed");
    let shown = service.last_bot_comment();
    assert!(shown.contains("contradicts earlier decisions"), "{shown}");
    assert!(shown.contains("| your answer | contradicts |") && shown.contains("auth.signup.md"), "{shown}");
}

#[tokio::test]
async fn the_reconciler_answers_a_comment_whose_webhook_never_came() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let question = service.last_bot_comment();
    let key = question.split("` · ").next().unwrap().rsplit('`').next().unwrap().to_owned();
    // Dana answers, but GitHub never delivers the webhook.
    let lost = service.fake.add_comment(12, "dana", "1");
    assert_eq!(specbuilder::service::reconcile::run_once(&service.bot).await.unwrap(), 1);
    service.work().await;
    assert!(
        service.branch_files().contains(&format!("specs/tracker/decisions/{key}.md")),
        "{:?}",
        service.branch_files()
    );
    let asked = service.bot_comments().len();

    // Nothing is queued twice, and the late webhook for the same comment does nothing.
    assert_eq!(specbuilder::service::reconcile::run_once(&service.bot).await.unwrap(), 0);
    let head = service.fake.head("spec/tracker");
    let (status, _) = service.deliver("issue_comment", "late", &comment("dana", "1", lost)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    service.work().await;
    assert_eq!(service.fake.head("spec/tracker"), head, "the late webhook changed nothing");
    assert_eq!(service.bot_comments().len(), asked);
}

#[tokio::test]
async fn an_edited_answer_is_a_change_of_that_answer() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let question = service.last_bot_comment();
    let key = question.split("` · ").next().unwrap().rsplit('`').next().unwrap().to_owned();
    let path = format!("specs/tracker/decisions/{key}.md");
    let answer = service.comment("dana", "1").await;
    let first = service.fake.files("spec/tracker").into_iter().find(|(p, _)| *p == path).unwrap().1;
    let head = service.fake.head("spec/tracker");
    service.edit("dana", answer, "2").await;
    let second = service.fake.files("spec/tracker").into_iter().find(|(p, _)| *p == path).unwrap().1;
    assert_ne!(service.fake.head("spec/tracker"), head, "the edit was committed");
    assert_ne!(first, second, "{key} now holds the edited answer");

    // An edited command is not run again, and a reader's edit changes nothing.
    let head = service.fake.head("spec/tracker");
    service.edit("eve", answer, "3").await;
    assert_eq!(service.fake.head("spec/tracker"), head);
}

#[tokio::test]
async fn a_locked_decision_changes_only_through_a_pull_request() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let question = service.last_bot_comment();
    let key = question.split("` · ").next().unwrap().rsplit('`').next().unwrap().to_owned();
    service.comment("dana", &recommended(&question)).await;
    service.comment("dana", &format!("/spec lock {key}")).await;
    let path = format!("specs/tracker/decisions/{key}.md");
    let file = service.fake.files("spec/tracker").into_iter().find(|(p, _)| *p == path).unwrap().1;
    assert!(file.contains("locked: true"), "{file}");
    let head = service.fake.head("spec/tracker");
    service.comment("dana", &format!("/spec change {key} 2")).await;
    assert_eq!(service.fake.head("spec/tracker"), head);
    assert!(service.last_bot_comment().contains("is locked"), "{}", service.last_bot_comment());
    let recorded: i64 =
        sqlx::query_scalar("SELECT count(*) FROM bot_comments").fetch_one(&service.state.pool).await.unwrap();
    assert!(recorded >= 4, "the bot's comments are recorded per topic: {recorded}");
}

#[tokio::test]
async fn a_crash_between_commit_and_comment_is_recovered_without_doubles() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let before = service.bot_comments().len();
    let head = service.fake.head("spec/tracker").unwrap();
    // The commit lands, then posting the next question fails: the job fails after its commit.
    let fault = Fault { method: "POST", status: 502, headers: vec![], message: "Server Error" };
    service.fake.fail_next_on("/issues/12/comments", fault);
    let commits_before = commits_made(&service);
    service.comment("dana", "1").await;
    let job: (String, i32) = sqlx::query_as("SELECT state, attempts FROM jobs ORDER BY id DESC LIMIT 1")
        .fetch_one(&service.state.pool)
        .await
        .unwrap();
    assert_eq!(job, ("done".to_owned(), 2), "failed once, finished on the retry");
    assert_ne!(service.fake.head("spec/tracker").unwrap(), head);
    assert_eq!(commits_made(&service), commits_before + 1, "one commit for the answer, not two");
    assert_eq!(service.bot_comments().len(), before + 1, "one next question, not two");
}

#[tokio::test]
async fn a_worker_killed_right_after_its_commit_is_finished_by_the_next_run() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    service.comment("dana", "1").await;
    let (head, comments, commits) = (service.fake.head("spec/tracker"), service.bot_comments(), commits_made(&service));
    // As if the worker died after the commit landed, before it recorded anything else: only the
    // choice of question survives, and the lease ran out.
    let pool = &service.state.pool;
    let job: i64 = sqlx::query_scalar("SELECT max(id) FROM jobs").fetch_one(pool).await.unwrap();
    sqlx::query("DELETE FROM job_steps WHERE job_id = $1 AND step <> 'answers'").bind(job).execute(pool).await.unwrap();
    sqlx::query("UPDATE jobs SET state = 'running', locked_until = now() - interval '1 second' WHERE id = $1")
        .bind(job)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE conversations SET last_comment_id = 0").execute(pool).await.unwrap();
    service.work().await;
    assert_eq!(service.fake.head("spec/tracker"), head, "no second commit");
    assert_eq!(commits_made(&service), commits);
    assert_eq!(service.bot_comments(), comments, "the next question is not posted twice");
}

/// How many commits the client has made through the git data API.
fn commits_made(service: &Service) -> usize {
    let requests = service.fake.state.lock().unwrap().requests.clone();
    requests.iter().filter(|(m, p)| m == "POST" && p.ends_with("/git/commits")).count()
}

#[tokio::test]
async fn a_pull_request_with_a_contradicting_decision_gets_a_red_check_on_both_lines() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    service.answer_until_decided("auth.signup").await;
    let (_, accounts) =
        service.fake.files("spec/tracker").into_iter().find(|(p, _)| p.ends_with("auth.accounts.md")).unwrap();
    let contradicting =
        accounts.replace("answer: personal", "answer: shared").replace("auth.accounts: true", "auth.accounts: false");
    assert_ne!(contradicting, accounts);
    let head = service.fake.push(
        "spec/tracker",
        &[("specs/tracker/decisions/auth.accounts.md", &contradicting)],
        "Edit by hand",
    );
    let base = service.fake.head("main").unwrap();

    let (status, _) = service.deliver("pull_request", "pr-1", &pull_request(&head, &base)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    service.work().await;

    // "Re-run" on the check asks again, and gets the same answer.
    let mut rerun = fixture("check_run.rerequested.7.json");
    rerun["check_run"]["head_sha"] = json!(head);
    rerun["check_run"]["pull_requests"] = json!([{ "number": 7, "id": 7, "url": "https://api.github.com/repos/octo/tracker/pulls/7",
        "head": { "ref": "spec/tracker", "sha": head }, "base": { "ref": "main", "sha": base } }]);
    rerun["sender"] = account("dana", 3);
    repository(&mut rerun);
    let (status, _) = service.deliver("check_run", "rerun-1", &rerun).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    service.work().await;

    let state = service.fake.state.lock().unwrap();
    assert_eq!(state.check_runs.len(), 2, "checked on open and again on re-run");
    let run = state.check_runs.last().expect("a check run");
    assert_eq!((run.name.as_str(), run.head_sha.as_str()), ("Spec Builder", head.as_str()));
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    let files: Vec<&str> = run.annotations.iter().filter_map(|a| a["path"].as_str()).collect();
    assert!(files.iter().any(|f| f.ends_with("auth.accounts.md")), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("auth.signup.md")), "both sides are annotated: {files:?}");
    assert_eq!(state.violations, Vec::<String>::new());
}

#[tokio::test]
async fn jobs_of_one_project_run_in_order_and_others_in_parallel() {
    let pool = database().await;
    let mut conn = pool.acquire().await.unwrap();
    for project in ["a", "a", "b"] {
        jobs::enqueue(&mut conn, "test", project, None, &json!({})).await.unwrap();
    }
    let (one, two) = (Queue::new(pool.clone(), "one"), Queue::new(pool.clone(), "two"));
    let first = one.claim().await.unwrap().unwrap();
    let second = two.claim().await.unwrap().unwrap();
    assert_eq!((first.project_key.as_str(), second.project_key.as_str()), ("a", "b"));
    assert!(one.claim().await.unwrap().is_none(), "a's second job waits for its first");
    one.finish(&first, &Outcome::Done).await.unwrap();
    let third = two.claim().await.unwrap().unwrap();
    assert_eq!((third.project_key.as_str(), third.id), ("a", first.id + 1));

    // A wait GitHub asked for is kept as given.
    let mut conn = pool.acquire().await.unwrap();
    let waiting = jobs::enqueue(&mut conn, "test", "c", None, &json!({})).await.unwrap();
    let job = loop {
        let job = two.claim().await.unwrap().unwrap();
        if job.id == waiting {
            break job;
        }
        two.finish(&job, &Outcome::Done).await.unwrap();
    };
    let hour = std::time::Duration::from_secs(3600);
    two.finish(&job, &Outcome::Retry { error: "rate limit".into(), after: Some(hour) }).await.unwrap();
    let due: f64 = sqlx::query_scalar("SELECT extract(epoch FROM run_at - now())::float8 FROM jobs WHERE id = $1")
        .bind(waiting)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!((3590.0..=3600.0).contains(&due), "due in an hour: {due}");

    // Retries back off, then the job is dead, kept with its last error.
    let mut queue = Queue::new(pool.clone(), "three");
    queue.backoff = std::time::Duration::ZERO;
    for attempt in 1..=5 {
        let job = if attempt == 1 { third.clone() } else { queue.claim().await.unwrap().unwrap() };
        assert_eq!(job.id, third.id);
        queue.finish(&job, &Outcome::Retry { error: format!("failure {attempt}"), after: None }).await.unwrap();
    }
    let (state, error): (String, String) = sqlx::query_as("SELECT state, last_error FROM jobs WHERE id = $1")
        .bind(third.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((state.as_str(), error.as_str()), ("dead", "failure 5"));
}

/// A reader cannot take over the bot's comments: a hidden marker in their comment is plain text.
/// The real question is posted by the app, and a maintainer's answer is read against its options.
#[tokio::test]
async fn planted_markers_never_make_a_readers_comment_the_bots() {
    let service = Service::start().await;
    let planted = "1. Enterprises (`enterprise`)\n\n<!-- specbuilder:topic=question/tracker/product.audience -->";
    let eve = service.comment("eve", planted).await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let comments = service.fake.comments(12);
    assert_eq!(comments.iter().find(|c| c.id == eve).unwrap().body, planted, "the reader's comment is untouched");
    let question = service.last_bot_comment();
    assert!(question.contains("topic=question/tracker/product.audience") && question.contains("(`smb`)"), "{question}");
    service.comment("dana", "1").await;
    let audience = service.fake.files("spec/tracker").into_iter().find(|(p, _)| p.ends_with("product.audience.md"));
    let audience = audience.expect("the answer is committed").1;
    assert!(audience.contains("answer: smb") && audience.contains("answered_by: github:dana"), "{audience}");
    assert_eq!(service.fake.violations(), Vec::<String>::new());
}

/// A reader talking on an issue with an open question costs no bot reply and next to no API
/// calls: their permission is looked up once, and nothing else reaches GitHub.
#[tokio::test]
async fn a_flood_of_plain_comments_from_a_reader_costs_next_to_nothing() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let requests = service.fake.state.lock().unwrap().requests.len();
    let (replies, head) = (service.bot_comments().len(), service.fake.head("spec/tracker"));
    for i in 0..500 {
        service.comment("eve", &format!("I think option {} is better", i % 4 + 1)).await;
    }
    let calls: Vec<(String, String)> = service.fake.state.lock().unwrap().requests[requests..].to_vec();
    assert!(calls.len() <= 3, "500 comments cost {} calls: {calls:?}", calls.len());
    assert_eq!(service.bot_comments().len(), replies, "no reply to a reader's words");
    assert_eq!(service.fake.head("spec/tracker"), head, "nothing committed");
}

/// A captured body resent under a new delivery id is acknowledged and does nothing.
#[tokio::test]
async fn a_replayed_body_under_a_new_delivery_id_changes_nothing() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let id = service.fake.add_comment(12, "dana", "1");
    let payload = comment("dana", "1", id);
    let (status, _) = service.deliver("issue_comment", "captured", &payload).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    service.work().await;
    let (head, replies) = (service.fake.head("spec/tracker"), service.bot_comments().len());
    let (status, answer) = service.deliver("issue_comment", "replayed-under-another-id", &payload).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert!(answer["status"].as_str().unwrap().starts_with("replay"), "{answer}");
    service.work().await;
    assert_eq!(service.fake.head("spec/tracker"), head, "nothing committed twice");
    assert_eq!(service.bot_comments().len(), replies, "nothing said twice");
}

/// An edit is checked and recorded against who edited, not who wrote: a reader's comment that a
/// maintainer edits into an answer is the maintainer's answer.
#[tokio::test]
async fn a_readers_comment_edited_by_a_maintainer_is_the_maintainers_answer() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let head = service.fake.head("spec/tracker");
    let eve = service.comment("eve", "2").await;
    assert_eq!(service.fake.head("spec/tracker"), head, "the reader's reply is not recorded");
    service.edit_as("dana", "eve", eve, "2").await;
    let audience = service.fake.files("spec/tracker").into_iter().find(|(p, _)| p.ends_with("product.audience.md"));
    let audience = audience.expect("the edit answered the question").1;
    assert!(audience.contains("answer: enterprise") && audience.contains("answered_by: github:dana"), "{audience}");
    // And the other way round: a maintainer's answer edited by a reader changes nothing.
    let head = service.fake.head("spec/tracker");
    service.edit_as("eve", "eve", eve, "3").await;
    assert_eq!(service.fake.head("spec/tracker"), head);
}

/// Sends `request` (a whole HTTP/1.1 request) on a new connection and returns the response.
async fn raw(addr: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response).into_owned()
}

fn webhook_request(body: &str, signature: Option<&str>, delivery: &str) -> String {
    let signature = signature.map(|s| format!("X-Hub-Signature-256: {s}\r\n")).unwrap_or_default();
    format!(
        "POST /webhooks/github HTTP/1.1\r\nHost: specbuilder\r\nConnection: close\r\nContent-Type: application/json\r\n\
         X-GitHub-Event: issue_comment\r\nX-GitHub-Delivery: {delivery}\r\n{signature}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// 200 clients that never finish their request head do not hold up a signed delivery, and each
/// of them is cut off once the head's deadline passes.
#[tokio::test]
async fn slow_clients_do_not_delay_a_signed_delivery() {
    use specbuilder::service::http::{Limits, serve};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let service = Service::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = Limits { header_timeout: std::time::Duration::from_secs(2), ..Limits::default() };
    tokio::spawn(serve(listener, router(service.state.clone()), limits, std::future::pending()));
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"POST /webhooks/github HTTP/1.1\r\nHost: specbuilder\r\nX-Slow: ").await.unwrap();
        slow.push(stream);
    }
    let body = comment("dana", "/spec status", 4242).to_string();
    let signature = service.state.secrets.sign(body.as_bytes());
    let started = std::time::Instant::now();
    let response = raw(addr, &webhook_request(&body, Some(&signature), "while-others-stall")).await;
    let took = started.elapsed();
    assert!(response.starts_with("HTTP/1.1 202"), "{response}");
    assert!(took < std::time::Duration::from_secs(1), "the delivery took {took:?}");
    // The stalled ones are closed by the server once their two seconds are up.
    let mut buf = [0u8; 256];
    let cut = tokio::time::timeout(std::time::Duration::from_secs(6), slow[0].read(&mut buf)).await;
    assert!(cut.is_ok(), "a client that never finished its head is still connected after 6 s");
}

/// Over its rate, a client gets 429 with `Retry-After` before any signature is looked at.
#[tokio::test]
async fn a_client_over_its_rate_is_refused_before_any_signature_work() {
    use specbuilder::service::http::{Limits, PerIp, serve};
    let service = Service::start().await;
    let mut state = service.state.clone();
    state.per_ip = PerIp::per_minute(3);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, router(state), Limits::default(), std::future::pending()));
    let body = comment("dana", "/spec status", 77).to_string();
    for n in 0..3 {
        let response = raw(addr, &webhook_request(&body, None, &format!("unsigned-{n}"))).await;
        assert!(response.starts_with("HTTP/1.1 401"), "an unsigned delivery is refused: {response}");
    }
    let response = raw(addr, &webhook_request(&body, None, "one-too-many")).await;
    assert!(response.starts_with("HTTP/1.1 429"), "{response}");
    assert!(response.to_ascii_lowercase().contains("retry-after: "), "{response}");
    // Health and metrics are not webhooks: never limited.
    assert!(
        raw(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.starts_with("HTTP/1.1 200")
    );
}

/// A job whose worker dies on it every time (its lease runs out) ends in the dead letter after its
/// last attempt, and the conversation goes on.
#[tokio::test]
async fn a_job_that_kills_its_worker_ends_in_the_dead_letter() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let pool = &service.state.pool;
    let job: i64 = sqlx::query_scalar("SELECT max(id) FROM jobs").fetch_one(pool).await.unwrap();
    sqlx::query(
        "UPDATE jobs SET state = 'running', attempts = max_attempts, locked_until = now() - interval '1 second'
         WHERE id = $1",
    )
    .bind(job)
    .execute(pool)
    .await
    .unwrap();
    service.work().await;
    let (state, error): (String, String) =
        sqlx::query_as("SELECT state, last_error FROM jobs WHERE id = $1").bind(job).fetch_one(pool).await.unwrap();
    assert_eq!(state, "dead");
    assert!(error.contains("lease ran out"), "{error}");
    let head = service.fake.head("spec/tracker");
    service.comment("dana", "1").await;
    assert_ne!(service.fake.head("spec/tracker"), head, "the next answer is still recorded");
}

/// A pull request whose specs are over the limits fails its check as too large, reading none
/// of its files, and says the limits.
#[tokio::test]
async fn a_pull_request_too_large_to_check_fails_its_check_unread() {
    let service = Service::start().await;
    let base = service.fake.head("main").unwrap();
    let big = "x".repeat(5 << 20);
    let head = service.fake.push("spec/huge", &[("specs/huge/project.md", big.as_str())], "a 5 MiB spec file");
    let reads_before = service.fake.state.lock().unwrap().requests.len();
    service.deliver("pull_request", "pr-huge", &pull_request(&head, &base)).await;
    service.work().await;
    let state = service.fake.state.lock().unwrap();
    let run = state.check_runs.last().expect("a check run");
    assert_eq!((run.head_sha.as_str(), run.conclusion.as_deref()), (head.as_str(), Some("failure")));
    let output = run.output.to_string();
    assert!(output.contains("Too large to check") && output.contains("MiB per file"), "{output}");
    let contents_read = state.requests[reads_before..]
        .iter()
        .filter(|(m, p)| m == "GET" && p.contains("/contents/specs/huge/project.md"));
    assert_eq!(contents_read.count(), 0, "the big file was never fetched");
}

/// Too many files: the walk stops past the bound, and the check says so without reading them.
#[tokio::test]
async fn a_pull_request_with_too_many_spec_files_fails_its_check_unread() {
    let mut service = Service::start().await;
    Arc::get_mut(&mut service.bot).expect("the only handle").limits.max_files = 10;
    let base = service.fake.head("main").unwrap();
    let files: Vec<(String, String)> = (0..30)
        .map(|i| (format!("specs/many/decisions/k{i}.md"), format!("---\nkey: k{i}\nquestion: Q\n---\n")))
        .collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let head = service.fake.push("spec/many", &files, "thirty spec files");
    let requests = service.fake.state.lock().unwrap().requests.len();
    service.deliver("pull_request", "pr-many", &pull_request(&head, &base)).await;
    service.work().await;
    let state = service.fake.state.lock().unwrap();
    let run = state.check_runs.last().expect("a check run");
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    assert!(run.output.to_string().contains("more than 10 files"), "{}", run.output);
    let read =
        state.requests[requests..].iter().filter(|(m, p)| m == "GET" && p.contains("/contents/specs/many/decisions/k"));
    assert_eq!(read.count(), 0, "no spec file was fetched");
}

/// A conversation ends when its issue closes: it is no longer reconciled. Old finished jobs and
/// deliveries are pruned; a private deployment serves only the owners it lists.
#[tokio::test]
async fn growth_is_bounded_and_private_deployments_serve_only_their_owners() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let mut closed = fixture("issues.edited.0.json");
    closed["action"] = json!("closed");
    closed["issue"]["number"] = json!(12);
    closed["sender"] = account("dana", 7);
    repository(&mut closed);
    let (status, _) = service.deliver("issues", "closed-12", &closed).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    service.work().await;
    let pool = &service.state.pool;
    let state: String =
        sqlx::query_scalar("SELECT state FROM conversations WHERE issue_number = 12").fetch_one(pool).await.unwrap();
    assert_eq!(state, "closed");
    let before = service.fake.state.lock().unwrap().requests.len();
    specbuilder::service::reconcile::run_once(&service.bot).await.unwrap();
    assert_eq!(service.fake.state.lock().unwrap().requests.len(), before, "a closed conversation is not read again");

    sqlx::query("UPDATE jobs SET finished_at = now() - interval '40 days' WHERE state IN ('done', 'dead')")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE deliveries SET received_at = now() - interval '40 days'").execute(pool).await.unwrap();
    let (jobs, deliveries) = jobs::prune(pool, std::time::Duration::from_secs(30 * 86_400)).await.unwrap();
    assert!(jobs >= 2 && deliveries >= 2, "pruned {jobs} jobs and {deliveries} deliveries");
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs").fetch_one(pool).await.unwrap();
    assert_eq!(left, 0);

    let private = Bot {
        pool: pool.clone(),
        github: service.bot.github.clone(),
        cache: Default::default(),
        permissions: Default::default(),
        limits: Default::default(),
        allowed_owners: Some(vec!["someone-else".into()]),
    };
    let id = service.fake.add_comment(14, "dana", "/spec new other saas-web quick");
    let mut payload = comment("dana", "/spec new other saas-web quick", id);
    payload["issue"]["number"] = json!(14);
    service.deliver("issue_comment", "not-ours", &payload).await;
    while worker::run_one(&private, &service.queue, &service.state).await.unwrap() {}
    assert_eq!(service.fake.head("spec/other"), None, "an owner not on the list is not served");
    assert!(service.fake.comments(14).iter().all(|c| c.login != "specbuilder[bot]"));
}

/// Workers serve installations fairly: with one installation's backlog queued first, the next
/// free worker takes another installation's job before more of the backlog.
#[tokio::test]
async fn one_installations_backlog_does_not_starve_another() {
    let service = Service::start().await;
    let pool = &service.state.pool;
    for (n, installation) in [1, 1, 1, 1, 1, 2].into_iter().enumerate() {
        sqlx::query("INSERT INTO jobs (kind, project_key, payload, installation_id) VALUES ('noop', $1, '{}', $2)")
            .bind(format!("project-{n}"))
            .bind(installation as i64)
            .execute(pool)
            .await
            .unwrap();
    }
    let first = service.queue.claim().await.unwrap().unwrap();
    let second = service.queue.claim().await.unwrap().unwrap();
    let owner = |job: &jobs::Job| job.project_key.clone();
    assert_eq!(owner(&first), "project-0", "the oldest job first");
    assert_eq!(owner(&second), "project-5", "then the other installation's, ahead of the backlog");
}

/// `/readyz` says when a worker this process should run is not running, and never echoes a
/// database error.
#[tokio::test]
async fn readiness_counts_the_workers() {
    let service = Service::start().await;
    let ready = |state: AppState| async move {
        let request = Request::get("/readyz").body(Body::empty()).unwrap();
        let response = router(state).oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    };
    assert_eq!(ready(service.state.clone()).await, (StatusCode::OK, "ready\n".to_owned()));
    service.state.workers.expected.store(2, Ordering::Relaxed);
    service.state.workers.running.store(1, Ordering::Relaxed);
    assert_eq!(
        ready(service.state.clone()).await,
        (StatusCode::SERVICE_UNAVAILABLE, "1 of 2 workers are running\n".to_owned())
    );
    let mut unreachable = service.state.clone();
    unreachable.workers = Arc::default();
    unreachable.pool = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_millis(300))
        .connect_lazy("postgres://nobody:hunter2@127.0.0.1:1/secretdb")
        .unwrap();
    let (status, body) = ready(unreachable).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(!body.contains("hunter2") && !body.contains("secretdb") && !body.contains("127.0.0.1"), "{body}");
}

/// Logs keep secrets: at trace level, a refused delivery whose payload and headers carry a canary,
/// a signed one that does not parse, and a conversation whose answer is a canary leave no trace of
/// it, nor of the webhook secret.
#[tokio::test]
async fn logs_never_hold_payload_values_or_secrets() {
    #[derive(Clone, Default)]
    struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let canary = "CANARY-b7e1f0";
    let service = Service::start().await;
    // Unsigned, with the canary in the body and in a header.
    let body = comment("dana", canary, 5).to_string();
    let request = Request::post("/webhooks/github")
        .header("x-github-event", "issue_comment")
        .header("x-github-delivery", format!("{canary}-delivery"))
        .body(Body::from(body))
        .unwrap();
    assert_eq!(router(service.state.clone()).oneshot(request).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // Signed but malformed: the parser's message would quote the value.
    let malformed = format!(r#"{{"action": "created", "comment": {{"id": "{canary}"}}}}"#);
    let (status, _) = service
        .send("issue_comment", "malformed", malformed.clone(), Some(service.state.secrets.sign(malformed.as_bytes())))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A whole conversation, with the canary as a free answer.
    service.comment("dana", "/spec new tracker saas-web quick").await;
    service.comment("dana", &format!("/answer product.audience other: {canary}")).await;
    service.comment("dana", canary).await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("webhook refused"), "the refusals are logged: {logs}");
    let leaks: Vec<&str> = logs.lines().filter(|l| l.contains(canary)).collect();
    assert!(leaks.is_empty(), "a payload value reached the log: {leaks:#?}");
    assert!(!logs.contains(SECRET), "the webhook secret reached the log");
}
