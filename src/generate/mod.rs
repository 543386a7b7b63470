//! Artifacts from decisions: every target is built from the same [`Spec`], deterministically
//! (same decisions, same bytes), and records which decisions it read.
//!
//! Structured formats (JSON, YAML, SQL, GraphQL, protobuf) are built as data or line by line
//! from the spec; nothing is templated from text a user wrote without escaping it first.

mod api;
mod change_plan;
mod deploy;
mod diagrams;
pub mod entities;
mod gherkin;
pub mod implied;
mod layout;
mod operations;
mod pdf;
pub mod plan;
mod prd;
mod schema;
pub mod spec;
mod tickets;

pub use prd::JSON_SCHEMA as PRD_SCHEMA;
pub use spec::Spec;

use std::collections::BTreeMap;
use std::fmt;

/// What `generate` can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Target {
    Prd,
    Schema,
    Openapi,
    Graphql,
    Proto,
    Tickets,
    C4,
    Gherkin,
    Deploy,
    ChangePlan,
}

impl Target {
    pub const ALL: [Target; 10] = [
        Target::Prd,
        Target::Schema,
        Target::Openapi,
        Target::Graphql,
        Target::Proto,
        Target::Tickets,
        Target::C4,
        Target::Gherkin,
        Target::Deploy,
        Target::ChangePlan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Target::Prd => "prd",
            Target::Schema => "schema",
            Target::Openapi => "openapi",
            Target::Graphql => "graphql",
            Target::Proto => "proto",
            Target::Tickets => "tickets",
            Target::C4 => "c4",
            Target::Gherkin => "gherkin",
            Target::Deploy => "deploy",
            Target::ChangePlan => "change-plan",
        }
    }

    pub fn parse(word: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.as_str() == word)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One generated file, named relative to `artifacts/`.
#[derive(Clone, Debug)]
pub struct Artifact {
    pub name: String,
    pub target: Target,
    /// `markdown`, `html`, `pdf`, `json`, `sql`, `mermaid`, `openapi`, `graphql`, `proto`,
    /// `csv`, `gherkin`, ...
    pub format: &'static str,
    pub bytes: Vec<u8>,
    /// Decision key -> sha256 of the decision file, for the manifest's `based_on`.
    pub based_on: BTreeMap<String, String>,
    /// The language model that wrote part of it, if any.
    pub model: Option<String>,
}

/// The version of the generators, recorded in the manifest as `template:<type>@<version>`.
pub const GENERATOR_VERSION: u32 = 1;

/// The gaps of a partial generation, written into the artifacts that have room for a note.
pub struct Gaps(pub Vec<spec::OpenQuestion>);

impl Gaps {
    /// One line per missing decision, for a comment at the top of an artifact.
    pub fn lines(&self) -> Vec<String> {
        (self.0.iter())
            .map(|q| format!("GAP: `{}` is not decided yet ({}); this part is a placeholder.", q.key, q.text))
            .collect()
    }

    /// The gaps as comment lines with `prefix` (`-- `, `# `, `// `, `%% `).
    pub fn comment(&self, prefix: &str) -> String {
        self.lines().iter().map(|l| format!("{prefix}{l}\n")).collect()
    }
}

/// Generates `target` from `spec`. `gaps` are the missing decisions of a `--partial` run.
pub fn generate(spec: &Spec<'_>, target: Target, gaps: &Gaps) -> Vec<Artifact> {
    spec.take_reads();
    // What the template says the target needs is part of what it was built from.
    spec.note_required(target.as_str());
    let files: Vec<(String, &'static str, Vec<u8>)> = match target {
        Target::Prd => prd::generate(spec, gaps),
        Target::Schema => schema::generate(spec, gaps),
        Target::Openapi => vec![("openapi.yaml".into(), "openapi", api::openapi(spec, gaps).into_bytes())],
        Target::Graphql => vec![("schema.graphql".into(), "graphql", api::graphql(spec, gaps).into_bytes())],
        Target::Proto => vec![("api.proto".into(), "proto", api::proto(spec, gaps).into_bytes())],
        Target::Tickets => tickets::generate(spec, gaps),
        Target::C4 => diagrams::c4(spec, gaps),
        Target::Gherkin => gherkin::generate(spec, gaps),
        Target::Deploy => vec![("deploy.md".into(), "markdown", deploy::generate(spec, gaps).into_bytes())],
        Target::ChangePlan => {
            let plan = change_plan::generate(spec, spec.codebase.as_ref(), gaps);
            vec![("change-plan.md".into(), "markdown", plan.into_bytes())]
        }
    };
    let based_on = spec.take_reads();
    let model = spec.overview.as_ref().filter(|_| target == Target::Prd).map(|o| o.model.clone());
    (files.into_iter())
        .map(|(name, format, bytes)| Artifact {
            name,
            target,
            format,
            bytes,
            based_on: based_on.clone(),
            model: model.clone(),
        })
        .collect()
}

/// Escapes text for a Markdown table cell or inline position.
pub(crate) fn md_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// One line of text safe inside a comment or a quoted string of a code format.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
