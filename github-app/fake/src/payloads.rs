//! The JSON the fake answers with, shaped as GitHub's API description says.

use super::{CheckRun, Comment, Pull};
use serde_json::{Value, json};

pub const DOCS: &str = "https://docs.github.com/rest";

/// GitHub's error body.
pub fn error(message: &str) -> Value {
    json!({ "message": message, "documentation_url": DOCS })
}

pub fn in_an_hour() -> String {
    timestamp(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 3600)
}

/// Seconds since the epoch as RFC 3339 in UTC.
pub fn timestamp(seconds: u64) -> String {
    let (days, secs) = (seconds / 86_400, seconds % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

pub fn user(login: &str, id: u64) -> Value {
    // As GitHub does: `[bot]` is percent-encoded in URLs (the contract checks they are URIs).
    let path = login.replace('[', "%5B").replace(']', "%5D");
    let base = format!("https://api.github.com/users/{path}");
    let kind = if login.ends_with("[bot]") { "Bot" } else { "User" };
    json!({
        "login": login, "id": id, "node_id": format!("U_{id}"), "avatar_url": "https://avatars.githubusercontent.com/u/1",
        "gravatar_id": "", "url": base, "html_url": format!("https://github.com/{path}"),
        "followers_url": format!("{base}/followers"), "following_url": format!("{base}/following{{/other_user}}"),
        "gists_url": format!("{base}/gists{{/gist_id}}"), "starred_url": format!("{base}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{base}/subscriptions"), "organizations_url": format!("{base}/orgs"),
        "repos_url": format!("{base}/repos"), "events_url": format!("{base}/events{{/privacy}}"),
        "received_events_url": format!("{base}/received_events"), "type": kind, "site_admin": false
    })
}

pub fn check_run_json(owner: &str, repo: &str, run: &CheckRun, output: &Value) -> Value {
    let api = format!("https://api.github.com/repos/{owner}/{repo}");
    json!({
        "id": run.id, "node_id": format!("CR_{}", run.id), "head_sha": run.head_sha, "name": run.name,
        "url": format!("{api}/check-runs/{}", run.id), "html_url": format!("https://github.com/{owner}/{repo}/runs/{}", run.id),
        "details_url": null, "status": "completed", "conclusion": run.conclusion,
        "started_at": "2026-11-24T10:00:00Z", "completed_at": "2026-11-24T10:00:01Z", "external_id": null,
        "check_suite": { "id": 1 }, "app": null, "pull_requests": [],
        "output": { "title": output["title"], "summary": output["summary"], "text": null,
                    "annotations_count": run.annotations.len(), "annotations_url": format!("{api}/check-runs/{}/annotations", run.id) }
    })
}

pub fn comment_json(owner: &str, repo: &str, c: &Comment) -> Value {
    let api = format!("https://api.github.com/repos/{owner}/{repo}");
    json!({
        "id": c.id, "node_id": format!("IC_{}", c.id), "url": format!("{api}/issues/comments/{}", c.id),
        "html_url": format!("https://github.com/{owner}/{repo}/issues/{}#issuecomment-{}", c.issue, c.id),
        "body": c.body, "user": user(&c.login, 7), "created_at": "2026-11-24T10:00:00Z",
        "updated_at": "2026-11-24T10:00:00Z", "issue_url": format!("{api}/issues/{}", c.issue),
        "author_association": "NONE"
    })
}

/// GitHub's example pull request, made into this one.
pub fn pull_json(mut example: Value, owner: &str, repo: &str, pull: &Pull, head_sha: &str, base_sha: &str) -> Value {
    let html = format!("https://github.com/{owner}/{repo}/pull/{}", pull.number);
    for (key, value) in [
        ("number", json!(pull.number)),
        ("id", json!(9000 + pull.number)),
        ("title", json!(pull.title)),
        ("body", json!(pull.body)),
        ("state", json!("open")),
        ("merged", json!(false)),
        // GitHub's own example lists teams without the `type` its schema requires.
        ("requested_teams", json!([])),
        ("html_url", json!(html)),
        ("url", json!(format!("https://api.github.com/repos/{owner}/{repo}/pulls/{}", pull.number))),
    ] {
        example[key] = value;
    }
    for (side, branch, sha) in [("head", &pull.head, head_sha), ("base", &pull.base, base_sha)] {
        example[side]["ref"] = json!(branch);
        example[side]["sha"] = json!(sha);
        example[side]["label"] = json!(format!("{owner}:{branch}"));
    }
    example
}
