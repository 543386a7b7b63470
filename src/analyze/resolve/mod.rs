//! From imports as written to files of the repository, the way each ecosystem finds them.
//! What resolves to no file of the repository is an external package, named as its ecosystem
//! names packages.

mod dotnet_projects;
mod go;
mod javascript;
mod jvm_dotnet;
mod php;
mod python;
mod ruby;

use super::Parsed;
use super::lang::Lang;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Where an import leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A file of the repository, by its index in the analysed files.
    File(usize),
    External(String),
}

/// Definition kinds that name a type (what a `use`/`using`/constant reference can point at).
const TYPE_KINDS: &[&str] = &["class", "interface", "module", "struct", "enum", "type", "trait", "record"];

/// Everything resolution needs to know about the repository, built once.
pub struct Index<'a> {
    pub root: &'a Path,
    pub files: &'a [Parsed],
    /// Path → index in `files`.
    pub by_path: HashMap<&'a str, usize>,
    /// Folder → the files directly in it.
    pub by_dir: HashMap<&'a str, Vec<usize>>,
    /// (language family, declared package or namespace) → files.
    pub declared: HashMap<(Lang, &'a str), Vec<usize>>,
    /// (language family, type name) → the files defining it.
    pub defined: HashMap<(Lang, &'a str), Vec<usize>>,
    python_roots: Vec<String>,
    go_modules: Vec<(String, String)>,
    psr4: Vec<(String, String)>,
    dotnet_projects: dotnet_projects::Projects,
    javascript: Option<javascript::Resolver>,
}

impl<'a> Index<'a> {
    /// `root` holds the files on disk (the JavaScript resolver reads package.json and
    /// tsconfig.json files there); `configs` holds go.mod and composer.json.
    pub fn new(root: &'a Path, files: &'a [Parsed], configs: &HashMap<String, String>) -> Self {
        let mut index = Index {
            root,
            files,
            by_path: HashMap::new(),
            by_dir: HashMap::new(),
            declared: HashMap::new(),
            defined: HashMap::new(),
            python_roots: Vec::new(),
            go_modules: go::modules(configs),
            psr4: php::psr4(configs),
            dotnet_projects: dotnet_projects::Projects::new(configs),
            javascript: None,
        };
        for (i, file) in files.iter().enumerate() {
            let family = file.lang.family();
            index.by_path.insert(&file.path, i);
            index.by_dir.entry(parent(&file.path)).or_default().push(i);
            if let Some(declares) = &file.facts.declares {
                index.declared.entry((family, declares.as_str())).or_default().push(i);
            }
            let types = file.facts.definitions.iter().filter(|d| TYPE_KINDS.contains(&d.kind.as_str()));
            let mut names: Vec<&str> = types.map(|d| d.name.as_str()).collect();
            if family == Lang::Java {
                // A Java file is named after its public type (records and enums included,
                // which the grammar's tags query does not tag).
                names.push(file.path.rsplit('/').next().and_then(|n| n.strip_suffix(".java")).unwrap_or_default());
            }
            names.sort_unstable();
            names.dedup();
            for name in names {
                index.defined.entry((family, name)).or_default().push(i);
            }
        }
        index.python_roots = python::roots(&index);
        if files.iter().any(|f| f.lang.family() == Lang::JavaScript) {
            index.javascript = Some(javascript::Resolver::new());
        }
        index
    }

    /// Where each import of file `i` leads (each target once; never the file itself).
    pub fn resolve(&self, i: usize) -> Vec<Target> {
        let file = &self.files[i];
        let mut targets = match file.lang.family() {
            Lang::Python => python::resolve(self, file),
            Lang::JavaScript => self.javascript.as_ref().map_or_else(Vec::new, |js| js.resolve(self, file)),
            Lang::Go => go::resolve(self, file),
            Lang::Java | Lang::CSharp => jvm_dotnet::resolve(self, i),
            Lang::Php => php::resolve(self, i),
            Lang::Ruby => ruby::resolve(self, i),
            _ => Vec::new(),
        };
        let mut seen = HashSet::new();
        targets.retain(|t| *t != Target::File(i) && seen.insert(t.clone()));
        targets
    }

    /// The file at `path`, if it is one of the analysed files.
    pub fn file(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }
}

/// The folder of a relative path ("" at the top).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `a/b/../c/./d` → `a/c/d`; None when it climbs out of the repository.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// `dir/rest`, with no leading slash when `dir` is the top.
pub fn join(dir: &str, rest: &str) -> String {
    match (dir.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_owned(),
        (_, true) => dir.to_owned(),
        _ => format!("{dir}/{rest}"),
    }
}
