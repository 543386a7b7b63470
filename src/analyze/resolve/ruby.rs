//! Ruby: `require_relative` is a path from the file's folder; `require` searches the load path
//! (`lib/`, then the top); and, as Zeitwerk autoloads them, a constant the file mentions leads
//! to the file named after it (`BillingRun` → `billing_run.rb`) that defines it.

use super::{Index, Target, join, normalize, parent};
use crate::analyze::lang::Lang;

const LOAD_PATH: &[&str] = &["lib", "", "app"];

pub fn resolve(index: &Index, i: usize) -> Vec<Target> {
    let file = &index.files[i];
    let mut out = Vec::new();
    for import in &file.facts.imports {
        let name = import.module.trim_end_matches(".rb");
        if let Some(relative) = name.strip_prefix("./") {
            let found = normalize(&join(parent(&file.path), relative)).and_then(|p| index.file(&format!("{p}.rb")));
            out.extend(found.map(Target::File));
            continue;
        }
        match LOAD_PATH.iter().find_map(|dir| index.file(&format!("{}.rb", join(dir, name)))) {
            Some(found) => out.push(Target::File(found)),
            None => out.push(Target::External(name.split('/').next().unwrap_or(name).to_owned())),
        }
    }
    // A constant the file defines itself (a reopened `module Shop`) is no dependency.
    let own = |name: &str| file.facts.definitions.iter().any(|d| d.name == name);
    for mention in file.facts.mentions.iter().filter(|m| !own(m)) {
        let defining = index.defined.get(&(Lang::Ruby, mention.as_str())).map(Vec::as_slice).unwrap_or_default();
        let expected = format!("{}.rb", snake_case(mention));
        out.extend(
            (defining.iter())
                .filter(|&&f| index.files[f].path.rsplit('/').next() == Some(expected.as_str()))
                .map(|&f| Target::File(f)),
        );
    }
    out
}

/// Zeitwerk's inflection: `HTTPClient` → `http_client`, `BillingRun` → `billing_run`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let after_lower = i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let acronym_end =
                i > 0 && chars[i - 1].is_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if after_lower || acronym_end {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn zeitwerk_file_names() {
        assert_eq!(super::snake_case("BillingRun"), "billing_run");
        assert_eq!(super::snake_case("HTTPClient"), "http_client");
        assert_eq!(super::snake_case("User"), "user");
        assert_eq!(super::snake_case("V2Api"), "v2_api");
    }
}
