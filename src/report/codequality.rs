//! GitLab's Code Quality report: a JSON array the merge request widget reads. Each finding has a
//! fingerprint that stays the same across runs while the finding does (code, file, message and
//! its order among identical ones, not its line), so GitLab can tell new findings from old.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use spec_format::{Finding, Severity};
use std::collections::HashMap;

/// The report, paths prefixed with `root` (where the checked directory sits in the repository)
/// so they are relative to the repository as GitLab expects.
pub fn render(findings: &[Finding], root: &str) -> String {
    let issues: Vec<Value> = findings
        .iter()
        .zip(fingerprints(findings))
        .map(|(f, fingerprint)| {
            let path = match root.trim_matches('/') {
                "" => f.path.clone(),
                root => format!("{root}/{}", f.path),
            };
            let mut description = f.message.clone();
            if let Some(help) = &f.help {
                description.push_str(&format!(" ({help})"));
            }
            json!({
                "type": "issue",
                "description": description,
                "check_name": f.code.as_str(),
                "fingerprint": fingerprint,
                "severity": severity(f.severity),
                "location": { "path": path, "lines": { "begin": f.line.max(1) } },
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).expect("a JSON value always prints");
    out.push('\n');
    out
}

/// Ours to GitLab's scale (info, minor, major, critical, blocker): an error fails the check.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// For each finding, a hash of its code, file and message, and which of the identical ones it
/// is: the same while the finding stands, wherever its line moves (GitLab's fingerprint,
/// SARIF's partial fingerprint).
pub fn fingerprints(findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let nth = seen.entry((f.path.as_str(), f.code.as_str(), f.message.as_str())).or_insert(0);
            *nth += 1;
            let digest = Sha256::digest(format!("{}\0{}\0{}\0{nth}", f.code.as_str(), f.path, f.message));
            digest.iter().map(|b| format!("{b:02x}")).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use spec_format::Code;

    #[test]
    fn fingerprints_are_stable_unique_and_blind_to_lines() {
        let a = Finding::new(Code::RuleViolation, "specs/p/rules.yaml", 4, "same words");
        let b = Finding::new(Code::RuleViolation, "specs/p/rules.yaml", 9, "same words");
        let report: Value = serde_json::from_str(&render(&[a.clone(), b], "app")).unwrap();
        let prints: Vec<&str> = report.as_array().unwrap().iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
        assert_ne!(prints[0], prints[1], "two identical findings are two issues");
        let moved = Finding::new(Code::RuleViolation, "specs/p/rules.yaml", 40, "same words");
        let again: Value = serde_json::from_str(&render(&[moved], "app")).unwrap();
        assert_eq!(again[0]["fingerprint"], prints[0], "a finding that moved is the same issue");
        assert_eq!(report[0]["location"]["path"], "app/specs/p/rules.yaml");
        assert_eq!(report[0]["severity"], "critical");
        let whole_file = Finding::new(Code::IgnoredFile, "specs/x", 0, "not read");
        let report: Value = serde_json::from_str(&render(&[whole_file], "")).unwrap();
        assert_eq!(report[0]["location"]["lines"]["begin"], 1, "GitLab lines start at 1");
        assert_eq!(report[0]["severity"], "minor");
    }
}
