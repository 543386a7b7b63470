//! The webhook endpoint's extractor: caps the body, checks the token (and the signature, when
//! hooks are signed) before anything reads the payload, and yields the typed event with the
//! delivery's id. GitLab waits about ten seconds and disables a hook that keeps failing, so
//! the caller answers at once and works later.

use crate::events::Event;
use crate::signature::{Presented, SignatureError, WebhookVerifier};
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Ours are comments and pushes, far below this.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// A verified GitLab webhook delivery.
#[derive(Debug, Clone)]
pub struct GitLabWebhook {
    /// The same on a redelivery: `Idempotency-Key`, else `webhook-id`, else `X-Gitlab-Event-UUID`.
    pub delivery: String,
    /// `X-Gitlab-Event` (`Note Hook`, `Merge Request Hook`, ...).
    pub name: String,
    pub event: Event,
    /// The raw body, as received (for storing and deduplicating deliveries).
    pub body: Bytes,
}

/// Why a delivery was refused; each answers with a 4xx (or 500 when misconfigured) and a reason.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    #[error("{0}")]
    Signature(#[from] SignatureError),
    #[error("the body is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    #[error("the body could not be read: {0}")]
    Body(String),
    #[error("the {0} header is missing")]
    MissingHeader(&'static str),
    #[error("the `{event}` payload does not parse: {reason}")]
    BadPayload { event: String, reason: String },
}

impl Rejection {
    /// The kind of refusal, for logs: never a payload value (a parser's message can quote one).
    pub fn class(&self) -> &'static str {
        match self {
            Rejection::Signature(SignatureError::NoSecret | SignatureError::BadSigningToken) => "misconfigured",
            Rejection::Signature(SignatureError::Stale) => "stale timestamp",
            Rejection::Signature(_) => "token or signature",
            Rejection::TooLarge => "too large",
            Rejection::Body(_) => "unreadable body",
            Rejection::MissingHeader(header) => header,
            Rejection::BadPayload { .. } => "payload does not parse",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::Signature(SignatureError::NoSecret | SignatureError::BadSigningToken) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            Rejection::Signature(_) => StatusCode::UNAUTHORIZED,
            Rejection::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::Body(_) | Rejection::MissingHeader(_) => StatusCode::BAD_REQUEST,
            Rejection::BadPayload { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        (self.status(), format!("{self}\n")).into_response()
    }
}

impl<S> FromRequest<S> for GitLabWebhook
where
    S: Send + Sync,
    WebhookVerifier: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = WebhookVerifier::from_ref(state);
        let (parts, body) = request.into_parts();
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let declared = header("content-length").and_then(|n| n.parse::<usize>().ok());
        if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
            return Err(Rejection::TooLarge);
        }
        let body = axum::body::to_bytes(body, MAX_BODY_BYTES).await.map_err(|e| {
            let limit = std::error::Error::source(&e).is_some_and(|s| s.to_string().contains("length limit"));
            if limit || e.to_string().contains("length limit") {
                Rejection::TooLarge
            } else {
                Rejection::Body(e.to_string())
            }
        })?;
        let presented = Presented {
            token: header("x-gitlab-token"),
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
        };
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
        // Nothing reads the payload before the token (and signature) hold.
        verifier.verify(&presented, &body, now)?;
        let name = header("x-gitlab-event").ok_or(Rejection::MissingHeader("X-Gitlab-Event"))?.to_owned();
        let delivery = (header("idempotency-key").or(presented.id).or_else(|| header("x-gitlab-event-uuid")))
            .filter(|id| !id.trim().is_empty())
            .ok_or(Rejection::MissingHeader("Idempotency-Key"))?
            .trim()
            .to_owned();
        let event =
            Event::parse(&body).map_err(|e| Rejection::BadPayload { event: name.clone(), reason: e.to_string() })?;
        Ok(GitLabWebhook { delivery, name, event, body })
    }
}
