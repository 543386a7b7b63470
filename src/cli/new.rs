//! `specbuilder new`: start a project on its own branch.

use super::Outcome;
use crate::config::Config;
use crate::engine::Catalog;
pub use crate::grammar::{DepthArg, NewOptions};
use crate::source;
use crate::store::{self, BranchHead};
use anyhow::bail;
use clap::Args;
use spec_format::ident::{did_you_mean, is_slug};
use spec_format::{Layout, write};
use std::path::PathBuf;

/// Start a project on its own branch `spec/<slug>` and show the first question.
///
/// The branch starts at HEAD with `specs/<slug>/project.md`; your working tree and current
/// branch are not touched. The bot's `/spec new` takes exactly these options.
///
/// Examples:
///   specbuilder new team-todo --template saas-web --depth quick --targets prd,schema,openapi
///   specbuilder new billing --template saas-web --idea "Usage-based billing for our API"
///   specbuilder new clinic api-service thorough       (the short form: template and depth)
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct NewArgs {
    #[command(flatten)]
    pub options: NewOptions,
    /// The repository directory.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(args: NewArgs) -> anyhow::Result<Outcome> {
    let started = start(&args)?;
    println!(
        "created branch {} at {} with {}",
        started.session.branch,
        started.commit.to_hex_with_len(8),
        started.path
    );
    if !started.assumed.is_empty() {
        println!("assumed (not asked at this depth): {}", started.assumed.join(", "));
    }
    let session = started.session;
    if let Some(q) = session.next_question()? {
        anstream::print!("\n{}", super::ask::render(&args.options.slug, &q));
        println!("\nanswer with: specbuilder answer {} <number>", q.key);
    }
    Ok(Outcome::Clean)
}

/// A project just started: its first commit, the file written, the assumptions made, and the
/// conversation as it now stands.
pub struct Started {
    pub commit: gix::ObjectId,
    pub path: String,
    pub assumed: Vec<String>,
    pub session: crate::conversation::Session,
}

/// Starts the project of `args` on its new branch, without printing.
pub fn start(args: &NewArgs) -> anyhow::Result<Started> {
    let (options, dir) = (&args.options, &args.dir);
    let (template_id, depth) = options.template_and_depth().map_err(anyhow::Error::msg)?;
    if !is_slug(&options.slug) {
        bail!("`{}` is not a valid slug: use lowercase letters, digits and `-` (at most 63)", options.slug);
    }
    if let Some(idea) = &options.idea {
        super::answer::refuse_secrets("idea", idea)?;
    }
    let catalog = Catalog::built_in();
    let layout = Layout { specs_dir: Config::load(dir)?.specs_dir().to_owned() };
    let repository = store::open(dir)?;
    let branch = store::project_branch(&options.slug);
    if store::read_branch_head(&repository, &branch)?.0.is_some() {
        bail!("branch `{branch}` already exists; continue it with `specbuilder ask --project {}`", options.slug);
    }
    let parent = repository.head_id().ok().map(|id| id.detach());
    // Repository templates count too: read them from where the branch starts.
    let catalog = match parent {
        Some(commit) => {
            let snapshot = source::read_revision(dir, &commit.to_string(), &layout.specs_dir)?;
            Catalog::for_workspace(&crate::conversation::workspace(&snapshot, &layout))
        }
        None => catalog,
    };
    let Some(template) = catalog.get(&template_id).map(|t| &t.template.value) else {
        bail!("{}", catalog.missing(&template_id));
    };
    for target in &options.targets {
        if !template.artifacts.contains_key(target) {
            let hint = did_you_mean(target, template.artifacts.keys().map(String::as_str))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            bail!("template `{}` cannot generate `{target}`{hint}", template.id);
        }
    }
    let project = options.project(&template.id, depth, None);
    let path = format!("{}/{}/project.md", layout.specs_dir, options.slug);
    let message = format!("spec({}): start the project from template {}", options.slug, template.id);
    let files = [(path, write::project(&project).into_bytes())];
    let id = store::commit_files(&repository, &branch, BranchHead(None), parent, &files, &message)?;
    let (assumed, session) = crate::conversation::assume_all_skipped(dir, &options.slug)?;
    let [(path, _)] = files;
    Ok(Started { commit: id, path, assumed, session })
}
