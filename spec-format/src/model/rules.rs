//! Rules files: `.specbuilder/rules.yaml`, `specs/<slug>/rules.yaml`, and a template's `rules`.

use crate::value::FactValue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Fact name -> allowed value(s).
pub type Condition = BTreeMap<String, FactValue>;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// `when` + `require`: if every `when` fact holds, every `require` fact must hold.
/// `forbid` (optionally under a `when`): these facts may not all hold at once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub when: Condition,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub require: Condition,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub forbid: Condition,
    pub message: String,
}

impl Rule {
    /// Every fact name the rule reads.
    pub fn fact_names(&self) -> impl Iterator<Item = &str> {
        self.when.keys().chain(self.require.keys()).chain(self.forbid.keys()).map(String::as_str)
    }

    /// Why the rule cannot be evaluated, if it is malformed.
    pub fn defect(&self) -> Option<&'static str> {
        match (self.when.is_empty(), self.require.is_empty(), self.forbid.is_empty()) {
            (_, true, true) => Some("a rule needs `require` (with `when`) or `forbid`"),
            (true, false, _) => Some("`require` needs a `when` that says when it applies"),
            (_, false, false) => Some("a rule has either `require` or `forbid`, not both"),
            _ => None,
        }
    }
}
