//! Delivering artifacts: the files and manifest a generation commits (never silently over a
//! hand edit), what `export` hands out, and version diffs from git history.

pub mod diff;
pub mod export;
pub mod issues;

use crate::conversation::Session;
use crate::generate::spec::{OpenQuestion, Overview};
use crate::generate::{self, Artifact, GENERATOR_VERSION, Gaps, Spec, Target};
use crate::store;
use similar::TextDiff;
use spec_format::RepoFile;
use spec_format::model::Template;
use spec_format::model::manifest::{ArtifactEntry, Manifest};
use spec_format::workspace::{ProjectSpec, sha256_hex};
use std::collections::BTreeMap;

/// What a generation writes: artifact files and the updated manifest, repository-relative.
pub struct Delivery {
    pub files: Vec<(String, Vec<u8>)>,
    /// Artifacts whose hand edits `--force` replaced (their old text stays in git history).
    pub replaced_edits: Vec<String>,
    /// Artifacts whose content did not change.
    pub unchanged: Vec<String>,
}

/// Regeneration would replace hand edits: the diff from the edited file to the new one, per file.
pub struct Refusal {
    pub diffs: Vec<(String, String)>,
}

/// Plans the commit of `artifacts` into `project`: fills in each artifact's `based_on` hashes
/// from the decision files, refuses (unless `force`) where a file was edited by hand and would
/// change, and merges the manifest entries with the existing ones.
pub fn prepare(
    project: &ProjectSpec,
    files: &[RepoFile],
    mut artifacts: Vec<Artifact>,
    force: bool,
    now: &str,
) -> Result<Delivery, Refusal> {
    let by_path: BTreeMap<&str, &[u8]> = files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())).collect();
    let decision_paths: BTreeMap<&str, &str> =
        project.decisions.iter().map(|d| (d.decision().key.as_str(), d.path())).collect();
    for artifact in &mut artifacts {
        for (key, hash) in &mut artifact.based_on {
            if hash.is_empty()
                && let Some(bytes) = decision_paths.get(key.as_str()).and_then(|p| by_path.get(p))
            {
                *hash = sha256_hex(bytes);
            }
        }
    }
    let mut manifest: Manifest = project.manifest.as_ref().map(|m| m.value.clone()).unwrap_or_default();
    let (mut out, mut diffs, mut replaced, mut unchanged) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for artifact in artifacts {
        let path = format!("{}/artifacts/{}", project.dir, artifact.name);
        let content_sha256 = sha256_hex(&artifact.bytes);
        if let Some(current) = by_path.get(path.as_str()) {
            let current_sha = sha256_hex(current);
            let recorded = manifest.artifacts.get(&artifact.name).map(|e| e.content_sha256.as_str());
            let hand_edited = recorded != Some(current_sha.as_str());
            if current_sha == content_sha256 {
                unchanged.push(artifact.name.clone());
            } else if hand_edited && !force {
                diffs.push((path.clone(), unified(&path, current, &artifact.bytes)));
                continue;
            } else if hand_edited {
                replaced.push(artifact.name.clone());
            }
        }
        let previous = manifest.artifacts.get(&artifact.name);
        // An unchanged artifact keeps its generation time, so regenerating changes nothing.
        let generated_at = match previous {
            Some(entry) if entry.content_sha256 == content_sha256 && entry.based_on == artifact.based_on => {
                entry.generated_at.clone()
            }
            _ => now.to_owned(),
        };
        manifest.artifacts.insert(
            artifact.name.clone(),
            ArtifactEntry {
                kind: artifact.target.as_str().to_owned(),
                format: artifact.format.to_owned(),
                generator: format!("template:{}@{GENERATOR_VERSION}", artifact.target),
                model: artifact.model,
                generated_at,
                content_sha256,
                based_on: artifact.based_on,
            },
        );
        out.push((path, artifact.bytes));
    }
    if !diffs.is_empty() {
        return Err(Refusal { diffs });
    }
    out.push((
        format!("{}/artifacts/manifest.json", project.dir),
        spec_format::write::manifest(&manifest).into_bytes(),
    ));
    Ok(Delivery { files: out, replaced_edits: replaced, unchanged })
}

/// A unified diff of two versions of a file; binary files are described, not diffed.
pub fn unified(path: &str, old: &[u8], new: &[u8]) -> String {
    match (std::str::from_utf8(old), std::str::from_utf8(new)) {
        (Ok(old), Ok(new)) => TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string(),
        _ => format!("Binary file {path} differs ({} -> {} bytes)\n", old.len(), new.len()),
    }
}

/// What became of a generation.
pub enum Generated {
    /// Planned and ready to write (what [`plan`] returns when all is well).
    Ready(Delivery),
    /// Committed to the project branch.
    Committed { id: gix::ObjectId, delivery: Delivery },
    /// Written to the working tree (a project without a branch).
    Written(Delivery),
    /// Nothing to write: every artifact is as generated already.
    UpToDate(Delivery),
    /// Decisions are missing for these targets (and `--partial` was not given).
    Blocked(Vec<(Target, Vec<OpenQuestion>)>),
    /// Hand-edited artifacts would change (and `--force` was not given).
    Refused(Refusal),
}

/// The targets a project asks for: its `targets`, else every target its template describes,
/// else all.
pub fn default_targets(project: &ProjectSpec, template: Option<&Template>) -> Vec<Target> {
    let head = project.project.as_ref().map(|p| &p.value);
    let named: Vec<Target> =
        head.map(|p| p.targets.iter().filter_map(|t| Target::parse(t)).collect()).unwrap_or_default();
    if !named.is_empty() {
        return named;
    }
    match template {
        Some(template) => Target::ALL.into_iter().filter(|t| template.artifacts.contains_key(t.as_str())).collect(),
        // A change plan is about changing existing code: only templates that say so get one.
        None => Target::ALL.into_iter().filter(|t| *t != Target::ChangePlan).collect(),
    }
}

/// The analysis of the code recorded with a brownfield project, if there is one.
fn codebase(project: &ProjectSpec, files: &[RepoFile]) -> anyhow::Result<Option<crate::analyze::Analysis>> {
    let path = format!("{}/codebase/analysis.json", project.dir);
    let Some(file) = files.iter().find(|f| f.path == path) else { return Ok(None) };
    let analysis = serde_json::from_slice(&file.bytes)
        .map_err(|e| anyhow::anyhow!("{path}:{}: not an analysis from `specbuilder analyze`: {e}", e.line()))?;
    Ok(Some(analysis))
}

/// What to generate, and how.
pub struct Request<'a> {
    pub targets: &'a [Target],
    /// Generate targets whose required decisions are missing, with the gaps marked.
    pub partial: bool,
    /// Replace hand-edited artifacts.
    pub force: bool,
    /// Model-written PRD prose, if a model was asked.
    pub overview: Option<Overview>,
}

/// Generates the requested targets of `project` (whose repository files are `files`), checks
/// each artifact with its parser, and plans the files to write with the manifest. Writes nothing.
pub fn plan(
    project: &ProjectSpec,
    template: Option<&Template>,
    files: &[RepoFile],
    request: Request<'_>,
) -> anyhow::Result<Generated> {
    let mut spec = Spec::new(project, template).map_err(|e| anyhow::anyhow!(e))?;
    spec.overview = request.overview;
    if request.targets.contains(&Target::ChangePlan) {
        let brownfield =
            project.project.as_ref().is_some_and(|p| p.value.kind == spec_format::model::ProjectKind::Brownfield)
                || template.is_some_and(|t| t.artifacts.contains_key(Target::ChangePlan.as_str()));
        if !brownfield {
            anyhow::bail!(
                "a change plan is for changing existing code: `{}` is a greenfield project. \
                 Start a brownfield project (`specbuilder new <slug> --template brownfield-change`) to plan a change.",
                project.slug
            );
        }
        spec.codebase = codebase(project, files)?;
    }
    let mut blocked = Vec::new();
    let mut artifacts = Vec::new();
    for &target in request.targets {
        let blockers = spec.blockers(target.as_str());
        if !blockers.is_empty() && !request.partial {
            blocked.push((target, blockers));
            continue;
        }
        artifacts.extend(generate::generate(&spec, target, &Gaps(blockers)));
    }
    if !blocked.is_empty() {
        return Ok(Generated::Blocked(blocked));
    }
    for artifact in &artifacts {
        if let Err(e) = crate::verify::verify(&artifact.name, &artifact.bytes) {
            anyhow::bail!(
                "generated `{}` failed its own parser ({}); nothing was written. This is a bug in specbuilder.",
                artifact.name,
                e.message
            );
        }
    }
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let delivery = match prepare(project, files, artifacts, request.force, &now) {
        Ok(delivery) => delivery,
        Err(refusal) => return Ok(Generated::Refused(refusal)),
    };
    let current: BTreeMap<&str, &[u8]> = files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())).collect();
    if delivery.files.iter().all(|(path, bytes)| current.get(path.as_str()) == Some(&bytes.as_slice())) {
        return Ok(Generated::UpToDate(delivery));
    }
    Ok(Generated::Ready(delivery))
}

/// Generates from the branch of `session` and commits the artifacts with the manifest, in one
/// commit with compare-and-swap on the branch.
pub fn generate_on_branch(session: &Session, request: Request<'_>) -> anyhow::Result<Generated> {
    let names: Vec<&str> = request.targets.iter().map(|t| t.as_str()).collect();
    let mut message = format!("spec({}): generate {}", session.slug, names.join(", "));
    let project = session.project()?;
    let delivery = match plan(project, session.template().ok(), &session.snapshot.files, request)? {
        Generated::Ready(delivery) => delivery,
        other => return Ok(other),
    };
    if !delivery.replaced_edits.is_empty() {
        message.push_str(&format!("\n\nReplaced hand edits (kept in history): {}", delivery.replaced_edits.join(", ")));
    }
    let id =
        store::commit_files(&session.repo, &session.branch, session.head, session.head.0, &delivery.files, &message)?;
    Ok(Generated::Committed { id, delivery })
}

/// Writes planned files under `root` (the repository directory the paths are relative to).
pub fn write_to_disk(root: &std::path::Path, delivery: &Delivery) -> anyhow::Result<()> {
    export::write_files(root, delivery.files.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice())))
}
