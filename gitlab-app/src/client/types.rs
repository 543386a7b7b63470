//! The data the client sends and reads back.

use serde::Deserialize;

/// Who the token acts as.
#[derive(Clone, Debug, Deserialize)]
pub struct CurrentUser {
    pub id: u64,
    pub username: String,
}

/// A file of a tree: path and blob id.
#[derive(Clone, Debug, Deserialize)]
pub struct TreeEntry {
    pub path: String,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// A file to write, or to delete (`content: None`).
#[derive(Clone, Debug)]
pub struct FileChange {
    pub path: String,
    pub content: Option<Vec<u8>>,
}

/// Where a new commit starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// On the branch, whose head we read at this commit.
    At(String),
    /// A new branch from this commit.
    NewFrom(String),
}

/// A commit made, and what it was made on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed {
    pub id: String,
    pub parent: Option<String>,
    /// Someone else committed between our read and our commit: ours went on top of theirs
    /// (both kept). The caller checks the answer again against the branch as it now is.
    pub moved: bool,
}

/// An issue's or a merge request's notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noteable {
    Issue(u64),
    MergeRequest(u64),
}

#[derive(Clone, Debug, Deserialize)]
pub struct Note {
    pub id: u64,
    #[serde(default)]
    pub body: String,
    pub author: CurrentUser,
    #[serde(default)]
    pub system: bool,
}

/// A merge request's two ends.
#[derive(Clone, Debug, Deserialize)]
pub struct MergeRequestInfo {
    pub iid: u64,
    pub web_url: String,
    pub state: String,
    pub source_branch: String,
    pub target_branch: String,
    #[serde(default)]
    pub sha: Option<String>,
    #[serde(default)]
    pub diff_refs: Option<DiffRefs>,
    #[serde(default)]
    pub head_pipeline: Option<Pipeline>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct DiffRefs {
    pub base_sha: Option<String>,
    pub head_sha: Option<String>,
    pub start_sha: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Pipeline {
    pub id: u64,
}

/// A commit status to set.
#[derive(Clone, Debug)]
pub struct Status<'a> {
    pub sha: &'a str,
    pub name: &'a str,
    pub passed: bool,
    pub description: &'a str,
    /// The head's latest pipeline, when it has one: the status joins it.
    pub pipeline: Option<u64>,
    pub reference: Option<&'a str>,
}

/// A diff discussion's place: a line of the new side of a merge request's diff.
#[derive(Clone, Debug)]
pub struct DiffPlace<'a> {
    pub base_sha: &'a str,
    pub start_sha: &'a str,
    pub head_sha: &'a str,
    pub path: &'a str,
    pub line: u64,
}
