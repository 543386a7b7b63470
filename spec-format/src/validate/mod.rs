//! The validator: every finding of the format, for a whole workspace or for one new answer.

mod artifacts;
mod dead_ends;
mod decision;
mod graph;
mod implications;
mod locked;
pub mod template;

use crate::facts::{FactIndex, PlacedRule};
use crate::finding::{Code, Finding, Severity, sort_findings};
use crate::workspace::{DecisionDoc, ProjectSpec, Workspace};
use rayon::prelude::*;
use std::collections::HashMap;

/// How to validate.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options<'a> {
    /// Treat warnings (a stale artifact, an undecided dependency, ...) as errors.
    pub strict: bool,
    /// The base revision of a change request: locked decisions may not differ from it.
    pub base: Option<&'a Workspace>,
}

/// Every finding in the workspace, sorted by file and line.
pub fn validate(ws: &Workspace, options: &Options<'_>) -> Vec<Finding> {
    let mut findings = ws.findings.clone();
    check_rules(&ws.repo_rules, &mut findings);
    for loaded in ws.templates.values() {
        findings.extend(template::lint(loaded));
    }
    let per_project: Vec<Vec<Finding>> = ws.projects.par_iter().map(|p| validate_project(ws, p, options)).collect();
    findings.extend(per_project.into_iter().flatten());
    if options.strict {
        make_strict(&mut findings);
    }
    sort_findings(&mut findings);
    findings
}

/// `--strict`: warnings count as errors. Public for findings made outside this crate (artifact
/// parsers, traceability) so every source of findings follows the same rule.
pub fn make_strict(findings: &mut [Finding]) {
    for f in findings.iter_mut().filter(|f| f.severity == Severity::Warning) {
        f.severity = Severity::Error;
    }
}

fn validate_project(ws: &Workspace, project: &ProjectSpec, options: &Options<'_>) -> Vec<Finding> {
    let mut out = project.findings.clone();
    if let Some(head) = &project.project {
        decision::secrets(&head.value.body, "idea", &head.path, head.lines.first_of(&["name"]), &mut out);
    }
    let (per_decision, index) = rayon::join(
        || {
            project
                .decisions
                .par_iter()
                .fold(Vec::new, |mut found, doc| {
                    decision::check(doc, &mut found);
                    found
                })
                .flatten()
                .collect::<Vec<_>>()
        },
        || ws.fact_index(project),
    );
    out.extend(per_decision);
    graph::check(project, &mut out);
    check_rules(&project.rules, &mut out);
    out.extend(index.contradictions());
    artifacts::check(project, &mut out);
    if let Some(base) = options.base.and_then(|b| b.project(&project.slug)) {
        locked::check(project, base, &mut out);
    }
    out
}

/// Malformed rules, and ids used twice within one rules file.
pub(crate) fn check_rules(rules: &[PlacedRule], out: &mut Vec<Finding>) {
    let mut seen: HashMap<&str, &crate::finding::Location> = HashMap::new();
    for placed in rules {
        if let Some(defect) = placed.rule.defect() {
            out.push(Finding::new(
                Code::BadRule,
                &placed.at.path,
                placed.at.line,
                format!("rule `{}` cannot be evaluated: {defect}", placed.rule.id),
            ));
        }
        if let Some(first) = seen.insert(&placed.rule.id, &placed.at) {
            out.push(
                Finding::new(
                    Code::BadRule,
                    &placed.at.path,
                    placed.at.line,
                    format!("rule id `{}` is used twice", placed.rule.id),
                )
                .related(first.clone()),
            );
        }
    }
}

/// Validates one new or changed decision against its project's fact index, without
/// re-checking the rest: what a bot runs on every reply. Empty means it can be committed.
pub fn check_answer(index: &FactIndex, doc: &DecisionDoc) -> Vec<Finding> {
    let mut out = Vec::new();
    decision::check(doc, &mut out);
    out.extend(index.contradictions_with(&doc.contribution()));
    sort_findings(&mut out);
    out
}
