//! GitHub's published API description as the referee of the fake: every request body the
//! client sends, every query parameter it uses, and every response the fake returns is checked
//! against `fixtures/openapi/api.github.com.subset.json` (cut from `@octokit/openapi`).

use serde_json::{Map, Value, json};
use std::path::Path;

pub struct Contract {
    spec: Value,
    /// The spec's components, converted from OpenAPI 3.0 schemas to JSON Schema (draft 4).
    components: Value,
}

impl Contract {
    pub fn load() -> Contract {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi/api.github.com.subset.json");
        let spec: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let components = to_json_schema(spec["components"].clone());
        Contract { spec, components }
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

    /// Checks a response the fake is about to send. A status the operation does not list must
    /// be one GitHub sends for any call (401, 403/429 rate limits, 5xx), with GitHub's error shape.
    pub fn response(&self, method: &str, template: &str, status: u16, body: &Value) -> Result<(), String> {
        let operation = self.operation(method, template)?;
        let response = self.resolve(&operation["responses"][status.to_string()]);
        if response.is_null() {
            if matches!(status, 401 | 403 | 429 | 500..=599) {
                return self.validate(&json!({ "$ref": "#/components/schemas/basic-error" }), body);
            }
            return Err(format!("{method} {template} never answers {status}"));
        }
        let schema = &response["content"]["application/json"]["schema"];
        if schema.is_null() {
            return Ok(());
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
