//! `specbuilder analyze` and `specbuilder impact`: the shape of an existing codebase, and what
//! a change to part of it reaches.

use super::Outcome;
use crate::analyze::{self, graph, ground, render};
use crate::config::Config;
use crate::engine::Catalog;
use crate::store::{self, BranchHead};
use clap::{Args, ValueEnum};
use spec_format::model::{Codebase, Depth, Project, ProjectKind, ProjectStatus};
use spec_format::{ident::is_slug, write};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

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
///   specbuilder analyze --ref v1.4.0 --format json > before.json
///   specbuilder analyze --format markdown > ARCHITECTURE.md
///   specbuilder analyze --project checkout-v2     # then: specbuilder ask --project checkout-v2
#[derive(Debug, Args)]
#[command(
    verbatim_doc_comment,
    about = "Analyse an existing codebase: dependency graph, entry points, deployables, tests, main modules"
)]
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
    /// Analyse the code of a git revision (branch, tag, commit) instead of the working tree,
    /// read from git's object database without a checkout.
    #[arg(long = "ref", value_name = "REV")]
    pub rev: Option<String>,
    /// Record the analysis in a brownfield project: commit specs/<SLUG>/codebase/ (analysis.json,
    /// architecture.md) on its branch spec/<SLUG>, with a brownfield-change template whose
    /// questions offer the components and entry points found. Starts the project if needed.
    #[arg(long, value_name = "SLUG")]
    pub project: Option<String>,
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
/// Each TARGET is a file (src/shop/billing/tax.py), a folder (src/shop/billing), a dotted module
/// (shop.billing, found under source roots too) or a component name from `analyze`.
///
/// Examples:
///   specbuilder impact src/shop/billing/tax.py
///   specbuilder impact shop.billing --dir ../legacy-app --format json
///   specbuilder impact $(git diff --name-only main)     # what a branch's changes reach
#[derive(Debug, Args)]
#[command(
    verbatim_doc_comment,
    about = "What a change reaches: dependent files, tests to run, entry points and deployables affected"
)]
pub struct ImpactArgs {
    /// The files, folders, modules or components that change.
    #[arg(required = true, value_name = "TARGET")]
    pub targets: Vec<String>,
    /// The repository.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ImpactFormat::Text)]
    pub format: ImpactFormat,
    /// Read the code as of a git revision instead of the working tree.
    #[arg(long = "ref", value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ImpactFormat {
    Text,
    Json,
}

fn analysis_of(dir: &Path, rev: Option<&str>, use_cache: bool) -> anyhow::Result<analyze::Analysis> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a directory", dir.display());
    }
    // On a terminal, a count of the files parsed (a large repository takes seconds cold).
    let terminal = std::io::stderr().is_terminal();
    let progress = |done: usize, total: usize| {
        if terminal && done.is_multiple_of(250) {
            eprint!("\rparsing: {done} of up to {total} files");
        }
    };
    let analysis = match rev {
        Some(rev) => analyze::analyze_revision(dir, rev, use_cache, &progress),
        None => analyze::analyze(dir, use_cache, &progress),
    };
    if terminal {
        eprint!("\r\x1b[K");
    }
    analysis
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<Outcome> {
    let analysis = analysis_of(&args.dir, args.rev.as_deref(), !args.no_cache)?;
    let system = render::system_name(&args.dir);
    if let Some(slug) = &args.project {
        return record_in_project(&args.dir, slug, &analysis, &system);
    }
    match args.format {
        AnalyzeFormat::Json => println!("{}", serde_json::to_string_pretty(&analysis)?),
        AnalyzeFormat::Mermaid => print!("{}", render::c4_components(&analysis, &system)),
        AnalyzeFormat::Markdown => print!("{}", render::markdown(&analysis, &system)),
        AnalyzeFormat::Text => print!("{}", render::text(&analysis)),
    }
    Ok(Outcome::Clean)
}

pub fn impact(args: ImpactArgs) -> anyhow::Result<Outcome> {
    let analysis = analysis_of(&args.dir, args.rev.as_deref(), true)?;
    let mut changed = Vec::new();
    for target in &args.targets {
        let found = graph::select(&analysis, target);
        if found.is_empty() {
            anyhow::bail!(
                "nothing in {} is named {target:?}: give a file, a folder, a dotted module or a component (see `specbuilder analyze`)",
                args.dir.display(),
            );
        }
        changed.extend(found);
    }
    changed.sort_unstable();
    changed.dedup();
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

/// Commits the analysis to the project's branch (starting the project if it has none), unless
/// the branch already holds exactly this analysis.
fn record_in_project(dir: &Path, slug: &str, analysis: &analyze::Analysis, system: &str) -> anyhow::Result<Outcome> {
    if !is_slug(slug) {
        anyhow::bail!("`{slug}` is not a valid slug: use lowercase letters, digits and `-` (at most 63)");
    }
    let repository = store::open(dir)?;
    let top = repository.workdir().map(Path::to_owned).unwrap_or_else(|| dir.to_owned());
    let specs = Config::load(&top)?.specs_dir().to_owned();
    let code_path = dir.canonicalize()?.strip_prefix(top.canonicalize()?).map(|p| p.to_string_lossy().into_owned());
    let code_path = code_path.ok().filter(|p| !p.is_empty()).unwrap_or_else(|| ".".into());
    let branch = store::project_branch(slug);
    let head = store::read_branch_head(&repository, &branch)?;
    let parent = head.0.or_else(|| repository.head_id().ok().map(|id| id.detach()));

    let catalog = Catalog::built_in();
    let base = &catalog.get(ground::BASE).expect("the built-in brownfield template").template.value;
    let template = ground::grounded(base, slug, analysis);
    // The run's own statistics would make every re-run a change.
    let mut json = serde_json::to_value(analysis)?;
    json.as_object_mut().map(|o| o.remove("stats"));
    let mut files = vec![
        (
            format!("{specs}/{slug}/codebase/analysis.json"),
            format!("{}\n", serde_json::to_string_pretty(&json)?).into_bytes(),
        ),
        (format!("{specs}/{slug}/codebase/architecture.md"), render::markdown(analysis, system).into_bytes()),
        (format!(".specbuilder/templates/{}.yaml", template.id), write::template(&template).into_bytes()),
    ];
    let new_project = head.0.is_none();
    if new_project {
        let project = Project {
            name: slug.to_owned(),
            kind: ProjectKind::Brownfield,
            template: Some(template.id.clone()),
            depth: Depth::Standard,
            targets: Vec::new(),
            status: ProjectStatus::Active,
            codebase: Some(Codebase { path: code_path, languages: analysis.languages.keys().cloned().collect() }),
            body: format!("A change to {system}, planned against its code as analysed.\n"),
        };
        files.push((format!("{specs}/{slug}/project.md"), write::project(&project).into_bytes()));
    } else if let Some(commit) = head.0 {
        let mut unchanged = true;
        for (path, bytes) in &files {
            unchanged &=
                crate::delivery::diff::read_at(&repository, commit, path)?.as_deref() == Some(bytes.as_slice());
        }
        if unchanged {
            println!("{branch} already holds this analysis; nothing to commit");
            return Ok(Outcome::Clean);
        }
    }
    let message = format!(
        "spec({slug}): analyse the codebase ({} files, {} dependencies, {} entry points)",
        analysis.files.len(),
        analysis.edges.len(),
        analysis.entry_points.len()
    );
    let id = store::commit_files(&repository, &branch, BranchHead(head.0), parent, &files, &message)?;
    println!(
        "committed {} on {branch}: {}",
        id.to_hex_with_len(8),
        files.iter().map(|f| f.0.as_str()).collect::<Vec<_>>().join(", ")
    );
    if new_project {
        let (assumed, _) = crate::conversation::assume_all_skipped(&top, slug)?;
        if !assumed.is_empty() {
            println!("assumed (not asked at this depth): {}", assumed.join(", "));
        }
        println!("next: specbuilder ask --project {slug}");
    }
    Ok(Outcome::Clean)
}
