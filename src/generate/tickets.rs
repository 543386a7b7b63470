//! Tickets: one per area of requirements plus one per entity, ordered so a ticket comes after
//! the tickets it builds on (from the decisions' `depends_on` and the entities' references),
//! each with acceptance criteria and the requirement ids it covers. Printed for people
//! (Markdown), for trackers (GitHub, GitLab, Linear, Jira) and for coding agents.

use super::prd::{area_name, by_category, category_rank};
use super::spec::{ENTITIES_KEY, Requirement};
use super::{Gaps, Spec, md_inline, one_line};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

pub struct Ticket {
    /// `T1`, `T2`, ... in dependency order.
    pub id: String,
    pub title: String,
    pub summary: String,
    pub label: String,
    pub requirements: Vec<Requirement>,
    pub depends_on: Vec<String>,
}

impl Ticket {
    /// The Markdown body a tracker shows.
    fn body(&self) -> String {
        let mut body = format!("{}\n\n### Acceptance criteria\n\n", self.summary);
        for r in &self.requirements {
            let _ = writeln!(body, "- [ ] {}: {}", r.id, md_inline(&r.statement));
        }
        let ids: Vec<&str> = self.requirements.iter().map(|r| r.id.as_str()).collect();
        let _ = write!(body, "\nCovers: {}", ids.join(", "));
        if !self.depends_on.is_empty() {
            let _ = write!(body, "\nDepends on: {}", self.depends_on.join(", "));
        }
        body.push('\n');
        body
    }
}

pub fn tickets(spec: &Spec<'_>) -> Vec<Ticket> {
    struct Draft {
        title: String,
        summary: String,
        label: String,
        requirements: Vec<Requirement>,
        needs: BTreeSet<String>,
        rank: (usize, usize),
    }
    let requirements = spec.requirements();
    let mut drafts: Vec<Draft> = Vec::new();
    // Which draft holds a decision's requirements, to turn `depends_on` into ticket order.
    let mut home: BTreeMap<String, usize> = BTreeMap::new();
    let data_rank = category_rank("data");
    for (category, group) in by_category(requirements) {
        let (entity_reqs, area_reqs): (Vec<&Requirement>, Vec<&Requirement>) =
            group.into_iter().partition(|r| r.entity.is_some());
        if !area_reqs.is_empty() {
            let index = drafts.len();
            for r in &area_reqs {
                home.insert(r.key.clone(), index);
            }
            let keys: Vec<String> = area_reqs.iter().map(|r| format!("`{}`", r.key)).collect();
            drafts.push(Draft {
                title: area_title(&category),
                summary: format!("Build what the spec decides in {}.", keys.join(", ")),
                label: category.clone(),
                requirements: area_reqs.into_iter().cloned().collect(),
                needs: BTreeSet::new(),
                rank: (category_rank(&category), 0),
            });
        }
        for r in entity_reqs {
            let entity = &spec.entities[r.entity.unwrap_or_default()];
            let mut needs: BTreeSet<String> =
                entity.references().map(|(_, target)| format!("entity:{target}")).collect();
            needs.remove(&format!("entity:{}", entity.name));
            drafts.push(Draft {
                title: format!("{}: create, list, view, change and delete", entity.plural_title()),
                summary: format!(
                    "The `{}` table, its API endpoints and its screens ({}).",
                    entity.plural(),
                    entity.field_summary()
                ),
                label: category.clone(),
                requirements: vec![r.clone()],
                needs,
                rank: (data_rank, 1),
            });
            home.insert(format!("entity:{}", entity.name), drafts.len() - 1);
        }
    }
    // Entity tickets build on the data decisions; others on what their decisions depend on.
    let mut edges: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); drafts.len()];
    for (i, draft) in drafts.iter().enumerate() {
        let mut keys: BTreeSet<String> = draft.needs.clone();
        for r in &draft.requirements {
            if let Some(d) = spec.decision(&r.key) {
                keys.extend(d.depends_on.iter().cloned());
            }
            if r.key == ENTITIES_KEY {
                keys.extend(spec.decision(ENTITIES_KEY).map(|d| d.depends_on.clone()).unwrap_or_default());
            }
        }
        for key in keys {
            if let Some(&j) = home.get(&key)
                && j != i
            {
                edges[i].insert(j);
            }
        }
    }
    // Kahn's algorithm, always taking the lowest-ranked ready ticket; a cycle (which `check`
    // reports) is broken by rank.
    let mut order = Vec::new();
    let mut placed = vec![false; drafts.len()];
    while order.len() < drafts.len() {
        let ready = (0..drafts.len())
            .filter(|&i| !placed[i] && edges[i].iter().all(|&j| placed[j]))
            .min_by_key(|&i| (drafts[i].rank, i))
            .or_else(|| (0..drafts.len()).filter(|&i| !placed[i]).min_by_key(|&i| (drafts[i].rank, i)));
        let Some(next) = ready else { break };
        placed[next] = true;
        order.push(next);
    }
    let number: BTreeMap<usize, String> = order.iter().enumerate().map(|(n, &i)| (i, format!("T{}", n + 1))).collect();
    (order.iter())
        .map(|&i| {
            let draft = &drafts[i];
            let mut depends_on: Vec<(usize, String)> =
                edges[i].iter().filter_map(|j| number.get(j).map(|id| (*j, id.clone()))).collect();
            depends_on.sort_by_key(|(j, _)| order.iter().position(|o| o == j));
            Ticket {
                id: number[&i].clone(),
                title: draft.title.clone(),
                summary: draft.summary.clone(),
                label: draft.label.clone(),
                requirements: draft.requirements.clone(),
                depends_on: depends_on.into_iter().map(|(_, id)| id).collect(),
            }
        })
        .collect()
}

/// A ticket title for the requirements of one area.
fn area_title(category: &str) -> String {
    let what = match category {
        "product" => "launch scope, audience and pricing",
        "users" => "roles, tenancy and scale",
        "auth" => "accounts, sign-up and sign-in",
        "data" => "storage, deletion, audit and retention",
        "api" => "the public API contract",
        "ui" => "screens, live updates, accessibility and languages",
        "security" => "encryption and secrets",
        "compliance" => "privacy and compliance duties",
        "ops" => "hosting, monitoring and backups",
        "deployment" => "environments and rollout",
        _ => "what the spec decides",
    };
    format!("{}: {what}", area_name(category))
}

pub fn generate(spec: &Spec<'_>, gaps: &Gaps) -> Vec<(String, &'static str, Vec<u8>)> {
    let tickets = tickets(spec);
    let markdown = markdown(spec, &tickets, gaps);
    let github: Vec<_> = (tickets.iter())
        .map(|t| json!({ "title": format!("{} {}", t.id, t.title), "body": t.body(), "labels": ["spec", t.label] }))
        .collect();
    let gitlab: Vec<_> = (tickets.iter())
        .map(|t| {
            json!({ "title": format!("{} {}", t.id, t.title), "description": t.body(), "labels": format!("spec,{}", t.label) })
        })
        .collect();
    let pretty = |v: &Vec<serde_json::Value>| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
    let agents = agents(spec, &tickets);
    vec![
        ("tickets/tickets.md".into(), "markdown", markdown.into_bytes()),
        ("tickets/github-issues.json".into(), "github-issues", pretty(&github).into_bytes()),
        ("tickets/gitlab-issues.json".into(), "gitlab-issues", pretty(&gitlab).into_bytes()),
        ("tickets/linear.csv".into(), "linear-csv", linear_csv(&tickets)),
        ("tickets/jira.csv".into(), "jira-csv", jira_csv(&tickets)),
        ("tickets/AGENTS.md".into(), "agents-md", agents.clone().into_bytes()),
        (
            "tickets/CLAUDE.md".into(),
            "claude-md",
            format!("{agents}\nThis file mirrors AGENTS.md for Claude Code.\n").into_bytes(),
        ),
        ("tickets/.cursor/rules/specbuilder.mdc".into(), "cursor-rules", cursor_rules(spec).into_bytes()),
    ]
}

fn markdown(spec: &Spec<'_>, tickets: &[Ticket], gaps: &Gaps) -> String {
    let mut md = format!("# {} — tickets\n\n", md_inline(&spec.name));
    for line in gaps.lines() {
        let _ = writeln!(md, "> **{}**\n", md_inline(&line));
    }
    let _ = writeln!(md, "In the order to build them: each ticket comes after the tickets it depends on.\n");
    for t in tickets {
        let _ = writeln!(md, "## {} {}\n", t.id, md_inline(&t.title));
        let _ = writeln!(md, "Label: `{}`\n", t.label);
        md.push_str(&t.body());
        md.push('\n');
    }
    md
}

fn csv_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(&row);
    }
    writer.into_inner().unwrap_or_default()
}

/// Linear's CSV import: Title, Description, Priority, Labels.
fn linear_csv(tickets: &[Ticket]) -> Vec<u8> {
    let rows = (tickets.iter())
        .map(|t| vec![format!("{} {}", t.id, t.title), t.body(), "Medium".into(), format!("spec,{}", t.label)])
        .collect();
    csv_bytes(&["Title", "Description", "Priority", "Labels"], rows)
}

/// Jira's CSV import: Summary (required), Issue Type, Description, Labels, Issue Id, and the
/// ids it depends on, which the importer maps to "blocks" links.
fn jira_csv(tickets: &[Ticket]) -> Vec<u8> {
    let number = |id: &str| id.trim_start_matches('T').to_owned();
    let rows = (tickets.iter())
        .map(|t| {
            let depends: Vec<String> = t.depends_on.iter().map(|d| number(d)).collect();
            vec![
                format!("{} {}", t.id, t.title),
                "Task".into(),
                t.body(),
                format!("spec {}", t.label),
                number(&t.id),
                depends.join(" "),
            ]
        })
        .collect();
    csv_bytes(&["Summary", "Issue Type", "Description", "Labels", "Issue Id", "Blocked By"], rows)
}

/// What a coding agent needs: the decisions as constraints, then the tickets in order.
fn agents(spec: &Spec<'_>, tickets: &[Ticket]) -> String {
    let mut md = format!("# {}\n\n", md_inline(&spec.name));
    if !spec.idea.is_empty() {
        let _ = writeln!(md, "{}\n", md_inline(&one_line(&spec.idea)));
    }
    md.push_str("The specification lives in `specs/` and is the source of truth. Do not contradict a decision;\n");
    md.push_str("if one seems wrong, say so instead of working around it. Reference requirement ids (`REQ-...`)\n");
    md.push_str("in commits and tests.\n\n## Decisions (constraints)\n\n");
    for r in spec.requirements() {
        let _ = writeln!(md, "- {}: {}", r.id, md_inline(&r.statement));
    }
    md.push_str("\n## Work, in order\n\n");
    for t in tickets {
        let ids: Vec<&str> = t.requirements.iter().map(|r| r.id.as_str()).collect();
        let after =
            if t.depends_on.is_empty() { String::new() } else { format!(" (after {})", t.depends_on.join(", ")) };
        let _ = writeln!(md, "1. **{} {}**{after}: {}", t.id, md_inline(&t.title), ids.join(", "));
    }
    md
}

fn cursor_rules(spec: &Spec<'_>) -> String {
    let mut out = format!(
        "---\ndescription: Decisions of the {} spec; follow them in all code\nglobs:\nalwaysApply: true\n---\n\n",
        one_line(&spec.name).replace(':', " -")
    );
    for r in spec.requirements() {
        let _ = writeln!(out, "- {}: {}", r.id, one_line(&r.statement));
    }
    out
}
