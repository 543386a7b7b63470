//! `specbuilder ask`: the next question of a project, with why it matters and the
//! recommended answer.

use super::Outcome;
use super::repo::Repo;
use crate::engine::{Catalog, NextQuestion, Plan};
use anstyle::{AnsiColor, Style};
use clap::Args;
use std::fmt::Write;
use std::path::PathBuf;

/// Show the next question of a project: the highest-priority question that applies given the
/// answers so far, why it matters, its options and the recommended one.
///
/// With --json, one object for scripts and bots:
///   {"project": SLUG, "question": {key, text, why, category, format, options: [{number, id, label}],
///    allow_other, recommended: {id, reason}} or null when nothing is left, "assumptions": [...]}
///
/// Examples:
///   specbuilder ask examples/team-tracker
///   specbuilder ask --project team-tracker --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AskArgs {
    /// The repository directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The project (needed when the repository has several).
    #[arg(long, value_name = "SLUG")]
    pub project: Option<String>,

    /// Read this git revision (default: the project's branch spec/<slug> if it exists, else the files on disk).
    #[arg(long = "ref", value_name = "REV")]
    pub rev: Option<String>,

    /// Print the question as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: AskArgs) -> anyhow::Result<Outcome> {
    let rev = args.rev.clone().or_else(|| crate::conversation::conversation_ref(&args.dir, args.project.as_deref()));
    let repo = Repo::load(&args.dir, rev.as_deref())?;
    let project = repo.project(args.project.as_deref())?;
    let catalog = Catalog::for_workspace(&repo.workspace);
    let template_id =
        project.project.as_ref().and_then(|p| p.value.template.as_deref()).ok_or_else(|| {
            anyhow::anyhow!("project `{}` names no template, so there is nothing to ask", project.slug)
        })?;
    let loaded = catalog.get(template_id).ok_or_else(|| {
        let known: Vec<&str> = catalog.ids().collect();
        anyhow::anyhow!("template `{template_id}` not found (known: {})", known.join(", "))
    })?;
    let plan = Plan::new(&loaded.template.value, project);
    let question = plan.next_question();
    if args.json {
        let value = serde_json::json!({
            "project": project.slug,
            "question": question,
            "assumptions": plan.assumptions(),
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(Outcome::Clean);
    }
    let Some(q) = question else {
        println!("{}: no open questions at this depth", project.slug);
        return Ok(Outcome::Clean);
    };
    anstream::print!("{}", render(&project.slug, &q));
    Ok(Outcome::Clean)
}

/// A question as people read it: where it belongs, why we ask, numbered options.
pub(crate) fn render(slug: &str, q: &NextQuestion<'_>) -> String {
    const BOLD: Style = Style::new().bold();
    const DIM: Style = Style::new().dimmed();
    const GREEN: Style = AnsiColor::Green.on_default();
    let mut out = String::new();
    let _ = writeln!(out, "{DIM}{} · {} · {}{DIM:#}", slug, q.category, q.key);
    let _ = writeln!(out, "{BOLD}{}{BOLD:#}", q.text);
    if let Some(why) = q.why {
        let _ = writeln!(out, "{DIM}why we ask: {why}{DIM:#}");
    }
    let recommended = q.recommended.as_ref().map(|r| r.id);
    for option in &q.options {
        let mark =
            if Some(option.id) == recommended { format!("  {GREEN}(recommended){GREEN:#}") } else { String::new() };
        let _ = writeln!(out, "  {}. {}{mark}", option.number, option.label);
    }
    if let Some(reason) = q.recommended.as_ref().and_then(|r| r.reason) {
        let _ = writeln!(out, "{DIM}recommended because: {reason}{DIM:#}");
    }
    out
}
