//! The webhook endpoint's extractor: caps the body, verifies the signature before anything
//! reads the payload, and yields the typed event with its delivery id.

use crate::events::Event;
use crate::signature::{SignatureError, WebhookSecrets};
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// GitHub caps webhook payloads at 25 MB; ours are comments and pushes, far below 10 MiB.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// A verified GitHub webhook delivery.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// `X-GitHub-Delivery`: unique per delivery, the same on a redelivery.
    pub delivery: String,
    /// `X-GitHub-Event`.
    pub name: String,
    pub event: Event,
    /// The raw body, as signed (for storing and deduplicating deliveries).
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
            Rejection::Signature(SignatureError::NoSecret) => "no webhook secret configured",
            Rejection::Signature(_) => "signature",
            Rejection::TooLarge => "too large",
            Rejection::Body(_) => "unreadable body",
            Rejection::MissingHeader(header) => header,
            Rejection::BadPayload { .. } => "payload does not parse",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::Signature(SignatureError::NoSecret) => StatusCode::INTERNAL_SERVER_ERROR,
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

impl<S> FromRequest<S> for Webhook
where
    S: Send + Sync,
    WebhookSecrets: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let secrets = WebhookSecrets::from_ref(state);
        let (parts, body) = request.into_parts();
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
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
        // Nothing reads the payload before the signature holds.
        secrets.verify(&body, header("x-hub-signature-256").as_deref())?;
        let name = header("x-github-event").ok_or(Rejection::MissingHeader("X-GitHub-Event"))?;
        let delivery = header("x-github-delivery").ok_or(Rejection::MissingHeader("X-GitHub-Delivery"))?;
        let event = Event::parse(&name, &body)
            .map_err(|e| Rejection::BadPayload { event: name.clone(), reason: e.to_string() })?;
        Ok(Webhook { delivery, name, event, body })
    }
}
