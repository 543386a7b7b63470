//! `specbuilder demo`: the whole product in one command, on a fresh repository.

use super::Outcome;
use super::new::{DepthArg, NewArgs, NewOptions};
use crate::conversation::{self, Session};
use crate::delivery::{self, Generated};
use anyhow::{Context, bail};
use clap::Args;
use spec_format::Severity;
use spec_format::validate::{self, Options};
use std::path::{Path, PathBuf};

const SLUG: &str = "team-tracker";
const IDEA: &str = "A task tracker for small teams: projects, tasks with due dates, comments, \
                    and a weekly digest of what is late.";

/// The demo's answers where it does not take the recommended option.
const SCRIPT: &[(&str, &str)] = &[
    ("product.audience", "smb"),
    ("product.platform", "web"),
    ("auth.signup", "invite"),
    ("users.roles", "owner_member"),
    (
        "data.entities",
        "Project: name!, description:text?; Task: title, done:bool, due_on:date?, project:Project; \
         Comment: body, task:Task",
    ),
    ("api.style", "rest"),
    ("api.pagination", "cursor"),
];

/// Run the whole product once: a repository, a conversation, every artifact, checked.
///
/// Makes a git repository (in DIR, or a new temporary directory), starts the project
/// `team-tracker` from the saas-web template, answers its questions through the real engine
/// (a short script, else the recommended option), generates every target, checks the result
/// with real parsers, and prints a summary with paths. The repository is left on the branch
/// spec/team-tracker with the finished spec and all artifacts checked out.
///
/// Examples:
///   specbuilder demo                      in a temporary directory (its path is printed)
///   specbuilder demo --dir /tmp/tracker   in a new (or empty) directory of your choice
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DemoArgs {
    /// Where to make the repository (must not exist yet, or be empty).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

pub fn run(args: DemoArgs) -> anyhow::Result<Outcome> {
    let dir = match args.dir {
        Some(dir) => {
            if dir.exists()
                && std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?.next().is_some()
            {
                bail!(
                    "{} is not empty; the demo makes a new repository, give it a new or empty directory",
                    dir.display()
                );
            }
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            dir
        }
        None => tempfile::Builder::new().prefix("specbuilder-demo-").tempdir()?.keep(),
    };
    let repo = gix::init(&dir).with_context(|| format!("making a git repository in {}", dir.display()))?;
    // The branch the demo commits to is the one checked out at the end.
    std::fs::write(repo.git_dir().join("HEAD"), format!("ref: refs/heads/spec/{SLUG}\n"))?;
    println!("repository: {}", dir.display());

    let started = super::new::start(&NewArgs {
        options: NewOptions {
            slug: SLUG.into(),
            words: Vec::new(),
            template: Some("saas-web".into()),
            depth: Some(DepthArg::Standard),
            targets: Vec::new(),
            name: Some("Team Tracker".into()),
            idea: Some(IDEA.into()),
        },
        dir: dir.clone(),
    })?;
    println!("started {SLUG} from template saas-web; {} assumption(s) recorded", started.assumed.len());

    let (answered, deferred) = conversation::autopilot(started.session, SCRIPT)?;
    println!("answered {answered} question(s) through the engine, one commit each; deferred {deferred}");

    let session = Session::open(&dir, Some(SLUG))?;
    // Every target the template describes: a greenfield project has no change plan.
    let targets = delivery::default_targets(session.project()?, Some(session.template()?));
    let request = delivery::Request { targets: &targets, partial: true, force: false, overview: None };
    let files = match delivery::generate_on_branch(&session, request)? {
        Generated::Committed { delivery, .. } | Generated::UpToDate(delivery) => delivery.files,
        _ => bail!("the demo could not generate its artifacts"),
    };

    let session = Session::open(&dir, Some(SLUG))?;
    let mut findings = validate::validate(&session.workspace, &Options::default());
    findings.extend(crate::verify::check_project(session.project()?, &session.snapshot.files));
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.iter().filter(|f| f.severity == Severity::Warning).count();
    check_out(&session.repo, session.head.0.context("the branch has a commit")?, &dir)?;

    let project = session.project()?;
    println!("\ngenerated {} artifact file(s) for {} targets:", files.len() - 1, targets.len());
    for (path, bytes) in &files {
        println!("  {}  ({bytes} bytes)", dir.join(path).display(), bytes = bytes.len());
    }
    println!(
        "\nchecked: {} decisions, {errors} error(s), {warnings} warning(s); every artifact passed its parser{}",
        project.decisions.len(),
        if findings.iter().any(|f| f.code == spec_format::Code::InvalidArtifact) { " except those listed" } else { "" }
    );
    for f in findings.iter().filter(|f| f.severity != Severity::Info) {
        println!("  {} {}: {}", f.code.as_str(), f.path, f.message);
    }
    println!("\nnext: cd {} && git log --oneline | head && specbuilder status", dir.display());
    Ok(if errors == 0 { Outcome::Clean } else { Outcome::Errors })
}

/// Writes the files of `commit` into the working tree and the index, as `git checkout` would
/// on a fresh repository.
fn check_out(repo: &gix::Repository, commit: gix::ObjectId, dir: &Path) -> anyhow::Result<()> {
    let tree = repo.find_commit(commit)?.tree()?;
    for record in tree.traverse().breadthfirst.files()? {
        if !record.mode.is_blob() {
            continue;
        }
        let path = dir.join(record.filepath.to_string());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &repo.find_blob(record.oid)?.data)?;
    }
    let mut index = repo.index_from_tree(&tree.id)?;
    index.write(Default::default())?;
    Ok(())
}
