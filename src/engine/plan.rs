//! Where a project stands against its template: the next question, the questions its depth
//! skips (answered by assumption), and per target what is decided and what blocks it.

use serde::Serialize;
use spec_format::model::{Answer, AnswerFormat, Depth, Question, Template};
use spec_format::value::FactValue;
use spec_format::workspace::ProjectSpec;
use std::collections::{HashMap, HashSet};

/// A project read against its template.
pub struct Plan<'a> {
    template: &'a Template,
    depth: Depth,
    targets: Vec<String>,
    /// Keys with a decision file, whatever its status: a key is never asked twice.
    asked: HashSet<&'a str>,
    /// Keys decided and in force (accepted or assumed).
    in_force: HashSet<&'a str>,
    facts: HashMap<&'a str, Vec<&'a FactValue>>,
}

/// Whether a question applies, given what is decided so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Applies {
    Yes,
    /// An `ask_if` fact or a dependency is not decided yet.
    NotYet,
    /// An `ask_if` fact is decided and rules the question out.
    Never,
}

/// The question to ask next, with what a user needs to answer it well.
#[derive(Debug, Serialize)]
pub struct NextQuestion<'a> {
    pub key: &'a str,
    pub text: &'a str,
    /// Why it matters.
    pub why: Option<&'a str>,
    pub category: &'a str,
    pub format: &'static str,
    pub options: Vec<NumberedOption<'a>>,
    pub allow_other: bool,
    /// The template default and its reason.
    pub recommended: Option<Recommendation<'a>>,
}

#[derive(Debug, Serialize)]
pub struct NumberedOption<'a> {
    /// What to reply to choose it: 1, 2, ...
    pub number: usize,
    pub id: &'a str,
    pub label: &'a str,
    /// Why choosing it now would be refused: the rule or decision it clashes with ([`vet`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contradicts: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Recommendation<'a> {
    /// An option id, a list of ids (multi) or a mapping (form).
    #[serde(rename = "id")]
    pub answer: Answer,
    pub reason: Option<&'a str>,
    /// Set when the rules moved the recommendation off the template's default, saying why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
}

/// Checks every option of `next` against the facts and rules in force: an option that would
/// contradict says so, and a recommendation that would contradict moves to the first option
/// that does not (or goes, when none is left).
pub fn vet(next: &mut NextQuestion<'_>, template: &Template, index: &spec_format::facts::FactIndex) {
    let Some(q) = template.questions.iter().find(|q| q.key == next.key) else { return };
    let lines = spec_format::document::FieldLines::default();
    let clash = |ids: &[&str]| {
        let facts = chosen_facts(q, ids);
        let contribution = spec_format::facts::Contribution { key: &q.key, path: "", facts: &facts, lines: &lines };
        (index.contradictions_with(&contribution).into_iter())
            .find(|f| f.severity == spec_format::Severity::Error)
            .map(|f| f.message)
    };
    // A multi option is judged with the recommended ones it would join (a rule may ask for two
    // together), and marked only when it clashes both with them and alone.
    let recommended: Vec<&str> = match (&next.recommended, q.format) {
        (Some(r), AnswerFormat::Multi) => r.answer.chosen_ids(),
        _ => Vec::new(),
    };
    for option in &mut next.options {
        let alone = clash(&[option.id]);
        option.contradicts = match alone {
            Some(_) if !recommended.is_empty() => {
                let mut together = recommended.clone();
                together.push(option.id);
                clash(&together).and(alone)
            }
            alone => alone,
        };
    }
    if !recommended.is_empty() && clash(&recommended).is_none() {
        return; // the recommended set agrees as a whole
    }
    let Some(recommended) = &next.recommended else { return };
    let chosen = recommended.answer.chosen_ids();
    let clash = next.options.iter().find(|o| chosen.contains(&o.id)).and_then(|o| o.contradicts.clone());
    let Some(clash) = clash else { return };
    let default = recommended.answer.to_string();
    let because = Some(format!("the template's default `{default}` would contradict what is decided: {clash}"));
    // A multi question keeps the recommended options that agree; a single one moves to the
    // first option that does.
    let agreeing: Vec<String> = (next.options.iter())
        .filter(|o| chosen.contains(&o.id) && o.contradicts.is_none())
        .map(|o| o.id.to_owned())
        .collect();
    let answer = if q.format == AnswerFormat::Multi && !agreeing.is_empty() {
        Some(Answer::List(agreeing))
    } else {
        next.options.iter().find(|o| o.contradicts.is_none()).map(|o| Answer::Text(o.id.to_owned()))
    };
    next.recommended = answer.map(|answer| Recommendation { answer, reason: None, because });
}

/// What `q` recommends where `holds(fact, allowed)` says which facts hold: the first `recommend`
/// case whose facts all hold, else the default.
pub fn recommend_for<'q>(
    q: &'q Question,
    holds: &dyn Fn(&str, &FactValue) -> bool,
) -> Option<(&'q Answer, Option<&'q str>)> {
    match q.recommend.iter().find(|case| case.when.iter().all(|(name, allowed)| holds(name, allowed))) {
        Some(case) => Some((&case.answer, Some(case.reason.as_str()))),
        None => Some((q.default.as_ref()?, q.assume_reason.as_deref())),
    }
}

/// The facts a decision choosing `ids` of `q` asserts (merged as a decision file merges them).
fn chosen_facts(q: &Question, ids: &[&str]) -> spec_format::value::Facts {
    spec_format::model::decision::merged_facts(
        q.options.iter().filter(|o| ids.contains(&o.id.as_str())).map(|o| &o.facts),
    )
}

impl Recommendation<'_> {
    /// Whether the recommendation chooses option `id`.
    pub fn chooses(&self, id: &str) -> bool {
        self.answer.chosen_ids().contains(&id)
    }
}

/// A question the chosen depth does not ask: its default is recorded as an assumption.
#[derive(Debug, Serialize)]
pub struct Assumption<'a> {
    pub key: &'a str,
    pub default: &'a Answer,
    pub reason: Option<&'a str>,
}

/// How far one target artifact is from being generable.
#[derive(Debug, Serialize)]
pub struct TargetProgress<'a> {
    pub target: String,
    pub decided: usize,
    pub needed: usize,
    /// Required keys not decided yet, in the order they would be asked.
    pub blockers: Vec<&'a str>,
    /// Every key the target needs, decided or not.
    #[serde(skip)]
    pub needed_keys: Vec<&'a str>,
}

impl<'a> Plan<'a> {
    pub fn new(template: &'a Template, project: &'a ProjectSpec) -> Plan<'a> {
        let (depth, targets) = project
            .project
            .as_ref()
            .map(|p| (p.value.depth, p.value.targets.clone()))
            .unwrap_or((Depth::Standard, Vec::new()));
        let mut plan =
            Plan { template, depth, targets, asked: HashSet::new(), in_force: HashSet::new(), facts: HashMap::new() };
        for doc in &project.decisions {
            let decision = doc.decision();
            plan.asked.insert(&decision.key);
            if decision.status.is_in_force() {
                plan.in_force.insert(&decision.key);
                for (name, value) in &doc.facts {
                    plan.facts.entry(name.as_str()).or_default().push(value);
                }
            }
        }
        plan
    }

    /// What the template recommends for `q` now, and why: the first `recommend` case whose
    /// facts hold, else the default.
    pub fn recommendation(&self, q: &'a Question) -> Option<(&'a Answer, Option<&'a str>)> {
        recommend_for(q, &|name, allowed| {
            self.facts.get(name).is_some_and(|values| values.iter().any(|v| v.holds_under(allowed)))
        })
    }

    fn applies(&self, q: &Question) -> Applies {
        for (name, allowed) in &q.ask_if {
            match self.facts.get(name.as_str()) {
                None => return Applies::NotYet,
                Some(values) if !values.iter().any(|v| v.holds_under(allowed)) => return Applies::Never,
                Some(_) => {}
            }
        }
        if q.depends_on.iter().all(|d| self.in_force.contains(d.as_str())) { Applies::Yes } else { Applies::NotYet }
    }

    /// Whether the project's targets need the question: it is required by one of them, or
    /// it is a general question no artifact lists (those shape everything).
    fn relevant(&self, q: &Question) -> bool {
        if self.targets.is_empty() {
            return true;
        }
        let required_by = |target: &String| {
            q.required_for.contains(target)
                || self.template.artifacts.get(target).is_some_and(|a| a.requires.contains(&q.key))
        };
        let listed_anywhere =
            !q.required_for.is_empty() || self.template.artifacts.values().any(|a| a.requires.contains(&q.key));
        self.targets.iter().any(required_by) || !listed_anywhere
    }

    /// Questions that could be asked now, highest priority first (template order breaks ties).
    fn open(&self) -> Vec<&'a Question> {
        let mut open: Vec<(usize, &Question)> = (self.template.questions.iter().enumerate())
            .filter(|(_, q)| {
                !self.asked.contains(q.key.as_str()) && self.relevant(q) && self.applies(q) == Applies::Yes
            })
            .collect();
        open.sort_by_key(|(i, q)| (std::cmp::Reverse(q.priority), *i));
        open.into_iter().map(|(_, q)| q).collect()
    }

    /// The highest-priority question that applies now and that the depth asks.
    pub fn next_question(&self) -> Option<NextQuestion<'a>> {
        let q = self.open().into_iter().find(|q| q.depths.contains(&self.depth))?;
        Some(NextQuestion {
            key: &q.key,
            text: &q.text,
            why: q.why.as_deref(),
            category: &q.category,
            format: format_name(q.format),
            options: (q.options.iter().enumerate())
                .map(|(i, o)| NumberedOption { number: i + 1, id: &o.id, label: &o.label, contradicts: None })
                .collect(),
            allow_other: q.allow_other,
            recommended: self.recommendation(q).map(|(answer, reason)| Recommendation {
                answer: answer.clone(),
                reason,
                because: None,
            }),
        })
    }

    /// Questions that apply now but that the depth skips: their defaults become assumptions.
    pub fn assumptions(&self) -> Vec<Assumption<'a>> {
        self.open()
            .into_iter()
            .filter(|q| !q.depths.contains(&self.depth))
            .filter_map(|q| {
                let (default, reason) = self.recommendation(q)?;
                Some(Assumption { key: &q.key, default, reason })
            })
            .collect()
    }

    /// Per target: the required keys that still apply, how many are decided, what blocks it.
    pub fn progress(&self) -> Vec<TargetProgress<'a>> {
        let targets: Vec<String> = if self.targets.is_empty() {
            self.template.artifacts.keys().cloned().collect()
        } else {
            self.targets.clone()
        };
        let by_key: HashMap<&str, &Question> = self.template.questions.iter().map(|q| (q.key.as_str(), q)).collect();
        targets
            .into_iter()
            .map(|target| {
                let mut needed: Vec<&'a str> = Vec::new();
                if let Some(requirements) = self.template.artifacts.get(&target) {
                    needed.extend(requirements.requires.iter().map(String::as_str));
                }
                for q in self.template.questions.iter().filter(|q| q.required_for.contains(&target)) {
                    if !needed.contains(&q.key.as_str()) {
                        needed.push(&q.key);
                    }
                }
                // A question ruled out by earlier answers is not needed: nothing can answer it.
                needed.retain(|key| by_key.get(key).is_none_or(|q| self.applies(q) != Applies::Never));
                let decided = needed.iter().filter(|k| self.in_force.contains(*k)).count();
                let mut blockers: Vec<&'a str> =
                    needed.iter().copied().filter(|k| !self.in_force.contains(k)).collect();
                blockers.sort_by_key(|k| by_key.get(k).map(|q| std::cmp::Reverse(q.priority)));
                TargetProgress { target, decided, needed: needed.len(), blockers, needed_keys: needed }
            })
            .collect()
    }
}

fn format_name(format: AnswerFormat) -> &'static str {
    match format {
        AnswerFormat::Single => "single",
        AnswerFormat::Multi => "multi",
        AnswerFormat::Form => "form",
        AnswerFormat::Text => "text",
    }
}
