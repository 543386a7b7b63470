//! A project: its overview (`/p/<slug>`), its decisions with filters (`/p/<slug>/decisions`)
//! and its findings (`/p/<slug>/findings`).

use super::dashboard::{findings_of, progress};
use super::page::{Links, badge, page, trusted};
use super::repo::{State, ViewError};
use maud::{Markup, html};
use serde::Deserialize;
use spec_format::Severity;
use spec_format::model::decision::Status;
use spec_format::workspace::{DecisionDoc, ProjectSpec};

pub fn find<'a>(state: &'a State, slug: &str) -> Result<&'a ProjectSpec, ViewError> {
    state
        .workspace
        .project(slug)
        .ok_or_else(|| ViewError::NotFound(format!("there is no project `{slug}` on {}", state.revision.label())))
}

/// The way back to the project, for its inner pages.
pub fn crumbs(links: &Links) -> Vec<(String, String)> {
    vec![(links.slug.clone(), links.project())]
}

pub fn status_name(status: Status) -> &'static str {
    match status {
        Status::Accepted => "decided",
        Status::Assumed => "assumed",
        Status::Deferred => "deferred",
        Status::Superseded => "superseded",
    }
}

pub fn status_badge(doc: &DecisionDoc) -> Markup {
    let decision = doc.decision();
    let kind = match decision.status {
        Status::Accepted => "ok",
        Status::Assumed => "info",
        Status::Deferred | Status::Superseded => "muted",
    };
    html! {
        (badge(kind, status_name(decision.status)))
        @if decision.locked { " " (badge("lock", "locked")) }
    }
}

pub fn overview(state: &State, slug: &str) -> Result<Markup, ViewError> {
    let project = find(state, slug)?;
    let links = Links { slug: project.slug.clone(), revision: state.revision.clone() };
    let meta = project.project.as_ref().map(|p| &p.value);
    let findings = findings_of(state, project);
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let count = |status: Status| project.decisions.iter().filter(|d| d.decision().status == status).count();
    let title = meta.map(|m| m.name.clone()).unwrap_or_else(|| project.slug.clone());
    Ok(page(
        &title,
        &[],
        html! {
            p class="meta" {
                "Project " code { (project.slug) } " on " (state.revision.label())
                @if let Some(template) = meta.and_then(|m| m.template.as_deref()) { ", template " code { (template) } }
            }
            @if let Some(meta) = meta { @if !meta.body.trim().is_empty() {
                section aria-labelledby="idea" { h2 id="idea" { "The idea" } div class="prose" { (trusted(super::markdown::to_html(&meta.body))) } }
            } }
            nav aria-label="Project" class="tabs" {
                a href=(links.decisions()) { (project.decisions.len()) " decisions" }
                a href=(links.graph()) { "Decision graph" }
                a href=(links.compare()) { "Compare with the main branch" }
                a href=(links.findings()) { (findings.len()) " findings" @if errors > 0 { " (" (errors) " errors)" } }
            }
            p {
                (count(Status::Accepted)) " decided, " (count(Status::Assumed)) " assumed, "
                (count(Status::Deferred)) " deferred, " (count(Status::Superseded)) " superseded."
            }
            section aria-labelledby="targets" {
                h2 id="targets" { "Targets" }
                @let targets = progress(state, project);
                @if targets.is_empty() { p { "No template: nothing to plan." } }
                ul class="cards" {
                    @for target in &targets {
                        li {
                            strong { (target.target) } " " (target.decided) "/" (target.needed) " decided "
                            @if target.blockers.is_empty() { (badge("ok", "ready")) }
                            @else {
                                (badge("warn", "blocked")) br;
                                "Needs: "
                                @for (i, key) in target.blockers.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    a href=(links.decision(key)) { (key) }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="artifacts" {
                h2 id="artifacts" { "Artifacts" }
                @if project.artifacts.is_empty() { p { "None generated yet." } }
                ul class="files" {
                    @for name in project.artifacts.keys() {
                        li { a href=(links.artifact(name)) { (name) } }
                    }
                }
            }
        },
    ))
}

/// The filters of the decisions page, from its query.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionFilter {
    pub category: Option<String>,
    pub status: Option<String>,
    pub target: Option<String>,
    pub sort: Option<String>,
}

pub fn decisions(state: &State, slug: &str, filter: &DecisionFilter) -> Result<Markup, ViewError> {
    let project = find(state, slug)?;
    let links = Links { slug: project.slug.clone(), revision: state.revision.clone() };
    fn chosen(value: &Option<String>) -> Option<&str> {
        value.as_deref().filter(|v| !v.is_empty())
    }
    let targets = progress(state, project);
    let needed: Option<Vec<&str>> = chosen(&filter.target)
        .map(|t| targets.iter().filter(|p| p.target == t).flat_map(|p| p.needed_keys.iter().copied()).collect());
    let mut shown: Vec<&DecisionDoc> = (project.decisions.iter())
        .filter(|d| chosen(&filter.category).is_none_or(|c| d.decision().category.as_deref() == Some(c)))
        .filter(|d| match chosen(&filter.status) {
            None => true,
            Some("locked") => d.decision().locked,
            Some(s) => status_name(d.decision().status) == s,
        })
        .filter(|d| needed.as_ref().is_none_or(|keys| keys.contains(&d.decision().key.as_str())))
        .collect();
    match chosen(&filter.sort) {
        Some("category") => shown.sort_by(|a, b| a.decision().category.cmp(&b.decision().category)),
        Some("status") => shown.sort_by_key(|d| status_name(d.decision().status)),
        Some("answered") => shown.sort_by(|a, b| b.decision().answered_at.cmp(&a.decision().answered_at)),
        _ => shown.sort_by(|a, b| a.decision().key.cmp(&b.decision().key)),
    }
    let mut categories: Vec<&str> = project.decisions.iter().filter_map(|d| d.decision().category.as_deref()).collect();
    categories.sort_unstable();
    categories.dedup();
    let selected = |value: &Option<String>, option: &str| chosen(value) == Some(option);
    Ok(page(
        "Decisions",
        &crumbs(&links),
        html! {
            form method="get" class="filters" {
                input type="hidden" name="ref" value=(state.revision.query());
                label { "Category " select name="category" {
                    option value="" { "any" }
                    @for c in &categories { option value=(c) selected[selected(&filter.category, c)] { (c) } }
                } }
                label { "Status " select name="status" {
                    option value="" { "any" }
                    @for s in ["decided", "assumed", "deferred", "superseded", "locked"] {
                        option value=(s) selected[selected(&filter.status, s)] { (s) }
                    }
                } }
                label { "Needed by " select name="target" {
                    option value="" { "any target" }
                    @for t in &targets { option value=(t.target) selected[selected(&filter.target, &t.target)] { (t.target) } }
                } }
                label { "Sort by " select name="sort" {
                    @for (value, label) in [("key", "key"), ("category", "category"), ("status", "status"), ("answered", "latest answer")] {
                        option value=(value) selected[selected(&filter.sort, value)] { (label) }
                    }
                } }
                button type="submit" { "Show" }
            }
            p { (shown.len()) " of " (project.decisions.len()) " decisions" }
            div class="scroll" {
                table class="decisions" {
                    thead { tr { th scope="col" { "Decision" } th scope="col" { "Answer" } th scope="col" { "Status" } th scope="col" { "Category" } } }
                    tbody {
                        @for doc in &shown {
                            @let d = doc.decision();
                            tr data-key=(d.key) {
                                th scope="row" { a href=(links.decision(&d.key)) { (d.key) } br; span class="meta" { (d.question) } }
                                td { (d.answer.as_ref().map(|a| a.to_string()).unwrap_or_else(|| "—".to_owned())) }
                                td { (status_badge(doc)) }
                                td { (d.category.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub fn findings(state: &State, slug: &str) -> Result<Markup, ViewError> {
    let project = find(state, slug)?;
    let links = Links { slug: project.slug.clone(), revision: state.revision.clone() };
    let findings = findings_of(state, project);
    let decisions_dir = format!("{}/decisions/", project.dir);
    let artifacts_dir = format!("{}/artifacts/", project.dir);
    let place = |path: &str| -> Option<String> {
        if let Some(file) = path.strip_prefix(&decisions_dir) {
            return Some(links.decision(file.trim_end_matches(".md")));
        }
        path.strip_prefix(&artifacts_dir).map(|name| links.artifact(name))
    };
    Ok(page(
        "Findings",
        &crumbs(&links),
        html! {
            @if findings.is_empty() { p { "No findings: every file of this project checks clean." } }
            @else {
                div class="scroll" {
                    table class="findings" {
                        thead { tr { th scope="col" { "Severity" } th scope="col" { "Code" } th scope="col" { "Where" } th scope="col" { "Finding" } } }
                        tbody {
                            @for f in &findings {
                                tr {
                                    td { (match f.severity {
                                        Severity::Error => badge("error", "error"),
                                        Severity::Warning => badge("warn", "warning"),
                                        Severity::Info => badge("info", "note"),
                                    }) }
                                    td { code { (f.code.as_str()) } }
                                    td {
                                        @let at = if f.line > 0 { format!("{}:{}", f.path, f.line) } else { f.path.clone() };
                                        @match place(&f.path) {
                                            Some(href) => a href=(href) { (at) },
                                            None => code { (at) },
                                        }
                                    }
                                    td { (f.message) @if let Some(help) = &f.help { br; span class="meta" { (help) } } }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}
