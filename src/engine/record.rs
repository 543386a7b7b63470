//! Turning a question and a reply into the decision file that records it.

use spec_format::model::{Answer, Decision, Question, Status};

/// Who answered and when, for the decision's provenance.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// `<forge>:<login>` or `local:<git user>`.
    pub answered_by: String,
    /// RFC 3339.
    pub answered_at: String,
    pub source: Option<String>,
}

/// The decision for `q`: the question as asked, the options offered, the answer, and the
/// facts that answer asserts written out so the file reads on its own.
pub fn decision(
    q: &Question,
    answer: Option<Answer>,
    status: Status,
    assumption: Option<String>,
    by: Provenance,
) -> Decision {
    let mut decision = Decision {
        key: q.key.clone(),
        question: q.text.clone(),
        category: Some(q.category.clone()),
        format: q.format,
        options: q.options.iter().map(|o| o.answer_option()).collect(),
        answer,
        facts: Default::default(),
        status,
        assumption,
        depends_on: q.depends_on.clone(),
        supersedes: Vec::new(),
        locked: false,
        answered_by: Some(by.answered_by),
        answered_at: Some(by.answered_at),
        source: by.source,
        implies: Vec::new(),
        body: String::new(),
    };
    if status.is_in_force() {
        decision.facts = decision.effective_facts();
    }
    decision
}

/// The short form of an answer for a commit message: `auth.signup = invite`.
pub fn summary(decision: &Decision) -> String {
    match (&decision.answer, decision.status) {
        (_, Status::Deferred) => format!("{} deferred", decision.key),
        (Some(answer), Status::Assumed) => format!("{} = {answer} (assumed)", decision.key),
        (Some(answer), _) => format!("{} = {answer}", decision.key),
        (None, _) => decision.key.clone(),
    }
}
