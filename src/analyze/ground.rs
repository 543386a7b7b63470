//! Grounds the `brownfield-change` questions in the analysed code: a project-local copy of the
//! template whose first questions offer the real components and entry points as options.
//! It is a file like any repository template (`.specbuilder/templates/`), so the options are
//! versioned and reviewed with the spec, and every client (CLI, bot) sees the same questions.

use super::Analysis;
use spec_format::model::implies::{ImpliedRequirement, Scenario};
use spec_format::model::{Answer, Depth, Implication, Question, Template, TemplateOption};
use spec_format::value::{FactValue, Scalar};
use std::collections::BTreeMap;

/// The base template the grounded one extends.
pub const BASE: &str = "brownfield-change";

/// How many options a grounded question offers (more would not be read).
const OPTIONS: usize = 9;

/// The grounded template's id for a project.
pub fn template_id(slug: &str) -> String {
    format!("{BASE}-{slug}")
}

/// An option id from a name: lowercase letters, digits and `_`.
fn option_id(name: &str) -> String {
    let id: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    let id = id.trim_matches('_').to_owned();
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) { format!("m_{id}") } else { id }
}

fn option(id: String, label: String, fact: &str, value: &str) -> TemplateOption {
    let facts = BTreeMap::from([(fact.to_owned(), FactValue::One(Scalar::Str(value.to_owned())))]);
    let implies = vec![implication(fact, value)];
    TemplateOption { id, label, facts, implies }
}

/// What choosing a part of the code means for the change: its behaviour is pinned by tests.
fn implication(fact: &str, value: &str) -> Implication {
    let (ears, scenario) = if fact == "code.entry_point" && value == "none" {
        (
            "The system shall leave every entry point's requests and responses unchanged by this change.".to_owned(),
            Scenario {
                name: "Recorded requests answer as before".into(),
                given: vec!["100 requests recorded against the base release".into()],
                when: vec!["they are replayed against the changed build".into()],
                then: vec!["all 100 responses match the recorded status and body".into()],
            },
        )
    } else if fact == "code.entry_point" {
        (
            format!(
                "When a user reaches the change through `{value}`, the system shall answer every input the change does not target exactly as the base release does."
            ),
            Scenario {
                name: format!("Inputs the change does not target behave as before at {value}"),
                given: vec![format!("50 requests to `{value}` recorded against the base release")],
                when: vec!["they are replayed against the changed build".into()],
                then: vec!["every response the change does not target matches the recorded status and body".into()],
            },
        )
    } else {
        (
            format!(
                "The system shall keep every existing test of `{value}` passing, with none deleted or skipped, after the change."
            ),
            Scenario {
                name: format!("The tests of {value} still pass"),
                given: vec![format!("the tests of `{value}` pass on the base commit")],
                when: vec!["the change is applied and the test suite runs".into()],
                then: vec![format!("the same tests of `{value}` pass and the count of skipped tests is unchanged")],
            },
        )
    };
    Implication {
        requirements: vec![ImpliedRequirement { ears, scenarios: vec![scenario], edge_cases: Vec::new() }],
        ..Implication::default()
    }
}

/// `base` with the questions about the code put first.
pub fn grounded(base: &Template, slug: &str, analysis: &Analysis) -> Template {
    let mut template = base.clone();
    template.id = template_id(slug);
    template.name = format!("{} (grounded in the code of {slug})", base.name);
    let mut seen = std::collections::BTreeSet::new();
    let components: Vec<TemplateOption> = (analysis.components.iter())
        .filter(|c| seen.insert(option_id(&c.name)))
        .take(OPTIONS)
        .map(|c| {
            let label = format!("{} ({} files, {} lines)", c.name, c.files, c.loc);
            option(option_id(&c.name), label, "code.component", &c.name)
        })
        .collect();
    let mut questions = Vec::new();
    if let Some(first) = components.first() {
        questions.push(Question {
            key: "code.component".into(),
            text: "Which part of the code does the change centre on?".into(),
            why: Some(
                "Found by `specbuilder analyze`, the modules the code leans on most first: the one \
                 changed decides what depends on it, the tests to run and how carefully to roll out."
                    .into(),
            ),
            category: "product".into(),
            default: Some(Answer::Text(first.id.clone())),
            options: components,
            allow_other: true,
            assume_reason: Some("It is the module the rest of the code leans on most.".into()),
            priority: 99,
            ..question_defaults()
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut entries: Vec<TemplateOption> = (analysis.entry_points.iter())
        .filter_map(|e| {
            let name = e.name.as_deref().map_or(e.path.clone(), |n| format!("{} {n}", e.path));
            let id = option_id(&name);
            seen.insert(id.clone()).then(|| option(id, format!("{name} ({})", e.kind), "code.entry_point", &e.path))
        })
        .take(OPTIONS)
        .collect();
    if !entries.is_empty() {
        entries.push(option("none".into(), "None: nothing users start changes".into(), "code.entry_point", "none"));
        questions.push(Question {
            key: "code.entry_point".into(),
            text: "Through which entry point does the change reach users?".into(),
            why: Some("Entry points found in the code: the one the change sits behind is the one to test end to end and watch when it rolls out.".into()),
            category: "ops".into(),
            default: Some(Answer::Text(entries[0].id.clone())),
            options: entries,
            allow_other: true,
            assume_reason: Some("The first entry point found is the main way in.".into()),
            priority: 97,
            ..question_defaults()
        });
    }
    template.questions.splice(0..0, questions);
    template
}

/// A question with every optional field at its default, asked at every depth.
fn question_defaults() -> Question {
    Question {
        key: String::new(),
        text: String::new(),
        why: None,
        category: String::new(),
        format: Default::default(),
        options: Vec::new(),
        allow_other: false,
        default: None,
        recommend: Vec::new(),
        assume_reason: None,
        depends_on: Vec::new(),
        ask_if: Default::default(),
        depths: vec![Depth::Quick, Depth::Standard, Depth::Thorough],
        required_for: Vec::new(),
        priority: 0,
        implies: Vec::new(),
    }
}
