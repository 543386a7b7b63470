//! Two changes overlap when they touch the same decision, or facts one rule reads: merged one
//! after the other, the second may contradict the first without either author seeing it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a change touches: `slug/key` of each decision added, changed or removed, and
/// `slug/rule-id` of each rule reading a fact those decisions assert (before or after).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footprint {
    pub keys: BTreeSet<String>,
    pub rules: BTreeSet<String>,
}

impl Footprint {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Another change touching what this one touches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Overlap {
    /// The other change: a revision, or `#12` for a pull request.
    pub other: String,
    /// Decisions both change (`slug/key`).
    pub keys: Vec<String>,
    /// Rules that relate what one changes to what the other changes (`slug/rule-id`).
    pub rules: Vec<String>,
}

/// How `mine` and `theirs` overlap, if they do. Rules alone count only when each side changes a
/// different decision the rule relates (the same decision is a key in common already).
pub fn between(other: &str, mine: &Footprint, theirs: &Footprint) -> Option<Overlap> {
    let keys: Vec<String> = mine.keys.intersection(&theirs.keys).cloned().collect();
    let rules: Vec<String> = mine.rules.intersection(&theirs.rules).cloned().collect();
    (!keys.is_empty() || !rules.is_empty()).then(|| Overlap { other: other.to_owned(), keys, rules })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn footprint(keys: &[&str], rules: &[&str]) -> Footprint {
        Footprint {
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
            rules: rules.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    #[test]
    fn same_key_or_related_facts_overlap_and_nothing_else() {
        let signup = footprint(&["p/auth.signup"], &["p/sso-needs-orgs"]);
        let orgs = footprint(&["p/tenancy.orgs"], &["p/sso-needs-orgs"]);
        let other = footprint(&["p/ui.theme"], &[]);
        assert_eq!(between("#2", &signup, &signup).unwrap().keys, ["p/auth.signup"]);
        assert_eq!(between("#3", &signup, &orgs).unwrap().rules, ["p/sso-needs-orgs"]);
        assert!(between("#4", &signup, &other).is_none());
    }
}
