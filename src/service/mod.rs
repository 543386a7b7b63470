//! `specbuilder serve`: the GitHub App and the GitLab integration users install. Webhooks are
//! verified, stored and queued in milliseconds; workers (in this and any other `serve` process
//! on the same database) run the jobs: the conversation in comments, commits to the spec branch,
//! pull and merge requests, and checks.

pub mod bot;
pub mod config;
pub mod db;
pub mod http;
pub mod ingress;
pub mod jobs;
pub mod metrics;
pub mod reconcile;
pub mod worker;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use config::ServiceConfig;
use github_app::{AppConfig, GitHubApp, WebhookSecrets};
use gitlab_app::WebhookVerifier;
use metrics::Metrics;
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::Notify;

/// What the HTTP handlers share.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// GitHub's webhook secrets; `None`: GitHub is not served.
    pub secrets: Option<WebhookSecrets>,
    /// GitLab's webhook tokens; `None`: GitLab is not served.
    pub gitlab: Option<WebhookVerifier>,
    pub metrics: Arc<Metrics>,
    /// Wakes an idle worker when a job is queued.
    pub wake: Arc<Notify>,
    /// Webhook requests per minute per client address; `None`: unlimited.
    pub per_ip: Option<Arc<http::PerIp>>,
    /// Workers this process runs, and how many are running now (for `/readyz`).
    pub workers: Arc<WorkerCount>,
}

#[derive(Debug, Default)]
pub struct WorkerCount {
    pub expected: std::sync::atomic::AtomicUsize,
    pub running: std::sync::atomic::AtomicUsize,
}

/// Counts a worker as running while it lives.
struct Running(Arc<WorkerCount>);

impl Running {
    fn start(count: &Arc<WorkerCount>) -> Running {
        count.running.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Running(count.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

// A host's route is mounted only when it is configured; were it reached otherwise, an
// unconfigured verifier refuses every delivery.
impl FromRef<AppState> for WebhookSecrets {
    fn from_ref(state: &AppState) -> WebhookSecrets {
        state.secrets.clone().unwrap_or_else(WebhookSecrets::unconfigured)
    }
}

impl FromRef<AppState> for WebhookVerifier {
    fn from_ref(state: &AppState) -> WebhookVerifier {
        state.gitlab.clone().unwrap_or_else(WebhookVerifier::unconfigured)
    }
}

/// The HTTP service: webhooks, health, readiness and metrics.
pub fn router(state: AppState) -> Router {
    webhooks(state.clone()).merge(admin(state))
}

/// The webhook routes of the hosts served, rate-limited per client address before any
/// signature work.
pub fn webhooks(state: AppState) -> Router {
    let limit = axum::middleware::from_fn_with_state(state.per_ip.clone(), http::rate_limit);
    let mut routes = Router::new();
    if state.secrets.is_some() {
        routes = routes.route("/webhooks/github", post(ingress::github));
    }
    if state.gitlab.is_some() {
        routes = routes.route("/webhooks/gitlab", post(ingress::gitlab));
    }
    if state.secrets.is_some() || state.gitlab.is_some() {
        routes = routes.route_layer(limit); // axum refuses a route layer over no routes
    }
    routes.layer(axum::middleware::from_fn(request_id)).with_state(state)
}

/// Health, readiness and metrics: on their own address when `SPECBUILDER_ADMIN_ADDR` is set.
pub fn admin(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(|State(state): State<AppState>| async move { state.metrics.render() }))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(state)
}

/// Gives every request an id (the caller's `X-Request-Id` when it is sane, else a new one), logs
/// within a span carrying it, and returns it in the response's `X-Request-Id`.
async fn request_id(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let given = (request.headers().get("x-request-id").and_then(|v| v.to_str().ok()))
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    let id = match given {
        Some(id) => id.to_owned(),
        None => {
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            format!("{:x}-{:x}-{n:x}", now.as_secs(), std::process::id())
        }
    };
    let span =
        tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path());
    let mut response = tracing::Instrument::instrument(next.run(request), span).await;
    if let Ok(value) = axum::http::HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Ready when the database answers. Its error goes to the log, never to the caller (it can
/// name hosts and users).
async fn ready(State(state): State<AppState>) -> axum::response::Response {
    use std::sync::atomic::Ordering::Relaxed;
    let (expected, running) = (state.workers.expected.load(Relaxed), state.workers.running.load(Relaxed));
    if running < expected {
        let text = format!("{running} of {expected} workers are running\n");
        return (StatusCode::SERVICE_UNAVAILABLE, text).into_response();
    }
    match sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.pool).await {
        Ok(_) => (StatusCode::OK, "ready\n").into_response(),
        Err(error) => {
            tracing::warn!(%error, "readiness: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "the database does not answer\n").into_response()
        }
    }
}

/// Runs the service until Ctrl-C or SIGTERM: the HTTP listener and `config.workers` workers.
pub async fn serve(config: ServiceConfig) -> anyhow::Result<()> {
    let pool = db::connect(&config.database_url, (config.workers as u32 + 8).max(10)).await?;
    let hosts = connect_hosts(&config).await?;
    let secrets = match &config.github {
        Some(github) => Some(
            WebhookSecrets::from_list(&github.webhook_secret)
                .map_err(|e| anyhow::anyhow!("GITHUB_WEBHOOK_SECRET: {e}"))?,
        ),
        None => None,
    };
    let gitlab = match &config.gitlab {
        Some(gitlab) => Some(
            WebhookVerifier::new(&gitlab.webhook_secret, gitlab.signing_token.as_deref())
                .map_err(|e| anyhow::anyhow!("GITLAB_WEBHOOK_SECRET or GITLAB_WEBHOOK_SIGNING_TOKEN: {e}"))?,
        ),
        None => None,
    };
    let state = AppState {
        pool: pool.clone(),
        secrets,
        gitlab,
        metrics: Arc::default(),
        wake: Arc::default(),
        per_ip: http::PerIp::per_minute(config.rate_limit_per_minute),
        workers: Arc::default(),
    };
    state.workers.expected.store(config.workers, std::sync::atomic::Ordering::Relaxed);
    let bot =
        Arc::new(bot::Bot { allowed_owners: config.allowed_owners.clone(), ..bot::Bot::new(pool.clone(), hosts) });
    // Cancelled once at shutdown; unlike a notification it is seen by whoever looks later, too.
    let stop = worker::Stop::default();
    let mut workers = Vec::new();
    let names: Vec<String> = (0..config.workers).map(|n| format!("{}-{n}", worker::process_name())).collect();
    for name in &names {
        let queue = jobs::Queue::new(pool.clone(), name.clone());
        let (bot, state, stop) = (bot.clone(), state.clone(), stop.clone());
        // A worker that dies is started again; jobs it held come back when their lease runs out.
        workers.push(tokio::spawn(async move {
            loop {
                let (bot, each, state, stop) = (bot.clone(), queue.clone(), state.clone(), stop.clone());
                let run = tokio::spawn(async move {
                    let _running = Running::start(&state.workers);
                    worker::run(bot, each, state, stop).await
                });
                match run.await {
                    Ok(()) => return,
                    Err(error) => tracing::error!(%error, worker = %queue.worker, "a worker died; starting it again"),
                }
            }
        }));
    }
    let reconciler = {
        let (bot, stop, every, retention) = (bot.clone(), stop.stop.clone(), config.reconcile_every, config.retention);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = stop.cancelled() => return,
                }
                if let Err(error) = reconcile::run_once(&bot).await {
                    tracing::warn!(%error, "reconciler failed; it runs again later");
                }
                match jobs::prune(&bot.pool, retention).await {
                    Ok((0, 0)) => {}
                    Ok((jobs, deliveries)) => tracing::info!(jobs, deliveries, "pruned what finished long ago"),
                    Err(error) => tracing::warn!(%error, "pruning failed; it runs again later"),
                }
            }
        })
    };
    let bind = |addr: std::net::SocketAddr| async move {
        tokio::net::TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))
    };
    let listener = bind(config.addr).await?;
    let stopping = tokio_util::sync::CancellationToken::new();
    let app = match config.admin_addr {
        Some(addr) => {
            let (admin_listener, stopping) = (bind(addr).await?, stopping.clone());
            let admin = admin(state.clone());
            let limits = config.limits.clone();
            tokio::spawn(async move { http::serve(admin_listener, admin, limits, stopping.cancelled_owned()).await });
            tracing::info!(%addr, "health, readiness and metrics on their own address");
            webhooks(state)
        }
        None => router(state),
    };
    let served: Vec<&str> = [config.github.as_ref().map(|_| "GitHub"), config.gitlab.as_ref().map(|_| "GitLab")]
        .into_iter()
        .flatten()
        .collect();
    tracing::info!(addr = %config.addr, workers = config.workers, hosts = %served.join(" and "), "serving");
    let signal = {
        let stopping = stopping.clone();
        async move {
            shutdown().await;
            stopping.cancel();
        }
    };
    http::serve(listener, app, config.limits.clone(), signal).await?;
    stop.stop.cancel();
    reconciler.abort();
    let all = futures_util::future::join_all(workers);
    tokio::pin!(all);
    if tokio::time::timeout(config.shutdown_grace, &mut all).await.is_err() {
        stop.abandon.cancel();
        all.await;
        match jobs::release_held(&pool, &names).await {
            Ok(released) => tracing::warn!(
                released,
                grace_secs = config.shutdown_grace.as_secs(),
                "jobs still running after the grace period were released for another worker"
            ),
            Err(error) => tracing::error!(%error, "releasing unfinished jobs failed; their leases will run out"),
        }
    }
    // Closing the pool closes connections an abandoned job may have left holding its lock.
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// A client for each host configured: GitHub's app key is read, GitLab is asked who the token
/// is (a wrong URL or token fails here, at start, rather than at the first comment).
async fn connect_hosts(config: &ServiceConfig) -> anyhow::Result<crate::forge::Hosts> {
    let github = match &config.github {
        Some(github) => {
            let app = GitHubApp::new(&AppConfig {
                api_url: github.api_url.clone(),
                app_id: github.app_id,
                private_key_pem: github.private_key.clone(),
            })
            .map_err(|e| anyhow::anyhow!("GITHUB_PRIVATE_KEY: {e}"))?;
            Some(Arc::new(app))
        }
        None => None,
    };
    let gitlab = match &config.gitlab {
        Some(gitlab) => {
            if gitlab.insecure {
                tracing::warn!(url = %gitlab.url, "GITLAB_INSECURE_SKIP_TLS_VERIFY: any certificate is accepted; for labs only");
            }
            let client = gitlab_app::GitLab::connect(&gitlab_app::ClientConfig {
                url: gitlab.url.clone(),
                token: gitlab.token.clone(),
                ca_cert_pem: gitlab.ca_cert.as_ref().map(|c| c.as_bytes().to_vec()),
                accept_invalid_certs: gitlab.insecure,
            })
            .await
            .map_err(|e| anyhow::anyhow!("GitLab at GITLAB_URL {}: {e}", gitlab.url))?;
            tracing::info!(url = %gitlab.url, user = %client.user.username, "GitLab answers");
            Some(Arc::new(client))
        }
        None => None,
    };
    Ok(crate::forge::Hosts { github, gitlab })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing running jobs");
}
