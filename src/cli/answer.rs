//! `specbuilder answer|skip|defer`: record one decision on the project branch.

use super::Outcome;
use crate::conversation::{Recorded, Session, local_provenance};
use crate::engine::{record, reply};
use crate::report;
use anyhow::{Context, bail};
use clap::Args;
use spec_format::Code;
use spec_format::ident::did_you_mean;
use spec_format::model::{Question, Status};
use std::path::PathBuf;

/// Answer a question: `2`, `1,3`, an option id or label, `other: <text>` where the template
/// allows it, free text for text questions, or YAML for forms.
///
/// The answer is checked against every decision on the branch first; a contradiction is shown
/// side by side and nothing is committed (exit 1). Otherwise one commit lands on `spec/<slug>`,
/// `spec(<slug>): <key> = <answer>`, without touching your working tree.
///
/// Examples:
///   specbuilder answer auth.signup 2
///   specbuilder answer notify.channels 1,3 --project team-todo
///   specbuilder answer auth.method "other: passkeys"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AnswerArgs {
    /// The question's key, e.g. auth.signup.
    pub key: String,
    /// The reply.
    pub reply: String,
    #[command(flatten)]
    pub target: Target,
}

/// Record a question's recommended default as an assumption (status `assumed`), with the
/// template's reason, and move on.
#[derive(Debug, Args)]
pub struct SkipArgs {
    /// The question's key.
    pub key: String,
    #[command(flatten)]
    pub target: Target,
}

/// Put a question aside (status `deferred`): it is not asked again, and blocks the targets
/// that need it until it is answered.
#[derive(Debug, Args)]
pub struct DeferArgs {
    /// The question's key.
    pub key: String,
    #[command(flatten)]
    pub target: Target,
}

#[derive(Debug, Args)]
pub struct Target {
    /// The project (needed when there are several `spec/*` branches).
    #[arg(long, value_name = "SLUG")]
    pub project: Option<String>,
    /// The repository directory.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

pub fn answer(args: AnswerArgs) -> anyhow::Result<Outcome> {
    refuse_secrets("answer", &args.reply)?;
    run(&args.key, &args.target, |_, q| Ok((Some(reply::parse(q, &args.reply)?), Status::Accepted, None)))
}

/// Refuses a reply that holds a secret before anything reads it (an error quoting it would
/// print it), saying what kind and where, never the secret.
pub(crate) fn refuse_secrets(what: &str, text: &str) -> anyhow::Result<()> {
    match spec_format::secrets::scan(text).first() {
        Some(secret) => bail!(
            "the {what} holds {}; nothing was written. Secrets belong in a secret store: name it instead (e.g. STRIPE_SECRET_KEY)",
            secret.describe(text)
        ),
        None => Ok(()),
    }
}

/// Takes the recommendation, or the first option that agrees with what is decided when the
/// recommendation would contradict it.
pub fn skip(args: SkipArgs) -> anyhow::Result<Outcome> {
    run(&args.key, &args.target, |session, q| {
        let plan = crate::engine::Plan::new(session.template()?, session.project()?);
        let (default, reason) =
            plan.recommendation(q).with_context(|| format!("`{}` has no default to assume; answer it", q.key))?;
        let reason = reason.unwrap_or("skipped; the template's default");
        let index = session.fact_index()?;
        let path = session.decision_path(&q.key)?;
        let by = || local_provenance(&session.repo);
        let chosen = crate::conversation::consistent_assumption(q, default, reason, index, &path, &by)?;
        let Some((_, doc)) = chosen else {
            bail!(
                "every option of `{}` contradicts what is decided; answer it (`specbuilder answer {} <choice>`) \
                 or change the decision it clashes with",
                q.key,
                q.key
            );
        };
        let d = doc.decision();
        Ok((d.answer.clone(), Status::Assumed, d.assumption.clone()))
    })
}

pub fn defer(args: DeferArgs) -> anyhow::Result<Outcome> {
    run(&args.key, &args.target, |_, _| Ok((None, Status::Deferred, None)))
}

type Choice = (Option<spec_format::model::Answer>, Status, Option<String>);

fn run(
    key: &str,
    target: &Target,
    choose: impl FnOnce(&Session, &Question) -> anyhow::Result<Choice>,
) -> anyhow::Result<Outcome> {
    let mut session = Session::open(&target.dir, target.project.as_deref())?;
    let template = session.template()?;
    let Some(q) = template.questions.iter().find(|q| q.key == key) else {
        let hint = did_you_mean(key, template.questions.iter().map(|q| q.key.as_str()))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        bail!("template `{}` has no question `{key}`{hint}", template.id);
    };
    if let Some(existing) = session.project()?.decisions.iter().find(|d| d.decision().key == key) {
        bail!(
            "`{key}` is already decided on {} ({}); a question is never asked twice",
            session.branch,
            record::summary(existing.decision())
        );
    }
    let q = q.clone();
    let (answer, status, assumption) = choose(&session, &q)?;
    let decision = record::decision(&q, answer, status, assumption, local_provenance(&session.repo));
    let recorded = session.record(&decision)?;
    let committed = matches!(recorded, Recorded::Committed { .. });
    let outcome = report_and_continue(&mut session, recorded)?;
    let free_text = q.format == spec_format::model::AnswerFormat::Text
        || decision
            .answer
            .as_ref()
            .is_some_and(|a| a.to_string().starts_with(spec_format::model::decision::OTHER_PREFIX));
    if committed && free_text {
        suggest_follow_up(&q, &decision);
    }
    Ok(outcome)
}

/// For a free-text answer, asks the optional model whether it leaves a gap worth a question.
fn suggest_follow_up(q: &Question, decision: &spec_format::model::Decision) {
    let Some(config) = crate::llm::LlmConfig::from_env() else { return };
    let Some(answer) = &decision.answer else { return };
    let result = crate::llm::Assistant::new(&config)
        .map_err(|e| crate::llm::LlmError::Endpoint(e.to_string()))
        .and_then(|assistant| assistant.follow_up(&q.text, &answer.to_string()));
    match result {
        Ok(Some(follow_up)) => {
            println!("\nfollow-up (suggested by the model): {}\n  why: {}", follow_up.question, follow_up.why)
        }
        Ok(None) => {}
        Err(error) => eprintln!("note: the model gave nothing usable ({error}); continuing without it"),
    }
}

/// Says what was committed and asks the next question, or shows the contradiction.
pub(crate) fn report_and_continue(session: &mut Session, recorded: Recorded) -> anyhow::Result<Outcome> {
    match recorded {
        Recorded::Committed { id, message } => {
            println!("committed {} to {}: {message}", id.to_hex_with_len(8), session.branch);
        }
        Recorded::Contradiction { findings, .. } if findings.iter().any(|f| f.code == Code::SecretInSpec) => {
            // Never shown back: the messages say what and where, the file is not quoted.
            for f in findings.iter().filter(|f| f.code == Code::SecretInSpec) {
                eprintln!("error[{}]: {}", f.code, f.message);
            }
            println!(
                "nothing was committed: secrets belong in a secret store; name it instead (e.g. STRIPE_SECRET_KEY)"
            );
            return Ok(Outcome::Errors);
        }
        Recorded::Contradiction { findings, file } => {
            let mut sources: std::collections::HashMap<&str, &[u8]> =
                session.snapshot.files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())).collect();
            sources.insert(&file.0, &file.1);
            let scope =
                report::TextScope { sources: &sources, projects: 1, decisions: session.project()?.decisions.len() };
            anstream::print!("{}", report::text(&findings, &scope));
            println!("nothing was committed: answer differently, or change the other decision first");
            return Ok(Outcome::Errors);
        }
    }
    // The branch as it stands after the answer, with the assumptions it made apply.
    let assumed = session.assume_all_skipped()?;
    if !assumed.is_empty() {
        println!("assumed (not asked at this depth): {}", assumed.join(", "));
    }
    match session.next_question()? {
        Some(q) => anstream::print!("\n{}", super::ask::render(&session.slug, &q)),
        None => println!("\nno open questions left at this depth"),
    }
    Ok(Outcome::Clean)
}
