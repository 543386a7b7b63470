//! A real `specbuilder serve` stopped by SIGTERM in the middle of a job: the job finishes within
//! the grace period, or is handed back to the queue when it cannot; either way the process exits 0
//! and nothing is lost.

use super::*;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `specbuilder serve` on a free loopback port, against the fake GitHub and a database of its own.
struct Served {
    child: Child,
    addr: String,
    log: tempfile::NamedTempFile,
}

impl Served {
    async fn start(fake: &FakeGitHub, database_url: &str, grace_secs: u64) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr = format!("127.0.0.1:{port}");
        let log = tempfile::NamedTempFile::new().unwrap();
        let scratch = tempfile::tempdir().unwrap(); // no specbuilder.toml there
        let child = Command::new(env!("CARGO_BIN_EXE_specbuilder"))
            .arg("serve")
            .current_dir(scratch.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("SPECBUILDER_ADDR", &addr)
            .env("DATABASE_URL", database_url)
            .env("GITHUB_APP_ID", APP_ID.to_string())
            .env("GITHUB_PRIVATE_KEY", TEST_APP_KEY)
            .env("GITHUB_WEBHOOK_SECRET", SECRET)
            .env("GITHUB_API_URL", &fake.url)
            .env("SPECBUILDER_WORKERS", "1")
            .env("SPECBUILDER_SHUTDOWN_GRACE_SECS", grace_secs.to_string())
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log.reopen().unwrap())
            .spawn()
            .unwrap();
        let mut served = Served { child, addr, log };
        let started = Instant::now();
        while request(&served.addr, hyper::Method::GET, "/healthz", &[], String::new()).await != Some(200) {
            assert!(served.child.try_wait().unwrap().is_none(), "serve exited at start:\n{}", served.log());
            assert!(started.elapsed() < Duration::from_secs(30), "serve never answered:\n{}", served.log());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        served
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// Sends SIGTERM; returns the exit status and how long the process took to exit.
    async fn terminate(&mut self) -> (std::process::ExitStatus, Duration) {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        let sent = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, sent.elapsed());
            }
            assert!(sent.elapsed() < Duration::from_secs(60), "serve ignored SIGTERM:\n{}", self.log());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn post(addr: &str, path: &str, headers: &[(&str, String)], body: String) -> Option<u16> {
    request(addr, hyper::Method::POST, path, headers, body).await
}

async fn request(
    addr: &str,
    method: hyper::Method,
    path: &str,
    headers: &[(&str, String)],
    body: String,
) -> Option<u16> {
    use hyper_util::client::legacy::Client;
    let client: Client<_, http_body_util::Full<bytes::Bytes>> =
        Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let mut request = hyper::Request::builder().method(method).uri(format!("http://{addr}{path}"));
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request.body(http_body_util::Full::new(bytes::Bytes::from(body))).unwrap();
    client.request(request).await.ok().map(|response| response.status().as_u16())
}

/// Dana's `/spec new` on issue 12, signed and sent to the process.
async fn start_a_project(served: &Served, fake: &FakeGitHub) {
    let body = "/spec new tracker saas-web quick";
    let id = fake.add_comment(12, "dana", body);
    let payload = comment("dana", body, id).to_string();
    let signature = WebhookSecrets::from_list(SECRET).unwrap().sign(payload.as_bytes());
    let headers = [
        ("content-type", "application/json".to_owned()),
        ("x-github-event", "issue_comment".to_owned()),
        ("x-github-delivery", "shutdown-1".to_owned()),
        ("x-hub-signature-256", signature),
    ];
    let status = post(&served.addr, "/webhooks/github", &headers, payload).await;
    assert_eq!(status, Some(202), "the delivery is accepted:\n{}", served.log());
}

/// Waits until the process has asked the fake to post a comment on issue 12 (the pause holds it).
async fn wait_for_comment_request(fake: &FakeGitHub, served: &Served) {
    let started = Instant::now();
    loop {
        let asked = fake.state.lock().unwrap().held.iter().any(|(m, p)| m == "POST" && p.ends_with("/12/comments"));
        if asked {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the job never reached its comment:\n{}", served.log());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `serve` with a grace period of `grace_secs`, in the middle of starting a project: its
/// question's comment is held by the fake for `held`.
async fn caught_mid_job(grace_secs: u64, held: Duration) -> (FakeGitHub, String, Served) {
    let fake = FakeGitHub::start().await;
    fake.state.lock().unwrap().roles.insert("dana".into(), "write".into());
    let url = fresh_database().await;
    let served = Served::start(&fake, &url, grace_secs).await;
    fake.pause_next_on("POST", "/issues/12/comments", held);
    start_a_project(&served, &fake).await;
    wait_for_comment_request(&fake, &served).await;
    (fake, url, served)
}

fn question_comments(fake: &FakeGitHub) -> usize {
    fake.comments(12).iter().filter(|c| c.login == "specbuilder[bot]").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_a_running_job_finish_within_the_grace_period() {
    let (fake, url, mut served) = caught_mid_job(20, Duration::from_secs(2)).await;
    let (status, took) = served.terminate().await;
    assert!(status.success(), "exit 0 after SIGTERM, got {status}:\n{}", served.log());
    assert!(took >= Duration::from_millis(1500), "it waited for the job ({took:?})");
    assert_eq!(question_comments(&fake), 1, "the job posted its question before the exit");
    let pool = db::connect(&url, 2).await.unwrap();
    let states: Vec<String> = sqlx::query_scalar("SELECT state FROM jobs").fetch_all(&pool).await.unwrap();
    assert_eq!(states, ["done"], "{}", served.log());
    assert!(served.log().contains("shutting down"), "the stop is logged:\n{}", served.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_hands_a_job_that_outlasts_the_grace_period_to_another_worker() {
    let (fake, url, mut served) = caught_mid_job(1, Duration::from_secs(6)).await;
    let (status, took) = served.terminate().await;
    assert!(status.success(), "exit 0 after SIGTERM, got {status}:\n{}", served.log());
    assert!(took < Duration::from_secs(5), "it stopped after the grace period, not the job ({took:?})");
    assert!(served.log().contains("released for another worker"), "{}", served.log());
    let pool = db::connect(&url, 2).await.unwrap();
    let (state, attempts, locked_by): (String, i32, Option<String>) =
        sqlx::query_as("SELECT state, attempts, locked_by FROM jobs").fetch_one(&pool).await.unwrap();
    assert_eq!((state.as_str(), attempts, locked_by), ("queued", 0, None), "released, the attempt not counted");

    // Another process picks it up at once and finishes it; the branch holds one project, and the
    // question is posted once.
    tokio::time::sleep(Duration::from_secs(6)).await; // the held request ends either way
    let mut next = Served::start(&fake, &url, 20).await;
    let started = Instant::now();
    loop {
        let states: Vec<String> = sqlx::query_scalar("SELECT state FROM jobs").fetch_all(&pool).await.unwrap();
        if states == ["done"] {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "never finished ({states:?}):\n{}", next.log());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(question_comments(&fake), 1, "the question is posted once");
    assert!(fake.files("spec/tracker").iter().any(|(path, _)| path == "specs/tracker/project.md"));
    assert!(next.terminate().await.0.success());
}
