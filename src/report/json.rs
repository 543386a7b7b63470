use serde::Serialize;
use spec_format::{Finding, Summary};

#[derive(Serialize)]
struct Report<'a> {
    findings: &'a [Finding],
    summary: Summary,
}

/// Exactly one JSON object, paths relative to the checked directory.
pub fn render(findings: &[Finding]) -> String {
    let report = Report { findings, summary: Summary::of(findings) };
    let mut text = serde_json::to_string_pretty(&report).expect("findings always serialise");
    text.push('\n');
    text
}
