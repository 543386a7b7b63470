//! The languages `analyze` reads: which files are which, their tree-sitter grammars, and one
//! query per language (imports as written plus the grammar's own tags query for definitions),
//! compiled once.

use std::sync::OnceLock;
use tree_sitter::{Language, Query};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
    Java,
    CSharp,
    Php,
    Ruby,
}

impl Lang {
    pub const ALL: [Lang; 9] = [
        Lang::Python,
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::Go,
        Lang::Java,
        Lang::CSharp,
        Lang::Php,
        Lang::Ruby,
    ];

    /// The language of a file, by its name.
    pub fn of(path: &str) -> Option<Lang> {
        let name = path.rsplit('/').next().unwrap_or(path);
        if name == "Rakefile" || name == "Gemfile" || name == "config.ru" {
            return Some(Lang::Ruby);
        }
        if name.ends_with(".min.js") || name.ends_with(".d.ts") || name.ends_with(".bundle.js") {
            return None; // minified bundles and declaration files are not the code
        }
        Some(match name.rsplit_once('.')?.1 {
            "py" => Lang::Python,
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "go" => Lang::Go,
            "java" => Lang::Java,
            "cs" => Lang::CSharp,
            "php" => Lang::Php,
            "rb" | "rake" => Lang::Ruby,
            _ => return None,
        })
    }

    /// The name shown to users and used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::Go => "go",
            Lang::Java => "java",
            Lang::CSharp => "csharp",
            Lang::Php => "php",
            Lang::Ruby => "ruby",
        }
    }

    /// The ecosystem whose resolution rules apply (TS and TSX resolve like JavaScript).
    pub fn family(self) -> Lang {
        match self {
            Lang::TypeScript | Lang::Tsx => Lang::JavaScript,
            other => other,
        }
    }

    fn grammar(self) -> Language {
        Language::new(match self {
            Lang::Python => tree_sitter_python::LANGUAGE,
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE,
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT,
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX,
            Lang::Go => tree_sitter_go::LANGUAGE,
            Lang::Java => tree_sitter_java::LANGUAGE,
            Lang::CSharp => tree_sitter_c_sharp::LANGUAGE,
            Lang::Php => tree_sitter_php::LANGUAGE_PHP,
            Lang::Ruby => tree_sitter_ruby::LANGUAGE,
        })
    }

    /// The query that finds imports: captures named `import` (a node whose text is the import
    /// as written), `source` (a string literal naming a module) or `declares` (the package or
    /// namespace the file itself belongs to); plus definitions the grammar's tags miss.
    fn imports_query(self) -> String {
        match self {
            Lang::Python => r#"
                (import_statement) @import
                (import_from_statement) @import
                "#
            .into(),
            Lang::JavaScript => JS_IMPORTS.into(),
            Lang::TypeScript | Lang::Tsx => format!("{JS_IMPORTS}{TS_ONLY_IMPORTS}"),
            Lang::Go => r#"
                (import_spec path: (_) @source)
                (package_clause (package_identifier) @declares)
                "#
            .into(),
            Lang::Java => r#"
                (import_declaration) @import
                (package_declaration (_) @declares)
                (record_declaration name: (identifier) @name) @definition.record
                (enum_declaration name: (identifier) @name) @definition.enum
                "#
            .into(),
            Lang::CSharp => r#"
                (using_directive) @import
                (namespace_declaration name: (_) @declares)
                (file_scoped_namespace_declaration name: (_) @declares)
                (struct_declaration name: (identifier) @name) @definition.struct
                (enum_declaration name: (identifier) @name) @definition.enum
                (record_declaration name: (identifier) @name) @definition.record
                "#
            .into(),
            Lang::Php => r#"
                (namespace_use_declaration) @import
                (namespace_definition name: (namespace_name) @declares)
                (require_expression (string (string_content) @source))
                (require_once_expression (string (string_content) @source))
                (include_expression (string (string_content) @source))
                (include_once_expression (string (string_content) @source))
                "#
            .into(),
            Lang::Ruby => r#"
                (call
                  method: (identifier) @fn
                  arguments: (argument_list . (string (string_content) @source)))
                "#
            .into(),
        }
    }

    /// The grammar's own tags query (definitions and references), as the grammar crates ship it.
    fn tags_query(self) -> String {
        match self {
            Lang::Python => tree_sitter_python::TAGS_QUERY.to_owned(),
            Lang::JavaScript => tree_sitter_javascript::TAGS_QUERY.to_owned(),
            // TypeScript's tags extend JavaScript's.
            Lang::TypeScript | Lang::Tsx => {
                format!("{}\n{}", tree_sitter_javascript::TAGS_QUERY, tree_sitter_typescript::TAGS_QUERY)
            }
            Lang::Go => tree_sitter_go::TAGS_QUERY.to_owned(),
            Lang::Java => tree_sitter_java::TAGS_QUERY.to_owned(),
            // The shipped query captures `@module`, which nothing defines; it goes.
            Lang::CSharp => tree_sitter_c_sharp::TAGS_QUERY.replace("@module", ""),
            Lang::Php => tree_sitter_php::TAGS_QUERY.to_owned(),
            Lang::Ruby => tree_sitter_ruby::TAGS_QUERY.to_owned(),
        }
    }
}

const JS_IMPORTS: &str = r#"
(import_statement source: (string (string_fragment) @source))
(export_statement source: (string (string_fragment) @source))
(call_expression
  function: [(identifier) @fn (import)]
  arguments: (arguments . (string (string_fragment) @source)))
"#;

/// What TypeScript adds to JavaScript's imports: `import x = require("...")`.
const TS_ONLY_IMPORTS: &str = r#"
(import_require_clause source: (string (string_fragment) @source))
"#;

/// A language's grammar and query, ready to use.
pub struct Compiled {
    pub grammar: Language,
    pub query: Query,
}

/// Each language's query, compiled when first needed (compiling all nine costs about half a
/// second, most of it for grammars a repository does not use).
static COMPILED: [OnceLock<Compiled>; Lang::ALL.len()] = [const { OnceLock::new() }; Lang::ALL.len()];

fn compile(lang: Lang) -> Compiled {
    let grammar = lang.grammar();
    let source = format!("{}\n{}", lang.imports_query(), lang.tags_query());
    let mut query = Query::new(&grammar, &source).unwrap_or_else(|e| panic!("the {} query compiles: {e}", lang.name()));
    // Only definitions are kept from the tags query; matching references would only cost time.
    for pattern in 0..query.pattern_count() {
        let text = &source[query.start_byte_for_pattern(pattern)..query.end_byte_for_pattern(pattern)];
        if text.contains("@reference.") {
            query.disable_pattern(pattern);
        }
    }
    Compiled { grammar, query }
}

pub fn compiled(lang: Lang) -> &'static Compiled {
    COMPILED[lang as usize].get_or_init(|| compile(lang))
}
