//! Breaking changes between the base revision and now in a project's generated contracts: the
//! OpenAPI description (removed endpoints, operations, schemas and fields, changed types,
//! narrowed enums, newly required inputs), the GraphQL schema (removed types, fields, arguments
//! and enum values, changed field types, newly required arguments and input fields), protobuf
//! (removed messages, fields and methods, renumbered or retyped fields) and the SQL schema
//! (dropped tables and columns, changed types, columns that become NOT NULL without a default).
//! Each contract is read by the parser `check` already proves it with.

use serde_json::Value;
use spec_format::{Code, Finding, RepoFile};
use std::collections::{BTreeMap, BTreeSet};

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/// The breaking changes of `dir`'s artifacts from `base` to `now`.
pub fn findings(dir: &str, base: &[RepoFile], now: &[RepoFile]) -> Vec<Finding> {
    let file = |files: &'_ [RepoFile], name: &str| {
        let path = format!("{dir}/artifacts/{name}");
        files.iter().find(|f| f.path == path).and_then(|f| std::str::from_utf8(&f.bytes).ok().map(str::to_owned))
    };
    let mut out = Vec::new();
    if let (Some(old), Some(new)) = (file(base, "openapi.yaml"), file(now, "openapi.yaml")) {
        out.extend(openapi(&format!("{dir}/artifacts/openapi.yaml"), &old, &new));
    }
    if let (Some(old), Some(new)) = (file(base, "schema.graphql"), file(now, "schema.graphql")) {
        out.extend(graphql(&format!("{dir}/artifacts/schema.graphql"), &old, &new));
    }
    if let (Some(old), Some(new)) = (file(base, "api.proto"), file(now, "api.proto")) {
        out.extend(proto(&format!("{dir}/artifacts/api.proto"), &old, &new));
    }
    if let (Some(old), Some(new)) = (file(base, "schema.sql"), file(now, "schema.sql")) {
        out.extend(sql(&format!("{dir}/artifacts/schema.sql"), &old, &new));
    }
    out
}

fn finding(path: &str, text: &str, near: &str, message: String) -> Finding {
    let line = text.lines().position(|l| l.contains(near)).map_or(0, |i| i + 1);
    Finding::new(Code::BreakingChange, path, line, message)
        .help("if the break is intended, ship it as a new API version (or expand, migrate, then contract the schema) and say so in a decision")
}

fn yaml(text: &str) -> Option<Value> {
    yaml_serde::from_str(text).ok()
}

fn openapi(path: &str, old_text: &str, new_text: &str) -> Vec<Finding> {
    let (Some(old), Some(new)) = (yaml(old_text), yaml(new_text)) else { return Vec::new() };
    let mut out = Vec::new();
    let empty = serde_json::Map::new();
    let old_paths = old["paths"].as_object().unwrap_or(&empty);
    for (route, old_item) in old_paths {
        let new_item = &new["paths"][route];
        if new_item.is_null() {
            out.push(finding(path, new_text, "paths:", format!("endpoint `{route}` was removed")));
            continue;
        }
        for method in METHODS.iter().filter(|m| !old_item[**m].is_null()) {
            let operation = format!("{} {route}", method.to_uppercase());
            let new_operation = &new_item[*method];
            if new_operation.is_null() {
                out.push(finding(path, new_text, &format!("{route}:"), format!("operation `{operation}` was removed")));
                continue;
            }
            let required = |op: &Value| -> BTreeSet<String> {
                (op["parameters"].as_array().into_iter().flatten())
                    .filter(|p| p["required"] == true || p["in"] == "path")
                    .filter_map(|p| Some(format!("{} ({})", p["name"].as_str()?, p["in"].as_str().unwrap_or("query"))))
                    .collect()
            };
            for parameter in required(new_operation).difference(&required(&old_item[*method])) {
                out.push(finding(
                    path,
                    new_text,
                    &format!("{route}:"),
                    format!("`{operation}` newly requires the parameter {parameter}"),
                ));
            }
        }
    }
    // Schemas a request body names: a newly required field there breaks every writer.
    let mut inputs = BTreeSet::new();
    collect_request_refs(&new["paths"], &mut inputs);
    let old_schemas = old["components"]["schemas"].as_object().unwrap_or(&empty);
    for (name, old_schema) in old_schemas {
        let new_schema = &new["components"]["schemas"][name];
        let near = format!("    {name}:");
        if new_schema.is_null() {
            out.push(finding(path, new_text, "schemas:", format!("schema `{name}` was removed")));
            continue;
        }
        let properties = |s: &Value| s["properties"].as_object().cloned().unwrap_or_default();
        let (old_properties, new_properties) = (properties(old_schema), properties(new_schema));
        for (field, old_field) in &old_properties {
            let Some(new_field) = new_properties.get(field) else {
                out.push(finding(path, new_text, &near, format!("field `{name}.{field}` was removed")));
                continue;
            };
            let type_of = |v: &Value| v["type"].to_string();
            if type_of(old_field) != type_of(new_field) || old_field["format"] != new_field["format"] {
                out.push(finding(
                    path,
                    new_text,
                    &near,
                    format!(
                        "the type of `{name}.{field}` changed from {} to {}",
                        describe(old_field),
                        describe(new_field)
                    ),
                ));
            }
            let values = |v: &Value| -> BTreeSet<String> {
                v["enum"].as_array().into_iter().flatten().map(Value::to_string).collect()
            };
            let (old_values, new_values) = (values(old_field), values(new_field));
            if !new_values.is_empty() {
                for gone in old_values.difference(&new_values) {
                    out.push(finding(path, new_text, &near, format!("`{name}.{field}` no longer accepts {gone}")));
                }
            }
        }
        if inputs.contains(name.as_str()) {
            let required = |s: &Value| -> BTreeSet<String> {
                s["required"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
            };
            for field in required(new_schema).difference(&required(old_schema)) {
                out.push(finding(path, new_text, &near, format!("`{name}.{field}` is newly required in requests")));
            }
        }
    }
    out
}

fn describe(field: &Value) -> String {
    match (field["type"].as_str(), field["format"].as_str()) {
        (Some(t), Some(f)) => format!("{t} ({f})"),
        (Some(t), None) => t.to_owned(),
        _ => field["type"].to_string(),
    }
}

/// The component names referenced (`#/components/schemas/X`) under request bodies.
fn collect_request_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "requestBody" {
                    collect_refs(inner, out);
                } else {
                    collect_request_refs(inner, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_request_refs(v, out)),
        _ => {}
    }
}

fn collect_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) =
                map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.insert(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn graphql(path: &str, old_text: &str, new_text: &str) -> Vec<Finding> {
    use apollo_compiler::Schema;
    use apollo_compiler::schema::ExtendedType;
    let (Ok(old), Ok(new)) =
        (Schema::parse_and_validate(old_text, "old.graphql"), Schema::parse_and_validate(new_text, "new.graphql"))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, old_type) in old.types.iter().filter(|(_, t)| !t.is_built_in()) {
        let near = format!(" {name} ");
        let mut report = |message: String| out.push(finding(path, new_text, &near, message));
        let Some(new_type) = new.types.get(name) else {
            report(format!("type `{name}` was removed"));
            continue;
        };
        match (old_type, new_type) {
            (ExtendedType::Object(a), ExtendedType::Object(b)) => {
                output_fields(name, &a.fields, &b.fields, &mut report)
            }
            (ExtendedType::Interface(a), ExtendedType::Interface(b)) => {
                output_fields(name, &a.fields, &b.fields, &mut report)
            }
            (ExtendedType::InputObject(a), ExtendedType::InputObject(b)) => {
                for (field, old_field) in &a.fields {
                    match b.fields.get(field) {
                        None => report(format!("input field `{name}.{field}` was removed")),
                        Some(new_field)
                            if new_field.ty != old_field.ty && !newly_optional(&old_field.ty, &new_field.ty) =>
                        {
                            report(format!(
                                "the type of `{name}.{field}` changed from {} to {}",
                                old_field.ty, new_field.ty
                            ))
                        }
                        Some(_) => {}
                    }
                }
                for (field, new_field) in &b.fields {
                    if required_input(new_field) && !a.fields.get(field).is_some_and(|f| required_input(f)) {
                        report(format!("input field `{name}.{field}` is newly required"));
                    }
                }
            }
            (ExtendedType::Enum(a), ExtendedType::Enum(b)) => {
                for value in a.values.keys().filter(|v| !b.values.contains_key(*v)) {
                    report(format!("enum `{name}` no longer has the value `{value}`"));
                }
            }
            (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
                report(format!("type `{name}` changed kind"))
            }
            _ => {}
        }
    }
    out
}

/// `T` became `T!`... in reverse: an input that was required (`T!`) and is now optional (`T`).
fn newly_optional(old: &apollo_compiler::ast::Type, new: &apollo_compiler::ast::Type) -> bool {
    old.to_string() == format!("{new}!")
}

fn required_input(value: &apollo_compiler::ast::InputValueDefinition) -> bool {
    value.ty.is_non_null() && value.default_value.is_none()
}

/// The fields of an object or interface: removed, retyped (except `T` to `T!`, which still
/// gives clients what they expect), removed arguments and newly required ones.
fn output_fields(
    name: &str,
    old: &apollo_compiler::collections::IndexMap<
        apollo_compiler::Name,
        apollo_compiler::schema::Component<apollo_compiler::ast::FieldDefinition>,
    >,
    new: &apollo_compiler::collections::IndexMap<
        apollo_compiler::Name,
        apollo_compiler::schema::Component<apollo_compiler::ast::FieldDefinition>,
    >,
    report: &mut impl FnMut(String),
) {
    for (field, old_field) in old {
        let Some(new_field) = new.get(field) else {
            report(format!("field `{name}.{field}` was removed"));
            continue;
        };
        if old_field.ty != new_field.ty && new_field.ty.to_string() != format!("{}!", old_field.ty) {
            report(format!("the type of `{name}.{field}` changed from {} to {}", old_field.ty, new_field.ty));
        }
        for argument in &old_field.arguments {
            if !new_field.arguments.iter().any(|a| a.name == argument.name) {
                report(format!("argument `{}` of `{name}.{field}` was removed", argument.name));
            }
        }
        for argument in new_field.arguments.iter().filter(|a| required_input(a)) {
            if !old_field.arguments.iter().any(|a| a.name == argument.name && required_input(a)) {
                report(format!("argument `{}` of `{name}.{field}` is newly required", argument.name));
            }
        }
    }
}

fn proto(path: &str, old_text: &str, new_text: &str) -> Vec<Finding> {
    let compile = |text: &str| {
        let name = "api.proto".to_owned();
        let resolver = super::parsers::OneFile { name: name.clone(), source: text.to_owned() };
        let mut compiler = protox::Compiler::with_file_resolver(resolver);
        compiler.open_file(&name).ok()?;
        Some(compiler.file_descriptor_set())
    };
    let (Some(old), Some(new)) = (compile(old_text), compile(new_text)) else { return Vec::new() };
    let messages = |set: &prost_types::FileDescriptorSet| -> BTreeMap<String, BTreeMap<i32, (String, String)>> {
        (set.file.iter().flat_map(|f| f.message_type.iter()))
            .map(|m| {
                let fields = (m.field.iter())
                    .map(|f| (f.number(), (f.name().to_owned(), format!("{:?} {}", f.r#type(), f.type_name()))))
                    .collect();
                (m.name().to_owned(), fields)
            })
            .collect()
    };
    let methods = |set: &prost_types::FileDescriptorSet| -> BTreeSet<String> {
        (set.file.iter().flat_map(|f| f.service.iter()))
            .flat_map(|s| s.method.iter().map(move |m| format!("{}.{}", s.name(), m.name())))
            .collect()
    };
    let mut out = Vec::new();
    let new_messages = messages(&new);
    for (message, old_fields) in messages(&old) {
        let near = format!("message {message} ");
        let Some(new_fields) = new_messages.get(&message) else {
            out.push(finding(path, new_text, "message ", format!("message `{message}` was removed")));
            continue;
        };
        for (number, (field, old_type)) in old_fields {
            match new_fields.get(&number) {
                None => out.push(finding(
                    path,
                    new_text,
                    &near,
                    format!("field `{message}.{field}` (= {number}) was removed"),
                )),
                Some((new_name, new_type)) if *new_type != old_type => out.push(finding(
                    path,
                    new_text,
                    &near,
                    if *new_name == field {
                        format!("field `{message}.{field}` (= {number}) changed type")
                    } else {
                        format!("field {number} of `{message}` changed type (was `{field}`, now `{new_name}`)")
                    },
                )),
                Some(_) => {}
            }
        }
    }
    let new_methods = methods(&new);
    for method in methods(&old).difference(&new_methods) {
        out.push(finding(path, new_text, "service ", format!("method `{method}` was removed")));
    }
    out
}

/// Per table, per column: (type, NOT NULL, has a default).
type Tables = BTreeMap<String, BTreeMap<String, (String, bool, bool)>>;

fn tables(text: &str) -> Option<Tables> {
    use sqlparser::ast::{ColumnOption, Statement};
    let statements = sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, text).ok()?;
    let mut tables = Tables::new();
    for statement in statements {
        let Statement::CreateTable(table) = statement else { continue };
        let columns = (table.columns.iter())
            .map(|c| {
                let not_null = c.options.iter().any(|o| matches!(o.option, ColumnOption::NotNull));
                let default = c.options.iter().any(|o| matches!(o.option, ColumnOption::Default(_)));
                (c.name.value.clone(), (c.data_type.to_string(), not_null, default))
            })
            .collect();
        tables.insert(table.name.to_string(), columns);
    }
    Some(tables)
}

fn sql(path: &str, old_text: &str, new_text: &str) -> Vec<Finding> {
    let (Some(old), Some(new)) = (tables(old_text), tables(new_text)) else { return Vec::new() };
    let mut out = Vec::new();
    for (table, old_columns) in &old {
        let Some(new_columns) = new.get(table) else {
            out.push(finding(path, new_text, "CREATE TABLE", format!("table `{table}` is dropped")));
            continue;
        };
        let near = format!("CREATE TABLE {table}");
        for (column, (old_type, old_not_null, _)) in old_columns {
            let Some((new_type, new_not_null, new_default)) = new_columns.get(column) else {
                out.push(finding(path, new_text, &near, format!("column `{table}.{column}` is dropped")));
                continue;
            };
            if old_type != new_type {
                out.push(finding(
                    path,
                    new_text,
                    &format!("{column} "),
                    format!("column `{table}.{column}` changes type from {old_type} to {new_type}"),
                ));
            }
            if *new_not_null && !old_not_null && !new_default {
                out.push(finding(
                    path,
                    new_text,
                    &format!("{column} "),
                    format!(
                        "column `{table}.{column}` becomes NOT NULL without a default: existing rows and writers break"
                    ),
                ));
            }
        }
        for (column, (_, not_null, default)) in new_columns {
            if !old_columns.contains_key(column) && *not_null && !default {
                out.push(finding(
                    path,
                    new_text,
                    &format!("{column} "),
                    format!(
                        "new column `{table}.{column}` is NOT NULL without a default: existing rows cannot take it"
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD_API: &str = "openapi: 3.1.0\npaths:\n  /todos:\n    get:\n      parameters:\n        - { name: limit, in: query }\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: { $ref: '#/components/schemas/TodoInput' }\n  /todos/{id}:\n    delete: {}\ncomponents:\n  schemas:\n    TodoInput:\n      type: object\n      required: [title]\n      properties:\n        title: { type: string }\n        due: { type: string, format: date }\n        state: { type: string, enum: [open, done, archived] }\n    Todo:\n      type: object\n      properties:\n        id: { type: string }\n        title: { type: string }\n";

    fn messages(findings: &[Finding]) -> Vec<String> {
        findings.iter().map(|f| f.message.clone()).collect()
    }

    #[test]
    fn an_unchanged_or_extended_api_breaks_nothing() {
        assert!(openapi("a.yaml", OLD_API, OLD_API).is_empty());
        let extended = OLD_API.replace(
            "        id: { type: string }\n",
            "        id: { type: string }\n        note: { type: string }\n",
        );
        assert!(openapi("a.yaml", OLD_API, &extended).is_empty(), "an added response field is compatible");
    }

    #[test]
    fn removed_operations_fields_narrowed_types_and_new_required_inputs_are_found() {
        let new = OLD_API
            .replace("  /todos/{id}:\n    delete: {}\n", "")
            .replace("        - { name: limit, in: query }", "        - { name: limit, in: query, required: true }")
            .replace("      required: [title]", "      required: [title, due]")
            .replace("        due: { type: string, format: date }", "        due: { type: string, format: date-time }")
            .replace("enum: [open, done, archived]", "enum: [open, done]")
            .replace(
                "        id: { type: string }\n        title: { type: string }\n",
                "        id: { type: string }\n",
            );
        let found = messages(&openapi("specs/p/artifacts/openapi.yaml", OLD_API, &new));
        for expected in [
            "endpoint `/todos/{id}` was removed",
            "`GET /todos` newly requires the parameter limit (query)",
            "`TodoInput.due` is newly required in requests",
            "the type of `TodoInput.due` changed from string (date) to string (date-time)",
            "`TodoInput.state` no longer accepts \"archived\"",
            "field `Todo.title` was removed",
        ] {
            assert!(found.iter().any(|m| m == expected), "missing {expected:?} in {found:#?}");
        }
        assert_eq!(found.len(), 6, "{found:#?}");
    }

    #[test]
    fn graphql_removals_retyped_fields_and_newly_required_inputs_are_found() {
        let old = "type Query { notes(limit: Int): [Note!]! }\ntype Note { id: ID!\n body: String\n state: State }\nenum State { OPEN DONE }\ninput NoteInput { body: String }\ntype Mutation { add(input: NoteInput!): Note }\n";
        let new = "type Query { notes(limit: Int!): [Note!]! }\ntype Note { id: ID!\n body: String!\n state: Int }\nenum State { OPEN }\ninput NoteInput { body: String, tag: String! }\ntype Mutation { add(input: NoteInput!): Note }\n";
        let found = messages(&graphql("s.graphql", old, new));
        for expected in [
            "argument `limit` of `Query.notes` is newly required",
            "the type of `Note.state` changed from State to Int",
            "enum `State` no longer has the value `DONE`",
            "input field `NoteInput.tag` is newly required",
        ] {
            assert!(found.iter().any(|m| m == expected), "missing {expected:?} in {found:#?}");
        }
        assert_eq!(found.len(), 4, "`String` to `String!` in an output is compatible: {found:#?}");
        assert!(graphql("s.graphql", old, old).is_empty());
    }

    #[test]
    fn protobuf_removed_and_retyped_fields_and_methods_are_found() {
        let old = "syntax = \"proto3\";\nmessage Note {\n  string id = 1;\n  string body = 2;\n  int32 rank = 3;\n}\nservice Notes {\n  rpc Get(Note) returns (Note);\n  rpc Delete(Note) returns (Note);\n}\n";
        let new = "syntax = \"proto3\";\nmessage Note {\n  string id = 1;\n  int64 rank = 3;\n  string note = 4;\n}\nservice Notes {\n  rpc Get(Note) returns (Note);\n}\n";
        let found = messages(&proto("api.proto", old, new));
        assert_eq!(
            found,
            [
                "field `Note.body` (= 2) was removed",
                "field `Note.rank` (= 3) changed type",
                "method `Notes.Delete` was removed",
            ]
        );
        assert!(proto("api.proto", old, old).is_empty());
    }

    #[test]
    fn dropped_columns_changed_types_and_new_not_null_columns_are_found() {
        let old = "CREATE TABLE todos (\n    id uuid NOT NULL,\n    title text NOT NULL,\n    due date,\n    PRIMARY KEY (id)\n);\nCREATE TABLE tags (\n    id uuid NOT NULL\n);\n";
        let new = "CREATE TABLE todos (\n    id uuid NOT NULL,\n    title varchar(80) NOT NULL,\n    owner uuid NOT NULL,\n    note text NOT NULL DEFAULT '',\n    PRIMARY KEY (id)\n);\n";
        let found = sql("specs/p/artifacts/schema.sql", old, new);
        let messages = messages(&found);
        assert_eq!(
            messages,
            [
                "table `tags` is dropped",
                "column `todos.due` is dropped",
                "column `todos.title` changes type from TEXT to VARCHAR(80)",
                "new column `todos.owner` is NOT NULL without a default: existing rows cannot take it",
            ],
        );
        assert_eq!(found[2].line, 3, "pointed at the column's line");
        assert!(sql("s.sql", old, old).is_empty());
    }
}
