//! The templates a repository can use: the built-ins embedded in the binary, overridden by
//! id from `.specbuilder/templates/`.

use spec_format::workspace::LoadedTemplate;
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

/// Every template by id.
#[derive(Debug, Default)]
pub struct Catalog {
    templates: BTreeMap<String, (LoadedTemplate, TemplateSource)>,
    /// Problems with the built-ins themselves; empty unless the binary was built broken.
    pub findings: Vec<Finding>,
}

impl Catalog {
    /// The built-ins alone, parsed once per process.
    pub fn built_in() -> Catalog {
        static PARSED: OnceLock<(Vec<LoadedTemplate>, Vec<Finding>)> = OnceLock::new();
        let (templates, findings) = PARSED.get_or_init(|| {
            let mut templates = Vec::new();
            let mut findings = Vec::new();
            for (id, yaml) in BUILT_IN {
                let (loaded, problems) = LoadedTemplate::parse(&format!("builtin:{id}.yaml"), yaml.as_bytes());
                findings.extend(problems);
                templates.extend(loaded);
            }
            (templates, findings)
        });
        let templates =
            templates.iter().map(|t| (t.template.value.id.clone(), (t.clone(), TemplateSource::BuiltIn))).collect();
        Catalog { templates, findings: findings.clone() }
    }

    /// The built-ins, then the repository's templates, which replace built-ins of the same id.
    pub fn for_workspace(ws: &Workspace) -> Catalog {
        let mut catalog = Catalog::built_in();
        for (id, loaded) in &ws.templates {
            let source = TemplateSource::Repository(loaded.template.path.clone());
            catalog.templates.insert(id.clone(), (loaded.clone(), source));
        }
        catalog
    }

    pub fn get(&self, id: &str) -> Option<&LoadedTemplate> {
        self.templates.get(id).map(|(t, _)| t)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&LoadedTemplate, &TemplateSource)> {
        self.templates.values().map(|(t, s)| (t, s))
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.templates.keys().map(String::as_str)
    }

    /// Hands the built-ins to a workspace, so projects naming one are held to its rules.
    pub fn provide_built_ins(ws: &mut Workspace) {
        for (loaded, source) in Catalog::built_in().templates.into_values() {
            debug_assert_eq!(source, TemplateSource::BuiltIn);
            ws.provide_template(loaded);
        }
    }
}
