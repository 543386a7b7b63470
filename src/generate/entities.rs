//! The entities of `data.entities`: one per line (or `;`), `Name: field, field:type, ...`.
//!
//! ```text
//! Project: name!, description:text?
//! Task: title, done:bool, due_on:date?, project:Project
//! ```
//!
//! A field's type is one of [`FieldType`]'s words (default `text`) or another entity's name,
//! which makes a reference. `?` marks a field optional, `!` unique.

use spec_format::model::implies::strip_marks;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// snake_case singular: `line_item`.
    pub name: String,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// snake_case; a reference's column is `<name>_id`.
    pub name: String,
    pub ty: FieldType,
    pub optional: bool,
    pub unique: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FieldType {
    Text,
    Int,
    Bool,
    Decimal,
    Date,
    DateTime,
    Uuid,
    Json,
    /// Another entity, by its snake_case name.
    Ref(String),
}

const TYPES: &[(&str, FieldType)] = &[
    ("text", FieldType::Text),
    ("string", FieldType::Text),
    ("int", FieldType::Int),
    ("integer", FieldType::Int),
    ("bool", FieldType::Bool),
    ("boolean", FieldType::Bool),
    ("decimal", FieldType::Decimal),
    ("money", FieldType::Decimal),
    ("date", FieldType::Date),
    ("datetime", FieldType::DateTime),
    ("timestamp", FieldType::DateTime),
    ("uuid", FieldType::Uuid),
    ("json", FieldType::Json),
];

/// Names the generated schema adds itself; an entity may not reuse them.
const RESERVED_FIELDS: &[&str] = &["id", "created_at", "updated_at", "deleted_at", "workspace_id"];
const RESERVED_ENTITIES: &[&str] = &["user", "workspace", "membership", "audit_event", "api_token"];
/// Type names the API contracts define themselves (GraphQL scalars and roots, shared messages).
const RESERVED_TYPES: &[&str] =
    &["query", "mutation", "subscription", "page_info", "date_time", "date", "decimal", "json", "problem", "empty"];

#[derive(Debug, PartialEq)]
pub struct EntityError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for EntityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {}: {}", self.line, self.message)
    }
}

pub fn parse(text: &str) -> Result<Vec<Entity>, EntityError> {
    let entries: Vec<&str> = text.split(['\n', ';']).map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut raw = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let error = |message: String| EntityError { line: i + 1, message };
        let (name, fields) = entry.split_once(':').unwrap_or((entry, ""));
        let name = snake(name).ok_or_else(|| error(format!("`{}` is not a name", name.trim())))?;
        if RESERVED_ENTITIES.contains(&name.as_str()) {
            return Err(error(format!("`{name}` is added by the generator itself; choose another name")));
        }
        if RESERVED_TYPES.contains(&name.as_str()) {
            return Err(error(format!("`{name}` is a type name the API contracts use; choose another name")));
        }
        let mut parsed = Vec::new();
        for field in fields.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            let (field_name, ty) = field.split_once(':').unwrap_or((field, "text"));
            let (field_name, name_optional, name_unique) = strip_marks(field_name);
            let (ty, ty_optional, ty_unique) = strip_marks(ty);
            let (optional, unique) = (name_optional || ty_optional, name_unique || ty_unique);
            let fname = snake(field_name).ok_or_else(|| error(format!("`{field_name}` is not a field name")))?;
            if RESERVED_FIELDS.contains(&fname.as_str()) {
                return Err(error(format!("`{fname}` is added by the generator itself; leave it out")));
            }
            if parsed.iter().any(|(f, _, _, _): &(String, String, bool, bool)| *f == fname) {
                return Err(error(format!("`{name}` lists the field `{fname}` twice")));
            }
            parsed.push((fname, ty.to_owned(), optional, unique));
        }
        if raw.iter().any(|(n, _): &(String, _)| *n == name) {
            return Err(error(format!("the entity `{name}` is listed twice")));
        }
        raw.push((name, parsed));
    }
    let names: Vec<String> = raw.iter().map(|(n, _)| n.clone()).collect();
    let mut entities = Vec::new();
    for (i, (name, fields)) in raw.into_iter().enumerate() {
        let mut out = Vec::new();
        for (fname, ty, optional, unique) in fields {
            let lower = ty.to_ascii_lowercase();
            let ty = match TYPES.iter().find(|(word, _)| *word == lower) {
                Some((_, ty)) => ty.clone(),
                None => match snake(&ty).filter(|t| names.contains(t)) {
                    Some(target) => FieldType::Ref(target),
                    None => {
                        let known: Vec<&str> = TYPES.iter().map(|(w, _)| *w).collect();
                        return Err(EntityError {
                            line: i + 1,
                            message: format!(
                                "`{ty}` (type of `{fname}`) is neither a type ({}) nor an entity listed here",
                                known.join(", ")
                            ),
                        });
                    }
                },
            };
            let field = Field { name: fname, ty, optional, unique };
            if out.iter().any(|f: &Field| f.column() == field.column()) {
                return Err(EntityError {
                    line: i + 1,
                    message: format!("`{name}` has two fields stored as `{}`; rename one", field.column()),
                });
            }
            out.push(field);
        }
        entities.push(Entity { name, fields: out });
    }
    Ok(entities)
}

impl Entity {
    /// `LineItem`.
    pub fn title(&self) -> String {
        pascal(&self.name)
    }

    /// `line_items`.
    pub fn plural(&self) -> String {
        plural(&self.name)
    }

    /// `LineItems`.
    pub fn plural_title(&self) -> String {
        pascal(&self.plural())
    }

    /// The entities this one references, in field order.
    pub fn references(&self) -> impl Iterator<Item = (&Field, &str)> {
        self.fields.iter().filter_map(|f| match &f.ty {
            FieldType::Ref(target) => Some((f, target.as_str())),
            _ => None,
        })
    }

    /// `title, done, due on` for a requirement's wording.
    pub fn field_summary(&self) -> String {
        let names: Vec<String> = self.fields.iter().map(|f| f.name.replace('_', " ")).collect();
        if names.is_empty() { "no fields yet".to_owned() } else { names.join(", ") }
    }
}

impl Field {
    /// The column holding this field: `<name>_id` for a reference.
    pub fn column(&self) -> String {
        match self.ty {
            FieldType::Ref(_) => format!("{}_id", self.name),
            _ => self.name.clone(),
        }
    }
}

/// `Line Item`, `lineItem`, `line-item` -> `line_item`; `None` for anything else.
pub fn snake(name: &str) -> Option<String> {
    let name = name.trim();
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
            prev_lower = true;
        } else if matches!(c, ' ' | '-' | '_') {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        } else {
            return None;
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    let valid = out.starts_with(|c: char| c.is_ascii_lowercase()) && out.len() <= 48;
    valid.then_some(out)
}

/// `team todo` / `team-todo` / `team_todo` -> `TeamTodo`.
pub fn pascal(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        out.insert(0, 'X');
    }
    out
}

/// `camelCase` of a snake name.
pub fn camel(name: &str) -> String {
    let p = pascal(name);
    let mut chars = p.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// English plural of a snake_case name, good enough for table and path names.
pub fn plural(name: &str) -> String {
    if name.ends_with('s') || name.ends_with('x') || name.ends_with("ch") || name.ends_with("sh") {
        format!("{name}es")
    } else if let Some(stem) = name.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        format!("{stem}ies")
    } else {
        format!("{name}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_types_references_and_markers() {
        let entities =
            parse("Project: name!, description:text?\nTask: title, done:bool, due on:date?, project:Project")
                .expect("valid");
        assert_eq!(entities.len(), 2);
        assert_eq!(
            entities[0].fields[0],
            Field { name: "name".into(), ty: FieldType::Text, optional: false, unique: true }
        );
        assert!(entities[0].fields[1].optional);
        let task = &entities[1];
        assert_eq!(task.fields[2].name, "due_on");
        assert_eq!(task.fields[3].ty, FieldType::Ref("project".into()));
        assert_eq!(task.fields[3].column(), "project_id");
        assert_eq!(task.plural(), "tasks");
    }

    #[test]
    fn refuses_unknown_types_duplicates_and_reserved_names() {
        let err = parse("Task: done:boolish").unwrap_err();
        assert!(err.message.contains("boolish"), "{err}");
        assert!(parse("Task: a; Task: b").unwrap_err().message.contains("twice"));
        assert!(parse("Task: id:uuid").unwrap_err().message.contains("added by the generator"));
        assert!(parse("User: name").is_err());
        assert!(parse("Query: name").unwrap_err().message.contains("API contracts"));
        let clash = parse("Project: name; Task: project:Project, project_id:uuid").unwrap_err();
        assert!(clash.message.contains("`project_id`"), "{clash}");
        assert!(parse("Ta$k: name").is_err());
    }

    #[test]
    fn names_convert() {
        assert_eq!(snake("Line Item").as_deref(), Some("line_item"));
        assert_eq!(snake("lineItem").as_deref(), Some("line_item"));
        assert_eq!(pascal("team-tracker"), "TeamTracker");
        assert_eq!(camel("line_item"), "lineItem");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("box"), "boxes");
        assert_eq!(plural("day"), "days");
    }
}
