//! A forge for any repository on the hosts the service is configured for: the bot names a
//! repository ([`RepoId`]) and gets something that speaks its host.

use super::event::Host;
use super::{
    Capabilities, ChangeRequest, ChangeRequestEnds, Check, CommitId, FileEntry, FileWrite, Forge, ForgeError,
    GitHubForge, GitLabForge, Head, IssueDraft, Permission, RepoId, Thread, ThreadComment, TrackerIssue,
};
use github_app::GitHubApp;
use gitlab_app::GitLab;
use std::sync::Arc;

/// The hosts this service speaks to; a host left out is not served.
#[derive(Clone, Default)]
pub struct Hosts {
    pub github: Option<Arc<GitHubApp>>,
    pub gitlab: Option<Arc<GitLab>>,
}

impl From<Arc<GitHubApp>> for Hosts {
    fn from(app: Arc<GitHubApp>) -> Hosts {
        Hosts { github: Some(app), gitlab: None }
    }
}

impl Hosts {
    /// A forge for `repo`, or why there is none.
    pub fn forge(&self, repo: &RepoId) -> Result<HostedForge, ForgeError> {
        match repo.host {
            Host::GitHub => match &self.github {
                Some(app) => {
                    Ok(HostedForge::GitHub(GitHubForge::new(app.clone(), repo.installation, &repo.owner, &repo.name)))
                }
                None => Err(ForgeError::Unsupported { forge: "this service", what: "GitHub configuration" }),
            },
            Host::GitLab => match &self.gitlab {
                Some(client) => Ok(HostedForge::GitLab(GitLabForge::new(client.clone(), repo.installation))),
                None => Err(ForgeError::Unsupported { forge: "this service", what: "GitLab configuration" }),
            },
        }
    }
}

/// One repository's forge, whichever host it is on.
pub enum HostedForge {
    GitHub(GitHubForge),
    GitLab(GitLabForge),
}

/// Calls the same method on whichever forge this is.
macro_rules! each {
    ($self:ident, $forge:ident => $call:expr) => {
        match $self {
            HostedForge::GitHub($forge) => $call,
            HostedForge::GitLab($forge) => $call,
        }
    };
}

impl Forge for HostedForge {
    fn capabilities(&self) -> Capabilities {
        each!(self, f => f.capabilities())
    }

    async fn branch_head(&self, branch: &str) -> Result<Option<CommitId>, ForgeError> {
        each!(self, f => f.branch_head(branch).await)
    }

    async fn read_file(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>, ForgeError> {
        each!(self, f => f.read_file(rev, path).await)
    }

    async fn list_files(&self, rev: &str, dir: &str, max: usize) -> Result<Vec<FileEntry>, ForgeError> {
        each!(self, f => f.list_files(rev, dir, max).await)
    }

    async fn commit_files(
        &self,
        branch: &str,
        head: &Head,
        files: &[FileWrite],
        message: &str,
    ) -> Result<CommitId, ForgeError> {
        each!(self, f => f.commit_files(branch, head, files, message).await)
    }

    async fn open_change_request(
        &self,
        head: &str,
        base: &str,
        title: &str,
        body: &str,
    ) -> Result<ChangeRequest, ForgeError> {
        each!(self, f => f.open_change_request(head, base, title, body).await)
    }

    async fn upsert_comment(
        &self,
        thread: Thread,
        topic: &str,
        body: &str,
        known: Option<u64>,
    ) -> Result<u64, ForgeError> {
        each!(self, f => f.upsert_comment(thread, topic, body, known).await)
    }

    async fn remove_comment(&self, thread: Thread, topic: &str) -> Result<usize, ForgeError> {
        each!(self, f => f.remove_comment(thread, topic).await)
    }

    async fn comments(&self, thread: Thread) -> Result<Vec<ThreadComment>, ForgeError> {
        each!(self, f => f.comments(thread).await)
    }

    async fn change_request(&self, number: u64) -> Result<ChangeRequestEnds, ForgeError> {
        each!(self, f => f.change_request(number).await)
    }

    async fn issues(&self) -> Result<Vec<TrackerIssue>, ForgeError> {
        each!(self, f => f.issues().await)
    }

    async fn create_issue(&self, draft: &IssueDraft) -> Result<u64, ForgeError> {
        each!(self, f => f.create_issue(draft).await)
    }

    async fn update_issue(&self, number: u64, draft: &IssueDraft) -> Result<(), ForgeError> {
        each!(self, f => f.update_issue(number, draft).await)
    }

    async fn permission(&self, login: &str, id: Option<u64>) -> Result<Permission, ForgeError> {
        each!(self, f => f.permission(login, id).await)
    }

    async fn publish_check(&self, check: &Check) -> Result<(), ForgeError> {
        each!(self, f => f.publish_check(check).await)
    }
}
