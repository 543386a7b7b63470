//! A fake GitHub on 127.0.0.1:0 that the real octocrab client talks to: App JWTs, installation
//! tokens that expire on command, and issue comments, with every request and response checked
//! against GitHub's API description. Stateful, so tests read back what the client did.

mod contract;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use contract::Contract;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

pub const APP_ID: u64 = 4242;
pub const INSTALLATION_ID: u64 = 77;

#[derive(Clone, Debug)]
pub struct Comment {
    pub id: u64,
    pub issue: u64,
    pub body: String,
    pub login: String,
}

#[derive(Clone, Debug)]
pub struct CheckRun {
    pub id: u64,
    pub name: String,
    pub head_sha: String,
    pub conclusion: Option<String>,
    pub annotations: Vec<Value>,
}

#[derive(Default)]
pub struct State {
    pub comments: Vec<Comment>,
    pub check_runs: Vec<CheckRun>,
    /// login -> role (`admin`, `maintain`, `write`, `triage`, `read`).
    pub roles: HashMap<String, String>,
    next_id: u64,
    /// Installation token -> still valid.
    tokens: HashMap<String, bool>,
    pub tokens_minted: usize,
    /// (method, path) of every request, in order.
    pub requests: Vec<(String, String)>,
    /// Requests or responses that broke GitHub's API description.
    pub violations: Vec<String>,
    /// Scripted failures: the next request with this method gets this answer instead.
    faults: VecDeque<Fault>,
}

/// A scripted answer: status, headers, message.
#[derive(Clone, Debug)]
pub struct Fault {
    pub method: &'static str,
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub message: &'static str,
}

pub struct FakeGitHub {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl FakeGitHub {
    pub async fn start() -> FakeGitHub {
        let state = Arc::new(Mutex::new(State { next_id: 1000, ..State::default() }));
        let contract = Arc::new(Contract::load());
        let shared = (state.clone(), contract);
        let app = Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let (state, contract) = shared.clone();
            async move { handle(&state, &contract, method, uri, headers, body) }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeGitHub { url, state }
    }

    /// Every installation token minted so far stops working, as at expiry.
    pub fn expire_tokens(&self) {
        self.state.lock().unwrap().tokens.values_mut().for_each(|valid| *valid = false);
    }

    /// The next request with `fault.method` fails as scripted (after authentication).
    pub fn fail_next(&self, fault: Fault) {
        self.state.lock().unwrap().faults.push_back(fault);
    }

    /// A comment written by someone else.
    pub fn add_comment(&self, issue: u64, login: &str, body: &str) -> u64 {
        let mut state = self.state.lock().unwrap();
        state.next_id += 1;
        let id = state.next_id;
        state.comments.push(Comment { id, issue, body: body.to_owned(), login: login.to_owned() });
        id
    }

    pub fn comments(&self, issue: u64) -> Vec<Comment> {
        self.state.lock().unwrap().comments.iter().filter(|c| c.issue == issue).cloned().collect()
    }

    pub fn violations(&self) -> Vec<String> {
        self.state.lock().unwrap().violations.clone()
    }
}

fn handle(
    state: &Mutex<State>,
    contract: &Contract,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = state.lock().unwrap();
    let path = uri.path().to_owned();
    state.requests.push((method.to_string(), path.clone()));
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let query: Vec<String> = (uri.query().unwrap_or_default().split('&'))
        .filter(|p| !p.is_empty())
        .map(|p| p.split('=').next().unwrap_or_default().to_owned())
        .collect();
    let json_body: Option<Value> = if body.is_empty() { None } else { serde_json::from_slice(&body).ok() };
    let verb = method.as_str().to_ascii_lowercase();
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("token ")))
        .unwrap_or_default()
        .to_owned();

    let (template, status, response) = match (method.as_str(), segments.as_slice()) {
        ("POST", ["app", "installations", id, "access_tokens"]) => {
            let template = "/app/installations/{installation_id}/access_tokens";
            if !valid_app_jwt(&bearer) {
                (template, 401, bad_credentials())
            } else if id.parse() != Ok(INSTALLATION_ID) {
                (template, 404, json!({ "message": "Not Found", "documentation_url": "https://docs.github.com/rest" }))
            } else {
                state.tokens_minted += 1;
                let token = format!("ghs_fake{}", state.tokens_minted);
                state.tokens.insert(token.clone(), true);
                let expires = chrono_like_in_an_hour();
                let body = json!({ "token": token, "expires_at": expires, "permissions": { "issues": "write" },
                                   "repository_selection": "all" });
                (template, 201, body)
            }
        }
        ("POST", ["repos", owner, repo, "check-runs"]) if state.tokens.get(&bearer) == Some(&true) => {
            let template = "/repos/{owner}/{repo}/check-runs";
            let body = json_body.clone().unwrap_or_default();
            state.next_id += 1;
            let run = CheckRun {
                id: state.next_id,
                name: body["name"].as_str().unwrap_or_default().to_owned(),
                head_sha: body["head_sha"].as_str().unwrap_or_default().to_owned(),
                conclusion: body["conclusion"].as_str().map(str::to_owned),
                annotations: body["output"]["annotations"].as_array().cloned().unwrap_or_default(),
            };
            if run.annotations.len() > 50 {
                state
                    .violations
                    .push(format!("{} annotations in one request (GitHub takes 50)", run.annotations.len()));
            }
            let response = check_run_json(owner, repo, &run, &body["output"]);
            state.check_runs.push(run);
            (template, 201, response)
        }
        ("PATCH", ["repos", owner, repo, "check-runs", id]) if state.tokens.get(&bearer) == Some(&true) => {
            let template = "/repos/{owner}/{repo}/check-runs/{check_run_id}";
            let body = json_body.clone().unwrap_or_default();
            let id: u64 = id.parse().unwrap_or_default();
            let added = body["output"]["annotations"].as_array().cloned().unwrap_or_default();
            if added.len() > 50 {
                state.violations.push(format!("{} annotations in one request (GitHub takes 50)", added.len()));
            }
            match state.check_runs.iter_mut().find(|r| r.id == id) {
                Some(run) => {
                    run.annotations.extend(added);
                    let run = run.clone();
                    (template, 200, check_run_json(owner, repo, &run, &body["output"]))
                }
                None => (
                    template,
                    404,
                    json!({ "message": "Not Found", "documentation_url": "https://docs.github.com/rest" }),
                ),
            }
        }
        ("GET", ["repos", _, _, "collaborators", login, "permission"]) if state.tokens.get(&bearer) == Some(&true) => {
            let template = "/repos/{owner}/{repo}/collaborators/{username}/permission";
            let role = state.roles.get(*login).cloned().unwrap_or_else(|| "read".into());
            let permission = match role.as_str() {
                "maintain" => "write",
                "triage" => "read",
                other => other,
            };
            let mut collaborator = user(login, 9);
            collaborator["role_name"] = json!(role);
            (template, 200, json!({ "permission": permission, "role_name": role, "user": collaborator }))
        }
        (_, ["repos", _, _, "issues", ..]) if state.tokens.get(&bearer) != Some(&true) => {
            let template = if segments.get(4) == Some(&"comments") {
                "/repos/{owner}/{repo}/issues/comments/{comment_id}"
            } else {
                "/repos/{owner}/{repo}/issues/{issue_number}/comments"
            };
            (template, 401, bad_credentials())
        }
        (verb, ["repos", ..]) if state.faults.front().is_some_and(|f| f.method == verb) => {
            let fault = state.faults.pop_front().unwrap();
            let template = match (verb, segments.get(4)) {
                (_, Some(&"comments")) => "/repos/{owner}/{repo}/issues/comments/{comment_id}",
                _ => "/repos/{owner}/{repo}/issues/{issue_number}/comments",
            };
            let body = json!({ "message": fault.message, "documentation_url": "https://docs.github.com/rest" });
            if let Err(violation) = contract.response(&verb.to_ascii_lowercase(), template, fault.status, &body) {
                state.violations.push(violation);
            }
            let mut response = (StatusCode::from_u16(fault.status).unwrap(), body.to_string()).into_response();
            for (name, value) in fault.headers {
                response.headers_mut().insert(name, value.parse().unwrap());
            }
            return response;
        }
        ("GET", ["repos", owner, repo, "issues", number, "comments"]) => {
            let number: u64 = number.parse().unwrap_or_default();
            let per_page: usize = query_value(&uri, "per_page").unwrap_or(30).min(100);
            let page: usize = query_value(&uri, "page").unwrap_or(1).max(1);
            let list: Vec<Value> = (state.comments.iter())
                .filter(|c| c.issue == number)
                .skip((page - 1) * per_page)
                .take(per_page)
                .map(|c| comment_json(owner, repo, c))
                .collect();
            ("/repos/{owner}/{repo}/issues/{issue_number}/comments", 200, Value::Array(list))
        }
        ("POST", ["repos", owner, repo, "issues", number, "comments"]) => {
            let template = "/repos/{owner}/{repo}/issues/{issue_number}/comments";
            let text = json_body.as_ref().and_then(|b| b["body"].as_str()).unwrap_or_default().to_owned();
            state.next_id += 1;
            let comment = Comment {
                id: state.next_id,
                issue: number.parse().unwrap_or_default(),
                body: text,
                login: "specbuilder[bot]".into(),
            };
            let body = comment_json(owner, repo, &comment);
            state.comments.push(comment);
            (template, 201, body)
        }
        ("PATCH", ["repos", owner, repo, "issues", "comments", id]) => {
            let template = "/repos/{owner}/{repo}/issues/comments/{comment_id}";
            let text = json_body.as_ref().and_then(|b| b["body"].as_str()).unwrap_or_default().to_owned();
            let id: u64 = id.parse().unwrap_or_default();
            match state.comments.iter_mut().find(|c| c.id == id) {
                Some(comment) => {
                    comment.body = text;
                    let comment = comment.clone();
                    (template, 200, comment_json(owner, repo, &comment))
                }
                None => (
                    template,
                    404,
                    json!({ "message": "Not Found", "documentation_url": "https://docs.github.com/rest" }),
                ),
            }
        }
        _ => {
            state.violations.push(format!("{method} {path}: not served by the fake"));
            eprintln!("fake GitHub: not served: {method} {uri}");
            return (StatusCode::NOT_FOUND, "not served by the fake").into_response();
        }
    };
    if let Err(violation) = contract.request(&verb, template, &query, json_body.as_ref()) {
        state.violations.push(violation);
    }
    if let Err(violation) = contract.response(&verb, template, status, &response) {
        state.violations.push(violation);
    }
    let status = StatusCode::from_u16(status).unwrap();
    (status, [("content-type", "application/json")], response.to_string()).into_response()
}

fn query_value(uri: &Uri, name: &str) -> Option<usize> {
    (uri.query()?.split('&')).find_map(|pair| pair.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
}

fn bad_credentials() -> Value {
    json!({ "message": "Bad credentials", "documentation_url": "https://docs.github.com/rest" })
}

/// Whether `token` is an App JWT signed with the test app's key, issued by the app.
fn valid_app_jwt(token: &str) -> bool {
    let key = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/test-app-key.pub.pem")).unwrap();
    let key = octocrab::jsonwebtoken::DecodingKey::from_rsa_pem(&key).unwrap();
    let mut validation = octocrab::jsonwebtoken::Validation::new(octocrab::jsonwebtoken::Algorithm::RS256);
    // GitHub takes `iss` as a number (the app id), which jsonwebtoken only checks as a string.
    validation.set_required_spec_claims(&["exp", "iat"]);
    validation.validate_aud = false;
    match octocrab::jsonwebtoken::decode::<Value>(token, &key, &validation) {
        Ok(data) => data.claims["iss"].to_string().trim_matches('"') == APP_ID.to_string(),
        Err(e) => {
            eprintln!("fake GitHub: refused app JWT: {e}");
            false
        }
    }
}

fn chrono_like_in_an_hour() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 3600;
    let (days, secs) = (now / 86_400, now % 86_400);
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

fn user(login: &str, id: u64) -> Value {
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

fn check_run_json(owner: &str, repo: &str, run: &CheckRun, output: &Value) -> Value {
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

fn comment_json(owner: &str, repo: &str, c: &Comment) -> Value {
    let api = format!("https://api.github.com/repos/{owner}/{repo}");
    json!({
        "id": c.id, "node_id": format!("IC_{}", c.id), "url": format!("{api}/issues/comments/{}", c.id),
        "html_url": format!("https://github.com/{owner}/{repo}/issues/{}#issuecomment-{}", c.issue, c.id),
        "body": c.body, "user": user(&c.login, 7), "created_at": "2026-11-24T10:00:00Z",
        "updated_at": "2026-11-24T10:00:00Z", "issue_url": format!("{api}/issues/{}", c.issue),
        "author_association": "NONE"
    })
}
