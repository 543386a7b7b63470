//! `specbuilder template list|show|lint`: the question templates a repository can use.

use super::Outcome;
use super::repo::Repo;
use crate::engine::{Catalog, TemplateSource};
use crate::report;
use clap::{Args, Subcommand};
use spec_format::validate::template::lint;
use spec_format::{Summary, finding::sort_findings};
use std::fmt::Write;
use std::path::PathBuf;

/// Question templates: the built-ins, and the repository's own in .specbuilder/templates/
/// (which replace a built-in of the same id).
#[derive(Debug, Args)]
pub struct TemplateArgs {
    #[command(subcommand)]
    pub command: TemplateCommand,

    /// The repository directory.
    #[arg(long, global = true, default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// List every template with its size and where it comes from.
    List,
    /// Show a template's questions, options and rules.
    Show {
        /// The template id, e.g. saas-web.
        id: String,
    },
    /// Check every template: duplicates, dangling references, unreachable questions,
    /// options that contradict the rules. Exit 1 when one has errors.
    Lint,
}

pub fn run(args: TemplateArgs) -> anyhow::Result<Outcome> {
    let repo = Repo::load(&args.dir, None)?;
    let catalog = Catalog::for_workspace(&repo.workspace);
    match args.command {
        TemplateCommand::List => {
            println!("{:<20} {:>9} {:>5}  {:<40} source", "id", "questions", "rules", "name");
            for (loaded, source) in catalog.iter() {
                let t = &loaded.template.value;
                println!(
                    "{:<20} {:>9} {:>5}  {:<40} {}",
                    t.id,
                    t.questions.len(),
                    t.rules.len(),
                    t.name,
                    describe(&source)
                );
            }
            for broken in catalog.broken() {
                let errors = broken.findings.len();
                let what = format!("BROKEN: {errors} error{}", if errors == 1 { "" } else { "s" });
                println!("{:<20} {:>9} {:>5}  {:<40} {}", broken.id, "-", "-", what, broken.path);
            }
            Ok(Outcome::Clean)
        }
        TemplateCommand::Show { id } => {
            let loaded = catalog.get(&id).ok_or_else(|| anyhow::anyhow!("{}", catalog.missing(&id)))?;
            print!("{}", show(&loaded.template.value));
            Ok(Outcome::Clean)
        }
        TemplateCommand::Lint => {
            let mut findings = catalog.findings();
            findings.extend(catalog.broken().flat_map(|b| b.findings.iter().cloned()));
            for (loaded, _) in catalog.iter() {
                findings.extend(lint(loaded));
            }
            sort_findings(&mut findings);
            let sources = repo.snapshot.files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())).collect();
            let scope = report::TextScope { sources: &sources, projects: 0, decisions: 0 };
            if findings.is_empty() {
                let count = catalog.ids().count();
                println!("ok: {count} template{}, no findings", if count == 1 { "" } else { "s" });
            } else {
                anstream::print!("{}", report::text(&findings, &scope));
            }
            Ok(if Summary::of(&findings).errors > 0 { Outcome::Errors } else { Outcome::Clean })
        }
    }
}

fn describe(source: &TemplateSource) -> String {
    match source {
        TemplateSource::BuiltIn => "built-in".to_owned(),
        TemplateSource::Repository(path) => path.clone(),
    }
}

/// "4 requirements, 2 operations, 1 table" for what a question or option implies.
fn implied_summary(blocks: &[spec_format::model::Implication]) -> Option<String> {
    let count = |f: fn(&spec_format::model::Implication) -> usize| blocks.iter().map(f).sum::<usize>();
    let parts: Vec<String> = [
        (count(|b| b.requirements.len()), "requirement"),
        (count(|b| b.nfrs.len()), "non-functional requirement"),
        (count(|b| b.operations.len()), "operation"),
        (count(|b| b.tables.len()), "table"),
        (count(|b| b.screens.len()), "screen"),
        (count(|b| b.jobs.len()), "job"),
        (count(|b| b.notifications.len()), "notification"),
        (count(|b| b.config.len()), "setting"),
        (count(|b| b.tasks.len()), "task"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
    .collect();
    let conditional = if blocks.iter().any(|b| !b.when.is_empty()) { " (some only with other answers)" } else { "" };
    (!parts.is_empty()).then(|| format!("{}{conditional}", parts.join(", ")))
}

fn show(t: &spec_format::model::Template) -> String {
    let mut out = format!("{} — {} (version {})\n", t.id, t.name, t.version);
    if let Some(description) = &t.description {
        let _ = writeln!(out, "{description}");
    }
    for q in &t.questions {
        let depths: Vec<String> = q.depths.iter().map(|d| format!("{d:?}").to_lowercase()).collect();
        let _ = writeln!(out, "\n{} [{}; priority {}; {}]", q.key, q.category, q.priority, depths.join("/"));
        let _ = writeln!(out, "  {}", q.text);
        if let Some(why) = &q.why {
            let _ = writeln!(out, "  why: {why}");
        }
        if let Some(summary) = implied_summary(&q.implies) {
            let _ = writeln!(out, "  whatever the answer: {summary}");
        }
        for (i, o) in q.options.iter().enumerate() {
            let default = if q.default.as_ref().is_some_and(|d| d.chosen_ids().contains(&o.id.as_str())) {
                " (default)"
            } else {
                ""
            };
            let _ = writeln!(out, "  {}. {} [{}]{default}", i + 1, o.label, o.id);
            if let Some(summary) = implied_summary(&o.implies) {
                let _ = writeln!(out, "     implies {summary}");
            }
        }
    }
    let _ = writeln!(out, "\nrules:");
    for r in &t.rules {
        let _ = writeln!(out, "  {}: {}", r.id, r.message);
    }
    let _ = writeln!(out, "\nartifacts:");
    for (artifact, needs) in &t.artifacts {
        let _ = writeln!(out, "  {artifact}: needs {}", needs.requires.join(", "));
    }
    out
}
