//! `/`: every project on every revision, with how far it is and what is wrong.

use super::page::{Links, badge, page, when};
use super::repo::{RepoAt, State, ViewError};
use crate::engine::{Plan, TargetProgress};
use maud::{Markup, html};
use spec_format::workspace::ProjectSpec;
use spec_format::{Code, Severity};

pub fn dashboard(repo: &dyn RepoAt) -> Result<Markup, ViewError> {
    let mut sections = Vec::new();
    for revision in repo.revisions()? {
        sections.push(repo.state(&revision)?);
    }
    let projects: usize = sections.iter().map(|s| s.workspace.projects.len()).sum();
    let title = format!("Specs of {}", repo.name());
    Ok(page(
        &title,
        &[],
        html! {
            p { (count(projects, "project")) " on " (count(sections.len(), "revision")) ": the working tree and each " code { "spec/*" } " branch." }
            @for state in &sections { (revision_section(state)) }
        },
    ))
}

/// `1 project`, `2 projects`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

fn revision_section(state: &State) -> Markup {
    html! {
        section aria-labelledby={ "rev-" (state.revision.query()) } {
            h2 id={ "rev-" (state.revision.query()) } { (state.revision.label()) }
            @if let Some(commit) = &state.commit {
                p class="meta" {
                    "Last change " (when(commit.time)) " by " (commit.author) ": " (commit.summary)
                    " (" code { (&commit.id[..12.min(commit.id.len())]) } ")"
                }
            }
            @if state.workspace.projects.is_empty() {
                p { "No projects here." }
            } @else {
                div class="scroll" {
                    table {
                        thead { tr { th scope="col" { "Project" } th scope="col" { "Template" } th scope="col" { "Decisions" }
                            th scope="col" { "Targets" } th scope="col" { "Findings" } } }
                        tbody {
                            @for project in &state.workspace.projects { (project_row(state, project)) }
                        }
                    }
                }
            }
        }
    }
}

/// Each target's progress for a project with a known template (none otherwise).
pub fn progress<'a>(state: &'a State, project: &'a ProjectSpec) -> Vec<TargetProgress<'a>> {
    let template = project.project.as_ref().and_then(|p| p.value.template.as_deref());
    match template.and_then(|id| state.catalog.get(id)) {
        Some(loaded) => Plan::new(&loaded.template.value, project).progress(),
        None => Vec::new(),
    }
}

/// The findings of one project (by the path they point at).
pub fn findings_of<'a>(state: &'a State, project: &ProjectSpec) -> Vec<&'a spec_format::Finding> {
    let dir = format!("{}/", project.dir);
    state.findings.iter().filter(|f| f.path.starts_with(&dir)).collect()
}

fn project_row(state: &State, project: &ProjectSpec) -> Markup {
    let links = Links { slug: project.slug.clone(), revision: state.revision.clone() };
    let meta = project.project.as_ref().map(|p| &p.value);
    let findings = findings_of(state, project);
    let count = |severity: Severity| findings.iter().filter(|f| f.severity == severity).count();
    let stale = findings.iter().filter(|f| f.code == Code::StaleArtifact).count();
    html! {
        tr {
            th scope="row" { a href=(links.project()) { (project.slug) } }
            td {
                (meta.and_then(|m| m.template.as_deref()).unwrap_or("none"))
                @if let Some(meta) = meta { br; span class="meta" { (format!("{:?}", meta.depth).to_lowercase()) } }
            }
            td { (project.decisions.len()) }
            td {
                ul class="targets" {
                    @for target in progress(state, project) {
                        li {
                            (target.target) " " (target.decided) "/" (target.needed)
                            @if target.blockers.is_empty() { " " (badge("ok", "ready")) }
                            @else { " " (badge("warn", &format!("{} blocking", target.blockers.len()))) }
                        }
                    }
                }
            }
            td {
                a href=(links.findings()) {
                    (count(Severity::Error)) " errors, " (count(Severity::Warning)) " warnings"
                }
                @if stale > 0 { br; (badge("warn", &format!("{stale} stale artifacts"))) }
            }
        }
    }
}
