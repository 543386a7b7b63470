//! The service against hostile users and clients: forged markers, floods, replays, slow and
//! greedy clients, oversized pull requests, jobs that kill their worker, unbounded growth.

use super::*;

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
    let signature = service.state.secrets.as_ref().unwrap().sign(body.as_bytes());
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

    let private =
        Bot { allowed_owners: Some(vec!["someone-else".into()]), ..Bot::new(pool.clone(), service.bot.hosts.clone()) };
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
        .send(
            "issue_comment",
            "malformed",
            malformed.clone(),
            Some(service.state.secrets.as_ref().unwrap().sign(malformed.as_bytes())),
        )
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
