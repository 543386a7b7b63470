//! Project branches kept warm between replies: parsed, indexed, and keyed by the head they were
//! read at. The next reply on a branch nobody else moved starts from here instead of reading
//! and parsing every file again; one that someone moved is read afresh.

use crate::conversation::Branch;
use std::collections::HashMap;
use std::sync::Mutex;

/// What the kept branches may hold in spec bytes (parsed, they take a few times more).
const MAX_BYTES: usize = 64 << 20;

#[derive(Default)]
pub struct WarmBranches {
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    /// (repository, branch) -> (head, the branch at that head, bytes, last use).
    kept: HashMap<(String, String), Kept>,
    bytes: usize,
    clock: u64,
}

struct Kept {
    head: String,
    branch: Branch,
    bytes: usize,
    used: u64,
}

impl WarmBranches {
    /// The branch `name` of `repo` as kept, if it was kept at `head`. Taken out: a job owns it
    /// while it works (one job per project runs at a time), and gives it back with [`keep`].
    ///
    /// [`keep`]: WarmBranches::keep
    pub fn take(&self, repo: &str, name: &str, head: &str) -> Option<Branch> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let kept = entries.kept.remove(&(repo.to_owned(), name.to_owned()))?;
        entries.bytes -= kept.bytes;
        (kept.head == head).then_some(kept.branch)
    }

    /// Keeps `branch` of `repo` as it stands at `head`; the least recently used go first when
    /// the kept branches would hold too much.
    pub fn keep(&self, repo: &str, branch: Branch, head: &str) {
        let bytes: usize = branch.snapshot.files.iter().map(|f| f.bytes.len()).sum();
        if bytes > MAX_BYTES / 4 {
            return; // one huge branch never pushes out all the others
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = entries.kept.remove(&(repo.to_owned(), branch.branch.clone())) {
            entries.bytes -= old.bytes;
        }
        while entries.bytes + bytes > MAX_BYTES {
            let Some(oldest) = entries.kept.iter().min_by_key(|(_, k)| k.used).map(|(key, _)| key.clone()) else {
                break;
            };
            if let Some(gone) = entries.kept.remove(&oldest) {
                entries.bytes -= gone.bytes;
            }
        }
        entries.clock += 1;
        let used = entries.clock;
        entries.bytes += bytes;
        let key = (repo.to_owned(), branch.branch.clone());
        entries.kept.insert(key, Kept { head: head.to_owned(), branch, bytes, used });
    }

    /// How many branches are kept.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).kept.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
