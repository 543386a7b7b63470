//! What the decisions imply, resolved for one project: the template's `implies` blocks of every
//! decision in force (and of its chosen options) whose `when` holds, with `${fact}` filled in and
//! per-entity items repeated for each entity. Every generator reads this one model, so an
//! operation, a table or a scenario traces back to the decision that caused it.

mod entity;

use super::entities::Entity;
use super::spec::{ENTITIES_KEY, answer_text};
use spec_format::model::implies::{self, ColumnSpec, HttpMethod, Implication, Priority, Scenario, TaskSpec};
use spec_format::model::{Answer, Decision, Question, Status, Template};
use spec_format::value::FactValue;
use spec_format::workspace::DecisionDoc;
use std::collections::BTreeMap;

/// A functional requirement: `REQ-<key>-<n>`, an EARS statement, and its scenarios.
#[derive(Clone, Debug)]
pub struct Requirement {
    pub id: String,
    pub key: String,
    pub category: String,
    pub statement: String,
    pub assumed: bool,
    /// The entity this requirement is about, for the entity requirements of `data.entities`.
    pub entity: Option<usize>,
    pub scenarios: Vec<Scenario>,
    pub edge_cases: Vec<Scenario>,
    /// The story it belongs to (an index into [`Implied::stories`]).
    pub story: Option<usize>,
}

/// A user story: what a block of requirements gives someone, with its priority.
#[derive(Clone, Debug)]
pub struct Story {
    /// `US1`, `US2`, ... in priority order.
    pub id: String,
    pub key: String,
    pub text: String,
    pub priority: Priority,
    pub requirements: Vec<String>,
    /// A short title for a phase of the plan.
    pub title: String,
}

/// Where an item came from: the decision, the story and the requirements of its block.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub key: String,
    /// Decisions whose facts decided that the block applies (its `when`) or fill its text.
    pub facts: Vec<String>,
    pub story: Option<usize>,
    pub requirements: Vec<String>,
}

/// What an operation reads or returns.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    None,
    /// A named type (an entity, a table, or a shape named only), as a list or one.
    Type {
        name: String,
        list: bool,
    },
    Fields(Vec<ColumnSpec>),
}

/// The entity operations every project gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crud {
    List,
    Create,
    Get,
    Update,
    Delete,
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    pub method: HttpMethod,
    pub path: String,
    pub summary: String,
    pub request: Body,
    pub response: Body,
    /// The decided roles that may call it; empty: every signed-in member.
    pub roles: Vec<String>,
    /// The decided roles that may not (each gets 403).
    pub denied: Vec<String>,
    pub public: bool,
    /// For the entity operations: which entity and which of the five.
    pub crud: Option<(usize, Crud)>,
    pub origin: Origin,
}

impl Implied {
    /// Whether the entity operation is in the model (a decision's own operation may replace it).
    pub fn has_crud(&self, entity: usize, crud: Crud) -> bool {
        self.operations.iter().any(|o| o.crud == Some((entity, crud)))
    }
}

impl Operation {
    /// The field that serves it in the GraphQL schema.
    pub fn graphql_name(&self, entities: &[Entity]) -> String {
        match self.crud.and_then(|(i, crud)| entities.get(i).map(|e| (e, crud))) {
            Some((e, Crud::List)) => super::entities::camel(&e.plural()),
            Some((e, Crud::Get)) => super::entities::camel(&e.name),
            _ => super::entities::camel(&self.id),
        }
    }

    /// Path parameters, in order: `/a/{id}/b/{token}` -> `id`, `token`.
    pub fn path_params(&self) -> Vec<&str> {
        self.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect()
    }
}

#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub purpose: String,
    pub columns: Vec<ColumnSpec>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct Item {
    /// A route, a job name, a notification name or a setting name.
    pub name: String,
    /// What a person sees it as: a screen's name, a job's schedule, a channel, ...
    pub detail: String,
    pub purpose: String,
    pub secret: bool,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct Nfr {
    pub id: String,
    pub key: String,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Task {
    pub spec: TaskSpec,
    pub origin: Origin,
}

/// Everything the decisions imply.
#[derive(Debug, Default)]
pub struct Implied {
    pub stories: Vec<Story>,
    pub requirements: Vec<Requirement>,
    pub nfrs: Vec<Nfr>,
    pub operations: Vec<Operation>,
    pub tables: Vec<Table>,
    /// Columns added to every entity's table.
    pub entity_columns: Vec<(ColumnSpec, Origin)>,
    pub screens: Vec<Item>,
    pub jobs: Vec<Item>,
    pub notifications: Vec<Item>,
    pub config: Vec<Item>,
    pub tasks: Vec<Task>,
}

/// Facts as the generator sees them: name -> (value, key of the decision asserting it).
pub type FactMap<'a> = BTreeMap<&'a str, (&'a FactValue, &'a str)>;

/// Resolves the implications of every decision in force.
pub fn resolve(
    decisions: &[&DecisionDoc],
    template: Option<&Template>,
    facts: &FactMap<'_>,
    entities: &[Entity],
    roles: &[String],
) -> Implied {
    let mut out = Implied::default();
    let mut reader = Reader { facts };
    for doc in decisions {
        let d = doc.decision();
        let category = d.category.clone().unwrap_or_else(|| d.key.split('.').next().unwrap_or("").to_owned());
        let question = template.and_then(|t| t.questions.iter().find(|q| q.key == d.key));
        let mut numbering = Numbering { key: &d.key, requirements: 0, nfrs: 0 };
        if d.key == ENTITIES_KEY && !entities.is_empty() {
            // Rows are a workspace's own only where one database holds every customer.
            let shared = facts.get("tenancy.model").is_some_and(|(v, _)| v.to_string() == "shared");
            entity::requirements(&mut out, d, &category, entities, roles, shared, &mut numbering);
        }
        let mut blocks = question.map(|q| blocks(q, d, &mut reader)).unwrap_or_default();
        // A decision may say what it implies itself (one written by hand, with no template).
        blocks.extend(d.implies.iter().filter(|b| reader.holds(b)));
        if blocks.is_empty() && d.key != ENTITIES_KEY {
            out.requirements.push(fallback_requirement(d, &category, numbering.next_requirement()));
            continue;
        }
        for block in blocks {
            let priority =
                block.priority.unwrap_or_else(|| Priority::from_question(question.map_or(0, |q| q.priority)));
            add_block(&mut out, block, d, &category, priority, entities, roles, &mut reader, &mut numbering);
        }
    }
    entity::operations(&mut out, entities);
    number_stories(&mut out);
    out
}

pub(super) struct Numbering<'a> {
    key: &'a str,
    requirements: usize,
    nfrs: usize,
}

impl Numbering<'_> {
    pub(super) fn next_requirement(&mut self) -> String {
        self.requirements += 1;
        format!("REQ-{}-{}", self.key, self.requirements)
    }

    fn next_nfr(&mut self) -> String {
        self.nfrs += 1;
        format!("NFR-{}-{}", self.key, self.nfrs)
    }
}

/// Reads facts for `when` and `${fact}`.
struct Reader<'a, 'f> {
    facts: &'a FactMap<'f>,
}

impl Reader<'_, '_> {
    fn holds(&mut self, block: &Implication) -> bool {
        block.when.iter().all(|(name, allowed)| match self.facts.get(name.as_str()) {
            Some((value, _)) => value.holds_under(allowed),
            None => false,
        })
    }

    /// `${fact.name}` replaced by the fact's decided value (a list joined with ", ").
    fn fill(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let name = &after[..end];
            match self.facts.get(name) {
                Some((value, _)) => {
                    let words: Vec<String> = value.scalars().iter().map(ToString::to_string).collect();
                    out.push_str(&words.join(", ").replace('_', " "));
                }
                None => out.push_str(&format!("(undecided {name})")),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// The blocks of a question and of the options a decision chose, whose `when` holds.
fn blocks<'t>(q: &'t Question, d: &Decision, reader: &mut Reader<'_, '_>) -> Vec<&'t Implication> {
    let chosen: Vec<&str> = d.answer.as_ref().map(Answer::chosen_ids).unwrap_or_default();
    let from_options = (q.options.iter()).filter(|o| chosen.contains(&o.id.as_str())).flat_map(|o| &o.implies);
    q.implies.iter().chain(from_options).filter(|b| reader.holds(b)).collect()
}

/// The decisions whose facts a block's `when` reads.
fn when_keys(block: &Implication, facts: &FactMap<'_>) -> Vec<String> {
    let mut keys: Vec<String> =
        block.when.keys().filter_map(|name| facts.get(name.as_str()).map(|(_, key)| (*key).to_owned())).collect();
    keys.sort();
    keys.dedup();
    keys
}

#[allow(clippy::too_many_arguments)]
fn add_block(
    out: &mut Implied,
    block: &Implication,
    d: &Decision,
    category: &str,
    priority: Priority,
    entities: &[Entity],
    roles: &[String],
    reader: &mut Reader<'_, '_>,
    numbering: &mut Numbering<'_>,
) {
    let assumed = d.status == Status::Assumed;
    let story = block.story.as_ref().map(|text| {
        out.stories.push(Story {
            id: String::new(),
            key: d.key.clone(),
            text: reader.fill(text),
            priority,
            requirements: Vec::new(),
            title: story_title(&reader.fill(text)),
        });
        out.stories.len() - 1
    });
    let mut ids = Vec::new();
    for r in &block.requirements {
        let id = numbering.next_requirement();
        ids.push(id.clone());
        let fill_scenario = |s: &Scenario, reader: &mut Reader<'_, '_>| Scenario {
            name: reader.fill(&s.name),
            given: s.given.iter().map(|g| reader.fill(g)).collect(),
            when: s.when.iter().map(|g| reader.fill(g)).collect(),
            then: s.then.iter().map(|g| reader.fill(g)).collect(),
        };
        out.requirements.push(Requirement {
            id,
            key: d.key.clone(),
            category: category.to_owned(),
            statement: reader.fill(&r.ears),
            assumed,
            entity: None,
            scenarios: r.scenarios.iter().map(|s| fill_scenario(s, reader)).collect(),
            edge_cases: r.edge_cases.iter().map(|s| fill_scenario(s, reader)).collect(),
            story,
        });
    }
    if let Some(i) = story {
        out.stories[i].requirements.extend(ids.iter().cloned());
    }
    let facts = when_keys(block, reader.facts);
    let origin = Origin { key: d.key.clone(), facts, story, requirements: ids };
    for nfr in &block.nfrs {
        out.nfrs.push(Nfr { id: numbering.next_nfr(), key: d.key.clone(), text: reader.fill(nfr) });
    }
    for op in &block.operations {
        for entity in per_entity(&[&op.id, &op.path, &op.summary], entities) {
            let x = |t: &str, reader: &mut Reader<'_, '_>| reader.fill(&expand(t, entity));
            let id = x(&op.id, reader);
            if out.operations.iter().any(|o| o.id == id) {
                continue;
            }
            let (allowed, denied) = allowed_roles(&op.roles, roles);
            out.operations.push(Operation {
                id,
                method: op.method,
                path: x(&op.path, reader),
                summary: x(&op.summary, reader),
                request: op.request.as_deref().map_or(Body::None, |b| body(&expand(b, entity), roles)),
                response: op.response.as_deref().map_or(Body::None, |b| body(&expand(b, entity), roles)),
                roles: allowed,
                denied,
                public: op.public,
                crud: None,
                origin: origin.clone(),
            });
        }
    }
    for table in &block.tables {
        if out.tables.iter().any(|t| t.name == table.name) {
            continue;
        }
        // Lint reports a list that does not parse; here it only loses the bad table.
        if let Ok(columns) = columns(&table.columns, roles) {
            let purpose = reader.fill(&table.purpose);
            out.tables.push(Table { name: table.name.clone(), purpose, columns, origin: origin.clone() });
        }
    }
    if let Some(Ok(columns)) = block.entity_columns.as_deref().map(|list| columns(list, roles)) {
        for column in columns {
            if !out.entity_columns.iter().any(|(c, _)| c.name == column.name) {
                out.entity_columns.push((column, origin.clone()));
            }
        }
    }
    for s in &block.screens {
        for entity in per_entity(&[&s.route, &s.name], entities) {
            let route = reader.fill(&expand(&s.route, entity));
            if out.screens.iter().any(|i| i.name == route) {
                continue;
            }
            let detail = reader.fill(&expand(&s.name, entity));
            let purpose = reader.fill(&expand(&s.purpose, entity));
            out.screens.push(Item { name: route, detail, purpose, secret: false, origin: origin.clone() });
        }
    }
    for j in &block.jobs {
        let purpose = reader.fill(&j.purpose);
        push_item(&mut out.jobs, &j.name, reader.fill(&j.schedule), purpose, false, &origin);
    }
    for n in &block.notifications {
        let detail = format!("{} to {}", n.channel.as_str(), reader.fill(&n.to));
        let purpose = format!("when {}", reader.fill(&n.trigger));
        push_item(&mut out.notifications, &n.name, detail, purpose, false, &origin);
    }
    for c in &block.config {
        let detail = c.default.as_deref().map(|d| format!("default {d}")).unwrap_or_default();
        let purpose = reader.fill(&c.purpose);
        push_item(&mut out.config, &c.name, detail, purpose, c.secret, &origin);
    }
    for t in &block.tasks {
        if !out.tasks.iter().any(|x| x.spec.delivers == t.delivers) {
            let mut spec = t.clone();
            spec.title = reader.fill(&t.title);
            spec.done_when = t.done_when.iter().map(|w| reader.fill(w)).collect();
            out.tasks.push(Task { spec, origin: origin.clone() });
        }
    }
}

fn push_item(items: &mut Vec<Item>, name: &str, detail: String, purpose: String, secret: bool, origin: &Origin) {
    if !items.iter().any(|i| i.name == name) {
        items.push(Item { name: name.to_owned(), detail, purpose, secret, origin: origin.clone() });
    }
}

/// The entities an item is repeated for: all of them when its text names `{entity}` & co.,
/// else once (as `None`).
fn per_entity<'e>(texts: &[&str], entities: &'e [Entity]) -> Vec<Option<&'e Entity>> {
    const MARKS: [&str; 4] = ["{entity}", "{entities}", "{Entity}", "{Entities}"];
    if texts.iter().any(|t| MARKS.iter().any(|m| t.contains(m))) {
        entities.iter().map(Some).collect()
    } else {
        vec![None]
    }
}

fn expand(text: &str, entity: Option<&Entity>) -> String {
    match entity {
        None => text.to_owned(),
        Some(e) => text
            .replace("{entity}", &e.name)
            .replace("{entities}", &e.plural())
            .replace("{Entity}", &e.title())
            .replace("{Entities}", &e.plural_title()),
    }
}

/// `Invitation`, `[Invitation]`, or a field list.
/// A field list with `role` columns made enumerations of the decided roles (a single role
/// leaves nothing to choose: plain text).
fn columns(list: &str, roles: &[String]) -> Result<Vec<ColumnSpec>, String> {
    let mut columns = implies::parse_columns(list)?;
    for c in columns.iter_mut().filter(|c| c.ty == "role" && roles.len() > 1) {
        c.ty = "enum".to_owned();
        c.values = roles.to_vec();
    }
    Ok(columns)
}

fn body(text: &str, roles: &[String]) -> Body {
    let text = text.trim();
    let (inner, list) = match text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(inner) => (inner.trim(), true),
        None => (text, false),
    };
    if inner.starts_with(|c: char| c.is_ascii_uppercase()) && inner.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Body::Type { name: inner.to_owned(), list };
    }
    columns(inner, roles).map_or(Body::None, Body::Fields)
}

/// The decided roles among those an operation names; the others are denied.
fn allowed_roles(wanted: &[String], decided: &[String]) -> (Vec<String>, Vec<String>) {
    if wanted.is_empty() || decided.len() < 2 {
        return (Vec::new(), Vec::new());
    }
    let mut allowed: Vec<String> = decided.iter().filter(|r| wanted.contains(r)).cloned().collect();
    if allowed.is_empty() {
        // None of the named roles was decided: the most trusted decided role keeps the power.
        allowed.push(decided[0].clone());
    }
    let denied = decided.iter().filter(|r| !allowed.contains(r)).cloned().collect();
    (allowed, denied)
}

/// "As a member, I want to sign in with a link ..., so that ..." -> "Sign in with a link ...".
fn story_title(story: &str) -> String {
    let want = story.split_once("I want to ").or_else(|| story.split_once("I want ")).map_or(story, |(_, w)| w);
    let want = want.split(", so that").next().unwrap_or(want).trim().trim_end_matches('.');
    let mut chars = want.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// Stories in priority order (stable within a priority), numbered `US1`, `US2`, ...
fn number_stories(out: &mut Implied) {
    let mut order: Vec<usize> = (0..out.stories.len()).collect();
    order.sort_by_key(|&i| (out.stories[i].priority, i));
    let mut new_index = vec![0; out.stories.len()];
    for (n, &i) in order.iter().enumerate() {
        new_index[i] = n;
    }
    let mut stories: Vec<Story> = order.iter().map(|&i| out.stories[i].clone()).collect();
    for (n, s) in stories.iter_mut().enumerate() {
        s.id = format!("US{}", n + 1);
    }
    out.stories = stories;
    let remap = |story: &mut Option<usize>| *story = story.map(|i| new_index[i]);
    out.requirements.iter_mut().for_each(|r| remap(&mut r.story));
    for origin in (out.operations.iter_mut().map(|o| &mut o.origin))
        .chain(out.tables.iter_mut().map(|t| &mut t.origin))
        .chain(out.entity_columns.iter_mut().map(|(_, o)| o))
        .chain(out.screens.iter_mut().map(|i| &mut i.origin))
        .chain(out.jobs.iter_mut().map(|i| &mut i.origin))
        .chain(out.notifications.iter_mut().map(|i| &mut i.origin))
        .chain(out.config.iter_mut().map(|i| &mut i.origin))
        .chain(out.tasks.iter_mut().map(|t| &mut t.origin))
    {
        remap(&mut origin.story);
    }
}

/// A decision no template says anything about: its answer, stated as a constraint.
fn fallback_requirement(d: &Decision, category: &str, id: String) -> Requirement {
    let question = d.question.trim().trim_end_matches('?');
    let answer = answer_text(d);
    Requirement {
        id,
        key: d.key.clone(),
        category: category.to_owned(),
        statement: format!(
            "The system shall hold to the decision {} (\"{question}\"): {}.",
            d.key,
            answer.trim_end_matches('.')
        ),
        assumed: d.status == Status::Assumed,
        entity: None,
        scenarios: Vec::new(),
        edge_cases: Vec::new(),
        story: None,
    }
}
