//! A worker: claim a job, hold its project's lock, run it, record the outcome; sleep until woken
//! (or a second passes) when there is nothing to do.

use super::AppState;
use super::bot::{self, Bot};
use super::jobs::{Outcome, Queue};
use super::metrics::JobLabels;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// `host-pid`, so a job's `locked_by` says which process runs it.
pub fn process_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_else(|_| "host".into());
    format!("{host}-{}", std::process::id())
}

/// How a worker is told to stop: `stop` takes no new job and finishes the one running;
/// `abandon` (after the grace period) drops the running job where it stands, for
/// [`super::jobs::release_held`] to hand it to another worker.
#[derive(Clone, Default)]
pub struct Stop {
    pub stop: CancellationToken,
    pub abandon: CancellationToken,
}

/// Runs jobs until told to stop; a job running then is finished first, unless abandoned.
pub async fn run(bot: Arc<Bot>, queue: Queue, state: AppState, stop: Stop) {
    let Stop { stop, abandon } = stop;
    while !stop.is_cancelled() {
        let ran = tokio::select! {
            ran = run_one(&bot, &queue, &state) => ran,
            _ = abandon.cancelled() => return,
        };
        match ran {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => tracing::error!(%error, worker = %queue.worker, "the job queue failed"),
        }
        tokio::select! {
            _ = state.wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.cancelled() => return,
        }
    }
}

/// Runs the next job, if there is one. `Ok(false)`: nothing to do.
pub async fn run_one(bot: &Bot, queue: &Queue, state: &AppState) -> sqlx::Result<bool> {
    let Some(job) = queue.claim().await? else { return Ok(false) };
    let Some(lock) = queue.lock_project(&job).await? else {
        queue.put_back(&job).await?;
        return Ok(true);
    };
    let span =
        tracing::info_span!("job", id = job.id, kind = %job.kind, delivery = ?job.delivery_id, attempt = job.attempt);
    // A job that panics fails (and is dead-lettered); the worker, and the lock, carry on.
    // Boxed: a job's future is large, and lives on the heap rather than the worker's stack.
    let running = std::panic::AssertUnwindSafe(Box::pin(bot::run(bot, queue, &job)).instrument(span.clone()));
    let outcome = match futures_util::FutureExt::catch_unwind(running).await {
        Ok(outcome) => outcome,
        Err(_) => Outcome::Fail("the job panicked; see the service's log".into()),
    };
    let _enter = span.enter();
    let label = match &outcome {
        Outcome::Done => "done",
        Outcome::Retry { error, .. } if job.attempt < job.max_attempts => {
            tracing::warn!(%error, "job failed; it will be retried");
            "retry"
        }
        Outcome::Retry { error, .. } | Outcome::Fail(error) => {
            tracing::error!(%error, "job failed for good (dead letter)");
            "dead"
        }
    };
    state.metrics.jobs.get_or_create(&JobLabels { kind: job.kind.clone(), outcome: label }).inc();
    // The lock is released whatever recording the outcome did.
    let finished = queue.finish(&job, &outcome).await;
    let released = queue.release(lock, &job).await;
    finished.and(released).map(|()| true)
}
