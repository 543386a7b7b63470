//! `specbuilder analyze`: the shape of an existing codebase — files and lines per language, the
//! file dependency graph from imports resolved as each ecosystem resolves them, packages used
//! from outside, entry points, and the main modules ranked by PageRank.
//!
//! Languages: Python today (tree-sitter); the others of the brownfield issue come next.

mod python;

use ignore::WalkBuilder;
use petgraph::graph::DiGraph;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

/// A source file as read.
pub struct SourceFile {
    /// Relative to the analysed directory, `/`-separated.
    pub path: String,
    pub language: &'static str,
    pub text: String,
}

/// Where an import leads.
pub enum Import {
    File(String),
    External(String),
}

#[derive(Debug, Serialize)]
pub struct Analysis {
    pub files: Vec<FileInfo>,
    pub edges: Vec<Edge>,
    pub external: Vec<External>,
    pub entry_points: Vec<EntryPoint>,
    pub components: Vec<Component>,
    pub containers: Vec<Container>,
    pub languages: BTreeMap<String, LanguageTotals>,
    /// Files whose syntax tree had errors (parsed anyway).
    pub parse_errors: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct FileInfo {
    pub path: String,
    pub language: &'static str,
    /// Non-blank lines.
    pub loc: usize,
}

#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord, Clone)]
pub struct Edge {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct External {
    pub from: String,
    pub package: String,
}

#[derive(Debug, Serialize)]
pub struct EntryPoint {
    pub path: String,
    pub kind: &'static str,
}

/// A top-level module (a package directory, or a file at the top), ranked.
#[derive(Debug, Serialize)]
pub struct Component {
    pub name: String,
    pub files: usize,
    pub loc: usize,
    /// Its files' PageRank summed: how much of the code leans on it.
    pub rank: f64,
}

/// Something deployable: a directory with a Dockerfile.
#[derive(Debug, Serialize)]
pub struct Container {
    pub name: String,
    pub path: String,
    pub kind: &'static str,
}

#[derive(Debug, Default, Serialize)]
pub struct LanguageTotals {
    pub files: usize,
    pub loc: usize,
}

/// Folders that hold other people's code or build output.
const SKIPPED_DIRS: &[&str] =
    &["node_modules", "vendor", "venv", ".venv", "site-packages", "dist", "build", "__pycache__", "target"];

/// Files over this size are generated or data, not code to read.
const MAX_FILE_BYTES: u64 = 1 << 20;

fn language_of(path: &str) -> Option<&'static str> {
    match path.rsplit_once('.')?.1 {
        "py" => Some("python"),
        _ => None,
    }
}

/// Reads the code under `dir` (honouring .gitignore; skipping vendored, generated and large
/// files) and analyses it.
pub fn analyze(dir: &Path) -> anyhow::Result<Analysis> {
    let mut files = Vec::new();
    let mut containers = Vec::new();
    let walker = WalkBuilder::new(dir)
        .filter_entry(|entry| !SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d))
        .require_git(false)
        .build();
    for entry in walker {
        let entry = entry?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        if entry.file_name() == "Dockerfile" {
            let folder = path.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
            let name = folder.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("app").to_owned();
            containers.push(Container { name, path, kind: "docker" });
            continue;
        }
        let Some(language) = language_of(&path) else { continue };
        if entry.metadata().map(|m| m.len()).unwrap_or(0) > MAX_FILE_BYTES {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        files.push(SourceFile { path, language, text });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(analyze_files(&files, containers))
}

/// The analysis of files already read.
pub fn analyze_files(files: &[SourceFile], containers: Vec<Container>) -> Analysis {
    let python: HashSet<String> = files.iter().filter(|f| f.language == "python").map(|f| f.path.clone()).collect();
    let roots = python_roots(&python);
    let mut edges = BTreeSet::new();
    let mut external = BTreeSet::new();
    let mut entry_points = Vec::new();
    let mut parse_errors = Vec::new();
    let mut languages: BTreeMap<String, LanguageTotals> = BTreeMap::new();
    let mut infos = Vec::new();
    for file in files {
        let loc = file.text.lines().filter(|l| !l.trim().is_empty()).count();
        let totals = languages.entry(file.language.to_owned()).or_default();
        totals.files += 1;
        totals.loc += loc;
        infos.push(FileInfo { path: file.path.clone(), language: file.language, loc });
        if file.language != "python" {
            continue;
        }
        let (imports, has_errors) = python::imports(&file.text);
        if has_errors {
            parse_errors.push(file.path.clone());
        }
        for import in python::resolve(file, imports, &python, &roots) {
            match import {
                Import::File(to) if to != file.path => {
                    edges.insert(Edge { from: file.path.clone(), to });
                }
                Import::File(_) => {}
                Import::External(package) => {
                    external.insert(External { from: file.path.clone(), package });
                }
            }
        }
        if let Some(kind) = python::entry_point(&file.path, &file.text) {
            entry_points.push(EntryPoint { path: file.path.clone(), kind });
        }
    }
    let edges: Vec<Edge> = edges.into_iter().collect();
    let components = components(&infos, &edges);
    Analysis {
        files: infos,
        edges,
        external: external.into_iter().collect(),
        entry_points,
        components,
        containers,
        languages,
        parse_errors,
    }
}

/// Where absolute imports start: the top, and `src/` when the code lives there.
fn python_roots(files: &HashSet<String>) -> Vec<String> {
    let mut roots = vec![String::new()];
    if files.iter().any(|f| f.starts_with("src/")) {
        roots.push("src".into());
    }
    roots
}

/// Top-level modules ranked by the PageRank of their files in the dependency graph.
fn components(files: &[FileInfo], edges: &[Edge]) -> Vec<Component> {
    let mut graph = DiGraph::<&str, ()>::new();
    let index: HashMap<&str, _> = files.iter().map(|f| (f.path.as_str(), graph.add_node(f.path.as_str()))).collect();
    for edge in edges {
        if let (Some(&a), Some(&b)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str())) {
            graph.add_edge(a, b, ());
        }
    }
    let ranks = petgraph::algo::page_rank(&graph, 0.85_f64, 50);
    let mut by_module: BTreeMap<String, Component> = BTreeMap::new();
    for file in files {
        let top = file.path.trim_start_matches("src/");
        let name = top.split_once('/').map_or(top, |(dir, _)| dir).trim_end_matches(".py").to_owned();
        let component = by_module.entry(name.clone()).or_insert(Component { name, files: 0, loc: 0, rank: 0.0 });
        component.files += 1;
        component.loc += file.loc;
        component.rank += ranks[index[file.path.as_str()].index()];
    }
    let mut components: Vec<Component> = by_module.into_values().collect();
    components.sort_by(|a, b| b.rank.total_cmp(&a.rank).then(a.name.cmp(&b.name)));
    components
}

/// The components and their dependencies as a Mermaid flowchart.
pub fn mermaid(analysis: &Analysis) -> String {
    let module = |path: &str| {
        let top = path.trim_start_matches("src/");
        top.split_once('/').map_or(top, |(dir, _)| dir).trim_end_matches(".py").to_owned()
    };
    let id = |name: &str| name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect::<String>();
    let mut out = String::from("flowchart LR\n");
    for component in &analysis.components {
        out.push_str(&format!("  {}[\"{} ({} files)\"]\n", id(&component.name), component.name, component.files));
    }
    let links: BTreeSet<(String, String)> =
        (analysis.edges.iter()).map(|e| (module(&e.from), module(&e.to))).filter(|(a, b)| a != b).collect();
    for (a, b) in links {
        out.push_str(&format!("  {} --> {}\n", id(&a), id(&b)));
    }
    out
}
