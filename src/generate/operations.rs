//! The operations the decisions imply beyond entity CRUD (invitations, sign-in links, tokens,
//! restore from the trash, audit log, ...), in each contract's terms: OpenAPI paths, GraphQL
//! queries and mutations, protobuf RPCs. Types are resolved by name: the user's entities, the
//! tables the decisions declare, the core tables; a field list becomes an inline shape.

use super::Spec;
use super::entities::{FieldType, camel, pascal};
use super::implied::{Body, Operation};
use serde_json::{Map, Value, json};
use spec_format::model::implies::{ColumnSpec, HttpMethod};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A field of a shape, whatever declared it.
#[derive(Clone, Debug)]
pub struct Prop {
    pub name: String,
    pub kind: Kind,
    pub optional: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Text,
    Int,
    Bool,
    Decimal,
    Date,
    DateTime,
    Uuid,
    Json,
    Enum(Vec<String>),
}

/// Columns that hold secrets or their hashes never leave the server.
fn is_secret(name: &str) -> bool {
    name.ends_with("_sha256")
        || name.ends_with("_hash")
        || name.contains("secret")
        || name.contains("password")
        || name.contains("encrypted")
}

fn from_column(c: &ColumnSpec) -> Prop {
    let (name, kind) = match c.ty.as_str() {
        "enum" => (c.name.clone(), Kind::Enum(c.values.clone())),
        "int" | "integer" => (c.name.clone(), Kind::Int),
        "bool" | "boolean" => (c.name.clone(), Kind::Bool),
        "decimal" | "money" => (c.name.clone(), Kind::Decimal),
        "date" => (c.name.clone(), Kind::Date),
        "datetime" | "timestamp" => (c.name.clone(), Kind::DateTime),
        "uuid" => (c.name.clone(), Kind::Uuid),
        "json" => (c.name.clone(), Kind::Json),
        t if t.starts_with(|ch: char| ch.is_ascii_uppercase()) => {
            let name = if c.name.ends_with("_id") { c.name.clone() } else { format!("{}_id", c.name) };
            (name, Kind::Uuid)
        }
        _ => (c.name.clone(), Kind::Text),
    };
    Prop { name, kind, optional: c.optional }
}

/// The fields of a named type, as the API shows them (no secrets), or `None` if nothing
/// declares it.
pub fn shape(spec: &Spec<'_>, name: &str) -> Option<Vec<Prop>> {
    let prop = |name: &str, kind: Kind| Prop { name: name.to_owned(), kind, optional: false };
    if let Some(e) = spec.entities.iter().find(|e| e.title() == name) {
        let mut props = vec![prop("id", Kind::Uuid)];
        props.extend(e.fields.iter().map(|f| Prop {
            name: f.column(),
            kind: match &f.ty {
                FieldType::Text => Kind::Text,
                FieldType::Int => Kind::Int,
                FieldType::Bool => Kind::Bool,
                FieldType::Decimal => Kind::Decimal,
                FieldType::Date => Kind::Date,
                FieldType::DateTime => Kind::DateTime,
                FieldType::Uuid | FieldType::Ref(_) => Kind::Uuid,
                FieldType::Json => Kind::Json,
            },
            optional: f.optional,
        }));
        return Some(props);
    }
    if let Some(t) = spec.implied.tables.iter().find(|t| table_type(&t.name) == name) {
        let mut props = vec![prop("id", Kind::Uuid)];
        props.extend(t.columns.iter().filter(|c| !is_secret(&c.name)).map(from_column));
        props.push(prop("created_at", Kind::DateTime));
        return Some(props);
    }
    match name {
        "User" => Some(vec![prop("id", Kind::Uuid), prop("email", Kind::Text), prop("name", Kind::Text)]),
        "Workspace" => Some(vec![prop("id", Kind::Uuid), prop("name", Kind::Text)]),
        "Membership" => Some(vec![
            prop("workspace_id", Kind::Uuid),
            prop("user_id", Kind::Uuid),
            prop("role", Kind::Enum(spec.roles())),
        ]),
        _ => None,
    }
}

/// `sign_in_tokens` -> `SignInToken`.
pub fn table_type(table: &str) -> String {
    let singular = if let Some(stem) = table.strip_suffix("ies") {
        format!("{stem}y")
    } else if table.ends_with("sses") || table.ends_with("xes") || table.ends_with("ches") || table.ends_with("shes") {
        table[..table.len() - 2].to_owned()
    } else {
        table.strip_suffix('s').unwrap_or(table).to_owned()
    };
    pascal(&singular)
}

/// The operations that are not entity CRUD, as the contracts add them.
pub fn extra<'s>(spec: &'s Spec<'_>) -> Vec<&'s Operation> {
    let ops: Vec<&Operation> = spec.implied().operations.iter().filter(|o| o.crud.is_none()).collect();
    for op in &ops {
        spec.note_origin(&op.origin);
    }
    ops
}

// ---------------------------------------------------------------- OpenAPI

fn json_schema(p: &Prop) -> Value {
    let mut schema = match &p.kind {
        Kind::Text => json!({ "type": "string" }),
        Kind::Int => json!({ "type": "integer", "format": "int64" }),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::Decimal => json!({ "type": "string", "format": "decimal" }),
        Kind::Date => json!({ "type": "string", "format": "date" }),
        Kind::DateTime => json!({ "type": "string", "format": "date-time" }),
        Kind::Uuid => json!({ "type": "string", "format": "uuid" }),
        Kind::Json => json!({ "type": "object" }),
        Kind::Enum(values) => json!({ "type": "string", "enum": values }),
    };
    if p.optional {
        let ty = schema["type"].clone();
        schema["type"] = json!([ty, "null"]);
        if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
            values.push(Value::Null);
        }
    }
    schema
}

fn object(props: &[Prop]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for p in props {
        properties.insert(p.name.clone(), json_schema(p));
        if !p.optional {
            required.push(p.name.clone());
        }
    }
    json!({ "type": "object", "required": required, "properties": properties })
}

/// A named type's component schema: declared shapes in full, others as an open object.
fn component(spec: &Spec<'_>, name: &str) -> Value {
    match shape(spec, name) {
        Some(props) => object(&props),
        None => json!({ "type": "object", "description": format!("A {name}."), "additionalProperties": true }),
    }
}

fn body_schema(spec: &Spec<'_>, body: &Body, schemas: &mut Map<String, Value>) -> Option<Value> {
    match body {
        Body::None => None,
        Body::Fields(columns) => Some(object(&columns.iter().map(from_column).collect::<Vec<_>>())),
        Body::Type { name, list } => {
            if !schemas.contains_key(name) {
                schemas.insert(name.clone(), component(spec, name));
            }
            let one = json!({ "$ref": format!("#/components/schemas/{name}") });
            Some(if *list { json!({ "type": "array", "items": one }) } else { one })
        }
    }
}

/// Adds the extra operations to an OpenAPI document's `paths` and `schemas`.
pub fn openapi_paths(
    spec: &Spec<'_>,
    scheme: &str,
    rate_limited: bool,
    paths: &mut Map<String, Value>,
    schemas: &mut Map<String, Value>,
    responses: &mut Map<String, Value>,
) {
    let ops = extra(spec);
    if ops.iter().any(|o| !o.denied.is_empty()) && !responses.contains_key("Forbidden") {
        responses.insert(
            "Forbidden".into(),
            json!({ "description": "The caller's role may not do this.",
                "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }),
        );
    }
    for op in ops {
        let mut operation = Map::new();
        operation.insert("operationId".into(), json!(op.id));
        operation.insert("summary".into(), json!(op.summary));
        let tag = op.path.split('/').find(|s| !s.is_empty() && !s.starts_with('{')).unwrap_or("root");
        operation.insert("tags".into(), json!([tag]));
        let mut description = format!("Implied by `{}`", op.origin.key);
        if !op.origin.requirements.is_empty() {
            let _ = write!(description, " ({})", op.origin.requirements.join(", "));
        }
        description.push('.');
        if !op.roles.is_empty() {
            let _ = write!(description, " Only {} may call it; {} get 403.", op.roles.join(", "), op.denied.join(", "));
            operation.insert("x-roles".into(), json!(op.roles));
        }
        operation.insert("description".into(), json!(description));
        operation.insert("security".into(), if op.public { json!([]) } else { json!([{ scheme: [] }]) });
        let mut parameters: Vec<Value> = (op.path_params().iter())
            .map(|p| {
                let schema = if *p == "id" || p.ends_with("_id") {
                    json!({ "type": "string", "format": "uuid" })
                } else {
                    json!({ "type": "string" })
                };
                json!({ "name": p, "in": "path", "required": true, "schema": schema })
            })
            .collect();
        match (&op.request, op.method.is_read()) {
            (Body::Fields(columns), true) => {
                for c in columns.iter().map(from_column) {
                    parameters
                        .push(json!({ "name": c.name, "in": "query", "required": false, "schema": json_schema(&c) }));
                }
            }
            (body, false) => {
                if let Some(schema) = body_schema(spec, body, schemas) {
                    operation.insert(
                        "requestBody".into(),
                        json!({ "required": true, "content": { "application/json": { "schema": schema } } }),
                    );
                }
            }
            _ => {}
        }
        if !parameters.is_empty() {
            operation.insert("parameters".into(), Value::Array(parameters));
        }
        let mut codes = Map::new();
        match body_schema(spec, &op.response, schemas) {
            Some(schema) => {
                let code = if op.method == HttpMethod::Post
                    && matches!(op.response, Body::Type { list: false, .. })
                    && tables_named(spec, &op.response)
                {
                    "201"
                } else {
                    "200"
                };
                codes.insert(
                    code.into(),
                    json!({ "description": op.summary, "content": { "application/json": { "schema": schema } } }),
                );
            }
            None if op.method.is_read() => {
                codes.insert("200".into(), json!({ "description": op.summary }));
            }
            None => {
                codes.insert("204".into(), json!({ "description": "Done; nothing to return." }));
            }
        }
        codes.insert("400".into(), json!({ "$ref": "#/components/responses/BadRequest" }));
        if !op.public {
            codes.insert("401".into(), json!({ "$ref": "#/components/responses/Unauthorized" }));
        }
        if !op.denied.is_empty() {
            codes.insert("403".into(), json!({ "$ref": "#/components/responses/Forbidden" }));
        }
        if !op.path_params().is_empty() {
            codes.insert("404".into(), json!({ "$ref": "#/components/responses/NotFound" }));
        }
        if rate_limited {
            codes.insert("429".into(), json!({ "$ref": "#/components/responses/TooManyRequests" }));
        }
        operation.insert("responses".into(), Value::Object(codes));
        let item = paths.entry(op.path.clone()).or_insert_with(|| json!({}));
        let method = op.method.as_str().to_ascii_lowercase();
        if item.get(&method).is_none() {
            item[method] = Value::Object(operation);
        }
    }
}

/// Whether a body names a table (so a POST creates a row of it).
fn tables_named(spec: &Spec<'_>, body: &Body) -> bool {
    matches!(body, Body::Type { name, .. } if spec.implied.tables.iter().any(|t| table_type(&t.name) == *name))
}

// ---------------------------------------------------------------- GraphQL

fn graphql_scalar(p: &Prop, enums: &mut BTreeMap<String, Vec<String>>, owner: &str) -> String {
    let base = match &p.kind {
        Kind::Text => "String".to_owned(),
        Kind::Int => "Int".to_owned(),
        Kind::Bool => "Boolean".to_owned(),
        Kind::Decimal => "Decimal".to_owned(),
        Kind::Date => "Date".to_owned(),
        Kind::DateTime => "DateTime".to_owned(),
        Kind::Uuid => "ID".to_owned(),
        Kind::Json => "JSON".to_owned(),
        Kind::Enum(values) => {
            let name = format!("{owner}{}", pascal(&p.name));
            enums.insert(name.clone(), values.clone());
            name
        }
    };
    if p.optional { base } else { format!("{base}!") }
}

/// GraphQL for the extra operations: types, inputs and enums, plus query and mutation fields.
/// `defined` holds the type names the caller already printed.
pub fn graphql(spec: &Spec<'_>, defined: &[String], query: &mut Vec<String>, mutation: &mut Vec<String>) -> String {
    let mut out = String::new();
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut enums: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let type_of =
        |name: &str, types: &mut BTreeMap<String, String>, enums: &mut BTreeMap<String, Vec<String>>| -> String {
            if defined.iter().any(|d| d == name) {
                return name.to_owned();
            }
            match shape(spec, name) {
                Some(props) => {
                    if !types.contains_key(name) {
                        let mut t = format!("type {name} {{\n");
                        for p in &props {
                            let _ = writeln!(t, "  {}: {}", camel(&p.name), graphql_scalar(p, enums, name));
                        }
                        t.push_str("}\n\n");
                        types.insert(name.to_owned(), t);
                    }
                    name.to_owned()
                }
                None => "JSON".to_owned(),
            }
        };
    for op in extra(spec) {
        let name = camel(&op.id);
        let mut args: Vec<String> = op.path_params().iter().map(|p| format!("{}: ID!", camel(p))).collect();
        match &op.request {
            Body::None => {}
            Body::Fields(columns) => {
                let input = format!("{}Input", pascal(&op.id));
                let mut t = format!("input {input} {{\n");
                for p in columns.iter().map(from_column) {
                    let _ = writeln!(t, "  {}: {}", camel(&p.name), graphql_scalar(&p, &mut enums, &input));
                }
                t.push_str("}\n\n");
                types.insert(input.clone(), t);
                args.push(format!("input: {input}!"));
            }
            Body::Type { name: ty, .. } => {
                if spec.entities.iter().any(|e| e.title() == *ty) {
                    args.push(format!("input: Create{ty}Input!"));
                } else {
                    args.push("input: JSON!".to_owned());
                }
            }
        }
        let returns = match &op.response {
            Body::None => "Boolean!".to_owned(),
            Body::Fields(_) => "JSON!".to_owned(),
            Body::Type { name: ty, list } => {
                let t = type_of(ty, &mut types, &mut enums);
                if *list { format!("[{t}!]!") } else { format!("{t}!") }
            }
        };
        let args = if args.is_empty() { String::new() } else { format!("({})", args.join(", ")) };
        let doc = format!("  \"{} (`{} {}`)\"", op.summary.replace('"', "'"), op.method, op.path);
        let field = format!("{doc}\n  {name}{args}: {returns}");
        if op.method.is_read() {
            query.push(field);
        } else {
            mutation.push(field);
        }
    }
    for (name, values) in &enums {
        let _ = writeln!(out, "enum {name} {{");
        for v in values {
            let mut value: String =
                v.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
            if value.starts_with(|c: char| c.is_ascii_digit()) || value.is_empty() {
                value.insert(0, 'V');
            }
            let _ = writeln!(out, "  {value}");
        }
        out.push_str("}\n\n");
    }
    for t in types.values() {
        out.push_str(t);
    }
    out
}

// ---------------------------------------------------------------- protobuf

fn proto_scalar(kind: &Kind) -> &'static str {
    match kind {
        Kind::Int => "int64",
        Kind::Bool => "bool",
        Kind::DateTime => "google.protobuf.Timestamp",
        Kind::Json => "google.protobuf.Struct",
        _ => "string",
    }
}

fn message(name: &str, props: &[Prop]) -> String {
    let mut m = format!("message {name} {{\n");
    for (i, p) in props.iter().enumerate() {
        let optional = if p.optional && !matches!(p.kind, Kind::Json | Kind::DateTime) { "optional " } else { "" };
        let _ = writeln!(m, "  {optional}{} {} = {};", proto_scalar(&p.kind), p.name, i + 1);
    }
    m.push_str("}\n\n");
    m
}

/// Messages and RPC lines for the extra operations. `defined` holds the message names the
/// caller already printed.
pub fn proto(spec: &Spec<'_>, defined: &[String], rpcs: &mut Vec<String>) -> String {
    let mut messages: BTreeMap<String, String> = BTreeMap::new();
    for op in extra(spec) {
        let rpc = pascal(&op.id);
        let mut props: Vec<Prop> =
            op.path_params().iter().map(|p| Prop { name: p.to_string(), kind: Kind::Text, optional: false }).collect();
        match &op.request {
            Body::None => {}
            Body::Fields(columns) => props.extend(columns.iter().map(from_column)),
            Body::Type { name, .. } => {
                let fields = shape(spec, name).unwrap_or_default();
                props.extend(fields.into_iter().filter(|p| p.name != "id" && p.name != "created_at"));
            }
        }
        let mut seen = Vec::new();
        props.retain(|p| {
            let fresh = !seen.contains(&p.name);
            seen.push(p.name.clone());
            fresh
        });
        let request = format!("{rpc}Request");
        messages.insert(request.clone(), message(&request, &props));
        let response = match &op.response {
            Body::None => "google.protobuf.Empty".to_owned(),
            Body::Fields(columns) => {
                let name = format!("{rpc}Response");
                messages.insert(name.clone(), message(&name, &columns.iter().map(from_column).collect::<Vec<_>>()));
                name
            }
            Body::Type { name, list } => {
                let one = if defined.iter().any(|d| d == name) {
                    name.clone()
                } else {
                    match shape(spec, name) {
                        Some(props) => {
                            messages.entry(name.clone()).or_insert_with(|| message(name, &props));
                            name.clone()
                        }
                        None => "google.protobuf.Struct".to_owned(),
                    }
                };
                if *list {
                    let wrapper = format!("{rpc}Response");
                    messages
                        .insert(wrapper.clone(), format!("message {wrapper} {{\n  repeated {one} items = 1;\n}}\n\n"));
                    wrapper
                } else {
                    one
                }
            }
        };
        rpcs.push(format!(
            "  // {} (`{} {}`)\n  rpc {rpc}({request}) returns ({response});",
            op.summary.replace('\n', " "),
            op.method,
            op.path
        ));
    }
    messages.into_values().collect()
}
