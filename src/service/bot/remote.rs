//! A project branch read through a [`Forge`]: the spec folders at a revision, into the same
//! [`Branch`] the CLI builds from a local repository. File contents are cached by blob id, so
//! reading a branch again after one answer fetches one file, not all of them.

use crate::conversation::Branch;
use crate::forge::{Forge, ForgeError};
use crate::source::{Snapshot, roots};
use spec_format::{Layout, RepoFile};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Blob id -> bytes, shared by the workers of a process. Blobs never change, so entries never
/// go stale; the cache is bounded by dropping everything when it grows past its limit.
#[derive(Default)]
pub struct BlobCache {
    blobs: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

const CACHE_LIMIT: usize = 20_000;

impl BlobCache {
    fn get(&self, id: &str) -> Option<Arc<Vec<u8>>> {
        self.blobs.lock().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }

    fn put(&self, id: String, bytes: Arc<Vec<u8>>) {
        let mut blobs = self.blobs.lock().unwrap_or_else(|e| e.into_inner());
        if blobs.len() >= CACHE_LIMIT {
            blobs.clear();
        }
        blobs.insert(id, bytes);
    }
}

/// The spec files of revision `rev`.
pub async fn snapshot(
    forge: &impl Forge,
    cache: &BlobCache,
    rev: &str,
    layout: &Layout,
) -> Result<Snapshot, ForgeError> {
    let mut snapshot = Snapshot::default();
    for root in roots(&layout.specs_dir) {
        for entry in forge.list_files(rev, root).await? {
            let bytes = match cache.get(&entry.blob) {
                Some(bytes) => bytes,
                None => {
                    let Some(bytes) = forge.read_file(rev, &entry.path).await? else { continue };
                    let bytes = Arc::new(bytes);
                    cache.put(entry.blob.clone(), bytes.clone());
                    bytes
                }
            };
            snapshot.files.push(RepoFile::new(entry.path, bytes.as_ref().clone()));
        }
    }
    snapshot.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(snapshot)
}

/// The project `slug` as its branch stands at `rev`.
pub async fn branch(forge: &impl Forge, cache: &BlobCache, slug: &str, rev: &str) -> Result<Branch, ForgeError> {
    let layout = Layout { specs_dir: "specs".to_owned() };
    let snapshot = snapshot(forge, cache, rev, &layout).await?;
    Ok(Branch::new(slug, layout, snapshot))
}

/// `branch` with `files` written, as it will be once they are committed (no read needed).
pub fn with_files(branch: Branch, files: &[(String, Vec<u8>)]) -> Branch {
    let Branch { slug, layout, mut snapshot, .. } = branch;
    for (path, bytes) in files {
        snapshot.files.retain(|f| &f.path != path);
        snapshot.files.push(RepoFile::new(path.clone(), bytes.clone()));
    }
    snapshot.files.sort_by(|a, b| a.path.cmp(&b.path));
    Branch::new(&slug, layout, snapshot)
}
