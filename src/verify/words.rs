//! `check` reads what the artifacts say: requirements in EARS form and free of smells,
//! non-functional requirements with numbers, scenario steps that state something checkable,
//! every operation, table and screen delivered by a task, every operation in every contract.

use spec_format::finding::{Code, Finding, Location};
use spec_format::model::AnswerFormat;
use spec_format::workspace::ProjectSpec;
use spec_format::{RepoFile, words};
use std::collections::BTreeMap;

pub fn findings(project: &ProjectSpec, artifacts: &BTreeMap<&str, &RepoFile>, prefix: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    answers(project, &mut out);
    let text = |name: &str| artifacts.get(name).map(|f| String::from_utf8_lossy(&f.bytes).into_owned());
    for file in artifacts.iter().filter(|(n, _)| n.ends_with(".feature")).map(|(_, f)| f) {
        steps(&file.path, &String::from_utf8_lossy(&file.bytes), &mut out);
    }
    let Some(prd) = artifacts.get("prd.json") else { return out };
    let Ok(prd) = serde_json::from_slice::<serde_json::Value>(&prd.bytes) else { return out };
    let prd_md = text("prd.md").unwrap_or_default();
    let prd_path = format!("{prefix}prd.md");
    let line_of = |id: &str| prd_md.lines().position(|l| l.contains(&format!("**{id}**"))).map_or(0, |i| i + 1);
    for r in prd["requirements"].as_array().into_iter().flatten() {
        let (Some(id), Some(statement)) = (r["id"].as_str(), r["statement"].as_str()) else { continue };
        if let Err(why) = words::ears(statement) {
            out.push(
                Finding::new(Code::RequirementNotEars, &prd_path, line_of(id), format!("{id} is not an EARS requirement: {why}"))
                    .help("state it as `When <trigger>, the system shall <response>.` (or The/While/If ..., then/Where), in the template's `implies`"),
            );
        }
        for smell in words::smells(statement) {
            out.push(
                Finding::new(
                    Code::RequirementSmell,
                    &prd_path,
                    line_of(id),
                    format!("{id} says `{}`: {}", smell.word, smell.advice),
                )
                .help("a requirement a test can check names numbers, data and outcomes"),
            );
        }
    }
    for n in prd["nfrs"].as_array().into_iter().flatten() {
        let (Some(id), Some(statement)) = (n["id"].as_str(), n["statement"].as_str()) else { continue };
        if !words::is_measurable(statement) {
            out.push(
                Finding::new(
                    Code::UnmeasurableNfr,
                    &prd_path,
                    line_of(id),
                    format!("{id} has no number to measure: \"{statement}\""),
                )
                .help("give the threshold: p95 under 300 ms, 99.9% a month, 100 requests a minute"),
            );
        }
        for smell in words::smells(statement) {
            out.push(Finding::new(
                Code::RequirementSmell,
                &prd_path,
                line_of(id),
                format!("{id} says `{}`: {}", smell.word, smell.advice),
            ));
        }
    }
    let operations: Vec<&serde_json::Value> = prd["operations"].as_array().into_iter().flatten().collect();
    if let Some(tickets) = text("tickets/tickets.md") {
        let tickets_path = format!("{prefix}tickets/tickets.md");
        let mut wanted: Vec<(String, String)> = Vec::new();
        for o in &operations {
            if let Some(id) = o["id"].as_str() {
                wanted.push((format!("operation `{id}`"), format!("the operation `{id}`")));
            }
        }
        for t in tables(text("schema.sql").as_deref().unwrap_or_default()) {
            wanted.push((format!("table `{t}`"), format!("the table `{t}`")));
        }
        for s in prd["screens"].as_array().into_iter().flatten().filter_map(|s| s["name"].as_str()) {
            wanted.push((format!("screen `{s}`"), format!("the screen `{s}`")));
        }
        for (mark, what) in wanted {
            if !tickets.contains(&format!("**Delivers:** {mark}")) {
                out.push(
                    Finding::new(
                        Code::CapabilityWithoutTask,
                        &tickets_path,
                        0,
                        format!("{what} is delivered by no task"),
                    )
                    .help("regenerate with `specbuilder generate tickets`, or add a task that delivers it"),
                );
            }
        }
    }
    let contracts = [
        ("openapi.yaml", text("openapi.yaml"), "openapi"),
        ("schema.graphql", text("schema.graphql"), "graphql"),
        ("api.proto", text("api.proto"), "rpc"),
    ];
    for (file, body, field) in contracts {
        let Some(body) = body else { continue };
        for o in &operations {
            let Some(id) = o["id"].as_str() else { continue };
            let name = o[field].as_str().unwrap_or(id);
            let present = match field {
                "openapi" => body.contains(&format!("operationId: {name}\n")),
                "graphql" => body.contains(&format!("  {name}(")) || body.contains(&format!("  {name}:")),
                _ => body.contains(&format!("rpc {name}(")),
            };
            if !present {
                out.push(
                    Finding::new(
                        Code::CapabilityMissingFromContract,
                        format!("{prefix}{file}"),
                        0,
                        format!("the operation `{id}` the decisions imply is missing from `{file}` (as `{name}`)"),
                    )
                    .related(Location::new(&prd_path, 0).with_message("the operation, in the PRD"))
                    .help(format!("regenerate with `specbuilder generate {}`", file.split('.').next().unwrap_or(file))),
                );
            }
        }
    }
    out
}

/// Smells in free-text answers (not the entity list, which is a structure, not prose).
fn answers(project: &ProjectSpec, out: &mut Vec<Finding>) {
    for doc in &project.decisions {
        let d = doc.decision();
        if d.format != AnswerFormat::Text || d.key == crate::generate::spec::ENTITIES_KEY || !d.status.is_in_force() {
            continue;
        }
        let Some(answer) = &d.answer else { continue };
        let line = doc.doc.lines.first_of(&["answer"]);
        for smell in words::smells(&answer.to_string()) {
            out.push(
                Finding::new(
                    Code::RequirementSmell,
                    doc.path(),
                    line,
                    format!("the answer to `{}` says `{}`: {}", d.key, smell.word, smell.advice),
                )
                .help("answer with numbers, names and outcomes a test can check"),
            );
        }
    }
}

/// Steps that state nothing checkable, with their line.
fn steps(path: &str, text: &str, out: &mut Vec<Finding>) {
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let Some(step) = ["Given ", "When ", "Then ", "And ", "But "].iter().find_map(|k| trimmed.strip_prefix(k))
        else {
            continue;
        };
        if let Some(why) = words::vague_step(step) {
            out.push(
                Finding::new(
                    Code::VagueScenarioStep,
                    path,
                    i + 1,
                    format!("the step \"{}\" states nothing checkable: {why}", trimmed),
                )
                .help("name the actor, the example data and the outcome a test can observe"),
            );
        }
    }
}

/// Table names of `CREATE TABLE` statements.
fn tables(sql: &str) -> Vec<String> {
    (sql.lines())
        .filter_map(|l| l.trim_start().strip_prefix("CREATE TABLE "))
        .map(|rest| {
            rest.split(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("").trim_matches('"').to_owned()
        })
        .filter(|t| !t.is_empty())
        .collect()
}
