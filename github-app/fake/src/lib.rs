//! A fake GitHub on 127.0.0.1:0 that the real octocrab client talks to: App JWTs, installation
//! tokens that expire on command, comments, check runs, roles, pull requests, and a repository
//! backed by real git objects in a bare repository. Every request and response is checked
//! against GitHub's API description; responses start from the description's own examples.
//! Stateful, so tests read back what the client did.

mod contract;
mod issues;
mod payloads;
mod repository;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use contract::Contract;
pub use issues::Issue;
use payloads::{check_run_json, comment_json, error, user};
/// The bare repository behind the fake, for other fakes (GitLab's) to serve their own API over.
pub use repository::Bare;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

pub const APP_ID: u64 = 4242;
pub const INSTALLATION_ID: u64 = 77;
/// The test app's private key (PEM), made for these tests only; the fake checks App JWTs
/// against its public half.
pub const TEST_APP_KEY: &str = include_str!("../fixtures/test-app-key.pem");
const TEST_APP_PUBLIC_KEY: &str = include_str!("../fixtures/test-app-key.pub.pem");

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
    /// The title and summary of the run's output, as last sent.
    pub output: Value,
}

#[derive(Clone, Debug)]
pub struct Pull {
    pub number: u64,
    pub head: String,
    pub base: String,
    pub title: String,
    pub body: String,
    /// Open until merged or closed.
    pub open: bool,
}

pub struct State {
    pub comments: Vec<Comment>,
    pub check_runs: Vec<CheckRun>,
    pub pulls: Vec<Pull>,
    pub issues: Vec<Issue>,
    /// login -> role (`admin`, `maintain`, `write`, `triage`, `read`).
    pub roles: HashMap<String, String>,
    /// The repository every `/repos/{owner}/{repo}` call reads and writes.
    pub git: repository::Bare,
    next_id: u64,
    /// Installation token -> still valid.
    tokens: HashMap<String, bool>,
    pub tokens_minted: usize,
    /// (method, path) of every request, in order.
    pub requests: Vec<(String, String)>,
    /// Requests or responses that broke GitHub's API description.
    pub violations: Vec<String>,
    /// Scripted failures: the next request with this method (and, if given, a path containing
    /// this text) gets this answer instead.
    faults: VecDeque<(Fault, Option<String>)>,
    /// Scripted slowness: the next request with this method to a path containing this text is
    /// answered only after this long.
    pauses: Vec<(&'static str, String, std::time::Duration)>,
    /// (method, path) of each request a pause held, as it began to wait.
    pub held: Vec<(String, String)>,
}

impl State {
    fn take_pause(&mut self, method: &Method, path: &str) -> Option<std::time::Duration> {
        let at = self.pauses.iter().position(|(m, p, _)| *m == method.as_str() && path.contains(p.as_str()))?;
        self.held.push((method.to_string(), path.to_owned()));
        Some(self.pauses.remove(at).2)
    }
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

/// What a handler answers: status, JSON body, media type.
pub(crate) struct Answer(u16, Value, &'static str);

impl Answer {
    fn json(status: u16, body: Value) -> Answer {
        Answer(status, body, "application/json")
    }
}

impl FakeGitHub {
    pub async fn start() -> FakeGitHub {
        let state = Arc::new(Mutex::new(State {
            comments: Vec::new(),
            check_runs: Vec::new(),
            pulls: Vec::new(),
            issues: Vec::new(),
            roles: HashMap::new(),
            git: repository::Bare::new(),
            next_id: 1000,
            tokens: HashMap::new(),
            tokens_minted: 0,
            requests: Vec::new(),
            violations: Vec::new(),
            faults: VecDeque::new(),
            pauses: Vec::new(),
            held: Vec::new(),
        }));
        let contract = Arc::new(Contract::load());
        let shared = (state.clone(), contract);
        let app = Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let (state, contract) = shared.clone();
            async move {
                let pause = state.lock().unwrap().take_pause(&method, uri.path());
                if let Some(pause) = pause {
                    tokio::time::sleep(pause).await;
                }
                handle(&state, &contract, method, uri, headers, body)
            }
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
        self.state.lock().unwrap().faults.push_back((fault, None));
    }

    /// The next request with `fault.method` to a path containing `path` fails as scripted.
    pub fn fail_next_on(&self, path: &str, fault: Fault) {
        self.state.lock().unwrap().faults.push_back((fault, Some(path.to_owned())));
    }

    /// The next `method` request to a path containing `path` is answered after `pause`, as a
    /// slow host would: a job is caught in the middle.
    pub fn pause_next_on(&self, method: &'static str, path: &str, pause: std::time::Duration) {
        self.state.lock().unwrap().pauses.push((method, path.to_owned(), pause));
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

    /// Someone else pushes a commit of `files` to `branch` (created if absent); returns its id.
    pub fn push(&self, branch: &str, files: &[(&str, &str)], message: &str) -> String {
        self.state.lock().unwrap().git.commit(branch, files, message)
    }

    /// Someone creates branch `name` where `from` is now.
    pub fn branch(&self, name: &str, from: &str) {
        self.state.lock().unwrap().git.branch(name, from)
    }

    /// The branch's head commit, if the branch exists.
    pub fn head(&self, branch: &str) -> Option<String> {
        self.state.lock().unwrap().git.head(branch)
    }

    /// Every file of `branch`'s tree with its content, sorted by path.
    pub fn files(&self, branch: &str) -> Vec<(String, String)> {
        self.state.lock().unwrap().git.files(branch)
    }

    /// The branch's commit messages (first lines), newest first.
    pub fn log(&self, branch: &str) -> Vec<String> {
        self.state.lock().unwrap().git.log(branch)
    }

    /// A pull request someone opened by hand from `head` onto `base`; its number.
    pub fn open_pull(&self, head: &str, base: &str, title: &str) -> u64 {
        let mut state = self.state.lock().unwrap();
        let number = state.pulls.len() as u64 + 1;
        let pull =
            Pull { number, head: head.into(), base: base.into(), title: title.into(), body: String::new(), open: true };
        state.pulls.push(pull);
        number
    }

    /// Pull request `number` is merged or closed.
    pub fn close_pull(&self, number: u64) {
        let mut state = self.state.lock().unwrap();
        state.pulls.iter_mut().filter(|p| p.number == number).for_each(|p| p.open = false);
    }

    /// Every issue, oldest first.
    pub fn issues(&self) -> Vec<Issue> {
        self.state.lock().unwrap().issues.clone()
    }

    /// Someone changes issue `number` by hand.
    pub fn edit_issue(&self, number: u64, change: impl FnMut(&mut Issue)) {
        let mut state = self.state.lock().unwrap();
        state.issues.iter_mut().filter(|i| i.number == number).for_each(change);
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
    let verb = method.as_str().to_ascii_lowercase();
    let Some((template, params)) = contract.route(&verb, &path) else {
        state.violations.push(format!("{method} {path}: not in GitHub's API description"));
        return (StatusCode::NOT_FOUND, "not in GitHub's API description").into_response();
    };
    let query: Vec<(String, String)> = (uri.query().unwrap_or_default().split('&'))
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (name.to_owned(), value.replace("%2F", "/"))
        })
        .collect();
    let json_body: Option<Value> = if body.is_empty() { None } else { serde_json::from_slice(&body).ok() };
    let names: Vec<String> = query.iter().map(|(name, _)| name.clone()).collect();
    if let Err(violation) = contract.request(&verb, &template, &names, json_body.as_ref()) {
        state.violations.push(violation);
    }

    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("token ")))
        .unwrap_or_default()
        .to_owned();
    let as_app = template.starts_with("/app");
    let authorised = if as_app { valid_app_jwt(&bearer) } else { state.tokens.get(&bearer) == Some(&true) };
    let fault = match state.faults.front() {
        Some((f, on))
            if authorised
                && !template.ends_with("/access_tokens")
                && f.method == method.as_str()
                && on.as_ref().is_none_or(|on| path.contains(on.as_str())) =>
        {
            state.faults.pop_front().map(|(fault, _)| fault)
        }
        _ => None,
    };
    let mut extra_headers = Vec::new();
    let Answer(status, response, media) = if !authorised {
        Answer::json(401, error("Bad credentials"))
    } else if let Some(fault) = fault {
        extra_headers = fault.headers;
        Answer::json(fault.status, error(fault.message))
    } else {
        let request =
            Request { template: &template, params: &params, query: &query, body: json_body.unwrap_or_default() };
        route(&mut state, contract, &verb, &request)
    };
    if let Err(violation) = contract.response(&verb, &template, status, media, &response) {
        state.violations.push(violation);
    }
    // 204 No Content has no body at all.
    let text = if status == 204 { String::new() } else { response.to_string() };
    let mut reply = (StatusCode::from_u16(status).unwrap(), [("content-type", media)], text).into_response();
    for (name, value) in extra_headers {
        reply.headers_mut().insert(name, value.parse().unwrap());
    }
    reply
}

/// A request matched to an operation of the API description.
pub(crate) struct Request<'a> {
    template: &'a str,
    params: &'a HashMap<String, String>,
    query: &'a [(String, String)],
    body: Value,
}

impl Request<'_> {
    fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }

    fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn query_number(&self, name: &str) -> Option<usize> {
        self.query(name)?.parse().ok()
    }
}

fn route(state: &mut State, contract: &Contract, verb: &str, request: &Request) -> Answer {
    if let Some(answer) = issues::route(state, contract, verb, request) {
        return answer;
    }
    let (owner, repo) = (request.param("owner"), request.param("repo"));
    match (verb, request.template) {
        ("post", "/app/installations/{installation_id}/access_tokens") => mint_token(state, request),
        ("get", "/app") => {
            let mut app = contract.example("integration");
            app["id"] = json!(APP_ID);
            app["slug"] = json!("specbuilder");
            app["name"] = json!("Spec Builder");
            Answer::json(200, app)
        }
        ("get", "/app/installations") => {
            let mut installation = contract.example("base-installation-items")[0].clone();
            installation["id"] = json!(INSTALLATION_ID);
            installation["app_id"] = json!(APP_ID);
            installation["account"]["login"] = json!("octo");
            let page = request.query_number("page").unwrap_or(1);
            Answer::json(200, if page == 1 { json!([installation]) } else { json!([]) })
        }
        ("post", "/repos/{owner}/{repo}/check-runs") => create_check_run(state, owner, repo, &request.body),
        ("patch", "/repos/{owner}/{repo}/check-runs/{check_run_id}") => {
            update_check_run(state, owner, repo, request.param("check_run_id"), &request.body)
        }
        ("get", "/repos/{owner}/{repo}/collaborators/{username}/permission") => {
            let login = request.param("username");
            let role = state.roles.get(login).cloned().unwrap_or_else(|| "read".into());
            let permission = match role.as_str() {
                "maintain" => "write",
                "triage" => "read",
                other => other,
            };
            let mut collaborator = user(login, 9);
            collaborator["role_name"] = json!(role);
            Answer::json(200, json!({ "permission": permission, "role_name": role, "user": collaborator }))
        }
        ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments") => {
            let number: u64 = request.param("issue_number").parse().unwrap_or_default();
            let per_page = request.query_number("per_page").unwrap_or(30).min(100);
            let page = request.query_number("page").unwrap_or(1).max(1);
            let list: Vec<Value> = (state.comments.iter())
                .filter(|c| c.issue == number)
                .skip((page - 1) * per_page)
                .take(per_page)
                .map(|c| comment_json(owner, repo, c))
                .collect();
            Answer::json(200, Value::Array(list))
        }
        ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments") => {
            state.next_id += 1;
            let comment = Comment {
                id: state.next_id,
                issue: request.param("issue_number").parse().unwrap_or_default(),
                body: request.body["body"].as_str().unwrap_or_default().to_owned(),
                login: "specbuilder[bot]".into(),
            };
            let body = comment_json(owner, repo, &comment);
            state.comments.push(comment);
            Answer::json(201, body)
        }
        ("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}") => {
            let id: u64 = request.param("comment_id").parse().unwrap_or_default();
            match state.comments.iter_mut().find(|c| c.id == id) {
                Some(comment) => {
                    comment.body = request.body["body"].as_str().unwrap_or_default().to_owned();
                    Answer::json(200, comment_json(owner, repo, comment))
                }
                None => Answer::json(404, error("Not Found")),
            }
        }
        ("post", "/repos/{owner}/{repo}/pulls") => open_pull(state, contract, owner, repo, &request.body),
        _ => repository::route(&mut state.git, contract, verb, request),
    }
}

fn mint_token(state: &mut State, request: &Request) -> Answer {
    if request.param("installation_id").parse() != Ok(INSTALLATION_ID) {
        return Answer::json(404, error("Not Found"));
    }
    state.tokens_minted += 1;
    let token = format!("ghs_fake{}", state.tokens_minted);
    state.tokens.insert(token.clone(), true);
    let body = json!({ "token": token, "expires_at": payloads::in_an_hour(), "permissions": { "issues": "write" },
                       "repository_selection": "all" });
    Answer::json(201, body)
}

fn create_check_run(state: &mut State, owner: &str, repo: &str, body: &Value) -> Answer {
    state.next_id += 1;
    let run = CheckRun {
        id: state.next_id,
        name: body["name"].as_str().unwrap_or_default().to_owned(),
        head_sha: body["head_sha"].as_str().unwrap_or_default().to_owned(),
        conclusion: body["conclusion"].as_str().map(str::to_owned),
        annotations: body["output"]["annotations"].as_array().cloned().unwrap_or_default(),
        output: serde_json::json!({ "title": body["output"]["title"], "summary": body["output"]["summary"] }),
    };
    if run.annotations.len() > 50 {
        state.violations.push(format!("{} annotations in one request (GitHub takes 50)", run.annotations.len()));
    }
    let response = check_run_json(owner, repo, &run, &body["output"]);
    state.check_runs.push(run);
    Answer::json(201, response)
}

fn update_check_run(state: &mut State, owner: &str, repo: &str, id: &str, body: &Value) -> Answer {
    let id: u64 = id.parse().unwrap_or_default();
    let added = body["output"]["annotations"].as_array().cloned().unwrap_or_default();
    if added.len() > 50 {
        state.violations.push(format!("{} annotations in one request (GitHub takes 50)", added.len()));
    }
    match state.check_runs.iter_mut().find(|r| r.id == id) {
        Some(run) => {
            run.annotations.extend(added);
            Answer::json(200, check_run_json(owner, repo, run, &body["output"]))
        }
        None => Answer::json(404, error("Not Found")),
    }
}

fn open_pull(state: &mut State, contract: &Contract, owner: &str, repo: &str, body: &Value) -> Answer {
    let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
    let (head, base) = (field("head"), field("base"));
    let (Some(head_sha), Some(base_sha)) = (state.git.head(&head), state.git.head(&base)) else {
        return Answer::json(
            422,
            json!({ "message": "Validation Failed", "documentation_url": payloads::DOCS,
            "errors": [{ "resource": "PullRequest", "field": "head", "code": "invalid" }] }),
        );
    };
    if state.pulls.iter().any(|p| p.head == head && p.base == base) {
        let message = format!("A pull request already exists for {owner}:{head}.");
        return Answer::json(
            422,
            json!({ "message": "Validation Failed", "documentation_url": payloads::DOCS,
            "errors": [{ "resource": "PullRequest", "code": "custom", "message": message }] }),
        );
    }
    let number = state.pulls.len() as u64 + 1;
    let pull = Pull { number, head, base, title: field("title"), body: field("body"), open: true };
    let response = payloads::pull_json(contract.example("pull-request"), owner, repo, &pull, &head_sha, &base_sha);
    state.pulls.push(pull);
    Answer::json(201, response)
}

/// Whether `token` is an App JWT signed with the test app's key, issued by the app.
fn valid_app_jwt(token: &str) -> bool {
    let key = octocrab::jsonwebtoken::DecodingKey::from_rsa_pem(TEST_APP_PUBLIC_KEY.as_bytes()).unwrap();
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
