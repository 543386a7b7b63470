//! `specbuilder check`: validate every project of a directory, working tree or git revision.

use crate::report::{self, Format};
use crate::source;
use anyhow::Context;
use clap::Args;
use spec_format::Summary;
use spec_format::validate::{self, Options};
use std::io::Write;
use std::path::PathBuf;

use super::Outcome;
use super::repo::Repo;

/// Check the specs of a repository: format errors, contradictions, broken dependencies,
/// stale artifacts and (with --base) changed locked decisions.
///
/// Every project under `specs/` is checked. A file that cannot be parsed is reported and the
/// rest is still checked.
///
/// Exit status: 0 no errors, 1 errors found, 2 could not run.
///
/// Examples:
///   specbuilder check                          the working tree of the current directory
///   specbuilder check examples/team-tracker    another directory
///   specbuilder check --ref main               the committed state of `main`, no checkout
///   specbuilder check --base origin/main       also refuse changes to locked decisions
///   specbuilder check --format sarif > specs.sarif
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// The directory to check (a repository root, or any folder with a `specs/` inside).
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Check this git revision (branch, tag, commit) instead of the files on disk.
    #[arg(long = "ref", value_name = "REV")]
    pub rev: Option<String>,

    /// Compare with this revision: decisions locked there may not change.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Treat warnings (stale artifacts, undecided dependencies, ...) as errors.
    #[arg(long)]
    pub strict: bool,
}

pub fn run(args: CheckArgs) -> anyhow::Result<Outcome> {
    let Repo { snapshot, workspace, layout } = Repo::load(&args.dir, args.rev.as_deref())?;
    let base = match &args.base {
        Some(rev) => Some(
            source::read_revision(&args.dir, rev, &layout.specs_dir)
                .with_context(|| format!("reading the base revision `{rev}`"))?,
        ),
        None => None,
    };
    let base_workspace = base.map(|b| crate::conversation::workspace(&b, &layout));
    let mut findings = snapshot.findings.clone();
    findings.extend(validate::validate(&workspace, &Options { strict: args.strict, base: base_workspace.as_ref() }));
    spec_format::finding::sort_findings(&mut findings);

    let output = match args.format {
        Format::Json => report::json(&findings),
        Format::Sarif => report::sarif(&findings),
        Format::Text => {
            let sources = snapshot.files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())).collect();
            let scope = report::TextScope {
                sources: &sources,
                projects: workspace.projects.len(),
                decisions: workspace.projects.iter().map(|p| p.decisions.len()).sum(),
            };
            report::text(&findings, &scope)
        }
    };
    let mut stdout = anstream::stdout().lock();
    stdout.write_all(output.as_bytes()).context("writing the report")?;
    stdout.flush().context("writing the report")?;
    Ok(if Summary::of(&findings).errors > 0 { Outcome::Errors } else { Outcome::Clean })
}
