//! A repository on this machine, through gix: branches and files as on any forge, written
//! straight to the object database (the working tree is never touched). There is no one to
//! comment to or to review a merge, and whoever runs the CLI owns the repository.

use super::{
    Capabilities, ChangeRequest, ChangeRequestEnds, Check, CommitId, FileEntry, FileWrite, Forge, ForgeError, Head,
    IssueDraft, Permission, Thread, ThreadComment, TrackerIssue,
};
use crate::delivery::diff;
use crate::store::{self, BranchHead, CommitError};
use gix::ObjectId;
use std::path::PathBuf;

pub struct LocalForge {
    dir: PathBuf,
}

impl LocalForge {
    /// The repository containing `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> LocalForge {
        LocalForge { dir: dir.into() }
    }

    fn repo(&self) -> Result<gix::Repository, ForgeError> {
        store::open(&self.dir).map_err(|e| ForgeError::Host(e.to_string()))
    }

    fn unsupported(what: &'static str) -> ForgeError {
        ForgeError::Unsupported { forge: "a local repository", what }
    }
}

fn host(error: impl std::fmt::Display) -> ForgeError {
    ForgeError::Host(error.to_string())
}

fn object_id(id: &CommitId) -> Result<ObjectId, ForgeError> {
    ObjectId::from_hex(id.0.as_bytes()).map_err(|e| host(format!("`{id}` is not a commit id: {e}")))
}

fn short(id: Option<ObjectId>) -> String {
    id.map_or_else(|| "absent".to_owned(), |id| id.to_hex_with_len(12).to_string())
}

impl Forge for LocalForge {
    fn capabilities(&self) -> Capabilities {
        Capabilities { comments: false, change_requests: false, checks: false, permissions: false, issues: false }
    }

    async fn branch_head(&self, branch: &str) -> Result<Option<CommitId>, ForgeError> {
        let head = store::read_branch_head(&self.repo()?, branch).map_err(host)?;
        Ok(head.0.map(|id| CommitId(id.to_string())))
    }

    async fn read_file(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>, ForgeError> {
        let repo = self.repo()?;
        let commit = diff::resolve(&repo, rev).map_err(host)?;
        diff::read_at(&repo, commit, path).map_err(host)
    }

    async fn list_files(&self, rev: &str, dir: &str, max: usize) -> Result<Vec<FileEntry>, ForgeError> {
        let repo = self.repo()?;
        let commit = diff::resolve(&repo, rev).map_err(host)?;
        let root = repo.find_commit(commit).map_err(host)?.tree().map_err(host)?;
        let dir = dir.trim_matches('/');
        let tree = if dir.is_empty() {
            root
        } else {
            match root.lookup_entry_by_path(dir).map_err(host)? {
                Some(entry) if entry.mode().is_tree() => entry.object().map_err(host)?.into_tree(),
                _ => return Ok(Vec::new()),
            }
        };
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let mut files = Vec::new();
        for record in tree.traverse().breadthfirst.files().map_err(host)?.into_iter().filter(|r| r.mode.is_blob()) {
            if files.len() > max {
                break;
            }
            let size = repo.find_header(record.oid).map_err(host)?.size();
            files.push(FileEntry { path: format!("{prefix}{}", record.filepath), blob: record.oid.to_string(), size });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    async fn commit_files(
        &self,
        branch: &str,
        head: &Head,
        files: &[FileWrite],
        message: &str,
    ) -> Result<CommitId, ForgeError> {
        let repo = self.repo()?;
        let (expected, parent) = match head {
            Head::At(id) => (Some(object_id(id)?), object_id(id)?),
            Head::NewFrom(id) => (None, object_id(id)?),
        };
        let changes = files.iter().map(|f| (f.path.as_str(), f.content.as_deref()));
        match store::commit_changes(&repo, branch, BranchHead(expected), Some(parent), changes, message) {
            Ok(id) => Ok(CommitId(id.to_string())),
            Err(CommitError::Moved { .. }) => {
                let actual = store::read_branch_head(&repo, branch).map_err(host)?.0;
                Err(ForgeError::Moved { branch: branch.to_owned(), expected: short(expected), actual: short(actual) })
            }
            Err(other) => Err(host(other)),
        }
    }

    async fn open_change_request(&self, _: &str, _: &str, _: &str, _: &str) -> Result<ChangeRequest, ForgeError> {
        Err(Self::unsupported("pull or merge requests (merge the branch with git)"))
    }

    async fn upsert_comment(&self, _: Thread, _: &str, _: &str, _: Option<u64>) -> Result<u64, ForgeError> {
        Err(Self::unsupported("comments"))
    }

    async fn remove_comment(&self, _: Thread, _: &str) -> Result<usize, ForgeError> {
        Err(Self::unsupported("comments"))
    }

    async fn comments(&self, _: Thread) -> Result<Vec<ThreadComment>, ForgeError> {
        Err(Self::unsupported("comments"))
    }

    async fn change_request(&self, _: u64) -> Result<ChangeRequestEnds, ForgeError> {
        Err(Self::unsupported("pull or merge requests (review two revisions with `specbuilder review`)"))
    }

    async fn issues(&self) -> Result<Vec<TrackerIssue>, ForgeError> {
        Err(Self::unsupported("an issue tracker (`specbuilder export --issues` writes the plan instead)"))
    }

    async fn create_issue(&self, _: &IssueDraft) -> Result<u64, ForgeError> {
        Err(Self::unsupported("an issue tracker (`specbuilder export --issues` writes the plan instead)"))
    }

    async fn update_issue(&self, _: u64, _: &IssueDraft) -> Result<(), ForgeError> {
        Err(Self::unsupported("an issue tracker (`specbuilder export --issues` writes the plan instead)"))
    }

    async fn permission(&self, _: &str, _: Option<u64>) -> Result<Permission, ForgeError> {
        Ok(Permission::Admin)
    }

    async fn publish_check(&self, _: &Check) -> Result<(), ForgeError> {
        Err(Self::unsupported("check runs (run `specbuilder check` instead)"))
    }
}
