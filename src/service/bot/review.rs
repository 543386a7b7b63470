//! The review comment on a pull request that touches specs (one comment, kept current by its
//! marker), and overlap notes between open pull requests that change the same decisions or
//! facts a rule relates: each names the other, and goes when the overlap ends.

use super::{Bot, Result, once};
use crate::forge::Forge;
use crate::review::markdown::{self, Links};
use crate::review::overlap::{self, Footprint};
use crate::review::{NoHistory, Review, Side};
use crate::service::jobs::{Job, Queue};
use crate::source::Snapshot;
use spec_format::Workspace;
use sqlx::Row;

/// The repository a pull request is in, as the host names it.
pub(super) struct PullContext {
    pub owner: String,
    pub repo: String,
    pub number: u64,
    /// The repository's web page, for links to decision files.
    pub web: Option<String>,
}

impl PullContext {
    pub(super) fn new(repository: &github_app::events::Repository, number: u64) -> PullContext {
        PullContext {
            owner: repository.owner.login.clone(),
            repo: repository.name.clone(),
            number,
            web: repository.html_url.clone(),
        }
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
    let links = pull.web.as_ref().map(|web| Links { web: web.clone(), gitlab: false });
    let rerun = format!("specbuilder review --base {} --head {}", short(&review.base), short(&review.head));
    let body = markdown::render(review, links.as_ref(), &rerun);
    once(queue, job, &format!("review:{}", review.head), async {
        Ok(forge.upsert_comment(pull.number, "review", &body, None).await?)
    })
    .await?;
    let footprint = serde_json::to_value(review.footprint()).unwrap_or_default();
    sqlx::query(
        "INSERT INTO change_requests (owner, repo, number, head_sha, footprint, open) VALUES ($1, $2, $3, $4, $5, true)
         ON CONFLICT (owner, repo, number) DO UPDATE
           SET head_sha = EXCLUDED.head_sha, footprint = EXCLUDED.footprint, open = true, updated_at = now()",
    )
    .bind(&pull.owner)
    .bind(&pull.repo)
    .bind(pull.number as i64)
    .bind(&review.head)
    .bind(footprint)
    .execute(&bot.pool)
    .await?;
    refresh_overlaps(bot, forge, &pull.owner, &pull.repo).await
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
         WHERE owner = $1 AND repo = $2 AND number = $3",
    )
    .bind(&pull.owner)
    .bind(&pull.repo)
    .bind(pull.number as i64)
    .bind(head)
    .execute(&bot.pool)
    .await?;
    if reviewed.rows_affected() == 0 {
        return Ok(()); // never reviewed: nothing to take back
    }
    let body = "### Spec review: no change to the specs

This pull request no longer changes any spec file.
";
    once(queue, job, &format!("review:{head}"), async {
        Ok(forge.upsert_comment(pull.number, "review", body, None).await?)
    })
    .await?;
    refresh_overlaps(bot, forge, &pull.owner, &pull.repo).await
}

/// A pull request was merged or closed: it overlaps nothing any more.
pub(super) async fn closed(bot: &Bot, forge: &impl Forge, owner: &str, repo: &str, number: u64) -> Result<()> {
    let updated = sqlx::query(
        "UPDATE change_requests SET open = false, updated_at = now() WHERE owner = $1 AND repo = $2 AND number = $3 AND open",
    )
    .bind(owner)
    .bind(repo)
    .bind(number as i64)
    .execute(&bot.pool)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(()); // never touched specs, or closed already
    }
    if let Some(note) = sqlx::query_scalar::<_, String>(
        "SELECT note FROM change_requests WHERE owner = $1 AND repo = $2 AND number = $3",
    )
    .bind(owner)
    .bind(repo)
    .bind(number as i64)
    .fetch_optional(&bot.pool)
    .await?
        && !note.is_empty()
    {
        forge.remove_comment(number, "overlap").await?;
        set_note(bot, owner, repo, number, "").await?;
    }
    refresh_overlaps(bot, forge, owner, repo).await
}

/// Recomputes every open pull request's overlap note in the repository and changes on the host
/// only the notes that differ. One refresh per repository at a time (an advisory lock), so two
/// pushes never post the same note twice.
async fn refresh_overlaps(bot: &Bot, forge: &impl Forge, owner: &str, repo: &str) -> Result<()> {
    let mut lock = bot.pool.acquire().await?;
    let key = format!("change_requests/{owner}/{repo}");
    sqlx::query("SELECT pg_advisory_lock(hashtext($1))").bind(&key).execute(&mut *lock).await?;
    let result = refresh_locked(bot, forge, owner, repo).await;
    sqlx::query("SELECT pg_advisory_unlock(hashtext($1))").bind(&key).execute(&mut *lock).await?;
    result
}

async fn refresh_locked(bot: &Bot, forge: &impl Forge, owner: &str, repo: &str) -> Result<()> {
    let rows = sqlx::query(
        "SELECT number, footprint, note FROM change_requests WHERE owner = $1 AND repo = $2 AND open ORDER BY number",
    )
    .bind(owner)
    .bind(repo)
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
            .filter_map(|(other, theirs, _)| overlap::between(&format!("#{other}"), mine, theirs))
            .collect();
        let note = note(&overlaps);
        if &note == posted {
            continue;
        }
        if note.is_empty() {
            forge.remove_comment(*number, "overlap").await?;
        } else {
            forge.upsert_comment(*number, "overlap", &note, None).await?;
        }
        set_note(bot, owner, repo, *number, &note).await?;
    }
    Ok(())
}

async fn set_note(bot: &Bot, owner: &str, repo: &str, number: u64, note: &str) -> Result<()> {
    sqlx::query("UPDATE change_requests SET note = $4 WHERE owner = $1 AND repo = $2 AND number = $3")
        .bind(owner)
        .bind(repo)
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
