//! Webhook payloads, typed leniently: only the fields the product reads, every other field
//! ignored, and optional wherever GitHub omits a field in some payloads, so a new field or a
//! trimmed payload never loses a delivery.

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A verified webhook's payload, by the `X-GitHub-Event` header.
#[derive(Debug, Clone)]
pub enum Event {
    IssueComment(IssueCommentEvent),
    Issues(IssuesEvent),
    PullRequest(PullRequestEvent),
    PullRequestReview(PullRequestReviewEvent),
    PullRequestReviewComment(PullRequestReviewCommentEvent),
    CheckRun(CheckRunEvent),
    CheckSuite(CheckSuiteEvent),
    Installation(InstallationEvent),
    InstallationRepositories(InstallationRepositoriesEvent),
    Push(PushEvent),
    Ping(PingEvent),
    /// An event the app did not subscribe to; kept so it can be logged and acknowledged.
    Other {
        name: String,
    },
}

impl Event {
    /// Parses `body` as the event `name` (the `X-GitHub-Event` header).
    pub fn parse(name: &str, body: &[u8]) -> Result<Event, serde_json::Error> {
        fn de<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
            serde_json::from_slice(body)
        }
        Ok(match name {
            "issue_comment" => Event::IssueComment(de(body)?),
            "issues" => Event::Issues(de(body)?),
            "pull_request" => Event::PullRequest(de(body)?),
            "pull_request_review" => Event::PullRequestReview(de(body)?),
            "pull_request_review_comment" => Event::PullRequestReviewComment(de(body)?),
            "check_run" => Event::CheckRun(de(body)?),
            "check_suite" => Event::CheckSuite(de(body)?),
            "installation" => Event::Installation(de(body)?),
            "installation_repositories" => Event::InstallationRepositories(de(body)?),
            "push" => Event::Push(de(body)?),
            "ping" => Event::Ping(de(body)?),
            other => Event::Other { name: other.to_owned() },
        })
    }

    /// The installation the event belongs to, if any (absent on some repository webhooks).
    pub fn installation_id(&self) -> Option<u64> {
        let installation = match self {
            Event::IssueComment(e) => &e.installation,
            Event::Issues(e) => &e.installation,
            Event::PullRequest(e) => &e.installation,
            Event::PullRequestReview(e) => &e.installation,
            Event::PullRequestReviewComment(e) => &e.installation,
            Event::CheckRun(e) => &e.installation,
            Event::CheckSuite(e) => &e.installation,
            Event::Push(e) => &e.installation,
            Event::Installation(e) => return Some(e.installation.id),
            Event::InstallationRepositories(e) => return Some(e.installation.id),
            Event::Ping(_) | Event::Other { .. } => return None,
        };
        installation.as_ref().map(|i| i.id)
    }

    /// The account the event's repository (or installation) belongs to.
    pub fn owner(&self) -> Option<&str> {
        let repository = match self {
            Event::IssueComment(e) => &e.repository,
            Event::Issues(e) => &e.repository,
            Event::PullRequest(e) => &e.repository,
            Event::PullRequestReview(e) => &e.repository,
            Event::PullRequestReviewComment(e) => &e.repository,
            Event::CheckRun(e) => &e.repository,
            Event::CheckSuite(e) => &e.repository,
            Event::Push(e) => &e.repository,
            Event::Installation(e) => return Some(&e.installation.account.login),
            _ => return None,
        };
        Some(&repository.owner.login)
    }

    /// What the payload itself identifies, for events whose replay would act twice: a comment,
    /// its action and when it last changed. A captured body resent under a new delivery id has
    /// the same subject, so it can be recognised as the same event.
    pub fn subject(&self) -> Option<String> {
        match self {
            Event::IssueComment(e) => Some(format!(
                "issue_comment:{}:{}:{}",
                e.comment.id,
                e.action,
                e.comment.updated_at.as_deref().unwrap_or("-")
            )),
            _ => None,
        }
    }

    /// Whether a bot caused the event: the app never reacts to bots, itself included.
    pub fn sender_is_bot(&self) -> bool {
        let sender = match self {
            Event::IssueComment(e) => Some(&e.sender),
            Event::Issues(e) => Some(&e.sender),
            Event::PullRequest(e) => Some(&e.sender),
            Event::PullRequestReview(e) => Some(&e.sender),
            Event::PullRequestReviewComment(e) => Some(&e.sender),
            Event::CheckRun(e) => Some(&e.sender),
            Event::CheckSuite(e) => Some(&e.sender),
            Event::Push(e) => e.sender.as_ref(),
            _ => None,
        };
        sender.is_some_and(Account::is_bot)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    pub login: String,
    pub id: u64,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

impl Account {
    /// GitHub marks apps' accounts `type: Bot` and their logins `name[bot]`.
    pub fn is_bot(&self) -> bool {
        self.kind.as_deref() == Some("Bot") || self.login.ends_with("[bot]")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct InstallationRef {
    pub id: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Repository {
    pub id: u64,
    pub name: String,
    pub full_name: String,
    pub owner: Account,
    /// The repository's web page, for links in comments.
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub private: bool,
    #[serde(default)]
    pub default_branch: Option<String>,
}

/// A repository as listed in installation events (no owner object there).
#[derive(Debug, Clone, Deserialize)]
pub struct RepositoryRef {
    pub id: u64,
    pub name: String,
    pub full_name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub user: Account,
    #[serde(default)]
    pub state: Option<String>,
    /// Present when the "issue" is a pull request (comments on PRs arrive as issue comments).
    #[serde(default)]
    pub pull_request: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Comment {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    pub user: Account,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub author_association: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IssueCommentEvent {
    pub action: String,
    pub issue: Issue,
    pub comment: Comment,
    pub repository: Repository,
    pub sender: Account,
    #[serde(default)]
    pub installation: Option<InstallationRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IssuesEvent {
    pub action: String,
    pub issue: Issue,
    pub repository: Repository,
    pub sender: Account,
    #[serde(default)]
    pub installation: Option<InstallationRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GitRef {
    #[serde(rename = "ref", default)]
    pub name: String,
    pub sha: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PullRequest {
    pub number: u64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    pub head: GitRef,
    pub base: GitRef,
    #[serde(default)]
    pub user: Option<Account>,
    #[serde(default)]
    pub merged: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PullRequestEvent {
    pub action: String,
    pub number: u64,
    pub pull_request: PullRequest,
    pub repository: Repository,
    pub sender: Account,
    #[serde(default)]
    pub installation: Option<InstallationRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Review {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    pub user: Account,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PullRequestReviewEvent {
    pub action: String,
    pub review: Review,
    pub pull_request: PullRequest,
    pub repository: Repository,
    pub sender: Account,
    #[serde(default)]
    pub installation: Option<InstallationRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReviewComment {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    pub user: Account,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub line: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PullRequestReviewCommentEvent {
    pub action: String,
    pub comment: ReviewComment,
    pub pull_request: PullRequest,
    pub repository: Repository,
    pub sender: Account,
    #[serde(default)]
    pub installation: Option<InstallationRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckSuite {
    pub id: u64,
    #[serde(default)]
    pub head_sha: Option<String>,
    #[serde(default)]
    pub head_branch: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckRun {
    pub id: u64,
    pub name: String,
    pub head_sha: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub check_suite: Option<CheckSuite>,
    /// The pull requests whose head the run is on.
    #[serde(default)]
    pub pull_requests: Vec<CheckRunPull>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckRunPull {
    pub number: u64,
    pub head: GitRef,
    pub base: GitRef,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckRunEvent {
    pub action: String,
    pub check_run: CheckRun,
    pub repository: Repository,
    pub sender: Account,
    #[serde(default)]
    pub installation: Option<InstallationRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckSuiteEvent {
    pub action: String,
    pub check_suite: CheckSuite,
    pub repository: Repository,
    pub sender: Account,
    #[serde(default)]
    pub installation: Option<InstallationRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Installation {
    pub id: u64,
    pub account: Account,
    #[serde(default)]
    pub repository_selection: Option<String>,
    #[serde(default)]
    pub app_id: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InstallationEvent {
    pub action: String,
    pub installation: Installation,
    #[serde(default)]
    pub repositories: Vec<RepositoryRef>,
    pub sender: Account,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InstallationRepositoriesEvent {
    pub action: String,
    pub installation: Installation,
    #[serde(default)]
    pub repositories_added: Vec<RepositoryRef>,
    #[serde(default)]
    pub repositories_removed: Vec<RepositoryRef>,
    pub sender: Account,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PushCommit {
    pub id: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub added: Vec<String>,
    #[serde(default)]
    pub removed: Vec<String>,
    #[serde(default)]
    pub modified: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PushEvent {
    #[serde(rename = "ref")]
    pub git_ref: String,
    pub before: String,
    pub after: String,
    #[serde(default)]
    pub commits: Vec<PushCommit>,
    #[serde(default)]
    pub deleted: bool,
    pub repository: Repository,
    #[serde(default)]
    pub sender: Option<Account>,
    #[serde(default)]
    pub installation: Option<InstallationRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PingEvent {
    #[serde(default)]
    pub zen: Option<String>,
    #[serde(default)]
    pub hook_id: Option<u64>,
}
