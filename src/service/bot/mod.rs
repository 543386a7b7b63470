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
use crate::forge::event::{Change, ForgeEvent};
use crate::forge::{FileWrite, ForgeError, Hosts, Permission, RepoId, Thread};
use conversation::Conversation;
use remote::BlobCache;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::PgPool;

/// What the workers share.
pub struct Bot {
    pub pool: PgPool,
    /// The hosts served, each a forge per repository.
    pub hosts: Hosts,
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
    pub fn new(pool: PgPool, hosts: impl Into<Hosts>) -> Bot {
        Bot {
            pool,
            hosts: hosts.into(),
            cache: Default::default(),
            branches: Default::default(),
            permissions: Default::default(),
            limits: Default::default(),
            allowed_owners: None,
        }
    }
}

/// Permissions as the host last told them, per (repository, installation, login), kept briefly:
/// a flood of comments from one person costs one lookup a minute, and a revoked permission
/// counts within that minute.
#[derive(Default)]
pub struct PermissionCache {
    entries: std::sync::Mutex<std::collections::HashMap<PermissionKey, (Permission, std::time::Instant)>>,
}

type PermissionKey = (String, u64, String);

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
    /// May work next time (the host, the database, a branch that moved).
    Retry(String),
    /// The host asked us to wait this long first.
    Wait(std::time::Duration, String),
    /// Will not work however often it runs.
    Fail(String),
}

impl From<ForgeError> for Failure {
    fn from(e: ForgeError) -> Failure {
        match e {
            ForgeError::RateLimited { after } => Failure::Wait(after, e.to_string()),
            ForgeError::TooLarge(_) | ForgeError::Unsupported { .. } => Failure::Fail(e.to_string()),
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

/// The event the job is for, as ingress normalised it.
async fn load_event(bot: &Bot, job: &Job) -> Result<ForgeEvent> {
    if let Some(event) = job.payload.get("product") {
        return serde_json::from_value(event.clone())
            .map_err(|e| Failure::Fail(format!("the job's event cannot be read: {e}")));
    }
    // Queued before events were normalised at ingress: read from the stored delivery.
    let Some(delivery) = &job.delivery_id else { return Err(Failure::Fail("the job has no delivery".into())) };
    let row = sqlx::query_as::<_, (String, String)>("SELECT event, payload::text FROM deliveries WHERE id = $1")
        .bind(delivery)
        .fetch_one(&bot.pool)
        .await?;
    crate::forge::github::stored_event(&row.0, row.1.as_bytes())
        .map_err(|e| Failure::Fail(format!("the stored `{}` payload: {e}", row.0)))?
        .ok_or_else(|| Failure::Fail(format!("the stored `{}` delivery asks for nothing", row.0)))
}

async fn dispatch(bot: &Bot, queue: &Queue, job: &Job, event: ForgeEvent) -> Result<()> {
    // A GitLab namespace may be a subgroup (`acme/platform`): its top-level group counts.
    let owner = event.owner();
    let top = owner.split('/').next().unwrap_or(owner);
    if let Some(allowed) = &bot.allowed_owners
        && !allowed.iter().any(|a| a.eq_ignore_ascii_case(owner) || a.eq_ignore_ascii_case(top))
    {
        tracing::info!(owner = %event.owner(), "not on SPECBUILDER_ALLOWED_OWNERS; nothing done");
        return Ok(());
    }
    match (job.kind.as_str(), event) {
        ("close", ForgeEvent::IssueClosed { repo, number }) => {
            end_conversation(bot, &repo, "closed", Some(Thread::Issue(number)), None).await
        }
        ("close", ForgeEvent::ChangeRequest(event)) => {
            let forge = bot.hosts.forge(&event.repo)?;
            review::closed(bot, &forge, &event.repo, event.number).await?;
            if event.change != (Change::Closed { merged: true }) {
                return Ok(());
            }
            end_conversation(bot, &event.repo, "merged", None, Some(&event.head_branch)).await
        }
        ("comment", ForgeEvent::Comment(event)) => {
            Box::pin(Conversation::for_comment(bot, queue, job, &event).await?.handle()).await
        }
        ("check", ForgeEvent::ChangeRequest(event)) => {
            let forge = bot.hosts.forge(&event.repo)?;
            let context = review::PullContext::new(&event.repo, event.number);
            checks::check(bot, queue, job, &forge, &event.head, &event.base, Some(&context)).await.map(drop)
        }
        ("installation", ForgeEvent::Installation { id, account, active }) => {
            sqlx::query(
                "INSERT INTO installations (id, account) VALUES ($1, $2)
                 ON CONFLICT (id) DO UPDATE SET account = EXCLUDED.account,
                   suspended_at = CASE WHEN $3 THEN now() ELSE NULL END",
            )
            .bind(id as i64)
            .bind(&account)
            .bind(!active)
            .execute(&bot.pool)
            .await?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Ends the open conversation of a thread (closed) or of a project branch (merged): it is no
/// longer reconciled.
async fn end_conversation(
    bot: &Bot,
    repo: &RepoId,
    state: &str,
    thread: Option<Thread>,
    branch: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "UPDATE conversations SET state = $4, updated_at = now()
         WHERE host = $1 AND owner = $2 AND repo = $3 AND state = 'open'
           AND ((thread_kind = $5 AND issue_number = $6) OR branch = $7)",
    )
    .bind(repo.host.as_str())
    .bind(&repo.owner)
    .bind(&repo.name)
    .bind(state)
    .bind(thread.map(Thread::kind))
    .bind(thread.map(|t| t.number() as i64))
    .bind(branch)
    .execute(&bot.pool)
    .await?;
    Ok(())
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
