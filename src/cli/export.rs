//! `specbuilder export`: everything a user downloads, as a folder or a zip.

use super::Outcome;
use super::repo::Repo;
use crate::conversation::conversation_ref;
use crate::delivery::export;
use anyhow::bail;
use clap::Args;
use std::path::PathBuf;

/// Export the committed artifacts of a project (and the spec they came from).
///
/// Reads the project branch spec/<slug> as committed (or, for a project without one, the files
/// on disk): run `specbuilder generate` first.
/// The export holds <slug>/artifacts/... and, unless --only-artifacts, <slug>/project.md and
/// <slug>/decisions/. --format keeps artifacts of the given manifest formats or types only
/// (e.g. `--format openapi --format github-issues`, `--format tickets`).
///
/// Examples:
///   specbuilder export --to out/                 a folder
///   specbuilder export --zip team-tracker.zip    a zip (same artifacts, same bytes)
///   specbuilder export --zip issues.zip --format github-issues --only-artifacts
///   specbuilder export --issues --to out/        the tickets as the issues the bot's
///                                                `/spec export issues` would create (this
///                                                repository has no tracker: a plan is written)
///   specbuilder export --issues --dry-run        what that plan holds, written nowhere
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ExportArgs {
    /// Write the files into this folder.
    #[arg(long, value_name = "DIR", conflicts_with = "zip", required_unless_present_any = ["zip", "issues", "dry_run"])]
    pub to: Option<PathBuf>,

    /// Write a zip archive.
    #[arg(long, value_name = "FILE")]
    pub zip: Option<PathBuf>,

    /// Only artifacts of these formats or types (as in manifest.json).
    #[arg(long = "format", value_name = "FORMAT")]
    pub formats: Vec<String>,

    /// Leave out project.md and the decisions.
    #[arg(long)]
    pub only_artifacts: bool,

    /// The project's tickets as issues for a tracker: writes <slug>-issues.json into --to (each
    /// issue's title, body with its hidden marker, and labels, in creation order).
    #[arg(long, conflicts_with_all = ["zip", "formats", "only_artifacts"])]
    pub issues: bool,

    /// With --issues: say what the plan holds, write nothing.
    #[arg(long, requires = "issues")]
    pub dry_run: bool,

    /// Replace files in --to that differ.
    #[arg(long)]
    pub force: bool,

    /// The project (needed when the repository has several project branches).
    #[arg(long, value_name = "SLUG")]
    pub project: Option<String>,

    /// The repository directory.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(args: ExportArgs) -> anyhow::Result<Outcome> {
    // The project's branch when there is one, else the files on disk.
    let rev = conversation_ref(&args.dir, args.project.as_deref());
    let repo = Repo::load(&args.dir, rev.as_deref())?;
    let project = repo.project(args.project.as_deref())?;
    if args.issues {
        return issues_plan(&args, project, &repo.snapshot.files);
    }
    let Some(manifest) = &project.manifest else {
        bail!("project `{}` has no artifacts yet; run `specbuilder generate` first", project.slug);
    };
    let manifest = &manifest.value;
    for format in &args.formats {
        if !manifest.artifacts.values().any(|e| &e.format == format || &e.kind == format) {
            let known: std::collections::BTreeSet<&str> =
                manifest.artifacts.values().flat_map(|e| [e.format.as_str(), e.kind.as_str()]).collect();
            bail!(
                "no artifact has the format or type `{format}` (known: {})",
                known.into_iter().collect::<Vec<_>>().join(", ")
            );
        }
    }
    let keep = |inner: &str| match inner.strip_prefix("artifacts/") {
        Some("manifest.json") => true,
        Some(name) => {
            args.formats.is_empty()
                || manifest
                    .artifacts
                    .get(name)
                    .is_some_and(|e| args.formats.iter().any(|f| f == &e.format || f == &e.kind))
        }
        None => {
            !args.only_artifacts && (inner == "project.md" || inner == "rules.yaml" || inner.starts_with("decisions/"))
        }
    };
    let files = export::collect(&repo.snapshot.files, &project.dir, &project.slug, keep);
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    match (&args.to, &args.zip) {
        (Some(dir), _) => {
            export::to_dir(dir, &files, args.force)?;
            println!("exported {} files ({bytes} bytes) to {}", files.len(), dir.display());
        }
        (None, Some(zip)) => {
            export::to_zip(zip, &files)?;
            println!("exported {} files ({bytes} bytes) to {}", files.len(), zip.display());
        }
        (None, None) => bail!("say where: --to DIR or --zip FILE"),
    }
    Ok(Outcome::Clean)
}

/// `--issues`: the issues a tracker would get, as a plan (the local repository has none).
fn issues_plan(
    args: &ExportArgs,
    project: &spec_format::workspace::ProjectSpec,
    files: &[spec_format::RepoFile],
) -> anyhow::Result<Outcome> {
    use crate::delivery::issues;
    let Some(tickets) = issues::tickets(files, &project.dir)? else {
        bail!("project `{}` has no tickets yet; run `specbuilder generate tickets` first", project.slug);
    };
    // Issue numbers are the host's to give: the plan's dependencies name tickets only.
    let numbers = std::collections::BTreeMap::new();
    let drafts: Vec<serde_json::Value> = (tickets.iter())
        .map(|ticket| {
            let draft = issues::draft(&project.slug, ticket, &numbers);
            serde_json::json!({ "ticket": ticket.id, "title": draft.title, "body": draft.body, "labels": draft.labels })
        })
        .collect();
    let name = format!("{}-issues.json", project.slug);
    if args.dry_run {
        for draft in &drafts {
            println!("{}", draft["title"].as_str().unwrap_or_default());
        }
        println!("{} issues planned for `{}`; nothing written (--dry-run)", drafts.len(), project.slug);
        return Ok(Outcome::Clean);
    }
    let dir = args.to.clone().unwrap_or_else(|| PathBuf::from("."));
    let json = serde_json::to_string_pretty(&drafts)? + "\n";
    export::to_dir(&dir, &[(name.clone(), json.as_bytes())], args.force)?;
    println!(
        "{} issues planned for `{}`: wrote {}. A local repository has no issue tracker; on GitHub, \
         `/spec export issues` in a comment creates them (and updates them when run again).",
        drafts.len(),
        project.slug,
        dir.join(&name).display()
    );
    Ok(Outcome::Clean)
}
