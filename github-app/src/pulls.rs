//! Pull requests: how a spec branch asks to be merged.

use crate::client::{Call, ClientError, GitHubApp, RepoRef};
use serde::Deserialize;
use serde_json::json;

/// A pull request as the app needs it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PullRequest {
    pub number: u64,
    pub html_url: String,
    pub state: String,
    pub title: String,
}

/// What to ask for: merge `head` into `base`.
#[derive(Clone, Debug)]
pub struct PullRequestDraft {
    pub head: String,
    pub base: String,
    pub title: String,
    pub body: String,
}

impl GitHubApp {
    /// Opens a pull request. Not retried on a 5xx (it may have been opened); GitHub answers 422
    /// when one is already open for the same branches.
    pub async fn open_pull_request(
        &self,
        installation: u64,
        repo: &RepoRef,
        draft: &PullRequestDraft,
    ) -> Result<PullRequest, ClientError> {
        let route = format!("{}/pulls", repo.api());
        let body = json!({ "title": draft.title, "head": draft.head, "base": draft.base, "body": draft.body });
        self.as_installation(installation, Call::Write, |crab| {
            let (route, body) = (route.clone(), body.clone());
            async move { crab.post::<_, PullRequest>(route, Some(&body)).await }
        })
        .await
    }
}
