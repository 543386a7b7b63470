//! The check "Spec Builder" on a change request: the findings of `check` against the base.

use super::review::{self, PullContext};
use super::{Bot, Result, once, remote};
use crate::forge::{Check, CheckAnnotation, CommitId, Forge, ForgeError};
use crate::service::jobs::{Job, Queue};
use spec_format::Severity;

/// Annotations sent per check run; findings beyond are counted in the summary.
const MAX_ANNOTATIONS: usize = 500;

/// A failed check that says why nothing was checked.
fn failed(head: &str, pull: Option<&PullContext>, title: &str, summary: &str) -> Check {
    Check {
        name: "Spec Builder".into(),
        commit: CommitId(head.to_owned()),
        change_request: pull.map(|p| p.number),
        passed: false,
        title: title.to_owned(),
        summary: summary.to_owned(),
        annotations: Vec::new(),
    }
}

/// The check run "Spec Builder" on `head`: the findings of `check` against `base`, as
/// annotations on file and line (a contradiction is annotated on both sides). For a pull
/// request, then the review comment and the overlap notes; whether it reviewed one.
pub(super) async fn check(
    bot: &Bot,
    queue: &Queue,
    job: &Job,
    forge: &impl Forge,
    head: &str,
    base: &str,
    pull: Option<&PullContext>,
) -> Result<bool> {
    let layout = spec_format::Layout { specs_dir: "specs".to_owned() };
    let read = async {
        let snapshot = remote::snapshot(forge, &bot.cache, head, &layout, &bot.limits).await?;
        if snapshot.files.is_empty() {
            return Ok(None);
        }
        let base = remote::snapshot(forge, &bot.cache, base, &layout, &bot.limits).await?;
        Ok::<_, ForgeError>(Some((snapshot, base)))
    };
    let (snapshot, base_snapshot) = match read.await {
        Ok(Some(read)) => read,
        Ok(None) => return Ok(false), // no specs here: not ours to check
        Err(ForgeError::TooLarge(why)) => {
            let check = failed(head, pull, "Too large to check", &format!("Nothing was checked: {why}."));
            once(queue, job, &format!("check:{head}"), async { Ok(forge.publish_check(&check).await?) }).await?;
            return Ok(false);
        }
        Err(e) => return Err(e.into()),
    };
    let files = snapshot.files.len();
    // Parsers run on files from anyone who can open a pull request: off the async runtime, and a
    // panic in one is a failed check, never a dead worker.
    let (head_rev, base_rev) = (head.to_owned(), base.to_owned());
    let judged = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(|| {
            let workspace = crate::conversation::workspace(&snapshot, &layout);
            let base_workspace = crate::conversation::workspace(&base_snapshot, &layout);
            let findings =
                crate::verify::check_all(&snapshot, &workspace, Some((&base_snapshot, &base_workspace)), false);
            let review = review::touches_specs(&base_snapshot, &snapshot).then(|| {
                review::review_of((&base_rev, &base_snapshot, &base_workspace), (&head_rev, &snapshot, &workspace))
            });
            (findings, review)
        })
    })
    .await;
    let (findings, review) = match judged {
        Ok(Ok(judged)) => judged,
        _ => {
            tracing::error!(head, "checking a pull request panicked");
            let check = failed(
                head,
                pull,
                "Could not be checked",
                "A spec file made the checker fail; the maintainers were told.",
            );
            once(queue, job, &format!("check:{head}"), async { Ok(forge.publish_check(&check).await?) }).await?;
            return Ok(false);
        }
    };
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
    // Past a bound the rest are counted, not sent (GitHub takes 50 per request).
    let dropped = annotations.len().saturating_sub(MAX_ANNOTATIONS);
    annotations.truncate(MAX_ANNOTATIONS);
    let dropped = match dropped {
        0 => String::new(),
        n => format!(" {n} more annotations are not shown; run `specbuilder check --base {base}` for all."),
    };
    let check = Check {
        name: "Spec Builder".into(),
        commit: CommitId(head.to_owned()),
        change_request: pull.map(|p| p.number),
        passed: summary.errors == 0,
        title: format!("{} errors, {} warnings", summary.errors, summary.warnings),
        summary: format!("Checked {files} spec files against the base ({}).{dropped}", &base[..base.len().min(12)]),
        annotations,
    };
    once(queue, job, &format!("check:{head}"), async { Ok(forge.publish_check(&check).await?) }).await?;
    match (pull, review) {
        (Some(pull), Some(review)) => review::publish(bot, queue, job, forge, pull, &review).await.map(|()| true),
        (Some(pull), None) => review::untouched(bot, queue, job, forge, pull, head).await.map(|()| false),
        (None, _) => Ok(false),
    }
}
