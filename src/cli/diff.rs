//! `specbuilder diff`: how an artifact changed between two versions in git.

use super::Outcome;
use crate::delivery::{diff, unified};
use crate::{config::Config, store};
use anyhow::bail;
use clap::Args;
use std::path::PathBuf;

/// Show how an artifact changed, from the git history of the project branch.
///
/// ARTIFACT is a file name inside artifacts/ (e.g. prd.md, openapi.yaml, tickets/jira.csv).
/// With no revision, compares the last two versions that differ on spec/<slug>; with one, that
/// revision against the branch head; with two, the first against the second.
///
/// Examples:
///   specbuilder diff openapi.yaml
///   specbuilder diff prd.md spec/team-tracker~3
///   specbuilder diff schema.sql v1.0 v1.1
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DiffArgs {
    /// The artifact, relative to artifacts/.
    pub artifact: String,
    /// The older revision.
    pub from: Option<String>,
    /// The newer revision (default: the head of the project branch).
    pub to: Option<String>,

    /// The project (needed when the repository has several project branches).
    #[arg(long, value_name = "SLUG")]
    pub project: Option<String>,

    /// The repository directory.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(args: DiffArgs) -> anyhow::Result<Outcome> {
    let repo = store::open(&args.dir)?;
    let slug = match &args.project {
        Some(slug) => slug.clone(),
        None => crate::conversation::only_project_branch(&repo)?,
    };
    let specs_dir = Config::load(&args.dir)?.specs_dir().to_owned();
    let name = args.artifact.trim_start_matches("artifacts/");
    let path = format!("{specs_dir}/{slug}/artifacts/{name}");
    let branch = store::project_branch(&slug);
    let head = store::read_branch_head(&repo, &branch)?.0;
    let Some(head) = head else { bail!("there is no branch `{branch}`") };
    let (old, new) = match (&args.from, &args.to) {
        (None, _) => diff::last_change(&repo, head, &path)?,
        (Some(from), to) => {
            let from = diff::resolve(&repo, from)?;
            let to = match to {
                Some(rev) => diff::resolve(&repo, rev)?,
                None => head,
            };
            (
                diff::Version { commit: from, bytes: diff::read_at(&repo, from, &path)? },
                diff::Version { commit: to, bytes: diff::read_at(&repo, to, &path)? },
            )
        }
    };
    if old.bytes.is_none() && new.bytes.is_none() {
        bail!("`{path}` exists in neither revision");
    }
    println!("{path}: {} -> {}", old.commit.to_hex_with_len(8), new.commit.to_hex_with_len(8));
    if old.bytes == new.bytes {
        println!("no change");
        return Ok(Outcome::Clean);
    }
    let text = unified(&path, old.bytes.as_deref().unwrap_or_default(), new.bytes.as_deref().unwrap_or_default());
    print!("{text}");
    Ok(Outcome::Clean)
}
