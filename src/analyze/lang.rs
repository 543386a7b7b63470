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
    /// By node kind id: the nodes inside which nothing the query looks for can start (empty when
    /// any node can hold an import or a definition).
    pub sealed: Vec<bool>,
}

impl Compiled {
    pub fn is_sealed(&self, kind: u16) -> bool {
        self.sealed.get(usize::from(kind)).copied().unwrap_or(false)
    }
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
    let sealed = sealed_kinds(lang, &grammar);
    Compiled { grammar, query, sealed }
}

/// Python's statements that hold no other statement.
const PYTHON_SIMPLE_STATEMENTS: &[&str] = &[
    "expression_statement",
    "return_statement",
    "delete_statement",
    "raise_statement",
    "pass_statement",
    "break_statement",
    "continue_statement",
    "global_statement",
    "nonlocal_statement",
    "exec_statement",
    "print_statement",
    "assert_statement",
    "type_alias_statement",
    "import_statement",
    "import_from_statement",
    "future_import_statement",
];

/// The node kinds inside which nothing the query looks for can start, in the languages where
/// that holds for the expressions: Python's imports and definitions are statements, and no
/// expression, parameter or simple statement holds a statement; Go's imports and declarations
/// never sit inside an expression, a simple statement or a type (a function literal's local
/// types aside). Taken from the grammar's supertypes where it names them. In JavaScript, PHP
/// and Ruby a `require` is itself an expression and functions are values: nothing is sealed.
fn sealed_kinds(lang: Lang, grammar: &Language) -> Vec<bool> {
    let (supertypes, kinds): (&[&str], &[&str]) = match lang {
        Lang::Python => (&["expression", "primary_expression", "parameter", "pattern"], PYTHON_SIMPLE_STATEMENTS),
        Lang::Go => (&["_expression", "_simple_statement", "_simple_type"], &[]),
        _ => return Vec::new(),
    };
    let mut sealed = vec![false; grammar.node_kind_count()];
    for &supertype in grammar.supertypes() {
        if grammar.node_kind_for_id(supertype).is_some_and(|name| supertypes.contains(&name)) {
            for &kind in grammar.subtypes_for_supertype(supertype) {
                sealed[usize::from(kind)] = true;
            }
        }
    }
    for kind in 0..sealed.len() as u16 {
        if grammar.node_kind_is_named(kind) && grammar.node_kind_for_id(kind).is_some_and(|name| kinds.contains(&name))
        {
            sealed[usize::from(kind)] = true;
        }
    }
    sealed
}

/// `calloc` on mimalloc (whose own is behind a feature that brings another crate).
unsafe extern "C" fn zeroed(count: usize, size: usize) -> *mut std::ffi::c_void {
    match count.checked_mul(size) {
        Some(bytes) => unsafe { libmimalloc_sys::mi_zalloc(bytes) },
        None => std::ptr::null_mut(),
    }
}

pub fn compiled(lang: Lang) -> &'static Compiled {
    static ALLOCATOR: std::sync::Once = std::sync::Once::new();
    // SAFETY: tree-sitter's allocator must be set before any tree-sitter object exists; every
    // one of ours is made after this call (the queries here, then parsers and trees in
    // `facts::read`), and no other part of the crate uses tree-sitter.
    ALLOCATOR.call_once(|| unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: libmimalloc_sys::mi_malloc,
            calloc: zeroed,
            realloc: libmimalloc_sys::mi_realloc,
            free: libmimalloc_sys::mi_free,
        }))
    });
    COMPILED[lang as usize].get_or_init(|| compile(lang))
}
