//! Which files of a directory `analyze` reads: code by language, and the small configuration
//! files that resolution and entry points need (go.mod, composer.json, package.json, .csproj,
//! Dockerfiles, compose files, Kubernetes manifests). Honours .gitignore; skips vendored and
//! generated folders and files too large to be hand-written code.

use super::lang::Lang;
use ignore::WalkBuilder;
use std::collections::HashMap;
use std::path::Path;
use std::time::UNIX_EPOCH;

/// Folders that hold other people's code or build output.
pub const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "vendor",
    "venv",
    ".venv",
    "site-packages",
    "dist",
    "build",
    "__pycache__",
    "target",
    "bower_components",
    ".git",
];

/// Files over this size are generated or data, not code to read.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Whether a file's text is minified or generated rather than written by hand: GitHub Linguist's
/// rule, lines longer than 110 bytes on average (emscripten output, bundles, data tables), for
/// files over 4 KB (a short one-line module is still code).
fn looks_minified(text: &str) -> bool {
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    text.len() > 4096 && text.len() / lines > 110
}

/// A file's text, if it is code to read: UTF-8, and neither minified nor generated.
pub fn code_text(bytes: Vec<u8>) -> Option<String> {
    String::from_utf8(bytes).ok().filter(|text| !looks_minified(text))
}

/// A source file found on disk, with what tells whether it changed since the last run.
pub struct SourceEntry {
    /// Relative to the analysed directory, `/`-separated.
    pub path: String,
    pub lang: Lang,
    pub size: u64,
    /// Modification time in nanoseconds since the epoch.
    pub mtime: u128,
}

#[derive(Default)]
pub struct Found {
    pub sources: Vec<SourceEntry>,
    /// Configuration files by path, with their text.
    pub configs: HashMap<String, String>,
}

/// Whether a file is configuration that `analyze` reads.
pub fn is_config(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(name, "go.mod" | "composer.json" | "package.json")
        || name == "Dockerfile"
        || name.starts_with("Dockerfile.")
        || name.ends_with(".dockerfile")
        || name.ends_with(".csproj")
        || name.ends_with(".yml")
        || name.ends_with(".yaml")
}

/// What one walked file turned out to be.
enum Item {
    Source(SourceEntry),
    Config(String, String),
}

/// Walks `dir` on every core (the walk is mostly `stat` calls and .gitignore matching).
pub fn walk(dir: &Path) -> anyhow::Result<Found> {
    let items = std::sync::Mutex::new(Vec::new());
    let error = std::sync::Mutex::new(None);
    let walker = WalkBuilder::new(dir)
        .filter_entry(|entry| !SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d))
        .require_git(false)
        .build_parallel();
    walker.run(|| {
        let (items, error) = (&items, &error);
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    error.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                    return ignore::WalkState::Quit;
                }
            };
            if let Some(item) = classify(dir, &entry) {
                items.lock().unwrap_or_else(|p| p.into_inner()).push(item);
            }
            ignore::WalkState::Continue
        })
    });
    if let Some(e) = error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e.into());
    }
    let mut found = Found::default();
    for item in items.into_inner().unwrap_or_else(|p| p.into_inner()) {
        match item {
            Item::Source(entry) => found.sources.push(entry),
            Item::Config(path, text) => {
                found.configs.insert(path, text);
            }
        }
    }
    found.sources.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

fn classify(dir: &Path, entry: &ignore::DirEntry) -> Option<Item> {
    if !entry.file_type().is_some_and(|t| t.is_file()) {
        return None;
    }
    let path = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
    let metadata = entry.metadata().ok()?;
    if metadata.len() > MAX_FILE_BYTES {
        return None;
    }
    if let Some(lang) = Lang::of(&path) {
        let mtime = metadata.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok());
        let mtime = mtime.map_or(0, |d| d.as_nanos());
        Some(Item::Source(SourceEntry { path, lang, size: metadata.len(), mtime }))
    } else if is_config(&path) {
        Some(Item::Config(path.clone(), std::fs::read_to_string(entry.path()).ok()?))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::looks_minified;

    #[test]
    fn minified_and_generated_text_is_told_from_code() {
        let code = "import { a } from './a.js';\n\nexport function f(x) {\n  return a(x) + 1;\n}\n".repeat(100);
        assert!(!looks_minified(&code));
        let bundle = format!("var Module=function(){{{}}};\n", "var a=b+c;".repeat(1000));
        assert!(looks_minified(&bundle));
        assert!(!looks_minified(&format!("export {{ {} }} from './all.js';", "name, ".repeat(50))), "short");
    }
}
