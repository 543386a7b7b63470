//! GitLab in the product's terms: what a webhook means to the bot, and the adapter for one
//! project through the `gitlab-app` client.

use super::comment::{MARKER_PREFIX, marker, split_comment};
use super::event::{Change, ChangeRequestEvent, CommentEvent, ForgeEvent, Host, RepoId, Thread, ThreadComment};
use super::{
    Capabilities, ChangeRequest, ChangeRequestEnds, Check, CommitId, FileEntry, FileWrite, Forge, ForgeError, Head,
    IssueDraft, Permission, TrackerIssue,
};
use gitlab_app::GitLab;
use gitlab_app::client::{ClientError, DiffPlace, FileChange, Noteable, Start, Status};
use gitlab_app::events::{Event, Project};
use std::sync::Arc;

/// GitLab refuses a note over 1,000,000 characters; parts stay below, with room for the marker.
const NOTE_LIMIT: usize = 1_000_000 - 200;

/// The note listing findings not threaded on the diff.
const SUMMARY: &str = "check-outside-diff";

/// Discussions started per check: beyond, findings are listed in one note, not a thread each.
const MAX_DISCUSSIONS: usize = 50;

fn repo(project: &Project) -> RepoId {
    let (owner, name) = project.split();
    RepoId {
        host: Host::GitLab,
        installation: project.id,
        owner: owner.to_owned(),
        name: name.to_owned(),
        web_url: project.web_url.clone(),
        default_branch: project.default_branch.clone(),
    }
}

/// What a GitLab webhook means to the bot, if anything: `None` for events it does not act on,
/// system notes, and notes by bots (access-token bot users, and whatever carries our marker).
/// A merge request is checked whoever opened it: the bot opens them too.
pub fn event(event: &Event) -> Option<ForgeEvent> {
    match event {
        Event::Note(e) => {
            let note = &e.object_attributes;
            if note.system || e.user.is_bot() || note.note.contains(MARKER_PREFIX) {
                return None;
            }
            let (thread, change_request, title) = match (note.noteable_type.as_str(), &e.issue, &e.merge_request) {
                ("Issue", Some(issue), _) => (Thread::Issue(issue.iid), None, issue.title.clone()),
                ("MergeRequest", _, Some(mr)) => (Thread::ChangeRequest(mr.iid), Some(mr.iid), mr.title.clone()),
                _ => return None, // commits and snippets hold no conversation
            };
            Some(ForgeEvent::Comment(CommentEvent {
                repo: repo(&e.project),
                thread,
                change_request,
                title,
                comment: note.id,
                body: note.note.clone(),
                url: note.url.clone(),
                actor: e.user.username.clone(),
                actor_id: e.user.id,
                edited: note.action.as_deref() == Some("update"),
            }))
        }
        Event::MergeRequest(e) => {
            let mr = &e.object_attributes;
            let change = match (mr.action.as_deref(), &mr.oldrev) {
                (Some("open"), _) => Change::Opened,
                (Some("reopen"), _) | (Some("update"), Some(_)) => Change::Updated,
                (Some("merge"), _) => Change::Closed { merged: true },
                (Some("close"), _) => Change::Closed { merged: false },
                _ => return None, // a title, label or approval changed: nothing to check
            };
            let head = mr.last_commit.as_ref()?.id.clone();
            Some(ForgeEvent::ChangeRequest(ChangeRequestEvent {
                repo: repo(&e.project),
                number: mr.iid,
                change,
                head,
                // The hook does not carry the target's commit; its branch reads the same.
                base: mr.target_branch.clone(),
                head_branch: mr.source_branch.clone(),
            }))
        }
        Event::Issue(e) if e.object_attributes.action.as_deref() == Some("close") => {
            Some(ForgeEvent::IssueClosed { repo: repo(&e.project), number: e.object_attributes.iid })
        }
        _ => None,
    }
}

/// One GitLab project, as the token's user.
pub struct GitLabForge {
    client: Arc<GitLab>,
    project: u64,
}

impl GitLabForge {
    pub fn new(client: Arc<GitLab>, project: u64) -> GitLabForge {
        GitLabForge { client, project }
    }

    fn noteable(thread: Thread) -> Noteable {
        match thread {
            Thread::Issue(n) => Noteable::Issue(n),
            Thread::ChangeRequest(n) => Noteable::MergeRequest(n),
        }
    }

    /// The bot's own notes in a thread that carry a marker, as (id, body).
    async fn own_notes(&self, on: Noteable) -> Result<Vec<(u64, String)>, ForgeError> {
        let notes = self.client.notes(self.project, on).await?;
        Ok((notes.into_iter())
            .filter(|n| n.author.id == self.client.user.id && n.body.contains(MARKER_PREFIX))
            .map(|n| (n.id, n.body))
            .collect())
    }

    /// Writes `parts` as the topic's notes, editing those in `existing` (the bot's own notes,
    /// as listed) and deleting parts a shorter body no longer has; the first part's id.
    async fn write_parts(
        &self,
        on: Noteable,
        topic: &str,
        parts: &[String],
        existing: &[(u64, String)],
    ) -> Result<u64, ForgeError> {
        let mut ids = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let marker = marker(topic, i);
            let text = format!("{part}\n\n{marker}");
            let id = match existing.iter().find(|(_, body)| body.contains(&marker)) {
                Some((id, _)) => self.client.edit_note(self.project, on, *id, &text).await?,
                None => self.client.create_note(self.project, on, &text).await?,
            };
            ids.push(id);
        }
        let stale = |body: &str| (parts.len()..parts.len() + existing.len()).any(|i| body.contains(&marker(topic, i)));
        for (id, _) in existing.iter().filter(|(_, body)| stale(body)) {
            self.client.delete_note(self.project, on, *id).await?;
        }
        ids.first().copied().ok_or_else(|| ForgeError::Host("GitLab returned no note".into()))
    }

    /// Deletes every part of the topic's notes among `existing`; how many.
    async fn delete_topic(&self, on: Noteable, topic: &str, existing: &[(u64, String)]) -> Result<usize, ForgeError> {
        let ours = |body: &str| (0..existing.len()).any(|i| body.contains(&marker(topic, i)));
        let mut removed = 0;
        for (id, _) in existing.iter().filter(|(_, body)| ours(body)) {
            self.client.delete_note(self.project, on, *id).await?;
            removed += 1;
        }
        Ok(removed)
    }
}

impl From<ClientError> for ForgeError {
    fn from(error: ClientError) -> ForgeError {
        match error {
            ClientError::RateLimited { wait } => ForgeError::RateLimited { after: wait },
            other => ForgeError::Host(format!("GitLab: {other}")),
        }
    }
}

/// GitLab's access levels in the product's terms: Owner and Maintainer administer, Developer
/// writes, Reporter and Guest read.
fn permission_of(access_level: u64) -> Permission {
    match access_level {
        50.. => Permission::Admin,
        40..=49 => Permission::Maintain,
        30..=39 => Permission::Write,
        10..=29 => Permission::Read,
        _ => Permission::None,
    }
}

impl Forge for GitLabForge {
    fn capabilities(&self) -> Capabilities {
        Capabilities { comments: true, change_requests: true, checks: true, permissions: true, issues: false }
    }

    async fn branch_head(&self, branch: &str) -> Result<Option<CommitId>, ForgeError> {
        Ok(self.client.branch_head(self.project, branch).await?.map(CommitId))
    }

    async fn read_file(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>, ForgeError> {
        Ok(self.client.read_file(self.project, path, rev).await?)
    }

    // GitLab's tree says no sizes: they are 0 here, and the reader checks the bytes it reads.
    async fn list_files(&self, rev: &str, dir: &str, max: usize) -> Result<Vec<FileEntry>, ForgeError> {
        let entries = self.client.tree(self.project, dir, rev, max).await?;
        Ok(entries.into_iter().map(|e| FileEntry { path: e.path, blob: e.id, size: 0 }).collect())
    }

    async fn commit_files(
        &self,
        branch: &str,
        head: &Head,
        files: &[FileWrite],
        message: &str,
    ) -> Result<CommitId, ForgeError> {
        let start = match head {
            Head::At(id) => Start::At(id.0.clone()),
            Head::NewFrom(id) => Start::NewFrom(id.0.clone()),
        };
        let changes: Vec<FileChange> =
            files.iter().map(|f| FileChange { path: f.path.clone(), content: f.content.clone() }).collect();
        match self.client.commit(self.project, branch, &start, &changes, message).await {
            Ok(made) if made.moved => {
                Err(ForgeError::CommittedOverOthers { branch: branch.to_owned(), commit: made.id })
            }
            Ok(made) => Ok(CommitId(made.id)),
            // A file changed since we read it, or the branch to start exists: nothing committed.
            Err(ClientError::Conflict(_)) => {
                let actual = self.client.branch_head(self.project, branch).await?.unwrap_or_default();
                let expected = match head {
                    Head::At(id) | Head::NewFrom(id) => id.0.clone(),
                };
                Err(ForgeError::Moved { branch: branch.to_owned(), expected, actual })
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn open_change_request(
        &self,
        head: &str,
        base: &str,
        title: &str,
        body: &str,
    ) -> Result<ChangeRequest, ForgeError> {
        let mr = self.client.create_merge_request(self.project, head, base, title, body).await?;
        Ok(ChangeRequest { number: mr.iid, url: mr.web_url })
    }

    async fn upsert_comment(
        &self,
        thread: Thread,
        topic: &str,
        body: &str,
        known: Option<u64>,
    ) -> Result<u64, ForgeError> {
        let on = Self::noteable(thread);
        let parts = split_comment(body, NOTE_LIMIT);
        if let (Some(id), [part]) = (known, parts.as_slice()) {
            match self.client.edit_note(self.project, on, id, &format!("{part}\n\n{}", marker(topic, 0))).await {
                Ok(id) => return Ok(id),
                Err(ClientError::NotFound) => {} // deleted since: found or posted again below
                Err(e) => return Err(e.into()),
            }
        }
        let existing = self.own_notes(on).await?;
        self.write_parts(on, topic, &parts, &existing).await
    }

    async fn remove_comment(&self, thread: Thread, topic: &str) -> Result<usize, ForgeError> {
        let on = Self::noteable(thread);
        let existing = self.own_notes(on).await?;
        self.delete_topic(on, topic, &existing).await
    }

    async fn comments(&self, thread: Thread) -> Result<Vec<ThreadComment>, ForgeError> {
        let notes = self.client.notes(self.project, Self::noteable(thread)).await?;
        let me = self.client.user.id;
        Ok((notes.into_iter())
            .map(|n| {
                let by_bot = n.system
                    || n.author.id == me
                    || gitlab_app::events::is_token_bot(&n.author.username)
                    || n.body.contains(MARKER_PREFIX);
                ThreadComment {
                    id: n.id,
                    body: n.body,
                    author: n.author.username,
                    author_id: Some(n.author.id),
                    by_bot,
                    url: None,
                }
            })
            .collect())
    }

    async fn change_request(&self, number: u64) -> Result<ChangeRequestEnds, ForgeError> {
        let mr = self.client.merge_request(self.project, number).await?;
        let refs = mr.diff_refs.as_ref();
        let head = mr.sha.clone().or_else(|| refs.and_then(|r| r.head_sha.clone())).unwrap_or_default();
        let base = refs.and_then(|r| r.base_sha.clone()).unwrap_or_else(|| mr.target_branch.clone());
        Ok(ChangeRequestEnds {
            number,
            url: mr.web_url,
            open: mr.state == "opened",
            head: CommitId(head),
            head_branch: mr.source_branch,
            base: CommitId(base),
        })
    }

    async fn issues(&self) -> Result<Vec<TrackerIssue>, ForgeError> {
        Err(ForgeError::Unsupported {
            forge: "GitLab",
            what: "issue export yet (`specbuilder export --issues` writes the plan)",
        })
    }

    async fn create_issue(&self, _: &IssueDraft) -> Result<u64, ForgeError> {
        Err(ForgeError::Unsupported { forge: "GitLab", what: "issue export yet" })
    }

    async fn update_issue(&self, _: u64, _: &IssueDraft) -> Result<(), ForgeError> {
        Err(ForgeError::Unsupported { forge: "GitLab", what: "issue export yet" })
    }

    async fn permission(&self, login: &str, id: Option<u64>) -> Result<Permission, ForgeError> {
        let Some(id) = id else {
            tracing::warn!(%login, "a GitLab user without an id: treated as having no access");
            return Ok(Permission::None);
        };
        Ok(permission_of(self.client.access_level(self.project, id).await?))
    }

    /// The "Spec Builder" commit status on the head (joined to the merge request's latest
    /// pipeline when it has one), and on a merge request each finding as a discussion on its line
    /// of the diff, posted once (a marker per finding); findings on lines outside the diff go
    /// in one summary note, kept current.
    async fn publish_check(&self, check: &Check) -> Result<(), ForgeError> {
        let description: String = check.title.chars().take(255).collect();
        let mr = match check.change_request {
            Some(iid) => Some(self.client.merge_request(self.project, iid).await?),
            None => None,
        };
        let status = Status {
            sha: &check.commit.0,
            name: &check.name,
            passed: check.passed,
            description: &description,
            pipeline: mr.as_ref().and_then(|m| m.head_pipeline.as_ref()).map(|p| p.id),
            reference: None,
        };
        self.client.set_status(self.project, &status).await?;
        let (Some(mr), Some(refs)) = (&mr, mr.as_ref().and_then(|m| m.diff_refs.clone())) else { return Ok(()) };
        let (Some(base), Some(start)) = (refs.base_sha, refs.start_sha) else { return Ok(()) };
        let on = Noteable::MergeRequest(mr.iid);
        let posted = self.own_notes(on).await?;
        let mut outside = Vec::new();
        let mut started = 0;
        for a in &check.annotations {
            let line = format!("- `{}` line {}: **{}** — {}", a.path, a.line, a.title, a.message);
            if started == MAX_DISCUSSIONS {
                outside.push(line); // past the bound, listed rather than threaded
                continue;
            }
            let topic = finding_topic(a);
            let marker = marker(&topic, 0);
            if posted.iter().any(|(_, body)| body.contains(&marker)) {
                continue; // said on an earlier push: not repeated
            }
            let text = format!("**{}** — {}\n\n{marker}", a.title, a.message);
            let place = DiffPlace {
                base_sha: &base,
                start_sha: &start,
                head_sha: &check.commit.0,
                path: &a.path,
                line: a.line.max(1),
            };
            match self.client.diff_discussion(self.project, mr.iid, &place, &text).await {
                Ok(_) => started += 1,
                Err(ClientError::RateLimited { wait }) => return Err(ForgeError::RateLimited { after: wait }),
                // Not a line of the diff: said in the summary instead.
                Err(_) => outside.push(line),
            }
        }
        if outside.is_empty() {
            // A summary an earlier push needed goes once nothing is left for it to say.
            self.delete_topic(on, SUMMARY, &posted).await?;
        } else {
            let body = format!("**{}**, findings not threaded on the diff:\n\n{}", check.name, outside.join("\n"));
            self.write_parts(on, SUMMARY, &split_comment(&body, NOTE_LIMIT), &posted).await?;
        }
        Ok(())
    }
}

/// One finding: the same finding on the same line is not posted again on the next push.
fn finding_topic(annotation: &super::CheckAnnotation) -> String {
    use sha2::Digest;
    let key = format!("{}\n{}\n{}\n{}", annotation.path, annotation.line, annotation.title, annotation.message);
    let digest = sha2::Sha256::digest(key.as_bytes());
    format!("finding/{}", digest.iter().take(8).map(|b| format!("{b:02x}")).collect::<String>())
}
