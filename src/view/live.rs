//! Live pages: one task watches the repository (branch heads and the working tree) and tells
//! every open page, over one server-sent-event stream each, what changed: a commit on a branch
//! (a decision answered, artifacts generated), a contradiction that appeared, a branch moved.

use super::repo::{RepoAt, Revision, Version};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Serialize;
use spec_format::Severity;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// How often the repository is looked at: a commit shows on open pages within about this.
const INTERVAL: Duration = Duration::from_millis(400);

/// What an open page is told.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// The revision's `?ref=` value.
    pub revision: String,
    /// For people: what happened.
    pub message: String,
}

/// The changes, for every stream to take.
#[derive(Clone)]
pub struct Changes {
    sender: broadcast::Sender<Change>,
}

impl Changes {
    /// Starts watching `repo` on the current runtime.
    pub fn watch(repo: Arc<dyn RepoAt>) -> Changes {
        let (sender, _) = broadcast::channel(64);
        let changes = Changes { sender: sender.clone() };
        tokio::spawn(async move {
            let mut seen: HashMap<Revision, (Version, usize)> = HashMap::new();
            let mut first = true;
            loop {
                let repo = repo.clone();
                let known = seen.clone();
                let Ok((now, news)) = tokio::task::spawn_blocking(move || look(repo.as_ref(), &known)).await else {
                    break;
                };
                seen = now;
                if !first {
                    for change in news {
                        // Nobody listening is fine: the next page load reads the repository anyway.
                        let _ = sender.send(change);
                    }
                }
                first = false;
                tokio::time::sleep(INTERVAL).await;
            }
        });
        changes
    }

    /// One page's stream.
    pub fn stream(&self) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
        let stream = futures_util::stream::unfold(self.sender.subscribe(), |mut receiver| async move {
            let change = match receiver.recv().await {
                Ok(change) => change,
                // A page that fell behind just reloads what it shows.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    Change { revision: String::new(), message: "several changes".to_owned() }
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            let event = Event::default().event("change").json_data(&change).ok()?;
            Some((Ok(event), receiver))
        });
        Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
    }
}

/// Every revision's version now, and what changed since `known` (with each one's error count).
fn look(
    repo: &dyn RepoAt,
    known: &HashMap<Revision, (Version, usize)>,
) -> (HashMap<Revision, (Version, usize)>, Vec<Change>) {
    let mut now = HashMap::new();
    let mut changes = Vec::new();
    let Ok(versions) = repo.versions() else { return (known.clone(), changes) };
    for (revision, version) in versions {
        match known.get(&revision) {
            Some((seen, errors)) if *seen == version => {
                now.insert(revision, (version, *errors));
            }
            before => {
                // Read now, and its search index built, so that the pages that follow find both.
                let state = repo.state(&revision).ok();
                let errors = state.as_ref().map_or(0, |s| {
                    s.search_index();
                    s.findings.iter().filter(|f| f.severity == Severity::Error).count()
                });
                if let Some((_, errors_before)) = before {
                    let commit = state.as_ref().and_then(|s| s.commit.as_ref());
                    changes.push(Change {
                        revision: revision.query().to_owned(),
                        message: describe(&revision, commit, *errors_before, errors),
                    });
                } else if !known.is_empty() {
                    changes.push(Change {
                        revision: revision.query().to_owned(),
                        message: format!("new branch {}", revision.label()),
                    });
                }
                now.insert(revision, (version, errors));
            }
        }
    }
    for revision in known.keys().filter(|r| !now.contains_key(*r)) {
        changes
            .push(Change { revision: revision.query().to_owned(), message: format!("{} is gone", revision.label()) });
    }
    (now, changes)
}

fn describe(revision: &Revision, commit: Option<&super::repo::Commit>, errors_before: usize, errors: usize) -> String {
    let what = match commit {
        Some(commit) => format!("{}: {}", revision.label(), commit.summary),
        None => format!("the {} changed", revision.label()),
    };
    match errors.cmp(&errors_before) {
        std::cmp::Ordering::Greater => format!("{what} — contradiction or error detected ({errors} errors)"),
        std::cmp::Ordering::Less => format!("{what} — {} errors resolved", errors_before - errors),
        std::cmp::Ordering::Equal => what,
    }
}
