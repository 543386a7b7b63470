//! `specbuilder why`: a decision with its reasons and everything that leans on it.

use super::Outcome;
use super::repo::ProjectView;
use crate::engine::{Catalog, record};
use anyhow::bail;
use clap::Args;
use std::fmt::Write;

/// Explain a decision: its answer, reasons, facts, rules and the decisions built on it.
///
/// Shows the question and answer, who decided and when, why the question is asked, the facts
/// it asserts, the rules that read them, and the decisions that build on it.
///
/// Example:
///   specbuilder why auth.signup --project team-tracker examples/team-tracker
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct WhyArgs {
    #[command(flatten)]
    pub decision: crate::grammar::KeyOptions,
    #[command(flatten)]
    pub view: ProjectView,
}

pub fn run(args: WhyArgs) -> anyhow::Result<Outcome> {
    let repo = args.view.load()?;
    let project = repo.project(args.view.project.as_deref())?;
    let Some(doc) = project.decisions.iter().find(|d| d.decision().key == args.decision.key) else {
        let keys = project.decisions.iter().map(|d| d.decision().key.as_str());
        let hint = spec_format::ident::did_you_mean(&args.decision.key, keys).map(|s| format!("; did you mean `{s}`?"));
        bail!("project `{}` has no decision `{}`{}", project.slug, args.decision.key, hint.unwrap_or_default());
    };
    let d = doc.decision();
    let mut out = String::new();
    let _ = writeln!(out, "{}  ({})", d.key, doc.path());
    let _ = writeln!(out, "  {}", d.question);
    let _ = writeln!(out, "  {}", record::summary(d));
    if let Some(assumption) = &d.assumption {
        let _ = writeln!(out, "  assumed because: {assumption}");
    }
    let by = [d.answered_by.as_deref(), d.answered_at.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    if !by.is_empty() {
        let _ = writeln!(out, "  decided by {}", by.join(" at "));
    }
    if d.locked {
        let _ = writeln!(out, "  locked");
    }
    let template = project.project.as_ref().and_then(|p| p.value.template.as_deref());
    let catalog = Catalog::for_workspace(&repo.workspace);
    let question = template
        .and_then(|id| catalog.get(id))
        .and_then(|t| t.template.value.questions.iter().find(|q| q.key == d.key));
    if let Some(why) = question.and_then(|q| q.why.as_deref()) {
        let _ = writeln!(out, "  why it is asked: {why}");
    }
    if !d.body.trim().is_empty() {
        let _ = writeln!(out, "  rationale: {}", d.body.trim());
    }
    for (name, value) in &doc.facts {
        let _ = writeln!(out, "  asserts {name} = {value}");
    }
    for placed in
        repo.workspace.rules_for(project).iter().filter(|r| r.rule.fact_names().any(|f| doc.facts.contains_key(f)))
    {
        let _ =
            writeln!(out, "  rule {}: {} ({}:{})", placed.rule.id, placed.rule.message, placed.at.path, placed.at.line);
    }
    let dependents: Vec<&str> = (project.decisions.iter())
        .filter(|other| other.decision().depends_on.contains(&d.key))
        .map(|other| other.decision().key.as_str())
        .collect();
    if !dependents.is_empty() {
        let _ = writeln!(out, "  built on by: {}", dependents.join(", "));
    }
    if !d.depends_on.is_empty() {
        let _ = writeln!(out, "  builds on: {}", d.depends_on.join(", "));
    }
    print!("{out}");
    Ok(Outcome::Clean)
}
