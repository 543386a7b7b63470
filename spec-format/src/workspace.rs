//! Loading a repository's spec files (already read into memory) into projects.
//!
//! The caller reads the files — from a directory, a git tree, a host API — and hands them over
//! as paths and bytes; nothing here touches the file system.

use crate::document::{self, Outcome, Parsed};
use crate::facts::{Contribution, FactIndex, PlacedRule};
use crate::finding::{Code, Finding, Location};
use crate::ident::is_slug;
use crate::model::decision::DECISION_FIELDS;
use crate::model::project::PROJECT_FIELDS;
use crate::model::{Decision, Manifest, Project, RulesFile, Template};
use crate::value::Facts;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// One file of the repository: its path relative to the repository root (with `/`), and bytes.
#[derive(Clone, Debug)]
pub struct RepoFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl RepoFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        RepoFile { path: path.into(), bytes: bytes.into() }
    }
}

/// Where the spec files live in a repository.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The directory holding one folder per project (`specs` unless `.specbuilder.toml` says otherwise).
    pub specs_dir: String,
}

impl Default for Layout {
    fn default() -> Self {
        Layout { specs_dir: "specs".to_owned() }
    }
}

pub const REPO_RULES: &str = ".specbuilder/rules.yaml";
pub const REPO_TEMPLATES: &str = ".specbuilder/templates/";

/// Every project of a repository, parsed, plus the repository-wide rules and templates.
#[derive(Debug, Default)]
pub struct Workspace {
    pub projects: Vec<ProjectSpec>,
    pub repo_rules: Vec<PlacedRule>,
    pub templates: BTreeMap<String, LoadedTemplate>,
    /// Templates from outside the repository (the built-ins), used when the repository has
    /// none of that id. Not linted here: they are the caller's.
    pub provided_templates: BTreeMap<String, LoadedTemplate>,
    /// Problems found while loading repository-level files.
    pub findings: Vec<Finding>,
}

/// A template with its rules and questions placed at their lines.
#[derive(Clone, Debug)]
pub struct LoadedTemplate {
    pub template: Parsed<Template>,
    pub rules: Vec<PlacedRule>,
    /// Line of each question's `key:`, in the order of `template.questions`.
    pub question_lines: Vec<usize>,
}

impl LoadedTemplate {
    /// Parses a template file and places its rules and questions.
    pub fn parse(path: &str, bytes: &[u8]) -> (Option<LoadedTemplate>, Vec<Finding>) {
        let Outcome { parsed, findings } = parse_template(path, bytes);
        let loaded = parsed.map(|template| {
            let text = String::from_utf8_lossy(bytes);
            let rules = place_rules(path, &text, template.value.rules.clone());
            let mut key_lines = value_lines(&text, "key");
            let question_lines = (template.value.questions.iter())
                .map(|q| key_lines.get_mut(q.key.as_str()).and_then(VecDeque::pop_front).unwrap_or(1))
                .collect();
            LoadedTemplate { template, rules, question_lines }
        });
        (loaded, findings)
    }
}

/// One project folder, `<specs_dir>/<slug>/`.
#[derive(Debug, Default)]
pub struct ProjectSpec {
    pub slug: String,
    pub dir: String,
    pub project: Option<Parsed<Project>>,
    /// Decisions that parsed, sorted by file path.
    pub decisions: Vec<DecisionDoc>,
    pub rules: Vec<PlacedRule>,
    pub manifest: Option<Parsed<Manifest>>,
    /// Line of each artifact's entry in the manifest.
    pub manifest_lines: BTreeMap<String, usize>,
    /// Artifact file name (relative to `artifacts/`) -> sha256 of its content.
    pub artifacts: BTreeMap<String, String>,
    /// Problems found while loading this project's files.
    pub findings: Vec<Finding>,
}

/// A parsed decision with what the validator derives from it once.
#[derive(Debug, Serialize, Deserialize)]
pub struct DecisionDoc {
    pub doc: Parsed<Decision>,
    /// The file name without `.md`: what the key must equal.
    pub file_key: String,
    /// The facts it asserts (its own, or its chosen options').
    pub facts: Facts,
    /// sha256 of the file, computed when the project has a manifest to compare against.
    pub sha256: Option<String>,
}

impl DecisionDoc {
    pub fn decision(&self) -> &Decision {
        &self.doc.value
    }

    pub fn path(&self) -> &str {
        &self.doc.path
    }

    pub fn contribution(&self) -> Contribution<'_> {
        Contribution { key: &self.doc.value.key, path: &self.doc.path, facts: &self.facts, lines: &self.doc.lines }
    }

    /// A decision as parsed from `bytes`; hashed when the project keeps a manifest.
    fn new(doc: Parsed<Decision>, bytes: &[u8], hash: bool) -> DecisionDoc {
        let file_key = doc.path.rsplit('/').next().unwrap_or_default().trim_end_matches(".md").to_owned();
        DecisionDoc { facts: doc.value.effective_facts(), sha256: hash.then(|| sha256_hex(bytes)), file_key, doc }
    }
}

/// What writing one decision file did to a project.
#[derive(Debug, PartialEq, Eq)]
pub enum Put {
    /// A decision that was not there before.
    Added,
    /// In place of the decision at that path (or it no longer parses, and is gone).
    Replaced,
}

impl ProjectSpec {
    /// The project as it is once `file`, one of its decisions, is written: only that file is
    /// parsed, and it takes its place in path order. A file that does not parse leaves the
    /// project without it, with its findings, as loading would.
    pub fn put_decision(&mut self, file: &RepoFile) -> Put {
        let Outcome { parsed, findings } = parse_decision(&file.path, &file.bytes);
        self.findings.retain(|f| f.path != file.path);
        self.findings.extend(findings);
        let doc = parsed.map(|doc| DecisionDoc::new(doc, &file.bytes, self.manifest.is_some()));
        match (self.decisions.binary_search_by(|d| d.doc.path.as_str().cmp(&file.path)), doc) {
            (Ok(i), Some(doc)) => {
                self.decisions[i] = doc;
                Put::Replaced
            }
            (Ok(i), None) => {
                self.decisions.remove(i);
                Put::Replaced
            }
            (Err(i), Some(doc)) => {
                self.decisions.insert(i, doc);
                Put::Added
            }
            (Err(_), None) => Put::Added,
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// Parses one decision file.
pub fn parse_decision(path: &str, bytes: &[u8]) -> Outcome<Decision> {
    parse_with_body(path, bytes, DECISION_FIELDS, |d: &mut Decision| &mut d.body)
}

/// Parses one `project.md`.
pub fn parse_project(path: &str, bytes: &[u8]) -> Outcome<Project> {
    parse_with_body(path, bytes, PROJECT_FIELDS, |p: &mut Project| &mut p.body)
}

/// A Markdown document whose body (after the front matter) is kept in one of its fields.
fn parse_with_body<T: serde::de::DeserializeOwned>(
    path: &str,
    bytes: &[u8],
    fields: &[&str],
    body_of: fn(&mut T) -> &mut String,
) -> Outcome<T> {
    let Outcome { parsed, findings } = document::parse_markdown::<T>(path, bytes, fields);
    let parsed = parsed.map(|p| {
        let (mut value, body) = p.value;
        *body_of(&mut value) = body;
        Parsed { path: p.path, value, lines: p.lines }
    });
    Outcome { parsed, findings }
}

/// Parses a rules file into rules placed at their lines.
pub fn parse_rules(path: &str, bytes: &[u8]) -> (Vec<PlacedRule>, Vec<Finding>) {
    let Outcome { parsed, findings } = document::parse_yaml::<RulesFile>(path, bytes, &["rules"]);
    let text = String::from_utf8_lossy(bytes);
    let rules = parsed.map_or_else(Vec::new, |p| place_rules(path, &text, p.value.rules));
    (rules, findings)
}

/// Parses a template file.
pub fn parse_template(path: &str, bytes: &[u8]) -> Outcome<Template> {
    document::parse_yaml::<Template>(
        path,
        bytes,
        &["id", "name", "version", "description", "questions", "rules", "artifacts"],
    )
}

fn place_rules(path: &str, text: &str, rules: Vec<crate::model::Rule>) -> Vec<PlacedRule> {
    let mut id_lines = value_lines(text, "id");
    rules
        .into_iter()
        .map(|rule| {
            let line = id_lines.get_mut(rule.id.as_str()).and_then(VecDeque::pop_front).unwrap_or(1);
            PlacedRule { at: Location::new(path, line), rule }
        })
        .collect()
}

/// The lines where `field: <value>` is written (also as `- field: <value>`), per value, in
/// order: one pass over the text, and a duplicate value keeps its own line.
fn value_lines<'t>(text: &'t str, field: &str) -> HashMap<&'t str, VecDeque<usize>> {
    let mut lines: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start().trim_start_matches("- ").trim_start();
        if let Some(value) = line.strip_prefix(field).and_then(|rest| rest.strip_prefix(':')) {
            lines.entry(value.trim().trim_matches(['"', '\''])).or_default().push_back(i + 1);
        }
    }
    lines
}

/// The 1-based line of the first line matching `pred`, else 1.
fn line_where(text: &str, pred: impl Fn(&str) -> bool) -> usize {
    text.lines().position(pred).map_or(1, |i| i + 1)
}

/// The files of one project folder, sorted by role.
#[derive(Default)]
struct ProjectFiles<'a> {
    project: Option<&'a RepoFile>,
    rules: Option<&'a RepoFile>,
    manifest: Option<&'a RepoFile>,
    decisions: Vec<&'a RepoFile>,
    artifacts: Vec<(&'a str, &'a RepoFile)>,
}

impl Workspace {
    /// Groups the files into projects and parses them (decisions in parallel).
    pub fn load(files: &[RepoFile], layout: &Layout) -> Workspace {
        Workspace::load_keeping(files, layout, &mut HashMap::new())
    }

    /// [`Workspace::load`], taking the decisions in `kept` (by path) as already parsed: the
    /// caller vouches that each was parsed from the bytes its file holds now, without findings.
    pub fn load_keeping(files: &[RepoFile], layout: &Layout, kept: &mut HashMap<String, DecisionDoc>) -> Workspace {
        let mut ws = Workspace::default();
        let prefix = format!("{}/", layout.specs_dir.trim_end_matches('/'));
        let mut groups: BTreeMap<&str, ProjectFiles<'_>> = BTreeMap::new();
        for file in files {
            if file.path == REPO_RULES {
                let (rules, findings) = parse_rules(&file.path, &file.bytes);
                ws.repo_rules = rules;
                ws.findings.extend(findings);
            } else if file.path.starts_with(REPO_TEMPLATES) && file.path.ends_with(".yaml") {
                let (loaded, findings) = LoadedTemplate::parse(&file.path, &file.bytes);
                ws.findings.extend(findings);
                if let Some(loaded) = loaded {
                    ws.templates.insert(loaded.template.value.id.clone(), loaded);
                }
            } else if let Some(rest) = file.path.strip_prefix(&prefix) {
                let Some((slug, inner)) = rest.split_once('/') else {
                    continue;
                };
                let group = groups.entry(slug).or_default();
                match inner {
                    "project.md" => group.project = Some(file),
                    "rules.yaml" => group.rules = Some(file),
                    "artifacts/manifest.json" => group.manifest = Some(file),
                    _ => {
                        if let Some(name) = inner.strip_prefix("decisions/") {
                            if name.ends_with(".md") && !name.contains('/') {
                                group.decisions.push(file);
                            } else {
                                ws.findings.push(Finding::new(
                                    Code::IgnoredFile,
                                    &file.path,
                                    0,
                                    "not a decision file: `decisions/` holds only `<key>.md` files",
                                ));
                            }
                        } else if let Some(name) = inner.strip_prefix("artifacts/") {
                            group.artifacts.push((name, file));
                        }
                    }
                }
            }
        }
        ws.projects = groups.into_iter().map(|(slug, files)| load_project(&prefix, slug, files, kept)).collect();
        ws
    }

    /// The rules that apply to `project`: the repository's, its template's, and its own.
    ///
    /// The more specific source wins: a project rule replaces a repository or template rule
    /// with the same id, and a repository rule replaces a template rule. That is how a team
    /// relaxes or tightens a built-in rule without copying the template.
    pub fn rules_for(&self, project: &ProjectSpec) -> Vec<PlacedRule> {
        let template = project.project.as_ref().and_then(|p| p.value.template.as_deref());
        let template_rules = template.and_then(|id| self.template(id)).map_or(&[][..], |t| &t.rules);
        let mut merged: Vec<PlacedRule> = Vec::new();
        for source in [template_rules, &self.repo_rules, &project.rules] {
            let earlier = merged.len();
            for rule in source {
                match merged[..earlier].iter().position(|r| r.rule.id == rule.rule.id) {
                    Some(i) => merged[i] = rule.clone(),
                    None => merged.push(rule.clone()),
                }
            }
        }
        merged
    }

    /// The fact index of a project: what a new answer is checked against.
    pub fn fact_index(&self, project: &ProjectSpec) -> FactIndex {
        let mut index = FactIndex::new(self.rules_for(project));
        for d in project.decisions.iter().filter(|d| d.decision().status.is_in_force()) {
            index.add(&d.contribution());
        }
        index
    }

    /// The template of that id: the repository's own, else a provided one.
    pub fn template(&self, id: &str) -> Option<&LoadedTemplate> {
        self.templates.get(id).or_else(|| self.provided_templates.get(id))
    }

    /// Makes a template from outside the repository available to projects that name it.
    pub fn provide_template(&mut self, template: LoadedTemplate) {
        self.provided_templates.insert(template.template.value.id.clone(), template);
    }

    pub fn project(&self, slug: &str) -> Option<&ProjectSpec> {
        self.projects.iter().find(|p| p.slug == slug)
    }

    pub fn project_mut(&mut self, slug: &str) -> Option<&mut ProjectSpec> {
        self.projects.iter_mut().find(|p| p.slug == slug)
    }
}

fn load_project(
    prefix: &str,
    slug: &str,
    files: ProjectFiles<'_>,
    kept: &mut HashMap<String, DecisionDoc>,
) -> ProjectSpec {
    let dir = format!("{prefix}{slug}");
    let mut spec = ProjectSpec { slug: slug.to_owned(), dir: dir.clone(), ..ProjectSpec::default() };
    if !is_slug(slug) {
        spec.findings.push(
            Finding::new(Code::BadSlug, &dir, 0, format!("`{slug}` is not a valid project slug"))
                .help("use lowercase letters, digits and `-`, starting with a letter or digit, at most 63 characters"),
        );
    }
    match files.project {
        Some(file) => {
            let Outcome { parsed, findings } = parse_project(&file.path, &file.bytes);
            spec.project = parsed;
            spec.findings.extend(findings);
        }
        None => spec.findings.push(
            Finding::new(
                Code::MissingProject,
                format!("{dir}/project.md"),
                0,
                format!("project `{slug}` has no project.md"),
            )
            .help("create project.md with at least a `name` in its front matter"),
        ),
    }
    if let Some(file) = files.rules {
        let (rules, findings) = parse_rules(&file.path, &file.bytes);
        spec.rules = rules;
        spec.findings.extend(findings);
    }
    if let Some(file) = files.manifest {
        let Outcome { parsed, findings } = document::parse_json::<Manifest>(&file.path, &file.bytes);
        spec.findings.extend(findings);
        if let Some(manifest) = &parsed {
            let text = String::from_utf8_lossy(&file.bytes);
            for name in manifest.value.artifacts.keys() {
                let quoted = format!("\"{name}\"");
                spec.manifest_lines.insert(name.clone(), line_where(&text, |l| l.contains(&quoted)));
            }
        }
        spec.manifest = parsed;
    }
    spec.artifacts = files.artifacts.iter().map(|(name, f)| ((*name).to_owned(), sha256_hex(&f.bytes))).collect();

    let hash = spec.manifest.is_some();
    let (mut to_parse, mut reused) = (Vec::new(), Vec::new());
    for file in &files.decisions {
        match kept.remove(&file.path) {
            Some(doc) => reused.push(doc),
            None => to_parse.push(*file),
        }
    }
    spec.decisions = reused;
    let parsed: Vec<(Option<DecisionDoc>, Vec<Finding>)> = to_parse
        .par_iter()
        .map(|file| {
            let Outcome { parsed, findings } = parse_decision(&file.path, &file.bytes);
            (parsed.map(|doc| DecisionDoc::new(doc, &file.bytes, hash)), findings)
        })
        .collect();
    for (doc, findings) in parsed {
        spec.decisions.extend(doc);
        spec.findings.extend(findings);
    }
    spec.decisions.sort_by(|a, b| a.doc.path.cmp(&b.doc.path));
    spec
}
