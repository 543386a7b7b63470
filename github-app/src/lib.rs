//! Speaking GitHub as a GitHub App. This crate knows nothing of specs: it verifies webhooks, turns them
//! into typed events and makes the API calls a spec bot needs; the product (`src/forge/`) maps them to its own terms.

pub mod app;
pub mod checks;
pub mod client;
pub mod events;
pub mod git;
pub mod ingress;
pub mod issues;
pub mod pulls;
pub mod signature;

pub use app::{AppInfo, Installation};
pub use checks::{Annotation, CheckReport, Level};
pub use client::{AppConfig, Call, ClientError, GitHubApp, IssueRef, RepoRef, RetryPolicy, split_comment};
pub use events::Event;
pub use git::{DirEntry, FileChange, Head};
pub use ingress::{MAX_BODY_BYTES, Rejection, Webhook};
pub use issues::{IssueDraft, IssueSummary, PullEnds};
pub use pulls::{PullRequest, PullRequestDraft};
pub use signature::{SignatureError, WebhookSecrets};
