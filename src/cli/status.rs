//! `specbuilder status`: how far each project is from generable artifacts.

use super::Outcome;
use super::repo::ProjectView;
use crate::engine::{Assumption, Catalog, NextQuestion, Plan, TargetProgress};
use anstyle::{AnsiColor, Style};
use clap::Args;
use serde::Serialize;
use spec_format::workspace::ProjectSpec;
use std::fmt::Write;

/// Show each project's progress per target artifact, what blocks it, and the next question.
///
/// Read-only: nothing is written. Projects without a known template show their decisions only.
///
/// Examples:
///   specbuilder status examples/team-tracker
///   specbuilder status --project team-tracker --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct StatusArgs {
    #[command(flatten)]
    pub view: ProjectView,

    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
}

#[derive(Serialize)]
struct ProjectStatus<'a> {
    project: &'a str,
    template: Option<&'a str>,
    /// Why there is nothing to plan, when there is not.
    note: Option<String>,
    decisions: usize,
    targets: Vec<TargetProgress<'a>>,
    next: Option<NextQuestion<'a>>,
    assumptions: Vec<Assumption<'a>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// For people: each target's progress, blockers and the next question.
    Text,
    /// One object: {"projects": [...]}.
    Json,
}

pub fn run(args: StatusArgs) -> anyhow::Result<Outcome> {
    let repo = args.view.load()?;
    let catalog = Catalog::for_workspace(&repo.workspace);
    let projects: Vec<&ProjectSpec> = match &args.view.project {
        Some(slug) => vec![repo.project(Some(slug))?],
        None => repo.workspace.projects.iter().collect(),
    };
    let statuses: Vec<ProjectStatus<'_>> = projects.iter().map(|p| status(p, &catalog)).collect();
    match args.format {
        StatusFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "projects": statuses }))?)
        }
        StatusFormat::Text => anstream::print!("{}", text(&statuses)),
    }
    Ok(Outcome::Clean)
}

fn status<'a>(project: &'a ProjectSpec, catalog: &'a Catalog) -> ProjectStatus<'a> {
    let template_id = project.project.as_ref().and_then(|p| p.value.template.as_deref());
    let mut status = ProjectStatus {
        project: &project.slug,
        template: template_id,
        note: None,
        decisions: project.decisions.len(),
        targets: Vec::new(),
        next: None,
        assumptions: Vec::new(),
    };
    match template_id.map(|id| (id, catalog.get(id))) {
        None => status.note = Some("no template: decisions are checked, but there is nothing to ask".to_owned()),
        Some((id, None)) => {
            let known: Vec<&str> = catalog.ids().collect();
            status.note = Some(format!("template `{id}` not found (known: {})", known.join(", ")));
        }
        Some((_, Some(loaded))) => {
            let plan = Plan::new(&loaded.template.value, project);
            status.targets = plan.progress();
            status.next = plan.next_question();
            status.assumptions = plan.assumptions();
        }
    }
    status
}

fn text(statuses: &[ProjectStatus<'_>]) -> String {
    const BOLD: Style = Style::new().bold();
    const GREEN: Style = AnsiColor::Green.on_default();
    const YELLOW: Style = AnsiColor::Yellow.on_default();
    let mut out = String::new();
    for s in statuses {
        let template = s.template.map(|t| format!(", template {t}")).unwrap_or_default();
        let plural = if s.decisions == 1 { "" } else { "s" };
        let _ = writeln!(out, "{BOLD}{}{BOLD:#} ({} decision{plural}{template})", s.project, s.decisions);
        if let Some(note) = &s.note {
            let _ = writeln!(out, "  {note}");
        }
        let width = s.targets.iter().map(|t| t.target.len()).max().unwrap_or(0);
        for t in &s.targets {
            let state = if t.blockers.is_empty() {
                format!("{GREEN}ready{GREEN:#}")
            } else {
                format!("{YELLOW}needs{YELLOW:#} {}", t.blockers.join(", "))
            };
            let _ = writeln!(out, "  {:<width$}  {:>2}/{:<2} {state}", t.target, t.decided, t.needed);
        }
        match &s.next {
            Some(next) => {
                let _ = writeln!(out, "  next: {BOLD}{}{BOLD:#}  {}", next.key, next.text);
            }
            None if s.note.is_none() => {
                let _ = writeln!(out, "  {GREEN}no open questions{GREEN:#}");
            }
            None => {}
        }
        if !s.assumptions.is_empty() {
            let keys: Vec<&str> = s.assumptions.iter().map(|a| a.key).collect();
            let _ = writeln!(out, "  assumed at this depth: {}", keys.join(", "));
        }
        out.push('\n');
    }
    out
}
