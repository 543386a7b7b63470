//! Speaking GitHub as a GitHub App. This crate knows nothing of specs: it verifies webhooks and
//! turns them into typed events; the product (`src/forge/`) maps them to its own terms.

pub mod checks;
pub mod client;
pub mod events;
pub mod ingress;
pub mod signature;

pub use checks::{Annotation, CheckReport, Level};
pub use client::{AppConfig, Call, ClientError, GitHubApp, IssueRef, RetryPolicy, split_comment};
pub use events::Event;
pub use ingress::{MAX_BODY_BYTES, Rejection, Webhook};
pub use signature::{SignatureError, WebhookSecrets};
