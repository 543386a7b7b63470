//! Speaking GitLab: webhook payloads as lenient types, the `X-Gitlab-Token` check and GitLab's
//! signed webhooks, an axum extractor that does both before anything reads a payload, and the
//! API calls a spec bot makes.
//! Knows nothing of specs.

pub mod client;
pub mod events;
pub mod ingress;
pub mod signature;

pub use client::{ClientConfig, ClientError, GitLab};
pub use events::Event;
pub use ingress::{GitLabWebhook, Rejection};
pub use signature::{SignatureError, WebhookVerifier};
