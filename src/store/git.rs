//! Commits with gix: write blobs, edit the tree, write the commit, and move the branch only if
//! it still points where we read it (compare-and-swap), so a concurrent writer is never
//! overwritten.

use gix::ObjectId;
use gix::bstr::ByteSlice;
use gix::object::tree::EntryKind;
use std::path::Path;

/// The branch a project's conversation is committed to.
pub fn project_branch(slug: &str) -> String {
    format!("spec/{slug}")
}

#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    #[error("{}: not inside a git repository ({message})", .dir.display())]
    NotARepository { dir: std::path::PathBuf, message: String },
    #[error(
        "branch `{branch}` moved while we worked (it was {expected}); nothing was committed, run the command again"
    )]
    Moved { branch: String, expected: String },
    #[error("git: {0}")]
    Git(String),
}

fn git(e: impl std::fmt::Display) -> CommitError {
    CommitError::Git(e.to_string())
}

/// Where a branch points, if it exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BranchHead(pub Option<ObjectId>);

/// The repository containing `dir`.
pub fn open(dir: &Path) -> Result<gix::Repository, CommitError> {
    gix::discover(dir).map_err(|e| CommitError::NotARepository { dir: dir.to_owned(), message: e.to_string() })
}

/// The commit `branch` points at now.
pub fn read_branch_head(repo: &gix::Repository, branch: &str) -> Result<BranchHead, CommitError> {
    let reference = repo.try_find_reference(&format!("refs/heads/{branch}")).map_err(git)?;
    match reference {
        None => Ok(BranchHead(None)),
        Some(mut r) => Ok(BranchHead(Some(r.peel_to_id().map_err(git)?.detach()))),
    }
}

/// Commits `files` (repository-relative paths) on top of `parent` and moves `branch` to the
/// new commit, provided `branch` is still at `expected` (or still absent).
pub fn commit_files(
    repo: &gix::Repository,
    branch: &str,
    expected: BranchHead,
    parent: Option<ObjectId>,
    files: &[(String, Vec<u8>)],
    message: &str,
) -> Result<ObjectId, CommitError> {
    let changes = files.iter().map(|(path, bytes)| (path.as_str(), Some(bytes.as_slice())));
    commit_changes(repo, branch, expected, parent, changes, message)
}

/// As [`commit_files`], where a change without bytes deletes the file.
pub fn commit_changes<'a>(
    repo: &gix::Repository,
    branch: &str,
    expected: BranchHead,
    parent: Option<ObjectId>,
    changes: impl IntoIterator<Item = (&'a str, Option<&'a [u8]>)>,
    message: &str,
) -> Result<ObjectId, CommitError> {
    let base_tree = match parent {
        Some(commit) => repo.find_commit(commit).map_err(git)?.tree_id().map_err(git)?.detach(),
        None => ObjectId::empty_tree(repo.object_hash()),
    };
    let mut editor = repo.edit_tree(base_tree).map_err(git)?;
    for (path, bytes) in changes {
        match bytes {
            Some(bytes) => {
                let blob = repo.write_blob(bytes).map_err(git)?;
                editor.upsert(path, EntryKind::Blob, blob.detach()).map_err(git)?;
            }
            None => {
                editor.remove(path).map_err(git)?;
            }
        }
    }
    let tree = editor.write().map_err(git)?.detach();

    // Check right before writing; the reference edit below checks again under its lock.
    if read_branch_head(repo, branch)? != expected {
        return Err(moved(branch, expected));
    }
    let (name, email) = identity(repo);
    let mut time = gix::date::parse::TimeBuf::default();
    let signature =
        gix::actor::Signature { name: name.into(), email: email.into(), time: gix::date::Time::now_local_or_utc() };
    let reference = format!("refs/heads/{branch}");
    let commit = gix::objs::Commit {
        message: message.into(),
        tree,
        author: signature.clone(),
        committer: signature.clone(),
        encoding: None,
        parents: parent.into_iter().collect(),
        extra_headers: Vec::new(),
    };
    let id = repo.write_object(&commit).map_err(git)?.detach();
    let previous = match expected.0 {
        Some(head) => gix::refs::transaction::PreviousValue::MustExistAndMatch(gix::refs::Target::Object(head)),
        None => gix::refs::transaction::PreviousValue::MustNotExist,
    };
    let edit = gix::refs::transaction::RefEdit {
        change: gix::refs::transaction::Change::Update {
            log: gix::refs::transaction::LogChange {
                mode: gix::refs::transaction::RefLog::AndReference,
                force_create_reflog: false,
                message: format!("specbuilder: {}", message.lines().next().unwrap_or_default()).into(),
            },
            expected: previous,
            new: gix::refs::Target::Object(id),
        },
        name: reference.as_str().try_into().map_err(git)?,
        deref: false,
    };
    repo.edit_references_as(Some(edit), Some(signature.to_ref(&mut time)))
        .map_err(|e| if is_conflict(&e) { moved(branch, expected) } else { git(e) })?;
    Ok(id)
}

/// Whether a reference edit failed because the branch was not where we expected: gix reports
/// that as `ReferenceOutOfDate` or `MustNotExist` somewhere in the error's chain.
fn is_conflict(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        if text.contains(" changed to ") || text.contains(" already exists with content ") {
            return true;
        }
        current = e.source();
    }
    false
}

fn moved(branch: &str, expected: BranchHead) -> CommitError {
    CommitError::Moved {
        branch: branch.to_owned(),
        expected: expected.0.map_or_else(|| "absent".to_owned(), |id| id.to_hex_with_len(12).to_string()),
    }
}

/// The configured author, else a recognisable fallback rather than a failure.
fn identity(repo: &gix::Repository) -> (String, String) {
    match repo.author() {
        Some(Ok(author)) => (author.name.to_str_lossy().into_owned(), author.email.to_str_lossy().into_owned()),
        _ => ("specbuilder".to_owned(), "specbuilder@localhost".to_owned()),
    }
}
