//! Python: imports from the syntax tree (tree-sitter), resolved the way Python does — a module
//! file or a package's `__init__.py` under a source root, relative imports against the importing
//! file's package, `from pkg import name` trying the submodule first, then the package.

use super::{Import, SourceFile};
use std::collections::HashSet;
use std::sync::LazyLock;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Language, Parser, Query, QueryCursor};

const IMPORTS: &str = r#"
(import_statement name: (dotted_name) @module)
(import_statement name: (aliased_import name: (dotted_name) @module))
(import_from_statement module_name: (dotted_name) @from)
(import_from_statement module_name: (relative_import) @from)
"#;

/// The import query, compiled once.
static QUERY: LazyLock<(Language, Query)> = LazyLock::new(|| {
    let language = Language::new(tree_sitter_python::LANGUAGE);
    let query = Query::new(&language, IMPORTS).expect("the import query compiles");
    (language, query)
});

/// What one Python file imports, as written: (module, names imported from it); and whether its
/// syntax tree has errors (what parses is still read).
pub fn imports(source: &str) -> (Vec<(String, Vec<String>)>, bool) {
    let (language, query) = &*QUERY;
    let mut parser = Parser::new();
    if parser.set_language(language).is_err() {
        return (Vec::new(), false);
    }
    let Some(tree) = parser.parse(source, None) else { return (Vec::new(), false) };
    let mut cursor = QueryCursor::new();
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    let mut matches = cursor.matches(query, tree.root_node(), source.as_bytes());
    while let Some(m) = matches.next() {
        let (mut module, mut names) = (None, Vec::new());
        for capture in m.captures() {
            let text = capture.node.utf8_text(source.as_bytes()).unwrap_or_default().to_owned();
            match query.capture_names()[capture.index as usize] {
                "module" => found.push((text, Vec::new())),
                "from" => {
                    module = Some(text);
                    // The names of the same statement come as matches of their own.
                    let statement = capture.node.parent();
                    if let Some(statement) = statement {
                        let mut walk = statement.walk();
                        for child in statement.children_by_field_name("name", &mut walk) {
                            let node = if child.kind() == "aliased_import" {
                                child.child_by_field_name("name")
                            } else {
                                Some(child)
                            };
                            if let Some(node) = node {
                                names.push(node.utf8_text(source.as_bytes()).unwrap_or_default().to_owned());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(module) = module {
            found.push((module, names));
        }
    }
    (found, tree.root_node().has_error())
}

/// Resolves `imports` of `file` against the repository's Python files.
pub fn resolve(
    file: &SourceFile,
    imports: Vec<(String, Vec<String>)>,
    modules: &HashSet<String>,
    roots: &[String],
) -> Vec<Import> {
    let package = file.path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut out = Vec::new();
    for (module, names) in imports {
        let dots = module.chars().take_while(|c| *c == '.').count();
        let rest = module[dots..].replace('.', "/");
        let bases: Vec<String> = if dots > 0 {
            // `.` is the file's package, each further dot one package up.
            let mut base = package.to_owned();
            for _ in 1..dots {
                base = base.rsplit_once('/').map_or(String::new(), |(up, _)| up.to_owned());
            }
            vec![join(&base, &rest)]
        } else {
            roots.iter().map(|root| join(root, &rest)).collect()
        };
        let mut resolved = Vec::new();
        for base in &bases {
            // `from pkg import name`: the submodule `pkg/name` if there is one.
            for name in &names {
                if let Some(path) = module_file(&join(base, name), modules) {
                    resolved.push(path);
                }
            }
            if resolved.is_empty() {
                // The module itself, else its closest parent package.
                let mut candidate = base.clone();
                loop {
                    if let Some(path) = module_file(&candidate, modules) {
                        resolved.push(path);
                        break;
                    }
                    match candidate.rsplit_once('/') {
                        Some((up, _)) if dots == 0 && !roots.iter().any(|r| r == up) => candidate = up.to_owned(),
                        _ => break,
                    }
                }
            }
            if !resolved.is_empty() {
                break;
            }
        }
        if resolved.is_empty() {
            if dots == 0 {
                let package = module.split('.').next().unwrap_or_default().to_owned();
                out.push(Import::External(package));
            }
        } else {
            out.extend(resolved.into_iter().map(Import::File));
        }
    }
    out
}

fn join(base: &str, rest: &str) -> String {
    match (base.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_owned(),
        (_, true) => base.to_owned(),
        _ => format!("{base}/{rest}"),
    }
}

fn module_file(path: &str, modules: &HashSet<String>) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    [format!("{path}.py"), format!("{path}/__init__.py")].into_iter().find(|p| modules.contains(p))
}

/// Why a Python file starts a program, if it does.
pub fn entry_point(path: &str, text: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "__main__.py" {
        Some("python __main__")
    } else if name == "manage.py" {
        Some("django manage.py")
    } else if text.contains("if __name__ == \"__main__\"") || text.contains("if __name__ == '__main__'") {
        Some("python script")
    } else {
        None
    }
}
