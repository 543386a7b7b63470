//! The GitHub adapter: one repository of one installation of the app.

use super::{
    Capabilities, ChangeRequest, ChangeRequestEnds, Check, CommitId, FileEntry, FileWrite, Forge, ForgeError, Head,
    IssueDraft, Permission, TrackerIssue,
};
use github_app::{Annotation, CheckReport, ClientError, FileChange, GitHubApp, Level, PullRequestDraft, RepoRef};
use std::sync::Arc;

pub struct GitHubForge {
    app: Arc<GitHubApp>,
    installation: u64,
    repo: RepoRef,
}

impl GitHubForge {
    pub fn new(app: Arc<GitHubApp>, installation: u64, owner: &str, name: &str) -> GitHubForge {
        GitHubForge { app, installation, repo: RepoRef::new(owner, name) }
    }
}

impl GitHubForge {
    /// The installation the forge acts as.
    pub fn installation(&self) -> u64 {
        self.installation
    }
}

impl From<ClientError> for ForgeError {
    fn from(error: ClientError) -> ForgeError {
        match error {
            ClientError::Moved { branch, expected, actual } => ForgeError::Moved { branch, expected, actual },
            ClientError::RateLimited { wait, .. } => ForgeError::RateLimited { after: wait },
            other => ForgeError::Host(format!("GitHub: {other}")),
        }
    }
}

impl Forge for GitHubForge {
    fn capabilities(&self) -> Capabilities {
        Capabilities { comments: true, change_requests: true, checks: true, permissions: true, issues: true }
    }

    async fn branch_head(&self, branch: &str) -> Result<Option<CommitId>, ForgeError> {
        Ok(self.app.branch_head(self.installation, &self.repo, branch).await?.map(CommitId))
    }

    async fn read_file(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>, ForgeError> {
        Ok(self.app.read_file(self.installation, &self.repo, path, rev).await?)
    }

    async fn list_files(&self, rev: &str, dir: &str, max: usize) -> Result<Vec<FileEntry>, ForgeError> {
        let files = self.app.read_tree(self.installation, &self.repo, dir, rev, max).await?;
        Ok(files.into_iter().map(|(path, blob, size)| FileEntry { path, blob, size }).collect())
    }

    async fn commit_files(
        &self,
        branch: &str,
        head: &Head,
        files: &[FileWrite],
        message: &str,
    ) -> Result<CommitId, ForgeError> {
        let head = match head {
            Head::At(id) => github_app::Head::At(id.0.clone()),
            Head::NewFrom(id) => github_app::Head::NewFrom(id.0.clone()),
        };
        let files: Vec<FileChange> =
            files.iter().map(|f| FileChange { path: f.path.clone(), content: f.content.clone() }).collect();
        let id = self.app.commit_files(self.installation, &self.repo, branch, &head, &files, message).await?;
        Ok(CommitId(id))
    }

    async fn open_change_request(
        &self,
        head: &str,
        base: &str,
        title: &str,
        body: &str,
    ) -> Result<ChangeRequest, ForgeError> {
        let draft = PullRequestDraft {
            head: head.to_owned(),
            base: base.to_owned(),
            title: title.to_owned(),
            body: body.to_owned(),
        };
        let pull = self.app.open_pull_request(self.installation, &self.repo, &draft).await?;
        Ok(ChangeRequest { number: pull.number, url: pull.html_url })
    }

    async fn upsert_comment(
        &self,
        thread: u64,
        topic: &str,
        body: &str,
        known: Option<u64>,
    ) -> Result<u64, ForgeError> {
        let issue = self.repo.issue(thread);
        let ids = self.app.ensure_comment(self.installation, &issue, topic, body, known).await?;
        ids.first().copied().ok_or_else(|| ForgeError::Host("GitHub returned no comment".into()))
    }

    async fn remove_comment(&self, thread: u64, topic: &str) -> Result<usize, ForgeError> {
        Ok(self.app.remove_comment(self.installation, &self.repo.issue(thread), topic).await?)
    }

    async fn change_request(&self, number: u64) -> Result<ChangeRequestEnds, ForgeError> {
        let pull = self.app.pull_ends(self.installation, &self.repo, number).await?;
        Ok(ChangeRequestEnds {
            number,
            url: pull.html_url,
            open: pull.open,
            head: CommitId(pull.head_sha),
            head_branch: pull.head_ref,
            base: CommitId(pull.base_sha),
        })
    }

    async fn issues(&self) -> Result<Vec<TrackerIssue>, ForgeError> {
        let issues = self.app.issues(self.installation, &self.repo).await?;
        Ok((issues.into_iter())
            .map(|i| TrackerIssue { number: i.number, title: i.title, body: i.body, open: i.open, labels: i.labels })
            .collect())
    }

    async fn create_issue(&self, draft: &IssueDraft) -> Result<u64, ForgeError> {
        Ok(self.app.create_issue(self.installation, &self.repo, &github_draft(draft)).await?)
    }

    async fn update_issue(&self, number: u64, draft: &IssueDraft) -> Result<(), ForgeError> {
        Ok(self.app.update_issue(self.installation, &self.repo, number, &github_draft(draft)).await?)
    }

    async fn permission(&self, user: &str) -> Result<Permission, ForgeError> {
        let role = self.app.permission(self.installation, &self.repo.owner, &self.repo.name, user).await?;
        Ok(Permission::from_role(&role))
    }

    async fn publish_check(&self, check: &Check) -> Result<(), ForgeError> {
        let annotations = (check.annotations.iter())
            .map(|a| Annotation {
                path: a.path.clone(),
                start_line: a.line.max(1),
                end_line: a.line.max(1),
                annotation_level: if a.error { Level::Failure } else { Level::Warning },
                message: a.message.clone(),
                title: Some(a.title.clone()),
            })
            .collect();
        let report = CheckReport {
            name: check.name.clone(),
            head_sha: check.commit.0.clone(),
            conclusion: if check.passed { "success" } else { "failure" },
            title: check.title.clone(),
            summary: check.summary.clone(),
            annotations,
        };
        self.app.publish_check_run(self.installation, &self.repo.owner, &self.repo.name, &report).await?;
        Ok(())
    }
}

fn github_draft(draft: &IssueDraft) -> github_app::IssueDraft {
    github_app::IssueDraft { title: draft.title.clone(), body: draft.body.clone(), labels: draft.labels.clone() }
}
