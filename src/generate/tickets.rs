//! Tickets: the delivery plan's tasks (`plan`), printed for people (Markdown), for trackers
//! (GitHub, GitLab, Linear, Jira) and for coding agents (AGENTS.md, CLAUDE.md, Cursor rules).

use super::plan::{Plan, Task, plan};
use super::{Gaps, Spec, md_inline, one_line};
use serde_json::json;
use std::fmt::Write;

impl Task {
    /// The Markdown body a tracker shows.
    fn body(&self, plan: &Plan) -> String {
        let phase = &plan.phases[self.phase];
        let parallel = if self.parallel { " · **[P]** can run beside the other tasks of its phase" } else { "" };
        let mut body = format!(
            "**Delivers:** {} in `{}`\n\n**Phase {}:** {} · **Size:** {}{parallel}\n\n### Acceptance criteria\n\n",
            md_inline_keep_code(&self.delivers),
            self.path,
            self.phase + 1,
            md_inline(&phase.title),
            self.size
        );
        for c in &self.criteria {
            let _ = writeln!(body, "- [ ] {}", md_inline_keep_code(c));
        }
        if !self.requirements.is_empty() {
            let _ = write!(body, "\nCovers: {}", self.requirements.join(", "));
        }
        if !self.depends_on.is_empty() {
            let _ = write!(body, "\nDepends on: {}", self.depends_on.join(", "));
        }
        body.push('\n');
        body
    }

    fn heading(&self) -> String {
        let p = if self.parallel { " [P]" } else { "" };
        let story = self.story.as_deref().map(|s| format!(" [{s}]")).unwrap_or_default();
        format!("{}{p}{story} {}", self.id, self.title)
    }
}

/// Inline Markdown that keeps `code spans` (paths, operation ids) as code.
fn md_inline_keep_code(text: &str) -> String {
    (text.split('`').enumerate())
        .map(|(i, part)| if i % 2 == 1 { format!("`{}`", part.replace('`', "'")) } else { md_inline(part) })
        .collect()
}

pub fn generate(spec: &Spec<'_>, gaps: &Gaps) -> Vec<(String, &'static str, Vec<u8>)> {
    let plan = plan(spec);
    let markdown = markdown(spec, &plan, gaps);
    let title = |t: &Task| format!("{} {}", t.id, one_line(&t.title).replace('`', ""));
    let github: Vec<_> = (plan.tasks.iter())
        .map(|t| json!({ "title": title(t), "body": t.body(&plan), "labels": ["spec", t.label, format!("size:{}", t.size)] }))
        .collect();
    let gitlab: Vec<_> = (plan.tasks.iter())
        .map(|t| {
            json!({ "title": title(t), "description": t.body(&plan), "labels": format!("spec,{},size:{}", t.label, t.size) })
        })
        .collect();
    let pretty = |v: &Vec<serde_json::Value>| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
    let agents = agents(spec, &plan, "AGENTS.md");
    let claude = agents_claude(spec, &plan);
    vec![
        ("tickets/tickets.md".into(), "markdown", markdown.into_bytes()),
        ("tickets/github-issues.json".into(), "github-issues", pretty(&github).into_bytes()),
        ("tickets/gitlab-issues.json".into(), "gitlab-issues", pretty(&gitlab).into_bytes()),
        ("tickets/linear.csv".into(), "linear-csv", linear_csv(&plan)),
        ("tickets/jira.csv".into(), "jira-csv", jira_csv(&plan)),
        ("tickets/AGENTS.md".into(), "agents-md", agents.into_bytes()),
        ("tickets/CLAUDE.md".into(), "claude-md", claude.into_bytes()),
        ("tickets/.cursor/rules/specbuilder.mdc".into(), "cursor-rules", cursor_rules(spec, &plan).into_bytes()),
    ]
}

fn markdown(spec: &Spec<'_>, plan: &Plan, gaps: &Gaps) -> String {
    let mut md = format!("# {} — tasks\n\n", md_inline(&spec.name));
    for line in gaps.lines() {
        let _ = writeln!(md, "> **{}**\n", md_inline(&line));
    }
    let _ = writeln!(
        md,
        "{} tasks in {} phases, for {} (build: `{}`, test: `{}`). Each task delivers one thing; \
         `[P]` marks a task that can run beside the others of its phase, `[USn]` the story it serves.\n",
        plan.tasks.len(),
        plan.phases.len(),
        plan.layout.language,
        plan.layout.build,
        plan.layout.test
    );
    for (n, phase) in plan.phases.iter().enumerate() {
        let tasks: Vec<&Task> = plan.tasks.iter().filter(|t| t.phase == n).collect();
        if tasks.is_empty() {
            continue;
        }
        let _ = writeln!(md, "## Phase {}: {}\n", n + 1, md_inline(&phase.title));
        for t in tasks {
            let _ = writeln!(md, "### {}\n", md_inline_keep_code(&t.heading()));
            let _ = writeln!(md, "Label: `{}`\n", t.label);
            md.push_str(&t.body(plan));
            md.push('\n');
        }
        let _ = writeln!(md, "**Checkpoint:** {}.\n", md_inline(&phase.checkpoint));
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
fn linear_csv(plan: &Plan) -> Vec<u8> {
    let priority = |t: &Task| if t.phase <= 1 { "High" } else { "Medium" };
    let rows = (plan.tasks.iter())
        .map(|t| vec![format!("{} {}", t.id, t.title), t.body(plan), priority(t).into(), format!("spec,{}", t.label)])
        .collect();
    csv_bytes(&["Title", "Description", "Priority", "Labels"], rows)
}

/// Jira's CSV import: Summary (required), Issue Type, Description, Labels, Issue Id, and the
/// ids it depends on, which the importer maps to "blocks" links.
fn jira_csv(plan: &Plan) -> Vec<u8> {
    let number = |id: &str| id.trim_start_matches('T').trim_start_matches('0').to_owned();
    let rows = (plan.tasks.iter())
        .map(|t| {
            let depends: Vec<String> = t.depends_on.iter().map(|d| number(d)).collect();
            vec![
                format!("{} {}", t.id, t.title),
                "Task".into(),
                t.body(plan),
                format!("spec {}", t.label),
                number(&t.id),
                depends.join(" "),
            ]
        })
        .collect();
    csv_bytes(&["Summary", "Issue Type", "Description", "Labels", "Issue Id", "Blocked By"], rows)
}

/// What a coding agent needs: how to build and test, the requirements as constraints, then the
/// plan in order, one task at a time.
fn agents(spec: &Spec<'_>, plan: &Plan, file: &str) -> String {
    let mut md = format!("# {}\n\n", md_inline(&spec.name));
    if !spec.idea.is_empty() {
        let _ = writeln!(md, "{}\n", md_inline(&one_line(&spec.idea)));
    }
    let _ = writeln!(md, "## Build and test\n");
    let _ = writeln!(md, "- Stack: {}", plan.layout.language);
    let _ = writeln!(md, "- Build: `{}`", plan.layout.build);
    let _ =
        writeln!(md, "- Test: `{}` (run it before every commit; a task is done only when it passes)", plan.layout.test);
    let _ = writeln!(
        md,
        "- Acceptance tests: the Gherkin scenarios in `features/`, tagged with the requirement they prove\n"
    );
    md.push_str("## Rules\n\n");
    md.push_str("- The specification in `specs/` is the source of truth. Do not contradict a decision; if one seems\n  wrong, say so instead of working around it.\n");
    md.push_str("- Work one task at a time, in order; a task lists the tasks it depends on.\n");
    md.push_str("- Name the requirement ids (`REQ-...`) a commit or a test covers.\n");
    let _ =
        writeln!(md, "- This file ({file}) is generated: change the decisions, then `specbuilder generate tickets`.\n");
    md.push_str("## Requirements (constraints)\n\n");
    for r in spec.requirements() {
        let _ = writeln!(md, "- {}: {}", r.id, md_inline(&r.statement));
    }
    for n in &spec.implied.nfrs {
        let _ = writeln!(md, "- {}: {}", n.id, md_inline(&n.text));
    }
    md.push_str("\n## Tasks, in order\n");
    for (n, phase) in plan.phases.iter().enumerate() {
        let tasks: Vec<&Task> = plan.tasks.iter().filter(|t| t.phase == n).collect();
        if tasks.is_empty() {
            continue;
        }
        let _ = writeln!(md, "\n### Phase {}: {}\n", n + 1, md_inline(&phase.title));
        for t in tasks {
            let after =
                if t.depends_on.is_empty() { String::new() } else { format!(" (after {})", t.depends_on.join(", ")) };
            let _ = writeln!(md, "- [ ] {}{after} — `{}`", md_inline_keep_code(&t.heading()), t.path);
            for c in &t.criteria {
                let _ = writeln!(md, "  - {}", md_inline_keep_code(c));
            }
        }
        let _ = writeln!(md, "\nCheckpoint: {}.", md_inline(&phase.checkpoint));
    }
    md
}

/// CLAUDE.md: the same plan, with the commands first as Claude Code expects.
fn agents_claude(spec: &Spec<'_>, plan: &Plan) -> String {
    let mut md = format!(
        "# CLAUDE.md\n\nThis file guides Claude Code in this repository.\n\n## Commands\n\n```sh\n{}   # build\n{}   # test\n```\n\n",
        plan.layout.build, plan.layout.test
    );
    md.push_str(&agents(spec, plan, "CLAUDE.md"));
    md
}

/// Cursor's rule file: always applied, the constraints and the task order.
fn cursor_rules(spec: &Spec<'_>, plan: &Plan) -> String {
    let mut out = format!(
        "---\ndescription: Decisions of the {} spec; follow them in all code\nglobs:\nalwaysApply: true\n---\n\n",
        one_line(&spec.name).replace(':', " -")
    );
    let _ = writeln!(out, "Build with `{}`; test with `{}`.\n", plan.layout.build, plan.layout.test);
    for r in spec.requirements() {
        let _ = writeln!(out, "- {}: {}", r.id, one_line(&r.statement));
    }
    out.push_str("\nTasks in order:\n\n");
    for t in &plan.tasks {
        let _ = writeln!(out, "- {} — `{}`", one_line(&t.heading()), t.path);
    }
    out
}
