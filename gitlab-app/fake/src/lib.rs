//! A fake GitLab on 127.0.0.1:0, under a URL sub-path as a self-hosted instance can be
//! (`http://127.0.0.1:PORT/gitlab`), that the real `gitlab` crate talks to: the current user,
//! one project backed by real git objects in a bare repository, the commits API with its
//! per-file `last_commit_id` checks, merge requests, notes, diff discussions, commit statuses
//! and members. Every request is checked against GitLab's API description; faults are scripted
//! (429 with GitLab's headers, 5xx, a branch moved between read and commit).

mod contract;
mod routes;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};
use contract::Contract;
use fake_github::Bare;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// The sub-path the instance lives under.
pub const SUB_PATH: &str = "/gitlab";
/// The one project: its id and path.
pub const PROJECT_ID: u64 = 5;
pub const PROJECT_PATH: &str = "acme/tracker";
/// The token the client must send, and the user it acts as.
pub const TOKEN: &str = "glpat-fake-token";
pub const BOT_ID: u64 = 900;
pub const BOT_USERNAME: &str = "specbuilder-bot";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub id: u64,
    /// `issues` or `merge_requests`, and the iid.
    pub on: (&'static str, u64),
    pub body: String,
    pub author: String,
    pub system: bool,
}

#[derive(Clone, Debug)]
pub struct MergeRequest {
    pub iid: u64,
    pub source: String,
    pub target: String,
    pub title: String,
    pub description: String,
    pub open: bool,
    /// The base commit when it was opened.
    pub base: String,
    /// The head's latest pipeline, if the test gave it one.
    pub pipeline: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitStatus {
    pub sha: String,
    pub name: String,
    pub state: String,
    pub description: String,
    pub pipeline: Option<u64>,
    pub reference: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Discussion {
    pub id: String,
    pub iid: u64,
    pub body: String,
    pub position: Value,
}

/// A scripted failure for the next request whose path contains `path`.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 with `Retry-After` and GitLab's `RateLimit-*` headers.
    RateLimited { path: String, retry_after: u64 },
    /// A 5xx with GitLab's error body.
    Server { path: String, status: u16 },
}

pub struct State {
    pub git: Bare,
    pub notes: Vec<Note>,
    pub merge_requests: Vec<MergeRequest>,
    pub statuses: Vec<CommitStatus>,
    pub discussions: Vec<Discussion>,
    /// Username -> (user id, access level).
    pub members: HashMap<String, (u64, u64)>,
    pub next_id: u64,
    pub faults: VecDeque<Fault>,
    /// Committed on the branch by someone else just before the next commit request is applied.
    pub before_next_commit: Option<(String, Vec<(String, String)>)>,
    /// Requests that GitLab's description does not describe.
    pub violations: Vec<String>,
    /// Every request, as `METHOD /path` (for tests that count calls).
    pub requests: Vec<String>,
}

pub struct FakeGitLab {
    /// `GITLAB_URL` for the client: `http://127.0.0.1:PORT/gitlab`.
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl FakeGitLab {
    pub async fn start() -> FakeGitLab {
        let state = Arc::new(Mutex::new(State {
            git: Bare::new(),
            notes: Vec::new(),
            merge_requests: Vec::new(),
            statuses: Vec::new(),
            discussions: Vec::new(),
            members: HashMap::from([(BOT_USERNAME.to_owned(), (BOT_ID, 40))]),
            next_id: 1000,
            faults: VecDeque::new(),
            before_next_commit: None,
            violations: Vec::new(),
            requests: Vec::new(),
        }));
        let contract = Arc::new(Contract::load());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let root = format!("http://{}", listener.local_addr().unwrap());
        let shared = (state.clone(), contract, root.clone());
        let app = Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let (state, contract, root) = shared.clone();
            async move { routes::handle(&state, &contract, &root, method, uri, headers, body) }
        });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeGitLab { url: format!("{root}{SUB_PATH}"), state }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// A project member: their user id.
    pub fn add_member(&self, username: &str, access_level: u64) -> u64 {
        self.with(|s| {
            s.next_id += 1;
            let id = s.next_id;
            s.members.insert(username.to_owned(), (id, access_level));
            id
        })
    }

    /// A note written by `author`; its id.
    pub fn add_note(&self, on: (&'static str, u64), author: &str, body: &str) -> u64 {
        self.with(|s| {
            s.next_id += 1;
            let id = s.next_id;
            s.notes.push(Note { id, on, body: body.to_owned(), author: author.to_owned(), system: false });
            id
        })
    }

    pub fn notes(&self, on: (&'static str, u64)) -> Vec<Note> {
        self.with(|s| s.notes.iter().filter(|n| n.on == on).cloned().collect())
    }

    pub fn fail_next(&self, fault: Fault) {
        self.with(|s| s.faults.push_back(fault));
    }

    /// Before the next commit request is applied, someone else commits `files` on `branch`.
    pub fn move_before_next_commit(&self, branch: &str, files: &[(&str, &str)]) {
        let files = files.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect();
        self.with(|s| s.before_next_commit = Some((branch.to_owned(), files)));
    }

    /// Commits `files` on `branch` as someone pushing would.
    pub fn push(&self, branch: &str, files: &[(&str, &str)], message: &str) -> String {
        self.with(|s| s.git.commit(branch, files, message))
    }

    pub fn branch(&self, name: &str, from: &str) {
        self.with(|s| s.git.branch(name, from));
    }

    pub fn head(&self, branch: &str) -> Option<String> {
        self.with(|s| s.git.head(branch))
    }

    pub fn files(&self, branch: &str) -> Vec<(String, String)> {
        self.with(|s| s.git.files(branch))
    }

    pub fn log(&self, branch: &str) -> Vec<String> {
        self.with(|s| s.git.log(branch))
    }

    pub fn statuses(&self) -> Vec<CommitStatus> {
        self.with(|s| s.statuses.clone())
    }

    pub fn discussions(&self) -> Vec<Discussion> {
        self.with(|s| s.discussions.clone())
    }

    pub fn merge_requests(&self) -> Vec<MergeRequest> {
        self.with(|s| s.merge_requests.clone())
    }

    /// Gives merge request `iid`'s head a pipeline.
    pub fn set_pipeline(&self, iid: u64, pipeline: u64) {
        self.with(|s| s.merge_requests.iter_mut().filter(|m| m.iid == iid).for_each(|m| m.pipeline = Some(pipeline)));
    }

    pub fn violations(&self) -> Vec<String> {
        self.with(|s| s.violations.clone())
    }

    pub fn requests(&self) -> Vec<String> {
        self.with(|s| s.requests.clone())
    }
}
