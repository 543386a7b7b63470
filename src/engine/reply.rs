//! Reading a person's reply to a question: `2`, `1,3`, an option id or label, `other: text`,
//! free text, or a form as YAML. A reply that fits nothing gets a reason and a suggestion.

use spec_format::ident::did_you_mean;
use spec_format::model::decision::OTHER_PREFIX;
use spec_format::model::{Answer, AnswerFormat, Question};

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("the reply is empty")]
    Empty,
    #[error("{given} is not an option; reply with a number from 1 to {count}")]
    OutOfRange { given: usize, count: usize },
    #[error("`{given}` is not an option of `{key}` (options: {options}){}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    Unknown { given: String, key: String, options: String, suggestion: Option<String> },
    #[error("`{key}` takes one option, not several")]
    SeveralForSingle { key: String },
    #[error("`{key}` does not take free answers; choose one of its options")]
    OtherNotAllowed { key: String },
    #[error("`{key}` is a form: reply with YAML fields, e.g. `name: value`")]
    NotAForm { key: String },
    #[error("`{key}` has no field `{given}` (fields: {fields}){}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownField { given: String, key: String, fields: String, suggestion: Option<String> },
}

/// The answer a reply gives to `q`.
pub fn parse(q: &Question, reply: &str) -> Result<Answer, ReplyError> {
    let reply = reply.trim();
    if reply.is_empty() {
        return Err(ReplyError::Empty);
    }
    match q.format {
        AnswerFormat::Text => Ok(Answer::Text(reply.to_owned())),
        AnswerFormat::Form => form(q, reply),
        AnswerFormat::Single | AnswerFormat::Multi => {
            if let Some(text) = other(reply) {
                return if q.allow_other {
                    Ok(Answer::Text(format!("{OTHER_PREFIX} {text}")))
                } else {
                    Err(ReplyError::OtherNotAllowed { key: q.key.clone() })
                };
            }
            // A whole label may contain commas or spaces; try it before splitting.
            if let Some(id) = label(q, reply) {
                return Ok(shape(q.format, vec![id]));
            }
            let parts: Vec<&str> = reply.split([',', ' ']).map(str::trim).filter(|p| !p.is_empty()).collect();
            if q.format == AnswerFormat::Single && parts.len() > 1 {
                return Err(ReplyError::SeveralForSingle { key: q.key.clone() });
            }
            let mut ids: Vec<String> = Vec::new();
            for part in parts {
                let id = option(q, part)?;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            Ok(shape(q.format, ids))
        }
    }
}

/// A form reply: YAML lines (`a: 1`), or one line of fields (`a: 1, b: 2`). Fields left out
/// keep the template's recommended values; a field the form does not have is refused.
fn form(q: &Question, reply: &str) -> Result<Answer, ReplyError> {
    let fields = match yaml_serde::from_str(reply) {
        Ok(Answer::Form(fields)) => fields,
        _ => match yaml_serde::from_str(&format!("{{{reply}}}")) {
            Ok(Answer::Form(fields)) => fields,
            _ => return Err(ReplyError::NotAForm { key: q.key.clone() }),
        },
    };
    let Some(Answer::Form(defaults)) = &q.default else { return Ok(Answer::Form(fields)) };
    if let Some(given) = fields.keys().find(|f| !defaults.contains_key(*f)) {
        let names = defaults.keys().map(String::as_str);
        return Err(ReplyError::UnknownField {
            given: given.clone(),
            key: q.key.clone(),
            fields: names.clone().collect::<Vec<_>>().join(", "),
            suggestion: did_you_mean(given, names).map(str::to_owned),
        });
    }
    let mut merged = defaults.clone();
    merged.extend(fields);
    Ok(Answer::Form(merged))
}

fn shape(format: AnswerFormat, mut ids: Vec<String>) -> Answer {
    match format {
        AnswerFormat::Single if ids.len() == 1 => Answer::Text(ids.remove(0)),
        _ => Answer::List(ids),
    }
}

/// `other: text` (also `other:text`), case-insensitively.
fn other(reply: &str) -> Option<&str> {
    let prefix = reply.get(..OTHER_PREFIX.len())?;
    prefix.eq_ignore_ascii_case(OTHER_PREFIX).then(|| reply[OTHER_PREFIX.len()..].trim()).filter(|t| !t.is_empty())
}

fn label(q: &Question, reply: &str) -> Option<String> {
    q.options.iter().find(|o| o.label.eq_ignore_ascii_case(reply)).map(|o| o.id.clone())
}

/// One option by number (1-based) or id.
fn option(q: &Question, part: &str) -> Result<String, ReplyError> {
    if let Ok(number) = part.parse::<usize>() {
        return match q.options.get(number.wrapping_sub(1)) {
            Some(o) => Ok(o.id.clone()),
            None => Err(ReplyError::OutOfRange { given: number, count: q.options.len() }),
        };
    }
    if let Some(o) = q.options.iter().find(|o| o.id.eq_ignore_ascii_case(part)) {
        return Ok(o.id.clone());
    }
    let ids = q.options.iter().map(|o| o.id.as_str());
    Err(ReplyError::Unknown {
        given: part.to_owned(),
        key: q.key.clone(),
        options: ids.clone().collect::<Vec<_>>().join(", "),
        suggestion: did_you_mean(part, ids).map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(format: &str, allow_other: bool) -> Question {
        yaml_serde::from_str(&format!(
            "key: notify.channels\ntext: How?\ncategory: product\nformat: {format}\nallow_other: {allow_other}\noptions:\n- {{ id: email, label: Email }}\n- {{ id: in_app, label: In the app }}\n- {{ id: sms, label: Text messages }}\n"
        ))
        .unwrap()
    }

    #[test]
    fn numbers_ids_and_labels_choose_options() {
        let q = question("single", false);
        assert_eq!(parse(&q, "2"), Ok(Answer::Text("in_app".into())));
        assert_eq!(parse(&q, " SMS "), Ok(Answer::Text("sms".into())));
        assert_eq!(parse(&q, "in the app"), Ok(Answer::Text("in_app".into())));
    }

    #[test]
    fn multi_takes_lists_in_any_separator_without_repeats() {
        let q = question("multi", false);
        assert_eq!(parse(&q, "1,3"), Ok(Answer::List(vec!["email".into(), "sms".into()])));
        assert_eq!(parse(&q, "sms email 3"), Ok(Answer::List(vec!["sms".into(), "email".into()])));
    }

    #[test]
    fn mistakes_explain_themselves() {
        let q = question("single", false);
        assert_eq!(parse(&q, "4"), Err(ReplyError::OutOfRange { given: 4, count: 3 }));
        assert_eq!(parse(&q, "1,2"), Err(ReplyError::SeveralForSingle { key: "notify.channels".into() }));
        assert_eq!(parse(&q, "other: pigeons"), Err(ReplyError::OtherNotAllowed { key: "notify.channels".into() }));
        let typo = parse(&q, "emial").unwrap_err();
        assert_eq!(
            typo.to_string(),
            "`emial` is not an option of `notify.channels` (options: email, in_app, sms); did you mean `email`?"
        );
        assert_eq!(parse(&q, "  "), Err(ReplyError::Empty));
    }

    #[test]
    fn other_where_allowed_and_free_text_and_forms() {
        assert_eq!(parse(&question("single", true), "Other: pigeons"), Ok(Answer::Text("other: pigeons".into())));
        assert_eq!(parse(&question("text", false), "Anything at all"), Ok(Answer::Text("Anything at all".into())));
        let form = parse(&question("form", false), "title: required\nlabels: [a, b]").unwrap();
        assert!(matches!(form, Answer::Form(fields) if fields.len() == 2));
        assert!(parse(&question("form", false), "just words").is_err());
    }

    #[test]
    fn a_form_reply_keeps_the_fields_it_leaves_out_and_refuses_unknown_ones() {
        let q: Question = yaml_serde::from_str(
            "key: ops.targets\ntext: Targets?\ncategory: ops\nformat: form\ndefault: { availability_percent: 99.9, p95_latency_ms: 300 }\n",
        )
        .unwrap();
        let Ok(Answer::Form(fields)) = parse(&q, "p95_latency_ms: 150") else { panic!("a form") };
        assert_eq!(fields["p95_latency_ms"].to_string(), "150");
        assert_eq!(fields["availability_percent"].to_string(), "99.9");
        let Ok(Answer::Form(fields)) = parse(&q, "availability_percent: 99.95, p95_latency_ms: 200") else {
            panic!("one line of fields")
        };
        assert_eq!(fields["availability_percent"].to_string(), "99.95");
        assert_eq!(
            parse(&q, "p95_latency: 150").unwrap_err().to_string(),
            "`ops.targets` has no field `p95_latency` (fields: availability_percent, p95_latency_ms); did you mean `p95_latency_ms`?"
        );
    }
}
