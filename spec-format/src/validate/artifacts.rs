//! Artifacts against their manifest: stale, hand-edited, missing and unlisted files.

use crate::finding::{Code, Finding, Location};
use crate::workspace::ProjectSpec;
use std::collections::HashMap;

pub const MANIFEST: &str = "manifest.json";

pub fn check(project: &ProjectSpec, out: &mut Vec<Finding>) {
    let Some(manifest) = &project.manifest else {
        for name in project.artifacts.keys() {
            out.push(unlisted(project, name));
        }
        return;
    };
    let manifest_path = &manifest.path;
    let decisions: HashMap<&str, _> = project.decisions.iter().map(|d| (d.decision().key.as_str(), d)).collect();
    for (name, entry) in &manifest.value.artifacts {
        let entry_line = project.manifest_lines.get(name).copied().unwrap_or(1);
        let artifact_path = format!("{}/artifacts/{name}", project.dir);
        if name.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
            out.push(Finding::new(
                Code::InvalidField,
                manifest_path,
                entry_line,
                format!("artifact name `{name}` must be a plain relative path inside artifacts/"),
            ));
            continue;
        }
        let Some(actual) = project.artifacts.get(name) else {
            out.push(
                Finding::new(
                    Code::MissingArtifact,
                    manifest_path,
                    entry_line,
                    format!("artifact `{name}` is in the manifest but not on disk"),
                )
                .help("regenerate it, or remove its manifest entry"),
            );
            continue;
        };
        if !actual.eq_ignore_ascii_case(&entry.content_sha256) {
            out.push(
                Finding::new(
                    Code::HandEditedArtifact,
                    &artifact_path,
                    0,
                    format!("`{name}` was edited by hand since it was generated"),
                )
                .related(Location::new(manifest_path, entry_line).with_message("generated content hash")),
            );
        }
        let mut changes = Vec::new();
        let mut related = Vec::new();
        for (key, hash) in &entry.based_on {
            match decisions.get(key.as_str()) {
                None => changes.push(format!("`{key}` was removed")),
                Some(d) if d.sha256.as_deref().is_some_and(|h| !h.eq_ignore_ascii_case(hash)) => {
                    changes.push(format!("`{key}` changed"));
                    related.push(Location::new(d.path(), d.doc.lines.start));
                }
                Some(_) => {}
            }
        }
        if !changes.is_empty() {
            let mut finding = Finding::new(
                Code::StaleArtifact,
                &artifact_path,
                0,
                format!("`{name}` is stale: {} since it was generated", changes.join(", ")),
            )
            .help(format!("regenerate it with `specbuilder generate {}`", entry.kind));
            finding.related = related;
            out.push(finding);
        }
    }
    for name in project.artifacts.keys().filter(|n| !manifest.value.artifacts.contains_key(*n)) {
        out.push(unlisted(project, name));
    }
}

fn unlisted(project: &ProjectSpec, name: &str) -> Finding {
    Finding::new(
        Code::UnlistedArtifact,
        format!("{}/artifacts/{name}", project.dir),
        0,
        format!("`{name}` has no entry in artifacts/{MANIFEST}, so nothing traces it to decisions"),
    )
}
