//! `specbuilder analyze` and `specbuilder impact`: the shape of an existing codebase, and what
//! a change to part of it reaches.

use super::Outcome;
use crate::analyze::{self, graph, render};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Analyse an existing codebase: files and lines per language, the file dependency graph from
/// resolved imports, packages used from outside, entry points, deployables, tests, and the main
/// modules ranked.
///
/// Languages: TypeScript/TSX, JavaScript, Python, Go, Java, C#, PHP and Ruby (tree-sitter; a
/// file with syntax errors is read as far as it parses and reported as info). Imports resolve as
/// each ecosystem does: tsconfig paths and package.json (oxc_resolver), Python packages and
/// relative imports, go.mod module paths, Java packages, C# namespaces, composer PSR-4, Ruby's
/// load path and Zeitwerk naming. Honours .gitignore; skips vendored and generated folders
/// (node_modules, vendor, venv, dist, build, ...), minified bundles and files over 1 MB.
///
/// Facts are cached by git blob id in .git/specbuilder/ of a repository, so a re-run reads only
/// what changed.
///
/// --format json prints one object:
///   {"files": [{path, language, loc, component, definitions}], "edges": [{from, to}],
///    "external": [{from, package}], "entry_points": [{path, kind, name?}],
///    "components": [{name, files, loc, rank, uses}], "containers": [{name, path, kind, context?}],
///    "tests": [{path, covers}], "languages": {...}, "parse_errors": [...], "stats": {...}}
///
/// Examples:
///   specbuilder analyze
///   specbuilder analyze ../legacy-app --format json > analysis.json
///   specbuilder analyze --format mermaid > components.mmd
///   specbuilder analyze --format markdown > ARCHITECTURE.md
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AnalyzeArgs {
    /// The directory to analyse.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format: a summary, the whole analysis, the C4 component diagram, or
    /// architecture.md with both C4 diagrams.
    #[arg(long, value_enum, default_value_t = AnalyzeFormat::Text)]
    pub format: AnalyzeFormat,
    /// Parse every file again instead of using the cache.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AnalyzeFormat {
    Text,
    Json,
    Mermaid,
    Markdown,
}

/// What changing part of a codebase reaches: the files that depend on it (transitively), the
/// tests to run, and the entry points and deployables affected.
///
/// TARGET is a file (src/shop/billing/tax.py), a folder (src/shop/billing), a dotted module
/// (shop.billing, found under source roots too) or a component name from `analyze`.
///
/// Examples:
///   specbuilder impact src/shop/billing/tax.py
///   specbuilder impact shop.billing --dir ../legacy-app --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ImpactArgs {
    /// The file, folder, module or component that changes.
    pub target: String,
    /// The repository.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ImpactFormat::Text)]
    pub format: ImpactFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ImpactFormat {
    Text,
    Json,
}

fn analysis_of(dir: &std::path::Path, use_cache: bool) -> anyhow::Result<analyze::Analysis> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a directory", dir.display());
    }
    analyze::analyze(dir, use_cache)
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<Outcome> {
    let analysis = analysis_of(&args.dir, !args.no_cache)?;
    let system = render::system_name(&args.dir);
    match args.format {
        AnalyzeFormat::Json => println!("{}", serde_json::to_string_pretty(&analysis)?),
        AnalyzeFormat::Mermaid => print!("{}", render::c4_components(&analysis, &system)),
        AnalyzeFormat::Markdown => print!("{}", render::markdown(&analysis, &system)),
        AnalyzeFormat::Text => print!("{}", render::text(&analysis)),
    }
    Ok(Outcome::Clean)
}

pub fn impact(args: ImpactArgs) -> anyhow::Result<Outcome> {
    let analysis = analysis_of(&args.dir, true)?;
    let changed = graph::select(&analysis, &args.target);
    if changed.is_empty() {
        anyhow::bail!(
            "nothing in {} is named {:?}: give a file, a folder, a dotted module or a component (see `specbuilder analyze`)",
            args.dir.display(),
            args.target
        );
    }
    let dependents = graph::Dependents::new(&analysis);
    let impact = graph::impact(&analysis, &dependents, &changed);
    match args.format {
        ImpactFormat::Json => println!("{}", serde_json::to_string_pretty(&impact)?),
        ImpactFormat::Text => {
            println!("changing {} file(s) reaches {} dependent file(s)", impact.changed.len(), impact.dependents.len());
            for dependent in &impact.dependents {
                println!("  {} (distance {})", dependent.path, dependent.distance);
            }
            println!("tests to run ({}):", impact.tests.len());
            for test in &impact.tests {
                println!("  {test}");
            }
            for entry in &impact.entry_points {
                println!("entry point affected: {} ({})", entry.path, entry.kind);
            }
            for container in &impact.containers {
                println!("deployable affected: {container}");
            }
        }
    }
    Ok(Outcome::Clean)
}
