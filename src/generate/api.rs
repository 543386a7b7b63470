//! The API contracts: OpenAPI 3.1, GraphQL SDL and proto3 with a gRPC service. All three expose
//! the same resources (the entities) with the auth scheme and pagination that were decided.

use super::entities::{Entity, Field, FieldType, camel, pascal};
use super::implied::Crud;
use super::{Gaps, Spec, one_line, operations};
use serde_json::{Map, Value, json};
use std::fmt::Write;

/// How list endpoints page, from `api.pagination`.
#[derive(Clone, Copy, PartialEq)]
enum Paging {
    Cursor,
    Offset,
    Keyset,
}

fn paging(spec: &Spec<'_>) -> Paging {
    match spec.word("api.pagination").as_deref() {
        Some("offset") => Paging::Offset,
        Some("keyset") => Paging::Keyset,
        _ => Paging::Cursor,
    }
}

// ---------------------------------------------------------------- OpenAPI

pub fn openapi(spec: &Spec<'_>, gaps: &Gaps) -> String {
    let paging = paging(spec);
    let (scheme_name, scheme) = match spec.word("api.auth").as_deref() {
        Some("oauth") => (
            "oauth2",
            json!({ "type": "oauth2", "flows": { "authorizationCode": {
                "authorizationUrl": "/oauth/authorize", "tokenUrl": "/oauth/token",
                "scopes": { "read": "Read the workspace's data", "write": "Change the workspace's data" } } } }),
        ),
        Some("session") => ("session", json!({ "type": "apiKey", "in": "cookie", "name": "session" })),
        _ => ("bearerAuth", json!({ "type": "http", "scheme": "bearer", "description": "A personal access token." })),
    };
    let rate_limited = spec.word("api.rate_limits").is_some_and(|r| r != "none");
    let scopes: Vec<&str> = if scheme_name == "oauth2" { vec!["read"] } else { vec![] };
    let write_scopes: Vec<&str> = if scheme_name == "oauth2" { vec!["write"] } else { vec![] };

    let mut schemas = Map::new();
    schemas.insert(
        "Problem".into(),
        json!({ "type": "object", "description": "An error, as RFC 9457 problem details.",
            "required": ["type", "title", "status"],
            "properties": { "type": { "type": "string" }, "title": { "type": "string" },
                "status": { "type": "integer" }, "detail": { "type": "string" } } }),
    );
    let mut responses = Map::new();
    for (code, text) in [
        ("BadRequest", "The request is malformed."),
        ("Unauthorized", "No valid credentials."),
        ("NotFound", "No such resource."),
    ] {
        responses.insert(code.into(), problem_response(text, false));
    }
    if rate_limited {
        responses.insert(
            "TooManyRequests".into(),
            problem_response("Rate limit exceeded; retry after the given seconds.", true),
        );
    }
    let mut paths = Map::new();
    let implied = spec.implied();
    for (index, entity) in spec.entities().iter().enumerate() {
        let title = entity.title();
        schemas.insert(title.clone(), object_schema(entity, Shape::Read));
        schemas.insert(format!("{title}Create"), object_schema(entity, Shape::Create));
        schemas.insert(format!("{title}Update"), object_schema(entity, Shape::Update));
        let mut page = Map::new();
        page.insert(
            "items".into(),
            json!({ "type": "array", "items": { "$ref": format!("#/components/schemas/{title}") } }),
        );
        let (required, extra): (Vec<&str>, Vec<(&str, Value)>) = match paging {
            Paging::Cursor => (vec!["items"], vec![("next_cursor", json!({ "type": ["string", "null"] }))]),
            Paging::Keyset => {
                (vec!["items"], vec![("next_after", json!({ "type": ["string", "null"], "format": "uuid" }))])
            }
            Paging::Offset => (vec!["items", "total"], vec![("total", json!({ "type": "integer", "minimum": 0 }))]),
        };
        for (name, schema) in extra {
            page.insert(name.into(), schema);
        }
        schemas.insert(format!("{title}Page"), json!({ "type": "object", "required": required, "properties": page }));

        let errors = |not_found: bool| {
            let mut r = Map::new();
            r.insert("400".into(), json!({ "$ref": "#/components/responses/BadRequest" }));
            r.insert("401".into(), json!({ "$ref": "#/components/responses/Unauthorized" }));
            if not_found {
                r.insert("404".into(), json!({ "$ref": "#/components/responses/NotFound" }));
            }
            if rate_limited {
                r.insert("429".into(), json!({ "$ref": "#/components/responses/TooManyRequests" }));
            }
            r
        };
        let security = |scopes: &[&str]| json!([{ scheme_name: scopes }]);
        let body = |schema: String| json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
        let ok = |code: &str, desc: &str, schema: String| {
            (
                code.to_owned(),
                json!({ "description": desc, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } }),
            )
        };
        let with = |mut map: Map<String, Value>, (code, value): (String, Value)| {
            map.insert(code, value);
            Value::Object(map)
        };
        let plural = entity.plural();
        let list_params: Vec<Value> = match paging {
            Paging::Cursor => vec![
                query_param("cursor", json!({ "type": "string" }), "Where the previous page ended."),
                limit_param(),
            ],
            Paging::Keyset => vec![
                query_param("after", json!({ "type": "string", "format": "uuid" }), "The id of the last item seen."),
                limit_param(),
            ],
            Paging::Offset => vec![
                query_param("page", json!({ "type": "integer", "minimum": 1, "default": 1 }), "The page number."),
                query_param(
                    "per_page",
                    json!({ "type": "integer", "minimum": 1, "maximum": 100, "default": 25 }),
                    "Items per page.",
                ),
            ],
        };
        paths.insert(
            format!("/{plural}"),
            json!({
                "get": { "operationId": format!("list{}", entity.plural_title()), "summary": format!("List {}", plural.replace('_', " ")),
                    "tags": [title], "parameters": list_params, "security": security(&scopes),
                    "responses": with(errors(false), ok("200", "A page of results.", format!("{title}Page"))) },
                "post": { "operationId": format!("create{title}"), "summary": format!("Create a {}", entity.name.replace('_', " ")),
                    "tags": [title], "security": security(&write_scopes), "requestBody": body(format!("{title}Create")),
                    "responses": with(errors(false), ok("201", "Created.", title.clone())) },
            }),
        );
        drop_replaced(&mut paths, &format!("/{plural}"), &[("get", Crud::List), ("post", Crud::Create)], |c| {
            implied.has_crud(index, c)
        });
        let no_content = ("204".to_owned(), json!({ "description": "Deleted." }));
        paths.insert(
            format!("/{plural}/{{id}}"),
            json!({
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                "get": { "operationId": format!("get{title}"), "tags": [title], "security": security(&scopes),
                    "responses": with(errors(true), ok("200", "The resource.", title.clone())) },
                "patch": { "operationId": format!("update{title}"), "tags": [title], "security": security(&write_scopes),
                    "requestBody": body(format!("{title}Update")),
                    "responses": with(errors(true), ok("200", "Updated.", title.clone())) },
                "delete": { "operationId": format!("delete{title}"), "tags": [title], "security": security(&write_scopes),
                    "responses": with(errors(true), no_content) },
            }),
        );
        let item = format!("/{plural}/{{id}}");
        let kinds = [("get", Crud::Get), ("patch", Crud::Update), ("delete", Crud::Delete)];
        drop_replaced(&mut paths, &item, &kinds, |c| implied.has_crud(index, c));
    }
    operations::openapi_paths(spec, scheme_name, rate_limited, &mut paths, &mut schemas, &mut responses);
    let mut description = format!("The API of {}, generated by specbuilder from its decisions.", one_line(&spec.name));
    for line in gaps.lines() {
        let _ = write!(description, "\n\n{line}");
    }
    let document = json!({
        "openapi": "3.1.0",
        "info": { "title": format!("{} API", one_line(&spec.name)), "version": "1.0.0", "description": description },
        "servers": [{ "url": "/api/v1" }],
        "security": [{ scheme_name: [] }],
        "paths": paths,
        "components": { "schemas": schemas, "responses": responses, "securitySchemes": { scheme_name: scheme } },
    });
    let mut out = String::new();
    out.push_str(&gaps.comment("# "));
    out.push_str(&yaml_serde::to_string(&document).unwrap_or_default());
    out
}

/// Removes from a path item the entity operations a decision's own operation replaced (the
/// item goes when nothing is left but its parameters).
fn drop_replaced(paths: &mut Map<String, Value>, path: &str, kinds: &[(&str, Crud)], kept: impl Fn(Crud) -> bool) {
    let Some(Value::Object(item)) = paths.get_mut(path) else { return };
    for (method, crud) in kinds {
        if !kept(*crud) {
            item.remove(*method);
        }
    }
    if item.keys().all(|k| k == "parameters") {
        paths.remove(path);
    }
}

fn problem_response(description: &str, retry_after: bool) -> Value {
    let mut response = json!({ "description": description,
        "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } });
    if retry_after {
        response["headers"] =
            json!({ "Retry-After": { "description": "Seconds to wait.", "schema": { "type": "integer" } } });
    }
    response
}

fn query_param(name: &str, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

fn limit_param() -> Value {
    query_param("limit", json!({ "type": "integer", "minimum": 1, "maximum": 100, "default": 25 }), "Items per page.")
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Read,
    Create,
    Update,
}

fn json_type(field: &Field) -> Value {
    let mut schema = match &field.ty {
        FieldType::Text => json!({ "type": "string" }),
        FieldType::Int => json!({ "type": "integer", "format": "int64" }),
        FieldType::Bool => json!({ "type": "boolean" }),
        FieldType::Decimal => json!({ "type": "string", "format": "decimal" }),
        FieldType::Date => json!({ "type": "string", "format": "date" }),
        FieldType::DateTime => json!({ "type": "string", "format": "date-time" }),
        FieldType::Uuid | FieldType::Ref(_) => json!({ "type": "string", "format": "uuid" }),
        FieldType::Json => json!({ "type": "object" }),
    };
    if field.optional {
        let ty = schema["type"].clone();
        schema["type"] = json!([ty, "null"]);
    }
    schema
}

fn object_schema(entity: &Entity, shape: Shape) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    if shape == Shape::Read {
        properties.insert("id".into(), json!({ "type": "string", "format": "uuid", "readOnly": true }));
        required.push("id".to_owned());
    }
    for field in &entity.fields {
        properties.insert(field.column(), json_type(field));
        if !field.optional && shape != Shape::Update {
            required.push(field.column());
        }
    }
    if shape == Shape::Read {
        for stamp in ["created_at", "updated_at"] {
            properties.insert(stamp.into(), json!({ "type": "string", "format": "date-time", "readOnly": true }));
            required.push(stamp.into());
        }
    }
    json!({ "type": "object", "additionalProperties": shape == Shape::Read, "required": required, "properties": properties })
}

// ---------------------------------------------------------------- GraphQL

fn graphql_type(field: &Field, input: bool) -> String {
    let base = match &field.ty {
        FieldType::Text => "String".to_owned(),
        FieldType::Int => "Int".to_owned(),
        FieldType::Bool => "Boolean".to_owned(),
        FieldType::Decimal => "Decimal".to_owned(),
        FieldType::Date => "Date".to_owned(),
        FieldType::DateTime => "DateTime".to_owned(),
        FieldType::Uuid => "ID".to_owned(),
        FieldType::Json => "JSON".to_owned(),
        FieldType::Ref(_) if input => "ID".to_owned(),
        FieldType::Ref(target) => pascal(target),
    };
    if field.optional { base } else { format!("{base}!") }
}

fn graphql_field_name(field: &Field, input: bool) -> String {
    match field.ty {
        FieldType::Ref(_) if input => camel(&field.column()),
        _ => camel(&field.name),
    }
}

pub fn graphql(spec: &Spec<'_>, gaps: &Gaps) -> String {
    let paging = paging(spec);
    let mut out = String::new();
    out.push_str(&gaps.comment("# "));
    let _ = writeln!(
        out,
        "\"\"\"\nThe API of {}, generated by specbuilder from its decisions.",
        one_line(&spec.name).replace('"', "'")
    );
    let _ = match spec.word("api.auth").as_deref() {
        Some("oauth") => writeln!(out, "Authenticate with an OAuth 2 access token: `Authorization: Bearer <token>`."),
        Some("session") => writeln!(out, "Authenticate with the browser session cookie."),
        _ => writeln!(out, "Authenticate with a personal access token: `Authorization: Bearer <token>`."),
    };
    out.push_str("\"\"\"\nschema {\n  query: Query\n  mutation: Mutation\n}\n\n");
    out.push_str("\"An RFC 3339 date-time.\"\nscalar DateTime\n\"An ISO 8601 date.\"\nscalar Date\n\"A decimal number as a string.\"\nscalar Decimal\n\"Any JSON value.\"\nscalar JSON\n\n");
    if paging == Paging::Cursor || paging == Paging::Keyset {
        out.push_str("type PageInfo {\n  hasNextPage: Boolean!\n  endCursor: String\n}\n\n");
    }
    let entities = spec.entities();
    let mut query = vec!["  \"The version of this API.\"\n  apiVersion: String!".to_owned()];
    let mut mutation = Vec::new();
    let implied = spec.implied();
    for (index, entity) in entities.iter().enumerate() {
        let title = entity.title();
        let _ = writeln!(out, "type {title} {{\n  id: ID!");
        for field in &entity.fields {
            let _ = writeln!(out, "  {}: {}", graphql_field_name(field, false), graphql_type(field, false));
        }
        out.push_str("  createdAt: DateTime!\n  updatedAt: DateTime!\n}\n\n");
        for (kind, all_optional) in [("Create", false), ("Update", true)] {
            let _ = writeln!(out, "input {kind}{title}Input {{");
            for field in &entity.fields {
                let mut ty = graphql_type(field, true);
                if all_optional {
                    ty = ty.trim_end_matches('!').to_owned();
                }
                let _ = writeln!(out, "  {}: {ty}", graphql_field_name(field, true));
            }
            out.push_str("}\n\n");
        }
        let plural = camel(&entity.plural());
        match paging {
            Paging::Cursor | Paging::Keyset => {
                let _ = writeln!(out, "type {title}Edge {{\n  cursor: String!\n  node: {title}!\n}}\n");
                let _ =
                    writeln!(out, "type {title}Connection {{\n  edges: [{title}Edge!]!\n  pageInfo: PageInfo!\n}}\n");
                if implied.has_crud(index, Crud::List) {
                    query.push(format!("  {plural}(first: Int = 25, after: String): {title}Connection!"));
                }
            }
            Paging::Offset => {
                let _ = writeln!(out, "type {title}Page {{\n  items: [{title}!]!\n  total: Int!\n}}\n");
                if implied.has_crud(index, Crud::List) {
                    query.push(format!("  {plural}(page: Int = 1, perPage: Int = 25): {title}Page!"));
                }
            }
        }
        if implied.has_crud(index, Crud::Get) {
            query.push(format!("  {}(id: ID!): {title}", camel(&entity.name)));
        }
        for (crud, line) in [
            (Crud::Create, format!("  create{title}(input: Create{title}Input!): {title}!")),
            (Crud::Update, format!("  update{title}(id: ID!, input: Update{title}Input!): {title}!")),
            (Crud::Delete, format!("  delete{title}(id: ID!): Boolean!")),
        ] {
            if implied.has_crud(index, crud) {
                mutation.push(line);
            }
        }
    }
    let defined: Vec<String> = entities.iter().map(|e| e.title()).collect();
    out.push_str(&operations::graphql(spec, &defined, &mut query, &mut mutation));
    if mutation.is_empty() {
        mutation.push("  \"Nothing to change yet: no entities are decided.\"\n  noop: Boolean".to_owned());
    }
    let _ = writeln!(out, "type Query {{\n{}\n}}\n", query.join("\n"));
    let _ = writeln!(out, "type Mutation {{\n{}\n}}", mutation.join("\n"));
    out
}

// ---------------------------------------------------------------- protobuf

fn proto_type(field: &Field) -> &'static str {
    match &field.ty {
        FieldType::Text | FieldType::Uuid | FieldType::Ref(_) | FieldType::Decimal | FieldType::Date => "string",
        FieldType::Int => "int64",
        FieldType::Bool => "bool",
        FieldType::DateTime => "google.protobuf.Timestamp",
        FieldType::Json => "google.protobuf.Struct",
    }
}

pub fn proto(spec: &Spec<'_>, gaps: &Gaps) -> String {
    let paging = paging(spec);
    let package = spec.slug.replace('-', "_");
    let mut out = String::new();
    out.push_str(&gaps.comment("// "));
    let _ = writeln!(out, "// The API of {}, generated by specbuilder from its decisions.", one_line(&spec.name));
    let _ = match spec.word("api.auth").as_deref() {
        Some("session") => writeln!(out, "// Calls carry the session cookie in the `cookie` metadata."),
        _ => writeln!(out, "// Calls carry `authorization: Bearer <token>` metadata."),
    };
    let _ = writeln!(out, "syntax = \"proto3\";\n\npackage {package}.v1;\n");
    out.push_str("import \"google/protobuf/empty.proto\";\nimport \"google/protobuf/field_mask.proto\";\n");
    out.push_str("import \"google/protobuf/struct.proto\";\nimport \"google/protobuf/timestamp.proto\";\n\n");
    let service = format!("{}Service", spec.type_name());
    let mut rpcs = Vec::new();
    let implied = spec.implied();
    for (index, entity) in spec.entities().iter().enumerate() {
        let title = entity.title();
        let plural = entity.plural_title();
        let _ = writeln!(out, "message {title} {{\n  string id = 1;");
        let mut number = 2;
        for field in &entity.fields {
            let optional = if field.optional && !matches!(field.ty, FieldType::Json | FieldType::DateTime) {
                "optional "
            } else {
                ""
            };
            let _ = writeln!(out, "  {optional}{} {} = {number};", proto_type(field), field.column());
            number += 1;
        }
        let _ = writeln!(out, "  google.protobuf.Timestamp created_at = {number};");
        let _ = writeln!(out, "  google.protobuf.Timestamp updated_at = {};\n}}\n", number + 1);
        match paging {
            Paging::Offset => {
                let _ = writeln!(out, "message List{plural}Request {{\n  int32 page = 1;\n  int32 per_page = 2;\n}}\n");
                let _ = writeln!(
                    out,
                    "message List{plural}Response {{\n  repeated {title} items = 1;\n  int64 total = 2;\n}}\n"
                );
            }
            Paging::Cursor | Paging::Keyset => {
                let _ = writeln!(
                    out,
                    "message List{plural}Request {{\n  int32 page_size = 1;\n  string page_token = 2;\n}}\n"
                );
                let _ = writeln!(
                    out,
                    "message List{plural}Response {{\n  repeated {title} items = 1;\n  string next_page_token = 2;\n}}\n"
                );
            }
        }
        let _ = writeln!(out, "message Get{title}Request {{\n  string id = 1;\n}}\n");
        let _ = writeln!(out, "message Create{title}Request {{\n  {title} {} = 1;\n}}\n", entity.name);
        let _ = writeln!(
            out,
            "message Update{title}Request {{\n  {title} {} = 1;\n  google.protobuf.FieldMask update_mask = 2;\n}}\n",
            entity.name
        );
        let _ = writeln!(out, "message Delete{title}Request {{\n  string id = 1;\n}}\n");
        let lines = [
            (Crud::List, format!("  rpc List{plural}(List{plural}Request) returns (List{plural}Response);")),
            (Crud::Get, format!("  rpc Get{title}(Get{title}Request) returns ({title});")),
            (Crud::Create, format!("  rpc Create{title}(Create{title}Request) returns ({title});")),
            (Crud::Update, format!("  rpc Update{title}(Update{title}Request) returns ({title});")),
            (Crud::Delete, format!("  rpc Delete{title}(Delete{title}Request) returns (google.protobuf.Empty);")),
        ];
        rpcs.extend(lines.into_iter().filter(|(crud, _)| implied.has_crud(index, *crud)).map(|(_, line)| line));
    }
    let defined: Vec<String> = spec.entities().iter().map(|e| e.title()).collect();
    out.push_str(&operations::proto(spec, &defined, &mut rpcs));
    if rpcs.is_empty() {
        rpcs.push(
            "  // No entities are decided yet.\n  rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty);"
                .to_owned(),
        );
    }
    let _ = writeln!(out, "service {service} {{\n{}\n}}", rpcs.join("\n"));
    out
}
