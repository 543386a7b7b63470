//! The service's configuration, from the environment (each variable may instead be set in
//! `specbuilder.toml` under `[service]`, with the environment winning).

use anyhow::{Context, bail};
use std::collections::HashMap;
use std::net::SocketAddr;

pub const DEFAULT_API_URL: &str = "https://api.github.com";

#[derive(Clone)]
pub struct ServiceConfig {
    pub addr: SocketAddr,
    pub database_url: String,
    pub github_app_id: u64,
    /// PEM text (read from the file when the variable names one).
    pub github_private_key: String,
    /// Comma-separated: the first signs nothing, all verify (rotation).
    pub github_webhook_secret: String,
    pub github_api_url: String,
    /// Background workers in this process.
    pub workers: usize,
    /// How often the reconciler looks for comments whose webhook never came.
    pub reconcile_every: std::time::Duration,
    /// Where health, readiness and metrics are served instead of `addr`, if set.
    pub admin_addr: Option<SocketAddr>,
    /// Webhook requests per minute per client address; 0: unlimited.
    pub rate_limit_per_minute: u32,
    pub limits: super::http::Limits,
    /// Finished jobs and deliveries older than this are forgotten.
    pub retention: std::time::Duration,
    /// For a private deployment: the only accounts (users or organisations) served.
    pub allowed_owners: Option<Vec<String>>,
    /// After SIGTERM or Ctrl-C, how long running jobs may take to finish before they are
    /// released for another worker.
    pub shutdown_grace: std::time::Duration,
}

impl std::fmt::Debug for ServiceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceConfig")
            .field("addr", &self.addr)
            .field("database_url", &"[redacted]")
            .field("github_app_id", &self.github_app_id)
            .field("github_private_key", &"[redacted]")
            .field("github_webhook_secret", &"[redacted]")
            .field("github_api_url", &self.github_api_url)
            .field("workers", &self.workers)
            .field("reconcile_every", &self.reconcile_every)
            .field("admin_addr", &self.admin_addr)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("limits", &self.limits)
            .field("retention", &self.retention)
            .field("allowed_owners", &self.allowed_owners)
            .field("shutdown_grace", &self.shutdown_grace)
            .finish()
    }
}

impl ServiceConfig {
    /// Reads the configuration from `vars` (the environment) over `file` (the `[service]` table
    /// of `specbuilder.toml`, lower-case keys without the prefix are accepted too).
    pub fn from_vars(vars: &HashMap<String, String>, file: &HashMap<String, String>) -> anyhow::Result<ServiceConfig> {
        let get = |name: &str| -> Option<String> {
            let short = name.to_ascii_lowercase();
            vars.get(name).or_else(|| file.get(name)).or_else(|| file.get(&short)).cloned().filter(|v| !v.is_empty())
        };
        let required =
            |name: &str| get(name).with_context(|| format!("{name} is not set (see `specbuilder serve --help`)"));
        let addr = get("SPECBUILDER_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        let addr = addr.parse().with_context(|| format!("SPECBUILDER_ADDR `{addr}` is not host:port"))?;
        let app_id = required("GITHUB_APP_ID")?;
        let github_app_id = app_id.parse().with_context(|| format!("GITHUB_APP_ID `{app_id}` is not a number"))?;
        let key = required("GITHUB_PRIVATE_KEY")?;
        let github_private_key = if key.contains("-----BEGIN") {
            key
        } else {
            std::fs::read_to_string(&key).with_context(|| format!("GITHUB_PRIVATE_KEY: reading the key file {key}"))?
        };
        let workers = match get("SPECBUILDER_WORKERS") {
            Some(n) => n.parse().with_context(|| format!("SPECBUILDER_WORKERS `{n}` is not a number"))?,
            None => 4,
        };
        let reconcile_every = match get("SPECBUILDER_RECONCILE_SECS") {
            Some(n) => std::time::Duration::from_secs(
                n.parse().with_context(|| format!("SPECBUILDER_RECONCILE_SECS `{n}` is not a number"))?,
            ),
            None => std::time::Duration::from_secs(300),
        };
        let number = |name: &str, default: u64| -> anyhow::Result<u64> {
            match get(name) {
                Some(n) => n.parse().with_context(|| format!("{name} `{n}` is not a number")),
                None => Ok(default),
            }
        };
        let admin_addr = match get("SPECBUILDER_ADMIN_ADDR") {
            Some(a) => Some(a.parse().with_context(|| format!("SPECBUILDER_ADMIN_ADDR `{a}` is not host:port"))?),
            None => None,
        };
        let defaults = super::http::Limits::default();
        let limits = super::http::Limits {
            max_connections: number("SPECBUILDER_MAX_CONNECTIONS", defaults.max_connections as u64)? as usize,
            header_timeout: std::time::Duration::from_secs(number("SPECBUILDER_HEADER_TIMEOUT_SECS", 10)?),
            request_timeout: std::time::Duration::from_secs(number("SPECBUILDER_REQUEST_TIMEOUT_SECS", 30)?),
        };
        let rate_limit_per_minute = u32::try_from(number("SPECBUILDER_RATE_LIMIT_PER_MINUTE", 100)?)
            .context("SPECBUILDER_RATE_LIMIT_PER_MINUTE is too large")?;
        let retention = std::time::Duration::from_secs(number("SPECBUILDER_RETENTION_DAYS", 30)? * 86_400);
        let allowed_owners = get("SPECBUILDER_ALLOWED_OWNERS").map(|list| {
            list.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect::<Vec<_>>()
        });
        let shutdown_grace = std::time::Duration::from_secs(number("SPECBUILDER_SHUTDOWN_GRACE_SECS", 20)?);
        let github_webhook_secret = required("GITHUB_WEBHOOK_SECRET")?;
        if github_webhook_secret.split(',').all(|s| s.trim().is_empty()) {
            bail!("GITHUB_WEBHOOK_SECRET holds no secret");
        }
        Ok(ServiceConfig {
            addr,
            database_url: required("DATABASE_URL")?,
            github_app_id,
            github_private_key,
            github_webhook_secret,
            github_api_url: get("GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.into()),
            workers,
            reconcile_every,
            admin_addr,
            rate_limit_per_minute,
            limits,
            retention,
            allowed_owners,
            shutdown_grace,
        })
    }
}
