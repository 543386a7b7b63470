//! The fake's repository: real git objects in a bare repository (gix), served through GitHub's
//! git data and contents APIs, with GitHub's rules — non-forced ref updates must fast-forward,
//! an existing ref cannot be created, a tree's base must be a tree.

use super::payloads::{DOCS, error, timestamp};
use super::{Answer, Contract, Request};
use base64::Engine;
use gix::ObjectId;
use gix::bstr::ByteSlice;
use gix::object::tree::EntryKind;
use serde_json::{Value, json};

pub struct Bare {
    /// Shared by the server's tasks; each call works on a thread-local handle.
    shared: gix::ThreadSafeRepository,
    _dir: tempfile::TempDir,
}

fn api(path: &str) -> String {
    format!("https://api.github.com/repos/octo/tracker/{path}")
}

fn validation(message: &str) -> Value {
    json!({ "message": message, "documentation_url": DOCS })
}

impl Default for Bare {
    fn default() -> Self {
        Bare::new()
    }
}

impl Bare {
    /// A repository whose `main` holds a README.
    pub fn new() -> Bare {
        let dir = tempfile::tempdir().unwrap();
        let shared = gix::init_bare(dir.path()).unwrap().into_sync();
        let mut bare = Bare { shared, _dir: dir };
        bare.commit("main", &[("README.md", "# Tracker\n")], "Initial commit");
        bare
    }

    fn repo(&self) -> gix::Repository {
        self.shared.to_thread_local()
    }

    pub fn head(&self, branch: &str) -> Option<String> {
        self.head_id(branch).map(|id| id.to_string())
    }

    fn head_id(&self, branch: &str) -> Option<ObjectId> {
        let repo = self.repo();
        let mut reference = repo.try_find_reference(&format!("refs/heads/{branch}")).ok()??;
        Some(reference.peel_to_id().ok()?.detach())
    }

    /// Commits `files` on `branch` (created from nothing if absent) as someone else would push.
    /// A new branch `name` where `from` is now.
    pub fn branch(&mut self, name: &str, from: &str) {
        let at = self.head_id(from).expect("the branch to start from exists");
        self.set_ref(name, at);
    }

    pub fn commit(&mut self, branch: &str, files: &[(&str, &str)], message: &str) -> String {
        let repo = self.repo();
        let parent = self.head_id(branch);
        let base = match parent {
            Some(commit) => repo.find_commit(commit).unwrap().tree_id().unwrap().detach(),
            None => ObjectId::empty_tree(repo.object_hash()),
        };
        let mut editor = repo.edit_tree(base).unwrap();
        for (path, content) in files {
            let blob = repo.write_blob(content.as_bytes()).unwrap().detach();
            editor.upsert(*path, EntryKind::Blob, blob).unwrap();
        }
        let tree = editor.write().unwrap().detach();
        let id = self.write_commit(tree, parent.into_iter().collect(), message);
        self.set_ref(branch, id);
        id.to_string()
    }

    fn write_commit(&self, tree: ObjectId, parents: Vec<ObjectId>, message: &str) -> ObjectId {
        let repo = self.repo();
        let who = gix::actor::Signature {
            name: "Mona".into(),
            email: "mona@example.com".into(),
            time: gix::date::Time::now_utc(),
        };
        let commit = gix::objs::Commit {
            message: message.into(),
            tree,
            author: who.clone(),
            committer: who,
            encoding: None,
            parents: parents.into(),
            extra_headers: Vec::new(),
        };
        repo.write_object(&commit).unwrap().detach()
    }

    fn set_ref(&self, branch: &str, id: ObjectId) {
        self.repo()
            .reference(format!("refs/heads/{branch}"), id, gix::refs::transaction::PreviousValue::Any, "fake GitHub")
            .unwrap();
    }

    /// Every file of the branch with its content (lossy UTF-8), sorted by path.
    pub fn files(&self, branch: &str) -> Vec<(String, String)> {
        let repo = self.repo();
        let Some(head) = self.head_id(branch) else { return Vec::new() };
        let tree = repo.find_commit(head).unwrap().tree().unwrap();
        let mut files: Vec<(String, String)> = (tree.traverse().breadthfirst.files().unwrap().into_iter())
            .filter(|r| r.mode.is_blob())
            .map(|r| {
                let data = repo.find_blob(r.oid).unwrap().data.clone();
                (r.filepath.to_string(), String::from_utf8_lossy(&data).into_owned())
            })
            .collect();
        files.sort();
        files
    }

    /// The first lines of the branch's commit messages, newest first.
    pub fn log(&self, branch: &str) -> Vec<String> {
        let repo = self.repo();
        let Some(head) = self.head_id(branch) else { return Vec::new() };
        let walk = repo.rev_walk([head]).all().unwrap();
        (walk.filter_map(Result::ok))
            .map(|info| {
                let commit = repo.find_commit(info.id).unwrap();
                commit.message_raw_sloppy().to_str_lossy().lines().next().unwrap_or_default().to_owned()
            })
            .collect()
    }

    fn object_id(&self, hex: &str) -> Option<ObjectId> {
        let repo = self.repo();
        let id = ObjectId::from_hex(hex.as_bytes()).ok()?;
        repo.has_object(id).then_some(id)
    }

    /// A branch name or a commit id.
    fn resolve(&self, rev: &str) -> Option<ObjectId> {
        self.head_id(rev).or_else(|| self.object_id(rev))
    }

    /// A branch name or a commit id, as the commit id it names (hex).
    pub fn resolve_hex(&self, rev: &str) -> Option<String> {
        self.resolve(rev).map(|id| id.to_string())
    }

    /// The blob at `path` in `rev`: its id and bytes.
    pub fn blob_at(&self, rev: &str, path: &str) -> Option<(String, Vec<u8>)> {
        let repo = self.repo();
        let tree = repo.find_commit(self.resolve(rev)?).ok()?.tree().ok()?;
        let entry = tree.lookup_entry_by_path(path.trim_matches('/')).ok()??;
        if !entry.mode().is_blob() {
            return None;
        }
        let id = entry.oid().to_owned();
        Some((id.to_string(), repo.find_blob(id).ok()?.data.clone()))
    }

    /// Every blob under `dir` (the whole tree when empty) in `rev` as (path, blob id), sorted;
    /// `None` when `rev` does not exist.
    pub fn blobs_under(&self, rev: &str, dir: &str) -> Option<Vec<(String, String)>> {
        let repo = self.repo();
        let tree = repo.find_commit(self.resolve(rev)?).ok()?.tree().ok()?;
        let dir = dir.trim_matches('/');
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let mut blobs: Vec<(String, String)> = (tree.traverse().breadthfirst.files().ok()?.into_iter())
            .filter(|r| r.mode.is_blob())
            .map(|r| (r.filepath.to_string(), r.oid.to_string()))
            .filter(|(path, _)| path.starts_with(&prefix))
            .collect();
        blobs.sort();
        Some(blobs)
    }

    /// The newest commit reachable from `rev` that changed `path` (as GitLab's file API names
    /// `last_commit_id`), if the file is there.
    pub fn last_change(&self, rev: &str, path: &str) -> Option<String> {
        let repo = self.repo();
        let blob = |commit: ObjectId| -> Option<ObjectId> {
            let tree = repo.find_commit(commit).ok()?.tree().ok()?;
            Some(tree.lookup_entry_by_path(path).ok()??.oid().to_owned())
        };
        let start = self.resolve(rev)?;
        let mut at = start;
        let now = blob(at)?;
        loop {
            let parent = repo.find_commit(at).ok()?.parent_ids().next().map(|p| p.detach());
            match parent {
                Some(parent) if blob(parent) == Some(now) => at = parent,
                _ => return Some(at.to_string()),
            }
        }
    }

    /// The commit's parents, first first.
    pub fn parents(&self, id: &str) -> Vec<String> {
        let repo = self.repo();
        let Some(id) = self.object_id(id) else { return Vec::new() };
        repo.find_commit(id).map(|c| c.parent_ids().map(|p| p.to_string()).collect()).unwrap_or_default()
    }

    /// Writes a commit on top of `parent` with `changes` (bytes, or `None` to delete) and
    /// moves `branch` to it; its id.
    pub fn commit_changes(
        &mut self,
        branch: &str,
        parent: &str,
        changes: &[(String, Option<Vec<u8>>)],
        message: &str,
    ) -> Option<String> {
        let repo = self.repo();
        let parent = self.resolve(parent)?;
        let base = repo.find_commit(parent).ok()?.tree_id().ok()?.detach();
        let mut editor = repo.edit_tree(base).ok()?;
        for (path, content) in changes {
            match content {
                Some(bytes) => {
                    let blob = repo.write_blob(bytes).ok()?.detach();
                    editor.upsert(path.as_str(), EntryKind::Blob, blob).ok()?;
                }
                None => {
                    editor.remove(path.as_str()).ok()?;
                }
            }
        }
        let tree = editor.write().ok()?.detach();
        let id = self.write_commit(tree, vec![parent], message);
        self.set_ref(branch, id);
        Some(id.to_string())
    }

    fn commit_json(&self, id: ObjectId) -> Option<Value> {
        let repo = self.repo();
        let commit = repo.find_commit(id).ok()?;
        let tree = commit.tree_id().ok()?.to_string();
        let seconds = commit.time().ok()?.seconds.max(0) as u64;
        let person = json!({ "name": "Mona", "email": "mona@example.com", "date": timestamp(seconds) });
        let parents: Vec<Value> = (commit.parent_ids())
            .map(|p| {
                json!({ "sha": p.to_string(), "url": api(&format!("git/commits/{p}")),
                             "html_url": format!("https://github.com/octo/tracker/commit/{p}") })
            })
            .collect();
        Some(json!({
            "sha": id.to_string(), "node_id": format!("C_{id}"), "url": api(&format!("git/commits/{id}")),
            "html_url": format!("https://github.com/octo/tracker/commit/{id}"),
            "author": person, "committer": person, "message": commit.message_raw_sloppy().to_str_lossy(),
            "tree": { "sha": tree, "url": api(&format!("git/trees/{tree}")) }, "parents": parents,
            "verification": { "verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null }
        }))
    }

    fn ref_json(&self, name: &str, id: ObjectId) -> Value {
        json!({ "ref": format!("refs/{name}"), "node_id": format!("REF_{name}"), "url": api(&format!("git/refs/{name}")),
                "object": { "type": "commit", "sha": id.to_string(), "url": api(&format!("git/commits/{id}")) } })
    }

    /// Whether `ancestor` is `descendant` or in its history.
    fn leads_to(&self, descendant: ObjectId, ancestor: ObjectId) -> bool {
        let repo = self.repo();
        let walk = repo.rev_walk([descendant]).all().unwrap();
        walk.filter_map(Result::ok).any(|info| info.id == ancestor)
    }

    fn create_tree(&self, body: &Value) -> Answer {
        let repo = self.repo();
        let base = match body["base_tree"].as_str() {
            Some(hex) => match self.object_id(hex).and_then(|id| repo.find_tree(id).ok()) {
                Some(tree) => tree.id,
                None => return Answer::json(422, validation("base_tree is not a valid tree oid")),
            },
            None => ObjectId::empty_tree(repo.object_hash()),
        };
        let mut editor = repo.edit_tree(base).unwrap();
        for entry in body["tree"].as_array().into_iter().flatten() {
            let path = entry["path"].as_str().unwrap_or_default();
            let kind = match entry["mode"].as_str() {
                Some("100755") => EntryKind::BlobExecutable,
                Some("040000") => EntryKind::Tree,
                Some("120000") => EntryKind::Link,
                Some("160000") => EntryKind::Commit,
                _ => EntryKind::Blob,
            };
            let id = match (&entry["sha"], entry["content"].as_str()) {
                (Value::Null, None) => {
                    editor.remove(path).unwrap();
                    continue;
                }
                (Value::String(hex), None) => match self.object_id(hex) {
                    Some(id) => id,
                    None => return Answer::json(422, validation(&format!("tree.sha {hex} is not a valid blob"))),
                },
                (Value::Null, Some(content)) => repo.write_blob(content.as_bytes()).unwrap().detach(),
                _ => return Answer::json(422, validation("Must supply either tree.sha or tree.content, not both")),
            };
            editor.upsert(path, kind, id).unwrap();
        }
        let tree = repo.find_tree(editor.write().unwrap().detach()).unwrap();
        let entries: Vec<Value> = (tree.iter().filter_map(Result::ok))
            .map(|e| {
                let kind = if e.mode().is_tree() { "tree" } else { "blob" };
                json!({ "path": e.filename().to_str_lossy(), "mode": format!("{:06o}", e.mode().value()),
                        "type": kind, "sha": e.oid().to_string(), "url": api(&format!("git/{kind}s/{}", e.oid())) })
            })
            .collect();
        Answer::json(
            201,
            json!({ "sha": tree.id.to_string(), "url": api(&format!("git/trees/{}", tree.id)),
                                  "tree": entries, "truncated": false }),
        )
    }

    fn contents(&self, path: &str, rev: Option<&str>) -> Answer {
        let repo = self.repo();
        let not_found = Answer::json(404, error("Not Found"));
        let Some(commit) = self.resolve(rev.unwrap_or("main")) else { return not_found };
        let root = repo.find_commit(commit).unwrap().tree().unwrap();
        let path = path.trim_matches('/');
        let (kind, id) = if path.is_empty() {
            ("dir", root.id)
        } else {
            match root.lookup_entry_by_path(path).unwrap() {
                Some(entry) if entry.mode().is_tree() => ("dir", entry.oid().to_owned()),
                Some(entry) if entry.mode().is_blob() => ("file", entry.oid().to_owned()),
                _ => return not_found,
            }
        };
        let mut object = self.content_entry(path, kind, id);
        if kind == "file" {
            let data = repo.find_blob(id).unwrap().data.clone();
            let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
            // GitHub wraps base64 at 60 columns.
            let lines: Vec<&str> = encoded.as_bytes().chunks(60).map(|c| std::str::from_utf8(c).unwrap()).collect();
            object["content"] = json!(lines.join("\n"));
            object["encoding"] = json!("base64");
        } else {
            let tree = repo.find_tree(id).unwrap();
            let entries: Vec<Value> = (tree.iter().filter_map(Result::ok))
                .map(|e| {
                    let name = e.filename().to_str_lossy().into_owned();
                    let child = if path.is_empty() { name } else { format!("{path}/{name}") };
                    let kind = if e.mode().is_tree() { "dir" } else { "file" };
                    self.content_entry(&child, kind, e.oid().to_owned())
                })
                .collect();
            object["entries"] = json!(entries);
        }
        Answer(200, object, "application/vnd.github.object")
    }

    fn content_entry(&self, path: &str, kind: &str, id: ObjectId) -> Value {
        let repo = self.repo();
        let size = if kind == "file" { repo.find_blob(id).map_or(0, |b| b.data.len()) } else { 0 };
        let name = path.rsplit('/').next().unwrap_or_default();
        let url = api(&format!("contents/{path}"));
        let git = api(&format!("git/{}/{id}", if kind == "file" { "blobs" } else { "trees" }));
        let html = format!("https://github.com/octo/tracker/blob/main/{path}");
        json!({ "type": kind, "size": size, "name": name, "path": path, "sha": id.to_string(), "url": url,
                "git_url": git, "html_url": html, "download_url": null,
                "_links": { "self": url, "git": git, "html": html } })
    }
}

/// The repository's operations.
pub fn route(git: &mut Bare, _contract: &Contract, verb: &str, request: &Request) -> Answer {
    let body = &request.body;
    match (verb, request.template) {
        ("get", "/repos/{owner}/{repo}/git/ref/{ref}") => {
            let name = request.param("ref");
            match name.strip_prefix("heads/").and_then(|branch| git.head_id(branch)) {
                Some(id) => Answer::json(200, git.ref_json(name, id)),
                None => Answer::json(404, error("Not Found")),
            }
        }
        ("post", "/repos/{owner}/{repo}/git/refs") => {
            let name = body["ref"].as_str().unwrap_or_default();
            let Some(branch) = name.strip_prefix("refs/heads/") else {
                return Answer::json(422, validation("Reference name must start with refs/heads/ in this fake"));
            };
            let Some(id) = body["sha"].as_str().and_then(|hex| git.object_id(hex)) else {
                return Answer::json(422, validation("Object does not exist"));
            };
            if git.head_id(branch).is_some() {
                return Answer::json(422, validation("Reference already exists"));
            }
            git.set_ref(branch, id);
            Answer::json(201, git.ref_json(&format!("heads/{branch}"), id))
        }
        ("patch", "/repos/{owner}/{repo}/git/refs/{ref}") => {
            let name = request.param("ref");
            let Some(current) = name.strip_prefix("heads/").and_then(|branch| git.head_id(branch)) else {
                return Answer::json(422, validation("Reference does not exist"));
            };
            let Some(new) = body["sha"].as_str().and_then(|hex| git.object_id(hex)) else {
                return Answer::json(422, validation("Object does not exist"));
            };
            if body["force"] != true && !git.leads_to(new, current) {
                return Answer::json(422, validation("Update is not a fast forward"));
            }
            git.set_ref(name.trim_start_matches("heads/"), new);
            Answer::json(200, git.ref_json(name, new))
        }
        ("get", "/repos/{owner}/{repo}/git/commits/{commit_sha}") => {
            match git.object_id(request.param("commit_sha")).and_then(|id| git.commit_json(id)) {
                Some(commit) => Answer::json(200, commit),
                None => Answer::json(404, error("Not Found")),
            }
        }
        ("post", "/repos/{owner}/{repo}/git/blobs") => {
            let content = body["content"].as_str().unwrap_or_default();
            let bytes = match body["encoding"].as_str() {
                Some("base64") => match base64::engine::general_purpose::STANDARD.decode(content) {
                    Ok(bytes) => bytes,
                    Err(_) => return Answer::json(422, validation("content is not valid Base64")),
                },
                _ => content.as_bytes().to_vec(),
            };
            let id = git.repo().write_blob(bytes).unwrap().detach();
            Answer::json(201, json!({ "url": api(&format!("git/blobs/{id}")), "sha": id.to_string() }))
        }
        ("post", "/repos/{owner}/{repo}/git/trees") => git.create_tree(body),
        ("post", "/repos/{owner}/{repo}/git/commits") => {
            let Some(tree) = body["tree"].as_str().and_then(|hex| git.object_id(hex)) else {
                return Answer::json(422, validation("Tree SHA does not exist"));
            };
            let mut parents = Vec::new();
            for parent in body["parents"].as_array().into_iter().flatten() {
                match parent.as_str().and_then(|hex| git.object_id(hex)) {
                    Some(id) => parents.push(id),
                    None => {
                        return Answer::json(422, validation("Parent SHA does not exist or is not a commit object"));
                    }
                }
            }
            let id = git.write_commit(tree, parents, body["message"].as_str().unwrap_or_default());
            Answer::json(201, git.commit_json(id).unwrap())
        }
        ("get", "/repos/{owner}/{repo}/contents/{path}") => git.contents(request.param("path"), request.query("ref")),
        _ => {
            eprintln!("fake GitHub: not served: {verb} {}", request.template);
            Answer::json(404, error("Not Found (not served by the fake)"))
        }
    }
}
