//! Template lint: a question flow that cannot contradict itself, reach a dead end, or point
//! at something that is not there.

use crate::facts::PlacedRule;
use crate::finding::{Code, Finding, Location, Severity};
use crate::ident::{did_you_mean, is_key};
use crate::model::{Answer, AnswerFormat, Question, Template};
use crate::value::{FactValue, Facts};
use crate::workspace::LoadedTemplate;
use std::collections::{HashMap, HashSet};

/// Every problem of one template, placed at the question or rule it concerns.
pub fn lint(loaded: &LoadedTemplate) -> Vec<Finding> {
    let template = &loaded.template.value;
    let path = loaded.template.path.as_str();
    // The line of the i-th question.
    let at = |i: usize| loaded.question_lines.get(i).copied().unwrap_or(1);
    let mut out = Vec::new();

    let mut keys: HashMap<&str, &Question> = HashMap::new();
    for (i, q) in template.questions.iter().enumerate() {
        if keys.insert(q.key.as_str(), q).is_some() {
            out.push(Finding::new(
                Code::TemplateDuplicate,
                path,
                at(i),
                format!("question key `{}` is used twice", q.key),
            ));
        }
    }
    for (i, q) in template.questions.iter().enumerate() {
        question(q, &keys, path, at(i), &mut out);
    }
    for (artifact, needs) in &template.artifacts {
        for key in needs.requires.iter().filter(|k| !keys.contains_key(k.as_str())) {
            out.push(dangling(
                path,
                1,
                format!("artifact `{artifact}` requires `{key}`, which no question asks"),
                key,
                &keys,
            ));
        }
    }
    super::check_rules(&loaded.rules, &mut out);
    unreachable(template, &keys, path, &at, &mut out);
    contradicting_options(template, &loaded.rules, path, &at, &mut out);
    super::implications::lint(template, path, &at, &mut out);
    super::dead_ends::lint(template, &loaded.rules, path, &at, &mut out);
    out
}

fn dangling(path: &str, line: usize, message: String, key: &str, keys: &HashMap<&str, &Question>) -> Finding {
    let finding = Finding::new(Code::TemplateReference, path, line, message);
    match did_you_mean(key, keys.keys().copied()) {
        Some(s) => finding.help(format!("did you mean `{s}`?")),
        None => finding,
    }
}

fn question(q: &Question, keys: &HashMap<&str, &Question>, path: &str, line: usize, out: &mut Vec<Finding>) {
    let key = q.key.as_str();
    if !is_key(key) {
        out.push(Finding::new(Code::BadKey, path, line, format!("`{key}` is not a valid decision key")));
    }
    let choice = matches!(q.format, AnswerFormat::Single | AnswerFormat::Multi);
    if choice && !(2..=6).contains(&q.options.len()) {
        out.push(Finding::new(
            Code::BadOptions,
            path,
            line,
            format!("`{key}` needs 2 to 6 options; it has {}", q.options.len()),
        ));
    }
    let (mut ids, mut labels) = (HashSet::new(), HashSet::new());
    for option in &q.options {
        if !ids.insert(option.id.as_str()) {
            out.push(Finding::new(
                Code::TemplateDuplicate,
                path,
                line,
                format!("`{key}` offers option id `{}` twice", option.id),
            ));
        }
        if !labels.insert(option.label.to_lowercase()) {
            out.push(Finding::new(
                Code::TemplateDuplicate,
                path,
                line,
                format!("`{key}` offers the label `{}` twice", option.label),
            ));
        }
    }
    if let Some(default) = &q.default {
        out.extend(answer_shape(q, default, "the default").map(|m| shape_finding(path, line, m, q)));
        if q.assume_reason.is_none() {
            out.push(
                Finding::new(
                    Code::TemplateQuestion,
                    path,
                    line,
                    format!("`{key}` has a default but no `assume_reason`"),
                )
                .severity(Severity::Warning)
                .help("say why the default is a safe assumption; it is shown when the depth skips the question"),
            );
        }
    }
    for case in &q.recommend {
        let what = format!("the recommendation when {}", describe(&case.when));
        out.extend(answer_shape(q, &case.answer, &what).map(|m| shape_finding(path, line, m, q)));
    }
    if q.format == AnswerFormat::Form && !matches!(q.default, Some(Answer::Form(_))) {
        out.push(
            Finding::new(Code::TemplateQuestion, path, line, format!("form `{key}` has no default mapping"))
                .help("give `default:` a mapping; its keys are the form's fields, e.g. `{ retention_days: 30 }`"),
        );
    }
    if q.why.as_deref().is_none_or(|w| w.trim().is_empty()) {
        out.push(
            Finding::new(Code::TemplateQuestion, path, line, format!("`{key}` does not say why it is asked"))
                .severity(Severity::Warning)
                .help("add a one-line `why`; it is shown with the question"),
        );
    }
    if q.depths.is_empty() {
        out.push(Finding::new(Code::TemplateUnreachable, path, line, format!("`{key}` is asked at no depth")));
    }
    for dep in q.depends_on.iter().filter(|d| !keys.contains_key(d.as_str())) {
        out.push(dangling(path, line, format!("`{key}` depends on `{dep}`, which no question asks"), dep, keys));
    }
}

/// What is wrong with `answer` as an answer to `q` (a default or a recommendation), if anything:
/// the message and, for an unknown option id, that id.
fn answer_shape<'a>(q: &Question, answer: &'a Answer, what: &str) -> Option<(String, Option<&'a str>)> {
    let key = &q.key;
    let unknown = |ids: Vec<&'a str>| ids.into_iter().find(|id| !q.options.iter().any(|o| o.id == *id));
    match (q.format, answer) {
        (AnswerFormat::Single, Answer::Text(id)) | (AnswerFormat::Multi, Answer::Text(id)) => {
            unknown(vec![id]).map(|id| (format!("{what} `{id}` of `{key}` is not one of its options"), Some(id)))
        }
        (AnswerFormat::Multi, Answer::List(ids)) if ids.is_empty() => {
            Some((format!("{what} of `{key}` chooses nothing"), None))
        }
        (AnswerFormat::Multi, Answer::List(ids)) => unknown(ids.iter().map(String::as_str).collect())
            .map(|id| (format!("{what} of `{key}` lists `{id}`, which is not one of its options"), Some(id))),
        (AnswerFormat::Form, Answer::Form(fields)) => {
            let bad = fields.keys().find(|f| !is_key(f) || f.contains('.'))?;
            Some((format!("{what} of form `{key}` has the field `{bad}`; use lowercase snake_case"), None))
        }
        (AnswerFormat::Text, Answer::Text(_)) => None,
        (format, _) => Some((format!("{what} of `{key}` does not fit a {format:?} question"), None)),
    }
}

fn shape_finding(path: &str, line: usize, (message, id): (String, Option<&str>), q: &Question) -> Finding {
    let finding = Finding::new(Code::TemplateReference, path, line, message);
    match id.and_then(|id| did_you_mean(id, q.options.iter().map(|o| o.id.as_str()))) {
        Some(s) => finding.help(format!("did you mean `{s}`?")),
        None => finding,
    }
}

fn describe(condition: &crate::model::Condition) -> String {
    let parts: Vec<String> = condition.iter().map(|(name, value)| format!("{name} = {value}")).collect();
    parts.join(" and ")
}

/// Questions that can never be asked: an `ask_if` fact no option can make hold, or a
/// dependency on such a question.
fn unreachable(
    template: &Template,
    keys: &HashMap<&str, &Question>,
    path: &str,
    at: &dyn Fn(usize) -> usize,
    out: &mut Vec<Finding>,
) {
    let form_facts = template.form_facts();
    let mut possible: HashMap<&str, Vec<&FactValue>> = HashMap::new();
    for (name, value) in &form_facts {
        possible.entry(name.as_str()).or_default().push(value);
    }
    for q in &template.questions {
        for option in &q.options {
            for (name, value) in &option.facts {
                possible.entry(name.as_str()).or_default().push(value);
            }
        }
    }
    let mut dead: HashSet<&str> = HashSet::new();
    for (i, q) in template.questions.iter().enumerate() {
        let impossible = q.ask_if.iter().find(|(name, allowed)| {
            possible.get(name.as_str()).is_none_or(|values| !values.iter().any(|v| v.holds_under(allowed)))
        });
        if let Some((name, allowed)) = impossible {
            dead.insert(&q.key);
            out.push(
                Finding::new(
                    Code::TemplateUnreachable,
                    path,
                    at(i),
                    format!("`{}` is asked only if {name} = {allowed}, which no option asserts", q.key),
                )
                .help("fix the `ask_if`, or add an option that asserts the fact"),
            );
        }
    }
    for (i, q) in template.questions.iter().enumerate() {
        for case in &q.recommend {
            let never = case.when.iter().find(|(name, allowed)| {
                possible.get(name.as_str()).is_none_or(|values| !values.iter().any(|v| v.holds_under(allowed)))
            });
            if let Some((name, allowed)) = never {
                out.push(
                    Finding::new(
                        Code::TemplateUnreachable,
                        path,
                        at(i),
                        format!("a recommendation of `{}` needs {name} = {allowed}, which no option asserts", q.key),
                    )
                    .help("fix its `when`, or remove the case"),
                );
            }
        }
    }
    // A question depending on a dead one is dead too; iterate until nothing changes.
    loop {
        let newly: Vec<(usize, &Question)> = (template.questions.iter().enumerate())
            .filter(|(_, q)| !dead.contains(q.key.as_str()))
            .filter(|(_, q)| q.depends_on.iter().any(|d| dead.contains(d.as_str()) && keys.contains_key(d.as_str())))
            .collect();
        if newly.is_empty() {
            break;
        }
        for (i, q) in newly {
            dead.insert(&q.key);
            out.push(Finding::new(
                Code::TemplateUnreachable,
                path,
                at(i),
                format!("`{}` depends on a question that can never be asked", q.key),
            ));
        }
    }
}

/// An option whose own facts break a template rule can never be a valid answer.
fn contradicting_options(
    template: &Template,
    rules: &[PlacedRule],
    path: &str,
    at: &dyn Fn(usize) -> usize,
    out: &mut Vec<Finding>,
) {
    for (i, q) in template.questions.iter().enumerate() {
        for option in &q.options {
            for placed in rules.iter().filter(|r| violated_alone(&r.rule, &option.facts)) {
                out.push(
                    Finding::new(
                        Code::TemplateContradiction,
                        path,
                        at(i),
                        format!(
                            "option `{}` of `{}` breaks rule `{}` on its own: {}",
                            option.id, q.key, placed.rule.id, placed.rule.message
                        ),
                    )
                    .related(Location::new(path, placed.at.line).with_message(format!("rule `{}`", placed.rule.id))),
                );
            }
        }
    }
}

/// Whether `facts` alone decide every fact the rule reads and violate it.
fn violated_alone(rule: &crate::model::Rule, facts: &Facts) -> bool {
    let holds = |name: &String, allowed: &FactValue| facts.get(name).map(|v| v.holds_under(allowed));
    if rule.defect().is_some() || !rule.when.iter().all(|(n, a)| holds(n, a) == Some(true)) {
        return false;
    }
    if rule.require.is_empty() {
        !rule.forbid.is_empty() && rule.forbid.iter().all(|(n, a)| holds(n, a) == Some(true))
    } else {
        rule.require.iter().any(|(n, a)| holds(n, a) == Some(false))
    }
}
