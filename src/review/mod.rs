//! What a spec change means, in product terms: decisions added, changed and removed (locked ones
//! and replaced assumptions called out), contradictions introduced and resolved, requirements,
//! scenarios and tickets that changed, artifacts made stale, breaking contract changes, and
//! targets whose blockers moved. Computed from two repository states, so the CLI (`review`)
//! and the bot (the review comment on a pull request) say the same thing.

mod items;
pub mod markdown;
pub mod overlap;

use crate::engine::{Catalog, Plan};
use crate::source::Snapshot;
use serde::Serialize;
use spec_format::model::{Decision, Status};
use spec_format::workspace::ProjectSpec;
use spec_format::{Code, Finding, Workspace};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use items::ItemChanges;

/// One side of a change: the files of a revision and what they parse into.
pub struct Side<'a> {
    /// The revision as given (a commit id where known).
    pub rev: &'a str,
    pub snapshot: &'a Snapshot,
    pub workspace: &'a Workspace,
}

/// Who last wrote a decision file in the change, when the history is at hand (a local
/// repository); a host's pull request gives only its head.
pub trait History {
    /// The newest commit of the change that wrote `path`, short, with its summary line.
    fn last_commit(&self, path: &str) -> Option<CommitRef>;
}

/// No history: commits are not named.
pub struct NoHistory;

impl History for NoHistory {
    fn last_commit(&self, _: &str) -> Option<CommitRef> {
        None
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitRef {
    pub id: String,
    /// The commit's author, by name.
    pub author: String,
    pub summary: String,
}

/// The whole review of a change.
#[derive(Debug, Serialize)]
pub struct Review {
    pub base: String,
    pub head: String,
    pub projects: Vec<ProjectReview>,
    /// Other changes (given with `--against`, or the host's open pull requests) touching the same
    /// decisions or facts a rule relates.
    pub overlaps: Vec<overlap::Overlap>,
}

impl Review {
    /// Nothing in the specs changed.
    pub fn is_empty(&self) -> bool {
        self.projects.iter().all(ProjectReview::is_empty)
    }

    /// The decision keys the change touches, per project (`slug/key`), for overlap detection.
    pub fn footprint(&self) -> overlap::Footprint {
        let mut footprint = overlap::Footprint::default();
        for project in &self.projects {
            let d = &project.decisions;
            let keys = d
                .added
                .iter()
                .map(|a| &a.key)
                .chain(d.changed.iter().map(|c| &c.key))
                .chain(d.removed.iter().map(|r| &r.key));
            footprint.keys.extend(keys.map(|k| format!("{}/{k}", project.project)));
            footprint.rules.extend(project.rules_touched.iter().map(|r| format!("{}/{r}", project.project)));
        }
        footprint
    }
}

/// What changed in one project.
#[derive(Debug, Default, Serialize)]
pub struct ProjectReview {
    pub project: String,
    /// `added`, `removed` or `changed`: whether the project folder itself came or went.
    pub state: &'static str,
    pub decisions: DecisionChanges,
    /// Keys of decisions locked on the base that the change edits or removes (SB501).
    pub locked_touched: Vec<String>,
    pub assumptions_replaced: Vec<AssumptionReplaced>,
    pub contradictions: Contradictions,
    pub requirements: ItemChanges,
    pub scenarios: ItemChanges,
    pub tickets: ItemChanges,
    /// Artifacts the change made stale, per target, with the command that regenerates them.
    pub stale: Vec<StaleTarget>,
    /// Breaking changes of the generated contracts (SB502).
    pub breaking: Vec<Located>,
    /// Targets whose missing decisions differ between base and head.
    pub blockers: Vec<BlockerChange>,
    /// Ids of the rules that read a fact the change touched (for overlap detection).
    #[serde(skip)]
    pub rules_touched: BTreeSet<String>,
}

impl ProjectReview {
    pub fn is_empty(&self) -> bool {
        self.decisions.is_empty()
            && self.contradictions.introduced.is_empty()
            && self.contradictions.resolved.is_empty()
            && self.requirements.is_empty()
            && self.scenarios.is_empty()
            && self.tickets.is_empty()
            && self.stale.is_empty()
            && self.breaking.is_empty()
            && self.blockers.is_empty()
    }
}

#[derive(Debug, Default, Serialize)]
pub struct DecisionChanges {
    pub added: Vec<DecisionState>,
    pub changed: Vec<DecisionChange>,
    pub removed: Vec<DecisionState>,
}

impl DecisionChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// A decision as one side has it.
#[derive(Debug, Serialize)]
pub struct DecisionState {
    pub key: String,
    pub path: String,
    pub question: String,
    /// The answer as people read it (option labels, not ids); `None` while unanswered.
    pub answer: Option<String>,
    pub status: Status,
    pub by: Option<String>,
    pub commit: Option<CommitRef>,
}

#[derive(Debug, Serialize)]
pub struct DecisionChange {
    pub key: String,
    pub path: String,
    pub question: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub status_before: Status,
    pub status_after: Status,
    /// Who answered it as the head has it.
    pub by: Option<String>,
    pub commit: Option<CommitRef>,
    /// The answer stayed; only the rationale, facts or other fields changed.
    pub answer_unchanged: bool,
}

#[derive(Debug, Serialize)]
pub struct AssumptionReplaced {
    pub key: String,
    pub assumed: Option<String>,
    pub answer: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Contradictions {
    pub introduced: Vec<Located>,
    pub resolved: Vec<Located>,
}

/// A finding reduced to what a reviewer reads: where and what.
#[derive(Clone, Debug, Serialize)]
pub struct Located {
    pub code: &'static str,
    pub path: String,
    pub line: usize,
    pub message: String,
    /// The other side of a contradiction.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
}

impl Located {
    fn of(finding: &Finding) -> Located {
        Located {
            code: finding.code.as_str(),
            path: finding.path.clone(),
            line: finding.line,
            message: finding.message.clone(),
            related: (finding.related.iter())
                .filter(|r| !r.path.starts_with("builtin:"))
                .map(|r| format!("{}:{}", r.path, r.line))
                .collect(),
        }
    }

    /// The same contradiction on both sides, whatever line it moved to.
    fn identity(&self) -> (&'static str, &str, &str) {
        (self.code, &self.path, &self.message)
    }
}

#[derive(Debug, Serialize)]
pub struct StaleTarget {
    pub target: String,
    pub artifacts: Vec<String>,
    /// The decisions behind the staleness.
    pub because: Vec<String>,
    pub command: String,
}

#[derive(Debug, Serialize)]
pub struct BlockerChange {
    pub target: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// The contradictions a repository state has: fact conflicts and broken rules.
fn contradictions(workspace: &Workspace) -> Vec<Located> {
    let options = spec_format::validate::Options { strict: false, base: None };
    (spec_format::validate::validate(workspace, &options).iter())
        .filter(|f| matches!(f.code, Code::FactConflict | Code::RuleViolation))
        .map(Located::of)
        .collect()
}

/// Reviews the change from `base` to `head`.
pub fn review(base: &Side<'_>, head: &Side<'_>, history: &dyn History) -> Review {
    let catalog = Catalog::for_workspace(head.workspace);
    let (before, after) = (contradictions(base.workspace), contradictions(head.workspace));
    let slugs: BTreeSet<&str> =
        base.workspace.projects.iter().chain(&head.workspace.projects).map(|p| p.slug.as_str()).collect();
    let projects = (slugs.into_iter())
        .map(|slug| {
            let old = base.workspace.project(slug);
            let new = head.workspace.project(slug);
            let mut review = project(old, new, base, head, &catalog, history);
            let inside = |l: &&Located| old.or(new).is_some_and(|p| l.path.starts_with(&format!("{}/", p.dir)));
            let known = |list: &[Located], l: &Located| list.iter().any(|o| o.identity() == l.identity());
            review.contradictions.introduced =
                after.iter().filter(inside).filter(|l| !known(&before, l)).cloned().collect();
            review.contradictions.resolved =
                before.iter().filter(inside).filter(|l| !known(&after, l)).cloned().collect();
            review
        })
        .filter(|p| !p.is_empty() || p.state != "changed")
        .collect();
    Review { base: base.rev.to_owned(), head: head.rev.to_owned(), projects, overlaps: Vec::new() }
}

fn project<'a>(
    old: Option<&ProjectSpec>,
    new: Option<&ProjectSpec>,
    base: &'a Side<'_>,
    head: &'a Side<'_>,
    catalog: &Catalog,
    history: &dyn History,
) -> ProjectReview {
    let slug = old.or(new).map(|p| p.slug.clone()).unwrap_or_default();
    let state = match (old, new) {
        (None, Some(_)) => "added",
        (Some(_), None) => "removed",
        _ => "changed",
    };
    let mut review = ProjectReview { project: slug, state, ..Default::default() };
    let (was, now) = (decisions_by_key(old), decisions_by_key(new));
    let by_path = |side: &'a Side<'_>| -> HashMap<&'a str, &'a [u8]> {
        side.snapshot.files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())).collect()
    };
    let (base_files, head_files) = (by_path(base), by_path(head));
    let mut touched_facts = BTreeSet::new();
    for (key, doc) in &now {
        let d = doc.decision();
        match was.get(key) {
            None => {
                touched_facts.extend(doc.facts.keys().cloned());
                review.decisions.added.push(state_of(d, doc.path(), history));
            }
            Some(prev) if base_files.get(prev.path()) != head_files.get(doc.path()) => {
                let p = prev.decision();
                touched_facts.extend(prev.facts.keys().chain(doc.facts.keys()).cloned());
                if p.locked {
                    review.locked_touched.push(key.clone());
                }
                let (before, after) = (answer_text(p), answer_text(d));
                if p.status == Status::Assumed && d.status == Status::Accepted {
                    review.assumptions_replaced.push(AssumptionReplaced {
                        key: key.clone(),
                        assumed: before.clone(),
                        answer: after.clone(),
                    });
                }
                review.decisions.changed.push(DecisionChange {
                    key: key.clone(),
                    path: doc.path().to_owned(),
                    question: d.question.clone(),
                    answer_unchanged: before == after && p.status == d.status,
                    before,
                    after,
                    status_before: p.status,
                    status_after: d.status,
                    by: d.answered_by.clone(),
                    commit: history.last_commit(doc.path()),
                });
            }
            Some(_) => {}
        }
    }
    for (key, doc) in &was {
        if !now.contains_key(key) {
            touched_facts.extend(doc.facts.keys().cloned());
            if doc.decision().locked {
                review.locked_touched.push(key.clone());
            }
            let mut gone = state_of(doc.decision(), doc.path(), &NoHistory);
            gone.commit = history.last_commit(doc.path());
            review.decisions.removed.push(gone);
        }
    }
    review.locked_touched.sort();
    if let Some(p) = new {
        review.rules_touched = (head.workspace.rules_for(p).iter())
            .filter(|r| r.rule.fact_names().any(|f| touched_facts.contains(f)))
            .map(|r| r.rule.id.clone())
            .collect();
    }
    let dir = old.or(new).map(|p| p.dir.as_str()).unwrap_or_default();
    review.requirements = items::requirements(dir, &base.snapshot.files, &head.snapshot.files);
    review.scenarios = items::scenarios(dir, &base.snapshot.files, &head.snapshot.files);
    review.tickets = items::tickets(dir, &base.snapshot.files, &head.snapshot.files);
    if let Some(p) = new {
        review.stale = stale(p, &review.decisions);
        review.breaking = (crate::verify::breaking_changes(dir, &base.snapshot.files, &head.snapshot.files).iter())
            .map(Located::of)
            .collect();
    }
    review.blockers = blockers(old, new, catalog);
    review
}

fn decisions_by_key(project: Option<&ProjectSpec>) -> BTreeMap<String, &spec_format::workspace::DecisionDoc> {
    project.into_iter().flat_map(|p| &p.decisions).map(|d| (d.decision().key.clone(), d)).collect()
}

fn state_of(d: &Decision, path: &str, history: &dyn History) -> DecisionState {
    DecisionState {
        key: d.key.clone(),
        path: path.to_owned(),
        question: d.question.clone(),
        answer: answer_text(d),
        status: d.status,
        by: d.answered_by.clone(),
        commit: history.last_commit(path),
    }
}

/// The answer as people read it: the chosen options' labels, else the answer itself.
pub fn answer_text(d: &Decision) -> Option<String> {
    let answer = d.answer.as_ref()?;
    let ids = answer.chosen_ids();
    let labels: Vec<&str> =
        (ids.iter()).filter_map(|id| d.options.iter().find(|o| o.id == *id).map(|o| o.label.as_str())).collect();
    Some(if !ids.is_empty() && labels.len() == ids.len() { labels.join(", ") } else { answer.to_string() })
}

/// Artifacts generated from a decision this change touched, grouped by target.
fn stale(project: &ProjectSpec, changes: &DecisionChanges) -> Vec<StaleTarget> {
    let Some(manifest) = &project.manifest else { return Vec::new() };
    let touched: BTreeSet<&str> = (changes.changed.iter().map(|c| c.key.as_str()))
        .chain(changes.removed.iter().map(|r| r.key.as_str()))
        .collect();
    // A project with a manifest has each decision file's hash from loading.
    let hashes: BTreeMap<&str, &str> =
        (project.decisions.iter()).filter_map(|d| Some((d.decision().key.as_str(), d.sha256.as_deref()?))).collect();
    let mut by_target: BTreeMap<&str, StaleTarget> = BTreeMap::new();
    for (name, entry) in &manifest.value.artifacts {
        let because: Vec<String> = (entry.based_on.iter())
            .filter(|(key, hash)| {
                touched.contains(key.as_str()) && hashes.get(key.as_str()).is_none_or(|h| !h.eq_ignore_ascii_case(hash))
            })
            .map(|(key, _)| key.clone())
            .collect();
        if because.is_empty() {
            continue;
        }
        let target = by_target.entry(entry.kind.as_str()).or_insert_with(|| StaleTarget {
            target: entry.kind.clone(),
            artifacts: Vec::new(),
            because: Vec::new(),
            command: format!("specbuilder generate {} --project {}", entry.kind, project.slug),
        });
        target.artifacts.push(name.clone());
        for key in because {
            if !target.because.contains(&key) {
                target.because.push(key);
            }
        }
    }
    by_target.into_values().collect()
}

/// Targets whose blockers (required decisions still missing) differ between the two sides.
fn blockers(old: Option<&ProjectSpec>, new: Option<&ProjectSpec>, catalog: &Catalog) -> Vec<BlockerChange> {
    let of = |p: Option<&ProjectSpec>| -> BTreeMap<String, Vec<String>> {
        let Some(p) = p else { return BTreeMap::new() };
        let Some(template) =
            p.project.as_ref().and_then(|h| h.value.template.as_deref()).and_then(|id| catalog.get(id))
        else {
            return BTreeMap::new();
        };
        (Plan::new(&template.template.value, p).progress().into_iter())
            .map(|t| (t.target, t.blockers.iter().map(|b| (*b).to_owned()).collect()))
            .collect()
    };
    let (before, after) = (of(old), of(new));
    let targets: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    (targets.into_iter())
        .filter_map(|target| {
            let (b, a) =
                (before.get(target).cloned().unwrap_or_default(), after.get(target).cloned().unwrap_or_default());
            (b != a).then(|| BlockerChange { target: target.clone(), before: b, after: a })
        })
        .collect()
}
