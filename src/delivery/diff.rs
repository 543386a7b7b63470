//! `diff`: two versions of an artifact from the git history of its project branch.

use anyhow::{Context, bail};
use gix::ObjectId;

/// One version of a file: the commit it was read at and its bytes (`None`: absent there).
pub struct Version {
    pub commit: ObjectId,
    pub bytes: Option<Vec<u8>>,
}

/// The file at `path` in `commit`.
pub fn read_at(repo: &gix::Repository, commit: ObjectId, path: &str) -> anyhow::Result<Option<Vec<u8>>> {
    let tree = repo.find_commit(commit)?.tree()?;
    let Some(entry) = tree.lookup_entry_by_path(path)? else { return Ok(None) };
    Ok(Some(entry.object()?.data.clone()))
}

pub fn resolve(repo: &gix::Repository, rev: &str) -> anyhow::Result<ObjectId> {
    let id = repo.rev_parse_single(rev).with_context(|| format!("revision `{rev}` not found"))?;
    Ok(id.object()?.peel_to_commit()?.id)
}

/// The last two versions of `path` on the history of `head` that differ: (older, newer).
/// With one version only, the older side is absent.
pub fn last_change(repo: &gix::Repository, head: ObjectId, path: &str) -> anyhow::Result<(Version, Version)> {
    let newest = read_at(repo, head, path)?;
    if newest.is_none() {
        bail!("`{path}` does not exist at the head of the branch; generate it first");
    }
    let walk = repo.rev_walk([head]).first_parent_only().all()?;
    let mut newer = Version { commit: head, bytes: newest };
    for info in walk {
        let commit = info?.id;
        let bytes = read_at(repo, commit, path)?;
        if bytes != newer.bytes {
            return Ok((Version { commit, bytes }, newer));
        }
        newer.commit = commit;
    }
    Ok((Version { commit: newer.commit, bytes: None }, newer))
}
