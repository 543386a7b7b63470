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
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ExportArgs {
    /// Write the files into this folder.
    #[arg(long, value_name = "DIR", conflicts_with = "zip", required_unless_present = "zip")]
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
