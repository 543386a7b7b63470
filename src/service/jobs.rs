//! The durable job queue in Postgres. Ingress enqueues in the same transaction that stores the
//! delivery; workers in any number of `serve` processes claim with `FOR UPDATE SKIP LOCKED`.
//!
//! One project's jobs run one at a time and in order: a job is claimable only when no earlier
//! job of its project is unfinished. A claimed job holds a lease; a worker that dies lets it run
//! out and the job is claimed again (its recorded steps keep it from doing anything twice). The
//! project's advisory lock, held on the worker's own connection for the whole run, covers the
//! one case the lease cannot: a worker presumed dead that is in fact still running.

use serde_json::Value;
use sqlx::{PgConnection, PgPool, Row};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub project_key: String,
    pub delivery_id: Option<String>,
    pub payload: Value,
    /// This run's attempt, from 1.
    pub attempt: i32,
    pub max_attempts: i32,
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    Done,
    /// Try again later (GitHub said "not now", or a step failed and may pass next time).
    Retry {
        error: String,
        after: Option<Duration>,
    },
    /// Never going to work: dead at once.
    Fail(String),
}

/// Adds a job. Runs inside the caller's transaction, so a delivery is never stored without its job.
pub async fn enqueue(
    conn: &mut PgConnection,
    kind: &str,
    project_key: &str,
    delivery_id: Option<&str>,
    payload: &Value,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO jobs (kind, project_key, delivery_id, payload) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(kind)
    .bind(project_key)
    .bind(delivery_id)
    .bind(payload)
    .fetch_one(conn)
    .await
}

/// A delivery to store, with the job it asks for.
pub struct NewDelivery<'a> {
    pub id: &'a str,
    pub event: &'a str,
    pub body_sha256: &'a [u8],
    pub installation: Option<i64>,
    pub payload: &'a str,
    /// What the payload identifies (a comment, its action and when it changed), to recognise a
    /// replay.
    pub subject: Option<&'a str>,
    /// The job the delivery asks for, if any.
    pub job: Option<NewJob<'a>>,
}

/// A job to queue with its delivery.
pub struct NewJob<'a> {
    pub kind: &'a str,
    /// Jobs with one key run one at a time, in order.
    pub key: &'a str,
    /// What the job is about ([`ForgeEvent`](crate::forge::ForgeEvent)), JSON.
    pub payload: &'a str,
}

/// Stores a delivery and queues its job in one statement: one round trip, atomic by itself, so
/// the two are stored together or not at all. A known delivery id stores nothing: returns
/// `None`, and so does a known subject (the same event under another delivery id). Otherwise
/// returns the job's id, if one was queued.
pub async fn store_delivery(pool: &PgPool, delivery: &NewDelivery<'_>) -> sqlx::Result<Option<Option<i64>>> {
    let kind = delivery.job.as_ref().map(|j| j.kind);
    let project = delivery.job.as_ref().map(|j| j.key);
    let payload = delivery.job.as_ref().map(|j| j.payload);
    let (stored, job): (i64, Option<i64>) = sqlx::query_as(
        "WITH delivery AS (
             INSERT INTO deliveries (id, event, body_sha256, installation_id, payload, subject)
             VALUES ($1, $2, $3, $4, $5::text::jsonb, $8) ON CONFLICT DO NOTHING RETURNING id),
         job AS (
             INSERT INTO jobs (kind, project_key, delivery_id, payload, installation_id)
             SELECT $6, $7, delivery.id, $9::text::jsonb, $4 FROM delivery
             WHERE $6::text IS NOT NULL RETURNING id)
         SELECT (SELECT count(*) FROM delivery), (SELECT id FROM job)",
    )
    .bind(delivery.id)
    .bind(delivery.event)
    .bind(delivery.body_sha256)
    .bind(delivery.installation)
    .bind(delivery.payload)
    .bind(kind)
    .bind(project)
    .bind(delivery.subject)
    .bind(payload)
    .fetch_one(pool)
    .await?;
    Ok((stored > 0).then_some(job))
}

/// The queue as one worker sees it.
#[derive(Clone)]
pub struct Queue {
    pub pool: PgPool,
    pub worker: String,
    pub lease: Duration,
    /// The first retry delay, doubled per attempt, capped at five minutes.
    pub backoff: Duration,
}

impl Queue {
    pub fn new(pool: PgPool, worker: impl Into<String>) -> Queue {
        Queue { pool, worker: worker.into(), lease: Duration::from_secs(300), backoff: Duration::from_secs(2) }
    }

    /// Claims the next runnable job, if any: queued and due, or running with its lease run out;
    /// and the earliest unfinished job of its project; of the installation with the fewest jobs
    /// running, so one installation's backlog cannot starve another's.
    pub async fn claim(&self) -> sqlx::Result<Option<Job>> {
        let row = sqlx::query(
            // A lease that ran out counts as an attempt: a job that kills its worker every time
            // ends in the dead letter after its last one, in the same statement as the claim.
            "WITH spent AS (
                 UPDATE jobs SET state = 'dead', finished_at = now(), locked_until = NULL,
                        last_error = 'its worker stopped while running it (the lease ran out) on its last attempt'
                 WHERE state = 'running' AND locked_until < now() AND attempts >= max_attempts)
             UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1,
                    locked_until = now() + make_interval(secs => $2)
             WHERE id = (
                 SELECT j.id FROM jobs j
                 WHERE ((j.state = 'queued' AND j.run_at <= now())
                        OR (j.state = 'running' AND j.locked_until < now() AND j.attempts < j.max_attempts))
                   AND NOT EXISTS (SELECT 1 FROM jobs e
                                   WHERE e.project_key = j.project_key AND e.id < j.id
                                     AND e.state IN ('queued', 'running'))
                 ORDER BY (SELECT count(*) FROM jobs r
                           WHERE r.state = 'running' AND r.installation_id IS NOT DISTINCT FROM j.installation_id),
                          j.run_at, j.id
                 FOR UPDATE SKIP LOCKED
                 LIMIT 1)
             RETURNING id, kind, project_key, delivery_id, payload, attempts, max_attempts",
        )
        .bind(&self.worker)
        .bind(self.lease.as_secs_f64())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| Job {
            id: row.get("id"),
            kind: row.get("kind"),
            project_key: row.get("project_key"),
            delivery_id: row.get("delivery_id"),
            payload: row.get("payload"),
            attempt: row.get("attempts"),
            max_attempts: row.get("max_attempts"),
        }))
    }

    /// Takes the project's advisory lock on a connection of its own, held until [`release`].
    /// `None` when another worker holds it.
    pub async fn lock_project(&self, job: &Job) -> sqlx::Result<Option<sqlx::pool::PoolConnection<sqlx::Postgres>>> {
        let mut conn = self.pool.acquire().await?;
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
            .bind(&job.project_key)
            .fetch_one(&mut *conn)
            .await?;
        Ok(locked.then_some(conn))
    }

    /// Releases the project's lock. Should that fail, the connection is closed rather than given
    /// back to the pool: a pooled connection never holds a lock.
    pub async fn release(&self, mut conn: sqlx::pool::PoolConnection<sqlx::Postgres>, job: &Job) -> sqlx::Result<()> {
        let unlocked = sqlx::query("SELECT pg_advisory_unlock(hashtextextended($1, 0))")
            .bind(&job.project_key)
            .execute(&mut *conn)
            .await;
        if unlocked.is_err() {
            let _ = conn.close().await;
        }
        unlocked.map(|_| ())
    }

    /// Puts a claimed job back untouched (its project was busy elsewhere).
    pub async fn put_back(&self, job: &Job) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = attempts - 1, locked_by = NULL, locked_until = NULL,
                    run_at = now() + interval '200 milliseconds'
             WHERE id = $1 AND locked_by = $2",
        )
        .bind(job.id)
        .bind(&self.worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records how the run ended: done, queued again with backoff (or after the wait GitHub
    /// asked for), or dead once out of attempts.
    pub async fn finish(&self, job: &Job, outcome: &Outcome) -> sqlx::Result<()> {
        match outcome {
            Outcome::Done => {
                sqlx::query(
                    "UPDATE jobs SET state = 'done', finished_at = now(), locked_until = NULL, last_error = NULL
                     WHERE id = $1",
                )
                .bind(job.id)
                .execute(&self.pool)
                .await?;
            }
            Outcome::Retry { error, after } if job.attempt < job.max_attempts => {
                let doubled = self.backoff.saturating_mul(1 << (job.attempt - 1).clamp(0, 16) as u32);
                // GitHub's Retry-After is honoured as given; our own backoff stops at five minutes.
                let wait = after.unwrap_or(doubled.min(Duration::from_secs(300)));
                sqlx::query(
                    "UPDATE jobs SET state = 'queued', run_at = now() + make_interval(secs => $2),
                            locked_by = NULL, locked_until = NULL, last_error = $3
                     WHERE id = $1",
                )
                .bind(job.id)
                .bind(wait.as_secs_f64())
                .bind(error)
                .execute(&self.pool)
                .await?;
            }
            Outcome::Retry { error, .. } | Outcome::Fail(error) => {
                sqlx::query(
                    "UPDATE jobs SET state = 'dead', finished_at = now(), locked_until = NULL, last_error = $2
                     WHERE id = $1",
                )
                .bind(job.id)
                .bind(error)
                .execute(&self.pool)
                .await?;
            }
        }
        Ok(())
    }

    /// The result a job recorded for `step` in an earlier run, if it got that far.
    pub async fn step(&self, job: &Job, step: &str) -> sqlx::Result<Option<Value>> {
        sqlx::query_scalar("SELECT result FROM job_steps WHERE job_id = $1 AND step = $2")
            .bind(job.id)
            .bind(step)
            .fetch_optional(&self.pool)
            .await
    }

    /// Records that `step` is done, with what it produced.
    pub async fn record_step(&self, job: &Job, step: &str, result: &Value) -> sqlx::Result<()> {
        sqlx::query("INSERT INTO job_steps (job_id, step, result) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(job.id)
            .bind(step)
            .bind(result)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Hands the jobs `workers` still hold back to the queue, due now and without counting the
/// attempt, for when a stopping process abandons them: another worker takes them at once rather
/// than when their lease runs out. Steps already recorded are not done again.
pub async fn release_held(pool: &PgPool, workers: &[String]) -> sqlx::Result<u64> {
    let released = sqlx::query(
        "UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), locked_by = NULL,
                locked_until = NULL, run_at = now()
         WHERE state = 'running' AND locked_by = ANY($1)",
    )
    .bind(workers)
    .execute(pool)
    .await?;
    Ok(released.rows_affected())
}

/// Forgets finished jobs (and their steps) and deliveries older than `age`: the tables stay the
/// size of the recent past. Returns how many jobs and deliveries went.
pub async fn prune(pool: &PgPool, age: Duration) -> sqlx::Result<(u64, u64)> {
    let mut tx = pool.begin().await?;
    let old = "state IN ('done', 'dead') AND finished_at < now() - make_interval(secs => $1)";
    sqlx::query(&format!("DELETE FROM job_steps WHERE job_id IN (SELECT id FROM jobs WHERE {old})"))
        .bind(age.as_secs_f64())
        .execute(&mut *tx)
        .await?;
    let jobs = sqlx::query(&format!("DELETE FROM jobs WHERE {old}")).bind(age.as_secs_f64()).execute(&mut *tx).await?;
    let deliveries = sqlx::query(
        "DELETE FROM deliveries d WHERE received_at < now() - make_interval(secs => $1)
           AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.delivery_id = d.id)",
    )
    .bind(age.as_secs_f64())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((jobs.rows_affected(), deliveries.rows_affected()))
}
