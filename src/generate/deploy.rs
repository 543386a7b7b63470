//! The deployment plan: environments, rollout, migration order, rollback and monitoring.

use super::spec::answer_text;
use super::{Gaps, Spec, md_inline};
use std::fmt::Write;

pub fn generate(spec: &Spec<'_>, gaps: &Gaps) -> String {
    let mut md = format!("# {} — deployment plan\n\n", md_inline(&spec.name));
    for line in gaps.lines() {
        let _ = writeln!(md, "> **{}**\n", md_inline(&line));
    }
    let decided = |key: &str| spec.decision(key).map(answer_text);
    let hosting = spec.word("ops.hosting").unwrap_or_else(|| "managed".into());
    let mut environments = spec.words("deploy.environments");
    if environments.is_empty() {
        environments = vec!["staging".into(), "production".into()];
    }
    let strategy = spec.word("deploy.strategy").unwrap_or_else(|| "rolling".into());
    let observability = spec.word("ops.observability");
    let backups = spec.word("ops.backups");

    md.push_str("## Environments\n\n| environment | purpose | promoted from |\n| --- | --- | --- |\n");
    for (i, env) in environments.iter().enumerate() {
        let purpose = match env.as_str() {
            "preview" => "one per pull request, torn down on merge",
            "staging" => "a copy of production for release checks",
            "production" => "what customers use",
            _ => "as decided",
        };
        let from = if i == 0 { "the main branch".to_owned() } else { format!("`{}`", environments[i - 1]) };
        let _ = writeln!(md, "| `{}` | {purpose} | {from} |", md_inline(env));
    }
    let _ = writeln!(
        md,
        "\nHosting: **{}**{}.\n",
        md_inline(&hosting.replace('_', " ")),
        decided("ops.hosting").map(|a| format!(" ({})", md_inline(&a))).unwrap_or_default()
    );

    md.push_str("## Rollout\n\n");
    let rollout = match strategy.as_str() {
        "canary" => "Deploy to 5% of traffic, watch error rate and latency for 15 minutes, then 25%, 50%, 100%.",
        "blue_green" => "Deploy the new version beside the old one, run smoke tests, then switch traffic at once.",
        "recreate" | "downtime" => "Announce a maintenance window, stop the old version, start the new one.",
        _ => "Replace instances a few at a time; each must pass its health check before the next.",
    };
    let _ = writeln!(md, "Strategy: **{}**. {rollout}\n", md_inline(&strategy.replace('_', " ")));

    md.push_str("## Steps, in order\n\n| # | step | rollback |\n| --- | --- | --- |\n");
    let tables = super::schema::tables(spec);
    let mut steps: Vec<(String, String)> = vec![(
        "Take a backup (or note the point-in-time recovery mark) of the database".into(),
        "nothing to undo".into(),
    )];
    steps.push((
        "Apply expand-only migrations (new tables, nullable columns, indexes concurrently)".into(),
        "leave them: the old version ignores what it does not know".into(),
    ));
    for table in &tables {
        steps.push((
            format!("Create table `{}`", table.name),
            format!("`DROP TABLE {}` if nothing was written yet", table.name),
        ));
    }
    for env in &environments {
        steps.push((
            format!("Deploy the application to `{env}` ({})", strategy.replace('_', " ")),
            format!("redeploy the previous version to `{env}`"),
        ));
        steps.push((
            format!("Run the smoke tests against `{env}`"),
            "stop the rollout and roll back this environment".into(),
        ));
    }
    steps.push((
        "Contract: drop what the old version needed, one release later".into(),
        "restore from the backup of step 1 (contracting is the only step that loses data)".into(),
    ));
    for (i, (step, rollback)) in steps.iter().enumerate() {
        let _ = writeln!(md, "| {} | {} | {} |", i + 1, step, rollback);
    }

    md.push_str("\n## Monitoring\n\n");
    let monitoring = match observability.as_deref() {
        Some("full") => "Logs, metrics and traces; alerts on error rate, p99 latency and saturation.",
        Some("logs_metrics") => "Logs and metrics; alerts on error rate and p99 latency.",
        Some("logs") => "Logs only: add at least an error-rate alert before the first customer.",
        _ => "Not decided: at least error rate and latency per endpoint, with alerts.",
    };
    let _ = writeln!(md, "{monitoring}\n");
    md.push_str("## Backups\n\n");
    let backup = match backups.as_deref() {
        Some("pitr") => "Point-in-time recovery; a restore is rehearsed every quarter.",
        Some("daily") => "Daily snapshots kept 30 days; a restore is rehearsed every quarter.",
        Some("none") => "No backups were decided: the rollback of a destructive step is impossible.",
        _ => "Not decided.",
    };
    let _ = writeln!(md, "{backup}");
    md
}
