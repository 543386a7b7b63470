//! Question templates: the flows the interrogation engine asks from.

use crate::model::decision::{Answer, AnswerFormat, AnswerOption};
use crate::model::implies::Implication;
use crate::model::project::Depth;
use crate::model::rules::{Condition, Rule};
use crate::value::{FactValue, Facts};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub artifacts: BTreeMap<String, ArtifactRequirements>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub key: String,
    pub text: String,
    /// One line on why the question matters, shown with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    pub category: String,
    #[serde(default)]
    pub format: AnswerFormat,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<TemplateOption>,
    #[serde(default)]
    pub allow_other: bool,
    /// The recommended answer: an option id, a list of ids (multi), or a mapping (form; its keys
    /// are the form's fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Answer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assume_reason: Option<String>,
    /// Recommendations that depend on earlier answers, tried in order before `default`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recommend: Vec<Recommend>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ask_if: Condition,
    #[serde(default = "all_depths")]
    pub depths: Vec<Depth>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_for: Vec<String>,
    #[serde(default)]
    pub priority: i32,
    /// What answering the question implies whatever the answer (forms, text, shared needs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implies: Vec<Implication>,
}

/// A recommendation that holds when its `when` facts do: enterprise customers → SSO.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recommend {
    pub when: Condition,
    pub answer: Answer,
    pub reason: String,
}

impl Template {
    /// The facts form questions assert, one per field (`<key>.<field>`), with the default value.
    pub fn form_facts(&self) -> Vec<(String, &FactValue)> {
        let mut out = Vec::new();
        for q in self.questions.iter().filter(|q| q.format == AnswerFormat::Form) {
            if let Some(Answer::Form(fields)) = &q.default {
                out.extend(fields.iter().map(|(field, value)| (format!("{}.{field}", q.key), value)));
            }
        }
        out
    }
}

impl Question {
    /// The fields of a form question: the keys of its default.
    pub fn form_fields(&self) -> impl Iterator<Item = &str> {
        let fields = match &self.default {
            Some(Answer::Form(fields)) if self.format == AnswerFormat::Form => Some(fields.keys()),
            _ => None,
        };
        fields.into_iter().flatten().map(String::as_str)
    }
}

/// An option as a template offers it: what a decision records, plus what choosing it implies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateOption {
    pub id: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: Facts,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implies: Vec<Implication>,
}

impl TemplateOption {
    /// The option as a decision file records it (without its implications).
    pub fn answer_option(&self) -> AnswerOption {
        AnswerOption { id: self.id.clone(), label: self.label.clone(), facts: self.facts.clone() }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactRequirements {
    #[serde(default)]
    pub requires: Vec<String>,
}

fn all_depths() -> Vec<Depth> {
    vec![Depth::Quick, Depth::Standard, Depth::Thorough]
}
