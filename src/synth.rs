//! Synthetic projects for benchmarks: realistic decision files and rules at any size.
//!
//! The project is consistent (no finding), so a benchmark measures the full work of a clean
//! check, where every rule is evaluated and no early exit helps.

use spec_format::RepoFile;

/// A project `specs/<slug>/` with `decisions` decision files and `rules` rules.
pub fn project(slug: &str, decisions: usize, rules: usize) -> Vec<RepoFile> {
    let dir = format!("specs/{slug}");
    let mut files = vec![RepoFile::new(
        format!("{dir}/project.md"),
        "---\nname: Synthetic\ntemplate: saas-web\ntargets:\n- prd\n- schema\n---\nA generated project.\n",
    )];
    for i in 0..decisions {
        files.push(RepoFile::new(format!("{dir}/decisions/{}.md", key(i)), decision(i)));
    }
    files.push(RepoFile::new(format!("{dir}/rules.yaml"), rules_yaml(decisions, rules)));
    files
}

/// The key of decision `i`, spread over 40 categories like a real template.
pub fn key(i: usize) -> String {
    format!("area{}.q{i}", i % 40)
}

/// Decision `i` chooses option `o{i % 3}`, asserting `f{i}` plus a category fact it shares
/// with the other decisions of its category, and depends on an earlier decision.
pub fn decision(i: usize) -> String {
    decision_answering(i, i % 3)
}

/// Decision `i` answered with option `choice` (0..3).
pub fn decision_answering(i: usize, choice: usize) -> String {
    let this = key(i);
    let mut text = format!(
        "---\nkey: {this}\nquestion: Which option fits requirement {i} best?\ncategory: area{}\nformat: single\noptions:\n",
        i % 40
    );
    for o in 0..3 {
        text.push_str(&format!(
            "- id: o{o}\n  label: Option {o} for requirement {i}\n  facts:\n    f{i}: v{o}\n    area{}.enabled: true\n",
            i % 40
        ));
    }
    text.push_str(&format!("answer: o{choice}\nstatus: accepted\n"));
    if i >= 40 {
        text.push_str(&format!("depends_on:\n- {}\n", key(i - 40)));
    }
    text.push_str("answered_by: local:bench\nanswered_at: 2026-11-24T10:00:00Z\n---\nBecause the benchmark says so.\n");
    text
}

/// `rules` rules over the facts of `decisions` decisions, all satisfied: `when` rules require
/// what the chosen answers assert, `forbid` rules name combinations no answer makes.
pub fn rules_yaml(decisions: usize, rules: usize) -> String {
    let mut text = String::from("rules:\n");
    for r in 0..rules {
        let a = (r * 7) % decisions.max(1);
        let b = (r * 13 + 1) % decisions.max(1);
        if r % 2 == 0 {
            text.push_str(&format!(
                "- id: rule-{r}\n  when:\n    f{a}: v{}\n  require:\n    f{b}: [v0, v1, v2]\n  message: Requirement {a} needs requirement {b}.\n",
                a % 3
            ));
        } else {
            text.push_str(&format!(
                "- id: rule-{r}\n  forbid:\n    f{a}: v{}\n    f{b}: v{}\n  message: Requirements {a} and {b} exclude each other.\n",
                a % 3,
                (b + 1) % 3
            ));
        }
    }
    text
}

/// A template with `questions` questions over the same keys and facts as [`decision`], so a
/// project made by [`project`] has answered its first questions. Block style, as the
/// canonical writer produces it.
pub fn template(id: &str, questions: usize) -> String {
    template_of(id, 0..questions)
}

/// A template of the questions `keys` (numbers as in [`key`]): beside a project of
/// `keys.start` decisions, every one of them is open.
pub fn template_of(id: &str, keys: std::ops::Range<usize>) -> String {
    let mut text = format!("id: {id}\nname: Synthetic\nversion: 1\nquestions:\n");
    let first = keys.start;
    for i in keys.clone() {
        text.push_str(&format!(
            "- key: {}\n  text: Which option fits requirement {i} best?\n  why: The benchmark needs it.\n  category: area{}\n  default: o0\n  assume_reason: The first option is usually right.\n  priority: {}\n  options:\n",
            key(i),
            i % 40,
            i % 7
        ));
        for o in 0..3 {
            text.push_str(&format!(
                "  - id: o{o}\n    label: Option {o} for requirement {i}\n    facts:\n      f{i}: v{o}\n"
            ));
        }
        if i >= first + 40 {
            text.push_str(&format!("  depends_on: [{}]\n", key(i - 40)));
        }
    }
    text.push_str("artifacts:\n  prd:\n    requires: [");
    text.push_str(&keys.take(50).map(key).collect::<Vec<_>>().join(", "));
    text.push_str("]\n");
    text
}

/// A `data.entities` decision naming `count` entities of six fields, each referencing the one
/// before it, for benchmarks of the generators.
pub fn entities_decision(count: usize) -> String {
    let mut answer = String::new();
    for i in 0..count {
        answer.push_str(&format!("Thing{i}: name!, notes:text?, amount:decimal, due:date?, done:bool, data:json?"));
        if i > 0 {
            answer.push_str(&format!(", parent:Thing{}", i - 1));
        }
        answer.push_str("; ");
    }
    format!(
        "---\nkey: data.entities\nquestion: What are the main things the product keeps track of?\ncategory: data\nformat: text\nanswer: \"{answer}\"\nstatus: accepted\n---\n"
    )
}

/// Every question of `template` answered with its recommended option, as decision files of
/// project `slug` (except `data.entities`): what the template implies, at full size.
pub fn template_decisions(slug: &str, template: &spec_format::model::Template) -> Vec<RepoFile> {
    use spec_format::model::{Decision, Status};
    (template.questions.iter())
        .filter(|q| q.key != "data.entities")
        .filter_map(|q| {
            let decision = Decision {
                key: q.key.clone(),
                question: q.text.clone(),
                category: Some(q.category.clone()),
                format: q.format,
                options: q.options.iter().map(|o| o.answer_option()).collect(),
                answer: Some(q.default.clone()?),
                facts: Default::default(),
                status: Status::Accepted,
                assumption: None,
                depends_on: Vec::new(),
                supersedes: Vec::new(),
                locked: false,
                answered_by: Some("local:bench".into()),
                answered_at: Some("2026-11-24T10:00:00Z".into()),
                source: None,
                implies: Vec::new(),
                body: String::new(),
            };
            Some(RepoFile::new(format!("specs/{slug}/decisions/{}.md", q.key), spec_format::write::decision(&decision)))
        })
        .collect()
}
