//! `specbuilder check`: validate every project of a directory, working tree or git revision.

use crate::report::{self, Format};
use crate::source;
use anyhow::Context;
use clap::Args;
use spec_format::Summary;
use std::io::Write;
use std::path::PathBuf;

use super::Outcome;
use super::repo::Repo;

/// Check the specs of a repository: format errors, contradictions, broken dependencies,
/// stale or invalid artifacts, untraced requirements and (with --base) changed locked decisions.
///
/// Every project under `specs/` is checked. A file that cannot be parsed is reported and the
/// rest is still checked.
///
/// Exit status: 0 nothing at or above --fail-on, 1 findings at or above it (errors by default),
/// 2 could not run.
///
/// Examples:
///   specbuilder check                          the working tree of the current directory
///   specbuilder check examples/team-tracker    another directory
///   specbuilder check --ref main               the committed state of `main`, no checkout
///   specbuilder check --base origin/main       also refuse changes to locked decisions
///   specbuilder check --format sarif > specs.sarif
///   specbuilder check --format github          annotations in a GitHub Actions step, the
///                                              job summary and the step outputs errors,
///                                              warnings and notices
///   specbuilder check --fail-on warning        exit 1 on warnings too (never: report only)
///   specbuilder check --format codequality > gl-code-quality-report.json
///                                              GitLab's merge request widget
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

    /// Which findings make the exit status 1: errors, warnings (and errors), or never.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Also ask the language model (SPECBUILDER_LLM_*) for contradictions in meaning between
    /// free-text answers; they are reported as warnings (SB701), never errors.
    #[arg(long)]
    pub llm: bool,
}

/// The findings that fail a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

impl FailOn {
    fn fails(self, summary: &Summary) -> bool {
        match self {
            FailOn::Error => summary.errors > 0,
            FailOn::Warning => summary.errors + summary.warnings > 0,
            FailOn::Never => false,
        }
    }
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
    let base = base.map(|b| {
        let workspace = crate::conversation::workspace(&b, &layout);
        (b, workspace)
    });
    let base = base.as_ref().map(|(snapshot, workspace)| (snapshot, workspace));
    let mut findings = crate::verify::check_all(&snapshot, &workspace, base, args.strict);
    if args.llm {
        findings.extend(model_warnings(&workspace)?);
        spec_format::finding::sort_findings(&mut findings);
    }

    let output = match args.format {
        Format::Json => report::json(&findings),
        Format::Sarif => report::sarif(&findings),
        Format::Codequality => report::codequality(&findings, &repository_root(&args.dir)),
        Format::Github => {
            append_to_runner_file("GITHUB_STEP_SUMMARY", "the job summary", &report::github::summary(&findings))?;
            append_to_runner_file("GITHUB_OUTPUT", "the step outputs", &report::github::outputs(&findings))?;
            report::github::annotations(&findings)
        }
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
    Ok(if args.fail_on.fails(&Summary::of(&findings)) { Outcome::Errors } else { Outcome::Clean })
}

/// Appends to a file a GitHub runner names in `variable`, when it is set.
fn append_to_runner_file(variable: &str, what: &str, text: &str) -> anyhow::Result<()> {
    let Some(path) = std::env::var_os(variable).filter(|p| !p.is_empty()) else { return Ok(()) };
    let file = std::fs::OpenOptions::new().create(true).append(true).open(&path);
    file.and_then(|mut file| file.write_all(text.as_bytes()))
        .with_context(|| format!("writing {what} to {} (${variable})", std::path::Path::new(&path).display()))
}

/// Where `dir` sits in its git repository (`""` at the top, or outside one), with `/`.
fn repository_root(dir: &std::path::Path) -> String {
    let Ok(repo) = gix::discover(dir) else { return String::new() };
    let prefix = source::prefix_in_repo(&repo, dir);
    prefix.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

/// Semantic warnings from the model for each project's free-text answers. A model that fails
/// is reported on stderr and the check goes on without it.
fn model_warnings(workspace: &spec_format::Workspace) -> anyhow::Result<Vec<spec_format::Finding>> {
    use crate::llm::{Assistant, LlmConfig, TextAnswer};
    use spec_format::model::{AnswerFormat, decision::OTHER_PREFIX};
    use spec_format::{Code, Finding, Location};
    let config = LlmConfig::from_env().context(
        "--llm needs SPECBUILDER_LLM_BASE_URL and SPECBUILDER_LLM_MODEL (and usually SPECBUILDER_LLM_API_KEY)",
    )?;
    let assistant = Assistant::new(&config)?;
    let mut findings = Vec::new();
    for project in &workspace.projects {
        let free_text: Vec<(&spec_format::workspace::DecisionDoc, String)> = (project.decisions.iter())
            .filter(|d| d.decision().status.is_in_force())
            .filter_map(|d| {
                let answer = d.decision().answer.as_ref()?.to_string();
                (d.decision().format == AnswerFormat::Text || answer.starts_with(OTHER_PREFIX)).then_some((d, answer))
            })
            .collect();
        let answers: Vec<TextAnswer<'_>> = (free_text.iter())
            .map(|(d, answer)| TextAnswer { key: &d.decision().key, question: &d.decision().question, answer })
            .collect();
        match assistant.semantic_warnings(&answers) {
            Ok(warnings) => {
                for warning in warnings {
                    let at = |key: &str| free_text.iter().find(|(d, _)| d.decision().key == key).map(|(d, _)| d);
                    let (Some(first), Some(second)) = (at(&warning.keys[0]), at(&warning.keys[1])) else { continue };
                    let line = |d: &spec_format::workspace::DecisionDoc| d.doc.lines.first_of(&["answer", "key"]);
                    findings.push(
                        Finding::new(
                            Code::ModelWarning,
                            first.path(),
                            line(first),
                            format!("model: {}", warning.explanation),
                        )
                        .related(
                            Location::new(second.path(), line(second)).with_message(format!("`{}`", warning.keys[1])),
                        ),
                    );
                }
            }
            Err(error) => {
                eprintln!("note: the model gave nothing usable for `{}` ({error}); checked without it", project.slug)
            }
        }
    }
    Ok(findings)
}
