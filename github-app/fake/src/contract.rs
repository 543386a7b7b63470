//! GitHub's published API description as the referee of the fake: every request body the
//! client sends, every query parameter it uses, and every response the fake returns is checked
//! against `fixtures/openapi/api.github.com.subset.json` (cut from `@octokit/openapi`).

use serde_json::{Map, Value, json};
use std::collections::HashMap;

const DESCRIPTION: &str = include_str!("../fixtures/openapi/api.github.com.subset.json");

pub struct Contract {
    spec: Value,
    /// The spec's components, converted from OpenAPI 3.0 schemas to JSON Schema (draft 4).
    components: Value,
}

impl Contract {
    pub fn load() -> Contract {
        let mut spec: Value = serde_json::from_str(DESCRIPTION).unwrap();
        // The description says an installation's account is a user *and* an enterprise (`allOf`);
        // GitHub sends one or the other, as the webhook schemas say. Read it as `anyOf`.
        let account = spec
            .pointer_mut("/paths/~1app~1installations/get/responses/200/content/application~1json/schema/items/properties/account")
            .and_then(Value::as_object_mut);
        if let Some(account) = account
            && let Some(both) = account.remove("allOf")
        {
            account.insert("anyOf".into(), both);
        }
        let components = to_json_schema(spec["components"].clone());
        Contract { spec, components }
    }

    /// The operation a request path is for: its path template and the path parameters. When
    /// several templates fit, the one with the most literal segments wins.
    pub fn route(&self, method: &str, path: &str) -> Option<(String, HashMap<String, String>)> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let paths = self.spec["paths"].as_object()?;
        (paths.iter())
            .filter(|(_, item)| !item[method].is_null())
            .filter_map(|(template, item)| {
                let params = self.match_path(template, &item[method], &segments)?;
                let literals = template.split('/').filter(|s| !s.starts_with('{')).count();
                Some((literals, template.clone(), params))
            })
            .max_by_key(|(literals, _, _)| *literals)
            .map(|(_, template, params)| (template, params))
    }

    fn match_path(&self, template: &str, operation: &Value, segments: &[&str]) -> Option<HashMap<String, String>> {
        let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
        let mut params = HashMap::new();
        for (i, part) in parts.iter().enumerate() {
            let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) else {
                if segments.get(i) != Some(part) {
                    return None;
                }
                continue;
            };
            // A parameter marked `x-multi-segment` (a file path, a ref) takes the rest of the path.
            if i == parts.len() - 1 && self.multi_segment(operation, name) && segments.len() >= parts.len() {
                params.insert(name.to_owned(), segments[i..].join("/"));
                return Some(params);
            }
            let value = segments.get(i).filter(|s| !s.is_empty())?;
            params.insert(name.to_owned(), (*value).to_owned());
        }
        (segments.len() == parts.len()).then_some(params)
    }

    fn multi_segment(&self, operation: &Value, name: &str) -> bool {
        (operation["parameters"].as_array().into_iter().flatten())
            .map(|p| self.resolve(p))
            .any(|p| p["name"] == name && p["x-multi-segment"] == true)
    }

    /// The value of one of the description's examples: real payloads to build answers from.
    pub fn example(&self, name: &str) -> Value {
        self.spec["components"]["examples"][name]["value"].clone()
    }

    fn operation(&self, method: &str, template: &str) -> Result<&Value, String> {
        let operation = &self.spec["paths"][template][method];
        if operation.is_null() {
            Err(format!("{method} {template} is not in GitHub's API description"))
        } else {
            Ok(operation)
        }
    }

    /// Checks a request: the operation exists, its query parameters are declared, and its JSON
    /// body fits the declared request schema.
    pub fn request(&self, method: &str, template: &str, query: &[String], body: Option<&Value>) -> Result<(), String> {
        let operation = self.operation(method, template)?;
        let declared: Vec<String> = (operation["parameters"].as_array().into_iter().flatten())
            .map(|p| self.resolve(p))
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect();
        for name in query {
            if !declared.contains(name) {
                return Err(format!("{method} {template}: query parameter `{name}` is not declared ({declared:?})"));
            }
        }
        let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
        match (body, schema.is_null()) {
            (Some(body), false) => self.validate(schema, body).map_err(|e| format!("{method} {template} request: {e}")),
            (Some(_), true) => Err(format!("{method} {template} takes no JSON body")),
            (None, _) if operation["requestBody"]["required"] == true => {
                Err(format!("{method} {template}: the request body is required"))
            }
            (None, _) => Ok(()),
        }
    }

    /// Checks a response the fake is about to send as `media`. A status the operation does not
    /// list must be one GitHub sends for any call (401, 403/429 rate limits, 5xx), with GitHub's
    /// error shape.
    pub fn response(&self, method: &str, template: &str, status: u16, media: &str, body: &Value) -> Result<(), String> {
        let operation = self.operation(method, template)?;
        let response = self.resolve(&operation["responses"][status.to_string()]);
        if response.is_null() {
            if matches!(status, 401 | 403 | 429 | 500..=599) {
                return self.validate(&json!({ "$ref": "#/components/schemas/basic-error" }), body);
            }
            return Err(format!("{method} {template} never answers {status}"));
        }
        let content = &response["content"];
        if content.is_null() {
            return Ok(());
        }
        let schema = &content[media]["schema"];
        if schema.is_null() {
            return Err(format!("{method} {template} {status} is never sent as {media}"));
        }
        self.validate(schema, body).map_err(|e| format!("{method} {template} {status} response: {e}"))
    }

    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => self.spec.pointer(pointer).unwrap_or(&Value::Null),
            None => value,
        }
    }

    fn validate(&self, schema: &Value, instance: &Value) -> Result<(), String> {
        let root = json!({ "allOf": [to_json_schema(schema.clone())], "components": self.components });
        let validator = jsonschema::draft4::new(&root).map_err(|e| format!("the schema does not compile: {e}"))?;
        let errors: Vec<String> =
            validator.iter_errors(instance).take(3).map(|e| format!("{e} at `{}`", e.instance_path())).collect();
        if errors.is_empty() { Ok(()) } else { Err(errors.join("; ")) }
    }
}

/// OpenAPI 3.0 schema objects to JSON Schema: `nullable: true` becomes a `null` alternative.
fn to_json_schema(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let nullable = map.get("nullable") == Some(&Value::Bool(true));
            let mut out: Map<String, Value> =
                map.into_iter().filter(|(k, _)| k != "nullable").map(|(k, v)| (k, to_json_schema(v))).collect();
            if !nullable {
                return Value::Object(out);
            }
            match out.get("type").cloned() {
                Some(Value::String(ty)) => {
                    out.insert("type".into(), json!([ty, "null"]));
                    if let Some(Value::Array(options)) = out.get_mut("enum") {
                        options.push(Value::Null);
                    }
                    Value::Object(out)
                }
                _ => json!({ "anyOf": [Value::Object(out), { "type": "null" }] }),
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(to_json_schema).collect()),
        other => other,
    }
}
