//! `specbuilder change` and `specbuilder lock`: revise or freeze a decision on the project branch.

use super::Outcome;
use super::answer::{Target, report_and_continue};
use crate::conversation::{Session, local_provenance};
use crate::engine::{record, reply};
use anyhow::{Context, bail};
use clap::Args;
use spec_format::model::Status;

/// Change the answer of a decided question. The new answer is checked against every other
/// decision first; the old one stays in the branch's history.
///
/// Examples:
///   specbuilder change auth.signup 1
///   specbuilder change auth.method sso --project team-todo
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ChangeArgs {
    #[command(flatten)]
    pub change: crate::grammar::ChangeOptions,
    #[command(flatten)]
    pub target: Target,
}

/// Lock a decision: `check --base` then refuses a change request that alters it.
#[derive(Debug, Args)]
pub struct LockArgs {
    #[command(flatten)]
    pub decision: crate::grammar::KeyOptions,
    #[command(flatten)]
    pub target: Target,
}

pub fn change(args: ChangeArgs) -> anyhow::Result<Outcome> {
    let (key, reply) = (&args.change.key, args.change.reply());
    super::answer::refuse_secrets("answer", &reply)?;
    let mut session = Session::open(&args.target.dir, args.target.project.as_deref())?;
    let existing = decided(&session, key)?;
    if existing.locked {
        bail!("`{key}` is locked; unlock it on the base branch before changing it");
    }
    let template = session.template()?;
    let q = template
        .questions
        .iter()
        .find(|q| &q.key == key)
        .with_context(|| format!("template `{}` has no question `{key}`", template.id))?;
    let answer = reply::parse(q, &reply)?;
    // Accepting what is already accepted changes nothing worth a commit.
    if existing.answer.as_ref() == Some(&answer) && existing.status == Status::Accepted {
        println!("`{key}` is already {}; nothing to commit", record::summary(existing));
        return Ok(Outcome::Clean);
    }
    let before = record::summary(existing);
    let mut decision = record::decision(q, Some(answer), Status::Accepted, None, local_provenance(&session.repo));
    decision.body = existing.body.clone();
    let message = format!("spec({}): {} (was {before})", session.slug, record::summary(&decision));
    let recorded = session.record_as(&decision, &message)?;
    report_and_continue(&mut session, recorded)
}

pub fn lock(args: LockArgs) -> anyhow::Result<Outcome> {
    let mut session = Session::open(&args.target.dir, args.target.project.as_deref())?;
    let existing = decided(&session, &args.decision.key)?;
    if existing.locked {
        println!("`{}` is already locked", args.decision.key);
        return Ok(Outcome::Clean);
    }
    let mut decision = existing.clone();
    decision.locked = true;
    let message = format!("spec({}): lock {}", session.slug, args.decision.key);
    let recorded = session.record_as(&decision, &message)?;
    report_and_continue(&mut session, recorded)
}

fn decided<'s>(session: &'s Session, key: &str) -> anyhow::Result<&'s spec_format::model::Decision> {
    match session.decision(key)? {
        Some(doc) => Ok(doc.decision()),
        None => {
            bail!("`{key}` is not decided on {}; answer it with `specbuilder answer {key} <reply>`", session.branch)
        }
    }
}
