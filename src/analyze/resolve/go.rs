//! Go: an import path under a module of the repository (go.mod's `module` line) is that
//! package's folder, and the importing file depends on the package's files; a test file
//! depends on the files of its own package. Anything else is the module it names.

use super::{Index, Target, join, parent};
use crate::analyze::Parsed;
use crate::analyze::lang::Lang;
use std::collections::HashMap;

/// (folder of go.mod, module path) for every go.mod, longest module path first.
pub fn modules(configs: &HashMap<String, String>) -> Vec<(String, String)> {
    let mut modules: Vec<(String, String)> = (configs.iter())
        .filter(|(path, _)| path.as_str() == "go.mod" || path.ends_with("/go.mod"))
        .filter_map(|(path, text)| {
            let module = text.lines().find_map(|l| l.trim().strip_prefix("module "))?;
            Some((parent(path).to_owned(), module.trim().trim_matches('"').to_owned()))
        })
        .collect();
    modules.sort_by_key(|(_, module)| std::cmp::Reverse(module.len()));
    modules
}

pub fn resolve(index: &Index, file: &Parsed) -> Vec<Target> {
    let mut out = Vec::new();
    for import in &file.facts.imports {
        let path = import.module.as_str();
        let folder = index.go_modules.iter().find_map(|(dir, module)| {
            let rest = path.strip_prefix(module.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then(|| join(dir, rest.trim_start_matches('/')))
        });
        match folder {
            Some(folder) => out.extend(package_files(index, &folder)),
            None => out.push(Target::External(module_name(path))),
        }
    }
    if file.path.ends_with("_test.go") {
        out.extend(package_files(index, parent(&file.path)));
    }
    out
}

/// The non-test Go files of a package folder.
fn package_files(index: &Index, folder: &str) -> Vec<Target> {
    let files = index.by_dir.get(folder).map(Vec::as_slice).unwrap_or_default();
    (files.iter())
        .filter(|&&i| index.files[i].lang == Lang::Go && !index.files[i].path.ends_with("_test.go"))
        .map(|&i| Target::File(i))
        .collect()
}

/// `github.com/org/repo/sub/pkg` → `github.com/org/repo`; the standard library's `net/http`
/// stays as it is.
fn module_name(path: &str) -> String {
    let first = path.split('/').next().unwrap_or(path);
    if first.contains('.') { path.split('/').take(3).collect::<Vec<_>>().join("/") } else { path.to_owned() }
}
