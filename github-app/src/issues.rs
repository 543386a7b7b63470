//! Issues as a tracker (tickets pushed to GitHub), a pull request read by number, and removing
//! a comment the app posted on a topic.

use crate::client::{Call, ClientError, GitHubApp, IssueRef, RepoRef};
use serde::Deserialize;
use serde_json::{Value, json};

/// An issue as the app reads it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueSummary {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub open: bool,
    pub labels: Vec<String>,
}

/// What an issue should say.
#[derive(Clone, Debug)]
pub struct IssueDraft {
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
}

/// A pull request's two ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullEnds {
    pub number: u64,
    pub html_url: String,
    pub open: bool,
    pub head_sha: String,
    pub head_ref: String,
    pub base_sha: String,
}

#[derive(Deserialize)]
struct Label {
    name: String,
}

fn summary(issue: &Value) -> Option<IssueSummary> {
    Some(IssueSummary {
        number: issue["number"].as_u64()?,
        title: issue["title"].as_str().unwrap_or_default().to_owned(),
        body: issue["body"].as_str().unwrap_or_default().to_owned(),
        open: issue["state"].as_str() != Some("closed"),
        labels: (issue["labels"].as_array().into_iter().flatten())
            .filter_map(|l| {
                l.as_str()
                    .map(str::to_owned)
                    .or_else(|| serde_json::from_value::<Label>(l.clone()).ok().map(|l| l.name))
            })
            .collect(),
    })
}

impl GitHubApp {
    /// Every issue of the repository, open and closed, oldest first; pull requests (which the
    /// issues list includes) are left out.
    pub async fn issues(&self, installation: u64, repo: &RepoRef) -> Result<Vec<IssueSummary>, ClientError> {
        let mut out = Vec::new();
        for page in 1u32.. {
            let route = format!("{}/issues?state=all&sort=created&direction=asc&per_page=100&page={page}", repo.api());
            let list: Vec<Value> = self
                .as_installation(installation, Call::Read, |crab| {
                    let route = route.clone();
                    async move { crab.get(route, None::<&()>).await }
                })
                .await?;
            let count = list.len();
            out.extend(list.iter().filter(|i| i.get("pull_request").is_none_or(Value::is_null)).filter_map(summary));
            if count < 100 {
                break;
            }
        }
        Ok(out)
    }

    /// Opens an issue; its number. Not retried on a 5xx: it may have been created.
    pub async fn create_issue(
        &self,
        installation: u64,
        repo: &RepoRef,
        draft: &IssueDraft,
    ) -> Result<u64, ClientError> {
        let route = format!("{}/issues", repo.api());
        let body = json!({ "title": draft.title, "body": draft.body, "labels": draft.labels });
        let created: Value = self
            .as_installation(installation, Call::Write, |crab| {
                let (route, body) = (route.clone(), body.clone());
                async move { crab.post(route, Some(&body)).await }
            })
            .await?;
        created["number"].as_u64().ok_or_else(|| ClientError::Unexpected("a created issue without a number".into()))
    }

    /// Replaces an issue's title, body and labels (its state is left as people set it).
    pub async fn update_issue(
        &self,
        installation: u64,
        repo: &RepoRef,
        number: u64,
        draft: &IssueDraft,
    ) -> Result<(), ClientError> {
        let route = format!("{}/issues/{number}", repo.api());
        let body = json!({ "title": draft.title, "body": draft.body, "labels": draft.labels });
        let _: Value = self
            .as_installation(installation, Call::Idempotent, |crab| {
                let (route, body) = (route.clone(), body.clone());
                async move { crab.patch(route, Some(&body)).await }
            })
            .await?;
        Ok(())
    }

    /// A pull request's head and base, by number.
    pub async fn pull_ends(&self, installation: u64, repo: &RepoRef, number: u64) -> Result<PullEnds, ClientError> {
        let route = format!("{}/pulls/{number}", repo.api());
        let pull: Value = self
            .as_installation(installation, Call::Read, |crab| {
                let route = route.clone();
                async move { crab.get(route, None::<&()>).await }
            })
            .await?;
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let missing = || ClientError::Unexpected(format!("pull request #{number} without its head or base"));
        Ok(PullEnds {
            number,
            html_url: text(&pull["html_url"]).unwrap_or_default(),
            open: pull["state"].as_str() == Some("open"),
            head_sha: text(&pull["head"]["sha"]).ok_or_else(missing)?,
            head_ref: text(&pull["head"]["ref"]).ok_or_else(missing)?,
            base_sha: text(&pull["base"]["sha"]).ok_or_else(missing)?,
        })
    }

    /// Deletes the app's comment (every part of it) on `topic`; how many were deleted.
    pub async fn remove_comment(&self, installation: u64, issue: &IssueRef, topic: &str) -> Result<usize, ClientError> {
        let first = crate::client::marker(topic, 0);
        let part = first.trim_end_matches(" -->").to_owned() + "#";
        let mine = self.app_comments(installation, issue).await?;
        let mut removed = 0;
        for (id, _) in mine.iter().filter(|(_, body)| body.contains(&first) || body.contains(&part)) {
            self.delete_comment(installation, issue, *id).await?;
            removed += 1;
        }
        Ok(removed)
    }
}
