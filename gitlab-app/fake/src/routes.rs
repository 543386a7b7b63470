//! The fake's answers, shaped like GitLab's documented examples.

use super::contract::Contract;
use super::*;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

/// A request, decoded: its parameters from the query and the body (form or JSON), merged.
struct Call {
    method: String,
    /// After `/api/v4/`, percent-encoded as sent.
    segments: Vec<String>,
    /// Every parameter, in order; form fields like `actions[][action]` repeat.
    params: Vec<(String, String)>,
    json: Value,
}

impl Call {
    fn param(&self, name: &str) -> Option<&str> {
        (self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()))
            .or_else(|| self.json.get(name).and_then(Value::as_str))
    }

    fn number(&self, name: &str) -> Option<u64> {
        self.param(name).and_then(|v| v.parse().ok()).or_else(|| self.json.get(name).and_then(Value::as_u64))
    }

    fn segment(&self, i: usize) -> String {
        decode(self.segments.get(i).map(String::as_str).unwrap_or_default())
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

fn answer(status: u16, body: Value) -> Response {
    (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response()
}

fn message(status: u16, text: &str) -> Response {
    answer(status, json!({ "message": text }))
}

pub fn handle(
    state: &Arc<Mutex<State>>,
    contract: &Contract,
    root: &str,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = state.lock().unwrap();
    let path = uri.path();
    state.requests.push(format!("{method} {path}"));
    let Some(rest) = path.strip_prefix(SUB_PATH).and_then(|p| p.strip_prefix("/api/v4/")) else {
        state.violations.push(format!("{method} {path} is not under {SUB_PATH}/api/v4/"));
        return message(404, "404 Not Found");
    };
    if headers.get("private-token").and_then(|v| v.to_str().ok()) != Some(TOKEN) {
        return message(401, "401 Unauthorized");
    }
    let mut params: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
    let query_names: Vec<String> = params.iter().map(|(k, _)| k.clone()).collect();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let (json, body_names): (Value, Vec<String>) = if content_type.starts_with("application/json") {
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let names = json.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        (json, names)
    } else {
        let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
        let names = form.iter().map(|(k, _)| k.clone()).collect();
        params.extend(form);
        (Value::Null, names)
    };
    let segments: Vec<String> = rest.split('/').map(str::to_owned).collect();
    let refs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let template = match contract.check(method.as_str(), &refs, &query_names, &body_names) {
        Ok(template) => template,
        Err(why) => {
            state.violations.push(why);
            return message(404, "404 Not Found");
        }
    };
    let fault = state.faults.iter().position(|f| match f {
        Fault::RateLimited { path, .. } | Fault::Server { path, .. } => rest.contains(path.as_str()),
    });
    if let Some(fault) = fault.and_then(|i| state.faults.remove(i)) {
        return match fault {
            Fault::RateLimited { retry_after, .. } => {
                let reset =
                    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + retry_after;
                let mut response = message(429, "Retry later");
                let h = response.headers_mut();
                for (name, value) in [
                    ("retry-after", retry_after.to_string()),
                    ("ratelimit-limit", "600".into()),
                    ("ratelimit-name", "throttle_authenticated_api".into()),
                    ("ratelimit-observed", "601".into()),
                    ("ratelimit-remaining", "0".into()),
                    ("ratelimit-reset", reset.to_string()),
                ] {
                    h.insert(name, value.parse().unwrap());
                }
                response
            }
            Fault::Server { status, .. } => message(status, "500 Internal Server Error"),
        };
    }
    let call = Call { method: method.to_string(), segments, params, json };
    let project = call.segment(1);
    if template != "user" && project != PROJECT_ID.to_string() && project != PROJECT_PATH {
        return message(404, "404 Project Not Found");
    }
    route(&mut state, root, &template, &call)
}

fn route(state: &mut State, root: &str, template: &str, call: &Call) -> Response {
    let web = format!("{root}{SUB_PATH}/{PROJECT_PATH}");
    match (call.method.as_str(), template) {
        ("GET", "user") => answer(
            200,
            json!({ "id": BOT_ID, "username": BOT_USERNAME, "name": "Spec Builder", "state": "active",
                    "bot": true, "web_url": format!("{root}{SUB_PATH}/{BOT_USERNAME}") }),
        ),
        ("GET", "projects/{id}/repository/branches/{branch}") => {
            let name = call.segment(4);
            match state.git.head(&name) {
                Some(id) => answer(200, branch_json(&web, &name, &id)),
                None => message(404, "404 Branch Not Found"),
            }
        }
        ("GET", "projects/{id}/repository/files/{file_path}/raw") => {
            let rev = call.param("ref").unwrap_or("main");
            match state.git.blob_at(rev, &call.segment(4)) {
                Some((_, bytes)) => (StatusCode::OK, [("content-type", "text/plain")], bytes).into_response(),
                None => message(404, "404 File Not Found"),
            }
        }
        ("GET", "projects/{id}/repository/files/{file_path}") => {
            let (rev, path) = (call.param("ref").unwrap_or("main").to_owned(), call.segment(4));
            let (Some((blob, bytes)), Some(commit)) = (state.git.blob_at(&rev, &path), state.git.resolve_hex(&rev))
            else {
                return message(404, "404 File Not Found");
            };
            let last = state.git.last_change(&rev, &path).unwrap_or_default();
            answer(
                200,
                json!({ "file_name": path.rsplit('/').next(), "file_path": path, "size": bytes.len(),
                        "encoding": "base64", "content": base64::engine::general_purpose::STANDARD.encode(&bytes),
                        "ref": rev, "blob_id": blob, "commit_id": commit, "last_commit_id": last }),
            )
        }
        ("GET", "projects/{id}/repository/tree") => tree(state, root, call),
        ("POST", "projects/{id}/repository/commits") => commit(state, &web, call),
        ("POST", "projects/{id}/merge_requests") => {
            let (Some(source), Some(target), Some(title)) =
                (call.param("source_branch"), call.param("target_branch"), call.param("title"))
            else {
                return message(400, "source_branch, target_branch and title are required");
            };
            if let Some(open) = state.merge_requests.iter().find(|m| m.open && m.source == source && m.target == target)
            {
                return answer(
                    409,
                    json!({ "message": [format!("Another open merge request already exists for this source branch: !{}", open.iid)] }),
                );
            }
            let Some(base) = state.git.head(target) else { return message(400, "target branch does not exist") };
            let iid = state.merge_requests.len() as u64 + 1;
            let mr = MergeRequest {
                iid,
                source: source.to_owned(),
                target: target.to_owned(),
                title: title.to_owned(),
                description: call.param("description").unwrap_or_default().to_owned(),
                open: true,
                base,
                pipeline: None,
            };
            state.merge_requests.push(mr.clone());
            answer(201, merge_request_json(state, &web, &mr))
        }
        ("GET", "projects/{id}/merge_requests/{merge_request_iid}") => {
            let iid: u64 = call.segment(3).parse().unwrap_or_default();
            match state.merge_requests.iter().find(|m| m.iid == iid).cloned() {
                Some(mr) => answer(200, merge_request_json(state, &web, &mr)),
                None => message(404, "404 Not found"),
            }
        }
        (_, t) if t.contains("/notes") => notes(state, call),
        ("POST", "projects/{id}/merge_requests/{noteable_id}/discussions") => {
            let iid: u64 = call.segment(3).parse().unwrap_or_default();
            let position = call.json["position"].clone();
            let line = position["new_line"].as_u64();
            let path = position["new_path"].as_str().unwrap_or_default();
            let Some(mr) = state.merge_requests.iter().find(|m| m.iid == iid).cloned() else {
                return message(404, "404 Not found");
            };
            // GitLab refuses a position on a line the file at the head does not have.
            let lines = state.git.blob_at(&mr.source, path).map(|(_, b)| b.split(|c| *c == b'\n').count() as u64);
            if line.is_none() || lines.is_none_or(|n| line.unwrap_or(0) == 0 || line.unwrap_or(0) > n) {
                return answer(
                    400,
                    json!({ "message": "400 Bad request - Note {:line_code=>[\"can't be blank\", \"must be a valid line code\"]}" }),
                );
            }
            state.next_id += 1;
            let id = format!("{:040x}", state.next_id);
            let body = call.param("body").unwrap_or_default().to_owned();
            state.discussions.push(Discussion { id: id.clone(), iid, body: body.clone(), position: position.clone() });
            // A discussion's first note is one of the merge request's notes, as on GitLab.
            let note = Note {
                id: state.next_id,
                on: ("merge_requests", iid),
                body: body.clone(),
                author: BOT_USERNAME.into(),
                system: false,
            };
            state.notes.push(note);
            answer(
                201,
                json!({ "id": id, "individual_note": false,
                        "notes": [{ "id": state.next_id, "type": "DiffNote", "body": body, "system": false,
                                    "author": user_json(BOT_ID, BOT_USERNAME), "position": position,
                                    "noteable_type": "MergeRequest", "noteable_iid": iid, "resolvable": true }] }),
            )
        }
        ("POST", "projects/{id}/statuses/{sha}") => {
            let sha = call.segment(3);
            let (Some(state_name), name) = (call.param("state"), call.param("name").unwrap_or("default")) else {
                return message(400, "state is missing");
            };
            if state.git.resolve_hex(&sha).is_none() {
                return message(404, "404 References Not Found");
            }
            let same = state.statuses.iter().rev().find(|s| s.sha == sha && s.name == name);
            if same.is_some_and(|s| s.state == state_name) {
                let text = format!("Cannot transition status via :{state_name} from :{state_name}");
                return answer(400, json!({ "message": text }));
            }
            let status = CommitStatus {
                sha: sha.clone(),
                name: name.to_owned(),
                state: state_name.to_owned(),
                description: call.param("description").unwrap_or_default().to_owned(),
                pipeline: call.number("pipeline_id"),
                reference: call.param("ref").map(str::to_owned),
            };
            state.statuses.push(status.clone());
            state.next_id += 1;
            answer(
                201,
                json!({ "id": state.next_id, "sha": sha, "ref": status.reference, "status": status.state,
                        "name": status.name, "description": status.description, "allow_failure": false,
                        "author": user_json(BOT_ID, BOT_USERNAME) }),
            )
        }
        ("GET", "projects/{id}/members/all/{user_id}") => {
            let id: u64 = call.segment(4).parse().unwrap_or_default();
            match state.members.iter().find(|(_, (uid, _))| *uid == id) {
                Some((username, (uid, level))) => answer(
                    200,
                    json!({ "id": uid, "username": username, "name": username, "state": "active", "access_level": level }),
                ),
                None => message(404, "404 Not found"),
            }
        }
        (method, template) => {
            state.violations.push(format!("{method} {template}: described, but the fake does not serve it"));
            message(404, "404 Not Found")
        }
    }
}

fn user_json(id: u64, username: &str) -> Value {
    json!({ "id": id, "username": username, "name": username, "state": "active" })
}

fn branch_json(web: &str, name: &str, id: &str) -> Value {
    json!({ "name": name, "merged": false, "protected": name == "main", "default": name == "main",
            "developers_can_push": false, "developers_can_merge": false, "can_push": true,
            "web_url": format!("{web}/-/tree/{name}"),
            "commit": { "id": id, "short_id": &id[..8], "title": "", "parent_ids": [] } })
}

fn merge_request_json(state: &State, web: &str, mr: &MergeRequest) -> Value {
    let head = state.git.head(&mr.source).unwrap_or_default();
    json!({ "id": 10_000 + mr.iid, "iid": mr.iid, "project_id": PROJECT_ID, "title": mr.title,
            "description": mr.description, "state": if mr.open { "opened" } else { "closed" },
            "source_branch": mr.source, "target_branch": mr.target, "draft": mr.title.starts_with("Draft:"),
            "sha": head, "web_url": format!("{web}/-/merge_requests/{}", mr.iid),
            "diff_refs": { "base_sha": mr.base, "head_sha": head, "start_sha": mr.base },
            "head_pipeline": mr.pipeline.map(|id| json!({ "id": id, "sha": head, "status": "running" })),
            "author": user_json(BOT_ID, BOT_USERNAME) })
}

/// The tree, recursively, with keyset pagination: `Link: <…&page_token=…>; rel="next"` under
/// the instance's own sub-path.
fn tree(state: &State, root: &str, call: &Call) -> Response {
    let rev = call.param("ref").unwrap_or("main");
    let dir = call.param("path").unwrap_or_default();
    let Some(blobs) = state.git.blobs_under(rev, dir) else { return message(404, "404 Tree Not Found") };
    let mut entries: Vec<Value> = Vec::new();
    let mut dirs = std::collections::BTreeSet::new();
    for (path, _) in &blobs {
        let mut at = path.as_str();
        while let Some((parent, _)) = at.rsplit_once('/') {
            if parent.len() > dir.trim_matches('/').len() {
                dirs.insert(parent.to_owned());
            }
            at = parent;
        }
    }
    for d in &dirs {
        entries.push(
            json!({ "id": "0".repeat(40), "name": d.rsplit('/').next(), "type": "tree", "path": d, "mode": "040000" }),
        );
    }
    for (path, id) in &blobs {
        entries
            .push(json!({ "id": id, "name": path.rsplit('/').next(), "type": "blob", "path": path, "mode": "100644" }));
    }
    entries.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    if call.param("pagination") != Some("keyset") {
        return answer(200, Value::Array(entries));
    }
    let per_page = call.number("per_page").unwrap_or(20).clamp(1, 100) as usize;
    let after = call.param("page_token").unwrap_or_default();
    let page: Vec<Value> =
        entries.into_iter().filter(|e| e["path"].as_str().unwrap_or_default() > after).take(per_page + 1).collect();
    let more = page.len() > per_page;
    let page: Vec<Value> = page.into_iter().take(per_page).collect();
    let mut response = answer(200, Value::Array(page.clone()));
    if more {
        let last = page.last().and_then(|e| e["path"].as_str()).unwrap_or_default();
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in call.params.iter().filter(|(k, _)| k != "page_token") {
            query.append_pair(k, v);
        }
        query.append_pair("page_token", last);
        let next =
            format!("<{root}{SUB_PATH}/api/v4/projects/{PROJECT_ID}/repository/tree?{}>; rel=\"next\"", query.finish());
        response.headers_mut().insert("link", next.parse().unwrap());
    }
    response
}

/// `POST …/repository/commits`: GitLab's checks, then one commit.
fn commit(state: &mut State, web: &str, call: &Call) -> Response {
    let (Some(branch), Some(message_text)) = (call.param("branch"), call.param("commit_message")) else {
        return message(400, "branch and commit_message are required");
    };
    if let Some((moved, files)) = state.before_next_commit.take() {
        let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
        state.git.commit(&moved, &files, "Someone else's commit");
    }
    let start = call.param("start_sha").or(call.param("start_branch"));
    let base = match (state.git.head(branch), start) {
        (Some(_), Some(_)) => {
            let text =
                format!("A branch called '{branch}' already exists. Switch to that branch in order to make changes");
            return message(400, &text);
        }
        (Some(head), None) => head,
        (None, Some(start)) => match state.git.resolve_hex(start) {
            Some(id) => id,
            None => return message(400, "You can only create or edit files when you are on a branch"),
        },
        (None, None) => return message(400, "You can only create or edit files when you are on a branch"),
    };
    // `actions[][key]=value`, in order: a new action starts at each `actions[][action]`.
    let mut actions: Vec<HashMap<String, String>> = Vec::new();
    for (key, value) in &call.params {
        let Some(field) = key.strip_prefix("actions[][").and_then(|k| k.strip_suffix(']')) else { continue };
        if field == "action" || actions.is_empty() {
            actions.push(HashMap::new());
        }
        actions.last_mut().unwrap().insert(field.to_owned(), value.clone());
    }
    if let Some(list) = call.json["actions"].as_array() {
        for action in list {
            let fields = action.as_object().into_iter().flatten();
            actions.push(
                fields.map(|(k, v)| (k.clone(), v.as_str().map(str::to_owned).unwrap_or(v.to_string()))).collect(),
            );
        }
    }
    if actions.is_empty() {
        return message(400, "actions is missing");
    }
    let mut changes = Vec::new();
    for action in &actions {
        let path = action.get("file_path").cloned().unwrap_or_default();
        let exists = state.git.blob_at(&base, &path).is_some();
        let kind = action.get("action").map(String::as_str).unwrap_or_default();
        match kind {
            "create" if exists => return message(400, "A file with this name already exists"),
            "update" | "delete" | "move" if !exists => return message(400, "A file with this name doesn't exist"),
            _ => {}
        }
        if let Some(last) = action.get("last_commit_id")
            && state.git.last_change(&base, &path).as_deref() != Some(last.as_str())
        {
            return message(400, "You are attempting to update a file that has changed since you started editing it.");
        }
        let content = action.get("content").map(|c| match action.get("encoding").map(String::as_str) {
            Some("base64") => base64::engine::general_purpose::STANDARD.decode(c).unwrap_or_default(),
            _ => c.clone().into_bytes(),
        });
        match kind {
            "create" | "update" => changes.push((path, Some(content.unwrap_or_default()))),
            "delete" => changes.push((path, None)),
            other => return message(400, &format!("action {other} is not supported by the fake")),
        }
    }
    let Some(id) = state.git.commit_changes(branch, &base, &changes, message_text) else {
        return message(500, "500 Internal Server Error");
    };
    answer(
        201,
        json!({ "id": id, "short_id": &id[..8], "title": message_text.lines().next(), "message": message_text,
                "parent_ids": state.git.parents(&id), "author_name": BOT_USERNAME,
                "author_email": "bot@example.com", "web_url": format!("{web}/-/commit/{id}") }),
    )
}

fn notes(state: &mut State, call: &Call) -> Response {
    let on: &'static str = if call.segment(2) == "issues" { "issues" } else { "merge_requests" };
    let iid: u64 = call.segment(3).parse().unwrap_or_default();
    let note_json = |members: &HashMap<String, (u64, u64)>, n: &Note| {
        let id = members.get(&n.author).map_or(1, |(id, _)| *id);
        let username = n.author.as_str();
        json!({ "id": n.id, "type": null, "body": n.body, "author": user_json(id, username), "system": n.system,
                "noteable_type": if n.on.0 == "issues" { "Issue" } else { "MergeRequest" }, "noteable_iid": n.on.1,
                "created_at": "2026-12-02T10:00:00.000Z", "updated_at": "2026-12-02T10:00:00.000Z",
                "resolvable": false, "confidential": false, "internal": false })
    };
    let note_id = || call.segment(5).parse::<u64>().unwrap_or_default();
    match call.method.as_str() {
        "GET" => {
            let list: Vec<Value> =
                state.notes.iter().filter(|n| n.on == (on, iid)).map(|n| note_json(&state.members, n)).collect();
            answer(200, Value::Array(list))
        }
        "POST" => {
            state.next_id += 1;
            let body = call.param("body").unwrap_or_default().to_owned();
            if body.chars().count() > 1_000_000 {
                return answer(400, json!({ "message": { "note": ["is too long (maximum is 1000000 characters)"] } }));
            }
            let note = Note { id: state.next_id, on: (on, iid), body, author: BOT_USERNAME.into(), system: false };
            let json = note_json(&state.members, &note);
            state.notes.push(note);
            answer(201, json)
        }
        "PUT" => {
            let id = note_id();
            let body = call.param("body").unwrap_or_default().to_owned();
            let Some(i) = state.notes.iter().position(|n| n.id == id && n.on == (on, iid)) else {
                return message(404, "404 Note Not Found");
            };
            state.notes[i].body = body;
            let json = note_json(&state.members, &state.notes[i]);
            answer(200, json)
        }
        "DELETE" => {
            let id = note_id();
            let before = state.notes.len();
            state.notes.retain(|n| !(n.id == id && n.on == (on, iid)));
            if state.notes.len() == before {
                return message(404, "404 Note Not Found");
            }
            StatusCode::NO_CONTENT.into_response()
        }
        _ => message(405, "405 Method Not Allowed"),
    }
}
