//! Secrets never enter a spec: answers, ideas and forms are scanned for what looks like a
//! secret (the rules are data, `secrets.yaml`). A hit names the rule and where it is, never the
//! secret itself, so nothing downstream (a message, a log, a database) can echo it.

use regex::{Regex, RegexSet};
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct RuleFile {
    rules: Vec<RuleSpec>,
}

#[derive(Deserialize)]
struct RuleSpec {
    id: String,
    what: String,
    regex: String,
    #[serde(default)]
    entropy: Option<f64>,
}

struct Rule {
    id: String,
    what: String,
    regex: Regex,
    entropy: Option<f64>,
}

/// A secret found: which rule, what it is, and the byte range of the text it spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secret {
    pub rule: String,
    pub what: String,
    pub start: usize,
    pub end: usize,
}

impl Secret {
    /// "a GitHub token (rule github-token) at characters 12-52": where, never what.
    pub fn describe(&self, text: &str) -> String {
        let from = text[..self.start].chars().count() + 1;
        let to = from + text[self.start..self.end].chars().count() - 1;
        format!("{} (rule `{}`) at characters {from}–{to}", self.what, self.rule)
    }
}

/// The rules, and one automaton over all of them that says in one pass whether any matches.
fn rules() -> &'static (Vec<Rule>, RegexSet) {
    static RULES: OnceLock<(Vec<Rule>, RegexSet)> = OnceLock::new();
    RULES.get_or_init(|| {
        // The rule file is part of the crate and tested; a bad rule is a build defect.
        let file: RuleFile = yaml_serde::from_str(include_str!("secrets.yaml")).expect("secrets.yaml parses");
        let set = RegexSet::new(file.rules.iter().map(|r| r.regex.as_str())).expect("the secret rules compile");
        let rules = (file.rules.into_iter())
            .map(|r| Rule {
                regex: Regex::new(&r.regex).unwrap_or_else(|e| panic!("secret rule `{}`: {e}", r.id)),
                id: r.id,
                what: r.what,
                entropy: r.entropy,
            })
            .collect();
        (rules, set)
    })
}

/// Shannon entropy in bits per character.
fn entropy(text: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in text.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = text.chars().count() as f64;
    counts.values().map(|&c| c as f64 / n).map(|p| -p * p.log2()).sum()
}

/// Every secret in `text`, in order of position, one per place.
pub fn scan(text: &str) -> Vec<Secret> {
    let mut found: Vec<Secret> = Vec::new();
    let (rules, set) = rules();
    if text.len() < 16 {
        return found;
    }
    for index in set.matches(text).iter() {
        let rule = &rules[index];
        for captures in rule.regex.captures_iter(text) {
            let Some(whole) = captures.get(1).or_else(|| captures.get(0)) else { continue };
            if rule.entropy.is_some_and(|min| entropy(whole.as_str()) < min) {
                continue;
            }
            if found.iter().any(|s| s.start < whole.end() && whole.start() < s.end) {
                continue;
            }
            found.push(Secret {
                rule: rule.id.clone(),
                what: rule.what.clone(),
                start: whole.start(),
                end: whole.end(),
            });
        }
    }
    found.sort_by_key(|s| s.start);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_found(text: &str) -> Vec<String> {
        scan(text).into_iter().map(|s| s.rule).collect()
    }

    #[test]
    fn provider_tokens_keys_and_passwords_are_found() {
        let cases = [
            ("our key is AKIAIOSFODNN7EXAMPLE for now", "aws-access-key-id"),
            ("use ghp_0123456789abcdefghijABCDEFGHIJ012345 in CI", "github-token"),
            ("glpat-abcdefghij0123456789", "gitlab-token"),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe-key"),
            ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow...", "private-key"),
            ("postgres://app:s3cr3t-Pa55@db.internal:5432/app", "password-in-url"),
            ("AIzaSyD-1234567890abcdefghijklmnopqrstu", "google-api-key"),
            ("client_secret = 'Zx8qP2mL9vR4tY7wK3nB6cF1'", "generic-secret"),
        ];
        for (text, rule) in cases {
            assert_eq!(rules_found(text), [rule], "{text}");
        }
    }

    #[test]
    fn ordinary_answers_are_not_secrets() {
        for text in [
            "Tokens expire after 30 days; the secret is stored as an argon2id hash.",
            "Project: name!, description:text?; Task: title, done:bool",
            "password: required, at least 12 characters",
            "https://example.com/docs/api-keys",
            "token = aaaaaaaaaaaaaaaaaaaa",
        ] {
            assert_eq!(rules_found(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn a_hit_says_where_and_never_what() {
        let text = "key: ghp_0123456789abcdefghijABCDEFGHIJ012345";
        let secret = &scan(text)[0];
        let said = secret.describe(text);
        assert_eq!(said, "a GitHub token (rule `github-token`) at characters 6–45");
        assert!(!said.contains("ghp_"));
    }
}
