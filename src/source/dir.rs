//! A directory on disk: a working tree or a plain folder.

use super::{Snapshot, SourceError, roots};
use rayon::prelude::*;
use spec_format::{Code, Finding, RepoFile};
use std::fs;
use std::path::{Path, PathBuf};

/// Deeper than any real spec layout; stops pathological trees early.
const MAX_DEPTH: usize = 16;

/// Reads the spec folders under `root`. Symlinks are followed only to files inside `root`;
/// one pointing outside is a finding, never read.
pub fn read_dir(root: &Path, specs_dir: &str) -> Result<Snapshot, SourceError> {
    if !root.is_dir() {
        return Err(SourceError::NoDirectory(root.to_owned()));
    }
    let canonical_root = root.canonicalize().map_err(|source| io(root, source))?;
    let mut walker = Walker { root: canonical_root, to_read: Vec::new(), findings: Vec::new() };
    for top in roots(specs_dir) {
        let path = root.join(top);
        if path.symlink_metadata().is_ok() {
            walker.visit(&path, top.to_owned(), 0)?;
        }
    }
    // Walk first, then read in parallel: thousands of small files are bound by syscalls.
    let read: Vec<(String, std::io::Result<Vec<u8>>)> =
        walker.to_read.into_par_iter().map(|(path, relative)| (relative, fs::read(&path))).collect();
    let mut snapshot = Snapshot { files: Vec::with_capacity(read.len()), findings: walker.findings };
    for (relative, bytes) in read {
        match bytes {
            Ok(bytes) => snapshot.files.push(RepoFile::new(relative, bytes)),
            Err(e) => {
                snapshot.findings.push(Finding::new(Code::Unreadable, relative, 0, format!("cannot be read: {e}")))
            }
        }
    }
    snapshot.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(snapshot)
}

struct Walker {
    root: PathBuf,
    /// Files to read: where they are, and their path relative to the checked directory.
    to_read: Vec<(PathBuf, String)>,
    findings: Vec<Finding>,
}

impl Walker {
    fn visit(&mut self, path: &Path, relative: String, depth: usize) -> Result<(), SourceError> {
        let meta = path.symlink_metadata().map_err(|source| io(path, source))?;
        if meta.file_type().is_symlink() {
            return self.visit_symlink(path, relative);
        }
        if meta.is_dir() {
            if depth >= MAX_DEPTH {
                self.refuse(Code::IgnoredFile, relative, "directory nested too deep; not read");
                return Ok(());
            }
            let mut entries: Vec<_> =
                fs::read_dir(path).map_err(|source| io(path, source))?.filter_map(Result::ok).collect();
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                    self.refuse(
                        Code::Unreadable,
                        format!("{relative}/{}", entry.file_name().to_string_lossy()),
                        "file name is not UTF-8; not read",
                    );
                    continue;
                };
                self.visit(&entry.path(), format!("{relative}/{name}"), depth + 1)?;
            }
        } else if meta.is_file() {
            self.read_if_small(path.to_owned(), relative, meta.len());
        }
        Ok(())
    }

    /// Queues a file for reading unless its size (from metadata, before any read) is over the
    /// limit: a multi-gigabyte file is a finding, never loaded.
    fn read_if_small(&mut self, path: PathBuf, relative: String, size: u64) {
        match too_large(size) {
            Some(message) => self.findings.push(Finding::new(Code::TooLarge, relative, 1, message)),
            None => self.to_read.push((path, relative)),
        }
    }

    fn visit_symlink(&mut self, path: &Path, relative: String) -> Result<(), SourceError> {
        let target = match path.canonicalize() {
            Ok(target) => target,
            Err(_) => {
                self.refuse(Code::IgnoredFile, relative, "broken symlink; not read");
                return Ok(());
            }
        };
        if !target.starts_with(&self.root) {
            self.refuse(Code::UnsafePath, relative, "symlink points outside the repository; not followed");
        } else if let Some(meta) = fs::metadata(&target).ok().filter(|m| m.is_file()) {
            self.read_if_small(target, relative, meta.len());
        } else {
            // Following directory links inside the tree could loop; the real folder is read anyway.
            self.refuse(Code::IgnoredFile, relative, "symlink to a directory; not followed");
        }
        Ok(())
    }

    fn refuse(&mut self, code: Code, relative: String, message: &str) {
        self.findings.push(Finding::new(code, relative, 0, message));
    }
}

/// Why a file of `size` bytes is not read, if it is over the limit.
pub(super) fn too_large(size: u64) -> Option<String> {
    let limit = spec_format::document::MAX_FILE_BYTES as u64;
    (size > limit).then(|| format!("file is {size} bytes; spec files may be at most {limit} bytes; it was not read"))
}

fn io(path: &Path, source: std::io::Error) -> SourceError {
    SourceError::Io { path: path.display().to_string(), source }
}
