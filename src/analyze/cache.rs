//! Facts cached by git blob id, so an unchanged file is never parsed twice and a change of k
//! files costs about k files of work. A file whose size and modification time are as last seen
//! is not even read; one that was touched is hashed, and parsed only if its content is new.
//! The cache lives in `.git/specbuilder/` of the analysed repository; a missing or unreadable
//! cache is simply rebuilt.

use super::facts::Facts;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Bumped whenever what `facts::read` extracts, or which files it reads, changes, so old caches
/// are not trusted (2: minified and generated files are no longer read; 3: they are remembered
/// as skipped, and Python's imports and definitions are found at any depth).
const VERSION: u32 = 3;

#[derive(Deserialize, Default)]
pub struct Cache {
    version: u32,
    /// Path → what the file was when last read.
    pub files: HashMap<String, Seen>,
}

/// A file as it was read: its stamp and facts, or none for a file that is not read (minified,
/// not UTF-8). Fields spelled out: serde's `flatten` would buffer every entry on load, the hot
/// path of a re-run.
#[derive(Deserialize)]
pub struct Seen {
    pub size: u64,
    pub mtime: u128,
    pub blob: String,
    pub facts: Option<Facts>,
}

impl Seen {
    pub fn stamp(&self) -> Stamp {
        Stamp { size: self.size, mtime: self.mtime, blob: self.blob.clone() }
    }
}

/// What tells whether a file changed since it was read.
#[derive(Clone)]
pub struct Stamp {
    pub size: u64,
    pub mtime: u128,
    /// The git blob id of the content, hex.
    pub blob: String,
}

/// A `Seen` as written: the facts borrowed from the analysis, not copied.
#[derive(Serialize)]
struct SeenRef<'a> {
    size: u64,
    mtime: u128,
    blob: &'a str,
    facts: Option<&'a Facts>,
}

impl Cache {
    /// The cache of the repository at `dir`, if it is the top of a git work tree.
    pub fn location(dir: &Path) -> Option<PathBuf> {
        dir.join(".git").is_dir().then(|| dir.join(".git/specbuilder/analyze-cache.json"))
    }

    pub fn load(path: &Path) -> Cache {
        let cache = std::fs::read(path).ok().and_then(|bytes| serde_json::from_slice::<Cache>(&bytes).ok());
        cache.filter(|c| c.version == VERSION).unwrap_or_default()
    }

    /// Facts by blob id (none: a content not read), for files that moved or were copied.
    pub fn by_blob(&self) -> HashMap<&str, Option<&Facts>> {
        self.files.values().map(|seen| (seen.blob.as_str(), seen.facts.as_ref())).collect()
    }

    /// Writes the cache atomically (a new file renamed over the old).
    pub fn save<'a>(
        files: impl Iterator<Item = (&'a str, &'a Stamp, Option<&'a Facts>)>,
        path: &Path,
    ) -> std::io::Result<()> {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        #[derive(Serialize)]
        struct CacheRef<'a> {
            version: u32,
            files: HashMap<&'a str, SeenRef<'a>>,
        }
        let files = (files)
            .map(|(path, stamp, facts)| {
                (path, SeenRef { size: stamp.size, mtime: stamp.mtime, blob: &stamp.blob, facts })
            })
            .collect();
        let cache = CacheRef { version: VERSION, files };
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, serde_json::to_vec(&cache).map_err(std::io::Error::other)?)?;
        std::fs::rename(temporary, path)
    }
}

/// The git blob id of some content.
pub fn blob_id(content: &[u8]) -> String {
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, content)
        .map(|id| id.to_string())
        .unwrap_or_default()
}
