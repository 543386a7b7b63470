//! The templates a repository can use: the built-ins embedded in the binary, overridden by
//! id from `.specbuilder/templates/`.

use spec_format::workspace::{LoadedTemplate, REPO_TEMPLATES};
use spec_format::{Finding, Workspace};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The built-in templates, embedded at compile time.
const BUILT_IN: &[(&str, &str)] = &[
    ("saas-web", include_str!("templates/saas-web.yaml")),
    ("api-service", include_str!("templates/api-service.yaml")),
    ("cli-tool", include_str!("templates/cli-tool.yaml")),
    ("data-pipeline", include_str!("templates/data-pipeline.yaml")),
    ("mobile-app", include_str!("templates/mobile-app.yaml")),
    ("brownfield-change", include_str!("templates/brownfield-change.yaml")),
];

/// Where a template came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateSource {
    BuiltIn,
    Repository(String),
}

/// Each built-in, parsed on first use and kept for the process: a command reads the one its
/// project names, not all six.
fn built_in_parsed(index: usize) -> &'static (Option<LoadedTemplate>, Vec<Finding>) {
    static PARSED: [OnceLock<(Option<LoadedTemplate>, Vec<Finding>)>; BUILT_IN.len()] =
        [const { OnceLock::new() }; BUILT_IN.len()];
    PARSED[index].get_or_init(|| {
        let (id, yaml) = BUILT_IN[index];
        LoadedTemplate::parse(&format!("builtin:{id}.yaml"), yaml.as_bytes())
    })
}

fn built_in_by_id(id: &str) -> Option<&'static LoadedTemplate> {
    let index = BUILT_IN.iter().position(|(built_in, _)| *built_in == id)?;
    built_in_parsed(index).0.as_ref()
}

/// Every template by id: the repository's, and the built-ins it does not replace.
#[derive(Debug, Default)]
pub struct Catalog {
    repository: BTreeMap<String, LoadedTemplate>,
    /// Repository template files that could not be loaded, by the id their file name gives,
    /// with what is wrong: listed as broken and named when asked for, never left out silently.
    broken: BTreeMap<String, (String, Vec<Finding>)>,
}

/// A repository template that failed to load: where, and its first error.
pub struct Broken<'a> {
    pub id: &'a str,
    pub path: &'a str,
    pub findings: &'a [Finding],
}

impl Broken<'_> {
    /// "template `x` (.specbuilder/templates/x.yaml:7) does not load: ..."
    pub fn describe(&self) -> String {
        let first = self
            .findings
            .first()
            .map_or_else(|| "it does not parse".to_owned(), |f| format!("line {}: {}", f.line, f.message));
        format!(
            "template `{}` ({}) has errors, so it cannot be used: {first}; `specbuilder template lint` lists them all",
            self.id, self.path
        )
    }
}

impl Catalog {
    /// The built-ins alone.
    pub fn built_in() -> Catalog {
        Catalog::default()
    }

    /// The built-ins, then the repository's templates, which replace built-ins of the same id.
    pub fn for_workspace(ws: &Workspace) -> Catalog {
        let mut broken: BTreeMap<String, (String, Vec<Finding>)> = BTreeMap::new();
        let loaded: Vec<&str> = ws.templates.values().map(|t| t.template.path.as_str()).collect();
        for finding in
            ws.findings.iter().filter(|f| f.path.starts_with(REPO_TEMPLATES) && !loaded.contains(&f.path.as_str()))
        {
            let stem = finding.path.rsplit('/').next().unwrap_or_default();
            let id = stem.trim_end_matches(".yaml").trim_end_matches(".yml").to_owned();
            broken.entry(id).or_insert_with(|| (finding.path.clone(), Vec::new())).1.push(finding.clone());
        }
        Catalog { repository: ws.templates.clone(), broken }
    }

    /// The repository templates that failed to load.
    pub fn broken(&self) -> impl Iterator<Item = Broken<'_>> {
        self.broken.iter().map(|(id, (path, findings))| Broken { id, path, findings })
    }

    /// Why `id` is not available: broken in the repository, or unknown (with the known ids).
    pub fn missing(&self, id: &str) -> String {
        match self.broken().find(|b| b.id == id) {
            Some(broken) => broken.describe(),
            None => {
                let known: Vec<&str> = self.ids().collect();
                format!("no template `{id}` (known: {})", known.join(", "))
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<&LoadedTemplate> {
        self.repository.get(id).or_else(|| built_in_by_id(id))
    }

    /// Every template with where it comes from, by id (parses every built-in).
    pub fn iter(&self) -> Vec<(&LoadedTemplate, TemplateSource)> {
        (self.ids())
            .filter_map(|id| match self.repository.get(id) {
                Some(loaded) => Some((loaded, TemplateSource::Repository(loaded.template.path.clone()))),
                None => built_in_by_id(id).map(|loaded| (loaded, TemplateSource::BuiltIn)),
            })
            .collect()
    }

    /// Every template id, sorted, without parsing anything.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        let mut ids: Vec<&str> =
            BUILT_IN.iter().map(|(id, _)| *id).chain(self.repository.keys().map(String::as_str)).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
    }

    /// Problems with the built-ins themselves (parses every one); empty unless the binary was
    /// built broken.
    pub fn findings(&self) -> Vec<Finding> {
        (0..BUILT_IN.len()).flat_map(|i| built_in_parsed(i).1.iter().cloned()).collect()
    }

    /// Hands a workspace the built-ins its projects name (and it does not replace), so those
    /// projects are held to their rules.
    pub fn provide_built_ins(ws: &mut Workspace) {
        let named: Vec<String> = (ws.projects.iter())
            .filter_map(|p| p.project.as_ref().and_then(|h| h.value.template.clone()))
            .filter(|id| !ws.templates.contains_key(id))
            .collect();
        for id in named {
            if let Some(loaded) = built_in_by_id(&id) {
                ws.provide_template(loaded.clone());
            }
        }
    }
}
