//! Webhook payloads, typed leniently: only the fields the product reads, every other field
//! ignored, and optional wherever GitLab leaves one out, so a new field or an older GitLab
//! never loses a delivery. (The `gitlab` crate's own hook types are deprecated.)

use serde::Deserialize;

/// A verified webhook's payload, by its `object_kind`.
#[derive(Debug, Clone)]
pub enum Event {
    /// A comment on an issue, a merge request, a commit or a snippet ("Note Hook", and
    /// "Confidential Note Hook" for confidential issues).
    Note(NoteEvent),
    MergeRequest(MergeRequestEvent),
    Issue(IssueEvent),
    Push(PushEvent),
    /// A kind the integration does not act on (pipelines, tag pushes, ...); acknowledged.
    Other {
        kind: String,
    },
}

impl Event {
    /// Parses a payload by its `object_kind`.
    pub fn parse(body: &[u8]) -> Result<Event, serde_json::Error> {
        #[derive(Deserialize)]
        struct Kind {
            object_kind: String,
        }
        let kind: Kind = serde_json::from_slice(body)?;
        Ok(match kind.object_kind.as_str() {
            "note" => Event::Note(serde_json::from_slice(body)?),
            "merge_request" => Event::MergeRequest(serde_json::from_slice(body)?),
            "issue" => Event::Issue(serde_json::from_slice(body)?),
            "push" => Event::Push(serde_json::from_slice(body)?),
            _ => Event::Other { kind: kind.object_kind },
        })
    }

    /// The project the event belongs to.
    pub fn project(&self) -> Option<&Project> {
        match self {
            Event::Note(e) => Some(&e.project),
            Event::MergeRequest(e) => Some(&e.project),
            Event::Issue(e) => Some(&e.project),
            Event::Push(e) => Some(&e.project),
            Event::Other { .. } => None,
        }
    }

    /// What the payload itself identifies, for events whose replay would act twice: a note, its
    /// action and when it last changed.
    pub fn subject(&self) -> Option<String> {
        match self {
            Event::Note(e) => Some(format!(
                "gitlab-note:{}:{}:{}",
                e.object_attributes.id,
                e.object_attributes.action.as_deref().unwrap_or("create"),
                e.object_attributes.updated_at.as_deref().unwrap_or("-")
            )),
            _ => None,
        }
    }
}

/// A user as hooks name them.
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    #[serde(default)]
    pub id: Option<u64>,
    pub username: String,
    #[serde(default)]
    pub name: Option<String>,
}

impl User {
    /// See [`is_token_bot`].
    pub fn is_bot(&self) -> bool {
        is_token_bot(&self.username)
    }
}

/// Project and group access tokens act as bot users named `project_<id>_bot_<hash>` or
/// `group_<id>_bot_<hash>`; the integration never answers them.
pub fn is_token_bot(username: &str) -> bool {
    let rest = username.strip_prefix("project_").or_else(|| username.strip_prefix("group_"));
    rest.and_then(|r| r.split_once("_bot"))
        .is_some_and(|(id, _)| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

#[derive(Debug, Clone, Deserialize)]
pub struct Project {
    pub id: u64,
    /// `group/subgroup/name`.
    pub path_with_namespace: String,
    #[serde(default)]
    pub web_url: Option<String>,
    #[serde(default)]
    pub default_branch: Option<String>,
}

impl Project {
    /// The namespace (`group/subgroup`) and the project's own path.
    pub fn split(&self) -> (&str, &str) {
        self.path_with_namespace.rsplit_once('/').unwrap_or(("", &self.path_with_namespace))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct NoteEvent {
    pub user: User,
    pub project: Project,
    pub object_attributes: Note,
    #[serde(default)]
    pub issue: Option<IssueRef>,
    #[serde(default)]
    pub merge_request: Option<MergeRequestRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Note {
    pub id: u64,
    #[serde(default)]
    pub note: String,
    /// `Issue`, `MergeRequest`, `Commit`, `Snippet`.
    pub noteable_type: String,
    /// GitLab's own notes ("changed the description", "added 1 commit").
    #[serde(default)]
    pub system: bool,
    /// `create` or `update` (absent from older GitLab: a create).
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// The issue a note is on.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueRef {
    pub iid: u64,
    #[serde(default)]
    pub title: String,
}

/// The merge request a note is on.
#[derive(Debug, Clone, Deserialize)]
pub struct MergeRequestRef {
    pub iid: u64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub source_branch: Option<String>,
    #[serde(default)]
    pub target_branch: Option<String>,
    #[serde(default)]
    pub last_commit: Option<CommitRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommitRef {
    pub id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MergeRequestEvent {
    pub user: User,
    pub project: Project,
    pub object_attributes: MergeRequest,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MergeRequest {
    pub iid: u64,
    #[serde(default)]
    pub title: String,
    /// `open`, `reopen`, `update`, `close`, `merge`, `approved`, ...
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    pub source_branch: String,
    pub target_branch: String,
    #[serde(default)]
    pub last_commit: Option<CommitRef>,
    /// Set on an `update` that pushed commits (the head before them); absent when only the
    /// title, labels or description changed.
    #[serde(default)]
    pub oldrev: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IssueEvent {
    pub user: User,
    pub project: Project,
    pub object_attributes: Issue,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    pub iid: u64,
    #[serde(default)]
    pub title: String,
    /// `open`, `close`, `reopen`, `update`.
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PushEvent {
    #[serde(rename = "ref")]
    pub reference: String,
    pub before: String,
    pub after: String,
    #[serde(default)]
    pub user_username: Option<String>,
    pub project: Project,
}
