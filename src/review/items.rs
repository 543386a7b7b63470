//! Requirements, scenarios and tickets by id, as the committed artifacts state them: what a team
//! builds from is what is in the repository, so a change that did not regenerate shows as stale
//! artifacts instead.

use serde::Serialize;
use serde_json::Value;
use spec_format::RepoFile;
use std::collections::BTreeMap;

/// Items added, changed and removed, by id, with the line a reviewer reads for each.
#[derive(Debug, Default, Serialize)]
pub struct ItemChanges {
    pub added: Vec<Item>,
    pub changed: Vec<Item>,
    pub removed: Vec<Item>,
}

impl ItemChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

#[derive(Debug, Serialize)]
pub struct Item {
    pub id: String,
    /// A requirement's statement, a scenario's feature file, a ticket's title.
    pub text: String,
}

/// One side's items: id -> (what a reviewer reads, everything that counts as a change).
type Items = BTreeMap<String, (String, String)>;

fn compare(old: Items, new: Items) -> ItemChanges {
    let mut changes = ItemChanges::default();
    for (id, (text, whole)) in &new {
        match old.get(id) {
            None => changes.added.push(Item { id: id.clone(), text: text.clone() }),
            Some((_, was)) if was != whole => changes.changed.push(Item { id: id.clone(), text: text.clone() }),
            Some(_) => {}
        }
    }
    for (id, (text, _)) in old {
        if !new.contains_key(&id) {
            changes.removed.push(Item { id, text });
        }
    }
    changes
}

fn file<'a>(files: &'a [RepoFile], path: &str) -> Option<&'a [u8]> {
    files.iter().find(|f| f.path == path).map(|f| f.bytes.as_slice())
}

/// Requirements of `prd.json`, by `REQ-` id; a change in its statement, scenarios or edge cases
/// is a change.
pub fn requirements(dir: &str, base: &[RepoFile], head: &[RepoFile]) -> ItemChanges {
    let read = |files: &[RepoFile]| -> Items {
        let Some(bytes) = file(files, &format!("{dir}/artifacts/prd.json")) else { return Items::new() };
        let Ok(prd) = serde_json::from_slice::<Value>(bytes) else { return Items::new() };
        (prd["requirements"].as_array().into_iter().flatten())
            .filter_map(|r| {
                let id = r["id"].as_str()?.to_owned();
                Some((id, (r["statement"].as_str().unwrap_or_default().to_owned(), r.to_string())))
            })
            .collect()
    };
    compare(read(base), read(head))
}

/// Scenarios of the `.feature` files, by `<file>: <scenario name>`, read as the requirements
/// their tags cover; their steps and tags are what counts.
pub fn scenarios(dir: &str, base: &[RepoFile], head: &[RepoFile]) -> ItemChanges {
    let prefix = format!("{dir}/artifacts/");
    let read = |files: &[RepoFile]| -> Items {
        let mut items = Items::new();
        for f in files.iter().filter(|f| f.path.starts_with(&prefix) && f.path.ends_with(".feature")) {
            let name = &f.path[prefix.len()..];
            let text = String::from_utf8_lossy(&f.bytes);
            let mut current: Option<(String, String)> = None;
            let mut tags = String::new();
            for line in text.lines().map(str::trim) {
                let title = line.strip_prefix("Scenario:").or_else(|| line.strip_prefix("Scenario Outline:"));
                if let Some(title) = title {
                    if let Some((id, body)) = current.take() {
                        items.insert(id, covers(body));
                    }
                    current = Some((format!("{name}: {}", title.trim()), std::mem::take(&mut tags)));
                } else if line.starts_with('@') {
                    tags.push_str(line);
                } else if line.starts_with("Feature:") || line.starts_with("Rule:") {
                    if let Some((id, body)) = current.take() {
                        items.insert(id, covers(body));
                    }
                } else if let Some((_, body)) = current.as_mut()
                    && !line.is_empty()
                    && !line.starts_with('#')
                {
                    body.push('\n');
                    body.push_str(line);
                }
            }
            if let Some((id, body)) = current {
                items.insert(id, covers(body));
            }
        }
        items
    };
    compare(read(base), read(head))
}

/// A scenario's text (its tags, then its steps) as (the requirements it covers, all of it).
fn covers(body: String) -> (String, String) {
    let tags = body.lines().next().unwrap_or_default();
    let ids: Vec<String> = crate::verify::requirement_ids(tags).into_iter().collect();
    (if ids.is_empty() { String::new() } else { format!("covers {}", ids.join(", ")) }, body)
}

/// Tickets of `tickets/github-issues.json`, by the id that starts each title (`T012`).
pub fn tickets(dir: &str, base: &[RepoFile], head: &[RepoFile]) -> ItemChanges {
    let read = |files: &[RepoFile]| -> Items {
        let Some(bytes) = file(files, &format!("{dir}/artifacts/tickets/github-issues.json")) else {
            return Items::new();
        };
        let Ok(Value::Array(list)) = serde_json::from_slice::<Value>(bytes) else { return Items::new() };
        (list.iter())
            .filter_map(|t| {
                let title = t["title"].as_str()?;
                let (id, rest) = title.split_once(' ').unwrap_or((title, ""));
                Some((id.to_owned(), (rest.to_owned(), t.to_string())))
            })
            .collect()
    };
    compare(read(base), read(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_are_told_apart_by_file_and_name_and_changed_by_steps() {
        let feature = |steps: &str| {
            RepoFile::new(
                "specs/p/artifacts/features/auth.feature",
                format!(
                    "Feature: Auth\n\n  @REQ-a-1\n  Scenario: Ana signs in\n    {steps}\n\n  Scenario: Ben is refused\n    When ben signs in\n"
                ),
            )
        };
        let changes = scenarios("specs/p", &[feature("When ana signs in")], &[feature("When ana signs in twice")]);
        let ids: Vec<&str> = changes.changed.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["features/auth.feature: Ana signs in"]);
        assert!(changes.added.is_empty() && changes.removed.is_empty());
    }
}
