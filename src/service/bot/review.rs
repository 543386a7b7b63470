//! The review comment on a pull request that touches specs (one comment, kept current by its
//! marker), and overlap notes between open pull requests that change the same decisions or
//! facts a rule relates: each names the other, and goes when the overlap ends.

use super::{Bot, Result, once};
use crate::forge::{Forge, RepoId, Thread};
use crate::review::markdown::{self, Links};
use crate::review::overlap::{self, Footprint};
use crate::review::{NoHistory, Review, Side};
use crate::service::jobs::{Job, Queue};
use crate::source::Snapshot;
use spec_format::Workspace;
use sqlx::Row;

/// A change request, and the repository it is in.
pub(super) struct PullContext {
    pub repo: RepoId,
    pub number: u64,
}

impl PullContext {
    pub(super) fn new(repo: &RepoId, number: u64) -> PullContext {
        PullContext { repo: repo.clone(), number }
    }

    fn thread(&self) -> Thread {
        Thread::ChangeRequest(self.number)
    }
}

/// What a change means, from the two states `check` read.
pub(super) fn review_of(base: (&str, &Snapshot, &Workspace), head: (&str, &Snapshot, &Workspace)) -> Review {
    let base = Side { rev: base.0, snapshot: base.1, workspace: base.2 };
    let head = Side { rev: head.0, snapshot: head.1, workspace: head.2 };
    crate::review::review(&base, &head, &NoHistory)
}

/// Whether any spec file differs between the two states.
pub(super) fn touches_specs(base: &Snapshot, head: &Snapshot) -> bool {
    sorted_files(base) != sorted_files(head)
}

fn sorted_files(snapshot: &Snapshot) -> Vec<(&str, &[u8])> {
    let mut files: Vec<(&str, &[u8])> = snapshot.files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())).collect();
    files.sort_unstable();
    files
}

/// Posts (or edits) the review comment, then records what the pull request changes and brings
/// the overlap notes of the repository's open pull requests up to date.
pub(super) async fn publish(
    bot: &Bot,
    queue: &Queue,
    job: &Job,
    forge: &impl Forge,
    pull: &PullContext,
    review: &Review,
) -> Result<()> {
    let links = pull.repo.web_url.as_ref().map(|web| Links::for_host(pull.repo.host, web));
    let rerun = format!("specbuilder review --base {} --head {}", short(&review.base), short(&review.head));
    let body = markdown::render(review, links.as_ref(), &rerun);
    once(queue, job, &format!("review:{}", review.head), async {
        Ok(forge.upsert_comment(pull.thread(), "review", &body, None).await?)
    })
    .await?;
    let footprint = serde_json::to_value(review.footprint()).unwrap_or_default();
    sqlx::query(
        "INSERT INTO change_requests (host, owner, repo, number, head_sha, footprint, open)
         VALUES ($6, $1, $2, $3, $4, $5, true)
         ON CONFLICT (host, owner, repo, number) DO UPDATE
           SET head_sha = EXCLUDED.head_sha, footprint = EXCLUDED.footprint, open = true, updated_at = now()",
    )
    .bind(&pull.repo.owner)
    .bind(&pull.repo.name)
    .bind(pull.number as i64)
    .bind(&review.head)
    .bind(footprint)
    .bind(pull.repo.host.as_str())
    .execute(&bot.pool)
    .await?;
    refresh_overlaps(bot, forge, &pull.repo).await
}

/// A push left the pull request without spec changes: a review comment posted before says so,
/// and the pull request overlaps nothing any more.
pub(super) async fn untouched(
    bot: &Bot,
    queue: &Queue,
    job: &Job,
    forge: &impl Forge,
    pull: &PullContext,
    head: &str,
) -> Result<()> {
    let reviewed = sqlx::query(
        "UPDATE change_requests SET head_sha = $4, footprint = '{}', updated_at = now()
         WHERE owner = $1 AND repo = $2 AND number = $3 AND host = $5",
    )
    .bind(&pull.repo.owner)
    .bind(&pull.repo.name)
    .bind(pull.number as i64)
    .bind(head)
    .bind(pull.repo.host.as_str())
    .execute(&bot.pool)
    .await?;
    if reviewed.rows_affected() == 0 {
        return Ok(()); // never reviewed: nothing to take back
    }
    let body = "### Spec review: no change to the specs

This pull request no longer changes any spec file.
";
    once(queue, job, &format!("review:{head}"), async {
        Ok(forge.upsert_comment(pull.thread(), "review", body, None).await?)
    })
    .await?;
    refresh_overlaps(bot, forge, &pull.repo).await
}

/// A change request was merged or closed: it overlaps nothing any more.
pub(super) async fn closed(bot: &Bot, forge: &impl Forge, repo: &RepoId, number: u64) -> Result<()> {
    let note: Option<String> = sqlx::query_scalar(
        "UPDATE change_requests SET open = false, updated_at = now()
         WHERE host = $1 AND owner = $2 AND repo = $3 AND number = $4 AND open RETURNING note",
    )
    .bind(repo.host.as_str())
    .bind(&repo.owner)
    .bind(&repo.name)
    .bind(number as i64)
    .fetch_optional(&bot.pool)
    .await?;
    let Some(note) = note else {
        return Ok(()); // never touched specs, or closed already
    };
    if !note.is_empty() {
        forge.remove_comment(Thread::ChangeRequest(number), "overlap").await?;
        set_note(bot, repo, number, "").await?;
    }
    refresh_overlaps(bot, forge, repo).await
}

/// Recomputes every open change request's overlap note in the repository and changes on the
/// host only the notes that differ. One refresh per repository at a time (an advisory lock), so
/// two pushes never post the same note twice.
async fn refresh_overlaps(bot: &Bot, forge: &impl Forge, repo: &RepoId) -> Result<()> {
    let mut lock = bot.pool.acquire().await?;
    let key = format!("change_requests/{}", repo.key());
    sqlx::query("SELECT pg_advisory_lock(hashtext($1))").bind(&key).execute(&mut *lock).await?;
    let result = refresh_locked(bot, forge, repo).await;
    sqlx::query("SELECT pg_advisory_unlock(hashtext($1))").bind(&key).execute(&mut *lock).await?;
    result
}

async fn refresh_locked(bot: &Bot, forge: &impl Forge, repo: &RepoId) -> Result<()> {
    let rows = sqlx::query(
        "SELECT number, footprint, note FROM change_requests
         WHERE host = $1 AND owner = $2 AND repo = $3 AND open ORDER BY number",
    )
    .bind(repo.host.as_str())
    .bind(&repo.owner)
    .bind(&repo.name)
    .fetch_all(&bot.pool)
    .await?;
    let open: Vec<(u64, Footprint, String)> = (rows.iter())
        .map(|r| {
            let footprint = serde_json::from_value(r.get("footprint")).unwrap_or_default();
            (r.get::<i64, _>("number") as u64, footprint, r.get::<String, _>("note"))
        })
        .collect();
    for (number, mine, posted) in &open {
        let overlaps: Vec<overlap::Overlap> = (open.iter())
            .filter(|(other, _, _)| other != number)
            .filter_map(|(other, theirs, _)| overlap::between(&repo.host.change_request_ref(*other), mine, theirs))
            .collect();
        let note = note(&overlaps);
        if &note == posted {
            continue;
        }
        let thread = Thread::ChangeRequest(*number);
        if note.is_empty() {
            forge.remove_comment(thread, "overlap").await?;
        } else {
            forge.upsert_comment(thread, "overlap", &note, None).await?;
        }
        set_note(bot, repo, *number, &note).await?;
    }
    Ok(())
}

async fn set_note(bot: &Bot, repo: &RepoId, number: u64, note: &str) -> Result<()> {
    sqlx::query("UPDATE change_requests SET note = $5 WHERE host = $1 AND owner = $2 AND repo = $3 AND number = $4")
        .bind(repo.host.as_str())
        .bind(&repo.owner)
        .bind(&repo.name)
        .bind(number as i64)
        .bind(note)
        .execute(&bot.pool)
        .await?;
    Ok(())
}

/// The overlap note: each other pull request and what both touch; empty when there is none.
fn note(overlaps: &[overlap::Overlap]) -> String {
    if overlaps.is_empty() {
        return String::new();
    }
    let mut note = String::from(
        "**Overlapping pull requests.** Merged one after the other, these may contradict each other; \
         whichever merges second is checked against the first.\n\n",
    );
    for o in overlaps {
        let mut what = Vec::new();
        if !o.keys.is_empty() {
            what.push(format!("also changes {}", list(&o.keys)));
        }
        if !o.rules.is_empty() {
            what.push(format!("changes facts the rule {} relates to yours", list(&o.rules)));
        }
        note.push_str(&format!("- {} {}\n", o.other, what.join("; ")));
    }
    note
}

fn list(items: &[String]) -> String {
    items.iter().map(|i| format!("`{}`", i.replace('`', "'"))).collect::<Vec<_>>().join(", ")
}

fn short(rev: &str) -> &str {
    rev.get(..12).unwrap_or(rev)
}
