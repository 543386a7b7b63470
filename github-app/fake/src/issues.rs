//! Issues as a tracker: listed (open, closed or all, paginated), created, updated, shaped from
//! GitHub's own example issue.

use super::contract::Contract;
use super::payloads::error;
use super::{Answer, Request, State};
use serde_json::{Value, json};

#[derive(Clone, Debug)]
pub struct Issue {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub open: bool,
    pub labels: Vec<String>,
}

/// Issue numbers start here, clear of the pull requests and the conversation's issue.
pub(crate) const FIRST_ISSUE: u64 = 1000;

fn issue_json(contract: &Contract, owner: &str, repo: &str, issue: &Issue) -> Value {
    let mut example = contract.example("issue");
    let api = format!("https://api.github.com/repos/{owner}/{repo}");
    let labels: Vec<Value> = (issue.labels.iter().enumerate())
        .map(|(i, name)| {
            json!({ "id": i + 1, "node_id": format!("LA_{i}"), "url": format!("{api}/labels/{name}"), "name": name,
                    "description": null, "color": "ededed", "default": false })
        })
        .collect();
    for (key, value) in [
        ("number", json!(issue.number)),
        ("id", json!(50_000 + issue.number)),
        ("title", json!(issue.title)),
        ("body", json!(issue.body)),
        ("state", json!(if issue.open { "open" } else { "closed" })),
        ("state_reason", if issue.open { Value::Null } else { json!("completed") }),
        ("closed_at", if issue.open { Value::Null } else { json!("2026-11-25T10:00:00Z") }),
        ("labels", Value::Array(labels)),
        ("url", json!(format!("{api}/issues/{}", issue.number))),
        ("html_url", json!(format!("https://github.com/{owner}/{repo}/issues/{}", issue.number))),
    ] {
        example[key] = value;
    }
    // An issue is not a pull request; the example is shaped as one that is.
    example.as_object_mut().map(|o| o.remove("pull_request"));
    example
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array().map(|list| list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
}

pub(crate) fn route(state: &mut State, contract: &Contract, verb: &str, request: &Request) -> Option<Answer> {
    let (owner, repo) = (request.param("owner"), request.param("repo"));
    let answer = match (verb, request.template) {
        ("get", "/repos/{owner}/{repo}/issues") => {
            let wanted = request.query("state").unwrap_or("open");
            let per_page = request.query_number("per_page").unwrap_or(30).min(100);
            let page = request.query_number("page").unwrap_or(1).max(1);
            let mut list: Vec<&Issue> =
                (state.issues.iter()).filter(|i| wanted == "all" || (wanted == "open") == i.open).collect();
            if request.query("direction") != Some("asc") {
                list.reverse(); // GitHub lists newest first unless asked
            }
            let page: Vec<Value> = list
                .into_iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .map(|i| issue_json(contract, owner, repo, i))
                .collect();
            Answer::json(200, Value::Array(page))
        }
        ("post", "/repos/{owner}/{repo}/issues") => {
            let number = FIRST_ISSUE + state.issues.len() as u64;
            let issue = Issue {
                number,
                title: request.body["title"].as_str().unwrap_or_default().to_owned(),
                body: request.body["body"].as_str().unwrap_or_default().to_owned(),
                open: true,
                labels: strings(&request.body["labels"]).unwrap_or_default(),
            };
            let body = issue_json(contract, owner, repo, &issue);
            state.issues.push(issue);
            Answer::json(201, body)
        }
        ("patch", "/repos/{owner}/{repo}/issues/{issue_number}") => {
            let number: u64 = request.param("issue_number").parse().unwrap_or_default();
            let Some(issue) = state.issues.iter_mut().find(|i| i.number == number) else {
                return Some(Answer::json(404, error("Not Found")));
            };
            if let Some(title) = request.body["title"].as_str() {
                issue.title = title.to_owned();
            }
            if let Some(body) = request.body["body"].as_str() {
                issue.body = body.to_owned();
            }
            if let Some(labels) = strings(&request.body["labels"]) {
                issue.labels = labels;
            }
            if let Some(wanted) = request.body["state"].as_str() {
                issue.open = wanted == "open";
            }
            Answer::json(200, issue_json(contract, owner, repo, issue))
        }
        ("delete", "/repos/{owner}/{repo}/issues/comments/{comment_id}") => {
            let id: u64 = request.param("comment_id").parse().unwrap_or_default();
            let before = state.comments.len();
            state.comments.retain(|c| c.id != id);
            if state.comments.len() == before {
                Answer::json(404, error("Not Found"))
            } else {
                Answer(204, Value::Null, "application/json")
            }
        }
        ("get", "/repos/{owner}/{repo}/pulls/{pull_number}") => {
            let number: u64 = request.param("pull_number").parse().unwrap_or_default();
            let Some(pull) = state.pulls.iter().find(|p| p.number == number).cloned() else {
                return Some(Answer::json(404, error("Not Found")));
            };
            let (head, base) = (state.git.head(&pull.head), state.git.head(&pull.base));
            let mut body = super::payloads::pull_json(
                contract.example("pull-request"),
                owner,
                repo,
                &pull,
                &head.unwrap_or_default(),
                &base.unwrap_or_default(),
            );
            if !pull.open {
                body["state"] = json!("closed");
            }
            Answer::json(200, body)
        }
        _ => return None,
    };
    Some(answer)
}
