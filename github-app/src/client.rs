//! Calls to GitHub as an App through octocrab: the App JWT mints installation tokens, which
//! octocrab caches and renews before they expire; a token GitHub refuses anyway (401: revoked,
//! clock skew) is replaced once and the call retried. octocrab's own retry is off: a retried
//! content-creating call could post twice.

use octocrab::models::{CommentId, InstallationId};
use octocrab::service::middleware::retry::RetryConfig;
use octocrab::{EncodingKey, Octocrab};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// GitHub's limit on a comment body, in characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// Where GitHub is, and who the app is.
pub struct AppConfig {
    /// `https://api.github.com`, or `https://HOST/api/v3` on GitHub Enterprise Server.
    pub api_url: String,
    pub app_id: u64,
    /// The app's private key, PEM.
    pub private_key_pem: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(
        "branch `{branch}` moved while we worked (we read {expected}, it is now {actual}); nothing was overwritten"
    )]
    Moved { branch: String, expected: String, actual: String },
    #[error("GitHub sent something we cannot use: {0}")]
    Unexpected(String),
    /// GitHub asked us to wait longer than the policy waits in place: schedule the call later.
    #[error("GitHub's rate limit: try again in {} s ({message})", wait.as_secs())]
    RateLimited { wait: Duration, message: String },
    #[error("the app's private key is not an RSA key in PEM: {0}")]
    Key(String),
    #[error("GitHub API: {0}")]
    Api(#[from] octocrab::Error),
}

/// A repository on GitHub.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RepoRef {
    pub owner: String,
    pub name: String,
}

impl RepoRef {
    pub fn new(owner: &str, name: &str) -> RepoRef {
        RepoRef { owner: owner.to_owned(), name: name.to_owned() }
    }

    /// The REST path of the repository, `/repos/{owner}/{repo}`.
    pub fn api(&self) -> String {
        format!("/repos/{}/{}", self.owner, self.name)
    }

    pub fn issue(&self, number: u64) -> IssueRef {
        IssueRef { owner: self.owner.clone(), repo: self.name.clone(), number }
    }
}

/// An issue or pull request of a repository.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IssueRef {
    pub owner: String,
    pub repo: String,
    pub number: u64,
}

/// The app's view of GitHub: one octocrab client per installation, shared (not cloned: a clone
/// of an octocrab client copies its token cache, so every clone would mint its own token).
pub struct GitHubApp {
    app: Arc<Octocrab>,
    installations: Mutex<HashMap<u64, Arc<Octocrab>>>,
    /// One lock per installation: calls that create content run one at a time, as GitHub asks
    /// of integrations to avoid secondary rate limits.
    writers: Mutex<HashMap<u64, Arc<tokio::sync::Mutex<()>>>>,
    /// The login of the app's bot account, `<slug>[bot]`, learned from `/app` on first use.
    bot_login: tokio::sync::OnceCell<String>,
    pub policy: RetryPolicy,
}

/// How long to wait for GitHub when it says "not now".
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts after a rate limit (403/429 with Retry-After or an exhausted quota) or, for
    /// reads only, a 5xx.
    pub retries: u32,
    /// The longest single wait; a longer Retry-After is an error for the caller to schedule.
    pub max_wait: Duration,
    /// The first backoff after a 5xx, doubled each time.
    pub backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { retries: 3, max_wait: Duration::from_secs(60), backoff: Duration::from_millis(500) }
    }
}

/// Whether a call may be repeated when its outcome is unknown (a 5xx after it reached GitHub).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// Reads: repeating changes nothing.
    Read,
    /// Creates git objects (blobs, trees, commits): content-addressed, so making one twice is
    /// harmless and a 5xx is retried; still serialised like any content-creating call.
    Object,
    /// Creates or changes content: repeated only when GitHub said it did nothing (401, rate
    /// limits), and serialised per installation.
    Write,
    /// Replaces or deletes content: the same request twice leaves the same state, so a 5xx is
    /// retried; serialised like any write.
    Idempotent,
}

impl GitHubApp {
    pub fn new(config: &AppConfig) -> Result<GitHubApp, ClientError> {
        let key = EncodingKey::from_rsa_pem(config.private_key_pem.as_bytes())
            .map_err(|e| ClientError::Key(e.to_string()))?;
        let app = Octocrab::builder()
            .base_uri(config.api_url.as_str())?
            .add_retry_config(RetryConfig::None)
            .app(config.app_id.into(), key)
            .build()?;
        Ok(GitHubApp {
            app: Arc::new(app),
            installations: Mutex::new(HashMap::new()),
            writers: Mutex::new(HashMap::new()),
            bot_login: tokio::sync::OnceCell::new(),
            policy: RetryPolicy::default(),
        })
    }

    /// The client of an installation, made (and its token cache started) on first use.
    fn installation(&self, id: u64, fresh: bool) -> Result<Arc<Octocrab>, ClientError> {
        let mut clients = self.installations.lock().unwrap_or_else(|e| e.into_inner());
        if fresh || !clients.contains_key(&id) {
            clients.insert(id, Arc::new(self.app.installation(InstallationId(id))?));
        }
        Ok(clients[&id].clone())
    }

    /// Runs `call` as installation `id`. A 401 replaces the installation's token once; a rate
    /// limit (GitHub did nothing) waits as GitHub says and tries again; a 5xx is retried with
    /// backoff unless the call is a [`Call::Write`], which may have happened. Calls that create
    /// anything run one at a time per installation.
    pub async fn as_installation<T, F, Fut>(&self, id: u64, kind: Call, call: F) -> Result<T, ClientError>
    where
        F: Fn(Arc<Octocrab>) -> Fut,
        Fut: Future<Output = octocrab::Result<T>>,
    {
        let writer = (kind != Call::Read).then(|| self.writer(id));
        self.retrying(kind, writer, |fresh| self.installation(id, fresh), call).await
    }

    /// Runs `call` as the app itself (App JWT): `/app`, `/app/installations`.
    pub async fn as_app<T, F, Fut>(&self, call: F) -> Result<T, ClientError>
    where
        F: Fn(Arc<Octocrab>) -> Fut,
        Fut: Future<Output = octocrab::Result<T>>,
    {
        self.retrying(Call::Read, None, |_| Ok(self.app.clone()), call).await
    }

    /// Runs `call` until it succeeds or may not be tried again. `writer`, when given, is held for
    /// each attempt and never while waiting between them: a rate-limited installation does not
    /// stop the others' writes while it sleeps.
    async fn retrying<T, C, F, Fut>(
        &self,
        kind: Call,
        writer: Option<Arc<tokio::sync::Mutex<()>>>,
        client: C,
        call: F,
    ) -> Result<T, ClientError>
    where
        C: Fn(bool) -> Result<Arc<Octocrab>, ClientError>,
        F: Fn(Arc<Octocrab>) -> Fut,
        Fut: Future<Output = octocrab::Result<T>>,
    {
        let (mut refreshed, mut attempt, mut backoff) = (false, 0, self.policy.backoff);
        loop {
            let turn = match &writer {
                Some(lock) => Some(lock.lock().await),
                None => None,
            };
            let outcome = call(client(false)?).await;
            drop(turn);
            let error = match outcome {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let wait = match classify(&error) {
                Failure::Unauthorized if !refreshed => {
                    refreshed = true;
                    client(true)?;
                    continue;
                }
                Failure::RateLimited(wait) if attempt < self.policy.retries && wait <= self.policy.max_wait => wait,
                Failure::RateLimited(wait) => {
                    return Err(ClientError::RateLimited { wait, message: error.to_string() });
                }
                Failure::Server if kind != Call::Write && attempt < self.policy.retries => {
                    backoff *= 2;
                    backoff / 2
                }
                _ => return Err(error.into()),
            };
            attempt += 1;
            tokio::time::sleep(wait).await;
        }
    }

    fn writer(&self, id: u64) -> Arc<tokio::sync::Mutex<()>> {
        let mut writers = self.writers.lock().unwrap_or_else(|e| e.into_inner());
        writers.entry(id).or_default().clone()
    }

    /// Creates or updates the app's one comment on `topic` in an issue or pull request: the
    /// comment carries a hidden marker, so posting the same topic again edits it in place
    /// instead of adding another. A body over GitHub's limit is split across several comments.
    ///
    /// `known` is the comment this topic had when we last posted it: a body that fits one comment
    /// edits it directly, without reading the thread (a flood of comments costs nothing more).
    pub async fn ensure_comment(
        &self,
        installation: u64,
        issue: &IssueRef,
        topic: &str,
        body: &str,
        known: Option<u64>,
    ) -> Result<Vec<u64>, ClientError> {
        let parts = split_comment(body, COMMENT_LIMIT - 200);
        if let (Some(id), [part]) = (known, parts.as_slice()) {
            match self.edit_comment(installation, issue, id, &format!("{part}\n\n{}", marker(topic, 0))).await {
                Ok(id) => return Ok(vec![id]),
                // Deleted since: find it, or post it again, as if it were new.
                Err(ClientError::Api(e)) if status_of(&e) == Some(404) => {}
                Err(e) => return Err(e),
            }
        }
        let existing = self.app_comments(installation, issue).await?;
        let mut ids = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let marker = marker(topic, i);
            let text = format!("{part}\n\n{marker}");
            let found = existing.iter().find(|(_, body)| body.contains(&marker)).map(|(id, _)| *id);
            let (owner, repo) = (issue.owner.as_str(), issue.repo.as_str());
            let id = match found {
                Some(id) => self.edit_comment(installation, issue, id, &text).await?,
                None => {
                    self.as_installation(installation, Call::Write, |crab| {
                        let text = text.clone();
                        async move { crab.issues(owner, repo).create_comment(issue.number, text).await }
                    })
                    .await?
                    .id
                    .0
                }
            };
            ids.push(id);
        }
        // A body that shrank leaves parts it no longer has: they go, or they would say old things.
        let stale = |body: &str| (parts.len()..parts.len() + existing.len()).any(|i| body.contains(&marker(topic, i)));
        for (id, _) in existing.iter().filter(|(_, body)| stale(body)) {
            self.delete_comment(installation, issue, *id).await?;
        }
        Ok(ids)
    }

    /// Deletes comment `id`; one deleted already counts as done.
    pub(crate) async fn delete_comment(&self, installation: u64, issue: &IssueRef, id: u64) -> Result<(), ClientError> {
        let (owner, repo) = (issue.owner.as_str(), issue.repo.as_str());
        let deleted = self
            .as_installation(installation, Call::Idempotent, |crab| async move {
                crab.issues(owner, repo).delete_comment(CommentId(id)).await
            })
            .await;
        match deleted {
            Err(ClientError::Api(e)) if status_of(&e) == Some(404) => Ok(()),
            other => other,
        }
    }

    /// Replaces the body of comment `id`; PATCH, as GitHub documents it (octocrab's
    /// `update_comment` sends POST).
    async fn edit_comment(&self, installation: u64, issue: &IssueRef, id: u64, text: &str) -> Result<u64, ClientError> {
        let route = format!("/repos/{}/{}/issues/comments/{}", issue.owner, issue.repo, CommentId(id));
        let comment = self
            .as_installation(installation, Call::Write, |crab| {
                let (route, body) = (route.clone(), serde_json::json!({ "body": text }));
                async move { crab.patch::<octocrab::models::issues::Comment, _, _>(route, Some(&body)).await }
            })
            .await?;
        Ok(comment.id.0)
    }

    /// Every comment of an issue, oldest first.
    pub async fn comments(
        &self,
        installation: u64,
        issue: &IssueRef,
    ) -> Result<Vec<octocrab::models::issues::Comment>, ClientError> {
        let mut out = Vec::new();
        for page in 1u32.. {
            let comments = self
                .as_installation(installation, Call::Read, |crab| async move {
                    crab.issues(&issue.owner, &issue.repo)
                        .list_comments(issue.number)
                        .per_page(100)
                        .page(page)
                        .send()
                        .await
                })
                .await?;
            let count = comments.items.len();
            out.extend(comments.items);
            if count < 100 {
                break;
            }
        }
        Ok(out)
    }

    /// The login of the app's own bot account, `<slug>[bot]`. GitHub logins cannot contain
    /// `[`, so no person or other app can comment under it.
    pub async fn bot_login(&self) -> Result<&str, ClientError> {
        let login = self
            .bot_login
            .get_or_try_init(|| async {
                let app: serde_json::Value =
                    self.as_app(|crab| async move { crab.get("/app", None::<&()>).await }).await?;
                let slug = app["slug"].as_str().filter(|s| !s.is_empty());
                let slug = slug.ok_or_else(|| ClientError::Unexpected("`/app` names no slug".into()))?;
                Ok::<_, ClientError>(format!("{slug}[bot]"))
            })
            .await?;
        Ok(login.as_str())
    }

    /// The app's own comments on an issue that carry one of our markers, as (id, body). A marker
    /// in anyone else's comment is plain text: it never makes that comment ours to edit.
    pub(crate) async fn app_comments(
        &self,
        installation: u64,
        issue: &IssueRef,
    ) -> Result<Vec<(u64, String)>, ClientError> {
        let login = self.bot_login().await?.to_owned();
        let comments = self.comments(installation, issue).await?;
        Ok((comments.into_iter())
            .filter(|c| c.user.login == login && c.user.r#type == "Bot")
            .filter_map(|c| c.body.filter(|b| b.contains(MARKER_PREFIX)).map(|b| (c.id.0, b)))
            .collect())
    }
}

/// How every comment the app upserts begins its hidden marker.
pub const MARKER_PREFIX: &str = "<!-- specbuilder:topic=";

/// The hidden marker of part `i` of a topic's comment. Topics are sanitised so a marker can never
/// close early or be forged from user text that merely mentions it.
pub fn marker(topic: &str, i: usize) -> String {
    let topic: String =
        topic.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')).collect();
    if i == 0 { format!("{MARKER_PREFIX}{topic} -->") } else { format!("{MARKER_PREFIX}{topic}#{} -->", i + 1) }
}

/// Splits `body` into parts of at most `limit` characters, at line breaks where possible.
pub fn split_comment(body: &str, limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut length = 0;
    for line in body.split_inclusive('\n') {
        let mut line = line;
        loop {
            let chars = line.chars().count();
            if length + chars <= limit {
                current.push_str(line);
                length += chars;
                break;
            }
            if length > 0 {
                parts.push(std::mem::take(&mut current));
                length = 0;
                continue;
            }
            // One line longer than the limit: cut it.
            let cut = line.char_indices().nth(limit).map_or(line.len(), |(i, _)| i);
            parts.push(line[..cut].to_owned());
            line = &line[cut..];
        }
    }
    if !current.is_empty() || parts.is_empty() {
        parts.push(current);
    }
    parts
}

/// What a failed call means for trying again.
enum Failure {
    Unauthorized,
    /// GitHub refused for now and did nothing; wait this long.
    RateLimited(Duration),
    Server,
    Other,
}

fn classify(error: &octocrab::Error) -> Failure {
    let octocrab::Error::GitHub { source, .. } = error else { return Failure::Other };
    let header = |name: &str| {
        (source.headers.as_ref())
            .and_then(|h| h.get(name))
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
    };
    match source.status_code.as_u16() {
        401 => Failure::Unauthorized,
        403 | 429 => {
            if let Some(seconds) = header("retry-after") {
                return Failure::RateLimited(Duration::from_secs(seconds));
            }
            if header("x-ratelimit-remaining") == Some(0) {
                let reset = header("x-ratelimit-reset").or(source.rate_limit_reset).unwrap_or_default();
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
                return Failure::RateLimited(Duration::from_secs(reset.saturating_sub(now.as_secs()).max(1)));
            }
            // GitHub's advice for a secondary limit without headers: wait at least a minute.
            if source.status_code.as_u16() == 429 || source.message.contains("secondary rate limit") {
                return Failure::RateLimited(Duration::from_secs(60));
            }
            Failure::Other
        }
        500..=599 => Failure::Server,
        _ => Failure::Other,
    }
}

/// The HTTP status of a GitHub error, if it was one.
pub fn status_of(error: &octocrab::Error) -> Option<u16> {
    match error {
        octocrab::Error::GitHub { source, .. } => Some(source.status_code.as_u16()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_comments_split_at_lines_and_cut_overlong_lines() {
        assert_eq!(split_comment("a\nb\n", 10), vec!["a\nb\n"]);
        assert_eq!(split_comment("aaaa\nbbbb\n", 6), vec!["aaaa\n", "bbbb\n"]);
        assert_eq!(split_comment("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(split_comment("", 3), vec![""]);
        let big = "é".repeat(70_000);
        let parts = split_comment(&big, COMMENT_LIMIT);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts.concat(), big);
        assert!(parts.iter().all(|p| p.chars().count() <= COMMENT_LIMIT));
    }

    #[test]
    fn markers_cannot_be_closed_by_the_topic() {
        assert_eq!(marker("q/auth.signup", 0), "<!-- specbuilder:topic=q/auth.signup -->");
        assert_eq!(marker("x --> <b>", 1), "<!-- specbuilder:topic=x--b#2 -->");
    }
}
