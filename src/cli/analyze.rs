//! `specbuilder analyze`: the shape of an existing codebase.

use super::Outcome;
use crate::analyze;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Analyse an existing codebase: files and lines per language, the file dependency graph from
/// resolved imports, packages used from outside, entry points, and the main modules ranked.
///
/// Honours .gitignore and skips vendored and generated folders (node_modules, vendor, venv,
/// dist, build, ...) and files over 1 MB. Languages: Python (tree-sitter); more to come.
///
/// --format json prints one object:
///   {"files": [{path, language, loc}], "edges": [{from, to}], "external": [{from, package}],
///    "entry_points": [{path, kind}], "components": [{name, files, loc, rank}],
///    "containers": [{name, path, kind}], "languages": {...}, "parse_errors": [...]}
///
/// Examples:
///   specbuilder analyze
///   specbuilder analyze ../legacy-app --format json > analysis.json
///   specbuilder analyze --format mermaid
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AnalyzeArgs {
    /// The directory to analyse.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalyzeFormat::Text)]
    pub format: AnalyzeFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AnalyzeFormat {
    Text,
    Json,
    Mermaid,
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<Outcome> {
    if !args.dir.is_dir() {
        anyhow::bail!("{} is not a directory", args.dir.display());
    }
    let analysis = analyze::analyze(&args.dir)?;
    match args.format {
        AnalyzeFormat::Json => println!("{}", serde_json::to_string_pretty(&analysis)?),
        AnalyzeFormat::Mermaid => print!("{}", analyze::mermaid(&analysis)),
        AnalyzeFormat::Text => {
            for (language, totals) in &analysis.languages {
                println!("{language}: {} files, {} lines", totals.files, totals.loc);
            }
            println!("{} dependencies between files", analysis.edges.len());
            let packages: std::collections::BTreeSet<&str> =
                analysis.external.iter().map(|e| e.package.as_str()).collect();
            println!("external packages: {}", packages.into_iter().collect::<Vec<_>>().join(", "));
            for entry in &analysis.entry_points {
                println!("entry point: {} ({})", entry.path, entry.kind);
            }
            println!("main modules:");
            for component in analysis.components.iter().take(10) {
                println!(
                    "  {:<24} {:>4} files {:>7} lines  rank {:.3}",
                    component.name, component.files, component.loc, component.rank
                );
            }
            if !analysis.parse_errors.is_empty() {
                println!(
                    "info: {} files parsed with syntax errors: {}",
                    analysis.parse_errors.len(),
                    analysis.parse_errors.join(", ")
                );
            }
        }
    }
    Ok(Outcome::Clean)
}
