//! `/p/<slug>/compare?base=REF&head=REF`: what changed between two revisions — decisions added,
//! changed and removed, errors (contradictions among them) introduced or resolved, and artifacts
//! made stale.

use super::page::{Links, badge, page};
use super::project::{crumbs, find, status_name};
use super::repo::{State, ViewError};
use crate::report::codequality::fingerprints;
use maud::{Markup, html};
use spec_format::workspace::DecisionDoc;
use spec_format::{Code, Finding, Severity};
use std::collections::{BTreeMap, BTreeSet};

/// A decision's answer and status as one line.
fn answer_line(doc: &DecisionDoc) -> String {
    let d = doc.decision();
    let answer = d.answer.as_ref().map(|a| a.to_string()).unwrap_or_else(|| "no answer".to_owned());
    format!("{answer} ({}{})", status_name(d.status), if d.locked { ", locked" } else { "" })
}

/// Findings of one project on one side, by fingerprint (stable when only lines move).
fn findings_by_print<'a>(state: &'a State, dir: &str) -> BTreeMap<String, &'a Finding> {
    let prefix = format!("{dir}/");
    let mine: Vec<&Finding> = state.findings.iter().filter(|f| f.path.starts_with(&prefix)).collect();
    let owned: Vec<Finding> = mine.iter().map(|f| (*f).clone()).collect();
    fingerprints(&owned).into_iter().zip(mine).collect()
}

pub fn compare(base: &State, head: &State, slug: &str) -> Result<Markup, ViewError> {
    let head_project = find(head, slug)?;
    let base_project = base.workspace.project(slug);
    let links = Links { slug: slug.to_owned(), revision: head.revision.clone() };
    let base_links = Links { slug: slug.to_owned(), revision: base.revision.clone() };

    let before: BTreeMap<&str, &DecisionDoc> =
        base_project.map(|p| p.decisions.iter().map(|d| (d.decision().key.as_str(), d)).collect()).unwrap_or_default();
    let after: BTreeMap<&str, &DecisionDoc> =
        head_project.decisions.iter().map(|d| (d.decision().key.as_str(), d)).collect();
    let added: Vec<&str> = after.keys().filter(|k| !before.contains_key(*k)).copied().collect();
    let removed: Vec<&str> = before.keys().filter(|k| !after.contains_key(*k)).copied().collect();
    let changed: Vec<(&str, String, String)> = (after.iter())
        .filter_map(|(key, doc)| {
            let old = before.get(key)?;
            let (was, is) = (answer_line(old), answer_line(doc));
            (was != is).then_some((*key, was, is))
        })
        .collect();

    let dir = head_project.dir.as_str();
    let (old_findings, new_findings) = (findings_by_print(base, dir), findings_by_print(head, dir));
    let is_error = |f: &&&Finding| f.severity == Severity::Error;
    let introduced: Vec<&Finding> =
        new_findings.iter().filter(|(p, _)| !old_findings.contains_key(*p)).map(|(_, f)| *f).collect();
    let resolved: Vec<&Finding> =
        old_findings.iter().filter(|(p, _)| !new_findings.contains_key(*p)).map(|(_, f)| *f).collect();
    let stale = |findings: &BTreeMap<String, &Finding>| -> BTreeSet<String> {
        (findings.values())
            .filter(|f| f.code == Code::StaleArtifact)
            .filter_map(|f| f.path.split_once("/artifacts/").map(|(_, name)| name.to_owned()))
            .collect()
    };
    let made_stale: Vec<String> = stale(&new_findings).difference(&stale(&old_findings)).cloned().collect();

    let finding_row = |f: &Finding| {
        html! { li { (badge(if f.severity == Severity::Error { "error" } else { "warn" }, f.code.as_str())) " " (f.message) " " span class="meta" { (f.path) ":" (f.line) } } }
    };
    Ok(page(
        &format!("Compare {} with {}", base.revision.label(), head.revision.label()),
        &crumbs(&links),
        html! {
            form method="get" class="filters" {
                label { "Base " input type="text" name="base" value=(base.revision.query()) aria-label="Base revision"; }
                label { "Head " input type="text" name="head" value=(head.revision.query()) aria-label="Head revision"; }
                button type="submit" { "Compare" }
            }
            @if base_project.is_none() { p class="notice" { "The project does not exist on " (base.revision.label()) ": everything is new." } }
            section aria-labelledby="decisions" {
                h2 id="decisions" { "Decisions" }
                p { (added.len()) " added, " (changed.len()) " changed, " (removed.len()) " removed" }
                @if !changed.is_empty() {
                    div class="scroll" { table class="changed" {
                        thead { tr { th scope="col" { "Decision" } th scope="col" { "Was" } th scope="col" { "Is" } } }
                        tbody { @for (key, was, is) in &changed {
                            tr data-key=(key) { th scope="row" { a href=(links.decision(key)) { (key) } } td { del { (was) } } td { ins { (is) } } }
                        } }
                    } }
                }
                @if !added.is_empty() {
                    h3 { "Added" }
                    ul { @for key in &added { li data-key=(key) { a href=(links.decision(key)) { (key) } ": " (answer_line(after[key])) } } }
                }
                @if !removed.is_empty() {
                    h3 { "Removed" }
                    ul { @for key in &removed { li data-key=(key) { a href=(base_links.decision(key)) { (key) } " (was " (answer_line(before[key])) ")" } } }
                }
            }
            section aria-labelledby="errors" {
                h2 id="errors" { "Contradictions and other errors" }
                @let new_errors: Vec<&&Finding> = introduced.iter().filter(is_error).collect();
                @let old_errors: Vec<&&Finding> = resolved.iter().filter(is_error).collect();
                @if new_errors.is_empty() && old_errors.is_empty() { p { "None introduced or resolved." } }
                @if !new_errors.is_empty() { h3 { "Introduced" } ul { @for f in &new_errors { (finding_row(f)) } } }
                @if !old_errors.is_empty() { h3 { "Resolved" } ul { @for f in &old_errors { (finding_row(f)) } } }
            }
            section aria-labelledby="stale" {
                h2 id="stale" { "Artifacts made stale" }
                @if made_stale.is_empty() { p { "None." } }
                ul class="files" { @for name in &made_stale { li { a href=(links.artifact(name)) { (name) } } } }
                @if !made_stale.is_empty() {
                    p class="meta" { "Regenerate them with " code { "specbuilder generate --project " (slug) } "." }
                }
            }
        },
    ))
}
