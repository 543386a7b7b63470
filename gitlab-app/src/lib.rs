//! Speaking GitLab: webhook payloads as lenient types, the `X-Gitlab-Token` check and GitLab's
//! signed webhooks, and an axum extractor that does both before anything reads a payload.
//! Knows nothing of specs.

pub mod events;
pub mod ingress;
pub mod signature;

pub use events::Event;
pub use ingress::{GitLabWebhook, Rejection};
pub use signature::{SignatureError, WebhookVerifier};
