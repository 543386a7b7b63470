//! Template lint of what choices imply: every option that can be chosen says what it changes,
//! in words a team can test.

use crate::finding::{Code, Finding};
use crate::model::implies::{Implication, Scenario, parse_columns};
use crate::model::{AnswerFormat, Template};
use crate::words;
use std::collections::{HashMap, HashSet};

pub fn lint(template: &Template, path: &str, at: &dyn Fn(usize) -> usize, out: &mut Vec<Finding>) {
    // Facts some option asserts: a `when` on anything else can never hold.
    let form_facts = template.form_facts();
    let mut asserted: HashSet<&str> = form_facts.iter().map(|(name, _)| name.as_str()).collect();
    for q in &template.questions {
        for option in &q.options {
            asserted.extend(option.facts.keys().map(String::as_str));
        }
    }
    let mut operation_ids: HashMap<String, String> = HashMap::new();
    for (i, q) in template.questions.iter().enumerate() {
        let line = at(i);
        let mut report = Report { path, line, out: &mut *out };
        let question_says = q.implies.iter().any(|b| !b.requirements.is_empty());
        for block in &q.implies {
            report.block(block, &q.key, Some(&asserted), &mut operation_ids);
        }
        let choice = matches!(q.format, AnswerFormat::Single | AnswerFormat::Multi);
        if !choice && q.implies.iter().all(Implication::is_empty) {
            report.emit(
                Code::TemplateImpliesNothing,
                format!("`{}` implies nothing whatever the answer", q.key),
                "add `implies:` with the requirements its answer brings",
            );
        }
        for option in &q.options {
            let owner = format!("{}={}", q.key, option.id);
            for block in &option.implies {
                report.block(block, &owner, Some(&asserted), &mut operation_ids);
            }
            if choice && !question_says && !option.implies.iter().any(|b| !b.requirements.is_empty()) {
                report.emit(
                    Code::TemplateImpliesNothing,
                    format!("option `{}` of `{}` implies no requirement", option.id, q.key),
                    "add `implies:` with at least one EARS requirement and a scenario that proves it",
                );
            }
        }
    }
}

/// The same checks for what a hand-written decision implies, at its `implies:` line.
pub fn lint_decision(blocks: &[Implication], key: &str, path: &str, line: usize, out: &mut Vec<Finding>) {
    let mut report = Report { path, line, out };
    let mut operation_ids = HashMap::new();
    for block in blocks {
        report.block(block, key, None, &mut operation_ids);
    }
}

struct Report<'a> {
    path: &'a str,
    line: usize,
    out: &'a mut Vec<Finding>,
}

impl Report<'_> {
    fn emit(&mut self, code: Code, message: String, help: &str) {
        self.out.push(Finding::new(code, self.path, self.line, message).help(help.to_owned()));
    }

    fn block(
        &mut self,
        block: &Implication,
        owner: &str,
        asserted: Option<&HashSet<&str>>,
        operation_ids: &mut HashMap<String, String>,
    ) {
        let unknown = block.when.keys().filter(|n| asserted.is_some_and(|a| !a.contains(n.as_str())));
        for name in unknown {
            self.emit(
                Code::TemplateBadImplication,
                format!("`{owner}` implies something when `{name}` holds, but no option asserts `{name}`"),
                "name a fact an option of this template asserts",
            );
        }
        for r in &block.requirements {
            if let Err(why) = words::ears(&r.ears) {
                self.emit(
                    Code::TemplateBadImplication,
                    format!("`{owner}`: \"{}\" is not an EARS requirement: {why}", r.ears),
                    "write `When <trigger>, the system shall <response>.` (or The/While/If ..., then/Where)",
                );
            }
            self.smells(owner, "requirement", &r.ears);
            if r.scenarios.is_empty() {
                self.emit(
                    Code::TemplateImplicationSmell,
                    format!("`{owner}`: \"{}\" has no scenario that proves it", r.ears),
                    "add a `scenarios:` entry with concrete example data",
                );
            }
            for s in r.scenarios.iter().chain(&r.edge_cases) {
                self.scenario(owner, s);
            }
        }
        for nfr in &block.nfrs {
            if !words::is_measurable(nfr) {
                self.emit(
                    Code::TemplateImplicationSmell,
                    format!("`{owner}`: the non-functional requirement \"{nfr}\" has no number"),
                    "give the threshold to measure: p95 under 300 ms, 99.9% a month, 100 requests a minute",
                );
            }
            self.smells(owner, "non-functional requirement", nfr);
        }
        for op in &block.operations {
            if !op.path.starts_with('/') {
                self.emit(
                    Code::TemplateBadImplication,
                    format!("`{owner}`: the path of `{}` does not start with `/`", op.id),
                    "write the path from the API's root, e.g. `/invitations/{id}`",
                );
            }
            let camel = op.id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && op.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '{' || c == '}');
            if !camel {
                self.emit(
                    Code::TemplateBadImplication,
                    format!("`{owner}`: the operation id `{}` is not camelCase", op.id),
                    "operation ids become function names in every contract: `createInvitation`",
                );
            }
            if let Some(other) = operation_ids.insert(op.id.clone(), owner.to_owned())
                && other.split('=').next() != owner.split('=').next()
            {
                self.emit(
                    Code::TemplateBadImplication,
                    format!("`{owner}` and `{other}` both declare the operation `{}`", op.id),
                    "declare an operation once, where the choice that needs it is made",
                );
            }
        }
        for table in &block.tables {
            if let Err(why) = parse_columns(&table.columns) {
                self.emit(
                    Code::TemplateBadImplication,
                    format!("`{owner}`: the columns of `{}` do not parse: {why}", table.name),
                    "use the field syntax of `data.entities`: `email!, role:enum(owner|member), expires_at:datetime?`",
                );
            }
        }
        if let Some(columns) = &block.entity_columns
            && let Err(why) = parse_columns(columns)
        {
            self.emit(
                Code::TemplateBadImplication,
                format!("`{owner}`: `entity_columns` do not parse: {why}"),
                "use the field syntax of `data.entities`: `deleted_at:datetime?`",
            );
        }
        for screen in &block.screens {
            if !screen.route.starts_with('/') {
                self.emit(
                    Code::TemplateBadImplication,
                    format!("`{owner}`: the route of the screen `{}` does not start with `/`", screen.name),
                    "write the route as the browser shows it, e.g. `/settings/tokens`",
                );
            }
        }
    }

    fn scenario(&mut self, owner: &str, s: &Scenario) {
        if s.when.is_empty() || s.then.is_empty() {
            self.emit(
                Code::TemplateBadImplication,
                format!("`{owner}`: the scenario \"{}\" needs a `when` and a `then`", s.name),
                "a scenario is an action and its observable outcome",
            );
        }
        for step in s.given.iter().chain(&s.when).chain(&s.then) {
            if let Some(why) = words::vague_step(step) {
                self.emit(
                    Code::TemplateImplicationSmell,
                    format!("`{owner}`: in \"{}\", the step \"{step}\" states nothing checkable: {why}", s.name),
                    "name the actor, the example data and the outcome a test can observe",
                );
            }
        }
    }

    fn smells(&mut self, owner: &str, what: &str, text: &str) {
        for smell in words::smells(text) {
            self.emit(
                Code::TemplateImplicationSmell,
                format!("`{owner}`: the {what} \"{text}\" says `{}`: {}", smell.word, smell.advice),
                "a requirement a test can check names numbers, data and outcomes",
            );
        }
    }
}
