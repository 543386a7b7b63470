//! `specbuilder generate`: artifacts from the decisions on the project's branch, committed with
//! their provenance.

use super::Outcome;
use super::repo::Repo;
use crate::conversation::{Session, conversation_ref};
use crate::delivery::{self, Generated, Request};
use crate::engine::Catalog;
use crate::generate::spec::Overview;
use crate::generate::{Spec, Target};
use crate::llm::{Assistant, LlmConfig};
use clap::Args;
use spec_format::model::Template;
use spec_format::workspace::ProjectSpec;
use std::path::PathBuf;

/// Generate artifacts from the decisions: PRD, schema, API contracts, tickets, C4, Gherkin, deploy.
///
/// First asks "can we generate this?": a target whose required decisions are missing is not
/// generated; the missing questions are listed so you can answer them (or pass --partial to
/// write what is possible, with the gaps marked in the artifact). Artifacts go to
/// specs/<slug>/artifacts/ with a manifest.json recording the decisions each was built from,
/// and are committed to the project branch spec/<slug>, like an answer. A project without such
/// a branch (specs written by hand on your branch) gets the files in the working tree instead.
///
/// Regenerating never silently discards a hand edit: if an artifact was edited since it was
/// generated and would change, nothing is written and the diff is shown; --force replaces it
/// (the edit stays in git history and the commit message names it).
///
/// With SPECBUILDER_LLM_* set, a language model writes the PRD's overview paragraph (recorded
/// as `model` in the manifest); without it, or if it fails, the PRD is fully deterministic.
///
/// Targets: prd (Markdown, HTML, JSON + JSON Schema, PDF), schema (PostgreSQL DDL, Mermaid ER),
/// openapi (3.1 YAML), graphql (SDL), proto (proto3 + gRPC service), tickets (Markdown, GitHub
/// and GitLab issues JSON, Linear and Jira CSV, AGENTS.md, CLAUDE.md, Cursor rules),
/// c4 (Mermaid context, container, component), gherkin (.feature), deploy (Markdown plan),
/// change-plan (brownfield: steps with rollbacks, what the change reaches, tests to run and write).
///
/// Examples:
///   specbuilder generate                      the project's targets (or all its template has)
///   specbuilder generate prd openapi          just these
///   specbuilder generate --partial            also what lacks decisions, gaps marked
///   specbuilder generate schema --force       replace a hand-edited schema.sql
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub what: crate::grammar::GenerateOptions,

    /// The project (needed when the repository has several project branches).
    #[arg(long, value_name = "SLUG")]
    pub project: Option<String>,

    /// The repository directory.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,

    /// Replace artifacts that were edited by hand.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<Outcome> {
    // The conversation's branch when there is one; else the files on disk, written back there.
    let on_branch = conversation_ref(&args.dir, args.project.as_deref()).is_some();
    if on_branch {
        let session = Session::open(&args.dir, args.project.as_deref())?;
        let project = session.project()?;
        let template = session.template().ok();
        let targets = chosen(&args, project, template);
        let request = request(&args, project, template, &targets);
        report(delivery::generate_on_branch(&session, request)?, Some(&session.branch), &session.slug)
    } else {
        let repo = Repo::load(&args.dir, None)?;
        let project = repo.project(args.project.as_deref())?;
        let catalog = Catalog::for_workspace(&repo.workspace);
        let template = (project.project.as_ref().and_then(|p| p.value.template.as_deref()))
            .and_then(|id| catalog.get(id))
            .map(|t| &t.template.value);
        let targets = chosen(&args, project, template);
        let request = request(&args, project, template, &targets);
        let generated = match delivery::plan(project, template, &repo.snapshot.files, request)? {
            Generated::Ready(delivery) => {
                delivery::write_to_disk(&args.dir, &delivery)?;
                Generated::Written(delivery)
            }
            other => other,
        };
        report(generated, None, &project.slug)
    }
}

/// What to generate, with the model's PRD overview when the PRD is among the targets.
fn request<'a>(
    args: &GenerateArgs,
    project: &ProjectSpec,
    template: Option<&Template>,
    targets: &'a [Target],
) -> Request<'a> {
    let overview = if targets.contains(&Target::Prd) { model_overview(project, template) } else { None };
    Request { targets, partial: args.what.partial, force: args.force, overview }
}

fn chosen(args: &GenerateArgs, project: &ProjectSpec, template: Option<&Template>) -> Vec<Target> {
    if args.what.targets.is_empty() { delivery::default_targets(project, template) } else { args.what.targets.clone() }
}

/// Says what became of a generation; `branch` is where it was committed (none: the working tree).
fn report(generated: Generated, branch: Option<&str>, slug: &str) -> anyhow::Result<Outcome> {
    let place = branch.unwrap_or("the working tree");
    match generated {
        Generated::Committed { delivery, .. } | Generated::Written(delivery) | Generated::Ready(delivery) => {
            let changed = delivery.files.len() - 1 - delivery.unchanged.len();
            println!("wrote {changed} changed artifact file(s) and the manifest to {place}:");
            for (path, bytes) in &delivery.files {
                println!("  {path}  ({} bytes)", bytes.len());
            }
            if !delivery.replaced_edits.is_empty() {
                println!("replaced hand edits (kept in history): {}", delivery.replaced_edits.join(", "));
            }
            if branch.is_none() {
                println!("there is no branch spec/{slug}: review and commit them yourself");
            }
            Ok(Outcome::Clean)
        }
        Generated::UpToDate(delivery) => {
            println!("up to date: {} artifact file(s) already match the decisions", delivery.files.len() - 1);
            Ok(Outcome::Clean)
        }
        Generated::Blocked(blocked) => {
            eprintln!("cannot generate yet: decisions are missing (nothing was written)");
            for (target, questions) in &blocked {
                eprintln!("\n{target} needs:");
                for q in questions {
                    eprintln!("  {}  {}", q.key, q.text);
                }
            }
            if let Some(q) = blocked.first().and_then(|(_, qs)| qs.first()) {
                eprintln!(
                    "\nanswer next: specbuilder ask --project {slug}   (or: specbuilder answer {} <choice>)",
                    q.key
                );
            }
            eprintln!("or generate what is possible with the gaps marked: specbuilder generate --partial");
            Ok(Outcome::Errors)
        }
        Generated::Refused(refusal) => {
            eprintln!("these artifacts were edited by hand and would change; nothing was written:\n");
            for (_, diff) in &refusal.diffs {
                eprintln!("{diff}");
            }
            eprintln!("keep your edits (change the decisions instead), or replace them with --force");
            Ok(Outcome::Errors)
        }
    }
}

/// PRD prose from the configured model (SPECBUILDER_LLM_*), if any; on any failure a note on
/// stderr and the deterministic PRD.
fn model_overview(project: &ProjectSpec, template: Option<&Template>) -> Option<Overview> {
    let config = LlmConfig::from_env()?;
    let spec = Spec::new(project, template).ok()?;
    let requirements: Vec<String> = spec.requirements.iter().map(|r| format!("{}: {}", r.id, r.statement)).collect();
    let result = Assistant::new(&config)
        .map_err(|e| crate::llm::LlmError::Endpoint(e.to_string()))
        .and_then(|assistant| assistant.prd_overview(&spec.name, &spec.idea, &requirements));
    match result {
        Ok(text) => Some(Overview { model: config.model, text }),
        Err(e) => {
            eprintln!("note: no model-written overview ({e}); the PRD is generated without it");
            None
        }
    }
}
