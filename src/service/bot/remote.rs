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
/// go stale; the cache is bounded by bytes, dropping everything when a blob would pass the bound.
pub struct BlobCache {
    blobs: Mutex<Blobs>,
    max_bytes: usize,
}

/// The cached blobs and how many bytes they hold.
type Blobs = (HashMap<String, Arc<Vec<u8>>>, usize);

impl Default for BlobCache {
    fn default() -> Self {
        BlobCache::with_limit(256 << 20)
    }
}

impl BlobCache {
    pub fn with_limit(max_bytes: usize) -> BlobCache {
        BlobCache { blobs: Mutex::default(), max_bytes }
    }

    fn get(&self, id: &str) -> Option<Arc<Vec<u8>>> {
        self.blobs.lock().unwrap_or_else(|e| e.into_inner()).0.get(id).cloned()
    }

    fn put(&self, id: String, bytes: Arc<Vec<u8>>) {
        if bytes.len() > self.max_bytes / 4 {
            return; // one blob never takes a large share
        }
        let mut guard = self.blobs.lock().unwrap_or_else(|e| e.into_inner());
        let (blobs, held) = &mut *guard;
        if *held + bytes.len() > self.max_bytes {
            blobs.clear();
            *held = 0;
        }
        *held += bytes.len();
        blobs.insert(id, bytes);
    }
}

/// How much of a revision the service reads: beyond these, it reads nothing and says so.
#[derive(Clone, Debug)]
pub struct SnapshotLimits {
    pub max_files: usize,
    pub max_bytes: u64,
    pub max_file_bytes: u64,
}

impl Default for SnapshotLimits {
    fn default() -> Self {
        SnapshotLimits {
            max_files: 5_000,
            max_bytes: 64 << 20,
            max_file_bytes: spec_format::document::MAX_FILE_BYTES as u64,
        }
    }
}

impl SnapshotLimits {
    /// Refuses files, given as (path, bytes), over the per-file or total bound.
    fn check_sizes<'a>(&self, files: impl Iterator<Item = (&'a str, u64)>) -> Result<(), ForgeError> {
        let mut total = 0;
        for (path, size) in files {
            if size > self.max_file_bytes {
                return Err(ForgeError::TooLarge(format!("{path} is {size} bytes; {}", self.describe())));
            }
            total += size;
        }
        if total > self.max_bytes {
            return Err(ForgeError::TooLarge(format!("{total} bytes of spec files; {}", self.describe())));
        }
        Ok(())
    }

    fn describe(&self) -> String {
        format!(
            "at most {} spec files, {} MiB in all and {} MiB per file",
            self.max_files,
            self.max_bytes >> 20,
            self.max_file_bytes >> 20
        )
    }
}

/// Files read from the host at once.
const READS_IN_FLIGHT: usize = 16;

/// The spec files of revision `rev`. Sizes come with the listing, so a revision over `limits`
/// is refused before any file is read.
pub async fn snapshot(
    forge: &impl Forge,
    cache: &BlobCache,
    rev: &str,
    layout: &Layout,
    limits: &SnapshotLimits,
) -> Result<Snapshot, ForgeError> {
    let mut entries = Vec::new();
    for root in roots(&layout.specs_dir) {
        entries.extend(forge.list_files(rev, root, limits.max_files.saturating_sub(entries.len())).await?);
        if entries.len() > limits.max_files {
            return Err(ForgeError::TooLarge(format!("more than {} files; {}", limits.max_files, limits.describe())));
        }
    }
    limits.check_sizes(entries.iter().map(|e| (e.path.as_str(), e.size)))?;
    // Blobs not cached are fetched several at a time: a thousand files are a thousand requests.
    use futures_util::{StreamExt, TryStreamExt};
    let read = futures_util::stream::iter(entries)
        .map(|entry| async move {
            let bytes = match cache.get(&entry.blob) {
                Some(bytes) => bytes,
                None => {
                    let Some(bytes) = forge.read_file(rev, &entry.path).await? else { return Ok(None) };
                    let bytes = Arc::new(bytes);
                    cache.put(entry.blob.clone(), bytes.clone());
                    bytes
                }
            };
            Ok::<_, ForgeError>(Some(RepoFile::new(entry.path, bytes.as_ref().clone())))
        })
        .buffer_unordered(READS_IN_FLIGHT);
    let mut files: Vec<RepoFile> = read.try_filter_map(|file| async move { Ok(file) }).try_collect().await?;
    // A host whose listing has no sizes (GitLab's tree) is held to the same limits as read.
    limits.check_sizes(files.iter().map(|f| (f.path.as_str(), f.bytes.len() as u64)))?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Snapshot { files, ..Snapshot::default() })
}

/// The project `slug` as its branch stands at `rev`, read within `limits`.
pub async fn branch(
    forge: &impl Forge,
    cache: &BlobCache,
    slug: &str,
    rev: &str,
    limits: &SnapshotLimits,
) -> Result<Branch, ForgeError> {
    let layout = Layout { specs_dir: "specs".to_owned() };
    let snapshot = snapshot(forge, cache, rev, &layout, limits).await?;
    Ok(Branch::new(slug, layout, snapshot))
}
