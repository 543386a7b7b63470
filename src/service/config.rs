//! The service's configuration, from the environment (each variable may instead be set in
//! `specbuilder.toml` under `[service]`, with the environment winning).

use anyhow::{Context, bail};
use std::collections::HashMap;
use std::net::SocketAddr;

pub const DEFAULT_API_URL: &str = "https://api.github.com";
pub const DEFAULT_GITLAB_URL: &str = "https://gitlab.com";

/// The GitHub App, when GitHub is served.
#[derive(Clone)]
pub struct GitHubConfig {
    pub app_id: u64,
    /// PEM text (read from the file when the variable names one).
    pub private_key: String,
    /// Comma-separated: all verify (rotation).
    pub webhook_secret: String,
    pub api_url: String,
}

/// The GitLab integration, when GitLab is served.
#[derive(Clone)]
pub struct GitLabConfig {
    /// The instance, also under a sub-path; its scheme decides https or plain http.
    pub url: String,
    /// A project or group access token, or a bot user's token.
    pub token: String,
    /// Comma-separated while rotating.
    pub webhook_secret: String,
    /// `whsec_...`: deliveries must then be signed.
    pub signing_token: Option<String>,
    /// PEM text of a private CA (read from the file the variable names).
    pub ca_cert: Option<String>,
    /// Accept any certificate: labs only, warned about at start.
    pub insecure: bool,
}

#[derive(Clone)]
pub struct ServiceConfig {
    pub addr: SocketAddr,
    pub database_url: String,
    pub github: Option<GitHubConfig>,
    pub gitlab: Option<GitLabConfig>,
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
            .field("github_app_id", &self.github.as_ref().map(|g| g.app_id))
            .field("github_api_url", &self.github.as_ref().map(|g| &g.api_url))
            .field("gitlab_url", &self.gitlab.as_ref().map(|g| &g.url))
            .field("secrets", &"[redacted]")
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
        let github = github(&get)?;
        let gitlab = gitlab(&get)?;
        if github.is_none() && gitlab.is_none() {
            bail!(
                "no host is configured: set GITHUB_APP_ID, GITHUB_PRIVATE_KEY and GITHUB_WEBHOOK_SECRET for GitHub, \
                 GITLAB_TOKEN and GITLAB_WEBHOOK_SECRET for GitLab, or both (see `specbuilder serve --help`)"
            );
        }
        Ok(ServiceConfig {
            addr,
            database_url: required("DATABASE_URL")?,
            github,
            gitlab,
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

/// The variables of one host: none set, that host is not served; some set, every required one
/// must be, or the error names the first missing.
fn host_vars<'a>(
    host: &str,
    get: &dyn Fn(&str) -> Option<String>,
    required: &[&'a str],
    optional: &[&str],
) -> anyhow::Result<Option<Vec<String>>> {
    let any = required.iter().chain(optional).any(|name| get(name).is_some());
    if !any {
        return Ok(None);
    }
    let mut values = Vec::new();
    for name in required {
        match get(name) {
            Some(value) => values.push(value),
            None => bail!("{host} is half-configured: {name} is not set (see `specbuilder serve --help`)"),
        }
    }
    Ok(Some(values))
}

fn github(get: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Option<GitHubConfig>> {
    let names = ["GITHUB_APP_ID", "GITHUB_PRIVATE_KEY", "GITHUB_WEBHOOK_SECRET"];
    let Some(values) = host_vars("GitHub", get, &names, &["GITHUB_API_URL"])? else { return Ok(None) };
    let [app_id, key, webhook_secret] = <[String; 3]>::try_from(values).expect("three required");
    let app_id = app_id.parse().with_context(|| format!("GITHUB_APP_ID `{app_id}` is not a number"))?;
    let private_key = if key.contains("-----BEGIN") {
        key
    } else {
        std::fs::read_to_string(&key).with_context(|| format!("GITHUB_PRIVATE_KEY: reading the key file {key}"))?
    };
    if webhook_secret.split(',').all(|s| s.trim().is_empty()) {
        bail!("GITHUB_WEBHOOK_SECRET holds no secret");
    }
    let api_url = get("GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.into());
    Ok(Some(GitHubConfig { app_id, private_key, webhook_secret, api_url }))
}

fn gitlab(get: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Option<GitLabConfig>> {
    let names = ["GITLAB_TOKEN", "GITLAB_WEBHOOK_SECRET"];
    let optional = ["GITLAB_URL", "GITLAB_WEBHOOK_SIGNING_TOKEN", "GITLAB_CA_CERT", "GITLAB_INSECURE_SKIP_TLS_VERIFY"];
    let Some(values) = host_vars("GitLab", get, &names, &optional)? else { return Ok(None) };
    let [token, webhook_secret] = <[String; 2]>::try_from(values).expect("two required");
    if webhook_secret.split(',').all(|s| s.trim().is_empty()) {
        bail!("GITLAB_WEBHOOK_SECRET holds no secret");
    }
    let url = get("GITLAB_URL").unwrap_or_else(|| DEFAULT_GITLAB_URL.into());
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        bail!("GITLAB_URL `{url}` must start with https:// (or http:// for a loopback or lab instance)");
    }
    let ca_cert = match get("GITLAB_CA_CERT") {
        Some(path) => Some(
            std::fs::read_to_string(&path)
                .with_context(|| format!("GITLAB_CA_CERT: reading the certificate {path}"))?,
        ),
        None => None,
    };
    let insecure = match get("GITLAB_INSECURE_SKIP_TLS_VERIFY").as_deref() {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(other) => bail!("GITLAB_INSECURE_SKIP_TLS_VERIFY `{other}` is not true or false"),
    };
    let signing_token = get("GITLAB_WEBHOOK_SIGNING_TOKEN");
    Ok(Some(GitLabConfig { url, token, webhook_secret, signing_token, ca_cert, insecure }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> anyhow::Result<ServiceConfig> {
        let mut all: HashMap<String, String> = HashMap::from([("DATABASE_URL".into(), "postgres://db/x".into())]);
        all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        ServiceConfig::from_vars(&all, &HashMap::new())
    }

    const GITHUB: [(&str, &str); 3] = [
        ("GITHUB_APP_ID", "12"),
        ("GITHUB_PRIVATE_KEY", "-----BEGIN RSA PRIVATE KEY-----"),
        ("GITHUB_WEBHOOK_SECRET", "s"),
    ];

    #[test]
    fn github_gitlab_or_both_and_a_half_configured_host_names_what_is_missing() {
        let github = config(&GITHUB).unwrap();
        assert!(github.github.is_some() && github.gitlab.is_none());
        let gitlab = config(&[("GITLAB_TOKEN", "glpat"), ("GITLAB_WEBHOOK_SECRET", "t")]).unwrap();
        let lab = gitlab.gitlab.as_ref().unwrap();
        assert!(gitlab.github.is_none());
        assert_eq!((lab.url.as_str(), lab.insecure, lab.signing_token.as_deref()), ("https://gitlab.com", false, None));
        let both: Vec<(&str, &str)> =
            GITHUB.iter().copied().chain([("GITLAB_TOKEN", "glpat"), ("GITLAB_WEBHOOK_SECRET", "t")]).collect();
        let both = config(&both).unwrap();
        assert!(both.github.is_some() && both.gitlab.is_some());

        let half = config(&[("GITLAB_URL", "https://host/gitlab"), ("GITLAB_TOKEN", "glpat")]).unwrap_err();
        assert!(half.to_string().contains("GitLab is half-configured: GITLAB_WEBHOOK_SECRET"), "{half}");
        let half = config(&[("GITHUB_APP_ID", "12")]).unwrap_err();
        assert!(half.to_string().contains("GITHUB_PRIVATE_KEY is not set"), "{half}");
        let none = config(&[]).unwrap_err();
        assert!(none.to_string().contains("no host is configured"), "{none}");
        let scheme = config(&[("GITLAB_URL", "host/gitlab"), ("GITLAB_TOKEN", "x"), ("GITLAB_WEBHOOK_SECRET", "t")]);
        assert!(scheme.unwrap_err().to_string().contains("https://"));
        let debug = format!("{both:?}");
        assert!(!debug.contains("glpat") && !debug.contains("BEGIN"), "{debug}");
    }
}
