//! `specbuilder serve`: run the GitHub App and the GitLab integration.

use super::Outcome;
use crate::service::{self, config::ServiceConfig};
use anyhow::Context;
use clap::Args;
use std::collections::HashMap;
use std::path::PathBuf;

/// Run the GitHub App, the GitLab integration, or both: webhooks in, questions and answers as
/// comments, decisions committed to `spec/<slug>` branches, merges as pull or merge requests,
/// validation as the "Spec Builder" check run or commit status.
///
/// Configuration comes from the environment; each variable may also be set in the `[service]`
/// table of the config file (the environment wins). Configure GitHub, GitLab or both; a host
/// with only some of its required variables is an error naming the missing one:
///   SPECBUILDER_ADDR        where to listen (default 127.0.0.1:8080)
///   DATABASE_URL            PostgreSQL; migrations are applied at start
/// GitHub:
///   GITHUB_APP_ID           the app's id (required for GitHub)
///   GITHUB_PRIVATE_KEY      the app's private key: PEM text, or the path of a PEM file (required)
///   GITHUB_WEBHOOK_SECRET   the webhook secret; several, comma-separated, while rotating (required)
///   GITHUB_API_URL          default https://api.github.com (GHES: https://HOST/api/v3)
/// GitLab:
///   GITLAB_TOKEN            a project or group access token (api scope, Developer), or a bot
///                           user's token (required for GitLab)
///   GITLAB_WEBHOOK_SECRET   the hook's secret token; several, comma-separated, while rotating
///                           (required)
///   GITLAB_URL              default https://gitlab.com; a sub-path is fine
///                           (https://host/gitlab); http:// only for a loopback or lab instance
///   GITLAB_WEBHOOK_SIGNING_TOKEN  whsec_...: deliveries must then be signed
///   GITLAB_CA_CERT          a PEM file of a private CA
///   GITLAB_INSECURE_SKIP_TLS_VERIFY  true: accept any certificate (labs only; warned at start)
/// The service:
///   SPECBUILDER_WORKERS     background workers in this process (default 4)
///   SPECBUILDER_RECONCILE_SECS  how often to look for comments whose webhook never came
///                           (default 300)
///   SPECBUILDER_ADMIN_ADDR  serve /healthz, /readyz and /metrics here instead (default: unset)
///   SPECBUILDER_RATE_LIMIT_PER_MINUTE  webhook requests per client address (default 100; 0: none)
///   SPECBUILDER_MAX_CONNECTIONS        open connections at once (default 1024)
///   SPECBUILDER_HEADER_TIMEOUT_SECS    to send the request head (default 10)
///   SPECBUILDER_REQUEST_TIMEOUT_SECS   for a whole request (default 30)
///   SPECBUILDER_RETENTION_DAYS         finished jobs and deliveries kept (default 30)
///   SPECBUILDER_ALLOWED_OWNERS         only these accounts' repositories, comma-separated
///   SPECBUILDER_SHUTDOWN_GRACE_SECS    after SIGTERM or Ctrl-C, how long running jobs may
///                           take to finish before they are released for another worker
///                           (default 20); the process then exits 0
///   RUST_LOG                log filter (default info); logs are JSON lines on stderr
///
/// Endpoints: POST /webhooks/github, POST /webhooks/gitlab (each when its host is configured),
/// GET /healthz, GET /readyz (database reachable),
/// GET /metrics (Prometheus). Several `serve` processes may share one database: jobs are
/// claimed with SKIP LOCKED and one project's jobs run one at a time.
///
/// Example:
///   DATABASE_URL=postgres://localhost/specbuilder GITHUB_APP_ID=123 \
///   GITHUB_PRIVATE_KEY=app.pem GITHUB_WEBHOOK_SECRET=s3cret specbuilder serve
///   DATABASE_URL=postgres://localhost/specbuilder GITLAB_URL=https://git.example.com/gitlab \
///   GITLAB_TOKEN=glpat-... GITLAB_WEBHOOK_SECRET=s3cret specbuilder serve
#[derive(Debug, Args)]
#[command(
    verbatim_doc_comment,
    about = "Run the GitHub App and/or GitLab integration: questions and answers as comments, decisions committed, the \"Spec Builder\" check"
)]
pub struct ServeArgs {
    /// The config file whose `[service]` table is read, if it exists.
    #[arg(long, default_value = "specbuilder.toml")]
    pub config: PathBuf,
}

pub fn run(args: ServeArgs) -> anyhow::Result<Outcome> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt().json().with_env_filter(filter).with_writer(std::io::stderr).init();
    let file = read_service_table(&args.config)?;
    let vars: HashMap<String, String> = std::env::vars().collect();
    let config = ServiceConfig::from_vars(&vars, &file)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(service::serve(config))?;
    Ok(Outcome::Clean)
}

fn read_service_table(path: &std::path::Path) -> anyhow::Result<HashMap<String, String>> {
    let Ok(text) = std::fs::read_to_string(path) else { return Ok(HashMap::new()) };
    let value: toml::Table = toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))?;
    let Some(service) = value.get("service").and_then(|s| s.as_table()) else { return Ok(HashMap::new()) };
    let mut table = HashMap::new();
    for (key, value) in service {
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(n) => n.to_string(),
            _ => anyhow::bail!("{}: [service] {key} must be a string or a number", path.display()),
        };
        table.insert(key.clone(), text);
    }
    Ok(table)
}
