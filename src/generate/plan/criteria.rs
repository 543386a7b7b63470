//! The words of a task's acceptance criteria, and which capability delivers each requirement.

use crate::generate::implied::{Body, Implied, Item, Operation, Origin};
use crate::generate::spec::Requirement;
use std::collections::{BTreeMap, BTreeSet};

/// What a successful call answers: "`POST /invitations` answers 201 with an `Invitation`".
pub(super) fn answer_criterion(op: &Operation) -> String {
    let call = format!("`{} {}`", op.method, op.path);
    match &op.response {
        Body::Type { name, list: true } => {
            format!("{call} answers 200 with a list of `{name}`, as `openapi.yaml` describes `{}`", op.id)
        }
        Body::Type { name, list: false } => {
            format!("{call} answers with one `{name}`, as `openapi.yaml` describes `{}`", op.id)
        }
        Body::Fields(fields) => {
            let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            format!("{call} answers with {}, as `openapi.yaml` describes `{}`", names.join(", "), op.id)
        }
        Body::None => format!("{call} answers 204 once it is done, as `openapi.yaml` describes `{}`", op.id),
    }
}

/// Gives each requirement to the one capability of its block whose words it shares most
/// (an operation first on a tie), so a criterion is checked once, where it is built.
pub(super) fn owners(implied: &Implied, requirements: &BTreeMap<&str, &Requirement>) -> BTreeMap<String, String> {
    let mut candidates: Vec<(&Origin, String, BTreeSet<String>)> = Vec::new();
    for o in &implied.operations {
        let text = format!("{} {} {}", split_camel(&o.id), o.path, o.summary);
        candidates.push((&o.origin, format!("op:{}", o.id), words_of(&text)));
    }
    for (list, kind) in [(&implied.screens, "screen"), (&implied.jobs, "job"), (&implied.notifications, "notification")]
    {
        for i in list {
            let text = format!("{} {} {}", i.name.replace(['_', '/', '-'], " "), i.detail, i.purpose);
            candidates.push((&i.origin, format!("{kind}:{}", i.name), words_of(&text)));
        }
    }
    let mut owners = BTreeMap::new();
    for (id, r) in requirements {
        let statement = words_of(&r.statement);
        let best = (candidates.iter())
            .filter(|(origin, _, _)| origin.requirements.iter().any(|x| x == id))
            .enumerate()
            .max_by_key(|(n, (_, _, words))| (words.intersection(&statement).count(), std::cmp::Reverse(*n)));
        if let Some((_, (_, handle, _))) = best {
            owners.insert((*id).to_owned(), handle.clone());
        }
    }
    owners
}

/// `createInvitation` -> `create invitation`.
fn split_camel(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The content words of a text, lowercased, plural `s` dropped.
fn words_of(text: &str) -> BTreeSet<String> {
    const STOP: &[&str] = &[
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "is", "it", "its", "be",
        "shall", "system", "when", "while", "where", "if", "then", "that", "this", "their", "them", "they", "as",
        "from", "every", "each", "one", "no", "not", "any", "id",
    ];
    (text.split(|c: char| !c.is_ascii_alphanumeric()))
        .map(|w| w.to_ascii_lowercase())
        .filter(|w| w.len() > 1 && !STOP.contains(&w.as_str()))
        .map(|w| stem(&w).to_owned())
        .collect()
}

/// A crude English stem, enough to match "accepted" with "accept" and "invites" with "invite".
fn stem(word: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(stem) = word.strip_suffix(suffix)
            && stem.len() >= 4
        {
            return stem;
        }
    }
    word
}

/// "REQ-x: statement — proved by “scenario”".
pub(super) fn criterion(r: &Requirement) -> String {
    match r.scenarios.first() {
        Some(s) => format!("{}: {} — proved by the scenario \"{}\"", r.id, r.statement.trim_end_matches('.'), s.name),
        None => format!("{}: {}", r.id, r.statement.trim_end_matches('.')),
    }
}

pub(super) fn setting_criterion(item: &Item) -> String {
    let secret = if item.secret { ", a secret never written to logs" } else { "" };
    let default = if item.detail.is_empty() { String::new() } else { format!(" ({})", item.detail) };
    format!("`{}`{default}{secret}: {}", item.name, lower(&item.purpose))
}

pub(super) fn lower(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}
