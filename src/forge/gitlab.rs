//! GitLab in the product's terms: what a webhook means to the bot.

use super::event::{Change, ChangeRequestEvent, CommentEvent, ForgeEvent, Host, RepoId, Thread};
use gitlab_app::events::{Event, Project};

/// Every comment the bot writes carries this marker (see `upsert_comment`): a note with it is
/// the bot's own, or planted, and is never acted on.
const MARKER_PREFIX: &str = "<!-- specbuilder:";

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
