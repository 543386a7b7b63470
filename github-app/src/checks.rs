//! Check runs: a report with any number of annotations, delivered as GitHub allows (at most 50
//! annotations per request: the first batch creates the run, the rest are appended).

use crate::client::{Call, ClientError, GitHubApp};
use serde::Serialize;
use serde_json::json;

/// GitHub's limit of annotations per create or update request.
pub const ANNOTATIONS_PER_REQUEST: usize = 50;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Notice,
    Warning,
    Failure,
}

#[derive(Clone, Debug, Serialize)]
pub struct Annotation {
    pub path: String,
    pub start_line: u64,
    pub end_line: u64,
    pub annotation_level: Level,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A finished check run: `conclusion` is `success`, `failure` or `neutral`.
#[derive(Clone, Debug)]
pub struct CheckReport {
    pub name: String,
    pub head_sha: String,
    pub conclusion: &'static str,
    pub title: String,
    pub summary: String,
    pub annotations: Vec<Annotation>,
}

impl GitHubApp {
    /// Publishes `report` as a completed check run on `owner/repo`; returns its id.
    pub async fn publish_check_run(
        &self,
        installation: u64,
        owner: &str,
        repo: &str,
        report: &CheckReport,
    ) -> Result<u64, ClientError> {
        let mut batches = report.annotations.chunks(ANNOTATIONS_PER_REQUEST);
        let output = |annotations: &[Annotation]| json!({ "title": report.title, "summary": report.summary, "annotations": annotations });
        let create = json!({
            "name": report.name, "head_sha": report.head_sha, "status": "completed",
            "conclusion": report.conclusion, "output": output(batches.next().unwrap_or_default()),
        });
        let route = format!("/repos/{owner}/{repo}/check-runs");
        let created: serde_json::Value = self
            .as_installation(installation, Call::Write, |crab| {
                let (route, body) = (route.clone(), create.clone());
                async move { crab.post(route, Some(&body)).await }
            })
            .await?;
        let id = created["id"].as_u64().unwrap_or_default();
        for batch in batches {
            let route = format!("/repos/{owner}/{repo}/check-runs/{id}");
            let body = json!({ "output": output(batch) });
            let _: serde_json::Value = self
                .as_installation(installation, Call::Write, |crab| {
                    let (route, body) = (route.clone(), body.clone());
                    async move { crab.patch(route, Some(&body)).await }
                })
                .await?;
        }
        Ok(id)
    }

    /// The permission (`admin`, `maintain`, `write`, `triage`, `read` or `none`) a user has on a
    /// repository: who may answer and change specs is decided by this, on every command.
    pub async fn permission(
        &self,
        installation: u64,
        owner: &str,
        repo: &str,
        user: &str,
    ) -> Result<String, ClientError> {
        let route = format!("/repos/{owner}/{repo}/collaborators/{user}/permission");
        let answer: serde_json::Value = self
            .as_installation(installation, Call::Read, |crab| {
                let route = route.clone();
                async move { crab.get(route, None::<&()>).await }
            })
            .await?;
        // `role_name` knows maintain and triage; `permission` folds them into write and read.
        let role = answer["role_name"].as_str().or_else(|| answer["permission"].as_str()).unwrap_or("none");
        Ok(role.to_owned())
    }
}
