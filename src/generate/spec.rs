//! What every generator reads: a project's decisions turned into requirements, entities and
//! facts, with a record of which decisions each artifact actually used (its `based_on`).

use super::entities::{self, Entity};
use super::implied::{self, Implied};
use spec_format::model::{Answer, Decision, Question, Status, Template};
use spec_format::value::{FactValue, Scalar};
use spec_format::workspace::{DecisionDoc, ProjectSpec};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// The key of the text decision that lists the product's entities.
pub const ENTITIES_KEY: &str = "data.entities";

pub use super::implied::Requirement;

/// A question the spec does not answer yet.
#[derive(Clone, Debug)]
pub struct OpenQuestion {
    pub key: String,
    pub text: String,
    pub deferred: bool,
}

/// PRD prose written by a language model, and which model wrote it (for the manifest).
#[derive(Clone, Debug)]
pub struct Overview {
    pub model: String,
    pub text: String,
}

/// The project as generators see it.
pub struct Spec<'a> {
    /// Optional model-written overview for the PRD; everything else is deterministic.
    pub overview: Option<Overview>,
    /// The code as analysed (`codebase/analysis.json` of a brownfield project).
    pub codebase: Option<crate::analyze::Analysis>,
    pub slug: &'a str,
    pub name: String,
    pub idea: String,
    pub template: Option<&'a Template>,
    /// Decisions in force (accepted or assumed), by key.
    pub decisions: Vec<&'a DecisionDoc>,
    pub open: Vec<OpenQuestion>,
    pub entities: Vec<Entity>,
    pub requirements: Vec<Requirement>,
    /// Everything else the decisions imply: stories, operations, tables, screens, tasks, ...
    pub implied: Implied,
    /// Fact name -> (value, key of the decision asserting it).
    facts: BTreeMap<&'a str, (&'a FactValue, &'a str)>,
    /// Decision keys read since the last [`Spec::take_reads`].
    reads: RefCell<BTreeSet<String>>,
}

impl<'a> Spec<'a> {
    pub fn new(project: &'a ProjectSpec, template: Option<&'a Template>) -> Result<Spec<'a>, String> {
        let head = project.project.as_ref().map(|p| &p.value);
        let mut decisions: Vec<&DecisionDoc> =
            project.decisions.iter().filter(|d| d.decision().status.is_in_force()).collect();
        decisions.sort_by(|a, b| a.decision().key.cmp(&b.decision().key));
        let mut facts = BTreeMap::new();
        for doc in &decisions {
            for (name, value) in &doc.facts {
                facts.entry(name.as_str()).or_insert((value, doc.decision().key.as_str()));
            }
        }
        let decided: BTreeSet<&str> = decisions.iter().map(|d| d.decision().key.as_str()).collect();
        let mut open: Vec<OpenQuestion> = (project.decisions.iter())
            .filter(|d| d.decision().status == Status::Deferred)
            .map(|d| OpenQuestion {
                key: d.decision().key.clone(),
                text: d.decision().question.clone(),
                deferred: true,
            })
            .collect();
        if let Some(template) = template {
            let listed: BTreeSet<String> = open.iter().map(|q| q.key.clone()).collect();
            for q in &template.questions {
                if !decided.contains(q.key.as_str()) && !listed.contains(&q.key) && applies(q, &facts) {
                    open.push(OpenQuestion { key: q.key.clone(), text: q.text.clone(), deferred: false });
                }
            }
        }
        let entities = match decisions.iter().find(|d| d.decision().key == ENTITIES_KEY) {
            Some(doc) => match &doc.decision().answer {
                Some(Answer::Text(text)) => {
                    entities::parse(text).map_err(|e| format!("{}: `{ENTITIES_KEY}`: {e}", doc.path()))?
                }
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        let roles = roles_of(&facts);
        let mut implied = implied::resolve(&decisions, template, &facts, &entities, &roles);
        let requirements = std::mem::take(&mut implied.requirements);
        Ok(Spec {
            overview: None,
            codebase: None,
            slug: &project.slug,
            name: head.map_or_else(|| project.slug.clone(), |p| p.name.clone()),
            idea: head.map(|p| p.body.trim().to_owned()).unwrap_or_default(),
            template,
            decisions,
            open,
            entities,
            requirements,
            implied,
            facts,
            reads: RefCell::default(),
        })
    }

    /// A fact's value, noting the decision it came from as read.
    pub fn fact(&self, name: &str) -> Option<&'a FactValue> {
        let (value, key) = self.facts.get(name)?;
        self.reads.borrow_mut().insert((*key).to_owned());
        Some(value)
    }

    /// A single-valued fact as text (`api.style` -> `rest`).
    pub fn word(&self, name: &str) -> Option<String> {
        match self.fact(name)? {
            FactValue::One(s) => Some(s.to_string()),
            FactValue::List(list) => list.first().map(ToString::to_string),
        }
    }

    /// Whether a fact holds as `true` (or as the given word).
    pub fn is(&self, name: &str, expected: &str) -> bool {
        self.fact(name).is_some_and(|v| v.scalars().iter().any(|s| s.to_string() == expected))
    }

    pub fn flag(&self, name: &str) -> bool {
        self.fact(name).is_some_and(|v| v.scalars().contains(&Scalar::Bool(true)))
    }

    /// A list fact's elements as words.
    pub fn words(&self, name: &str) -> Vec<String> {
        self.fact(name).map(|v| v.scalars().iter().map(ToString::to_string).collect()).unwrap_or_default()
    }

    /// The entities, noting `data.entities` as read.
    pub fn entities(&self) -> &[Entity] {
        if !self.entities.is_empty() {
            self.reads.borrow_mut().insert(ENTITIES_KEY.to_owned());
        }
        &self.entities
    }

    /// Every requirement, noting every decision as read.
    pub fn requirements(&self) -> &[Requirement] {
        self.read_all();
        &self.requirements
    }

    /// What the decisions imply. Nothing is noted as read: a generator notes the origins of
    /// what it uses ([`Spec::note_origin`]).
    pub fn implied(&self) -> &Implied {
        &self.implied
    }

    /// Notes an implied item's decision, and those its `when` read, as read.
    pub fn note_origin(&self, origin: &super::implied::Origin) {
        let mut reads = self.reads.borrow_mut();
        reads.insert(origin.key.clone());
        reads.extend(origin.facts.iter().cloned());
    }

    /// Notes the decided keys the template requires for `target` as read.
    pub fn note_required(&self, target: &str) {
        let Some(needs) = self.template.and_then(|t| t.artifacts.get(target)) else { return };
        let decided = needs.requires.iter().filter(|key| self.decision(key).is_some()).cloned();
        self.reads.borrow_mut().extend(decided);
    }

    pub fn read_all(&self) {
        self.reads.borrow_mut().extend(self.decisions.iter().map(|d| d.decision().key.clone()));
    }

    /// The decisions read since the last call, with the sha256 of each file.
    pub fn take_reads(&self) -> BTreeMap<String, String> {
        let reads = std::mem::take(&mut *self.reads.borrow_mut());
        (self.decisions.iter())
            .filter(|d| reads.contains(&d.decision().key))
            .map(|d| (d.decision().key.clone(), d.sha256.clone().unwrap_or_default()))
            .collect()
    }

    /// The `users.roles` fact, or a single `member` role.
    pub fn roles(&self) -> Vec<String> {
        self.fact("users.roles");
        roles_of(&self.facts)
    }

    /// Keys a target needs (the template's `artifacts.<target>.requires`) that are not decided.
    pub fn blockers(&self, target: &str) -> Vec<OpenQuestion> {
        let Some(template) = self.template else { return Vec::new() };
        let Some(needs) = template.artifacts.get(target) else { return Vec::new() };
        (needs.requires.iter())
            .filter(|key| !self.decisions.iter().any(|d| &d.decision().key == *key))
            .map(|key| {
                let text = (template.questions.iter().find(|q| &q.key == key))
                    .map_or_else(|| "(not a question of the template)".to_owned(), |q| q.text.clone());
                OpenQuestion { key: key.clone(), text, deferred: false }
            })
            .collect()
    }

    /// A decision by key, if in force.
    pub fn decision(&self, key: &str) -> Option<&'a Decision> {
        self.decisions.iter().find(|d| d.decision().key == key).map(|d| d.decision())
    }

    /// The project name as an identifier in PascalCase (`Team Todo` -> `TeamTodo`).
    pub fn type_name(&self) -> String {
        entities::pascal(&self.name)
    }
}

/// Whether a template question applies to the facts decided so far (its `ask_if` holds).
fn applies(q: &Question, facts: &BTreeMap<&str, (&FactValue, &str)>) -> bool {
    q.ask_if.iter().all(|(name, allowed)| facts.get(name.as_str()).is_some_and(|(v, _)| v.holds_under(allowed)))
}

/// The answer of a decision in words: the chosen options' labels, or the text.
pub fn answer_text(decision: &Decision) -> String {
    match &decision.answer {
        None => String::new(),
        Some(Answer::Text(text)) => match decision.options.iter().find(|o| &o.id == text) {
            Some(option) => option.label.clone(),
            None => text.strip_prefix(spec_format::model::decision::OTHER_PREFIX).unwrap_or(text).trim().to_owned(),
        },
        Some(Answer::List(ids)) => (ids.iter())
            .map(|id| decision.options.iter().find(|o| &o.id == id).map_or(id.as_str(), |o| o.label.as_str()))
            .collect::<Vec<_>>()
            .join("; "),
        Some(Answer::Form(fields)) => fields.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("; "),
    }
}

/// The decided roles (`users.roles`), most trusted first, or a single `member` role.
fn roles_of(facts: &BTreeMap<&str, (&FactValue, &str)>) -> Vec<String> {
    let roles: Vec<String> = facts
        .get("users.roles")
        .map(|(v, _)| v.scalars().iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    if roles.is_empty() { vec!["member".to_owned()] } else { roles }
}
