//! JavaScript and TypeScript: resolved by oxc_resolver (webpack's enhanced-resolve rules:
//! extensions, `index` files, package.json `exports`/`main`, tsconfig `paths` and `baseUrl`
//! found from each file). A bare specifier that resolves outside the repository, or not at
//! all, is the package it names.

use super::{Index, Target};
use crate::analyze::Parsed;
use oxc_resolver::{ResolveOptions, TsconfigDiscovery};

pub struct Resolver(oxc_resolver::Resolver);

const EXTENSIONS: &[&str] = &[".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"];

impl Resolver {
    pub fn new() -> Self {
        let options = ResolveOptions {
            extensions: EXTENSIONS.iter().map(|e| (*e).to_owned()).collect(),
            // TypeScript's ESM style: `import "./x.js"` names the `x.ts` it compiles from.
            extension_alias: vec![
                (".js".into(), vec![".ts".into(), ".tsx".into(), ".js".into()]),
                (".mjs".into(), vec![".mts".into(), ".mjs".into()]),
                (".cjs".into(), vec![".cts".into(), ".cjs".into()]),
            ],
            condition_names: vec!["import".into(), "require".into(), "node".into(), "default".into()],
            main_fields: vec!["module".into(), "main".into()],
            tsconfig: Some(TsconfigDiscovery::Auto),
            ..ResolveOptions::default()
        };
        Resolver(oxc_resolver::Resolver::new(options))
    }

    pub fn resolve(&self, index: &Index, file: &Parsed) -> Vec<Target> {
        let absolute = index.root.join(&file.path);
        let mut out = Vec::new();
        for import in &file.facts.imports {
            let specifier = import.module.as_str();
            let found = self.0.resolve_file(&absolute, specifier).ok().and_then(|resolution| {
                let path = resolution.path().strip_prefix(index.root).ok()?.to_string_lossy().replace('\\', "/");
                index.file(&path)
            });
            match found {
                Some(i) => out.push(Target::File(i)),
                None if is_bare(specifier) => out.push(Target::External(package_name(specifier))),
                // A relative import of something that is not code (styles, images, JSON).
                None => {}
            }
        }
        out
    }
}

fn is_bare(specifier: &str) -> bool {
    !specifier.starts_with('.') && !specifier.starts_with('/')
}

/// `@scope/pkg/deep/path` → `@scope/pkg`; `lodash/fp` → `lodash`; `node:fs` → `fs`.
fn package_name(specifier: &str) -> String {
    let specifier = specifier.strip_prefix("node:").unwrap_or(specifier);
    let mut parts = specifier.split('/');
    match (parts.next(), parts.next()) {
        (Some(scope), Some(name)) if scope.starts_with('@') => format!("{scope}/{name}"),
        (Some(name), _) => name.to_owned(),
        _ => specifier.to_owned(),
    }
}
