//! SARIF 2.1.0: one run, one rule per finding code, related locations for the other side of
//! a contradiction.

use serde_json::{Value, json};
use spec_format::{Code, Finding, Location, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const DOCS: &str = "https://github.com/specbuilder/specbuilder/blob/main/spec-format/README.md";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn physical(path: &str, line: usize, column: Option<usize>) -> Value {
    let mut location = json!({ "artifactLocation": { "uri": uri(path), "uriBaseId": "SRCROOT" } });
    // SARIF lines start at 1; a finding about a whole file has no region.
    if line > 0 {
        let mut region = json!({ "startLine": line });
        if let Some(column) = column.filter(|c| *c > 0) {
            region["startColumn"] = json!(column);
        }
        location["region"] = region;
    }
    location
}

/// Paths are relative and use `/`; only characters that are not valid in a URI are escaped.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn related(index: usize, location: &Location) -> Value {
    let mut value = json!({ "id": index, "physicalLocation": physical(&location.path, location.line, None) });
    if let Some(message) = &location.message {
        value["message"] = json!({ "text": message });
    }
    value
}

/// GitHub code scanning takes at most this many results per run.
const MAX_RESULTS: usize = 25_000;

pub fn render(findings: &[Finding]) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "name": code.name(),
                "shortDescription": { "text": code.summary() },
                "help": {
                    "text": format!("{} See {DOCS}#{}", code.summary(), code.as_str().to_lowercase()),
                    "markdown": format!("{} [What it means and what to do]({DOCS}#{}).", code.summary(), code.as_str().to_lowercase()),
                },
                "helpUri": format!("{DOCS}#{}", code.as_str().to_lowercase()),
                "defaultConfiguration": { "level": level(code.severity()) },
            })
        })
        .collect();
    // Past GitHub's limit the most severe are kept.
    let fingerprints = super::codequality::fingerprints(findings);
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(findings[i].severity));
    order.truncate(MAX_RESULTS);
    order.sort_unstable();
    let results: Vec<Value> = order
        .into_iter()
        .map(|i| (&findings[i], &fingerprints[i]))
        .map(|(f, fingerprint)| {
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str(&format!(" ({help})"));
            }
            let mut result = json!({
                "ruleId": f.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == f.code).unwrap_or(0),
                "level": level(f.severity),
                "message": { "text": text },
                "locations": [{ "physicalLocation": physical(&f.path, f.line, f.column) }],
                "partialFingerprints": { "primaryLocationLineHash": fingerprint },
            });
            if !f.related.is_empty() {
                result["relatedLocations"] = f.related.iter().enumerate().map(|(i, l)| related(i, l)).collect();
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "specbuilder",
                "informationUri": "https://github.com/specbuilder/specbuilder",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "automationDetails": { "id": "specbuilder/" },
            "originalUriBaseIds": { "SRCROOT": { "description": { "text": "The checked directory" } } },
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("a JSON value always prints");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_githubs_limit_the_most_severe_results_are_kept() {
        let mut findings: Vec<Finding> =
            (1..=25_010).map(|i| Finding::new(Code::IgnoredFile, "specs/p/x.md", i, "a warning")).collect();
        findings.push(Finding::new(Code::RuleViolation, "specs/p/z.md", 1, "the error"));
        let log: Value = serde_json::from_str(&render(&findings)).unwrap();
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), MAX_RESULTS);
        assert!(results.iter().any(|r| r["level"] == "error"), "the error is among those kept");
    }
}
