//! `POST /webhooks/github`: verify (in the extractor), turn the delivery into a product event,
//! store both and enqueue the event's job in one statement, and answer 202 at once. Workers do
//! the rest. A redelivery (same id, same body) is acknowledged and does nothing; the same id
//! with another body is refused.

use super::AppState;
use super::jobs::{self, NewDelivery, NewJob};
use super::metrics::DeliveryLabels;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use github_app::{Rejection, Webhook};
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
            state.metrics.deliveries.get_or_create(&DeliveryLabels { event: "-".into(), outcome: "rejected" }).inc();
            // The class only: the full reason can quote what the sender wrote; the event and
            // delivery id only when they look like what GitHub sends.
            let header = |name: &str, allowed: fn(char) -> bool| {
                (headers.get(name).and_then(|v| v.to_str().ok()))
                    .filter(|v| v.len() <= 64 && v.chars().all(allowed))
                    .unwrap_or("-")
                    .to_owned()
            };
            // GitHub's event names are snake_case words; its delivery ids are UUIDs.
            let event = header("x-github-event", |c| c.is_ascii_lowercase() || c == '_');
            let delivery = header("x-github-delivery", |c| c.is_ascii_hexdigit() || c == '-');
            tracing::warn!(
                reason = rejection.class(),
                status = rejection.status().as_u16(),
                %event,
                %delivery,
                "webhook refused"
            );
            return rejection.into_response();
        }
    };
    let (outcome, response) = match store(&state, &webhook).await {
        Ok(stored) => stored,
        Err(error) => {
            tracing::error!(delivery = %webhook.delivery, %error, "storing a delivery failed");
            let body = Json(json!({ "error": "the delivery could not be stored; GitHub may redeliver it" }));
            ("error", (StatusCode::SERVICE_UNAVAILABLE, body).into_response())
        }
    };
    state.metrics.deliveries.get_or_create(&DeliveryLabels { event: webhook.name.clone(), outcome }).inc();
    state.metrics.ingest_seconds.observe(started.elapsed().as_secs_f64());
    tracing::info!(delivery = %webhook.delivery, event = %webhook.name, outcome, "webhook");
    response
}

async fn store(state: &AppState, webhook: &Webhook) -> sqlx::Result<(&'static str, Response)> {
    let hash = Sha256::digest(&webhook.body).to_vec();
    let payload = String::from_utf8_lossy(&webhook.body);
    let installation = webhook.event.installation_id().map(|id| id as i64);
    let event = crate::forge::github::event(&webhook.event);
    let job = event.as_ref().map(|e| (e.job(), json!({ "event": webhook.name, "product": e }).to_string()));
    let subject = webhook.event.subject();
    let delivery = NewDelivery {
        id: &webhook.delivery,
        event: &webhook.name,
        body_sha256: &hash,
        installation,
        payload: &payload,
        subject: subject.as_deref(),
        job: job.as_ref().map(|((kind, key), payload)| NewJob { kind, key, payload }),
    };
    let Some(job) = jobs::store_delivery(&state.pool, &delivery).await? else {
        let known: Option<Vec<u8>> = sqlx::query_scalar("SELECT body_sha256 FROM deliveries WHERE id = $1")
            .bind(&webhook.delivery)
            .fetch_optional(&state.pool)
            .await?;
        return Ok(if known.is_none() {
            // A new id for an event already received: a replayed body. Acknowledged, never acted on.
            let body = json!({ "delivery": webhook.delivery, "status": "replay: this event was already received, nothing to do" });
            ("replay", (StatusCode::ACCEPTED, Json(body)).into_response())
        } else if known == Some(hash) {
            let body = json!({ "delivery": webhook.delivery, "status": "duplicate: already received, nothing to do" });
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
    let body = json!({ "delivery": webhook.delivery, "job": job });
    Ok((outcome, (StatusCode::ACCEPTED, Json(body)).into_response()))
}
