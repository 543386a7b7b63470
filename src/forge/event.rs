//! What happened on a host, in the product's terms. Ingress turns each host's webhook into one of
//! these; the bot sees nothing else. They are stored as a job's payload, so they serialise.

use serde::{Deserialize, Serialize};

/// Where a repository is hosted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Host {
    GitHub,
    GitLab,
}

impl Host {
    pub fn as_str(self) -> &'static str {
        match self {
            Host::GitHub => "github",
            Host::GitLab => "gitlab",
        }
    }

    /// How people refer to change request `n` here: `#7` on GitHub, `!7` on GitLab.
    pub fn change_request_ref(self, n: u64) -> String {
        match self {
            Host::GitHub => format!("#{n}"),
            Host::GitLab => format!("!{n}"),
        }
    }

    pub fn parse(name: &str) -> Option<Host> {
        match name {
            "github" => Some(Host::GitHub),
            "gitlab" => Some(Host::GitLab),
            _ => None,
        }
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A repository (GitHub) or project (GitLab), as events name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoId {
    pub host: Host,
    /// What calls are made under: GitHub's app installation; GitLab's project id.
    pub installation: u64,
    /// The account or group path (GitLab's may hold `/`, for subgroups).
    pub owner: String,
    pub name: String,
    /// The repository's web page, for links in comments.
    #[serde(default)]
    pub web_url: Option<String>,
    #[serde(default)]
    pub default_branch: Option<String>,
}

impl RepoId {
    /// `owner/name`, as people write it.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// Unique across hosts: the same `owner/name` may exist on both.
    pub fn key(&self) -> String {
        format!("{}:{}/{}", self.host, self.owner, self.name)
    }

    pub fn default_branch(&self) -> &str {
        self.default_branch.as_deref().unwrap_or("main")
    }
}

/// Where comments are posted: an issue's or a change request's conversation. (GitHub numbers
/// both from one sequence and keeps a pull request's comments on its issue; GitLab numbers
/// issues `#n` and merge requests `!n` apart.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "number")]
pub enum Thread {
    Issue(u64),
    ChangeRequest(u64),
}

impl Thread {
    pub fn number(self) -> u64 {
        match self {
            Thread::Issue(n) | Thread::ChangeRequest(n) => n,
        }
    }

    /// The kind, as stored beside the number.
    pub fn kind(self) -> &'static str {
        match self {
            Thread::Issue(_) => "issue",
            Thread::ChangeRequest(_) => "change_request",
        }
    }

    /// How people on `host` refer to the thread: `#12`, or `!7` for a GitLab merge request.
    pub fn reference(self, host: Host) -> String {
        match self {
            Thread::Issue(n) => format!("#{n}"),
            Thread::ChangeRequest(n) => host.change_request_ref(n),
        }
    }

    pub fn from_parts(kind: &str, number: u64) -> Thread {
        match kind {
            "change_request" => Thread::ChangeRequest(number),
            _ => Thread::Issue(number),
        }
    }
}

/// A comment of a thread, as read back (for the reconciler).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadComment {
    pub id: u64,
    pub body: String,
    pub author: String,
    pub author_id: Option<u64>,
    /// Written by a bot (ourselves included) or by the host itself (a system note).
    pub by_bot: bool,
    pub url: Option<String>,
}

/// Something to act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ForgeEvent {
    /// A comment was written or edited by a person.
    Comment(CommentEvent),
    /// A change request was opened, updated (new commits, a re-run asked for) or closed.
    ChangeRequest(ChangeRequestEvent),
    /// An issue was closed.
    IssueClosed { repo: RepoId, number: u64 },
    /// The app was installed, suspended or removed (hosts with installations).
    Installation { id: u64, account: String, active: bool },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentEvent {
    pub repo: RepoId,
    /// Where the comment is, and where replies go.
    pub thread: Thread,
    /// The change request this thread discusses, if any (on GitHub a pull request's comments
    /// are its issue's, so the thread is an issue's then).
    #[serde(default)]
    pub change_request: Option<u64>,
    /// The issue's or change request's title.
    pub title: String,
    pub comment: u64,
    pub body: String,
    /// The comment's web address: an answer's `source`, and how an edited answer is found.
    #[serde(default)]
    pub url: Option<String>,
    /// Who acted: the author of a new comment, whoever edited an edited one. Permission is
    /// checked, and the answer recorded, against them.
    pub actor: String,
    /// The actor's numeric id on the host, when the event carries it.
    #[serde(default)]
    pub actor_id: Option<u64>,
    pub edited: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Opened,
    /// New commits, a reopening, or a check asked for again.
    Updated,
    Closed {
        merged: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRequestEvent {
    pub repo: RepoId,
    pub number: u64,
    pub change: Change,
    pub head: String,
    pub base: String,
    pub head_branch: String,
}

impl ForgeEvent {
    /// The job the event asks for: its kind and the key of what it belongs to (jobs with one key
    /// run one at a time, in order).
    pub fn job(&self) -> (&'static str, String) {
        match self {
            ForgeEvent::Comment(e) => ("comment", format!("{}#{}", e.repo.key(), e.thread.number())),
            ForgeEvent::ChangeRequest(e) if matches!(e.change, Change::Closed { .. }) => {
                ("close", format!("{}#{}", e.repo.key(), e.number))
            }
            ForgeEvent::ChangeRequest(e) => ("check", format!("{}#{}", e.repo.key(), e.number)),
            ForgeEvent::IssueClosed { repo, number } => ("close", format!("{}#{number}", repo.key())),
            ForgeEvent::Installation { id, .. } => ("installation", format!("installation/{id}")),
        }
    }

    /// The job's payload: the host's name for the event, and the event (what the worker reads).
    pub fn job_payload(&self, host_event: &str) -> String {
        serde_json::json!({ "event": host_event, "product": self }).to_string()
    }

    /// The account the event belongs to.
    pub fn owner(&self) -> &str {
        match self {
            ForgeEvent::Comment(e) => &e.repo.owner,
            ForgeEvent::ChangeRequest(e) => &e.repo.owner,
            ForgeEvent::IssueClosed { repo, .. } => &repo.owner,
            ForgeEvent::Installation { account, .. } => account,
        }
    }
}
