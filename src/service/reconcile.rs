//! The reconciler: webhooks get lost (an outage, a misconfigured secret), and a user who
//! answered must not be left waiting. Now and then it reads the comments of every open
//! conversation and queues the ones newer than the last the bot handled, as if their webhook had
//! come. Delivery ids are derived from comment ids, so running it twice queues nothing twice; a
//! comment handled already (its webhook came late) is skipped by the worker.

use super::bot::Bot;
use super::jobs::{self, NewDelivery};
use github_app::IssueRef;
use github_app::client::MARKER_PREFIX;
use serde_json::json;
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
        "SELECT installation_id, owner, repo, issue_number, base_branch, last_comment_id
         FROM conversations WHERE state = 'open'",
    )
    .fetch_all(&bot.pool)
    .await?;
    let mut queued = 0;
    for row in conversations {
        let (owner, repo): (String, String) = (row.get("owner"), row.get("repo"));
        let (installation, number, last): (i64, i64, i64) =
            (row.get("installation_id"), row.get("issue_number"), row.get("last_comment_id"));
        let issue = IssueRef { owner: owner.clone(), repo: repo.clone(), number: number as u64 };
        let comments = match bot.github.comments(installation as u64, &issue).await {
            Ok(comments) => comments,
            Err(error) => {
                tracing::warn!(%owner, %repo, number, %error, "reconciler: cannot list comments");
                continue;
            }
        };
        for comment in comments {
            let body = comment.body.clone().unwrap_or_default();
            let is_bot = comment.user.r#type == "Bot" || comment.user.login.ends_with("[bot]");
            if comment.id.0 as i64 <= last || is_bot || body.contains(MARKER_PREFIX) {
                continue;
            }
            let user = json!({ "login": comment.user.login, "id": comment.user.id.0, "type": comment.user.r#type });
            // The parts of an `issue_comment` webhook the bot reads.
            let payload = json!({
                "action": "created",
                "issue": { "number": number, "title": "", "user": user },
                "comment": { "id": comment.id.0, "body": body, "user": user, "html_url": comment.html_url.to_string() },
                "repository": { "id": 0, "name": repo, "full_name": format!("{owner}/{repo}"),
                                "owner": { "login": owner, "id": 0 }, "default_branch": row.get::<String, _>("base_branch") },
                "sender": user,
                "installation": { "id": installation },
            })
            .to_string();
            let id = format!("reconciled-{}", comment.id.0);
            let project = format!("{owner}/{repo}#{number}");
            let delivery = NewDelivery {
                id: &id,
                event: "issue_comment",
                body_sha256: &Sha256::digest(payload.as_bytes()),
                installation: Some(installation),
                payload: &payload,
                // Handled comments are skipped by id; the webhook, if it comes late, is not a replay.
                subject: None,
                job: Some(("comment", &project)),
            };
            if jobs::store_delivery(&bot.pool, &delivery).await?.is_some() {
                tracing::info!(%owner, %repo, number, comment = comment.id.0, "reconciler: queued a comment whose webhook never came");
                queued += 1;
            }
        }
    }
    Ok(queued)
}
