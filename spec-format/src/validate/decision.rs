//! Checks of one decision on its own: identity, options, answer, status, dates.

use crate::finding::{Code, Finding};
use crate::ident::{did_you_mean, is_key};
use crate::model::decision::OTHER_PREFIX;
use crate::model::{Answer, AnswerFormat, Decision, Status};
use crate::workspace::DecisionDoc;
use std::collections::HashSet;

/// Everything wrong with one decision that can be seen without the rest of the project.
pub fn check(doc: &DecisionDoc, out: &mut Vec<Finding>) {
    let d = doc.decision();
    let path = doc.path();
    let line = |field: &str| doc.doc.lines.first_of(&[field, "key"]);
    super::implications::lint_decision(&d.implies, &d.key, path, line("implies"), out);
    // Option ids are no secrets; free text, forms, `other:` answers and the rationale may be.
    let free =
        d.answer.as_ref().filter(|a| !matches!(a, Answer::List(_)) && !d.options.iter().any(|o| a.to_string() == o.id));
    for (what, text, at) in
        [("answer", free.map(ToString::to_string), line("answer")), ("rationale", Some(d.body.clone()), line("key"))]
    {
        if let Some(text) = text {
            secrets(&text, what, path, at, out);
        }
    }

    if !is_key(&d.key) {
        out.push(
            Finding::new(Code::BadKey, path, line("key"), format!("`{}` is not a valid decision key", d.key))
                .help("use lowercase words of letters, digits and `_`, joined by dots, e.g. `auth.signup`"),
        );
    } else if d.key != doc.file_key {
        out.push(
            Finding::new(
                Code::KeyFileMismatch,
                path,
                line("key"),
                format!("key `{}` does not match the file name `{}.md`", d.key, doc.file_key),
            )
            .help(format!("rename the file to `{}.md`, or set `key: {}`", d.key, doc.file_key)),
        );
    }
    for (field, keys) in [("depends_on", &d.depends_on), ("supersedes", &d.supersedes)] {
        for key in keys.iter().filter(|k| !is_key(k)) {
            out.push(Finding::new(
                Code::BadKey,
                path,
                line(field),
                format!("`{key}` in `{field}` is not a valid decision key"),
            ));
        }
    }

    check_options(d, path, line("options"), out);
    check_answer(d, path, line("answer"), out);

    if d.status == Status::Assumed && d.assumption.as_deref().is_none_or(|a| a.trim().is_empty()) {
        out.push(
            Finding::new(
                Code::AssumedWithoutAssumption,
                path,
                line("status"),
                format!("`{}` is assumed but does not say what was assumed", d.key),
            )
            .help("add `assumption:` with the reason the default was taken"),
        );
    }
    if let Some(at) = &d.answered_at
        && chrono::DateTime::parse_from_rfc3339(at).is_err()
    {
        out.push(
            Finding::new(Code::BadDate, path, line("answered_at"), format!("`{at}` is not an RFC 3339 date-time"))
                .help("write it like 2026-11-24T10:00:00Z"),
        );
    }
    check_facts_against_options(doc, out);
}

fn check_options(d: &Decision, path: &str, line: usize, out: &mut Vec<Finding>) {
    if !matches!(d.format, AnswerFormat::Single | AnswerFormat::Multi) {
        return;
    }
    if !(2..=6).contains(&d.options.len()) {
        out.push(Finding::new(
            Code::BadOptions,
            path,
            line,
            format!("a {} question needs 2 to 6 options; `{}` has {}", format_name(d.format), d.key, d.options.len()),
        ));
    }
    let mut seen = HashSet::new();
    for option in &d.options {
        if !seen.insert(option.id.as_str()) {
            out.push(Finding::new(Code::BadOptions, path, line, format!("option id `{}` appears twice", option.id)));
        }
    }
}

fn check_answer(d: &Decision, path: &str, line: usize, out: &mut Vec<Finding>) {
    let Some(answer) = &d.answer else {
        if d.status.is_in_force() {
            out.push(
                Finding::new(
                    Code::AnswerShape,
                    path,
                    line,
                    format!("`{}` is {} but has no answer", d.key, d.status.as_str()),
                )
                .help("add `answer:`, or set `status: deferred` if it is still open"),
            );
        }
        return;
    };
    let shape_error = |expected: &str| {
        Finding::new(
            Code::AnswerShape,
            path,
            line,
            format!("a {} question takes {expected}; the answer is `{answer}`", format_name(d.format)),
        )
    };
    let ids: Vec<&str> = match (d.format, answer) {
        (AnswerFormat::Single, Answer::Text(_)) => answer.chosen_ids(),
        (AnswerFormat::Multi, Answer::Text(_) | Answer::List(_)) => answer.chosen_ids(),
        (AnswerFormat::Form, Answer::Form(_)) | (AnswerFormat::Text, Answer::Text(_)) => return,
        (AnswerFormat::Single, _) => return out.push(shape_error("one option id")),
        (AnswerFormat::Multi, _) => return out.push(shape_error("a list of option ids")),
        (AnswerFormat::Form, _) => return out.push(shape_error("a mapping of fields to values")),
        (AnswerFormat::Text, _) => return out.push(shape_error("text")),
    };
    if let Answer::Text(text) = answer
        && text.strip_prefix(OTHER_PREFIX).is_some_and(|rest| rest.trim().is_empty())
    {
        out.push(shape_error("`other:` followed by the answer"));
    }
    let offered = || d.options.iter().map(|o| o.id.as_str());
    for id in ids {
        if offered().any(|o| o == id) {
            continue;
        }
        let listed: Vec<&str> = offered().collect();
        let finding = Finding::new(
            Code::AnswerNotAnOption,
            path,
            line,
            format!("`{id}` is not an option of `{}` (options: {})", d.key, listed.join(", ")),
        );
        out.push(match did_you_mean(id, offered()) {
            Some(suggestion) => finding.help(format!("did you mean `{suggestion}`?")),
            None => finding,
        });
    }
}

/// Hand-written `facts` that contradict what the chosen options assert.
fn check_facts_against_options(doc: &DecisionDoc, out: &mut Vec<Finding>) {
    let d = doc.decision();
    let Some(answer) = &d.answer else { return };
    if d.facts.is_empty() {
        return;
    }
    for id in answer.chosen_ids() {
        let Some(option) = d.options.iter().find(|o| o.id == id) else {
            continue;
        };
        for (name, implied) in &option.facts {
            let Some(written) = d.facts.get(name) else {
                continue;
            };
            if !written.agrees_with(implied) && !written.holds_under(implied) {
                let line =
                    doc.doc.lines.get(&format!("facts.{name}")).unwrap_or_else(|| doc.doc.lines.first_of(&["facts"]));
                out.push(Finding::new(
                    Code::FactsDisagreeWithAnswer,
                    doc.path(),
                    line,
                    format!("`facts` says {name} = {written}, but the chosen option `{id}` implies {name} = {implied}"),
                ));
            }
        }
    }
}

fn format_name(format: AnswerFormat) -> &'static str {
    match format {
        AnswerFormat::Single => "single-choice",
        AnswerFormat::Multi => "multiple-choice",
        AnswerFormat::Form => "form",
        AnswerFormat::Text => "free-text",
    }
}

/// A finding for each secret in `text`: which kind and where, never the secret.
pub(crate) fn secrets(text: &str, what: &str, path: &str, line: usize, out: &mut Vec<Finding>) {
    for secret in crate::secrets::scan(text) {
        out.push(
            Finding::new(Code::SecretInSpec, path, line, format!("the {what} holds {}", secret.describe(text))).help(
                "remove it and rotate it; a spec names where a secret lives (`STRIPE_SECRET_KEY`), never its value",
            ),
        );
    }
}
