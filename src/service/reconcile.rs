//! The reconciler: webhooks get lost (an outage, a misconfigured secret), and a user who
//! answered must not be left waiting. Now and then it reads the comments of every open
//! conversation and queues the ones newer than the last the bot handled, as if their webhook had
//! come. Delivery ids are derived from comment ids, so running it twice queues nothing twice; a
//! comment handled already (its webhook came late) is skipped by the worker.

use super::bot::Bot;
use super::jobs::{self, NewDelivery, NewJob};
use crate::forge::event::{CommentEvent, ForgeEvent};
use crate::forge::{Forge, Host, RepoId, Thread};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// One pass over the open conversations; returns how many comments were queued. Only one process
/// reconciles at a time (an advisory lock); the others return 0 at once.
pub async fn run_once(bot: &Bot) -> anyhow::Result<usize> {
    let mut lock = bot.pool.acquire().await?;
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended('specbuilder:reconcile', 0))")
        .fetch_one(&mut *lock)
        .await?;
    if !locked {
        return Ok(0);
    }
    let result = queue_missed(bot).await;
    sqlx::query("SELECT pg_advisory_unlock(hashtextextended('specbuilder:reconcile', 0))").execute(&mut *lock).await?;
    result
}

async fn queue_missed(bot: &Bot) -> anyhow::Result<usize> {
    let conversations = sqlx::query(
        "SELECT host, installation_id, owner, repo, thread_kind, issue_number, base_branch, last_comment_id
         FROM conversations WHERE state = 'open'",
    )
    .fetch_all(&bot.pool)
    .await?;
    let mut queued = 0;
    for row in conversations {
        let host: String = row.get("host");
        let Some(host) = Host::parse(&host) else { continue };
        let repo = RepoId {
            host,
            installation: row.get::<i64, _>("installation_id") as u64,
            owner: row.get("owner"),
            name: row.get("repo"),
            web_url: None,
            default_branch: Some(row.get("base_branch")),
        };
        let thread = Thread::from_parts(row.get("thread_kind"), row.get::<i64, _>("issue_number") as u64);
        let last: i64 = row.get("last_comment_id");
        let comments = match bot.hosts.forge(&repo) {
            Ok(forge) => forge.comments(thread).await,
            Err(error) => Err(error),
        };
        let comments = match comments {
            Ok(comments) => comments,
            Err(error) => {
                tracing::warn!(repo = %repo.key(), thread = thread.number(), %error, "reconciler: cannot list comments");
                continue;
            }
        };
        for comment in comments.into_iter().filter(|c| c.id as i64 > last && !c.by_bot) {
            let id = comment.id;
            let event = ForgeEvent::Comment(CommentEvent {
                repo: repo.clone(),
                thread,
                change_request: match thread {
                    Thread::ChangeRequest(n) => Some(n),
                    Thread::Issue(_) => None,
                },
                title: String::new(),
                comment: id,
                body: comment.body,
                url: comment.url,
                actor: comment.author,
                actor_id: comment.author_id,
                edited: false,
            });
            let (kind, key) = event.job();
            let payload = event.job_payload("comment");
            let delivery_id = format!("reconciled-{}-{id}", host);
            let delivery = NewDelivery {
                id: &delivery_id,
                event: "comment",
                body_sha256: &Sha256::digest(payload.as_bytes()),
                installation: Some(repo.installation as i64),
                payload: &payload,
                // Handled comments are skipped by id; the webhook, if it comes late, is not a replay.
                subject: None,
                job: Some(NewJob { kind, key: &key, payload: &payload }),
            };
            if jobs::store_delivery(&bot.pool, &delivery).await?.is_some() {
                tracing::info!(repo = %repo.key(), thread = thread.number(), comment = id, "reconciler: queued a comment whose webhook never came");
                queued += 1;
            }
        }
    }
    Ok(queued)
}
