//! The calls a spec bot makes, through the `gitlab` crate's endpoint builders (async). A 429 is
//! handed back with how long to wait (the caller's job queue waits, nothing sleeps here); a 5xx
//! is retried for reads, never for writes; writes to one project go one at a time.

use gitlab::api::projects::{issues, members, merge_requests, repository};
use gitlab::api::{self, ApiError, AsyncQuery, Pagination};
use gitlab::{AsyncGitlab, GitlabBuilder, RestError};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod endpoints;
mod types;

use endpoints::{DeleteNote, DiffDiscussion};
pub use types::*;

/// Where GitLab is and who we are there.
#[derive(Clone)]
pub struct ClientConfig {
    /// `https://gitlab.com`, or a self-hosted instance, also under a sub-path
    /// (`https://host/gitlab`); `http://` only for a loopback or lab instance.
    pub url: String,
    /// A project or group access token, or a bot user's personal token.
    pub token: String,
    /// PEM certificates of a private CA, added to the system's.
    pub ca_cert_pem: Option<Vec<u8>>,
    /// Accept any certificate (labs only; the caller warns).
    pub accept_invalid_certs: bool,
}

impl ClientConfig {
    /// `url` with `token`, the system's CAs and certificates checked.
    pub fn new(url: impl Into<String>, token: impl Into<String>) -> ClientConfig {
        ClientConfig { url: url.into(), token: token.into(), ca_cert_pem: None, accept_invalid_certs: false }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (f.debug_struct("ClientConfig").field("url", &self.url).field("token", &"[redacted]"))
            .field("ca_cert_pem", &self.ca_cert_pem.as_ref().map(|c| c.len()))
            .field("accept_invalid_certs", &self.accept_invalid_certs)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("GITLAB_URL `{0}` is not an http(s) URL")]
    BadUrl(String),
    #[error("the CA certificate does not parse: {0}")]
    BadCertificate(String),
    /// GitLab refused for now and did nothing; come back after this long.
    #[error("rate-limited by GitLab: try again in {} s", wait.as_secs())]
    RateLimited { wait: Duration },
    #[error("not found")]
    NotFound,
    /// A file changed since the commit we read it at, or a file to create exists.
    #[error("the branch changed under us: {0}")]
    Conflict(String),
    #[error("GitLab: {0}")]
    Api(String),
}

impl From<ApiError<RestError>> for ClientError {
    fn from(error: ApiError<RestError>) -> ClientError {
        match &error {
            ApiError::GitlabRateLimited { retry_after, .. } => ClientError::RateLimited { wait: *retry_after },
            _ => match status(&error) {
                Some(404) => ClientError::NotFound,
                Some(429) => ClientError::RateLimited { wait: Duration::from_secs(60) },
                _ => ClientError::Api(error.to_string()),
            },
        }
    }
}

/// The HTTP status of a failed call, if GitLab answered.
fn status(error: &ApiError<RestError>) -> Option<u16> {
    match error {
        ApiError::GitlabService { status, .. }
        | ApiError::GitlabWithStatus { status, .. }
        | ApiError::GitlabObjectWithStatus { status, .. }
        | ApiError::GitlabUnrecognizedWithStatus { status, .. } => Some(status.as_u16()),
        ApiError::GitlabRateLimited { .. } => Some(429),
        _ => None,
    }
}

/// GitLab's message for a failed call, for recognising the few that mean something.
fn message(error: &ApiError<RestError>) -> String {
    match error {
        ApiError::GitlabWithStatus { msg, .. } => msg.clone(),
        ApiError::GitlabObjectWithStatus { obj, .. } | ApiError::GitlabUnrecognizedWithStatus { obj, .. } => {
            obj.to_string()
        }
        other => other.to_string(),
    }
}

/// A GitLab instance, as one token.
pub struct GitLab {
    client: AsyncGitlab,
    pub user: CurrentUser,
    /// One lock per project: its writes go one at a time.
    writes: Mutex<HashMap<u64, Arc<tokio::sync::Mutex<()>>>>,
    /// Reads answered 5xx are tried this many times in all.
    pub read_attempts: u32,
    pub backoff: Duration,
}

impl GitLab {
    /// Connects (the crate asks `GET /user` first) and learns who the token acts as.
    pub async fn connect(config: &ClientConfig) -> Result<GitLab, ClientError> {
        let url = config.url.trim().trim_end_matches('/');
        let (plain, host) = match (url.strip_prefix("http://"), url.strip_prefix("https://")) {
            (Some(host), _) => (true, host),
            (_, Some(host)) => (false, host),
            _ => return Err(ClientError::BadUrl(config.url.clone())),
        };
        if host.is_empty() {
            return Err(ClientError::BadUrl(config.url.clone()));
        }
        let mut builder = GitlabBuilder::new(host, config.token.clone());
        builder.user_agent(concat!("specbuilder/", env!("CARGO_PKG_VERSION")));
        if plain {
            builder.insecure();
        }
        if let Some(pem) = &config.ca_cert_pem {
            let bundle =
                gitlab::CertificateBundle::pem_bundle(pem).map_err(|e| ClientError::BadCertificate(e.to_string()))?;
            builder.cert_custom(bundle);
        }
        if config.accept_invalid_certs {
            builder.cert_insecure();
        }
        let client = builder.build_async().await.map_err(|e| ClientError::Api(e.to_string()))?;
        let user: CurrentUser = api::users::CurrentUser::builder().build().map_err(build)?.query_async(&client).await?;
        Ok(GitLab { client, user, writes: Mutex::default(), read_attempts: 3, backoff: Duration::from_millis(200) })
    }

    /// Runs a read, again after a 5xx (with backoff), never after anything else.
    async fn read<T, F, Fut>(&self, call: F) -> Result<T, ClientError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, ApiError<RestError>>>,
    {
        let mut attempt = 1;
        loop {
            match call().await {
                Err(e) if status(&e).is_some_and(|s| s >= 500) && attempt < self.read_attempts => {
                    tokio::time::sleep(self.backoff * 2u32.pow(attempt - 1)).await;
                    attempt += 1;
                }
                other => return Ok(other?),
            }
        }
    }

    /// The lock a write to `project` holds.
    fn write_lock(&self, project: u64) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.writes.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(project).or_default().clone()
    }

    /// The commit `branch` points at, if it exists.
    pub async fn branch_head(&self, project: u64, branch: &str) -> Result<Option<String>, ClientError> {
        #[derive(Deserialize)]
        struct Branch {
            commit: Commit,
        }
        #[derive(Deserialize)]
        struct Commit {
            id: String,
        }
        let endpoint =
            repository::branches::Branch::builder().project(project).branch(branch).build().map_err(build)?;
        match self.read(|| endpoint.query_async(&self.client)).await {
            Ok(Branch { commit }) => Ok(Some(commit.id)),
            Err(ClientError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The bytes of `path` at `rev`, if it is there.
    pub async fn read_file(&self, project: u64, path: &str, rev: &str) -> Result<Option<Vec<u8>>, ClientError> {
        let endpoint =
            repository::files::FileRaw::builder().project(project).file_path(path).ref_(rev).build().map_err(build)?;
        let raw = api::raw(&endpoint);
        match self.read(|| raw.query_async(&self.client)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(ClientError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The commit that last changed `path` as of `rev`, if the file is there: what GitLab
    /// compares an action's `last_commit_id` with.
    async fn last_commit_of(&self, project: u64, path: &str, rev: &str) -> Result<Option<String>, ClientError> {
        #[derive(Deserialize)]
        struct FileInfo {
            last_commit_id: String,
        }
        let endpoint =
            repository::files::File::builder().project(project).file_path(path).ref_(rev).build().map_err(build)?;
        match self.read(|| endpoint.query_async(&self.client)).await {
            Ok(FileInfo { last_commit_id }) => Ok(Some(last_commit_id)),
            Err(ClientError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The blobs under `dir` at `rev`, recursively (keyset pagination); at most `max + 1`.
    pub async fn tree(&self, project: u64, dir: &str, rev: &str, max: usize) -> Result<Vec<TreeEntry>, ClientError> {
        let endpoint =
            repository::Tree::builder().project(project).path(dir).ref_(rev).recursive(true).build().map_err(build)?;
        let pages = api::paged(&endpoint, Pagination::Limit(max.saturating_add(1).saturating_mul(2)));
        let entries: Vec<TreeEntry> = match self.read(|| pages.query_async(&self.client)).await {
            Ok(entries) => entries,
            Err(ClientError::NotFound) => Vec::new(), // no such folder at that revision
            Err(e) => return Err(e),
        };
        let mut files: Vec<TreeEntry> = entries.into_iter().filter(|e| e.kind == "blob").take(max + 1).collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Commits `changes` on `branch` in one commit. GitLab cannot refuse a moved branch head, so
    /// each change carries the commit that last changed its file as we read it (GitLab refuses
    /// an edit of a file changed since, or a create of a file that exists); then the new commit's
    /// parent tells whether anyone else committed in between ([`Committed::moved`]).
    pub async fn commit(
        &self,
        project: u64,
        branch: &str,
        start: &Start,
        changes: &[FileChange],
        message: &str,
    ) -> Result<Committed, ClientError> {
        let read_at = match start {
            Start::At(head) | Start::NewFrom(head) => head.as_str(),
        };
        // One lookup per file, several at a time: `generate` commits dozens of files at once.
        use futures_util::{StreamExt, TryStreamExt};
        let lookups: Vec<_> =
            changes.iter().map(|change| self.last_commit_of(project, &change.path, read_at)).collect();
        let last: Vec<Option<String>> = futures_util::stream::iter(lookups).buffered(8).try_collect().await?;
        let mut actions = Vec::with_capacity(changes.len());
        for (change, last) in changes.iter().zip(&last) {
            let kind = match (&change.content, last) {
                (Some(_), None) => repository::commits::CommitActionType::Create,
                (Some(_), Some(_)) => repository::commits::CommitActionType::Update,
                (None, Some(_)) => repository::commits::CommitActionType::Delete,
                (None, None) => continue, // deleting what is not there
            };
            let mut action = repository::commits::CommitAction::builder();
            action.action(kind).file_path(change.path.as_str());
            if let Some(content) = &change.content {
                action.content(content.as_slice());
            }
            if let Some(last) = last {
                action.last_commit_id(last.as_str());
            }
            actions.push(action.build().map_err(build)?);
        }
        let mut endpoint = repository::commits::CreateCommit::builder();
        endpoint.project(project).branch(branch).commit_message(message).actions(actions);
        if let Start::NewFrom(from) = start {
            endpoint.start_sha(from.as_str());
        }
        let endpoint = endpoint.build().map_err(build)?;
        #[derive(Deserialize)]
        struct Made {
            id: String,
            #[serde(default)]
            parent_ids: Vec<String>,
        }
        let lock = self.write_lock(project);
        let _held = lock.lock().await;
        let made: Made = endpoint.query_async(&self.client).await.map_err(|e| {
            let text = message_of_conflict(&e);
            match text {
                Some(text) => ClientError::Conflict(text),
                None => ClientError::from(e),
            }
        })?;
        let parent = made.parent_ids.first().cloned();
        let moved = parent.as_deref() != Some(read_at);
        Ok(Committed { id: made.id, parent, moved })
    }

    /// Opens a merge request from `source` into `target`.
    pub async fn create_merge_request(
        &self,
        project: u64,
        source: &str,
        target: &str,
        title: &str,
        description: &str,
    ) -> Result<MergeRequestInfo, ClientError> {
        let endpoint = merge_requests::CreateMergeRequest::builder()
            .project(project)
            .source_branch(source)
            .target_branch(target)
            .title(title)
            .description(description)
            .build()
            .map_err(build)?;
        let lock = self.write_lock(project);
        let _held = lock.lock().await;
        Ok(endpoint.query_async(&self.client).await?)
    }

    /// Merge request `iid`.
    pub async fn merge_request(&self, project: u64, iid: u64) -> Result<MergeRequestInfo, ClientError> {
        let endpoint =
            merge_requests::MergeRequest::builder().project(project).merge_request(iid).build().map_err(build)?;
        self.read(|| endpoint.query_async(&self.client)).await
    }

    /// Every note of an issue or merge request, oldest first.
    pub async fn notes(&self, project: u64, on: Noteable) -> Result<Vec<Note>, ClientError> {
        let mut notes: Vec<Note> = match on {
            Noteable::Issue(iid) => {
                let endpoint =
                    issues::notes::IssueNotes::builder().project(project).issue(iid).build().map_err(build)?;
                let pages = api::paged(endpoint, Pagination::All);
                self.read(|| pages.query_async(&self.client)).await?
            }
            Noteable::MergeRequest(iid) => {
                let endpoint = merge_requests::notes::MergeRequestNotes::builder()
                    .project(project)
                    .merge_request(iid)
                    .build()
                    .map_err(build)?;
                let pages = api::paged(endpoint, Pagination::All);
                self.read(|| pages.query_async(&self.client)).await?
            }
        };
        notes.sort_by_key(|n| n.id);
        Ok(notes)
    }

    /// Adds a note; its id.
    pub async fn create_note(&self, project: u64, on: Noteable, body: &str) -> Result<u64, ClientError> {
        let lock = self.write_lock(project);
        let _held = lock.lock().await;
        let note: Note = match on {
            Noteable::Issue(iid) => {
                let endpoint = issues::notes::CreateIssueNote::builder()
                    .project(project)
                    .issue(iid)
                    .body(body)
                    .build()
                    .map_err(build)?;
                endpoint.query_async(&self.client).await?
            }
            Noteable::MergeRequest(iid) => {
                let endpoint = merge_requests::notes::CreateMergeRequestNote::builder()
                    .project(project)
                    .merge_request(iid)
                    .body(body)
                    .build()
                    .map_err(build)?;
                endpoint.query_async(&self.client).await?
            }
        };
        Ok(note.id)
    }

    /// Replaces note `id`'s body ([`ClientError::NotFound`] when it was deleted).
    pub async fn edit_note(&self, project: u64, on: Noteable, id: u64, body: &str) -> Result<u64, ClientError> {
        let lock = self.write_lock(project);
        let _held = lock.lock().await;
        let note: Note = match on {
            Noteable::Issue(iid) => {
                let endpoint = issues::notes::EditIssueNote::builder()
                    .project(project)
                    .issue(iid)
                    .note(id)
                    .body(body)
                    .build()
                    .map_err(build)?;
                endpoint.query_async(&self.client).await?
            }
            Noteable::MergeRequest(iid) => {
                let endpoint = merge_requests::notes::EditMergeRequestNote::builder()
                    .project(project)
                    .merge_request(iid)
                    .note(id)
                    .body(body)
                    .build()
                    .map_err(build)?;
                endpoint.query_async(&self.client).await?
            }
        };
        Ok(note.id)
    }

    /// Deletes note `id`; one deleted already counts as done.
    pub async fn delete_note(&self, project: u64, on: Noteable, id: u64) -> Result<(), ClientError> {
        let lock = self.write_lock(project);
        let _held = lock.lock().await;
        let result = api::ignore(DeleteNote { project, on, id }).query_async(&self.client).await;
        match result.map_err(ClientError::from) {
            Ok(()) | Err(ClientError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Sets the commit status `status.name` on `status.sha`. Setting the state it has already
    /// ("Cannot transition status") counts as done.
    pub async fn set_status(&self, project: u64, status: &Status<'_>) -> Result<(), ClientError> {
        use repository::commits::CommitStatusState;
        let mut endpoint = repository::commits::CreateCommitStatus::builder();
        endpoint
            .project(project)
            .commit(status.sha)
            .state(if status.passed { CommitStatusState::Success } else { CommitStatusState::Failed })
            .name(status.name)
            .description(status.description);
        match (status.pipeline, status.reference) {
            (Some(pipeline), _) => {
                endpoint.pipeline_id(pipeline);
            }
            (None, Some(reference)) => {
                endpoint.ref_(reference);
            }
            (None, None) => {}
        }
        let endpoint = endpoint.build().map_err(build)?;
        let lock = self.write_lock(project);
        let _held = lock.lock().await;
        match api::ignore(endpoint).query_async(&self.client).await {
            Err(e) if status_of_transition(&e) => Ok(()),
            other => Ok(other?),
        }
    }

    /// Starts a discussion on a line of a merge request's diff; its first note's id.
    pub async fn diff_discussion(
        &self,
        project: u64,
        iid: u64,
        place: &DiffPlace<'_>,
        body: &str,
    ) -> Result<String, ClientError> {
        #[derive(Deserialize)]
        struct Discussion {
            id: String,
        }
        let endpoint = DiffDiscussion { project, iid, place, body };
        let lock = self.write_lock(project);
        let _held = lock.lock().await;
        let made: Discussion = endpoint.query_async(&self.client).await?;
        Ok(made.id)
    }

    /// What `user_id` may do in the project, inherited memberships included: GitLab's access
    /// level (50 Owner, 40 Maintainer, 30 Developer, 20 Reporter, 10 Guest), 0 for none.
    pub async fn access_level(&self, project: u64, user_id: u64) -> Result<u64, ClientError> {
        #[derive(Deserialize)]
        struct Member {
            access_level: u64,
        }
        let endpoint = members::AllProjectMember::builder().project(project).user(user_id).build().map_err(build)?;
        match self.read(|| endpoint.query_async(&self.client)).await {
            Ok(Member { access_level }) => Ok(access_level),
            Err(ClientError::NotFound) => Ok(0),
            Err(e) => Err(e),
        }
    }
}

/// A builder left a required field out: a bug of ours, reported as such.
fn build(error: impl std::fmt::Display) -> ClientError {
    ClientError::Api(format!("building a request: {error}"))
}

/// GitLab's words for a commit that lost a race, if this is one.
fn message_of_conflict(error: &ApiError<RestError>) -> Option<String> {
    let text = message(error);
    let conflict = text.contains("has changed since you started editing it")
        || text.contains("already exists")
        || text.contains("doesn't exist");
    (status(error) == Some(400) && conflict).then_some(text)
}

/// "Cannot transition status via :run from :running": the status is in that state already.
fn status_of_transition(error: &ApiError<RestError>) -> bool {
    status(error) == Some(400) && message(error).contains("Cannot transition status")
}
