//! Repository content through GitHub's REST API: where a branch points, files and directories at
//! a revision, and commits of several files at once through the git data API (blobs, one tree,
//! one commit, one ref update) so a change lands whole or not at all.
//!
//! The ref update is the compare-and-swap: it is never forced, so GitHub refuses it unless the
//! branch still leads to our parent, and a branch someone else moved is reported as
//! [`ClientError::Moved`] rather than overwritten.

use crate::client::{Call, ClientError, GitHubApp, RepoRef, status_of};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

/// Where the new commit goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Head {
    /// The branch is at this commit (as we last read it); the new commit goes on top.
    At(String),
    /// The branch does not exist yet: create it at a new commit on top of this one (typically
    /// the default branch's head). Someone creating it first is a conflict.
    NewFrom(String),
}

impl Head {
    fn parent(&self) -> &str {
        match self {
            Head::At(sha) | Head::NewFrom(sha) => sha,
        }
    }
}

/// One file of a commit: new bytes, or `None` to delete it.
#[derive(Clone, Debug)]
pub struct FileChange {
    pub path: String,
    pub content: Option<Vec<u8>>,
}

/// An entry of a directory at a revision.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct DirEntry {
    /// `file`, `dir`, `symlink` or `submodule`.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub path: String,
    /// The blob or tree id.
    pub sha: String,
    #[serde(default)]
    pub size: u64,
}

#[derive(Deserialize)]
struct GitRef {
    object: Sha,
}

#[derive(Deserialize)]
struct Sha {
    sha: String,
}

#[derive(Deserialize)]
struct GitCommit {
    sha: String,
    tree: Sha,
}

/// The contents API's object form (`application/vnd.github.object`): a file with its content,
/// or a directory with its entries.
#[derive(Deserialize)]
struct ContentObject {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    entries: Option<Vec<DirEntry>>,
}

const OBJECT_MEDIA_TYPE: &str = "application/vnd.github.object";

impl GitHubApp {
    /// The commit `branch` points at, or `None` when there is no such branch.
    pub async fn branch_head(
        &self,
        installation: u64,
        repo: &RepoRef,
        branch: &str,
    ) -> Result<Option<String>, ClientError> {
        let route = format!("{}/git/ref/heads/{branch}", repo.api());
        let result = self
            .as_installation(installation, Call::Read, |crab| {
                let route = route.clone();
                async move { crab.get::<GitRef, _, ()>(route, None).await }
            })
            .await;
        match result {
            Ok(reference) => Ok(Some(reference.object.sha)),
            Err(ClientError::Api(e)) if status_of(&e) == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The bytes of the file at `path` in revision `rev` (branch, tag or commit), or `None` when
    /// there is no file there.
    pub async fn read_file(
        &self,
        installation: u64,
        repo: &RepoRef,
        path: &str,
        rev: &str,
    ) -> Result<Option<Vec<u8>>, ClientError> {
        let Some(object) = self.content(installation, repo, path, rev).await? else { return Ok(None) };
        if object.kind != "file" {
            return Ok(None);
        }
        match (object.encoding.as_deref(), object.content) {
            (Some("base64"), Some(content)) => {
                // GitHub wraps base64 at 60 columns.
                let packed: String = content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(packed)
                    .map_err(|e| ClientError::Unexpected(format!("{path}: content is not base64 ({e})")))?;
                Ok(Some(bytes))
            }
            (encoding, _) => Err(ClientError::Unexpected(format!(
                "{path}: GitHub did not inline the content (encoding {encoding:?}; files over 1 MB are not served this way)"
            ))),
        }
    }

    /// The entries of the directory at `path` (`""` for the root) in revision `rev`; empty when
    /// there is no directory there.
    pub async fn read_dir(
        &self,
        installation: u64,
        repo: &RepoRef,
        path: &str,
        rev: &str,
    ) -> Result<Vec<DirEntry>, ClientError> {
        let Some(object) = self.content(installation, repo, path, rev).await? else { return Ok(Vec::new()) };
        Ok(if object.kind == "dir" { object.entries.unwrap_or_default() } else { Vec::new() })
    }

    /// Every file under `path` in revision `rev`, depth first, as (path, blob id).
    pub async fn read_tree(
        &self,
        installation: u64,
        repo: &RepoRef,
        path: &str,
        rev: &str,
        max: usize,
    ) -> Result<Vec<(String, String, u64)>, ClientError> {
        let mut files = Vec::new();
        let mut pending = vec![path.to_owned()];
        // Stops as soon as there are more files than the caller takes: a tree of 50,000 files
        // costs the folders walked up to there, not all of them.
        while let Some(dir) = pending.pop()
            && files.len() <= max
        {
            for entry in self.read_dir(installation, repo, &dir, rev).await? {
                match entry.kind.as_str() {
                    "dir" => pending.push(entry.path),
                    "file" => files.push((entry.path, entry.sha, entry.size)),
                    _ => {}
                }
            }
        }
        files.sort();
        Ok(files)
    }

    async fn content(
        &self,
        installation: u64,
        repo: &RepoRef,
        path: &str,
        rev: &str,
    ) -> Result<Option<ContentObject>, ClientError> {
        let route = format!("{}/contents/{}", repo.api(), path.trim_matches('/'));
        let result = self
            .as_installation(installation, Call::Read, |crab| {
                let route = route.clone();
                let mut headers = http::HeaderMap::new();
                headers.insert(http::header::ACCEPT, http::HeaderValue::from_static(OBJECT_MEDIA_TYPE));
                async move {
                    crab.get_with_headers::<ContentObject, _, _>(route, Some(&[("ref", rev)]), Some(headers)).await
                }
            })
            .await;
        match result {
            Ok(object) => Ok(Some(object)),
            Err(ClientError::Api(e)) if status_of(&e) == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Commits `files` to `branch` in one commit on top of `head`'s commit and moves the branch
    /// to it, unless the branch moved meanwhile ([`ClientError::Moved`]; nothing is overwritten).
    /// Returns the new commit's id.
    pub async fn commit_files(
        &self,
        installation: u64,
        repo: &RepoRef,
        branch: &str,
        head: &Head,
        files: &[FileChange],
        message: &str,
    ) -> Result<String, ClientError> {
        let api = repo.api();
        let parent = head.parent();
        let base: GitCommit = self.get(installation, format!("{api}/git/commits/{parent}")).await?;
        let mut entries = Vec::with_capacity(files.len());
        for file in files {
            let sha = match &file.content {
                Some(bytes) => {
                    let body = json!({
                        "content": base64::engine::general_purpose::STANDARD.encode(bytes),
                        "encoding": "base64",
                    });
                    Some(self.create::<Sha>(installation, format!("{api}/git/blobs"), body).await?.sha)
                }
                None => None,
            };
            entries.push(json!({ "path": file.path, "mode": "100644", "type": "blob", "sha": sha }));
        }
        let tree: Sha = self
            .create(installation, format!("{api}/git/trees"), json!({ "base_tree": base.tree.sha, "tree": entries }))
            .await?;
        let commit: GitCommit = self
            .create(
                installation,
                format!("{api}/git/commits"),
                json!({ "message": message, "tree": tree.sha, "parents": [base.sha] }),
            )
            .await?;
        self.move_branch(installation, repo, branch, head, &commit.sha).await?;
        Ok(commit.sha)
    }

    /// Creates `branch` at commit `sha`; a branch that exists already is [`ClientError::Moved`].
    pub async fn create_branch(
        &self,
        installation: u64,
        repo: &RepoRef,
        branch: &str,
        sha: &str,
    ) -> Result<(), ClientError> {
        self.move_branch(installation, repo, branch, &Head::NewFrom(sha.to_owned()), sha).await
    }

    /// The compare-and-swap: a fast-forward-only update (or a create) of the branch. When the
    /// outcome is unknown (a 5xx) or refused (422), the branch is read back to tell "done",
    /// "moved by someone else" and "failed" apart; the update is never sent twice blindly.
    async fn move_branch(
        &self,
        installation: u64,
        repo: &RepoRef,
        branch: &str,
        head: &Head,
        new: &str,
    ) -> Result<(), ClientError> {
        let api = repo.api();
        let result = match head {
            Head::At(_) => {
                let route = format!("{api}/git/refs/heads/{branch}");
                self.as_installation(installation, Call::Write, |crab| {
                    let (route, body) = (route.clone(), json!({ "sha": new, "force": false }));
                    async move { crab.patch::<serde_json::Value, _, _>(route, Some(&body)).await }
                })
                .await
            }
            Head::NewFrom(_) => {
                let route = format!("{api}/git/refs");
                self.as_installation(installation, Call::Write, |crab| {
                    let (route, body) = (route.clone(), json!({ "ref": format!("refs/heads/{branch}"), "sha": new }));
                    async move { crab.post::<_, serde_json::Value>(route, Some(&body)).await }
                })
                .await
            }
        };
        let Err(error) = result else { return Ok(()) };
        let unsure = matches!(&error, ClientError::Api(e) if matches!(status_of(e), Some(409 | 422 | 500..=599)));
        if !unsure {
            return Err(error);
        }
        let now = self.branch_head(installation, repo, branch).await?;
        let expected = match head {
            Head::At(sha) => Some(sha.as_str()),
            Head::NewFrom(_) => None,
        };
        match now.as_deref() {
            Some(sha) if sha == new => Ok(()),
            actual if actual != expected => Err(ClientError::Moved {
                branch: branch.to_owned(),
                expected: expected.map_or_else(|| "absent".to_owned(), short),
                actual: actual.map_or_else(|| "deleted".to_owned(), short),
            }),
            _ => Err(error),
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, installation: u64, route: String) -> Result<T, ClientError> {
        self.as_installation(installation, Call::Read, |crab| {
            let route = route.clone();
            async move { crab.get::<T, _, ()>(route, None).await }
        })
        .await
    }

    async fn create<T: serde::de::DeserializeOwned>(
        &self,
        installation: u64,
        route: String,
        body: serde_json::Value,
    ) -> Result<T, ClientError> {
        self.as_installation(installation, Call::Object, |crab| {
            let (route, body) = (route.clone(), body.clone());
            async move { crab.post::<_, T>(route, Some(&body)).await }
        })
        .await
    }
}

fn short(sha: &str) -> String {
    sha.chars().take(12).collect()
}
