//! What a choice implies: the requirements, capabilities, scenarios and tasks that follow from
//! answering a template question one way. Generators project these into every artifact, so an
//! operation, a table or a scenario can be traced back to the decision that caused it.
//!
//! Text may name a fact as `${fact.name}` (its decided value), and an operation, screen or
//! column list may name the entities of `data.entities` as `{entity}`, `{entities}`, `{Entity}`
//! or `{Entities}`: such an item is repeated once per entity.

use crate::model::rules::Condition;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// One block of consequences, in force when every `when` fact holds (always, if empty).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Implication {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub when: Condition,
    /// A user story the block delivers: "As a <role>, I want <goal>, so that <benefit>."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<String>,
    /// The story's priority; by default from the question's priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Functional requirements, each an EARS statement with its acceptance scenarios.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<ImpliedRequirement>,
    /// Non-functional requirements, each with a number that can be measured.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nfrs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<Operation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<TableSpec>,
    /// Columns added to every entity's table, in the field syntax (`deleted_at:datetime?`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_columns: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub screens: Vec<Screen>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jobs: Vec<Job>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifications: Vec<Notification>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<Setting>,
    /// Work that delivers none of the above but must be done (a CI gate, a runbook).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<TaskSpec>,
}

impl Implication {
    /// Whether the block says anything at all.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
            && self.nfrs.is_empty()
            && self.operations.is_empty()
            && self.tables.is_empty()
            && self.entity_columns.is_none()
            && self.screens.is_empty()
            && self.jobs.is_empty()
            && self.notifications.is_empty()
            && self.config.is_empty()
            && self.tasks.is_empty()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    P1,
    P2,
    P3,
}

impl Priority {
    /// The priority a question's own number suggests (templates rank questions 0..100).
    pub fn from_question(priority: i32) -> Priority {
        match priority {
            75.. => Priority::P1,
            50..75 => Priority::P2,
            _ => Priority::P3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
        }
    }
}

/// A functional requirement in EARS form, proved by its scenarios; its edge cases are the
/// negative paths, each a scenario of its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpliedRequirement {
    pub ears: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edge_cases: Vec<Scenario>,
}

/// Given/When/Then with concrete example data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default, deserialize_with = "one_or_many", skip_serializing_if = "Vec::is_empty")]
    pub given: Vec<String>,
    #[serde(deserialize_with = "one_or_many")]
    pub when: Vec<String>,
    #[serde(deserialize_with = "one_or_many")]
    pub then: Vec<String>,
}

/// An API operation. `request` and `response` are a type name (`Invitation`, `{Entity}`,
/// `[Invitation]` for a list) or a field list (`email, role:text`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub id: String,
    pub method: HttpMethod,
    pub path: String,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    /// The roles that may call it (of those decided); empty: every signed-in member.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Callable without credentials (sign-in, accepting an invitation, a public health check).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// Reads only: a query in GraphQL, no request body.
    pub fn is_read(self) -> bool {
        self == HttpMethod::Get
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A table the capability needs. `columns` uses the field syntax of `data.entities`, plus
/// `enum(a|b)` for an enumeration and references to any table by its singular name (`User`).
/// `id` and `created_at` are added.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    pub name: String,
    pub purpose: String,
    pub columns: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Screen {
    pub route: String,
    pub name: String,
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

/// Background work: `schedule` is a cron expression or the event that starts it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    pub name: String,
    pub schedule: String,
    pub purpose: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    pub name: String,
    pub channel: Channel,
    pub to: String,
    pub trigger: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Push,
    Sms,
    InApp,
    Webhook,
    Chat,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Push => "push",
            Channel::Sms => "sms",
            Channel::InApp => "in-app",
            Channel::Webhook => "webhook",
            Channel::Chat => "chat",
        }
    }
}

/// A configuration value or secret the deployment must provide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    pub name: String,
    pub purpose: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSpec {
    pub title: String,
    /// The file or thing the task delivers (`.github/workflows/ci.yml`, `docs/runbook.md`).
    pub delivers: String,
    #[serde(default)]
    pub phase: Phase,
    /// What proves it done; each should name what can be observed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub done_when: Vec<String>,
}

/// Where a task belongs in the plan: setup, foundation, the story of its decision, or polish.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Setup,
    Foundation,
    #[default]
    Story,
    Polish,
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct V;
    impl<'de> de::Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a step or a list of steps")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
            Ok(vec![v.to_owned()])
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(step) = seq.next_element::<String>()? {
                out.push(step);
            }
            Ok(out)
        }
    }
    d.deserialize_any(V)
}

/// One column of a table spec's field list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: String,
    /// A type word (`text`, `int`, `bool`, `decimal`, `date`, `datetime`, `uuid`, `json`, or
    /// `role`: one of the project's decided roles), or a table's singular name in PascalCase for
    /// a reference.
    pub ty: String,
    /// The allowed values of an `enum(a|b)` column.
    pub values: Vec<String>,
    pub optional: bool,
    pub unique: bool,
}

/// The type words of the field syntax.
pub const TYPE_WORDS: &[&str] = &[
    "text",
    "string",
    "int",
    "integer",
    "bool",
    "boolean",
    "decimal",
    "money",
    "date",
    "datetime",
    "timestamp",
    "uuid",
    "json",
    "role",
];

/// Parses a field list: `email!, role:enum(owner|member), expires_at:datetime, note?`.
pub fn parse_columns(list: &str) -> Result<Vec<ColumnSpec>, String> {
    let mut out: Vec<ColumnSpec> = Vec::new();
    for field in split_fields(list) {
        let (name, ty) = field.split_once(':').unwrap_or((field, "text"));
        let (name, name_optional, name_unique) = strip_marks(name);
        let (ty, ty_optional, ty_unique) = strip_marks(ty);
        let (optional, unique) = (name_optional || ty_optional, name_unique || ty_unique);
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            return Err(format!("`{name}` is not a column name (lowercase letters, digits and `_`)"));
        }
        let mut values = Vec::new();
        let ty = if let Some(inner) = ty.strip_prefix("enum(").and_then(|t| t.strip_suffix(')')) {
            values = inner.split('|').map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect();
            if values.len() < 2 {
                return Err(format!("`{name}`: an enum needs two values or more, as `enum(a|b)`"));
            }
            "enum".to_owned()
        } else if TYPE_WORDS.contains(&ty.to_ascii_lowercase().as_str()) {
            ty.to_ascii_lowercase()
        } else if ty.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && ty.chars().all(|c| c.is_ascii_alphanumeric() || c == '{' || c == '}')
        {
            ty.to_owned()
        } else {
            return Err(format!(
                "`{ty}` (type of `{name}`) is neither a type ({}), `enum(a|b)`, nor a table's name in PascalCase",
                TYPE_WORDS.join(", ")
            ));
        };
        if out.iter().any(|c| c.name == name) {
            return Err(format!("the column `{name}` is listed twice"));
        }
        out.push(ColumnSpec { name: name.to_owned(), ty, values, optional, unique });
    }
    Ok(out)
}

/// A field's name or type without its trailing marks: `?` optional, `!` unique, in any order.
pub fn strip_marks(text: &str) -> (&str, bool, bool) {
    let (mut text, mut optional, mut unique) = (text.trim(), false, false);
    loop {
        if let Some(rest) = text.strip_suffix('?') {
            (text, optional) = (rest.trim_end(), true);
        } else if let Some(rest) = text.strip_suffix('!') {
            (text, unique) = (rest.trim_end(), true);
        } else {
            return (text, optional, unique);
        }
    }
}

/// Splits a field list at the commas outside parentheses.
fn split_fields(list: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0i32;
    let mut start = 0;
    let mut parts = Vec::new();
    for (i, c) in list.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' | '\n' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_parse_with_enums_references_and_marks() {
        let columns =
            parse_columns("email!, role:enum(owner | member), invited_by:User, accepted_at:datetime?").unwrap();
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["email", "role", "invited_by", "accepted_at"]);
        assert!(columns[0].unique && columns[0].ty == "text");
        assert_eq!(columns[1].values, ["owner", "member"]);
        assert_eq!(columns[2].ty, "User");
        assert!(columns[3].optional);
    }

    #[test]
    fn bad_columns_say_what_is_wrong() {
        assert!(parse_columns("role:enum(owner)").unwrap_err().contains("two values"));
        assert!(parse_columns("Email").unwrap_err().contains("not a column name"));
        assert!(parse_columns("a:whatever").unwrap_err().contains("PascalCase"));
        assert!(parse_columns("a, a:int").unwrap_err().contains("twice"));
    }
}
