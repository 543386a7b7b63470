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
    #[error(
        "`{branch}` is checked out and these files have uncommitted changes: {}; nothing was committed. \
         Commit or stash them (`git stash`), then run the command again",
        .files.join(", ")
    )]
    Dirty { branch: String, files: Vec<String> },
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
    let mut paths = Vec::new();
    for (path, bytes) in changes {
        paths.push(path.to_owned());
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
    let checked_out = checked_out(repo, branch);
    if let Some(workdir) = &checked_out {
        refuse_local_edits(workdir, branch, &paths)?;
    }

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
    if let (Some(workdir), Some(old)) = (checked_out, expected.0) {
        fast_forward_worktree(&workdir, old, id)?;
    }
    Ok(id)
}

/// The working tree of `repo` when `branch` is its checked-out branch (HEAD names it).
fn checked_out(repo: &gix::Repository, branch: &str) -> Option<std::path::PathBuf> {
    let head = repo.head_name().ok().flatten()?;
    let named = head.as_bstr() == format!("refs/heads/{branch}").as_bytes();
    named.then(|| repo.workdir().map(std::path::Path::to_owned)).flatten()
}

/// Runs git in `workdir`, giving its output or what it said.
fn run_git(workdir: &std::path::Path, args: &[&str]) -> Result<Vec<u8>, CommitError> {
    let out =
        std::process::Command::new("git").args(args).current_dir(workdir).output().map_err(|e| {
            git(format!("the checked-out branch needs the git command to update the working tree: {e}"))
        })?;
    if !out.status.success() {
        return Err(git(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim())));
    }
    Ok(out.stdout)
}

/// Refuses to commit over uncommitted edits (staged or not) of the files a commit changes,
/// when their branch is checked out: updating the working tree would lose them.
fn refuse_local_edits(workdir: &std::path::Path, branch: &str, paths: &[String]) -> Result<(), CommitError> {
    let mut args = vec!["status", "--porcelain=v1", "-z", "--untracked-files=all", "--"];
    args.extend(paths.iter().map(String::as_str));
    let status = run_git(workdir, &args)?;
    let files: Vec<String> = (status.split(|b| *b == 0))
        .filter(|entry| entry.len() > 3)
        .map(|entry| String::from_utf8_lossy(&entry[3..]).into_owned())
        .collect();
    if files.is_empty() { Ok(()) } else { Err(CommitError::Dirty { branch: branch.to_owned(), files }) }
}

/// Moves the index and the working tree from `old` to `new`, as a fast-forward would.
fn fast_forward_worktree(workdir: &std::path::Path, old: ObjectId, new: ObjectId) -> Result<(), CommitError> {
    run_git(workdir, &["read-tree", "-m", "-u", &old.to_string(), &new.to_string()]).map(drop)
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
