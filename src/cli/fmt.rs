//! `specbuilder fmt`: rewrite spec files in the canonical form the bot writes.

use crate::config::Config;
use crate::source;
use anyhow::Context;
use clap::Args;
use spec_format::workspace::{parse_decision, parse_project};
use spec_format::{Severity, write};
use std::path::{Path, PathBuf};

use super::Outcome;

/// Rewrite decisions and project files in canonical form (fixed field order, sorted facts),
/// so that later commits by the bot change only what changed.
///
/// Files that do not parse are left alone; run `specbuilder check` to see why.
///
/// Exit status with --check: 0 when every file is canonical, 1 otherwise.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct FmtArgs {
    /// The repository directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Only list the files that would change; write nothing.
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: FmtArgs) -> anyhow::Result<Outcome> {
    let config = Config::load(&args.dir)?;
    let snapshot = source::read_dir(&args.dir, config.specs_dir())?;
    let specs = format!("{}/", config.specs_dir());
    let mut changed = Vec::new();
    for file in snapshot.files.iter().filter(|f| f.path.starts_with(&specs)) {
        let canonical = if file.path.ends_with("/project.md") {
            let outcome = parse_project(&file.path, &file.bytes);
            clean(&outcome.findings).then_some(outcome.parsed).flatten().map(|p| write::project(&p.value))
        } else if file.path.contains("/decisions/") && file.path.ends_with(".md") {
            let outcome = parse_decision(&file.path, &file.bytes);
            clean(&outcome.findings).then_some(outcome.parsed).flatten().map(|p| write::decision(&p.value))
        } else {
            None
        };
        let Some(canonical) = canonical.filter(|c| c.as_bytes() != file.bytes.as_slice()) else {
            continue;
        };
        if !args.check {
            let path = args.dir.join(&file.path);
            if path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
                eprintln!("skipped {}: a symlink; format the file it points to", file.path);
                continue;
            }
            write_atomically(&path, canonical.as_bytes())?;
        }
        changed.push(file.path.clone());
    }
    let verb = if args.check { "would reformat" } else { "reformatted" };
    for path in &changed {
        println!("{verb} {path}");
    }
    Ok(if args.check && !changed.is_empty() { Outcome::Errors } else { Outcome::Clean })
}

/// Writes next to the file and renames over it, so an interrupted run never leaves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".specbuilder-tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, bytes).with_context(|| format!("writing {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("replacing {}", path.display()))
}

fn clean(findings: &[spec_format::Finding]) -> bool {
    findings.iter().all(|f| f.severity < Severity::Error)
}
