//! What every entity of `data.entities` brings: a story, two requirements with concrete
//! scenarios and negative paths, and its five operations.

use super::{Body, Crud, Implied, Numbering, Operation, Origin, Requirement, Story};
use crate::generate::entities::{Entity, Field, FieldType};
use crate::generate::spec::ENTITIES_KEY;
use spec_format::model::implies::{HttpMethod, Priority, Scenario};
use spec_format::model::{Decision, Status};

/// Per entity: a story, a requirement with concrete scenarios, and its negative paths.
pub(super) fn requirements(
    out: &mut Implied,
    d: &Decision,
    category: &str,
    entities: &[Entity],
    roles: &[String],
    shared: bool,
    numbering: &mut Numbering<'_>,
) {
    let member = roles.last().cloned().unwrap_or_else(|| "member".to_owned());
    for (i, e) in entities.iter().enumerate() {
        let thing = e.name.replace('_', " ");
        let things = e.plural().replace('_', " ");
        out.stories.push(Story {
            id: String::new(),
            key: d.key.clone(),
            text: format!(
                "As a {member}, I want to keep {things} ({}), so that the team works from one list.",
                e.field_summary()
            ),
            priority: Priority::P1,
            requirements: Vec::new(),
            title: format!("Manage {things}"),
        });
        let story = out.stories.len() - 1;
        let create_id = numbering.next_requirement();
        let required: Vec<&Field> = e.fields.iter().filter(|f| !f.optional).collect();
        let example = example_values(e, entities);
        let create = Requirement {
            id: create_id.clone(),
            key: d.key.clone(),
            category: category.to_owned(),
            statement: format!(
                "When a {member} submits a new {thing} with {}, the system shall store it and return it with its id, created_at and updated_at.",
                if required.is_empty() { "no fields".to_owned() } else { names(&required) }
            ),
            assumed: d.status == Status::Assumed,
            entity: Some(i),
            scenarios: vec![Scenario {
                name: format!("Ana creates a {thing}"),
                given: vec![format!("ana@example.com is a {member} of the workspace \"Acme\"")],
                when: vec![format!("she creates a {thing} with {example}")],
                then: vec![
                    format!("the response is 201 with the new {thing}'s id"),
                    format!("the list of {things} in \"Acme\" holds it with {example}"),
                ],
            }],
            edge_cases: required
                .first()
                .map(|f| Scenario {
                    name: format!("A {thing} without its {} is refused", f.name.replace('_', " ")),
                    given: vec![format!("ana@example.com is a {member} of the workspace \"Acme\"")],
                    when: vec![format!("she creates a {thing} without {}", f.name)],
                    then: vec![
                        format!("the response is 400 and names the field \"{}\"", f.column()),
                        format!("no {thing} is stored"),
                    ],
                })
                .into_iter()
                .collect(),
            story: Some(story),
        };
        let isolate_id = numbering.next_requirement();
        let changed = Scenario {
            name: format!("Ana changes and deletes a {thing}"),
            given: vec![format!("a {thing} with {example} exists")],
            when: vec![format!("ana@example.com changes that {thing} and then deletes it")],
            then: vec![
                "the change answers 200 with a later updated_at".to_owned(),
                format!("the delete answers 204 and the list of {things} no longer holds it"),
            ],
        };
        let (statement, edge) = if shared {
            (
                format!(
                    "When a {member} lists, reads, changes or deletes {things}, the system shall act only on the {things} of their own workspace and answer 404 for any other."
                ),
                Scenario {
                    name: format!("Another workspace's {thing} stays hidden"),
                    given: vec![
                        format!("the workspace \"Acme\" has a {thing} with {example}"),
                        format!("ben@example.com is a {member} of the workspace \"Globex\" only"),
                    ],
                    when: vec![format!("ben@example.com asks for that {thing} by its id")],
                    then: vec!["the response is 404".to_owned(), format!("the {thing} is unchanged")],
                },
            )
        } else {
            (
                format!(
                    "If a {member} reads, changes or deletes a {thing} by an id that does not exist, then the system shall answer 404 and change nothing."
                ),
                Scenario {
                    name: format!("An unknown {thing} id answers 404"),
                    given: vec![format!("no {thing} has the id 0b7f6f1e-0000-4000-8000-000000000000")],
                    when: vec![format!("ana@example.com deletes the {thing} 0b7f6f1e-0000-4000-8000-000000000000")],
                    then: vec!["the response is 404".to_owned(), format!("the count of {things} is unchanged")],
                },
            )
        };
        let isolate = Requirement {
            id: isolate_id.clone(),
            key: d.key.clone(),
            category: category.to_owned(),
            statement,
            assumed: d.status == Status::Assumed,
            entity: Some(i),
            scenarios: vec![changed],
            edge_cases: vec![edge],
            story: Some(story),
        };
        out.stories[story].requirements.extend([create_id, isolate_id]);
        out.requirements.extend([create, isolate]);
    }
}

/// `name "Name 1", done true` for a scenario step.
fn example_values(e: &Entity, entities: &[Entity]) -> String {
    let mut parts = Vec::new();
    for f in e.fields.iter().filter(|f| !f.optional).take(4) {
        let value = match &f.ty {
            FieldType::Text if f.name.contains("email") => "\"ana@example.com\"".to_owned(),
            FieldType::Text => format!("\"{} 1\"", capitalise(&f.name.replace('_', " "))),
            FieldType::Int => "3".to_owned(),
            FieldType::Bool => "false".to_owned(),
            FieldType::Decimal => "19.90".to_owned(),
            FieldType::Date => "2027-03-01".to_owned(),
            FieldType::DateTime => "2027-03-01T09:00:00Z".to_owned(),
            FieldType::Uuid => "0b7f6f1e-2c4a-4f7e-9a51-3f1d2b8c9e10".to_owned(),
            FieldType::Json => "{\"priority\": 2}".to_owned(),
            FieldType::Ref(target) => {
                let name = entities.iter().find(|x| &x.name == target).map_or(target.as_str(), |x| x.name.as_str());
                format!("the {} \"{} 1\"", name.replace('_', " "), capitalise(&name.replace('_', " ")))
            }
        };
        parts.push(format!("{} {value}", f.name.replace('_', " ")));
    }
    if parts.is_empty() { "no fields".to_owned() } else { parts.join(", ") }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

fn names(fields: &[&Field]) -> String {
    fields.iter().map(|f| f.name.replace('_', " ")).collect::<Vec<_>>().join(", ")
}

/// The five operations of every entity, traced to its story and requirements.
pub(super) fn operations(out: &mut Implied, entities: &[Entity]) {
    for (i, e) in entities.iter().enumerate() {
        let story = out
            .stories
            .iter()
            .position(|s| s.key == ENTITIES_KEY && s.title == format!("Manage {}", e.plural().replace('_', " ")));
        let requirements: Vec<String> =
            out.requirements.iter().filter(|r| r.entity == Some(i)).map(|r| r.id.clone()).collect();
        let origin = Origin { key: ENTITIES_KEY.to_owned(), facts: Vec::new(), story, requirements };
        let (title, plural, thing) = (e.title(), e.plural(), e.name.replace('_', " "));
        let one = || Body::Type { name: title.clone(), list: false };
        let ops = [
            (
                format!("list{}", e.plural_title()),
                HttpMethod::Get,
                format!("/{plural}"),
                format!("List {}", plural.replace('_', " ")),
                Body::None,
                Body::Type { name: title.clone(), list: true },
                Crud::List,
            ),
            (
                format!("create{title}"),
                HttpMethod::Post,
                format!("/{plural}"),
                format!("Create a {thing}"),
                one(),
                one(),
                Crud::Create,
            ),
            (
                format!("get{title}"),
                HttpMethod::Get,
                format!("/{plural}/{{id}}"),
                format!("Read a {thing}"),
                Body::None,
                one(),
                Crud::Get,
            ),
            (
                format!("update{title}"),
                HttpMethod::Patch,
                format!("/{plural}/{{id}}"),
                format!("Change a {thing}"),
                one(),
                one(),
                Crud::Update,
            ),
            (
                format!("delete{title}"),
                HttpMethod::Delete,
                format!("/{plural}/{{id}}"),
                format!("Delete a {thing}"),
                Body::None,
                Body::None,
                Crud::Delete,
            ),
        ];
        for (id, method, path, summary, request, response, crud) in ops {
            // An operation a decision declares on the same route or name is the more specific:
            // it wins, and the entity's generic one is left out.
            if out.operations.iter().any(|o| o.id == id || (o.method == method && o.path == path)) {
                continue;
            }
            out.operations.push(Operation {
                id,
                method,
                path,
                summary,
                request,
                response,
                roles: Vec::new(),
                denied: Vec::new(),
                public: false,
                crud: Some((i, crud)),
                origin: origin.clone(),
            });
        }
    }
}
