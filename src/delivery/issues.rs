//! Tickets pushed to the host's issues, idempotently: each issue carries a hidden marker with its
//! ticket id and the hash of the body we last wrote, so running again updates what changed and
//! creates nothing twice. What people did is drift, reported and never overwritten: an issue
//! closed while its ticket stands, a ticket removed while its issue is open, a body edited by
//! hand since our last push (kept, the difference shown).

use crate::forge::{Forge, ForgeError, IssueDraft, TrackerIssue};
use serde::{Deserialize, Serialize};
use spec_format::RepoFile;
use spec_format::workspace::sha256_hex;
use std::collections::BTreeMap;

/// Where a project's tickets are, as a tracker takes them.
pub const TICKETS_FILE: &str = "artifacts/tickets/github-issues.json";

const MARKER: &str = "<!-- specbuilder:ticket ";

/// A ticket as `tickets/github-issues.json` has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ticket {
    /// `T012`: the first word of the title.
    pub id: String,
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    pub depends_on: Vec<String>,
}

#[derive(Deserialize)]
struct Entry {
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    labels: Vec<String>,
}

/// The tickets of the project in `dir`, in plan order; `None` when none were generated.
pub fn tickets(files: &[RepoFile], dir: &str) -> anyhow::Result<Option<Vec<Ticket>>> {
    let path = format!("{dir}/{TICKETS_FILE}");
    let Some(file) = files.iter().find(|f| f.path == path) else { return Ok(None) };
    let entries: Vec<Entry> = serde_json::from_slice(&file.bytes)
        .map_err(|e| anyhow::anyhow!("{path}:{}: not a list of tickets: {e}", e.line()))?;
    let tickets = (entries.into_iter())
        .map(|e| {
            let id = e.title.split_whitespace().next().unwrap_or_default().to_owned();
            let depends_on = (e.body.lines())
                .find_map(|l| l.strip_prefix("Depends on:"))
                .map(|list| list.split(',').map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect())
                .unwrap_or_default();
            Ticket { id, title: e.title, body: e.body, labels: e.labels, depends_on }
        })
        .collect();
    Ok(Some(tickets))
}

/// The issue a ticket becomes: dependencies linked to their issues where they have one, and the
/// marker (project, id, hash of the rest of the body) last.
pub fn draft(slug: &str, ticket: &Ticket, numbers: &BTreeMap<String, u64>) -> IssueDraft {
    let linked = |id: &str| numbers.get(id).map_or_else(|| id.to_owned(), |n| format!("{id} (#{n})"));
    let body: String = (ticket.body.lines())
        .map(|line| match line.strip_prefix("Depends on:") {
            Some(_) => {
                format!("Depends on: {}", ticket.depends_on.iter().map(|d| linked(d)).collect::<Vec<_>>().join(", "))
            }
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let body = body.trim_end().to_owned();
    let marker = format!("{MARKER}project={slug} id={} sha={} -->", ticket.id, sha256_hex(body.as_bytes()));
    IssueDraft { title: ticket.title.clone(), body: format!("{body}\n\n{marker}"), labels: ticket.labels.clone() }
}

/// What an issue's marker says: (project, ticket id, hash of the body we wrote).
fn marker(body: &str) -> Option<(&str, &str, &str)> {
    let start = body.rfind(MARKER)?;
    let inner = body[start + MARKER.len()..].split(" -->").next()?;
    let field = |name: &str| inner.split(' ').find_map(|w| w.strip_prefix(name).and_then(|w| w.strip_prefix('=')));
    Some((field("project")?, field("id")?, field("sha")?))
}

/// An issue's body without its marker.
fn content(body: &str) -> &str {
    body.rfind(MARKER).map_or(body, |at| &body[..at]).trim_end()
}

/// Something people did that the push leaves as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Drift {
    /// Closed while its ticket still stands: left closed, not updated.
    Closed { id: String, number: u64 },
    /// Its ticket was removed from the plan while the issue is open: left open.
    Removed { id: String, number: u64 },
    /// Its body was edited by hand since the last push: kept; `diff` goes from the issue as it is
    /// to what the ticket says now.
    Edited { id: String, number: u64, diff: String },
}

/// What a push did (or, dry, would do).
#[derive(Debug, Default, Serialize)]
pub struct Pushed {
    /// (ticket id, issue number; 0 in a dry run).
    pub created: Vec<(String, u64)>,
    pub updated: Vec<(String, u64)>,
    pub unchanged: usize,
    pub drift: Vec<Drift>,
}

/// Pushes `tickets` of project `slug` to the forge's issues. `dry`: reads, and says what it
/// would do without doing it.
pub async fn push(forge: &impl Forge, slug: &str, tickets: &[Ticket], dry: bool) -> Result<Pushed, ForgeError> {
    let existing = forge.issues().await?;
    let mut ours: BTreeMap<String, &TrackerIssue> = BTreeMap::new();
    for issue in &existing {
        if let Some((project, id, _)) = marker(&issue.body)
            && project == slug
        {
            // The oldest issue of a ticket is the one: a copy someone made by hand is not ours to edit.
            ours.entry(id.to_owned()).or_insert(issue);
        }
    }
    let mut numbers: BTreeMap<String, u64> = ours.iter().map(|(id, i)| (id.clone(), i.number)).collect();
    let mut pushed = Pushed::default();
    let mut to_create = Vec::new();
    for ticket in tickets {
        let Some(issue) = ours.get(&ticket.id) else {
            to_create.push(ticket);
            continue;
        };
        let wanted = draft(slug, ticket, &numbers);
        let (_, _, written) = marker(&issue.body).unwrap_or_default();
        let edited = sha256_hex(content(&issue.body).as_bytes()) != written;
        let sorted = |labels: &[String]| {
            let mut labels = labels.to_vec();
            labels.sort();
            labels
        };
        let same = content(&issue.body) == content(&wanted.body)
            && issue.title == wanted.title
            && sorted(&issue.labels) == sorted(&wanted.labels);
        if !issue.open {
            pushed.drift.push(Drift::Closed { id: ticket.id.clone(), number: issue.number });
        } else if edited {
            let diff = super::unified(
                &format!("#{}", issue.number),
                content(&issue.body).as_bytes(),
                content(&wanted.body).as_bytes(),
            );
            pushed.drift.push(Drift::Edited { id: ticket.id.clone(), number: issue.number, diff });
        } else if same {
            pushed.unchanged += 1;
        } else {
            if !dry {
                forge.update_issue(issue.number, &wanted).await?;
            }
            pushed.updated.push((ticket.id.clone(), issue.number));
        }
    }
    for (id, issue) in &ours {
        if issue.open && !tickets.iter().any(|t| &t.id == id) {
            pushed.drift.push(Drift::Removed { id: id.clone(), number: issue.number });
        }
    }
    // Created in plan order, so a dependency (always an earlier task) has its number by then.
    let mut unlinked = Vec::new();
    for ticket in to_create {
        let number = if dry { 0 } else { forge.create_issue(&draft(slug, ticket, &numbers)).await? };
        if ticket.depends_on.iter().any(|d| !numbers.contains_key(d)) {
            unlinked.push(ticket);
        }
        numbers.insert(ticket.id.clone(), number);
        pushed.created.push((ticket.id.clone(), number));
    }
    // A dependency created after its dependant: link it now.
    for ticket in unlinked.into_iter().filter(|_| !dry) {
        if ticket.depends_on.iter().any(|d| numbers.contains_key(d)) {
            forge.update_issue(numbers[&ticket.id], &draft(slug, ticket, &numbers)).await?;
        }
    }
    Ok(pushed)
}

impl Pushed {
    /// For people: counts, the numbers created, and each drift.
    pub fn markdown(&self, dry: bool) -> String {
        let (create, update) = if dry { ("would create", "would update") } else { ("created", "updated") };
        let numbers = |list: &[(String, u64)]| -> String {
            if dry || list.is_empty() {
                return String::new();
            }
            let shown: Vec<String> = list.iter().take(20).map(|(_, n)| format!("#{n}")).collect();
            let more = if list.len() > 20 { format!(" and {} more", list.len() - 20) } else { String::new() };
            format!(" ({}{more})", shown.join(", "))
        };
        let mut md = format!(
            "Tickets → issues: {create} {}{}, {update} {}{}, {} unchanged.",
            self.created.len(),
            numbers(&self.created),
            self.updated.len(),
            numbers(&self.updated),
            self.unchanged
        );
        if !self.drift.is_empty() {
            md.push_str("\n\n**Drift, left as people made it:**\n\n");
            for drift in &self.drift {
                match drift {
                    Drift::Closed { id, number } => {
                        md.push_str(&format!("- #{number} (`{id}`) is closed while its ticket still stands\n"))
                    }
                    Drift::Removed { id, number } => {
                        md.push_str(&format!("- #{number} (`{id}`) is open but its ticket was removed from the plan\n"))
                    }
                    Drift::Edited { id, number, diff } => md.push_str(&format!(
                        "- #{number} (`{id}`) was edited by hand since the last push; it was kept. The ticket now says:\n\n  ```diff\n{}  ```\n",
                        (diff.lines())
                            .map(|l| format!("  {}\n", crate::report::break_comment_openers(&l.replace("```", "'''"))))
                            .collect::<String>()
                    )),
                }
            }
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(id: &str, depends_on: &[&str]) -> Ticket {
        let deps =
            if depends_on.is_empty() { String::new() } else { format!("\nDepends on: {}", depends_on.join(", ")) };
        Ticket {
            id: id.into(),
            title: format!("{id} Do it"),
            body: format!("**Delivers:** it\n\n- [ ] works{deps}\n"),
            labels: vec!["spec".into()],
            depends_on: depends_on.iter().map(|d| (*d).to_owned()).collect(),
        }
    }

    #[test]
    fn a_draft_links_dependencies_and_its_marker_hashes_the_rest() {
        let numbers = BTreeMap::from([("T001".to_owned(), 7)]);
        let draft = draft("crm", &ticket("T002", &["T001", "T009"]), &numbers);
        assert!(draft.body.contains("Depends on: T001 (#7), T009\n"), "{}", draft.body);
        let (project, id, sha) = marker(&draft.body).unwrap();
        assert_eq!((project, id), ("crm", "T002"));
        assert_eq!(sha, sha256_hex(content(&draft.body).as_bytes()));
        assert_eq!(marker("no marker here"), None);
    }
}
