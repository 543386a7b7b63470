//! `specbuilder ask`: the next question of a project, with why it matters and the
//! recommended answer.

use super::Outcome;
use super::repo::{ProjectView, Repo};
use crate::engine::plan::Recommendation;
use crate::engine::{Catalog, NextQuestion, Plan};
use anstyle::{AnsiColor, Style};
use clap::Args;
use spec_format::model::Answer;
use std::fmt::Write;
use std::io::IsTerminal;

/// Show the next question of a project, why it matters and the recommended answer.
///
/// The next question is the highest-priority one that applies given the answers so far.
///
/// On a terminal, for a project started with `new`, it keeps asking: choose with the arrow keys
/// (or type a number) and each answer is committed like `answer`; Esc stops.
///
/// With --json, one object for scripts and bots:
///   {"project": SLUG, "question": {key, text, why, category, format, options: [{number, id, label,
///    contradicts?}], allow_other, recommended: {id, reason, because?}} or null when nothing is
///    left, "assumptions": [...]}
/// where `recommended.id` is an option id, a list of ids (a multi question) or a mapping of
/// field to value (a form), and `because` says why the rules moved it off the template's choice.
///
/// Examples:
///   specbuilder ask examples/team-tracker
///   specbuilder ask --project team-tracker --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AskArgs {
    #[command(flatten)]
    pub view: ProjectView,

    /// Print the question as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: AskArgs) -> anyhow::Result<Outcome> {
    let rev = args.view.revision();
    let repo = Repo::load(&args.view.dir, rev.as_deref())?;
    let project = repo.project(args.view.project.as_deref())?;
    let catalog = Catalog::for_workspace(&repo.workspace);
    let template_id =
        project.project.as_ref().and_then(|p| p.value.template.as_deref()).ok_or_else(|| {
            anyhow::anyhow!("project `{}` names no template, so there is nothing to ask", project.slug)
        })?;
    let loaded = catalog.get(template_id).ok_or_else(|| anyhow::anyhow!("{}", catalog.missing(template_id)))?;
    let plan = Plan::new(&loaded.template.value, project);
    let mut question = plan.next_question();
    if let Some(question) = &mut question {
        crate::engine::plan::vet(question, &loaded.template.value, &repo.workspace.fact_index(project));
    }
    if args.json {
        let value = serde_json::json!({
            "project": project.slug,
            "question": question,
            "assumptions": plan.assumptions(),
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(Outcome::Clean);
    }
    let Some(q) = question else {
        println!("{}: no open questions at this depth", project.slug);
        return Ok(Outcome::Clean);
    };
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let on_branch = rev.as_deref().is_some_and(|r| r.starts_with("refs/heads/spec/"));
    if interactive && on_branch && args.view.rev.is_none() {
        let slug = project.slug.clone();
        return converse(&args.view.dir, &slug);
    }
    anstream::print!("{}", render(&project.slug, &q));
    Ok(Outcome::Clean)
}

/// Asks question after question on a terminal, recording each reply, until the person stops
/// or nothing is left. Arrow keys or numbers choose; Esc or q stops.
fn converse(dir: &std::path::Path, slug: &str) -> anyhow::Result<Outcome> {
    use crate::conversation::{Session, local_provenance};
    use crate::engine::{record, reply};
    use dialoguer::{Input, MultiSelect, Select};
    use spec_format::model::{AnswerFormat, Status};
    // Read once: each commit below keeps the session in step with the branch.
    let mut session = Session::open(dir, Some(slug))?;
    loop {
        let template = session.template()?;
        let Some(next) = session.next_question()? else {
            println!("no open questions left at this depth");
            return Ok(Outcome::Clean);
        };
        let Some(q) = template.questions.iter().find(|q| q.key == next.key) else { return Ok(Outcome::Clean) };
        let q = &q.clone();
        anstream::print!("\n{}", render_with(slug, &next, false));
        let (answer, status, assumption) = if q.format == AnswerFormat::Multi {
            // Space toggles an option, Enter records the ones checked; none checked defers.
            let items: Vec<String> = next.options.iter().map(menu_item).collect();
            let checked: Vec<bool> =
                next.options.iter().map(|o| next.recommended.as_ref().is_some_and(|r| r.chooses(o.id))).collect();
            println!("(space checks an option, enter records the ones checked; none checked defers)");
            let Some(chosen) = MultiSelect::new().items(&items).defaults(&checked).interact_opt()? else {
                return Ok(Outcome::Clean);
            };
            match chosen.as_slice() {
                [] => (None, Status::Deferred, None),
                _ => {
                    let ids: Vec<String> = chosen.iter().map(|&i| q.options[i].id.clone()).collect();
                    (Some(spec_format::model::Answer::List(ids)), Status::Accepted, None)
                }
            }
        } else if q.format == AnswerFormat::Single {
            let mut items: Vec<String> = next.options.iter().map(menu_item).collect();
            items.extend(["skip: take the recommended answer".to_owned(), "defer: decide later".to_owned()]);
            let default = (q.options.iter())
                .position(|o| next.recommended.as_ref().is_some_and(|r| r.chooses(&o.id)))
                .unwrap_or(0);
            let Some(choice) = Select::new().items(&items).default(default).interact_opt()? else {
                return Ok(Outcome::Clean);
            };
            match choice {
                i if i < q.options.len() => (Some(reply::parse(q, &q.options[i].id)?), Status::Accepted, None),
                i if i == q.options.len() && next.recommended.is_some() => {
                    let index = session.fact_index()?;
                    let path = session.decision_path(&q.key)?;
                    let plan = Plan::new(template, session.project()?);
                    let Some((default, reason)) = plan.recommendation(q) else { continue };
                    let reason = reason.unwrap_or("skipped; the template's default");
                    let by = || local_provenance(&session.repo);
                    match crate::conversation::consistent_assumption(q, default, reason, index, &path, &by)? {
                        Some((_, doc)) => {
                            (doc.decision().answer.clone(), Status::Assumed, doc.decision().assumption.clone())
                        }
                        None => (None, Status::Deferred, None),
                    }
                }
                _ => (None, Status::Deferred, None),
            }
        } else {
            let prompt = match q.format {
                AnswerFormat::Form => "fields as YAML, e.g. `name: value` (enter keeps the recommended values)",
                _ => "your answer",
            };
            let text: String =
                Input::new().with_prompt(prompt).allow_empty(q.format == AnswerFormat::Form).interact_text()?;
            match (text.trim(), &next.recommended) {
                ("", Some(r)) => (Some(r.answer.clone()), Status::Accepted, None),
                _ => (Some(reply::parse(q, &text)?), Status::Accepted, None),
            }
        };
        let decision = record::decision(q, answer, status, assumption, local_provenance(&session.repo));
        match session.record(&decision)? {
            crate::conversation::Recorded::Committed { message, .. } => println!("committed: {message}"),
            contradiction => {
                super::answer::report_and_continue(&mut session, contradiction)?;
                continue;
            }
        }
        let assumed = session.assume_all_skipped()?;
        if !assumed.is_empty() {
            println!("assumed (not asked at this depth): {}", assumed.join(", "));
        }
    }
}

/// An option as a menu shows it: its label, and what it would contradict.
fn menu_item(o: &crate::engine::plan::NumberedOption<'_>) -> String {
    match &o.contradicts {
        Some(why) => format!("{} (contradicts {})", o.label, short(why)),
        None => o.label.to_owned(),
    }
}

/// A contradiction in a few words: the rule and its message, without the facts it lists.
fn short(finding: &str) -> &str {
    let text = finding.strip_prefix("rule ").unwrap_or(finding);
    match text.rfind(" (") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => text,
    }
}

/// A question as people read it: where it belongs, why we ask, numbered options.
pub(crate) fn render(slug: &str, q: &NextQuestion<'_>) -> String {
    render_with(slug, q, true)
}

/// [`render`], with or without the numbered options (a terminal menu shows them itself).
fn render_with(slug: &str, q: &NextQuestion<'_>, with_options: bool) -> String {
    const BOLD: Style = Style::new().bold();
    const DIM: Style = Style::new().dimmed();
    const GREEN: Style = AnsiColor::Green.on_default();
    let mut out = String::new();
    let _ = writeln!(out, "{DIM}{} · {} · {}{DIM:#}", slug, q.category, q.key);
    let _ = writeln!(out, "{BOLD}{}{BOLD:#}", q.text);
    if let Some(why) = q.why {
        let _ = writeln!(out, "{DIM}why we ask: {why}{DIM:#}");
    }
    const RED: Style = AnsiColor::Red.on_default();
    for option in q.options.iter().filter(|_| with_options) {
        let mark = match &option.contradicts {
            Some(why) => format!("  {RED}(contradicts {}){RED:#}", short(why)),
            None if q.recommended.as_ref().is_some_and(|r| r.chooses(option.id)) => {
                format!("  {GREEN}(recommended){GREEN:#}")
            }
            None => String::new(),
        };
        let _ = writeln!(out, "  {}. {}{mark}", option.number, option.label);
    }
    if let Some(Recommendation { answer: Answer::Form(fields), .. }) = &q.recommended {
        for (field, value) in fields {
            let _ = writeln!(out, "  {field}: {value}  {GREEN}(recommended){GREEN:#}");
        }
    }
    let because = q.recommended.as_ref().and_then(|r| r.because.as_deref().or(r.reason));
    if let Some(reason) = because {
        let _ = writeln!(out, "{DIM}recommended because: {reason}{DIM:#}");
    }
    out
}
