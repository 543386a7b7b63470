//! `specbuilder analyze`: the shape of an existing codebase — files and lines per language, the
//! file dependency graph from imports resolved as each ecosystem resolves them, packages used
//! from outside, entry points and deployables, tests and what they cover, and the main modules
//! ranked by PageRank.
//!
//! The stages, one module each: `source` finds the files, `facts` reads each one (tree-sitter;
//! cached by blob id in `cache`), `resolve` turns imports into edges, `entries` finds where
//! programs start and what deploys, `graph` ranks and answers impact queries, `render` draws.

mod cache;
mod entries;
mod facts;
pub mod graph;
pub mod ground;
mod lang;
pub mod render;
mod resolve;
mod revision;
mod source;

use facts::Facts;
use lang::Lang;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// A file with its facts.
pub struct Parsed {
    pub path: String,
    pub lang: Lang,
    pub facts: Facts,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Analysis {
    pub files: Vec<FileInfo>,
    /// File to file, each once.
    pub edges: Vec<Edge>,
    pub external: Vec<External>,
    pub entry_points: Vec<EntryPoint>,
    pub components: Vec<Component>,
    pub containers: Vec<Container>,
    pub tests: Vec<TestFile>,
    pub languages: BTreeMap<String, LanguageTotals>,
    /// Files whose syntax tree had errors (read anyway: what parses still counts).
    pub parse_errors: Vec<String>,
    /// How much work this run did (not part of a committed analysis).
    #[serde(default)]
    pub stats: Stats,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FileInfo {
    pub path: String,
    pub language: String,
    /// Non-blank lines.
    pub loc: u32,
    /// The top-level module the file belongs to.
    pub component: String,
    /// Classes, functions, methods, ... the file defines (from the grammar's tags query).
    pub definitions: usize,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Clone)]
pub struct Edge {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct External {
    pub from: String,
    pub package: String,
}

#[derive(Debug, Serialize, Deserialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EntryPoint {
    pub path: String,
    pub kind: String,
    /// The service, script or binary it names, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A top-level module, ranked.
#[derive(Debug, Serialize, Deserialize)]
pub struct Component {
    pub name: String,
    pub files: usize,
    pub loc: usize,
    /// Its files' PageRank summed: how much of the code leans on it.
    pub rank: f64,
    /// The components it depends on.
    pub uses: Vec<String>,
}

/// Something deployable.
#[derive(Debug, Serialize, Deserialize, Clone)]
pub struct Container {
    pub name: String,
    /// The file that declares it.
    pub path: String,
    /// docker, compose service, kubernetes Deployment, ...
    pub kind: String,
    /// The folder whose code it runs, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// A test file and the code files it imports.
#[derive(Debug, Serialize, Deserialize)]
pub struct TestFile {
    pub path: String,
    pub covers: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct LanguageTotals {
    pub files: usize,
    pub loc: usize,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Stats {
    /// Files parsed this run.
    pub parsed: usize,
    /// Files whose facts came from the cache.
    pub cached: usize,
    /// Files not read as code: minified or generated, or not UTF-8.
    #[serde(default)]
    pub skipped: usize,
}

/// Told how many files have been parsed so far, out of how many files there are.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Reads the code under `dir` and analyses it; facts are cached in the repository's `.git`
/// when `use_cache` and there is one.
pub fn analyze(dir: &Path, use_cache: bool, progress: Progress<'_>) -> anyhow::Result<Analysis> {
    // Resolvers compare absolute paths (tsconfig.json files are found from each file up).
    let dir = &std::path::absolute(dir)?;
    let system = render::system_name(dir);
    let location = if use_cache { cache::Cache::location(dir) } else { None };
    let old = location.as_deref().map(cache::Cache::load).unwrap_or_default();
    let found = source::walk(dir)?;
    let by_blob = old.by_blob();
    let parsed_count = std::sync::atomic::AtomicUsize::new(0);
    let total = found.sources.len();
    let reads: Vec<Option<Read>> = (found.sources.par_iter())
        .map(|entry| {
            let read = read_source(dir, entry, &old, &by_blob)?;
            if read.origin == Origin::Parsed {
                progress(parsed_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
            }
            Some(read)
        })
        .collect();
    // Files read (with their stamps, in the same order) and files skipped, both for the cache.
    let mut files = Vec::with_capacity(reads.len());
    let mut stamps = Vec::with_capacity(reads.len());
    let mut skipped = Vec::new();
    let mut stats = Stats::default();
    let mut anything_new = false;
    for (entry, read) in found.sources.iter().zip(reads) {
        let Some(Read { stamp, origin, facts }) = read else { continue };
        anything_new |= origin != Origin::Unchanged;
        match facts {
            Some(facts) => {
                stats.parsed += usize::from(origin == Origin::Parsed);
                stats.cached += usize::from(origin != Origin::Parsed);
                files.push(Parsed { path: entry.path.clone(), lang: entry.lang, facts });
                stamps.push(stamp);
            }
            None => {
                stats.skipped += 1;
                skipped.push((entry.path.as_str(), stamp));
            }
        }
    }
    // A file gone since the last run leaves an entry to drop.
    anything_new |= old.files.len() != stamps.len() + skipped.len();
    let save = || {
        if let Some(location) = location
            && anything_new
        {
            let read = files.iter().zip(&stamps).map(|(file, stamp)| (file.path.as_str(), stamp, Some(&file.facts)));
            let not_read = skipped.iter().map(|(path, stamp)| (*path, stamp, None));
            if let Err(e) = cache::Cache::save(read.chain(not_read), &location) {
                tracing::warn!("could not save the analysis cache at {}: {e}", location.display());
            }
        }
    };
    // Writing the cache and resolving the imports are independent: one core each.
    let ((), analysis) = rayon::join(save, || assemble(dir, &system, &files, &found.configs, stats));
    Ok(analysis)
}

/// One source file as this run found it: its stamp, where what is known of it came from, and
/// its facts (none: not read as code).
struct Read {
    stamp: cache::Stamp,
    origin: Origin,
    facts: Option<Facts>,
}

#[derive(PartialEq)]
enum Origin {
    /// The cache, by path: same size and modification time (the cache needs no new entry).
    Unchanged,
    /// The cache, by the blob id of the content (a touched, moved or copied file).
    SameContent,
    /// Read now.
    Parsed,
}

/// Reads one file, or takes what the cache knows of it: by path when its size and modification
/// time are as last seen (the file is not even opened), else by the blob id of its content.
/// None when it cannot be read.
fn read_source(
    dir: &Path,
    entry: &source::SourceEntry,
    old: &cache::Cache,
    by_blob: &HashMap<&str, Option<&Facts>>,
) -> Option<Read> {
    if let Some(seen) = (old.files.get(&entry.path)).filter(|s| s.size == entry.size && s.mtime == entry.mtime) {
        return Some(Read { stamp: seen.stamp(), origin: Origin::Unchanged, facts: seen.facts.clone() });
    }
    let bytes = std::fs::read(dir.join(&entry.path)).ok()?;
    let blob = cache::blob_id(&bytes);
    let stamp = cache::Stamp { size: entry.size, mtime: entry.mtime, blob };
    if let Some(facts) = by_blob.get(stamp.blob.as_str()) {
        return Some(Read { stamp, origin: Origin::SameContent, facts: facts.cloned() });
    }
    let facts = source::code_text(bytes).map(|text| facts::read(entry.lang, &entry.path, &text));
    Some(Read { stamp, origin: Origin::Parsed, facts })
}

/// Analyses the code of git revision `rev` under `dir` (the cache is read, not written: it
/// describes the working tree).
pub fn analyze_revision(dir: &Path, rev: &str, use_cache: bool, progress: Progress<'_>) -> anyhow::Result<Analysis> {
    let dir = &std::path::absolute(dir)?;
    let location = if use_cache {
        gix::discover(dir).ok().and_then(|r| r.workdir().and_then(cache::Cache::location))
    } else {
        None
    };
    let old = location.as_deref().map(cache::Cache::load).unwrap_or_default();
    let at = revision::read(dir, rev, &old, progress)?;
    let root = at.javascript.as_ref().map_or(dir.as_path(), |folder| folder.path());
    Ok(assemble(root, &render::system_name(dir), &at.files, &at.configs, at.stats))
}

/// The analysis of files already read; `root` holds them on disk for the JavaScript resolver.
fn assemble(root: &Path, system: &str, files: &[Parsed], configs: &HashMap<String, String>, stats: Stats) -> Analysis {
    let index = resolve::Index::new(root, files, configs);
    let targets: Vec<Vec<resolve::Target>> = (0..files.len()).into_par_iter().map(|i| index.resolve(i)).collect();
    let mut edges = BTreeSet::new();
    let mut external = BTreeSet::new();
    for (i, targets) in targets.into_iter().enumerate() {
        for target in targets {
            match target {
                resolve::Target::File(to) => {
                    edges.insert(Edge { from: files[i].path.clone(), to: files[to].path.clone() });
                }
                resolve::Target::External(package) => {
                    external.insert(External { from: files[i].path.clone(), package });
                }
            }
        }
    }
    let edges: Vec<Edge> = edges.into_iter().collect();
    let component_of = graph::component_names(files);
    let mut languages: BTreeMap<String, LanguageTotals> = BTreeMap::new();
    let mut infos = Vec::with_capacity(files.len());
    for (file, component) in files.iter().zip(component_of) {
        let totals = languages.entry(file.lang.name().to_owned()).or_default();
        totals.files += 1;
        totals.loc += file.facts.loc as usize;
        infos.push(FileInfo {
            path: file.path.clone(),
            language: file.lang.name().to_owned(),
            loc: file.facts.loc,
            component,
            definitions: file.facts.definitions.len(),
        });
    }
    let (entry_points, containers) = entries::find(files, configs, system);
    let components = graph::components(&infos, &edges);
    let tests = entries::tests(files, &edges);
    Analysis {
        files: infos,
        edges,
        external: external.into_iter().collect(),
        entry_points,
        components,
        containers,
        tests,
        languages,
        parse_errors: files.iter().filter(|f| f.facts.has_errors).map(|f| f.path.clone()).collect(),
        stats,
    }
}
