//! Reading a repository's spec files into memory: from a directory on disk, or from a git
//! revision without checking it out. Either way the result is paths relative to the checked
//! directory, bytes, and findings for what could not or should not be read.

mod dir;
mod git;

pub use dir::read_dir;
pub(crate) use git::prefix_in_repo;
pub use git::read_revision;

use spec_format::{Finding, RepoFile};
use std::path::PathBuf;

/// The spec-relevant files of one repository state.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub files: Vec<RepoFile>,
    /// Files that exist but were refused (symlinks out of the repository, ...).
    pub findings: Vec<Finding>,
}

/// The folders a snapshot reads: the specs and the repository-wide rules and templates.
pub fn roots(specs_dir: &str) -> [&str; 2] {
    [specs_dir, ".specbuilder"]
}

/// Whether `path` (from a git tree or a branch) stays inside the folder it is written under: no
/// `..`, no absolute or drive prefix, no `.git` part. A crafted tree can hold any of these.
pub fn is_safe_relative(path: &str) -> bool {
    use std::path::Component;
    !path.is_empty()
        && std::path::Path::new(path).components().all(|c| match c {
            Component::Normal(part) => !part.eq_ignore_ascii_case(".git"),
            Component::CurDir => true,
            _ => false,
        })
}

/// Why a repository could not be read at all (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{}: no such directory", .0.display())]
    NoDirectory(PathBuf),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{}: not inside a git repository ({message}); --ref and --base need one", .dir.display())]
    NotARepository { dir: PathBuf, message: String },
    #[error("revision `{rev}` not found: {message}")]
    BadRevision { rev: String, message: String },
    #[error("reading `{rev}` from git failed: {message}")]
    Git { rev: String, message: String },
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_paths_that_stay_inside_are_safe() {
        assert!(super::is_safe_relative("app/specs/a.md") && super::is_safe_relative("./a"));
        for bad in ["../x", "a/../../x", "/etc/passwd", ".git/config", "a/.GIT/hooks/x", ""] {
            assert!(!super::is_safe_relative(bad), "{bad}");
        }
    }
}
