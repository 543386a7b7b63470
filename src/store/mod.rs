//! Writing specs: commits to a project branch, made straight in the object database so the
//! user's working tree and index are never touched.

mod git;

pub use git::{BranchHead, CommitError, commit_changes, commit_files, open, project_branch, read_branch_head};
