//! The optional model against a loopback fake of the chat completions API that the real
//! async-openai client talks to: good answers, junk, errors and stalls.

use serde_json::{Value, json};
use specbuilder::llm::{Assistant, FollowUp, LlmConfig, LlmError, TextAnswer};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

enum Reply {
    /// A completion whose message content is this text.
    Content(String),
    /// An HTTP error with an OpenAI-style error body.
    Status(u16),
    /// No answer for this long.
    Stall(Duration),
}

/// A stateful fake: answers each request with the next scripted reply and keeps the requests.
struct FakeModel {
    url: String,
    requests: Arc<Mutex<Vec<Value>>>,
}

impl FakeModel {
    fn start(script: Vec<Reply>) -> FakeModel {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut line, mut length, mut path) = (String::new(), 0usize, String::new());
                reader.read_line(&mut line).unwrap();
                path.push_str(line.split_whitespace().nth(1).unwrap_or_default());
                loop {
                    line.clear();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                assert_eq!(path, "/v1/chat/completions", "the client calls the chat completions route");
                seen.lock().unwrap().push(serde_json::from_slice(&body).unwrap());
                let (status, body) = match script.lock().unwrap().pop_front() {
                    Some(Reply::Content(content)) => (200, completion(&content)),
                    Some(Reply::Status(code)) => (
                        code,
                        json!({"error": {"message": "boom", "type": "server_error", "param": null, "code": null}}),
                    ),
                    Some(Reply::Stall(time)) => {
                        std::thread::sleep(time);
                        continue;
                    }
                    None => (
                        500,
                        json!({"error": {"message": "script exhausted", "type": "server_error", "param": null, "code": null}}),
                    ),
                };
                let body = body.to_string();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        FakeModel { url, requests }
    }

    fn assistant(&self, timeout: Duration) -> Assistant {
        let config = LlmConfig {
            base_url: self.url.clone(),
            api_key: Some("sk-test".into()),
            model: "spec-model".into(),
            timeout,
        };
        Assistant::new(&config).unwrap()
    }

    fn requests(&self) -> Vec<Value> {
        self.requests.lock().unwrap().clone()
    }
}

fn completion(content: &str) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1_764_000_000, "model": "spec-model",
        "choices": [{ "index": 0, "finish_reason": "stop", "logprobs": null,
                      "message": { "role": "assistant", "content": content, "refusal": null } }],
        "usage": { "prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20 }
    })
}

const SECOND: Duration = Duration::from_secs(1);

#[test]
fn a_gap_in_a_free_text_answer_gets_a_follow_up_question() {
    let reply = json!({"gap": true, "question": "Which fields must a task have?", "why": "The schema needs them."});
    let fake = FakeModel::start(vec![Reply::Content(reply.to_string())]);
    let follow_up = fake.assistant(5 * SECOND).follow_up("What is a task?", "A thing to do").unwrap();
    assert_eq!(
        follow_up,
        Some(FollowUp { question: "Which fields must a task have?".into(), why: "The schema needs them.".into() })
    );
    let request = &fake.requests()[0];
    assert_eq!(request["model"], "spec-model");
    assert_eq!(request["response_format"]["type"], "json_schema");
    assert_eq!(request["response_format"]["json_schema"]["strict"], true);
    assert_eq!(request["messages"][1]["content"], "Question: What is a task?\nAnswer: A thing to do");
}

#[test]
fn no_gap_means_no_follow_up() {
    let fake = FakeModel::start(vec![Reply::Content(json!({"gap": false, "question": null, "why": null}).to_string())]);
    assert_eq!(fake.assistant(5 * SECOND).follow_up("Q", "A complete answer").unwrap(), None);
}

#[test]
fn junk_is_refused_without_a_retry() {
    for junk in [
        "Sure! Here is a question: ...",
        r#"{"gap": true, "question": "Q?", "why": "W", "extra": 1}"#,
        r#"{"gap": true}"#,
        r#"{"gap": true, "question": "", "why": "W"}"#,
    ] {
        let fake = FakeModel::start(vec![Reply::Content(junk.into())]);
        let error = fake.assistant(5 * SECOND).follow_up("Q", "A").unwrap_err();
        assert!(matches!(error, LlmError::Junk(_)), "{junk}: {error}");
        assert_eq!(fake.requests().len(), 1, "junk is not asked again");
    }
}

#[test]
fn a_server_error_is_retried_once() {
    let good = json!({"gap": false, "question": null, "why": null}).to_string();
    let fake = FakeModel::start(vec![Reply::Status(500), Reply::Content(good)]);
    assert_eq!(fake.assistant(5 * SECOND).follow_up("Q", "A").unwrap(), None);
    assert_eq!(fake.requests().len(), 2);

    let fake = FakeModel::start(vec![Reply::Status(503), Reply::Status(503)]);
    assert!(matches!(fake.assistant(5 * SECOND).follow_up("Q", "A"), Err(LlmError::Endpoint(_))));
}

#[test]
fn a_stalled_model_times_out() {
    let fake = FakeModel::start(vec![Reply::Stall(10 * SECOND), Reply::Stall(10 * SECOND)]);
    let started = Instant::now();
    let error = fake.assistant(SECOND).follow_up("Q", "A").unwrap_err();
    assert!(matches!(error, LlmError::Timeout(_)), "{error}");
    assert!(started.elapsed() < 5 * SECOND, "two attempts of one second each, not ten");
}

#[test]
fn semantic_warnings_name_known_decisions_only() {
    let answers = [
        TextAnswer { key: "ops.uptime", question: "Uptime?", answer: "Always on, never down" },
        TextAnswer { key: "ops.maintenance", question: "Maintenance?", answer: "We stop the service every night" },
    ];
    let good = json!({"warnings": [{"keys": ["ops.uptime", "ops.maintenance"], "explanation": "Nightly stops contradict always-on."}]});
    let fake = FakeModel::start(vec![Reply::Content(good.to_string())]);
    let warnings = fake.assistant(5 * SECOND).semantic_warnings(&answers).unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].keys, ["ops.uptime".to_owned(), "ops.maintenance".to_owned()]);

    let invented = json!({"warnings": [{"keys": ["ops.uptime", "ops.invented"], "explanation": "x"}]});
    let fake = FakeModel::start(vec![Reply::Content(invented.to_string())]);
    assert!(matches!(fake.assistant(5 * SECOND).semantic_warnings(&answers), Err(LlmError::Junk(_))));

    let lonely = [TextAnswer { key: "a", question: "Q", answer: "A" }];
    let fake = FakeModel::start(vec![]);
    assert_eq!(fake.assistant(5 * SECOND).semantic_warnings(&lonely).unwrap(), vec![]);
    assert!(fake.requests().is_empty(), "one answer cannot contradict another; nothing is sent");
}

mod common;

fn free_text_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = |key: &str, answer: &str| {
        format!("---\nkey: {key}\nquestion: What about {key}?\nformat: text\nanswer: {answer}\nstatus: accepted\n---\n")
    };
    common::write(dir.path(), "specs/app/project.md", common::PROJECT);
    common::write(dir.path(), "specs/app/decisions/ops.uptime.md", text("ops.uptime", "Always on, never down"));
    common::write(
        dir.path(),
        "specs/app/decisions/ops.maintenance.md",
        text("ops.maintenance", "We stop it every night"),
    );
    dir
}

fn check_with_model(dir: &std::path::Path, fake: &FakeModel) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_specbuilder"))
        .args(["check", "--llm", "--format", "json"])
        .current_dir(dir)
        .env("SPECBUILDER_LLM_BASE_URL", &fake.url)
        .env("SPECBUILDER_LLM_MODEL", "spec-model")
        .env("SPECBUILDER_LLM_TIMEOUT_SECS", "5")
        .output()
        .unwrap()
}

#[test]
fn check_llm_adds_labelled_model_warnings_and_survives_junk() {
    let dir = free_text_repo();
    let good = json!({"warnings": [{"keys": ["ops.uptime", "ops.maintenance"], "explanation": "Nightly stops contradict always-on."}]});
    let fake = FakeModel::start(vec![Reply::Content(good.to_string())]);
    let out = check_with_model(dir.path(), &fake);
    assert_eq!(out.status.code(), Some(0), "model findings are warnings, never errors");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(finding["code"], "SB701");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["message"], "model: Nightly stops contradict always-on.");
    assert_eq!(finding["path"], "specs/app/decisions/ops.uptime.md");
    assert_eq!(finding["related"][0]["path"], "specs/app/decisions/ops.maintenance.md");

    let fake = FakeModel::start(vec![Reply::Content("I think they are fine!".into())]);
    let out = check_with_model(dir.path(), &fake);
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"], json!([]), "junk adds nothing");
    assert!(String::from_utf8_lossy(&out.stderr).contains("checked without it"));

    let unconfigured = common::specbuilder(&["check", "--llm"], dir.path());
    assert_eq!(unconfigured.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unconfigured.stderr).contains("SPECBUILDER_LLM_BASE_URL"));
}

#[test]
fn a_free_text_answer_gets_a_suggested_follow_up() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::git(root, &["init", "-q"]);
    common::git(root, &["config", "user.name", "Dana"]);
    common::git(root, &["config", "user.email", "dana@example.com"]);
    common::write(
        root,
        ".specbuilder/templates/notes.yaml",
        "id: notes\nname: Notes\nversion: 1\nquestions:\n- key: product.idea\n  text: What should the app do?\n  why: Everything follows from it.\n  category: product\n  format: text\n",
    );
    common::git(root, &["add", "."]);
    common::git(root, &["commit", "-qm", "template"]);
    assert_eq!(common::specbuilder(&["new", "notes-app", "--template", "notes"], root).status.code(), Some(0));

    let reply = json!({"gap": true, "question": "Who shares the notes?", "why": "Sharing decides accounts."});
    let fake = FakeModel::start(vec![Reply::Content(reply.to_string())]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_specbuilder"))
        .args(["answer", "product.idea", "Notes for teams"])
        .current_dir(root)
        .env("SPECBUILDER_LLM_BASE_URL", &fake.url)
        .env("SPECBUILDER_LLM_MODEL", "spec-model")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("committed"), "the answer is committed first: {stdout}");
    assert!(stdout.contains("follow-up (suggested by the model): Who shares the notes?"), "{stdout}");
    assert_eq!(
        fake.requests()[0]["messages"][1]["content"],
        "Question: What should the app do?\nAnswer: Notes for teams"
    );
}

#[test]
fn the_model_writes_the_prd_overview_and_the_manifest_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::git(root, &["init", "-q"]);
    common::git(root, &["commit", "-q", "--allow-empty", "-m", "init"]);
    let new = common::specbuilder(&["new", "tracker", "--template", "saas-web", "--depth", "quick"], root);
    assert_eq!(new.status.code(), Some(0));
    let generate = |fake: &FakeModel| {
        std::process::Command::new(env!("CARGO_BIN_EXE_specbuilder"))
            .args(["generate", "prd", "--partial"])
            .current_dir(root)
            .env("SPECBUILDER_LLM_BASE_URL", &fake.url)
            .env("SPECBUILDER_LLM_MODEL", "spec-model")
            .env("SPECBUILDER_LLM_TIMEOUT_SECS", "5")
            .output()
            .unwrap()
    };
    let show = |path: &str| {
        let out = std::process::Command::new("git").args(["show", path]).current_dir(root).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Junk first: the PRD is generated without prose, and says nothing of a model.
    let fake = FakeModel::start(vec![Reply::Content("Sure! Here is an overview".into())]);
    let out = generate(&fake);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("generated without it"));
    assert!(!show("spec/tracker:specs/tracker/artifacts/prd.md").contains("## Overview"));

    let reply = json!({"overview": "Team Tracker helps small teams <b>ship</b> on time."});
    let fake = FakeModel::start(vec![Reply::Content(reply.to_string())]);
    let out = generate(&fake);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let prd = show("spec/tracker:specs/tracker/artifacts/prd.md");
    assert!(prd.contains("## Overview\n\nTeam Tracker helps small teams \\<b\\>ship\\</b\\> on time."), "{prd}");
    assert!(prd.contains("Written by the language model `spec-model`"), "{prd}");
    let html = show("spec/tracker:specs/tracker/artifacts/prd.html");
    assert!(!html.contains("<b>ship"), "model text is escaped: {html}");
    let manifest: Value = serde_json::from_str(&show("spec/tracker:specs/tracker/artifacts/manifest.json")).unwrap();
    assert_eq!(manifest["artifacts"]["prd.md"]["model"], "spec-model");
    assert_eq!(manifest["artifacts"]["prd.json"]["model"], "spec-model");
    let request = &fake.requests()[0];
    assert!(request["messages"][1]["content"].as_str().unwrap().contains("REQ-"), "the model sees the requirements");
}
