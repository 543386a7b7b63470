//! A project's conversation on its branch `spec/<slug>`: read the branch, check a new decision
//! against it, and commit it. No printing here: the CLI and the bot say things their own way.

use crate::config::Config;
use crate::engine::{Catalog, Plan, record, reply};
use crate::source::{self, Snapshot};
use crate::store::{self, BranchHead};
use anyhow::{Context, bail};
use spec_format::facts::FactIndex;
use spec_format::model::{Answer, AnswerFormat, Decision, Question, Status, Template};
use spec_format::validate::check_answer;
use spec_format::workspace::{DecisionDoc, Put, parse_decision};
use spec_format::{Finding, Layout, RepoFile, Severity, Workspace, write};
use std::path::Path;

mod kept;
mod session;
pub use session::{Session, assume_all_skipped, autopilot, conversation_ref, local_provenance, only_project_branch};

/// What became of a decision.
pub enum Recorded {
    /// Committed to the branch.
    Committed { id: gix::ObjectId, message: String },
    /// Refused: the findings name both sides. `file` is the decision that was not written,
    /// for showing its lines next to the others.
    Contradiction { findings: Vec<Finding>, file: (String, Vec<u8>) },
}

/// A project branch as read: its files, the workspace they make, and the templates it can use.
/// Pure: the local CLI and the bot both build one and commit what it prepares their own way.
pub struct Branch {
    pub slug: String,
    pub branch: String,
    pub layout: Layout,
    pub snapshot: Snapshot,
    pub workspace: Workspace,
    pub catalog: Catalog,
    /// The project's facts in force and its rules, built on first use and kept up to date by
    /// [`Branch::with_files`].
    facts: std::sync::OnceLock<FactIndex>,
}

/// An assumption assumed again to agree with a new answer.
pub struct Revised {
    pub path: String,
    pub bytes: Vec<u8>,
    /// `key = old → new (assumed)`, for the commit message and the reply.
    pub summary: String,
}

impl Prepared {
    /// Every file to commit, the decision's first.
    pub fn files(path: String, bytes: Vec<u8>, revised: Vec<Revised>) -> Vec<(String, Vec<u8>)> {
        std::iter::once((path, bytes)).chain(revised.into_iter().map(|r| (r.path, r.bytes))).collect()
    }
}

/// What a commit message adds for revised assumptions.
pub fn revised_note(revised: &[Revised]) -> String {
    match revised {
        [] => String::new(),
        _ => {
            let summaries: Vec<&str> = revised.iter().map(|r| r.summary.as_str()).collect();
            format!(" (assumptions revised to agree: {})", summaries.join("; "))
        }
    }
}

/// A decision checked against the branch.
pub enum Prepared {
    /// The file to commit, and assumptions it revises (file, summary): an answer outranks an
    /// assumption the person was never asked about.
    Ready { path: String, bytes: Vec<u8>, revised: Vec<Revised> },
    /// It contradicts the branch; nothing may be written.
    Contradiction { findings: Vec<Finding>, file: (String, Vec<u8>) },
}

impl Branch {
    pub fn new(slug: &str, layout: Layout, snapshot: Snapshot) -> Branch {
        Branch::keeping(slug, layout, snapshot, &mut Default::default())
    }

    /// [`Branch::new`] with the decisions in `kept` taken as parsed (see [`Workspace::load_keeping`]).
    pub fn keeping(
        slug: &str,
        layout: Layout,
        snapshot: Snapshot,
        kept: &mut std::collections::HashMap<String, DecisionDoc>,
    ) -> Branch {
        let mut workspace = Workspace::load_keeping(&snapshot.files, &layout, kept);
        Catalog::provide_built_ins(&mut workspace);
        let catalog = Catalog::for_workspace(&workspace);
        let branch = store::project_branch(slug);
        Branch { slug: slug.to_owned(), branch, layout, snapshot, workspace, catalog, facts: Default::default() }
    }

    /// The facts the project's decisions in force assert, with its rules.
    pub fn fact_index(&self) -> anyhow::Result<&FactIndex> {
        let project = self.project()?;
        Ok(self.facts.get_or_init(|| self.workspace.fact_index(project)))
    }

    /// The branch as it is once `files` are committed. When they are all decisions of the
    /// project (an answer, revised assumptions) only they are parsed, and the fact index grows
    /// by what they add; anything else (a project file, rules, a template) is loaded afresh.
    pub fn with_files(mut self, files: &[(String, Vec<u8>)]) -> Branch {
        self.apply(files);
        self
    }

    /// [`Branch::with_files`] in place.
    pub fn apply(&mut self, files: &[(String, Vec<u8>)]) {
        // The snapshot stays sorted by path, as it was read.
        for (path, bytes) in files {
            let file = RepoFile::new(path.clone(), bytes.clone());
            match self.snapshot.files.binary_search_by(|f| f.path.cmp(path)) {
                Ok(i) => self.snapshot.files[i] = file,
                Err(i) => self.snapshot.files.insert(i, file),
            }
        }
        let decisions = format!("{}/{}/decisions/", self.layout.specs_dir, self.slug);
        let is_decision =
            |path: &str| path.strip_prefix(&decisions).is_some_and(|name| name.ends_with(".md") && !name.contains('/'));
        let only_decisions = files.iter().all(|(path, _)| is_decision(path));
        let Some(project) = self.workspace.project_mut(&self.slug).filter(|_| only_decisions) else {
            *self = Branch::new(&self.slug, self.layout.clone(), std::mem::take(&mut self.snapshot));
            return;
        };
        let mut index = self.facts.take();
        for (path, bytes) in files {
            let put = project.put_decision(&RepoFile::new(path.clone(), bytes.clone()));
            let added = project.decisions.iter().find(|d| d.path() == path.as_str());
            match (put, index.as_mut(), added) {
                (Put::Added, Some(index), Some(d)) if d.decision().status.is_in_force() => index.add(&d.contribution()),
                (Put::Added, Some(_), _) => {}
                // A replaced decision may have asserted what is no longer true: built again.
                _ => index = None,
            }
        }
        if let Some(index) = index {
            self.facts = std::sync::OnceLock::from(index);
        }
    }

    pub fn template(&self) -> anyhow::Result<&Template> {
        let project = self.project()?;
        let id = project.project.as_ref().and_then(|p| p.value.template.as_deref());
        let id = id.ok_or_else(|| anyhow::anyhow!("project `{}` names no template", self.slug))?;
        Ok(&self.catalog.get(id).ok_or_else(|| anyhow::anyhow!("{}", self.catalog.missing(id)))?.template.value)
    }

    pub fn project(&self) -> anyhow::Result<&spec_format::workspace::ProjectSpec> {
        self.workspace.project(&self.slug).ok_or_else(|| {
            anyhow::anyhow!("branch `{}` has no {}/{}/project.md", self.branch, self.layout.specs_dir, self.slug)
        })
    }

    /// The decision of `key` on the branch, if it was decided.
    pub fn decision(&self, key: &str) -> anyhow::Result<Option<&DecisionDoc>> {
        Ok(self.project()?.decisions.iter().find(|d| d.decision().key == key))
    }

    /// Where the decision of `key` lives; a key that is not one (`../x`, `a/b`) never becomes a path.
    pub fn decision_path(&self, key: &str) -> anyhow::Result<String> {
        if !spec_format::ident::is_key(key) {
            bail!("`{key}` is not a decision key (lowercase words joined by dots)");
        }
        Ok(format!("{}/{}/decisions/{key}.md", self.layout.specs_dir, self.slug))
    }

    /// The question to ask next, each option checked against what the branch decides.
    pub fn next_question(&self) -> anyhow::Result<Option<crate::engine::NextQuestion<'_>>> {
        let (template, project) = (self.template()?, self.project()?);
        let mut next = Plan::new(template, project).next_question();
        if let Some(next) = &mut next {
            crate::engine::plan::vet(next, template, self.fact_index()?);
        }
        Ok(next)
    }

    /// Checks `decision` against every decision on the branch.
    pub fn prepare(&self, decision: &Decision) -> anyhow::Result<Prepared> {
        let path = self.decision_path(&decision.key)?;
        let text = write::decision(decision);
        let doc = decision_doc(&path, &text, &decision.key)?;
        let findings = check_answer(self.fact_index()?, &doc);
        if !findings.iter().any(|f| f.severity == Severity::Error) {
            return Ok(Prepared::Ready { path, bytes: text.into_bytes(), revised: Vec::new() });
        }
        if decision.status == Status::Accepted
            && let Some(revised) = self.revise_assumptions(&doc, &findings, decision)?
        {
            return Ok(Prepared::Ready { path, bytes: text.into_bytes(), revised });
        }
        Ok(Prepared::Contradiction { findings, file: (path, text.into_bytes()) })
    }

    /// When every decision an answer clashes with is an assumption (recorded because the depth
    /// skipped its question, or by `skip`), those are assumed again, each to the nearest answer
    /// that agrees with the new one. `None` when a clash is with a decision a person made, or
    /// an assumption cannot be made to agree.
    fn revise_assumptions(
        &self,
        doc: &DecisionDoc,
        findings: &[Finding],
        decision: &Decision,
    ) -> anyhow::Result<Option<Vec<Revised>>> {
        let (template, project) = (self.template()?, self.project()?);
        let by_path: std::collections::HashMap<&str, &DecisionDoc> =
            project.decisions.iter().map(|d| (d.path(), d)).collect();
        let mut clashing: Vec<&DecisionDoc> = Vec::new();
        for finding in findings.iter().filter(|f| f.severity == Severity::Error) {
            let paths = std::iter::once(finding.path.as_str()).chain(finding.related.iter().map(|r| r.path.as_str()));
            for path in paths.filter(|p| *p != doc.path()) {
                // Rules and templates are places too; only decisions assert facts.
                let Some(other) = by_path.get(path) else { continue };
                if other.decision().status != Status::Assumed || other.decision().locked {
                    return Ok(None);
                }
                if !clashing.iter().any(|c| c.path() == other.path()) {
                    clashing.push(other);
                }
            }
        }
        if clashing.is_empty() {
            return Ok(None);
        }
        let mut index = FactIndex::new(self.workspace.rules_for(project));
        let kept = project.decisions.iter().filter(|d| d.decision().status.is_in_force());
        for d in kept.filter(|d| d.decision().key != decision.key && !clashing.iter().any(|c| c.path() == d.path())) {
            index.add(&d.contribution());
        }
        index.add(&doc.contribution());
        let mut revised = Vec::new();
        for old in clashing {
            let Some(q) = template.questions.iter().find(|q| q.key == old.decision().key) else { return Ok(None) };
            let holds = |name: &str, allowed: &spec_format::value::FactValue| index.holds(name, allowed);
            let Some((default, reason)) = crate::engine::plan::recommend_for(q, &holds) else { return Ok(None) };
            let reason = reason.or(q.assume_reason.as_deref()).unwrap_or("the template's default");
            let by = || record::Provenance {
                answered_by: decision.answered_by.clone().unwrap_or_else(|| "specbuilder".into()),
                answered_at: decision.answered_at.clone().unwrap_or_default(),
                source: None,
            };
            let Some((text, new)) = consistent_assumption(q, default, reason, &index, old.path(), &by)? else {
                return Ok(None);
            };
            index.add(&new.contribution());
            let summary = format!(
                "{} = {} → {} (assumed)",
                q.key,
                old.decision().answer.as_ref().map(ToString::to_string).unwrap_or_default(),
                new.decision().answer.as_ref().map(ToString::to_string).unwrap_or_default()
            );
            revised.push(Revised { path: old.path().to_owned(), bytes: text.into_bytes(), summary });
        }
        Ok(Some(revised))
    }

    /// The questions that apply now but that the project's depth does not ask, recorded as
    /// assumptions (the template default and its reason), with the commit message for them. An
    /// assumption that would contradict the branch is left out (`status` keeps listing it).
    pub fn skipped_assumptions(&self, by: impl Fn() -> record::Provenance) -> anyhow::Result<Option<Assumptions>> {
        let template = self.template()?;
        let project = self.project()?;
        let depth = project.project.as_ref().map(|p| p.value.depth).unwrap_or_default();
        let assumptions = Plan::new(template, project).assumptions();
        if assumptions.is_empty() {
            return Ok(None); // most answers: no copy of the index needed
        }
        let mut index = self.fact_index()?.clone();
        let (mut files, mut keys) = (Vec::new(), Vec::new());
        for assumption in assumptions {
            let Some(q) = template.questions.iter().find(|q| q.key == assumption.key) else { continue };
            let reason = assumption.reason.map_or_else(|| format!("not asked at {depth:?} depth"), str::to_owned);
            let path = self.decision_path(&q.key)?;
            // No option fits what is decided: the question stays open, to be asked.
            let found = consistent_assumption(q, assumption.default, &reason, &index, &path, &by)?;
            let Some((text, doc)) = found else { continue };
            index.add(&doc.contribution());
            files.push((path, text.into_bytes()));
            keys.push(q.key.clone());
        }
        if files.is_empty() {
            return Ok(None);
        }
        let message = format!(
            "spec({}): assume {} (not asked at {} depth)",
            self.slug,
            keys.join(", "),
            format!("{depth:?}").to_lowercase()
        );
        Ok(Some(Assumptions { files, keys, message }))
    }
}

/// The decision that assumes an answer to `q`: the recommended `default` when that agrees with
/// the facts and rules in force, else the nearest answer that does (the reason says so): for a
/// multi question the default without its clashing options, else the first option that agrees.
/// `None` when every candidate would contradict.
pub fn consistent_assumption(
    q: &Question,
    default: &Answer,
    reason: &str,
    index: &FactIndex,
    path: &str,
    by: &dyn Fn() -> record::Provenance,
) -> anyhow::Result<Option<(String, DecisionDoc)>> {
    let assume = |answer: Answer, why: String| -> anyhow::Result<Option<(String, DecisionDoc)>> {
        let decision = record::decision(q, Some(answer), Status::Assumed, Some(why), by());
        let text = write::decision(&decision);
        let doc = decision_doc(path, &text, &q.key)?;
        let clean = !check_answer(index, &doc).iter().any(|f| f.severity == Severity::Error);
        Ok(clean.then_some((text, doc)))
    };
    if let Some(found) = assume(default.clone(), reason.to_owned())? {
        return Ok(Some(found));
    }
    let instead = |choice: &str| {
        format!(
            "The recommended `{default}` contradicts what is decided; `{choice}` is the nearest answer that does not."
        )
    };
    let mut candidates: Vec<Answer> = Vec::new();
    if let (AnswerFormat::Multi, Answer::List(ids)) = (q.format, default) {
        // Each option alone, to keep those that agree.
        let mut agreeing = Vec::new();
        for id in ids {
            if assume(Answer::List(vec![id.clone()]), String::new())?.is_some() {
                agreeing.push(id.clone());
            }
        }
        if !agreeing.is_empty() {
            candidates.push(Answer::List(agreeing));
        }
    }
    if matches!(q.format, AnswerFormat::Single | AnswerFormat::Multi) {
        let chosen = default.chosen_ids();
        let single = |id: &str| match q.format {
            AnswerFormat::Multi => Answer::List(vec![id.to_owned()]),
            _ => Answer::Text(id.to_owned()),
        };
        candidates.extend(q.options.iter().filter(|o| !chosen.contains(&o.id.as_str())).map(|o| single(&o.id)));
    }
    for candidate in candidates {
        let why = instead(&candidate.to_string());
        if let Some(found) = assume(candidate, why)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// Assumptions to commit together.
pub struct Assumptions {
    pub files: Vec<(String, Vec<u8>)>,
    pub keys: Vec<String>,
    pub message: String,
}

fn decision_doc(path: &str, text: &str, key: &str) -> anyhow::Result<DecisionDoc> {
    let parsed = parse_decision(path, text.as_bytes()).parsed.context("a written decision always parses")?;
    Ok(DecisionDoc { facts: parsed.value.effective_facts(), file_key: key.to_owned(), sha256: None, doc: parsed })
}

/// The workspace of a snapshot, with the built-in templates available to its projects.
pub fn workspace(snapshot: &Snapshot, layout: &Layout) -> Workspace {
    let mut workspace = Workspace::load(&snapshot.files, layout);
    Catalog::provide_built_ins(&mut workspace);
    workspace
}
