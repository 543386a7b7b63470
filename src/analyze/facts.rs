//! What one file says about itself, read from its syntax tree: imports as written, the package
//! or namespace it declares, its definitions, the type-like names it mentions, its lines. Facts
//! depend on the file's bytes alone, so they are cached by git blob id.

use super::lang::{Lang, compiled};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Parser, Query, QueryCursor, QueryMatch};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Facts {
    /// Non-blank lines.
    pub loc: u32,
    pub imports: Vec<RawImport>,
    /// The package (Go, Java) or namespace (C#, PHP) the file belongs to.
    pub declares: Option<String>,
    pub definitions: Vec<Definition>,
    /// Capitalised identifiers the file mentions (Java, C#, PHP, Ruby), which narrow a
    /// package-wide import to the files defining what is used.
    pub mentions: BTreeSet<String>,
    /// Whether the file looks like a program's start, and what kind.
    pub main: Option<String>,
    pub has_errors: bool,
}

/// An import as written: the module (a specifier, path, package or namespace) and, for Python's
/// `from m import a, b`, the names.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RawImport {
    pub module: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Definition {
    pub name: String,
    /// class, function, method, interface, module, ... as the tags query names it.
    pub kind: String,
    /// 1-based.
    pub line: u32,
}

/// How deep in the syntax tree an import or a definition is looked for, in languages whose
/// expressions can hold one (a `require` call, a function expression): on Django, depth 8 found
/// 99.9% of the imports and 99.6% of the definitions that an unbounded search finds.
const MAX_DEPTH: u32 = 8;

/// Reads the facts of one file.
pub fn read(lang: Lang, path: &str, text: &str) -> Facts {
    let loc = text.lines().filter(|l| !l.trim().is_empty()).count() as u32;
    let compiled = compiled(lang);
    let mut parser = Parser::new();
    let mut facts = Facts { loc, main: main_kind(lang, path, text), ..Facts::default() };
    if parser.set_language(&compiled.grammar).is_err() {
        return facts;
    }
    let Some(tree) = parser.parse(text, None) else { return facts };
    facts.has_errors = tree.root_node().has_error();
    let bytes = text.as_bytes();
    let mut cursor = QueryCursor::new();
    let mut each_match = |m: &QueryMatch<'_, '_>| absorb(lang, &compiled.query, m, bytes, &mut facts);
    if compiled.sealed.is_empty() {
        // Imports and definitions sit near the top of a tree (a method's local import is about
        // six levels down); not starting matches deeper skips most of the expressions.
        cursor.set_max_start_depth(Some(MAX_DEPTH));
        let mut matches = cursor.matches(&compiled.query, tree.root_node(), bytes);
        while let Some(m) = matches.next() {
            each_match(m);
        }
    } else {
        // Where the grammar says which nodes cannot hold what the query looks for (expressions,
        // most of a tree), those are not entered: the query runs at each node reached, starting
        // matches at that node only, at any depth.
        cursor.set_max_start_depth(Some(0));
        let mut walk = tree.walk();
        'walk: loop {
            let node = walk.node();
            if node.is_named() {
                let mut matches = cursor.matches(&compiled.query, node, bytes);
                while let Some(m) = matches.next() {
                    each_match(m);
                }
                if !compiled.is_sealed(node.kind_id()) && walk.goto_first_child() {
                    continue;
                }
            }
            while !walk.goto_next_sibling() {
                if !walk.goto_parent() {
                    break 'walk;
                }
            }
        }
    }
    // In file order (a pattern rooted at the file, such as Python's module constants, matches
    // before the definitions inside it).
    facts.definitions.sort_by_key(|d| d.line);
    if matches!(lang, Lang::Java | Lang::CSharp | Lang::Php | Lang::Ruby) {
        facts.mentions = capitalised_words(text);
    }
    facts
}

/// Adds what one query match says to the facts: an import, the declared package, a definition.
fn absorb(lang: Lang, query: &Query, m: &QueryMatch<'_, '_>, bytes: &[u8], facts: &mut Facts) {
    let names = query.capture_names();
    let mut definition_name = None;
    let mut definition_kind = None;
    let mut source = None;
    let mut call = None;
    for capture in m.captures() {
        let node_text = || capture.node.utf8_text(bytes).unwrap_or_default();
        match names[capture.index as usize] {
            "import" => facts.imports.extend(split_import(lang, node_text())),
            "source" => source = Some(unquote(node_text())),
            "declares" => facts.declares = Some(node_text().replace(char::is_whitespace, "")),
            "fn" => call = Some(node_text()),
            "name" => definition_name = Some((node_text(), capture.node.start_position().row as u32 + 1)),
            other => {
                if let Some(kind) = other.strip_prefix("definition.") {
                    definition_kind = Some(kind);
                }
            }
        }
    }
    if let Some(module) = source {
        // A string passed to a call is an import only under the names that load code;
        // `require_relative "x"` is a path from the file's own folder.
        match (lang, call) {
            (_, None) => facts.imports.push(RawImport { module, names: Vec::new() }),
            (Lang::Ruby, Some("require_relative")) => {
                facts.imports.push(RawImport { module: format!("./{module}"), names: Vec::new() })
            }
            (Lang::Ruby, Some("require" | "load" | "autoload")) | (_, Some("require")) => {
                facts.imports.push(RawImport { module, names: Vec::new() })
            }
            _ => {}
        }
    }
    if let (Some((name, line)), Some(kind)) = (definition_name, definition_kind) {
        facts.definitions.push(Definition { name: name.to_owned(), kind: kind.to_owned(), line });
    }
}

/// Splits an import statement's text into the modules it imports.
fn split_import(lang: Lang, text: &str) -> Vec<RawImport> {
    let text = text.trim().trim_end_matches(';').trim();
    match lang {
        Lang::Python => python_import(text),
        Lang::Java => {
            let rest = text.trim_start_matches("import").trim();
            let rest = rest.strip_prefix("static ").unwrap_or(rest);
            vec![RawImport { module: rest.replace(char::is_whitespace, ""), names: Vec::new() }]
        }
        Lang::CSharp => {
            let rest = text.trim_start_matches("global").trim().trim_start_matches("using").trim();
            let rest = rest.strip_prefix("static ").unwrap_or(rest);
            // `using Alias = Some.Namespace.Type;`
            let rest = rest.split_once('=').map_or(rest, |(_, target)| target);
            vec![RawImport { module: rest.replace(char::is_whitespace, ""), names: Vec::new() }]
        }
        Lang::Php => {
            let rest = text.trim_start_matches("use").trim();
            let rest = rest.strip_prefix("function ").or_else(|| rest.strip_prefix("const ")).unwrap_or(rest);
            let one = |name: &str| {
                let name = name.split(" as ").next().unwrap_or(name).trim().trim_start_matches('\\');
                RawImport { module: name.to_owned(), names: Vec::new() }
            };
            // `use App\{Foo, Bar\Baz}` groups several under one prefix.
            if let Some((prefix, group)) = rest.split_once('{') {
                let prefix = prefix.trim().trim_end_matches('\\');
                (group.trim_end_matches('}').split(','))
                    .filter(|n| !n.trim().is_empty())
                    .map(|n| one(&format!("{prefix}\\{}", n.trim())))
                    .collect()
            } else {
                rest.split(',').map(one).collect()
            }
        }
        _ => vec![RawImport { module: text.to_owned(), names: Vec::new() }],
    }
}

/// `import a.b, c as d` and `from .x import y as z, w` (parentheses and line breaks allowed).
fn python_import(text: &str) -> Vec<RawImport> {
    let clean = |s: &str| s.replace(['(', ')', '\\'], " ");
    if let Some(rest) = text.strip_prefix("from") {
        let Some((module, names)) = rest.split_once(" import") else { return Vec::new() };
        let names = clean(names)
            .split(',')
            .map(|n| n.split_whitespace().next().unwrap_or_default().to_owned())
            .filter(|n| !n.is_empty() && n != "*")
            .collect();
        vec![RawImport { module: module.trim().to_owned(), names }]
    } else {
        let rest = text.trim_start_matches("import");
        clean(rest)
            .split(',')
            .filter_map(|m| m.split_whitespace().next())
            .map(|m| RawImport { module: m.to_owned(), names: Vec::new() })
            .collect()
    }
}

fn unquote(text: &str) -> String {
    text.trim_matches(|c| c == '"' || c == '\'' || c == '`').to_owned()
}

/// Identifiers that start with a capital letter: the types and constants a file mentions.
fn capitalised_words(text: &str) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        if i > start {
            if bytes[start].is_ascii_uppercase() {
                words.insert(text[start..i].to_owned());
            }
        } else {
            i += 1;
        }
    }
    words
}

/// Why a file starts a program, if it does: judged from its name and text alone.
fn main_kind(lang: Lang, path: &str, text: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let kind = match lang {
        Lang::Python if name == "__main__.py" => "python __main__",
        Lang::Python if name == "manage.py" => "django manage.py",
        Lang::Python if text.contains("if __name__ == \"__main__\"") || text.contains("if __name__ == '__main__'") => {
            "python script"
        }
        Lang::Go if text.contains("package main") && text.contains("func main()") => "go main package",
        Lang::Java if text.contains("static void main(") => "java main",
        Lang::CSharp if text.contains("static void Main(") || text.contains("static async Task Main(") => "dotnet Main",
        Lang::CSharp if name == "Program.cs" => "dotnet Program.cs",
        Lang::Php if path == "public/index.php" || path.ends_with("/public/index.php") => "php front controller",
        Lang::Ruby if name == "config.ru" => "rack config.ru",
        _ => return None,
    };
    Some(kind.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_imports_and_definitions_are_found_at_any_depth_but_not_in_expressions() {
        let code = r#"
import os
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from shop.models import Order
class Cart:
    def total(self):
        for line in self.lines:
            if line:
                try:
                    with open(line) as f:
                        while f:
                            def parse():
                                from shop.tax import rate
                                return rate
                except OSError:
                    pass
handler = lambda: __import__("not.an.import")
TEXT = "import fake"
"#;
        let facts = read(Lang::Python, "shop/cart.py", code);
        let modules: Vec<&str> = facts.imports.iter().map(|i| i.module.as_str()).collect();
        assert_eq!(modules, ["os", "typing", "shop.models", "shop.tax"]);
        let definitions: Vec<(&str, &str)> =
            facts.definitions.iter().map(|d| (d.name.as_str(), d.kind.as_str())).collect();
        assert_eq!(
            definitions,
            [
                ("Cart", "class"),
                ("total", "function"),
                ("parse", "function"),
                ("handler", "constant"),
                ("TEXT", "constant")
            ]
        );
        assert_eq!(facts.definitions[2].line, 13, "1-based line of the nested function");
    }

    #[test]
    fn go_imports_package_and_declarations() {
        let code = "package billing\n\nimport (\n\t\"fmt\"\n\tm \"example.com/shop/pkg/money\"\n)\n\ntype Invoice struct{ Lines []int }\n\nfunc (i Invoice) Total() int {\n\tf := func() int { return 1 }\n\treturn f()\n}\n\nfunc Print() { fmt.Println(m.Cents(1)) }\n";
        let facts = read(Lang::Go, "internal/billing/invoice.go", code);
        let modules: Vec<&str> = facts.imports.iter().map(|i| i.module.as_str()).collect();
        assert_eq!(modules, ["fmt", "example.com/shop/pkg/money"]);
        assert_eq!(facts.declares.as_deref(), Some("billing"));
        let definitions: Vec<(&str, &str)> =
            facts.definitions.iter().map(|d| (d.name.as_str(), d.kind.as_str())).collect();
        assert_eq!(definitions, [("Invoice", "type"), ("Total", "method"), ("Print", "function")]);
    }
}
