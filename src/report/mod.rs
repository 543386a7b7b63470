//! Rendering findings: text for people, JSON for scripts, SARIF for code-scanning tools,
//! workflow commands for GitHub Actions, Code Quality for GitLab merge requests.

pub mod codequality;
pub mod github;
mod json;
mod sarif;
mod text;

pub use codequality::render as codequality;
pub use json::render as json;
pub use sarif::render as sarif;
pub use text::{Scope as TextScope, render as text};

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: file:line, the source lines involved, both sides of a contradiction.
    #[default]
    Text,
    /// One JSON object: {"findings": [...], "summary": {...}}.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions annotations (`::error file=…`), the most important first; with
    /// $GITHUB_STEP_SUMMARY set, every finding also goes to the job summary.
    Github,
    /// GitLab Code Quality (a JSON array for `artifacts: reports: codequality`), paths
    /// relative to the repository.
    Codequality,
}

/// Makes user text inert in Markdown: escapes markup characters and breaks `@mentions`.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' => {
                out.push('\\');
                out.push(c);
            }
            // A zero-width joiner after @ keeps GitHub from notifying anyone.
            '@' => out.push_str("@\u{200d}"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text that goes into a comment verbatim (code spans and blocks) with every HTML comment opener
/// broken by a zero-width space, so nothing in it can pass for one of the bot's hidden markers.
pub fn break_comment_openers(text: &str) -> String {
    text.replace("<!--", "<\u{200b}!--")
}
