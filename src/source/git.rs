//! A git revision, read straight from the object database with gix: no checkout, and the
//! user's working tree is never touched.

use super::{Snapshot, SourceError, roots};
use spec_format::{Code, Finding, RepoFile};
use std::path::Path;

/// Reads the spec folders of `rev` in the repository containing `dir`. Paths are relative to
/// `dir`, so checking a sub-folder of a repository gives the same paths with or without `--ref`.
pub fn read_revision(dir: &Path, rev: &str, specs_dir: &str) -> Result<Snapshot, SourceError> {
    let repo = gix::discover(dir)
        .map_err(|source| SourceError::NotARepository { dir: dir.to_owned(), message: source.to_string() })?;
    let prefix = prefix_in_repo(&repo, dir);
    let git = |e: &dyn std::fmt::Display| SourceError::Git { rev: rev.to_owned(), message: e.to_string() };
    let id = repo
        .rev_parse_single(rev)
        .map_err(|e| SourceError::BadRevision { rev: rev.to_owned(), message: e.to_string() })?;
    let tree = id.object().map_err(|e| git(&e))?.peel_to_tree().map_err(|e| git(&e))?;

    let mut snapshot = Snapshot::default();
    for top in roots(specs_dir) {
        let Some(entry) = tree.lookup_entry_by_path(prefix.join(top)).map_err(|e| git(&e))? else {
            continue;
        };
        if !entry.mode().is_tree() {
            continue;
        }
        let subtree = entry.object().map_err(|e| git(&e))?.into_tree();
        for record in subtree.traverse().breadthfirst.files().map_err(|e| git(&e))? {
            let path = format!("{top}/{}", record.filepath);
            if record.mode.is_link() {
                // A link's target is whatever the checkout's file system says; never follow it.
                snapshot.findings.push(Finding::new(
                    Code::IgnoredFile,
                    path,
                    0,
                    "symlink in the git tree; not followed",
                ));
            } else if record.mode.is_blob() {
                // The object header says the size: a huge blob is a finding, never decompressed.
                let size = repo.find_header(record.oid).map_err(|e| git(&e))?.size();
                if let Some(message) = super::dir::too_large(size) {
                    snapshot.findings.push(Finding::new(Code::TooLarge, path, 1, message));
                    continue;
                }
                let blob = repo.find_blob(record.oid).map_err(|e| git(&e))?;
                snapshot.files.push(RepoFile::new(path, blob.data.clone()));
            }
        }
    }
    snapshot.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(snapshot)
}

/// Where `dir` sits inside the repository's working tree (empty at the top or in a bare repo).
pub(crate) fn prefix_in_repo(repo: &gix::Repository, dir: &Path) -> std::path::PathBuf {
    let (Some(workdir), Ok(dir)) = (repo.workdir(), dir.canonicalize()) else {
        return Default::default();
    };
    let Ok(workdir) = workdir.canonicalize() else {
        return Default::default();
    };
    dir.strip_prefix(&workdir).map(Path::to_owned).unwrap_or_default()
}
