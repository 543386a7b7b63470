//! The check run "Spec Builder" on a pull request: the findings of `check` against the base.

use super::{Bot, Result, once, remote};
use crate::forge::{Check, CheckAnnotation, CommitId, Forge, GitHubForge};
use crate::service::jobs::{Job, Queue};
use github_app::events::PullRequestEvent;
use spec_format::Severity;

pub(super) async fn check_pull_request(bot: &Bot, queue: &Queue, job: &Job, event: &PullRequestEvent) -> Result<()> {
    let installation = event.installation.as_ref().map(|i| i.id).unwrap_or_default();
    let forge =
        GitHubForge::new(bot.github.clone(), installation, &event.repository.owner.login, &event.repository.name);
    let pull = &event.pull_request;
    check(bot, queue, job, &forge, &pull.head.sha, &pull.base.sha).await
}

/// The check run "Spec Builder" on `head`: the findings of `check` against `base`, as
/// annotations on file and line (a contradiction is annotated on both sides).
pub(super) async fn check(
    bot: &Bot,
    queue: &Queue,
    job: &Job,
    forge: &impl Forge,
    head: &str,
    base: &str,
) -> Result<()> {
    let layout = spec_format::Layout { specs_dir: "specs".to_owned() };
    let snapshot = remote::snapshot(forge, &bot.cache, head, &layout).await?;
    if snapshot.files.is_empty() {
        return Ok(()); // no specs here: not ours to check
    }
    let workspace = crate::conversation::workspace(&snapshot, &layout);
    let base_snapshot = remote::snapshot(forge, &bot.cache, base, &layout).await?;
    let base_workspace = crate::conversation::workspace(&base_snapshot, &layout);
    let findings = crate::verify::check_all(&snapshot, &workspace, Some((&base_snapshot, &base_workspace)), false);
    let summary = spec_format::Summary::of(&findings);
    let mut annotations = Vec::new();
    for finding in &findings {
        let error = finding.severity == Severity::Error;
        let title = format!("{} {}", finding.code.as_str(), finding.code.name());
        annotations.push(CheckAnnotation {
            path: finding.path.clone(),
            line: finding.line as u64,
            error,
            title: title.clone(),
            message: finding.message.clone(),
        });
        // Built-in rules and templates have no file in the repository to annotate.
        for related in finding.related.iter().filter(|r| !r.path.starts_with("builtin:")) {
            let what = related.message.clone().unwrap_or_default();
            annotations.push(CheckAnnotation {
                path: related.path.clone(),
                line: related.line as u64,
                error,
                title: title.clone(),
                message: format!("{} ({what})", finding.message),
            });
        }
    }
    let check = Check {
        name: "Spec Builder".into(),
        commit: CommitId(head.to_owned()),
        passed: summary.errors == 0,
        title: format!("{} errors, {} warnings", summary.errors, summary.warnings),
        summary: format!(
            "Checked {} spec files against the base ({}).",
            snapshot.files.len(),
            &base[..base.len().min(12)]
        ),
        annotations,
    };
    once(queue, job, &format!("check:{head}"), async { Ok(forge.publish_check(&check).await?) }).await
}
