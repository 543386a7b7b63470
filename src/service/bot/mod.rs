//! The bot: what a job does with its delivery. Questions and answers as comments (`conversation`),
//! decisions committed to the project's branch through the [`Forge`](crate::forge::Forge), merges as
//! pull requests, and validation as a check run (`checks`).
//!
//! Every effect is made safe to repeat: a step that committed or commented is recorded, and a
//! job run again after a crash reads its record (and the branch) instead of doing it twice.

pub(crate) mod checks;
pub mod commands;
mod conversation;
pub mod remote;
mod render;
pub(crate) mod review;
pub mod warm;

use super::jobs::{Job, Outcome, Queue};
use crate::engine::record;
use crate::forge::{FileWrite, ForgeError, GitHubForge, Permission};
use conversation::Conversation;
use github_app::{Event, GitHubApp};
use remote::BlobCache;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::{PgPool, Row};
use std::sync::Arc;

/// What the workers share.
pub struct Bot {
    pub pool: PgPool,
    pub github: Arc<GitHubApp>,
    pub cache: BlobCache,
    /// Project branches as the last reply left them.
    pub branches: warm::WarmBranches,
    pub permissions: PermissionCache,
    /// How much of a revision a job reads.
    pub limits: remote::SnapshotLimits,
    /// For a private deployment: the only accounts whose repositories it serves.
    pub allowed_owners: Option<Vec<String>>,
}

impl Bot {
    /// A bot that serves every account, with empty caches and the default snapshot limits.
    pub fn new(pool: PgPool, github: Arc<GitHubApp>) -> Bot {
        Bot {
            pool,
            github,
            cache: Default::default(),
            branches: Default::default(),
            permissions: Default::default(),
            limits: Default::default(),
            allowed_owners: None,
        }
    }
}

/// Permissions as GitHub last told them, per (installation, repository, login), kept briefly:
/// a flood of comments from one person costs one lookup a minute, and a revoked permission
/// counts within that minute.
#[derive(Default)]
pub struct PermissionCache {
    entries: std::sync::Mutex<std::collections::HashMap<PermissionKey, (Permission, std::time::Instant)>>,
}

type PermissionKey = (u64, String, String);

impl PermissionCache {
    const TTL: std::time::Duration = std::time::Duration::from_secs(60);
    const LIMIT: usize = 10_000;

    fn get(&self, key: &PermissionKey) -> Option<Permission> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(key).filter(|(_, at)| at.elapsed() < Self::TTL).map(|(p, _)| *p)
    }

    fn put(&self, key: PermissionKey, permission: Permission) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= Self::LIMIT {
            entries.retain(|_, (_, at)| at.elapsed() < Self::TTL);
        }
        entries.insert(key, (permission, std::time::Instant::now()));
    }
}

/// Why a job stopped short.
#[derive(Debug)]
enum Failure {
    /// May work next time (GitHub, the database, a branch that moved).
    Retry(String),
    /// GitHub asked us to wait this long first.
    Wait(std::time::Duration, String),
    /// Will not work however often it runs.
    Fail(String),
}

impl From<ForgeError> for Failure {
    fn from(e: ForgeError) -> Failure {
        match e {
            ForgeError::RateLimited { after } => Failure::Wait(after, e.to_string()),
            ForgeError::TooLarge(_) => Failure::Fail(e.to_string()),
            e => Failure::Retry(e.to_string()),
        }
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Failure {
        Failure::Retry(format!("database: {e}"))
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Fail(format!("{e:#}"))
    }
}

type Result<T, E = Failure> = std::result::Result<T, E>;

/// Runs a job to its end.
pub async fn run(bot: &Bot, queue: &Queue, job: &Job) -> Outcome {
    let result = match load_event(bot, job).await {
        Ok(event) => dispatch(bot, queue, job, event).await,
        Err(failure) => Err(failure),
    };
    match result {
        Ok(()) => Outcome::Done,
        Err(Failure::Retry(error)) => Outcome::Retry { error, after: None },
        Err(Failure::Wait(after, error)) => Outcome::Retry { error, after: Some(after) },
        Err(Failure::Fail(error)) => Outcome::Fail(error),
    }
}

async fn load_event(bot: &Bot, job: &Job) -> Result<Event> {
    let Some(delivery) = &job.delivery_id else { return Err(Failure::Fail("the job has no delivery".into())) };
    let row = sqlx::query("SELECT event, payload::text AS payload FROM deliveries WHERE id = $1")
        .bind(delivery)
        .fetch_one(&bot.pool)
        .await?;
    let (name, payload): (String, String) = (row.get("event"), row.get("payload"));
    Event::parse(&name, payload.as_bytes()).map_err(|e| Failure::Fail(format!("the stored `{name}` payload: {e}")))
}

async fn dispatch(bot: &Bot, queue: &Queue, job: &Job, event: Event) -> Result<()> {
    if let (Some(allowed), Some(owner)) = (&bot.allowed_owners, event.owner())
        && !allowed.iter().any(|a| a.eq_ignore_ascii_case(owner))
    {
        tracing::info!(%owner, "not on SPECBUILDER_ALLOWED_OWNERS; nothing done");
        return Ok(());
    }
    match (job.kind.as_str(), event) {
        ("close", Event::Issues(event)) => {
            end_conversation(bot, &event.repository, "closed", Some(event.issue.number as i64), None).await
        }
        ("close", Event::PullRequest(event)) => {
            let repo = &event.repository;
            let installation = event.installation.as_ref().map(|i| i.id).unwrap_or_default();
            let forge = GitHubForge::new(bot.github.clone(), installation, &repo.owner.login, &repo.name);
            review::closed(bot, &forge, &repo.owner.login, &repo.name, event.number).await?;
            if event.pull_request.merged != Some(true) {
                return Ok(());
            }
            end_conversation(bot, repo, "merged", None, Some(&event.pull_request.head.name)).await
        }
        ("comment", Event::IssueComment(event)) => {
            Box::pin(Conversation::for_comment(bot, queue, job, &event).await?.handle()).await
        }
        ("check", Event::PullRequest(event)) => checks::check_pull_request(bot, queue, job, &event).await,
        ("check", Event::CheckRun(event)) => {
            // The run names its pull requests; check the first again.
            let payload = stored_payload(bot, job).await?;
            let pull = &payload["check_run"]["pull_requests"][0];
            let (Some(head), Some(base), Some(number)) =
                (pull["head"]["sha"].as_str(), pull["base"]["sha"].as_str(), pull["number"].as_u64())
            else {
                return Ok(());
            };
            let context = review::PullContext::new(&event.repository, number);
            let installation = event.installation.map(|i| i.id).unwrap_or_default();
            let forge = GitHubForge::new(
                bot.github.clone(),
                installation,
                &event.repository.owner.login,
                &event.repository.name,
            );
            checks::check(bot, queue, job, &forge, head, base, Some(&context)).await.map(drop)
        }
        ("installation", Event::Installation(event)) => {
            sqlx::query(
                "INSERT INTO installations (id, account) VALUES ($1, $2)
                 ON CONFLICT (id) DO UPDATE SET account = EXCLUDED.account,
                   suspended_at = CASE WHEN $3 THEN now() ELSE NULL END",
            )
            .bind(event.installation.id as i64)
            .bind(&event.installation.account.login)
            .bind(matches!(event.action.as_str(), "deleted" | "suspend"))
            .execute(&bot.pool)
            .await?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Ends the open conversation of an issue (closed) or of a project branch (merged): it is no
/// longer reconciled.
async fn end_conversation(
    bot: &Bot,
    repo: &github_app::events::Repository,
    state: &str,
    issue: Option<i64>,
    branch: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "UPDATE conversations SET state = $3, updated_at = now()
         WHERE owner = $1 AND repo = $2 AND state = 'open' AND (issue_number = $4 OR branch = $5)",
    )
    .bind(&repo.owner.login)
    .bind(&repo.name)
    .bind(state)
    .bind(issue)
    .bind(branch)
    .execute(&bot.pool)
    .await?;
    Ok(())
}

async fn stored_payload(bot: &Bot, job: &Job) -> Result<Value> {
    Ok(sqlx::query_scalar("SELECT payload FROM deliveries WHERE id = $1")
        .bind(&job.delivery_id)
        .fetch_one(&bot.pool)
        .await?)
}

/// Runs `step` once per job: a run after a crash gets the recorded result instead.
async fn once<T, F>(queue: &Queue, job: &Job, step: &str, work: F) -> Result<T>
where
    T: Serialize + DeserializeOwned,
    F: Future<Output = Result<T>>,
{
    if let Some(done) = queue.step(job, step).await? {
        return serde_json::from_value(done).map_err(|e| Failure::Fail(format!("step {step}: {e}")));
    }
    let result = work.await?;
    let recorded = serde_json::to_value(&result).map_err(|e| Failure::Fail(e.to_string()))?;
    queue.record_step(job, step, &recorded).await?;
    Ok(result)
}

fn provenance(by: &str, source: Option<String>) -> record::Provenance {
    record::Provenance {
        answered_by: by.to_owned(),
        answered_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source,
    }
}

fn to_writes(files: &[(String, Vec<u8>)]) -> Vec<FileWrite> {
    files.iter().map(|(path, bytes)| FileWrite { path: path.clone(), content: Some(bytes.clone()) }).collect()
}
