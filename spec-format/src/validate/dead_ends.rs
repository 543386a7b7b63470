//! Dead ends: answers after which a question that still applies has no option left that agrees
//! with them, so the conversation cannot go on without changing an earlier answer.
//!
//! The search is bounded and goes backwards from each question: for each of its options, the
//! smallest sets of other answers that make that option contradict (a rule that reads its facts,
//! or another option asserting one of them differently); then every way of blocking all options at
//! once, each checked by the same fact index the conversation uses: the blocking answers must agree
//! with one another and with the rules, be answers a person can give (one option per single-choice
//! question, each question's `ask_if` met), and leave the question applying. Answers can be given in
//! any order (`answer <key>`), so such a set is reachable.

use crate::document::FieldLines;
use crate::facts::{Contribution, FactIndex, PlacedRule};
use crate::finding::{Code, Finding};
use crate::model::{AnswerFormat, Question, Template, TemplateOption};
use crate::value::Facts;
use std::collections::BTreeSet;

/// One answer: question index and option index.
type Pick = (usize, usize);

/// At most this many ways of blocking one question are tried; enough for the built-ins by far.
const COMBINATIONS_PER_QUESTION: usize = 20_000;

/// At most this many answer sets are tried per option and rule: a repository template (linted on
/// every pull request) cannot make the search explode with rules over many facts.
const SETS_PER_RULE: usize = 2_000;

/// Confirmations for the whole template: past this the search stops (a template's lint stays
/// within seconds whatever its size).
const BUDGET: usize = 200_000;

/// At most this many answer sets are checked per option, the smallest first.
const CANDIDATES_PER_OPTION: usize = 5_000;

pub fn lint(
    template: &Template,
    rules: &[PlacedRule],
    path: &str,
    at: &dyn Fn(usize) -> usize,
    out: &mut Vec<Finding>,
) {
    let search = Search {
        template,
        base: FactIndex::new(rules.to_vec()),
        lines: FieldLines::default(),
        budget: std::cell::Cell::new(BUDGET),
    };
    for (i, q) in template.questions.iter().enumerate() {
        if q.options.is_empty() || q.format == AnswerFormat::Text || q.allow_other {
            continue; // free text always has an answer
        }
        if let Some(picks) = search.dead_end(i) {
            let answers: Vec<String> = picks.iter().map(|&p| search.describe(p)).collect();
            out.push(
                Finding::new(
                    Code::TemplateDeadEnd,
                    path,
                    at(i),
                    format!("after {}, no option of `{}` agrees with the rules", answers.join(", "), q.key),
                )
                .help("relax a rule, add an option those answers allow, or keep the question from applying after them (`ask_if`)"),
            );
        }
    }
}

struct Search<'a> {
    template: &'a Template,
    base: FactIndex,
    lines: FieldLines,
    /// Confirmations left ([`BUDGET`]).
    budget: std::cell::Cell<usize>,
}

impl Search<'_> {
    fn option(&self, (q, o): Pick) -> (&Question, &TemplateOption) {
        let question = &self.template.questions[q];
        (question, &question.options[o])
    }

    fn describe(&self, pick: Pick) -> String {
        let (q, o) = self.option(pick);
        format!("{} = {}", q.key, o.id)
    }

    /// The fact index of `picks`, the options of one multi question merged as one answer.
    fn index_of(&self, picks: &BTreeSet<Pick>) -> FactIndex {
        let mut index = self.base.clone();
        let mut questions: Vec<usize> = picks.iter().map(|p| p.0).collect();
        questions.dedup();
        for qi in questions {
            let q = &self.template.questions[qi];
            let chosen = picks.iter().filter(|p| p.0 == qi).map(|&p| &self.option(p).1.facts);
            let facts = crate::model::decision::merged_facts(chosen);
            index.add(&Contribution { key: &q.key, path: &q.key, facts: &facts, lines: &self.lines });
        }
        index
    }

    fn contradicts(&self, index: &FactIndex, pick: Pick) -> bool {
        let (q, o) = self.option(pick);
        let candidate = Contribution { key: &q.key, path: &q.key, facts: &o.facts, lines: &self.lines };
        index.contradictions_with(&candidate).iter().any(|f| f.severity == crate::Severity::Error)
    }

    /// Options of other questions that assert `fact`, whatever the value.
    fn asserting(&self, fact: &str, except: usize) -> Vec<Pick> {
        let mut picks = Vec::new();
        for (qi, q) in self.template.questions.iter().enumerate().filter(|(qi, _)| *qi != except) {
            for (oi, o) in q.options.iter().enumerate() {
                if o.facts.contains_key(fact) {
                    picks.push((qi, oi));
                }
            }
        }
        picks
    }

    /// The smallest answer sets (of other questions) that make option `pick` contradict.
    fn blockers(&self, pick: Pick) -> Vec<BTreeSet<Pick>> {
        let (qi, _) = pick;
        let (_, option) = self.option(pick);
        let mut candidates: Vec<BTreeSet<Pick>> = Vec::new();
        // Another option asserting one of its facts differently.
        for fact in option.facts.keys() {
            candidates.extend(self.asserting(fact, qi).into_iter().map(|p| BTreeSet::from([p])));
        }
        // A rule that reads its facts, with the rule's other facts asserted by other answers (or
        // left undecided: a `require` needs only one of its facts broken).
        for placed in self.base.rules() {
            let rule = &placed.rule;
            if !rule.fact_names().any(|f| option.facts.contains_key(f)) {
                continue;
            }
            let others: BTreeSet<&str> = rule.fact_names().filter(|f| !option.facts.contains_key(*f)).collect();
            let mut sets = vec![BTreeSet::new()];
            for fact in others {
                let providers = self.asserting(fact, qi);
                let mut grown = Vec::with_capacity(sets.len() * (providers.len() + 1));
                for set in sets {
                    // The smaller set first, so a bound keeps the smallest.
                    grown.push(set.clone());
                    for &p in &providers {
                        let mut next = set.clone();
                        next.insert(p);
                        grown.push(next);
                    }
                }
                grown.truncate(SETS_PER_RULE);
                sets = grown;
            }
            candidates.extend(sets.into_iter().filter(|s| !s.is_empty()));
        }
        let mut found: Vec<BTreeSet<Pick>> = Vec::new();
        candidates.sort_by_key(BTreeSet::len);
        candidates.truncate(CANDIDATES_PER_OPTION);
        for set in candidates {
            if found.iter().any(|f| f.is_subset(&set)) {
                continue;
            }
            if self.coherent(&set).is_some_and(|index| self.contradicts(&index, pick)) {
                found.push(set);
            }
        }
        found
    }

    /// The fact index of answers a person can give together (one option per single-choice
    /// question, agreeing with one another and with the rules); `None` when they cannot.
    fn coherent(&self, picks: &BTreeSet<Pick>) -> Option<FactIndex> {
        let mut single: Vec<usize> = Vec::new();
        for &(q, _) in picks {
            if self.template.questions[q].format != AnswerFormat::Multi {
                if single.contains(&q) {
                    return None;
                }
                single.push(q);
            }
        }
        let index = self.index_of(picks);
        index.contradictions().iter().all(|f| f.severity != crate::Severity::Error).then_some(index)
    }

    /// Whether `q`'s `ask_if` holds given `facts`, adding answers that make it hold where its
    /// facts are undecided. The picks that complete it, or `None` if it cannot apply.
    fn applying(&self, q: usize, picks: &BTreeSet<Pick>) -> Option<BTreeSet<Pick>> {
        let mut picks = picks.clone();
        let facts = self.facts_of(&picks);
        for (name, allowed) in &self.template.questions[q].ask_if {
            match facts.get(name) {
                Some(value) if value.holds_under(allowed) => {}
                Some(_) => return None,
                None => {
                    let provider = self.asserting(name, q).into_iter().find(|&p| {
                        let (_, o) = self.option(p);
                        o.facts.get(name).is_some_and(|v| v.holds_under(allowed)) && !picks.iter().any(|x| x.0 == p.0)
                    })?;
                    picks.insert(provider);
                }
            }
        }
        Some(picks)
    }

    fn facts_of(&self, picks: &BTreeSet<Pick>) -> Facts {
        crate::model::decision::merged_facts(picks.iter().map(|&p| &self.option(p).1.facts))
    }

    /// Answers after which no option of question `q` agrees, if the bounded search finds some.
    fn dead_end(&self, q: usize) -> Option<BTreeSet<Pick>> {
        let options = self.template.questions[q].options.len();
        let mut per_option = Vec::with_capacity(options);
        for o in 0..options {
            let blockers = self.blockers((q, o));
            if blockers.is_empty() {
                return None; // this option can never be refused: no dead end here
            }
            per_option.push(blockers);
        }
        let mut tried = 0;
        let mut combination = vec![0usize; options];
        loop {
            let mut picks: BTreeSet<Pick> = BTreeSet::new();
            for (o, &choice) in combination.iter().enumerate() {
                picks.extend(per_option[o][choice].iter().copied());
            }
            if let Some(found) = self.confirm(q, picks) {
                return Some(found);
            }
            tried += 1;
            let left = self.budget.get().saturating_sub(1);
            self.budget.set(left);
            if left == 0 || tried >= COMBINATIONS_PER_QUESTION || !advance(&mut combination, &per_option) {
                return None;
            }
        }
    }

    /// `picks` with what makes `q` and each picked question apply, if all of it is coherent and
    /// every option of `q` contradicts it.
    fn confirm(&self, q: usize, picks: BTreeSet<Pick>) -> Option<BTreeSet<Pick>> {
        if picks.iter().any(|p| p.0 == q) {
            return None;
        }
        let mut complete = self.applying(q, &picks)?;
        for &(other, _) in &picks {
            complete = self.applying(other, &complete)?;
        }
        let index = self.coherent(&complete)?;
        let options = self.template.questions[q].options.len();
        (0..options).all(|o| self.contradicts(&index, (q, o))).then_some(complete)
    }
}

/// The next combination, odometer-style; false after the last.
fn advance(combination: &mut [usize], per_option: &[Vec<BTreeSet<Pick>>]) -> bool {
    for (digit, choices) in combination.iter_mut().zip(per_option) {
        *digit += 1;
        if *digit < choices.len() {
            return true;
        }
        *digit = 0;
    }
    false
}
