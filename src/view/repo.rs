//! What the viewer reads: a repository at a revision. Pages go through [`RepoAt`] only, so that
//! `serve` can later show hosted repositories with the same pages; [`LocalRepo`] reads a clone
//! on disk with gix.

use crate::engine::Catalog;
use crate::source::{self, Snapshot};
use spec_format::{Finding, Layout, Workspace};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The working tree, or a local branch.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Revision {
    WorkingTree,
    Branch(String),
}

/// How the working tree is named in a `?ref=` query.
pub const WORKING_TREE: &str = "@";

impl Revision {
    pub fn from_query(value: &str) -> Revision {
        if value == WORKING_TREE { Revision::WorkingTree } else { Revision::Branch(value.to_owned()) }
    }

    /// The value of `?ref=` that names this revision.
    pub fn query(&self) -> &str {
        match self {
            Revision::WorkingTree => WORKING_TREE,
            Revision::Branch(name) => name,
        }
    }

    /// For people.
    pub fn label(&self) -> &str {
        match self {
            Revision::WorkingTree => "working tree",
            Revision::Branch(name) => name,
        }
    }
}

/// One revision read, parsed and checked.
pub struct State {
    pub revision: Revision,
    /// The commit a branch points at (none for the working tree).
    pub commit: Option<Commit>,
    pub snapshot: Snapshot,
    pub workspace: Workspace,
    pub catalog: Catalog,
    /// What `check` finds, for every project.
    pub findings: Vec<Finding>,
    search: std::sync::OnceLock<super::search::Index>,
    /// Mermaid artifacts rendered, by name.
    diagrams: Mutex<HashMap<String, Result<String, String>>>,
}

/// A commit as the pages show it.
#[derive(Clone, Debug)]
pub struct Commit {
    pub id: String,
    pub summary: String,
    pub author: String,
    /// Seconds since the epoch.
    pub time: i64,
}

impl State {
    fn read(revision: Revision, commit: Option<Commit>, snapshot: Snapshot, layout: &Layout) -> State {
        let workspace = crate::conversation::workspace(&snapshot, layout);
        let findings = crate::verify::check_all(&snapshot, &workspace, None, false);
        let catalog = Catalog::for_workspace(&workspace);
        State {
            revision,
            commit,
            snapshot,
            workspace,
            catalog,
            findings,
            search: Default::default(),
            diagrams: Default::default(),
        }
    }

    /// The diagram `name` rendered by `render`, once per revision.
    pub fn diagram(&self, name: &str, render: impl FnOnce() -> Result<String, String>) -> Result<String, String> {
        if let Some(done) = lock(&self.diagrams).get(name) {
            return done.clone();
        }
        let done = render();
        lock(&self.diagrams).insert(name.to_owned(), done.clone());
        done
    }

    /// The search index of this revision, built the first time it is asked for.
    pub fn search_index(&self) -> &super::search::Index {
        self.search.get_or_init(|| super::search::Index::build(self))
    }
}

/// Why a page cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Failed(String),
}

/// A lock, even one a panicking page left poisoned: what it guards is a cache, never half-written.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What identifies a revision's content: a commit id, or a fingerprint of the working tree.
pub type Version = String;

/// A repository at any of its revisions.
pub trait RepoAt: Send + Sync + 'static {
    /// A name for the repository.
    fn name(&self) -> String;
    /// The revisions worth showing: the working tree and the `spec/*` branches.
    fn revisions(&self) -> Result<Vec<Revision>, ViewError>;
    /// One revision, read and checked.
    fn state(&self, revision: &Revision) -> Result<Arc<State>, ViewError>;
    /// Each revision with its version, cheap enough to ask a few times a second.
    fn versions(&self) -> Result<Vec<(Revision, Version)>, ViewError>;
    /// The commits on `revision`'s history that changed the file at `path`, newest first, with
    /// its content after each (none: deleted). The working tree's history is HEAD's.
    fn history(&self, revision: &Revision, path: &str) -> Result<History, ViewError>;
}

/// How a file came to be.
pub struct History {
    pub changes: Vec<(Commit, Option<Vec<u8>>)>,
    /// The walk stopped before the file's first commit.
    pub truncated: bool,
}

/// Commits a history walks at most: a page must come back quickly on a long history.
const HISTORY_WALK: usize = 2_000;

fn commit_of(commit: &gix::Commit<'_>) -> Commit {
    let summary = commit.message().map(|m| m.summary().to_string()).unwrap_or_default();
    let (author, time) = match commit.author() {
        Ok(signature) => (signature.name.to_string(), signature.time().map(|t| t.seconds).unwrap_or_default()),
        Err(_) => (String::new(), 0),
    };
    Commit { id: commit.id.to_string(), summary, author, time }
}

/// A repository (or a plain folder) on disk.
pub struct LocalRepo {
    dir: PathBuf,
    layout: Layout,
    /// States by branch and commit (a commit never changes), and the working tree's by its
    /// fingerprint.
    by_commit: Mutex<HashMap<String, Arc<State>>>,
    /// The working tree's last fingerprint, and when it was taken.
    fingerprint: Mutex<Option<(std::time::Instant, Version)>>,
}

/// How long a working tree fingerprint stands for the working tree when pages ask: longer than
/// the watcher's interval, which takes a fresh one each time. A page may show the files as they
/// were up to the watcher's last look; the live stream tells it of the change right after.
const FINGERPRINT_REUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// States kept at most (a 10,000-decision state holds tens of MB); when full they are all
/// dropped and read again as asked.
const KEPT_COMMITS: usize = 16;

impl LocalRepo {
    pub fn open(dir: &Path) -> anyhow::Result<LocalRepo> {
        anyhow::ensure!(dir.is_dir(), "{} is not a directory", dir.display());
        let config = crate::config::Config::load(dir)?;
        let layout = Layout { specs_dir: config.specs_dir().to_owned() };
        Ok(LocalRepo { dir: dir.to_owned(), layout, by_commit: Mutex::default(), fingerprint: Mutex::default() })
    }

    fn git(&self) -> Option<gix::Repository> {
        gix::discover(&self.dir).ok()
    }

    fn branch_commit(&self, repo: &gix::Repository, name: &str) -> Result<Commit, ViewError> {
        let missing = || ViewError::NotFound(format!("there is no branch or revision `{name}` in this repository"));
        if name.starts_with('-') || name.contains("..") {
            return Err(missing());
        }
        // A branch, else any revision git understands (a tag, a commit, `main~2`).
        let commit = match repo.find_reference(&format!("refs/heads/{name}")) {
            Ok(mut reference) => reference.peel_to_commit().map_err(|_| missing())?,
            Err(_) => {
                let id = repo.rev_parse_single(name).map_err(|_| missing())?;
                id.object().map_err(|_| missing())?.peel_to_commit().map_err(|_| missing())?
            }
        };
        Ok(commit_of(&commit))
    }
}

impl LocalRepo {
    fn keep(&self, id: String, state: Arc<State>) {
        let mut kept = lock(&self.by_commit);
        if kept.len() >= KEPT_COMMITS {
            kept.clear();
        }
        kept.insert(id, state);
    }

    /// The working tree's fingerprint as last taken, if within [`FINGERPRINT_REUSE`]: the
    /// watcher takes a new one every few hundred milliseconds, so pages need not walk 10,000
    /// files each.
    fn working_tree_fingerprint(&self) -> Version {
        let last = lock(&self.fingerprint).clone();
        match last {
            Some((at, fingerprint)) if at.elapsed() < FINGERPRINT_REUSE => fingerprint,
            _ => self.fresh_fingerprint(),
        }
    }

    /// The working tree's fingerprint, taken now.
    fn fresh_fingerprint(&self) -> Version {
        let fingerprint = self.walk_working_tree();
        *lock(&self.fingerprint) = Some((std::time::Instant::now(), fingerprint.clone()));
        fingerprint
    }

    /// The names, sizes and modification times of the files a snapshot reads, hashed.
    fn walk_working_tree(&self) -> Version {
        use std::hash::{Hash, Hasher};
        fn walk(dir: &Path, hasher: &mut impl Hasher) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            let mut entries: Vec<_> = entries.flatten().collect();
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let Ok(meta) = entry.path().symlink_metadata() else { continue };
                entry.file_name().hash(hasher);
                if meta.is_dir() {
                    walk(&entry.path(), hasher);
                } else {
                    meta.len().hash(hasher);
                    meta.modified().ok().hash(hasher);
                }
            }
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for top in source::roots(&self.layout.specs_dir) {
            walk(&self.dir.join(top), &mut hasher);
        }
        format!("{:016x}", hasher.finish())
    }
}

impl RepoAt for LocalRepo {
    fn name(&self) -> String {
        let dir = self.dir.canonicalize().unwrap_or_else(|_| self.dir.clone());
        dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| dir.display().to_string())
    }

    fn revisions(&self) -> Result<Vec<Revision>, ViewError> {
        let mut revisions = vec![Revision::WorkingTree];
        let Some(repo) = self.git() else { return Ok(revisions) };
        let references = repo.references().map_err(|e| ViewError::Failed(format!("reading the branches: {e}")))?;
        let branches = references.prefixed("refs/heads/spec/").map_err(|e| ViewError::Failed(e.to_string()))?;
        let mut names: Vec<String> = branches
            .flatten()
            .map(|r| r.name().as_bstr().to_string().trim_start_matches("refs/heads/").to_owned())
            .collect();
        names.sort();
        revisions.extend(names.into_iter().map(Revision::Branch));
        Ok(revisions)
    }

    fn versions(&self) -> Result<Vec<(Revision, Version)>, ViewError> {
        let mut versions = Vec::new();
        for revision in self.revisions()? {
            let version = match &revision {
                Revision::WorkingTree => self.fresh_fingerprint(),
                Revision::Branch(name) => {
                    let repo = self.git().ok_or_else(|| ViewError::NotFound("not a git repository".into()))?;
                    self.branch_commit(&repo, name)?.id
                }
            };
            versions.push((revision, version));
        }
        Ok(versions)
    }

    fn history(&self, revision: &Revision, path: &str) -> Result<History, ViewError> {
        let failed = |e: &dyn std::fmt::Display| ViewError::Failed(format!("reading the history of {path}: {e}"));
        let Some(repo) = self.git() else { return Ok(History { changes: Vec::new(), truncated: false }) };
        let head = match revision {
            Revision::WorkingTree => match repo.head_id() {
                Ok(id) => id.detach(),
                Err(_) => return Ok(History { changes: Vec::new(), truncated: false }),
            },
            Revision::Branch(name) => {
                gix::ObjectId::from_hex(self.branch_commit(&repo, name)?.id.as_bytes()).map_err(|e| failed(&e))?
            }
        };
        // The path in the repository: the snapshot's paths are relative to the viewed folder.
        let prefix = source::prefix_in_repo(&repo, &self.dir);
        let full = prefix.join(path).to_string_lossy().replace('\\', "/");
        let entry_at = |commit: &gix::Commit<'_>| -> Result<Option<gix::ObjectId>, ViewError> {
            let tree = commit.tree().map_err(|e| failed(&e))?;
            Ok(tree.lookup_entry_by_path(&full).map_err(|e| failed(&e))?.map(|e| e.object_id()))
        };
        let walk = repo.rev_walk([head]).first_parent_only().all().map_err(|e| failed(&e))?;
        let mut changes = Vec::new();
        // The newer commit and the file's blob there, while walking back.
        let mut newer: Option<(Commit, Option<gix::ObjectId>)> = None;
        let mut truncated = false;
        for (walked, info) in walk.enumerate() {
            if walked == HISTORY_WALK {
                truncated = true;
                break;
            }
            let commit = info.map_err(|e| failed(&e))?.object().map_err(|e| failed(&e))?;
            let blob = entry_at(&commit)?;
            if let Some((newer_commit, newer_blob)) = newer.take()
                && newer_blob != blob
            {
                changes.push((newer_commit, newer_blob));
            }
            newer = Some((commit_of(&commit), blob));
        }
        if let Some((oldest, Some(blob))) = newer
            && !truncated
        {
            changes.push((oldest, Some(blob)));
        }
        let read = |blob: Option<gix::ObjectId>| -> Result<Option<Vec<u8>>, ViewError> {
            blob.map(|id| repo.find_object(id).map(|o| o.data.clone()).map_err(|e| failed(&e))).transpose()
        };
        let changes = changes.into_iter().map(|(c, b)| Ok((c, read(b)?))).collect::<Result<_, ViewError>>()?;
        Ok(History { changes, truncated })
    }

    fn state(&self, revision: &Revision) -> Result<Arc<State>, ViewError> {
        let failed = |e: &dyn std::fmt::Display| ViewError::Failed(format!("reading {}: {e}", revision.label()));
        match revision {
            Revision::WorkingTree => {
                // Kept while the files are the same: same names, sizes and modification times.
                let id = format!("{WORKING_TREE}{}", self.working_tree_fingerprint());
                if let Some(state) = lock(&self.by_commit).get(&id) {
                    return Ok(state.clone());
                }
                let snapshot = source::read_dir(&self.dir, &self.layout.specs_dir).map_err(|e| failed(&e))?;
                let state = Arc::new(State::read(revision.clone(), None, snapshot, &self.layout));
                self.keep(id, state.clone());
                Ok(state)
            }
            Revision::Branch(name) => {
                let repo =
                    self.git().ok_or_else(|| ViewError::NotFound("this folder is not a git repository".into()))?;
                let commit = self.branch_commit(&repo, name)?;
                let id = format!("{name}@{}", commit.id);
                if let Some(state) = lock(&self.by_commit).get(&id) {
                    return Ok(state.clone());
                }
                let snapshot =
                    source::read_revision(&self.dir, &commit.id, &self.layout.specs_dir).map_err(|e| failed(&e))?;
                let state = Arc::new(State::read(revision.clone(), Some(commit), snapshot, &self.layout));
                self.keep(id, state.clone());
                Ok(state)
            }
        }
    }
}
