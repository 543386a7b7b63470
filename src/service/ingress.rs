//! `POST /webhooks/github`: verify (in the extractor), turn the delivery into a product event,
//! store both and enqueue the event's job in one statement, and answer 202 at once. Workers do
//! the rest. A redelivery (same id, same body) is acknowledged and does nothing; the same id
//! with another body is refused.

use super::AppState;
use super::jobs::{self, NewDelivery, NewJob};
use super::metrics::DeliveryLabels;
use crate::forge::{ForgeEvent, Host};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use github_app::{Rejection, Webhook};
use gitlab_app::GitLabWebhook;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::time::Instant;

pub async fn github(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    webhook: Result<Webhook, Rejection>,
) -> Response {
    let started = Instant::now();
    let webhook = match webhook {
        Ok(webhook) => webhook,
        Err(rejection) => {
            // GitHub's event names are snake_case words; its delivery ids are UUIDs.
            let event = header(&headers, "x-github-event", |c| c.is_ascii_lowercase() || c == '_');
            let delivery = header(&headers, "x-github-delivery", |c| c.is_ascii_hexdigit() || c == '-');
            refused(&state, Host::GitHub, (rejection.class(), rejection.status()), &event, &delivery);
            return rejection.into_response();
        }
    };
    let inbound = Inbound {
        delivery: webhook.delivery.clone(),
        name: webhook.name.clone(),
        body: &webhook.body,
        installation: webhook.event.installation_id().map(|id| id as i64),
        subject: webhook.event.subject(),
        event: crate::forge::github::event(&webhook.event),
    };
    accept(&state, Host::GitHub, inbound, started).await
}

/// `POST /webhooks/gitlab`: the same, for GitLab's hooks.
pub async fn gitlab(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    webhook: Result<GitLabWebhook, gitlab_app::Rejection>,
) -> Response {
    let started = Instant::now();
    let webhook = match webhook {
        Ok(webhook) => webhook,
        Err(rejection) => {
            // GitLab's event names are words ("Note Hook"); its delivery ids are UUIDs.
            let event = header(&headers, "x-gitlab-event", |c| c.is_ascii_alphabetic() || c == ' ');
            let delivery = header(&headers, "idempotency-key", |c| c.is_ascii_hexdigit() || c == '-');
            refused(&state, Host::GitLab, (rejection.class(), rejection.status()), &event, &delivery);
            return rejection.into_response();
        }
    };
    let inbound = Inbound {
        // Prefixed: GitLab's ids never meet GitHub's, stored as they come.
        delivery: format!("gitlab:{}", webhook.delivery),
        name: webhook.name.clone(),
        body: &webhook.body,
        installation: webhook.event.project().map(|p| p.id as i64),
        subject: webhook.event.subject(),
        event: crate::forge::gitlab::event(&webhook.event),
    };
    accept(&state, Host::GitLab, inbound, started).await
}

/// Counts and logs a refused delivery: the kind of refusal only, never the full reason (it can
/// quote what the sender wrote).
fn refused(state: &AppState, host: Host, (class, status): (&str, StatusCode), event: &str, delivery: &str) {
    state.metrics.deliveries.get_or_create(&DeliveryLabels { event: "-".into(), outcome: "rejected" }).inc();
    tracing::warn!(reason = class, status = status.as_u16(), %host, %event, %delivery, "webhook refused");
}

/// A header's value for a log line, only when it looks like what the host sends (never what a
/// sender wrote).
fn header(headers: &axum::http::HeaderMap, name: &str, allowed: fn(char) -> bool) -> String {
    (headers.get(name).and_then(|v| v.to_str().ok()))
        .filter(|v| v.len() <= 64 && v.chars().all(allowed))
        .unwrap_or("-")
        .to_owned()
}

/// A verified delivery, whichever host sent it.
struct Inbound<'a> {
    /// The delivery's id as stored (the same on a redelivery).
    delivery: String,
    /// The host's name for the event.
    name: String,
    body: &'a [u8],
    installation: Option<i64>,
    /// What the payload identifies, to recognise a replay under a new delivery id.
    subject: Option<String>,
    /// What it means to the bot, if anything.
    event: Option<ForgeEvent>,
}

/// Stores a verified delivery with its job and answers for it.
async fn accept(state: &AppState, host: Host, inbound: Inbound<'_>, started: Instant) -> Response {
    let (outcome, response) = match store(state, &inbound).await {
        Ok(stored) => stored,
        Err(error) => {
            tracing::error!(delivery = %inbound.delivery, %host, %error, "storing a delivery failed");
            let body = Json(json!({ "error": "the delivery could not be stored; it may be delivered again" }));
            ("error", (StatusCode::SERVICE_UNAVAILABLE, body).into_response())
        }
    };
    state.metrics.deliveries.get_or_create(&DeliveryLabels { event: inbound.name.clone(), outcome }).inc();
    state.metrics.ingest_seconds.observe(started.elapsed().as_secs_f64());
    tracing::info!(delivery = %inbound.delivery, %host, event = %inbound.name, outcome, "webhook");
    response
}

async fn store(state: &AppState, inbound: &Inbound<'_>) -> sqlx::Result<(&'static str, Response)> {
    let hash = Sha256::digest(inbound.body).to_vec();
    let payload = String::from_utf8_lossy(inbound.body);
    let job = inbound.event.as_ref().map(|e| (e.job(), e.job_payload(&inbound.name)));
    let id = &inbound.delivery;
    let delivery = NewDelivery {
        id,
        event: &inbound.name,
        body_sha256: &hash,
        installation: inbound.installation,
        payload: &payload,
        subject: inbound.subject.as_deref(),
        job: job.as_ref().map(|((kind, key), payload)| NewJob { kind, key, payload }),
    };
    let Some(job) = jobs::store_delivery(&state.pool, &delivery).await? else {
        let known: Option<Vec<u8>> = sqlx::query_scalar("SELECT body_sha256 FROM deliveries WHERE id = $1")
            .bind(id)
            .fetch_optional(&state.pool)
            .await?;
        return Ok(if known.is_none() {
            // A new id for an event already received: a replayed body. Acknowledged, never acted on.
            let body = json!({ "delivery": inbound.delivery, "status": "replay: this event was already received, nothing to do" });
            ("replay", (StatusCode::ACCEPTED, Json(body)).into_response())
        } else if known == Some(hash) {
            let body = json!({ "delivery": inbound.delivery, "status": "duplicate: already received, nothing to do" });
            ("duplicate", (StatusCode::ACCEPTED, Json(body)).into_response())
        } else {
            let body = json!({ "error": "this delivery id was already received with a different body" });
            ("conflict", (StatusCode::CONFLICT, Json(body)).into_response())
        });
    };
    if job.is_some() {
        state.wake.notify_one();
    }
    let outcome = if job.is_some() { "queued" } else { "stored" };
    let body = json!({ "delivery": inbound.delivery, "job": job });
    Ok((outcome, (StatusCode::ACCEPTED, Json(body)).into_response()))
}
