//! The change plan of a brownfield project: what the change reaches in the code (from the
//! analysis committed under `codebase/` and the component decided), ordered steps with a
//! rollback for each, and the tests to run and to write.

use super::spec::answer_text;
use super::{Gaps, Spec, md_inline};
use crate::analyze::{Analysis, graph};
use std::fmt::Write;

/// How many dependents the plan lists by name.
const LISTED: usize = 25;

/// A path or name as a Markdown code span (no escaping applies inside one).
fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

/// One step of the plan.
struct Step {
    title: String,
    what: String,
    rollback: String,
}

pub fn generate(spec: &Spec<'_>, codebase: Option<&Analysis>, gaps: &Gaps) -> String {
    let mut md = format!("# {} — change plan\n\n", md_inline(&spec.name));
    for line in gaps.lines() {
        let _ = writeln!(md, "> **{}**\n", md_inline(&line));
    }
    if !spec.idea.is_empty() {
        let _ = writeln!(md, "{}\n", spec.idea);
    }
    md.push_str("| | |\n| --- | --- |\n");
    for (label, key) in [("Kind", "change.kind"), ("Scope", "change.scope"), ("Urgency", "change.urgency")] {
        if let Some(decision) = spec.decision(key) {
            spec.fact(key); // note it as read
            let _ = writeln!(md, "| {label} | {} |", md_inline(&answer_text(decision)));
        }
    }
    md.push('\n');

    let reach = impact(spec, codebase, &mut md);
    md.push_str("## Steps\n\nEach step ships on its own and can be undone on its own, in this order.\n\n");
    for (i, step) in steps(spec, reach.as_ref()).iter().enumerate() {
        let _ = writeln!(md, "### {}. {}\n\n{}\n\n**Rollback:** {}\n", i + 1, step.title, step.what, step.rollback);
    }
    tests(spec, reach.as_ref(), &mut md);
    md
}

/// What the analysis says the change reaches, written to `md`.
fn impact(spec: &Spec<'_>, codebase: Option<&Analysis>, md: &mut String) -> Option<graph::Impact> {
    md.push_str("## What the change reaches\n\n");
    let Some(analysis) = codebase else {
        let _ = writeln!(
            md,
            "No analysis of the code is recorded: run {} to ground this plan in it.\n",
            code(&format!("specbuilder analyze --project {}", spec.slug))
        );
        return None;
    };
    let Some(component) = spec.word("code.component") else {
        md.push_str("The part of the code the change centres on is not decided (`code.component`).\n\n");
        return None;
    };
    let changed = graph::select(analysis, &component);
    if changed.is_empty() {
        let _ = writeln!(md, "{} is not a part of the analysed code.\n", code(&component));
        return None;
    }
    let reach = graph::impact(analysis, &graph::Dependents::new(analysis), &changed);
    let _ = writeln!(
        md,
        "The change centres on {}: {} files of the {} analysed. {} more files depend on them, directly or through others.\n",
        code(&component),
        reach.changed.len(),
        analysis.files.len(),
        reach.dependents.len()
    );
    if !reach.dependents.is_empty() {
        md.push_str("| dependent | distance |\n| --- | --- |\n");
        for dependent in reach.dependents.iter().take(LISTED) {
            let _ = writeln!(md, "| {} | {} |", code(&dependent.path).replace('|', "\\|"), dependent.distance);
        }
        if reach.dependents.len() > LISTED {
            let _ = writeln!(md, "| … and {} more | |", reach.dependents.len() - LISTED);
        }
        md.push('\n');
    }
    for entry in &reach.entry_points {
        let _ = writeln!(md, "- Entry point affected: {} ({})", code(&entry.path), md_inline(&entry.kind));
    }
    for container in &reach.containers {
        let _ = writeln!(md, "- Deployable affected: {}", code(container));
    }
    if !reach.entry_points.is_empty() || !reach.containers.is_empty() {
        md.push('\n');
    }
    Some(reach)
}

/// The steps, in the order the decisions call for.
fn steps(spec: &Spec<'_>, reach: Option<&graph::Impact>) -> Vec<Step> {
    let rollback = match spec.word("deploy.rollback").as_deref() {
        Some("flag_off") => "turn the flag off; the code stays deployed and dark.",
        Some("forward_fix") => {
            "none by design: fix forward, with the previous version tagged in case the fix takes long."
        }
        Some("restore") => {
            "restore the data from the backup taken before the step, then redeploy the previous version."
        }
        _ => "redeploy the previous version.",
    };
    let mut prepare = vec!["Tag the current release so it can be redeployed.".to_owned()];
    match spec.word("ops.monitoring").as_deref() {
        Some("new_metrics") => {
            prepare.push("Add the metrics and alerts for the change, and see them report before it ships.".into())
        }
        Some("slo") => prepare.push("Define the change's SLO and error budget; alert on burn rate.".into()),
        _ => prepare.push("Note the dashboards that show the affected paths.".into()),
    }
    match spec.word("release.flag").as_deref() {
        Some("gradual") => {
            prepare.push("Create the feature flag, off for everyone, with percentage and group targeting.".into())
        }
        Some("kill_switch") => {
            prepare.push("Create the kill switch, on, and check it turns the path off in staging.".into())
        }
        _ => {}
    }
    let mut steps = vec![Step {
        title: "Prepare".into(),
        what: prepare.join(" "),
        rollback: "nothing to undo: nothing user-visible has changed.".into(),
    }];

    let schema = spec.word("data.schema").unwrap_or_else(|| "none".into());
    let migration = spec.word("data.migration").unwrap_or_else(|| "none".into());
    let mut data_steps = Vec::new();
    if schema != "none" {
        let what = if schema == "breaking" {
            "Expand: add the new columns or tables beside the old ones; rename and drop nothing yet, so the running code keeps working."
        } else {
            "Add the new tables or nullable columns; the running code ignores them."
        };
        data_steps.push(Step {
            title: "Schema".into(),
            what: what.into(),
            rollback: "run the migration's down step; nothing reads the new columns yet.".into(),
        });
    }
    match migration.as_str() {
        "backfill" => data_steps.push(Step {
            title: "Backfill".into(),
            what: "Fill the new shape in batches, resumable and idempotent, watching database load.".into(),
            rollback: "stop the job; the code does not depend on the backfilled data until the next step.".into(),
        }),
        "dual_write" => data_steps.push(Step {
            title: "Dual write".into(),
            what: "Write both the old and the new shape; read the old one; compare them in the background.".into(),
            rollback: "stop writing the new shape; the old one is still complete.".into(),
        }),
        "big_bang" => data_steps.push(Step {
            title: "Migrate in the maintenance window".into(),
            what: "Announce the window, back up, run the migration once, verify row counts and checksums.".into(),
            rollback: "restore the backup taken at the start of the window.".into(),
        }),
        _ => {}
    }

    let place = reach.map_or_else(
        || spec.word("code.component").map_or("the affected code".into(), |c| code(&c)),
        |r| format!("{} files ({} dependents to keep working)", r.changed.len(), r.dependents.len()),
    );
    let mut code = format!("Change {place}.");
    match spec.word("api.change").as_deref() {
        Some("breaking") => match spec.word("api.deprecation").as_deref() {
            Some("versioned") => code.push_str(" Ship the new behaviour as a new API version; the old version stays and is marked deprecated with its date."),
            Some("flag_day") => code.push_str(" Announce the switch-over date; both behaviours are served until then."),
            _ => code.push_str(" The API changes incompatibly: list the clients and tell them before it ships."),
        },
        Some("additive") => code.push_str(" API changes are additive: new fields are optional and old clients keep working."),
        _ => {}
    }
    if schema == "breaking" || migration == "dual_write" {
        code.push_str(" The code must work with both the old and the new data shape until the cleanup.");
    }
    let code_step = Step { title: "Code".into(), what: code, rollback: rollback.into() };

    let strategy = match spec.word("deploy.strategy").as_deref() {
        Some("canary") => {
            "Deploy to a canary share of traffic, compare error rates and latency with the rest, then to everyone."
        }
        Some("by_flag") => {
            "Deploy dark, then release by the flag: staff, a few percent, half, everyone, watching the dashboards at each stage."
        }
        Some("by_tenant") => "Enable tenant by tenant, starting with internal and friendly tenants.",
        _ => "Deploy to everyone at once, in a quiet hour, with someone watching the dashboards.",
    };
    let rollout = Step { title: "Roll out".into(), what: strategy.into(), rollback: rollback.into() };

    // The order of schema and code is a decision of its own.
    match spec.word("deploy.order").as_deref() {
        Some("code_then_schema") => {
            steps.push(code_step);
            steps.push(rollout);
            steps.extend(data_steps);
        }
        Some("together") => {
            let mut what: Vec<String> = data_steps.iter().map(|s| s.what.clone()).collect();
            what.push(code_step.what.clone());
            steps.push(Step {
                title: "Schema and code in one deploy".into(),
                what: what.join(" "),
                rollback: rollback.into(),
            });
            steps.push(rollout);
        }
        _ => {
            steps.extend(data_steps);
            steps.push(code_step);
            steps.push(rollout);
        }
    }
    let mut cleanup = Vec::new();
    if schema == "breaking" {
        cleanup.push("Contract: drop or rename the old columns once nothing reads them (take a backup first).");
    }
    if migration == "dual_write" {
        cleanup.push("Stop writing the old shape.");
    }
    if spec.is("release.flag", "gradual") {
        cleanup.push("Remove the flag and the code path it turned off.");
    }
    if !cleanup.is_empty() {
        steps.push(Step {
            title: "Clean up".into(),
            what: cleanup.join(" "),
            rollback: "this is the step of no return for data: restore from the backup taken just before it.".into(),
        });
    }
    steps
}

fn tests(spec: &Spec<'_>, reach: Option<&graph::Impact>, md: &mut String) {
    md.push_str("## Tests\n\n### To run\n\n");
    let regression = spec.word("tests.regression");
    match (regression.as_deref(), reach) {
        (Some("full"), _) => md.push_str("The full suite, before each step ships.\n"),
        (_, Some(reach)) if !reach.tests.is_empty() => {
            let scope = if regression.as_deref() == Some("changed") {
                "the changed files"
            } else {
                "the change and its dependents"
            };
            let _ = writeln!(md, "The tests that import {scope} ({}):\n", reach.tests.len());
            for test in &reach.tests {
                let _ = writeln!(md, "- {}", code(test));
            }
        }
        (_, Some(_)) => {
            md.push_str("No test of the analysed code reaches the change: the tests below are the first.\n")
        }
        (_, None) => md.push_str("The tests of the affected part (record the code analysis to list them).\n"),
    }
    md.push_str("\n### To write\n\n");
    let level = match spec.word("tests.level").as_deref() {
        Some("end_to_end") => "Integration and end-to-end tests of the user flows the change touches.",
        Some("integration") => "Unit tests of the changed code and integration tests of the parts around it.",
        _ => "Unit tests of the changed code.",
    };
    let _ = writeln!(md, "- {level}");
    for entry in reach.map(|r| r.entry_points.as_slice()).unwrap_or_default() {
        let _ = writeln!(md, "- A regression test through {} ({}).", code(&entry.path), md_inline(&entry.kind));
    }
    if spec.word("data.migration").is_some_and(|m| m != "none") {
        let _ = writeln!(md, "- The migration on a copy of production-sized data, forwards and back.");
    }
}
