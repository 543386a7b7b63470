//! Loading a repository state for a command: configuration, files (disk or a git revision),
//! and the workspace with the built-in templates provided.

use crate::config::Config;
use crate::source::{self, Snapshot};
use clap::Args;
use spec_format::workspace::ProjectSpec;
use spec_format::{Layout, Workspace};
use std::path::{Path, PathBuf};

pub struct Repo {
    pub snapshot: Snapshot,
    pub workspace: Workspace,
    pub layout: Layout,
}

impl Repo {
    /// `dir` on disk, or the revision `rev` of the repository containing it.
    pub fn load(dir: &Path, rev: Option<&str>) -> anyhow::Result<Repo> {
        let config = Config::load(dir)?;
        let layout = Layout { specs_dir: config.specs_dir().to_owned() };
        let snapshot = match rev {
            Some(rev) => source::read_revision(dir, rev, &layout.specs_dir)?,
            None => source::read_dir(dir, &layout.specs_dir)?,
        };
        let workspace = crate::conversation::workspace(&snapshot, &layout);
        Ok(Repo { snapshot, workspace, layout })
    }

    /// The project named `slug`, or the only one when none is named.
    pub fn project(&self, slug: Option<&str>) -> anyhow::Result<&ProjectSpec> {
        let projects = &self.workspace.projects;
        let slugs = || projects.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>().join(", ");
        match slug {
            Some(slug) => self.workspace.project(slug).ok_or_else(|| {
                anyhow::anyhow!("no project `{slug}` under {}/ (projects: {})", self.layout.specs_dir, slugs())
            }),
            None if projects.len() == 1 => Ok(&projects[0]),
            None if projects.is_empty() => anyhow::bail!("no projects under {}/", self.layout.specs_dir),
            None => anyhow::bail!("several projects; pick one with --project ({})", slugs()),
        }
    }
}

/// Which repository state and project a reading command looks at.
#[derive(Debug, Args)]
pub struct ProjectView {
    /// The repository directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The project (needed when the repository has several).
    #[arg(long, value_name = "SLUG")]
    pub project: Option<String>,

    /// Read this git revision (default: the project's branch spec/<slug> if it exists, else the files on disk).
    #[arg(long = "ref", value_name = "REV")]
    pub rev: Option<String>,
}

impl ProjectView {
    /// The revision to read: the one given, else the project's conversation branch, if any.
    pub fn revision(&self) -> Option<String> {
        self.rev.clone().or_else(|| crate::conversation::conversation_ref(&self.dir, self.project.as_deref()))
    }

    pub fn load(&self) -> anyhow::Result<Repo> {
        Repo::load(&self.dir, self.revision().as_deref())
    }
}
