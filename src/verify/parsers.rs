//! One real parser per artifact format, chosen by file name.

use std::sync::OnceLock;

/// Why an artifact failed its parser, with the line where the parser says (0 when unknown).
#[derive(Debug)]
pub struct Invalid {
    pub line: usize,
    pub message: String,
}

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid { line: 0, message: message.into() }
}

const OAS_31_SCHEMA: &str = include_str!("oas-3.1.schema.json");

/// Checks one artifact, named relative to `artifacts/`, with the parser of its format.
/// Formats without a notion of invalid (Markdown) pass.
pub fn verify(name: &str, bytes: &[u8]) -> Result<(), Invalid> {
    let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    if extension == "pdf" {
        return lopdf::Document::load_mem(bytes).map(drop).map_err(|e| invalid(format!("not a readable PDF: {e}")));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| invalid(format!("not UTF-8: {e}")))?;
    match extension {
        "sql" => sql(text),
        "graphql" => graphql(text),
        "proto" => proto(name, text),
        "feature" => gherkin(text),
        "mmd" => mermaid(text),
        "csv" => csv(text),
        "html" => html(text),
        "json" => json(name, text),
        "yaml" | "yml" if name.ends_with("openapi.yaml") => openapi(text),
        "yaml" | "yml" => yaml_serde::from_str::<serde_json::Value>(text).map(drop).map_err(yaml_error),
        _ => Ok(()),
    }
}

fn sql(text: &str) -> Result<(), Invalid> {
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    sqlparser::parser::Parser::parse_sql(&dialect, text).map(drop).map_err(|e| {
        let message = e.to_string();
        Invalid { line: number_after(&message, "Line: "), message }
    })
}

/// The number right after `marker` in a parser's message (`Line: 12`, `Error at 5:20`), or 0.
fn number_after(message: &str, marker: &str) -> usize {
    (message.split(marker).nth(1))
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn graphql(text: &str) -> Result<(), Invalid> {
    apollo_compiler::Schema::parse_and_validate(text, "schema.graphql").map(drop).map_err(|with_errors| {
        let errors = with_errors.errors;
        let line = errors.iter().next().and_then(|e| e.line_column_range()).map_or(0, |r| r.start.line);
        invalid_at(line, errors.to_string())
    })
}

fn invalid_at(line: usize, message: String) -> Invalid {
    Invalid { line, message: message.lines().take(6).collect::<Vec<_>>().join(" ") }
}

/// A protox resolver that serves the one file being checked, and Google's well-known types.
pub(super) struct OneFile {
    pub(super) name: String,
    pub(super) source: String,
}

impl protox::file::FileResolver for OneFile {
    fn open_file(&self, name: &str) -> Result<protox::file::File, protox::Error> {
        if name == self.name {
            protox::file::File::from_source(name, &self.source)
        } else {
            protox::file::GoogleFileResolver::new().open_file(name)
        }
    }
}

fn proto(name: &str, text: &str) -> Result<(), Invalid> {
    let file = name.rsplit('/').next().unwrap_or(name).to_owned();
    let mut compiler = protox::Compiler::with_file_resolver(OneFile { name: file.clone(), source: text.to_owned() });
    compiler.open_file(&file).map(drop).map_err(|e| invalid(e.to_string()))
}

fn gherkin(text: &str) -> Result<(), Invalid> {
    let feature = gherkin::Feature::parse(text, gherkin::GherkinEnv::default()).map_err(|e| {
        let message = e.to_string();
        Invalid { line: number_after(&message, "Error at "), message }
    })?;
    // A misspelled keyword parses as description text: a feature file that should have
    // scenarios but has none, or a scenario without steps, is broken all the same.
    if feature.scenarios.is_empty() && feature.rules.is_empty() {
        return Err(invalid("the feature has no scenarios"));
    }
    match feature.scenarios.iter().find(|s| s.steps.is_empty()) {
        Some(s) => Err(Invalid { line: s.position.line, message: format!("scenario `{}` has no steps", s.name) }),
        None => Ok(()),
    }
}

fn mermaid(text: &str) -> Result<(), Invalid> {
    static ENGINE: OnceLock<merman_core::Engine> = OnceLock::new();
    let engine = ENGINE.get_or_init(merman_core::Engine::new);
    match engine.parse_diagram_sync(text, merman_core::ParseOptions::strict()) {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(invalid("no Mermaid diagram type recognised")),
        Err(e) => Err(invalid(e.to_string())),
    }
}

fn csv(text: &str) -> Result<(), Invalid> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader.headers().map_err(|e| invalid(e.to_string()))?;
    for record in reader.records() {
        if let Err(e) = record {
            let line = e.position().map_or(0, |p| p.line() as usize);
            return Err(Invalid { line, message: e.to_string() });
        }
    }
    Ok(())
}

/// Generated HTML is sanitised; anything executable in it was put there by hand. Only tags are
/// looked at: text that merely mentions `<script>` or `javascript:` is escaped and harmless.
fn html(text: &str) -> Result<(), Invalid> {
    let lower = text.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let tag = &rest[start..rest[start..].find('>').map_or(rest.len(), |end| start + end + 1)];
        let handler = tag.split_whitespace().skip(1).any(|attr| attr.starts_with("on") && attr.contains('='));
        if tag.starts_with("<script") || tag.contains("javascript:") || handler {
            let line = lower[..lower.len() - rest.len() + start].matches('\n').count() + 1;
            return Err(Invalid {
                line,
                message: format!("the HTML contains script: {}", tag.chars().take(60).collect::<String>()),
            });
        }
        rest = &rest[start + tag.len().max(1)..];
    }
    Ok(())
}

fn json(name: &str, text: &str) -> Result<(), Invalid> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Invalid { line: e.line(), message: e.to_string() })?;
    if name.ends_with("prd.json") {
        static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
        let validator = VALIDATOR.get_or_init(|| {
            serde_json::from_str(crate::generate::PRD_SCHEMA).ok().and_then(|s| jsonschema::validator_for(&s).ok())
        });
        if let Some(validator) = validator
            && let Some(error) = validator.iter_errors(&value).next()
        {
            return Err(invalid(format!("{} at {}", error, error.instance_path())));
        }
    }
    Ok(())
}

fn openapi(text: &str) -> Result<(), Invalid> {
    let value: serde_json::Value = yaml_serde::from_str(text).map_err(yaml_error)?;
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    let validator = VALIDATOR
        .get_or_init(|| serde_json::from_str(OAS_31_SCHEMA).ok().and_then(|s| jsonschema::validator_for(&s).ok()));
    let Some(validator) = validator else { return Err(invalid("the OpenAPI 3.1 schema did not load")) };
    match validator.iter_errors(&value).next() {
        Some(error) => Err(invalid(format!("OpenAPI 3.1: {} at {}", error, error.instance_path()))),
        None => Ok(()),
    }
}

fn yaml_error(e: yaml_serde::Error) -> Invalid {
    Invalid { line: e.location().map_or(0, |l| l.line()), message: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::html;

    #[test]
    fn html_with_script_in_tags_is_refused_and_text_about_it_is_not() {
        assert!(html("<p>Built with JavaScript: &lt;script&gt; tags are escaped</p>").is_ok());
        assert_eq!(html("<p>ok</p>\n<script>alert(1)</script>").unwrap_err().line, 2);
        assert!(html("<img src=x onerror=alert(1)>").is_err());
        assert!(html("<a href=\"javascript:alert(1)\">x</a>").is_err());
        assert!(html("<p class=\"one\">online</p>").is_ok());
    }
}
