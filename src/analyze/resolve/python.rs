//! Python: a module file or a package's `__init__.py` under a source root (the top, and `src/`
//! when the code lives there); relative imports against the importing file's package;
//! `from pkg import name` tries the submodule first, then the package.

use super::{Index, Target, join, parent};
use crate::analyze::Parsed;
use crate::analyze::lang::Lang;

/// Where absolute imports start.
pub fn roots(index: &Index) -> Vec<String> {
    let mut roots = vec![String::new()];
    if index.files.iter().any(|f| f.lang == Lang::Python && f.path.starts_with("src/")) {
        roots.push("src".into());
    }
    roots
}

pub fn resolve(index: &Index, file: &Parsed) -> Vec<Target> {
    let package = parent(&file.path);
    let mut out = Vec::new();
    for import in &file.facts.imports {
        let module = import.module.as_str();
        let dots = module.chars().take_while(|c| *c == '.').count();
        let rest = module[dots..].replace('.', "/");
        let bases: Vec<String> = if dots > 0 {
            // `.` is the file's package, each further dot one package up.
            let mut base = package.to_owned();
            for _ in 1..dots {
                base = parent(&base).to_owned();
            }
            vec![join(&base, &rest)]
        } else {
            index.python_roots.iter().map(|root| join(root, &rest)).collect()
        };
        let mut resolved = Vec::new();
        for base in &bases {
            // `from pkg import name`: the submodule `pkg/name` if there is one.
            resolved.extend(import.names.iter().filter_map(|name| module_file(index, &join(base, name))));
            if resolved.is_empty() {
                // The module itself, else its closest parent package.
                let mut candidate = base.clone();
                loop {
                    if let Some(found) = module_file(index, &candidate) {
                        resolved.push(found);
                        break;
                    }
                    let up = parent(&candidate);
                    if dots > 0 || candidate.is_empty() || index.python_roots.iter().any(|r| r == up) {
                        break;
                    }
                    candidate = up.to_owned();
                }
            }
            if !resolved.is_empty() {
                break;
            }
        }
        if resolved.is_empty() {
            if dots == 0 {
                out.push(Target::External(module.split('.').next().unwrap_or_default().to_owned()));
            }
        } else {
            out.extend(resolved.into_iter().map(Target::File));
        }
    }
    out
}

fn module_file(index: &Index, path: &str) -> Option<usize> {
    if path.is_empty() {
        return None;
    }
    index.file(&format!("{path}.py")).or_else(|| index.file(&format!("{path}/__init__.py")))
}
