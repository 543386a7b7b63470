//! Where a repository lives, in the product's own terms: the [`Forge`] trait, with an adapter per
//! host (GitHub through the `github-app` crate) and one for a local repository (gix), so the
//! engine and the service never see a host's types.
//!
//! A forge may not offer everything (a local repository has no comments or pull requests); its
//! [`Capabilities`] say what it has, and the rest answers [`ForgeError::Unsupported`].

mod comment;
pub mod event;
pub mod github;
pub mod gitlab;
mod hosts;
mod local;

pub use event::{ForgeEvent, Host, RepoId, Thread, ThreadComment};
pub use github::GitHubForge;
pub use gitlab::GitLabForge;
pub use hosts::{HostedForge, Hosts};
pub use local::LocalForge;

use std::future::Future;

/// A commit id, hex.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CommitId(pub String);

impl std::fmt::Display for CommitId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a new commit goes (see [`Forge::commit_files`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Head {
    /// The branch is at this commit, as last read; the new commit goes on top.
    At(CommitId),
    /// The branch does not exist: create it at a new commit on top of this one.
    NewFrom(CommitId),
}

/// A file of a commit: new bytes, or `None` to delete it. Paths are repository-relative.
#[derive(Clone, Debug)]
pub struct FileWrite {
    pub path: String,
    pub content: Option<Vec<u8>>,
}

/// A file of a tree: its path and its blob id (equal ids, equal bytes: a reader may cache by it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub blob: String,
    /// The blob's size in bytes, known without reading it.
    pub size: u64,
}

/// A pull request (GitHub) or merge request (GitLab).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeRequest {
    pub number: u64,
    pub url: String,
}

/// A change request's two ends, read by number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeRequestEnds {
    pub number: u64,
    pub url: String,
    pub open: bool,
    pub head: CommitId,
    pub head_branch: String,
    pub base: CommitId,
}

/// An issue of the host's tracker, as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackerIssue {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub open: bool,
    pub labels: Vec<String>,
}

/// What an issue should say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueDraft {
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
}

/// What a user may do in a repository, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Permission {
    None,
    Read,
    Triage,
    Write,
    Maintain,
    Admin,
}

impl Permission {
    /// Answering questions and changing decisions takes write access.
    pub fn can_write(self) -> bool {
        self >= Permission::Write
    }

    fn from_role(role: &str) -> Permission {
        match role {
            "admin" => Permission::Admin,
            "maintain" => Permission::Maintain,
            "write" | "push" => Permission::Write,
            "triage" => Permission::Triage,
            "read" | "pull" => Permission::Read,
            _ => Permission::None,
        }
    }
}

/// The result of a validation run, reported on a commit.
#[derive(Clone, Debug)]
pub struct Check {
    pub name: String,
    pub commit: CommitId,
    /// The change request checked, if any: a host may comment on its lines too.
    pub change_request: Option<u64>,
    pub passed: bool,
    pub title: String,
    pub summary: String,
    pub annotations: Vec<CheckAnnotation>,
}

#[derive(Clone, Debug)]
pub struct CheckAnnotation {
    pub path: String,
    pub line: u64,
    /// An error (fails the check) rather than a warning.
    pub error: bool,
    pub title: String,
    pub message: String,
}

/// What a forge can do beyond files and branches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    pub comments: bool,
    pub change_requests: bool,
    pub checks: bool,
    pub permissions: bool,
    /// An issue tracker tickets can be pushed to.
    pub issues: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    /// The branch is not where we read it: someone else committed. Nothing was overwritten.
    #[error(
        "branch `{branch}` moved while we worked (we read {expected}, it is now {actual}); nothing was overwritten"
    )]
    Moved { branch: String, expected: String, actual: String },
    /// The host asked us to come back later.
    #[error("rate-limited: try again in {} s", after.as_secs())]
    RateLimited { after: std::time::Duration },
    /// Someone committed between our read and our commit on a host that cannot refuse a moved
    /// branch: our commit went on top of theirs, and both are kept. Read the branch again.
    #[error("branch `{branch}` moved while we committed; our commit {commit} is on top of the other one, both kept")]
    CommittedOverOthers { branch: String, commit: String },
    #[error("{forge} has no {what}")]
    Unsupported { forge: &'static str, what: &'static str },
    #[error("{0}")]
    Host(String),
    /// More than we agreed to read: files, bytes or one file's size.
    #[error("too large to check: {0}")]
    TooLarge(String),
}

/// A repository host. Methods return `Send` futures so a service can run them on any worker.
pub trait Forge {
    fn capabilities(&self) -> Capabilities;

    /// The commit `branch` points at, if the branch exists.
    fn branch_head(&self, branch: &str) -> impl Future<Output = Result<Option<CommitId>, ForgeError>> + Send;

    /// The file at `path` in revision `rev` (branch or commit id), if there is one.
    fn read_file(&self, rev: &str, path: &str) -> impl Future<Output = Result<Option<Vec<u8>>, ForgeError>> + Send;

    /// Every file under `dir` in revision `rev`, sorted by path.
    /// The files under `dir` at `rev`; at most `max + 1` of them (one more than `max` tells the
    /// caller there are too many, without walking the rest).
    fn list_files(
        &self,
        rev: &str,
        dir: &str,
        max: usize,
    ) -> impl Future<Output = Result<Vec<FileEntry>, ForgeError>> + Send;

    /// Commits `files` in one commit and moves `branch` to it, unless the branch is no longer
    /// where `head` says ([`ForgeError::Moved`]).
    fn commit_files(
        &self,
        branch: &str,
        head: &Head,
        files: &[FileWrite],
        message: &str,
    ) -> impl Future<Output = Result<CommitId, ForgeError>> + Send;

    /// Asks for `head` to be merged into `base`.
    fn open_change_request(
        &self,
        head: &str,
        base: &str,
        title: &str,
        body: &str,
    ) -> impl Future<Output = Result<ChangeRequest, ForgeError>> + Send;

    /// Creates or edits the one comment on `topic` in `thread`; returns the comment's id (the
    /// first part's, when a long body is split). `known` is the id this topic's comment had when
    /// we last posted it: edited directly, without reading the thread.
    fn upsert_comment(
        &self,
        thread: Thread,
        topic: &str,
        body: &str,
        known: Option<u64>,
    ) -> impl Future<Output = Result<u64, ForgeError>> + Send;

    /// Deletes the comment on `topic` in `thread`, if there is one; how many parts were deleted.
    fn remove_comment(&self, thread: Thread, topic: &str) -> impl Future<Output = Result<usize, ForgeError>> + Send;

    /// Every comment of `thread`, oldest first.
    fn comments(&self, thread: Thread) -> impl Future<Output = Result<Vec<ThreadComment>, ForgeError>> + Send;

    /// Change request `number`: where its head and base are.
    fn change_request(&self, number: u64) -> impl Future<Output = Result<ChangeRequestEnds, ForgeError>> + Send;

    /// Every issue of the tracker, open and closed, oldest first.
    fn issues(&self) -> impl Future<Output = Result<Vec<TrackerIssue>, ForgeError>> + Send;

    /// Opens an issue; its number.
    fn create_issue(&self, draft: &IssueDraft) -> impl Future<Output = Result<u64, ForgeError>> + Send;

    /// Replaces an issue's title, body and labels; its state stays as people left it.
    fn update_issue(&self, number: u64, draft: &IssueDraft) -> impl Future<Output = Result<(), ForgeError>> + Send;

    /// What the user `login` (whose numeric id is `id`, when the event said) may do in the
    /// repository.
    fn permission(&self, login: &str, id: Option<u64>) -> impl Future<Output = Result<Permission, ForgeError>> + Send;

    /// Reports a validation run on a commit.
    fn publish_check(&self, check: &Check) -> impl Future<Output = Result<(), ForgeError>> + Send;
}
