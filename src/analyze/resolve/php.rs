//! PHP: `use` names resolve through composer.json's PSR-4 prefixes (`App\` → `src/`), else to
//! the file whose namespace defines the class; classes of the file's own namespace that it
//! mentions count too; `require`/`include` of a literal path is a path from the file's folder.
//! Anything else is the vendor namespace it names.

use super::{Index, Target, join, normalize, parent};
use crate::analyze::lang::Lang;
use std::collections::HashMap;

/// (namespace prefix with its trailing `\`, folder) from every composer.json, longest first.
pub fn psr4(configs: &HashMap<String, String>) -> Vec<(String, String)> {
    let mut prefixes = Vec::new();
    for (path, text) in configs.iter().filter(|(p, _)| p.as_str() == "composer.json" || p.ends_with("/composer.json")) {
        let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else { continue };
        for section in ["autoload", "autoload-dev"] {
            let Some(map) = json[section]["psr-4"].as_object() else { continue };
            for (prefix, dirs) in map {
                let dirs: Vec<&str> = match dirs {
                    serde_json::Value::String(d) => vec![d.as_str()],
                    serde_json::Value::Array(list) => list.iter().filter_map(|d| d.as_str()).collect(),
                    _ => Vec::new(),
                };
                for dir in dirs {
                    prefixes.push((prefix.clone(), join(parent(path), dir.trim_end_matches('/'))));
                }
            }
        }
    }
    prefixes.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
    prefixes
}

pub fn resolve(index: &Index, i: usize) -> Vec<Target> {
    let file = &index.files[i];
    let mut out = Vec::new();
    for import in &file.facts.imports {
        let name = import.module.as_str();
        if name.ends_with(".php") || name.contains('/') {
            let path = if name.starts_with('/') { name.to_owned() } else { join(parent(&file.path), name) };
            if let Some(found) = normalize(&path).and_then(|p| index.file(&p)) {
                out.push(Target::File(found));
            }
            continue;
        }
        match class_file(index, name) {
            Some(found) => out.push(Target::File(found)),
            None => out.push(Target::External(name.split('\\').take(2).collect::<Vec<_>>().join("\\"))),
        }
    }
    let own = file.facts.declares.as_deref().unwrap_or("");
    for mention in &file.facts.mentions {
        let defining = index.defined.get(&(Lang::Php, mention.as_str())).map(Vec::as_slice).unwrap_or_default();
        out.extend(
            (defining.iter())
                .filter(|&&f| index.files[f].facts.declares.as_deref().unwrap_or("") == own)
                .map(|&f| Target::File(f)),
        );
    }
    out
}

/// The file of a fully qualified class: by PSR-4, else by namespace and definition.
fn class_file(index: &Index, class: &str) -> Option<usize> {
    let by_psr4 = index.psr4.iter().find_map(|(prefix, dir)| {
        let rest = class.strip_prefix(prefix.as_str())?;
        index.file(&format!("{}.php", join(dir, &rest.replace('\\', "/"))))
    });
    by_psr4.or_else(|| {
        let (namespace, name) = class.rsplit_once('\\')?;
        let defining = index.defined.get(&(Lang::Php, name))?;
        defining.iter().copied().find(|&f| index.files[f].facts.declares.as_deref() == Some(namespace))
    })
}
