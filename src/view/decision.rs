//! `/p/<slug>/d/<key>`: one decision — the question, the options with the chosen one, why, its
//! facts, the rules that read them, what it depends on and what depends on it, its history from
//! git, and the artifacts built from it.

use super::page::{Links, badge, page, trusted, when};
use super::project::{crumbs, find, status_badge};
use super::repo::{History, RepoAt, State, ViewError};
use maud::{Markup, html};
use std::collections::BTreeSet;

pub fn decision(repo: &dyn RepoAt, state: &State, slug: &str, key: &str) -> Result<Markup, ViewError> {
    let project = find(state, slug)?;
    let links = Links { slug: project.slug.clone(), revision: state.revision.clone() };
    let doc = (project.decisions.iter()).find(|d| d.decision().key == key).ok_or_else(|| {
        ViewError::NotFound(format!("project `{slug}` has no decision `{key}` on {}", state.revision.label()))
    })?;
    let d = doc.decision();
    let chosen: Vec<&str> = d.answer.as_ref().map(|a| a.chosen_ids()).unwrap_or_default();

    // The facts it contributes: its own and its chosen options'.
    let mut facts: Vec<(&str, String)> = d.facts.iter().map(|(k, v)| (k.as_str(), v.to_string())).collect();
    for option in d.options.iter().filter(|o| chosen.contains(&o.id.as_str())) {
        facts.extend(option.facts.iter().map(|(k, v)| (k.as_str(), v.to_string())));
    }
    facts.sort();
    facts.dedup();
    let names: BTreeSet<&str> = facts.iter().map(|(k, _)| *k).collect();
    let all_rules = state.workspace.rules_for(project);
    let rules: Vec<_> = (all_rules.iter()).filter(|r| r.rule.fact_names().any(|n| names.contains(n))).collect();
    let dependents: Vec<&str> = (project.decisions.iter())
        .filter(|other| other.decision().depends_on.iter().any(|k| k == key))
        .map(|other| other.decision().key.as_str())
        .collect();
    let artifacts: Vec<&String> = match &project.manifest {
        Some(manifest) => manifest
            .value
            .artifacts
            .iter()
            .filter(|(_, entry)| entry.based_on.contains_key(key))
            .map(|(p, _)| p)
            .collect(),
        None => Vec::new(),
    };
    let history = repo.history(&state.revision, doc.path())?;
    let key_list = |keys: &[String]| -> Markup {
        html! { @for (i, k) in keys.iter().enumerate() { @if i > 0 { ", " } a href=(links.decision(k)) { (k) } } }
    };

    Ok(page(
        key,
        &crumbs(&links),
        html! {
            p class="question" { (d.question) }
            p { a href={ (links.graph()) "&focus=" (super::page::encode(key)) } { "See it in the graph" } }
            p { (status_badge(doc))
                @if let Some(category) = &d.category { " " (badge("muted", category)) } }
            @if d.options.is_empty() {
                @if let Some(answer) = &d.answer { p { "Answer: " strong { (answer.to_string()) } } }
            } @else {
                ul class="options" aria-label="Options" {
                    @for option in &d.options {
                        @let is_chosen = chosen.contains(&option.id.as_str());
                        li class=[is_chosen.then_some("chosen")] {
                            @if is_chosen { (badge("ok", "chosen")) " " }
                            strong { (option.label) } " " code { (option.id) }
                        }
                    }
                }
                @if let Some(answer) = &d.answer { @if chosen.is_empty() { p { "Answer: " strong { (answer.to_string()) } } } }
            }
            dl class="about" {
                @if let Some(assumption) = &d.assumption { dt { "Assumed because" } dd { (assumption) } }
                @if let Some(by) = &d.answered_by { dt { "Answered by" } dd { (by) } }
                @if let Some(at) = &d.answered_at { dt { "Answered at" } dd { (at) } }
                @if let Some(source) = &d.source { dt { "Source" } dd { (source) } }
                dt { "File" } dd { code { (doc.path()) } }
            }
            @if !d.body.trim().is_empty() {
                section aria-labelledby="why" { h2 id="why" { "Why" } div class="prose" { (trusted(super::markdown::to_html(&d.body))) } }
            }
            section aria-labelledby="facts" {
                h2 id="facts" { "Facts" }
                @if facts.is_empty() { p { "None." } }
                @else { dl class="facts" { @for (k, v) in &facts { dt { code { (k) } } dd { (v) } } } }
            }
            section aria-labelledby="rules" {
                h2 id="rules" { "Rules that read these facts" }
                @if rules.is_empty() { p { "None." } }
                ul { @for r in &rules { li { code { (r.rule.id) } ": " (r.rule.message) } } }
            }
            section aria-labelledby="links" {
                h2 id="links" { "Depends on and depended on by" }
                p { "Depends on: " @if d.depends_on.is_empty() { "nothing" } @else { (key_list(&d.depends_on)) } }
                @if !d.supersedes.is_empty() { p { "Supersedes: " (key_list(&d.supersedes)) } }
                p { "Depended on by: "
                    @if dependents.is_empty() { "nothing" }
                    @for (i, k) in dependents.iter().enumerate() { @if i > 0 { ", " } a href=(links.decision(k)) { (k) } } }
            }
            (history_section(&history, doc.path()))
            section aria-labelledby="built" {
                h2 id="built" { "Artifacts built from it" }
                @if artifacts.is_empty() { p { "None." } }
                ul class="files" { @for name in &artifacts { li { a href=(links.artifact(name)) { (name) } } } }
            }
        },
    ))
}

/// Who changed the decision, when, in which commit, and what the answer was then.
fn history_section(history: &History, path: &str) -> Markup {
    let answer_then = |bytes: &Option<Vec<u8>>| -> String {
        let Some(bytes) = bytes else { return "(removed)".to_owned() };
        let parsed = spec_format::workspace::parse_decision(path, bytes).parsed;
        match parsed.map(|p| p.value) {
            Some(d) => match (&d.answer, d.status) {
                (Some(answer), status) => format!("{answer} ({})", super::project::status_name(status)),
                (None, status) => format!("no answer ({})", super::project::status_name(status)),
            },
            None => "(not a valid decision file)".to_owned(),
        }
    };
    html! {
        section aria-labelledby="history" {
            h2 id="history" { "History" }
            @if history.changes.is_empty() { p { "Not committed yet." } }
            @else {
                div class="scroll" {
                    table class="history" {
                        thead { tr { th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "Commit" } th scope="col" { "The answer then" } } }
                        tbody {
                            @for (commit, bytes) in &history.changes {
                                tr {
                                    td { (when(commit.time)) }
                                    td { (commit.author) }
                                    td { code { (&commit.id[..12.min(commit.id.len())]) } " " (commit.summary) }
                                    td { (answer_then(bytes)) }
                                }
                            }
                        }
                    }
                }
                @if history.truncated { p class="meta" { "Older commits are not shown." } }
            }
        }
    }
}
