//! The GitHub adapter: one repository of one installation of the app.

use super::event::{Change, ChangeRequestEvent, CommentEvent, ForgeEvent, Host, RepoId, Thread, ThreadComment};
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

    // A pull request's conversation is its issue's: one kind of comment for both.
    async fn upsert_comment(
        &self,
        thread: Thread,
        topic: &str,
        body: &str,
        known: Option<u64>,
    ) -> Result<u64, ForgeError> {
        let issue = self.repo.issue(thread.number());
        let ids = self.app.ensure_comment(self.installation, &issue, topic, body, known).await?;
        ids.first().copied().ok_or_else(|| ForgeError::Host("GitHub returned no comment".into()))
    }

    async fn remove_comment(&self, thread: Thread, topic: &str) -> Result<usize, ForgeError> {
        Ok(self.app.remove_comment(self.installation, &self.repo.issue(thread.number()), topic).await?)
    }

    async fn comments(&self, thread: Thread) -> Result<Vec<ThreadComment>, ForgeError> {
        let comments = self.app.comments(self.installation, &self.repo.issue(thread.number())).await?;
        Ok((comments.into_iter())
            .map(|c| {
                let body = c.body.unwrap_or_default();
                let by_bot = c.user.r#type == "Bot"
                    || c.user.login.ends_with("[bot]")
                    || body.contains(github_app::client::MARKER_PREFIX);
                let (author, author_id) = (c.user.login, Some(c.user.id.0));
                ThreadComment { id: c.id.0, body, author, author_id, by_bot, url: Some(c.html_url.to_string()) }
            })
            .collect())
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

    async fn permission(&self, login: &str, _: Option<u64>) -> Result<Permission, ForgeError> {
        let role = self.app.permission(self.installation, &self.repo.owner, &self.repo.name, login).await?;
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

/// What a GitHub webhook means to the bot, if anything: `None` for events it does not act on,
/// and for every event a bot caused (the bot never answers bots, itself included).
pub fn event(event: &github_app::Event) -> Option<ForgeEvent> {
    use github_app::Event;
    if event.sender_is_bot() {
        return None;
    }
    let repo =
        |r: &github_app::events::Repository, installation: &Option<github_app::events::InstallationRef>| RepoId {
            host: Host::GitHub,
            installation: installation.as_ref().map(|i| i.id).unwrap_or_default(),
            owner: r.owner.login.clone(),
            name: r.name.clone(),
            web_url: r.html_url.clone(),
            default_branch: r.default_branch.clone(),
        };
    Some(match event {
        Event::IssueComment(e) if matches!(e.action.as_str(), "created" | "edited") => {
            let number = e.issue.number;
            ForgeEvent::Comment(CommentEvent {
                repo: repo(&e.repository, &e.installation),
                // A pull request's conversation is its issue's.
                thread: Thread::Issue(number),
                change_request: e.issue.pull_request.is_some().then_some(number),
                title: e.issue.title.clone(),
                comment: e.comment.id,
                body: e.comment.body.clone().unwrap_or_default(),
                url: e.comment.html_url.clone(),
                actor: e.sender.login.clone(),
                actor_id: Some(e.sender.id),
                edited: e.action == "edited",
            })
        }
        Event::PullRequest(e) => {
            let change = match e.action.as_str() {
                "opened" => Change::Opened,
                "synchronize" | "reopened" => Change::Updated,
                "closed" => Change::Closed { merged: e.pull_request.merged == Some(true) },
                _ => return None,
            };
            let pull = &e.pull_request;
            ForgeEvent::ChangeRequest(ChangeRequestEvent {
                repo: repo(&e.repository, &e.installation),
                number: e.number,
                change,
                head: pull.head.sha.clone(),
                base: pull.base.sha.clone(),
                head_branch: pull.head.name.clone(),
            })
        }
        // "Re-run" on the check: the pull request it ran for is checked again.
        Event::CheckRun(e) if e.action == "rerequested" => {
            let pull = e.check_run.pull_requests.first()?;
            ForgeEvent::ChangeRequest(ChangeRequestEvent {
                repo: repo(&e.repository, &e.installation),
                number: pull.number,
                change: Change::Updated,
                head: pull.head.sha.clone(),
                base: pull.base.sha.clone(),
                head_branch: pull.head.name.clone(),
            })
        }
        Event::Issues(e) if e.action == "closed" => {
            ForgeEvent::IssueClosed { repo: repo(&e.repository, &e.installation), number: e.issue.number }
        }
        Event::Installation(e) => ForgeEvent::Installation {
            id: e.installation.id,
            account: e.installation.account.login.clone(),
            active: !matches!(e.action.as_str(), "deleted" | "suspend"),
        },
        _ => return None,
    })
}

/// [`event`] of a delivery as stored: its `X-GitHub-Event` name and body.
pub fn stored_event(name: &str, body: &[u8]) -> Result<Option<ForgeEvent>, serde_json::Error> {
    Ok(event(&github_app::Event::parse(name, body)?))
}
