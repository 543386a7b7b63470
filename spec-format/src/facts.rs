//! The fact set of a project and the contradictions in it: fact conflicts and rule violations.
//!
//! Built once per project; checking one new answer against it touches only the facts that
//! answer asserts and the rules that read them, which is what keeps a bot reply fast.

use crate::document::FieldLines;
use crate::finding::{Code, Finding, Location};
use crate::model::Rule;
use crate::value::{FactValue, Facts};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// One decision asserting one fact.
#[derive(Clone, Debug)]
pub struct Assertion {
    pub value: FactValue,
    /// The asserting decision's key.
    pub key: String,
    /// Where the fact is written (the fact's line, else `facts:`, else `answer:`).
    pub at: Location,
}

/// A rule together with where it is written.
#[derive(Clone, Debug)]
pub struct PlacedRule {
    pub rule: Rule,
    pub at: Location,
}

/// A decision's contribution to the fact set.
#[derive(Clone, Copy, Debug)]
pub struct Contribution<'a> {
    pub key: &'a str,
    pub path: &'a str,
    pub facts: &'a Facts,
    pub lines: &'a FieldLines,
}

impl Contribution<'_> {
    /// Where `fact` is written: its own line, else `facts:`, else the answer it derives from.
    fn line_of(&self, fact: &str) -> usize {
        self.lines.get(&format!("facts.{fact}")).unwrap_or_else(|| self.lines.first_of(&["facts", "answer"]))
    }
}

/// Facts by name, with every decision that asserts each, plus the rules indexed by the facts
/// they read.
/// Cloning shares the rules, so a clone is cheap while it holds few facts (the template lint
/// tries many small fact sets against one rule set).
#[derive(Clone, Debug, Default)]
pub struct FactIndex {
    facts: HashMap<String, Vec<Assertion>>,
    rules: Arc<Vec<PlacedRule>>,
    rules_by_fact: Arc<HashMap<String, Vec<usize>>>,
}

impl FactIndex {
    pub fn new(rules: Vec<PlacedRule>) -> Self {
        let mut rules_by_fact: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, placed) in rules.iter().enumerate() {
            for name in placed.rule.fact_names() {
                let ids = rules_by_fact.entry(name.to_owned()).or_default();
                if ids.last() != Some(&i) {
                    ids.push(i);
                }
            }
        }
        FactIndex { facts: HashMap::new(), rules: Arc::new(rules), rules_by_fact: Arc::new(rules_by_fact) }
    }

    pub fn add(&mut self, c: &Contribution<'_>) {
        for (name, value) in c.facts {
            self.facts.entry(name.clone()).or_default().push(Assertion {
                value: value.clone(),
                key: c.key.to_owned(),
                at: Location::new(c.path, c.line_of(name)),
            });
        }
    }

    pub fn rules(&self) -> &[PlacedRule] {
        &self.rules
    }

    /// Every contradiction in the fact set: each conflicting fact once, each violated rule once.
    pub fn contradictions(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut names: Vec<&String> = self.facts.keys().collect();
        names.sort_unstable();
        for name in names {
            conflicts_of(name, &self.facts[name], &mut findings);
        }
        for placed in self.rules.iter() {
            if let Some(finding) = evaluate(placed, &|fact| Cow::Borrowed(self.lookup(fact))) {
                findings.push(finding);
            }
        }
        findings
    }

    /// The contradictions `candidate` would bring in if it replaced the decision with its key:
    /// conflicts on the facts it asserts and the rules that read them. Nothing else is re-checked.
    pub fn contradictions_with(&self, candidate: &Contribution<'_>) -> Vec<Finding> {
        let overlay = |fact: &str| -> Cow<'_, [Assertion]> {
            let mut merged: Vec<Assertion> =
                self.lookup(fact).iter().filter(|a| a.key != candidate.key).cloned().collect();
            if let Some(value) = candidate.facts.get(fact) {
                merged.push(Assertion {
                    value: value.clone(),
                    key: candidate.key.to_owned(),
                    at: Location::new(candidate.path, candidate.line_of(fact)),
                });
            }
            Cow::Owned(merged)
        };
        let mut findings = Vec::new();
        for name in candidate.facts.keys() {
            let assertions = overlay(name);
            let mut conflicts = Vec::new();
            conflicts_of(name, &assertions, &mut conflicts);
            findings.extend(
                conflicts
                    .into_iter()
                    .filter(|f| f.path == candidate.path || f.related.iter().any(|r| r.path == candidate.path)),
            );
        }
        let mut rule_ids: Vec<usize> =
            candidate.facts.keys().filter_map(|name| self.rules_by_fact.get(name)).flatten().copied().collect();
        rule_ids.sort_unstable();
        rule_ids.dedup();
        for id in rule_ids {
            if let Some(finding) = evaluate(&self.rules[id], &overlay) {
                findings.push(finding);
            }
        }
        findings
    }

    /// Whether some decision asserts `fact` with a value that holds under `allowed`.
    pub fn holds(&self, fact: &str, allowed: &FactValue) -> bool {
        self.lookup(fact).iter().any(|a| a.value.holds_under(allowed))
    }

    fn lookup(&self, fact: &str) -> &[Assertion] {
        self.facts.get(fact).map_or(&[], Vec::as_slice)
    }
}

/// Reports each assertion of `name` that disagrees with the first one.
fn conflicts_of(name: &str, assertions: &[Assertion], findings: &mut Vec<Finding>) {
    let Some((first, rest)) = assertions.split_first() else {
        return;
    };
    for other in rest.iter().filter(|a| !a.value.agrees_with(&first.value)) {
        findings.push(
            Finding::new(
                Code::FactConflict,
                other.at.path.clone(),
                other.at.line,
                format!(
                    "`{}` says {name} = {}, but `{}` says {name} = {}",
                    other.key, other.value, first.key, first.value
                ),
            )
            .related(first.at.clone().with_message(format!("{name} = {}", first.value)))
            .help(format!("change one of the two answers, or supersede `{}`", first.key)),
        );
    }
}

/// Whether the asserted values of one fact hold under `allowed`; `None` when undecided.
fn holds(assertions: &[Assertion], allowed: &FactValue) -> Option<bool> {
    if assertions.is_empty() {
        return None;
    }
    Some(assertions.iter().any(|a| a.value.holds_under(allowed)))
}

fn describe(name: &str, assertions: &[Assertion]) -> String {
    match assertions.first() {
        Some(a) => format!("{name} = {} (`{}`)", a.value, a.key),
        None => name.to_owned(),
    }
}

/// Evaluates one rule; a rule whose facts are undecided is silent.
fn evaluate<'s>(placed: &PlacedRule, lookup: &dyn Fn(&str) -> Cow<'s, [Assertion]>) -> Option<Finding> {
    let rule = &placed.rule;
    if rule.defect().is_some() {
        return None;
    }
    let mut sides: Vec<(String, Cow<'s, [Assertion]>)> = Vec::new();
    for (name, allowed) in &rule.when {
        let asserted = lookup(name);
        if holds(&asserted, allowed) != Some(true) {
            return None;
        }
        sides.push((name.clone(), asserted));
    }
    let (culprit, detail) = if !rule.require.is_empty() {
        let (name, allowed, asserted) = rule.require.iter().find_map(|(name, allowed)| {
            let asserted = lookup(name);
            (holds(&asserted, allowed) == Some(false)).then_some((name, allowed, asserted))
        })?;
        let when: Vec<String> = sides.iter().map(|(n, a)| describe(n, a)).collect();
        let detail =
            format!("{} requires {name} = {allowed}, but it is {}", when.join(" and "), describe(name, &asserted));
        (asserted, detail)
    } else {
        let mut forbidden = Vec::new();
        for (name, allowed) in &rule.forbid {
            let asserted = lookup(name);
            if holds(&asserted, allowed) != Some(true) {
                return None;
            }
            forbidden.push((name.clone(), asserted));
        }
        let described: Vec<String> = forbidden.iter().map(|(n, a)| describe(n, a)).collect();
        let detail = format!("{} may not all hold at once", described.join(", "));
        let (_, culprit) = forbidden.pop()?;
        sides.extend(forbidden);
        (culprit, detail)
    };
    let primary = culprit.first()?;
    let mut finding = Finding::new(
        Code::RuleViolation,
        primary.at.path.clone(),
        primary.at.line,
        format!("rule `{}` is violated: {} ({detail})", rule.id, rule.message),
    );
    for (name, assertions) in &sides {
        for a in assertions.iter() {
            finding = finding.related(a.at.clone().with_message(format!("{name} = {} (`{}`)", a.value, a.key)));
        }
    }
    Some(
        finding
            .related(placed.at.clone().with_message(format!("rule `{}`", rule.id)))
            .help("change one of the answers involved, or the rule if it no longer holds"),
    )
}
