//! A decision: one question and its answer, stored as `decisions/<key>.md`.

use crate::value::{FactValue, Facts};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// The front-matter fields of a decision, in the order the canonical writer emits them.
pub const DECISION_FIELDS: &[&str] = &[
    "key",
    "question",
    "category",
    "format",
    "options",
    "answer",
    "facts",
    "status",
    "assumption",
    "depends_on",
    "supersedes",
    "locked",
    "answered_by",
    "answered_at",
    "source",
    "implies",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub key: String,
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default)]
    pub format: AnswerFormat,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<AnswerOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: Facts,
    #[serde(default)]
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supersedes: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What a hand-written decision implies (a template's decisions take theirs from the
    /// template): the same blocks as a template option's `implies`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implies: Vec<crate::model::implies::Implication>,
    /// The Markdown after the front matter: the rationale, kept byte for byte.
    #[serde(skip)]
    pub body: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerFormat {
    #[default]
    Single,
    Multi,
    Form,
    Text,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Accepted,
    Assumed,
    Deferred,
    Superseded,
}

impl Status {
    /// Accepted and assumed decisions contribute facts; the others do not.
    pub fn is_in_force(self) -> bool {
        matches!(self, Status::Accepted | Status::Assumed)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Assumed => "assumed",
            Status::Deferred => "deferred",
            Status::Superseded => "superseded",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    pub id: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: Facts,
}

/// The prefix of a free answer where the template allows one: `other: SSO only`.
pub const OTHER_PREFIX: &str = "other:";

/// An answer as written: a string (an option id, `other:<text>`, or free text),
/// a list of option ids, or a form (a mapping of field to value).
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Text(String),
    List(Vec<String>),
    Form(BTreeMap<String, FactValue>),
}

impl Answer {
    /// The option ids this answer chooses (none for free text and forms).
    pub fn chosen_ids(&self) -> Vec<&str> {
        match self {
            Answer::Text(s) if !s.starts_with(OTHER_PREFIX) => vec![s.as_str()],
            Answer::List(ids) => ids.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Text(s) => f.write_str(s),
            Answer::List(ids) => f.write_str(&ids.join(", ")),
            Answer::Form(fields) => {
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                Ok(())
            }
        }
    }
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Text(v) => s.serialize_str(v),
            Answer::List(v) => v.serialize(s),
            Answer::Form(v) => v.serialize(s),
        }
    }
}

struct AnswerVisitor;

impl<'de> Visitor<'de> for AnswerVisitor {
    type Value = Answer;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an option id, a list of option ids, text, or a mapping")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Answer, E> {
        Ok(Answer::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Answer, E> {
        Ok(Answer::Text(v))
    }
    // Option ids such as `2fa` or `10` may arrive as YAML numbers or booleans.
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Answer, E> {
        Ok(Answer::Text(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Answer, E> {
        Ok(Answer::Text(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Answer, E> {
        Ok(Answer::Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Answer, E> {
        Ok(Answer::Text(v.to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Answer, A::Error> {
        let mut ids = Vec::new();
        while let Some(id) = seq.next_element::<crate::value::Scalar>()? {
            ids.push(id.to_string());
        }
        Ok(Answer::List(ids))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Answer, A::Error> {
        let mut fields = BTreeMap::new();
        while let Some((k, v)) = map.next_entry::<String, FactValue>()? {
            fields.insert(k, v);
        }
        Ok(Answer::Form(fields))
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnswerVisitor)
    }
}

impl Decision {
    /// The facts this decision asserts: its own `facts` when written, otherwise the union of
    /// the chosen options' facts (a fact asserted by several chosen options becomes a list), or
    /// for a form each field as `<key>.<field>`.
    pub fn effective_facts(&self) -> Facts {
        if !self.facts.is_empty() {
            return self.facts.clone();
        }
        let mut facts = Facts::new();
        let Some(answer) = &self.answer else {
            return facts;
        };
        // A form's fields are facts of their own: `ops.targets` answered `{p95_ms: 300}`
        // asserts `ops.targets.p95_ms = 300`.
        if let Answer::Form(fields) = answer {
            for (field, value) in fields {
                facts.insert(format!("{}.{field}", self.key), value.clone());
            }
            return facts;
        }
        let chosen = answer.chosen_ids();
        merged_facts(self.options.iter().filter(|o| chosen.contains(&o.id.as_str())).map(|o| &o.facts))
    }
}

/// The facts of several chosen options together: a fact asserted by several becomes a list.
pub fn merged_facts<'a>(chosen: impl IntoIterator<Item = &'a Facts>) -> Facts {
    let mut facts = Facts::new();
    for option in chosen {
        for (name, value) in option {
            match facts.get_mut(name) {
                None => {
                    facts.insert(name.clone(), value.clone());
                }
                Some(existing) if !existing.agrees_with(value) => {
                    let mut merged = existing.scalars().to_vec();
                    merged.extend(value.scalars().iter().filter(|s| !existing.scalars().contains(s)).cloned());
                    *existing = FactValue::List(merged);
                }
                Some(_) => {}
            }
        }
    }
    facts
}
