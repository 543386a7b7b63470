//! Proof that artifacts are what they claim to be: each file goes through a real parser for its
//! format, and the requirement ids of the PRD are traced to tickets and scenarios; against a
//! base revision, the contracts are compared for breaking changes (`breaking`).
//!
//! Used by `generate` (nothing invalid is committed) and by `check` (SB405–SB407, SB502).

mod breaking;
mod parsers;
mod words;

pub use breaking::findings as breaking_changes;
pub use parsers::verify;

use spec_format::RepoFile;
use spec_format::finding::{Code, Finding, Location};
use spec_format::workspace::ProjectSpec;
use std::collections::{BTreeMap, BTreeSet};

/// Findings for the artifacts of `project`: files that fail their parser, and requirements of
/// the PRD with no ticket or no scenario (when tickets or scenarios were generated at all).
/// Everything `check` reports for a repository state: refused files, the format's rules (with
/// `base`, locked decisions that changed), and every project's artifacts and traceability.
/// Sorted by file and line.
pub fn check_all(
    snapshot: &crate::source::Snapshot,
    workspace: &spec_format::Workspace,
    base: Option<(&crate::source::Snapshot, &spec_format::Workspace)>,
    strict: bool,
) -> Vec<Finding> {
    use spec_format::validate::{self, Options};
    let mut findings = snapshot.findings.clone();
    findings.extend(validate::validate(workspace, &Options { strict, base: base.map(|(_, ws)| ws) }));
    for project in &workspace.projects {
        let mut traced = check_project(project, &snapshot.files);
        if let Some((base_snapshot, _)) = base {
            traced.extend(breaking::findings(&project.dir, &base_snapshot.files, &snapshot.files));
        }
        if strict {
            validate::make_strict(&mut traced);
        }
        findings.extend(traced);
    }
    spec_format::finding::sort_findings(&mut findings);
    findings
}

pub fn check_project(project: &ProjectSpec, files: &[RepoFile]) -> Vec<Finding> {
    let prefix = format!("{}/artifacts/", project.dir);
    let artifacts: BTreeMap<&str, &RepoFile> =
        files.iter().filter_map(|f| f.path.strip_prefix(&prefix).map(|name| (name, f))).collect();
    let mut out = Vec::new();
    for (name, file) in &artifacts {
        if let Err(error) = verify(name, &file.bytes) {
            out.push(
                Finding::new(
                    Code::InvalidArtifact,
                    &file.path,
                    error.line,
                    format!("`{name}` is not valid: {}", error.message),
                )
                .help("regenerate it with `specbuilder generate`, or fix the hand edit"),
            );
        }
    }
    out.extend(words::findings(project, &artifacts, &prefix));
    let Some(prd) = artifacts.get("prd.json") else { return out };
    let Ok(prd) = serde_json::from_slice::<serde_json::Value>(&prd.bytes) else { return out };
    let requirements: Vec<&str> =
        (prd["requirements"].as_array().into_iter().flatten()).filter_map(|r| r["id"].as_str()).collect();
    let prd_path = format!("{prefix}prd.json");
    for coverage in [Coverage::Tickets, Coverage::Scenarios] {
        let sources: Vec<&&RepoFile> =
            (artifacts.iter()).filter(|(name, _)| coverage.covers(name)).map(|(_, f)| f).collect();
        if sources.is_empty() {
            continue;
        }
        let covered: BTreeSet<String> =
            sources.iter().flat_map(|f| coverage.ids(&String::from_utf8_lossy(&f.bytes))).collect();
        for id in requirements.iter().filter(|id| !covered.contains(**id)) {
            let (code, what, target) = coverage.describe();
            out.push(
                Finding::new(code, &prd_path, 0, format!("requirement {id} has {what}"))
                    .related(Location::new(format!("{prefix}prd.md"), 0).with_message("the requirement"))
                    .help(format!("regenerate with `specbuilder generate {target}`, or cover it by hand")),
            );
        }
    }
    out
}

/// Where requirements must show up: in a ticket, and in a scenario.
#[derive(Clone, Copy)]
enum Coverage {
    Tickets,
    Scenarios,
}

impl Coverage {
    fn covers(self, artifact: &str) -> bool {
        match self {
            Coverage::Tickets => artifact == "tickets/tickets.md",
            Coverage::Scenarios => artifact.ends_with(".feature"),
        }
    }

    /// The requirement ids a file covers: anywhere in a ticket, only in the tags of a scenario
    /// (a comment naming a requirement tests nothing).
    fn ids(self, text: &str) -> BTreeSet<String> {
        match self {
            Coverage::Tickets => requirement_ids(text),
            Coverage::Scenarios => {
                let tags: String =
                    text.lines().map(str::trim_start).filter(|l| l.starts_with('@')).collect::<Vec<_>>().join("\n");
                requirement_ids(&tags)
            }
        }
    }

    fn describe(self) -> (Code, &'static str, &'static str) {
        match self {
            Coverage::Tickets => (Code::RequirementWithoutTicket, "no ticket", "tickets"),
            Coverage::Scenarios => (Code::RequirementWithoutScenario, "no scenario", "gherkin"),
        }
    }
}

/// Every `REQ-<key>-<n>` in a text.
pub fn requirement_ids(text: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(pos) = text[start..].find("REQ-") {
        let begin = start + pos;
        let mut end = begin + 4;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'_' | b'.' | b'-')) {
            end += 1;
        }
        // A trailing dot ends a sentence, not the id.
        let id = text[begin..end].trim_end_matches(['.', '-']);
        if id.rsplit_once('-').is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) {
            ids.insert(id.to_owned());
        }
        start = end.max(begin + 4);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::requirement_ids;

    #[test]
    fn finds_requirement_ids_in_prose_tags_and_lists() {
        let ids =
            requirement_ids("Covers: REQ-auth.signup-1, REQ-data.entities-12.\n@REQ-ui.a11y-2\nREQ-nope and REQ-x-");
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert_eq!(ids, ["REQ-auth.signup-1", "REQ-data.entities-12", "REQ-ui.a11y-2"]);
    }
}
