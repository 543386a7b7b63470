//! `analyze --ref REV`: the code of a git revision, read from the object database (no checkout;
//! the working tree is never touched). Blob ids come with the tree, so cached facts are found
//! without reading a file; only new blobs are read and parsed.

use super::cache::Cache;
use super::facts::{self, Facts};
use super::lang::Lang;
use super::source::{MAX_FILE_BYTES, SKIPPED_DIRS, code_text, is_config};
use super::{Parsed, Progress, Stats};
use anyhow::Context;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// The files of `rev` under `dir`, with their facts, and the configuration files' text.
pub struct AtRevision {
    pub files: Vec<Parsed>,
    pub configs: HashMap<String, String>,
    /// The JavaScript/TypeScript sources and their configuration, for a resolver that reads a
    /// file system: written to a temporary folder when there are any.
    pub javascript: Option<tempfile::TempDir>,
    pub stats: Stats,
}

pub fn read(dir: &Path, rev: &str, cache: &Cache, progress: Progress<'_>) -> anyhow::Result<AtRevision> {
    let repo = gix::discover(dir).with_context(|| format!("{} is not in a git repository", dir.display()))?;
    let prefix = crate::source::prefix_in_repo(&repo, dir).to_string_lossy().replace('\\', "/");
    let id = repo.rev_parse_single(rev).with_context(|| format!("revision `{rev}` not found"))?;
    let tree = id.object()?.peel_to_tree()?;
    let by_blob = cache.by_blob();
    let mut configs = HashMap::new();
    let mut known: Vec<(String, Lang, Facts)> = Vec::new();
    let mut new: Vec<(String, Lang, String)> = Vec::new();
    let mut javascript: Vec<(String, Vec<u8>)> = Vec::new();
    let mut skipped = 0;
    for record in tree.traverse().breadthfirst.files()? {
        if !record.mode.is_blob() {
            continue;
        }
        let full = record.filepath.to_string();
        let path = match prefix.as_str() {
            "" => full,
            prefix => match full.strip_prefix(prefix).and_then(|p| p.strip_prefix('/')) {
                Some(path) => path.to_owned(),
                None => continue,
            },
        };
        let mut folders = path.split('/');
        folders.next_back();
        if folders.any(|f| SKIPPED_DIRS.contains(&f)) {
            continue;
        }
        let lang = Lang::of(&path);
        let is_js_config = path.ends_with("package.json")
            || path.rsplit('/').next().is_some_and(|n| n.starts_with("tsconfig") || n == "jsconfig.json");
        if lang.is_none() && !is_config(&path) && !is_js_config {
            continue;
        }
        let blob = record.oid.to_string();
        let cached = lang.and_then(|_| by_blob.get(blob.as_str()).copied());
        let needs_bytes = cached.is_none() || lang.is_some_and(|l| l.family() == Lang::JavaScript) || lang.is_none();
        let bytes = if needs_bytes {
            let data = repo.find_blob(record.oid)?.data.clone();
            if data.len() as u64 > MAX_FILE_BYTES {
                continue;
            }
            data
        } else {
            Vec::new()
        };
        if is_js_config || lang.is_some_and(|l| l.family() == Lang::JavaScript) {
            javascript.push((path.clone(), bytes.clone()));
        }
        match (lang, cached) {
            (Some(lang), Some(Some(facts))) => known.push((path, lang, facts.clone())),
            (Some(_), Some(None)) => skipped += 1, // known not to be code (minified, not UTF-8)
            (Some(lang), None) => match code_text(bytes) {
                Some(text) => new.push((path, lang, text)),
                None => skipped += 1,
            },
            (None, _) => {
                if is_config(&path)
                    && let Ok(text) = String::from_utf8(bytes)
                {
                    configs.insert(path, text);
                }
            }
        }
    }
    let stats = Stats { parsed: new.len(), cached: known.len(), skipped };
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = stats.parsed + stats.cached;
    let parsed: Vec<Parsed> = (new.par_iter())
        .map(|(path, lang, text)| {
            let facts = facts::read(*lang, path, text);
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
            Parsed { path: path.clone(), lang: *lang, facts }
        })
        .collect();
    let mut files: Vec<Parsed> =
        known.into_iter().map(|(path, lang, facts)| Parsed { path, lang, facts }).chain(parsed).collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let javascript = if javascript.iter().any(|(p, _)| Lang::of(p).is_some()) {
        let folder = tempfile::tempdir()?;
        for (path, bytes) in javascript.iter().filter(|(path, _)| crate::source::is_safe_relative(path)) {
            let target = folder.path().join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(target, bytes)?;
        }
        Some(folder)
    } else {
        None
    };
    Ok(AtRevision { files, configs, javascript, stats })
}
