//! What the artifacts *say*: for every built-in template, a conversation through the real engine
//! (all recommended answers, and a walk of other answers with entities of our own) must give a
//! spec an engineer can build from — EARS requirements without smells, concrete scenarios, every
//! operation, table and screen delivered by exactly one task, every operation in every contract.

mod common;
use common::*;

use spec_format::words;
use specbuilder::delivery::{Generated, Request, default_targets, generate_on_branch};
use std::collections::BTreeMap;
use std::path::Path;

const TEMPLATES: &[&str] = &["saas-web", "api-service", "cli-tool", "data-pipeline", "mobile-app", "brownfield-change"];

/// Entities no template suggests, for the walk of other answers.
const OWN_ENTITIES: &str = "Customer: name!, email; Invoice: number!, amount:decimal, due_on:date, paid:bool, customer:Customer; \
     LineItem: invoice:Invoice, description, quantity:int";

struct Walk {
    files: BTreeMap<String, Vec<u8>>,
    findings: Vec<spec_format::Finding>,
    /// Whether generating again from the same decisions changed nothing.
    same_bytes: bool,
}

fn walk(dir: &Path, template: &str, script: &[(&str, &str)]) -> Walk {
    let idea = "Small firms send invoices and see which are late.";
    let session = generated_project(dir, template, "Ledger", idea, script);
    let targets = default_targets(session.project().unwrap(), Some(session.template().unwrap()));
    let request = Request { targets: &targets, partial: true, force: false, overview: None };
    let same_bytes = matches!(generate_on_branch(&session, request).unwrap(), Generated::UpToDate(_));
    let findings = specbuilder::verify::check_project(session.project().unwrap(), &session.snapshot.files);
    Walk { files: artifacts(&session), findings, same_bytes }
}

/// A script that answers every choice question of `template` with its last option (the rules
/// send a contradicting one back to the recommendation) and names our own entities.
fn other_answers(template: &str) -> Vec<(String, String)> {
    let path = format!("{}/src/engine/templates/{template}.yaml", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let parsed = spec_format::workspace::parse_template(&path, &bytes).parsed.expect("the template parses");
    let mut script: Vec<(String, String)> = (parsed.value.questions.iter())
        .filter_map(|q| q.options.last().map(|o| (q.key.clone(), o.id.clone())))
        .collect();
    script.push(("data.entities".into(), OWN_ENTITIES.into()));
    script
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files.get(name).unwrap_or_else(|| panic!("no {name}")).clone()).unwrap()
}

fn assert_buildable(what: &str, walk: &Walk) {
    let files = &walk.files;
    assert!(walk.same_bytes, "{what}: the same decisions gave other bytes");
    let prd: serde_json::Value = serde_json::from_slice(&files["prd.json"]).unwrap();
    let requirements = prd["requirements"].as_array().unwrap();
    assert!(requirements.len() >= 25, "{what}: only {} requirements", requirements.len());
    for r in requirements {
        let statement = r["statement"].as_str().unwrap();
        assert!(words::ears(statement).is_ok(), "{what}: not EARS: {statement}");
        assert_eq!(words::smells(statement), vec![], "{what}: {statement}");
        assert!(!r["scenarios"].as_array().unwrap().is_empty(), "{what}: {} has no scenario", r["id"]);
    }
    for n in prd["nfrs"].as_array().unwrap() {
        assert!(words::is_measurable(n["statement"].as_str().unwrap()), "{what}: {n}");
    }

    // Scenarios: concrete, and one at least for every requirement.
    let mut tags = std::collections::BTreeSet::new();
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".feature")) {
        let feature = gherkin::Feature::parse(String::from_utf8(bytes.clone()).unwrap(), Default::default())
            .unwrap_or_else(|e| panic!("{what}: {name}: {e}"));
        for scenario in &feature.scenarios {
            assert!(scenario.steps.len() >= 2, "{what}: {name}: {}", scenario.name);
            for step in &scenario.steps {
                assert_eq!(words::vague_step(&step.value), None, "{what}: {name}: {}", step.value);
            }
            tags.extend(scenario.tags.iter().filter(|t| t.starts_with("REQ-")).cloned());
        }
    }
    for r in requirements {
        assert!(tags.contains(r["id"].as_str().unwrap()), "{what}: no scenario for {}", r["id"]);
    }
    for (name, bytes) in files {
        let body = String::from_utf8_lossy(bytes);
        for generic in ["as the spec decides", "relies on that behaviour", "Build what the spec decides"] {
            assert!(!body.contains(generic), "{what}: {name} still says `{generic}`");
        }
    }

    // Tasks: each names its deliverable; each operation, table and screen is delivered once.
    let tickets = text(files, "tickets/tickets.md");
    let issues: Vec<serde_json::Value> = serde_json::from_slice(&files["tickets/github-issues.json"]).unwrap();
    for issue in &issues {
        let body = issue["body"].as_str().unwrap();
        assert!(body.starts_with("**Delivers:** "), "{what}: {} names no deliverable", issue["title"]);
        assert!(body.matches("- [ ] ").count() <= 8, "{what}: {} has more than 8 criteria", issue["title"]);
    }
    let delivered = |mark: String| tickets.matches(&format!("**Delivers:** {mark}")).count();
    let operations = prd["operations"].as_array().unwrap();
    for o in operations {
        let id = o["id"].as_str().unwrap();
        assert_eq!(delivered(format!("operation `{id}`")), 1, "{what}: operation {id}");
    }
    let sql = text(files, "schema.sql");
    let created = apply_ddl(&sql, "buildable").unwrap_or_else(|e| panic!("{what}: the DDL does not apply: {e}\n{sql}"));
    assert_eq!(created, sql.matches("CREATE TABLE ").count(), "{what}: tables created in PostgreSQL");
    for table in sql.lines().filter_map(|l| l.strip_prefix("CREATE TABLE ")).map(|l| l.trim_end_matches(" (")) {
        assert_eq!(delivered(format!("table `{}`", table.trim_matches('"'))), 1, "{what}: table {table}");
    }
    for screen in prd["screens"].as_array().unwrap() {
        assert_eq!(delivered(format!("screen `{}`", screen["name"].as_str().unwrap())), 1, "{what}: {screen}");
    }

    // Contracts: every operation the decisions imply, in all three.
    let openapi: serde_json::Value = yaml_serde::from_str(&text(files, "openapi.yaml")).unwrap();
    let mut operation_ids = Vec::new();
    for item in openapi["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op["operationId"].as_str() {
                operation_ids.push(id.to_owned());
            }
        }
    }
    let sdl = text(files, "schema.graphql");
    let schema = apollo_compiler::Schema::parse_and_validate(&sdl, "schema.graphql").expect("valid SDL");
    let root_fields: Vec<String> = ["Query", "Mutation"]
        .iter()
        .filter_map(|t| schema.get_object(t))
        .flat_map(|o| o.fields.keys().map(|k| k.to_string()))
        .collect();
    let proto = text(files, "api.proto");
    for o in operations {
        let id = o["id"].as_str().unwrap();
        assert!(operation_ids.iter().any(|x| x == id), "{what}: {id} missing from OpenAPI");
        let field = o["graphql"].as_str().unwrap();
        assert!(root_fields.iter().any(|f| f == field), "{what}: {field} missing from GraphQL");
        let rpc = o["rpc"].as_str().unwrap();
        assert!(proto.contains(&format!("rpc {rpc}(")), "{what}: {rpc} missing from protobuf");
    }

    let words_codes = ["SB801", "SB802", "SB803", "SB804", "SB805", "SB806", "SB405", "SB406", "SB407"];
    let flagged: Vec<String> = (walk.findings.iter())
        .filter(|f| words_codes.contains(&f.code.as_str()))
        .map(|f| format!("{} {}: {}", f.code, f.path, f.message))
        .collect();
    assert_eq!(flagged, Vec::<String>::new(), "{what}");
}

/// What the recommended answers of each template must deliver, by name: deleting an option's
/// operation, table, job or screen from a template fails here.
/// Template, operations, tables, jobs, screens.
type Named =
    (&'static str, &'static [&'static str], &'static [&'static str], &'static [&'static str], &'static [&'static str]);

const NAMED: &[Named] = &[
    (
        "saas-web",
        &[
            "createInvitation",
            "acceptInvitation",
            "requestSignInLink",
            "redeemSignInLink",
            "createApiToken",
            "restoreInvoice",
        ],
        &["invitations", "sign_in_tokens", "api_tokens", "audit_events", "memberships"],
        &["purge_expired_sign_in_tokens", "purge_expired_invitations"],
        &["/sign-in", "/settings/api-tokens"],
    ),
    (
        "api-service",
        &["issueAccessToken", "restoreInvoice", "revokeOauthClient"],
        &["oauth_clients", "idempotency_keys", "audit_events"],
        &["purge_idempotency_keys"],
        &["/docs"],
    ),
    ("cli-tool", &[], &[], &["check_for_update"], &[]),
    (
        "data-pipeline",
        &["cancelBackfill"],
        &["pipeline_runs", "source_watermarks", "quality_check_results"],
        &["run_transformations"],
        &["/dashboards/freshness"],
    ),
    (
        "mobile-app",
        &["registerDevice", "pullChanges", "signOut"],
        &["devices", "sync_changes", "sessions"],
        &["send_push"],
        &["/settings/notifications"],
    ),
    ("brownfield-change", &[], &["feature_flags", "backfill_progress"], &["run_backfill"], &["/admin/feature-flags"]),
];

fn assert_named(template: &str, walk: &Walk) {
    let (_, operations, tables, jobs, screens) = NAMED.iter().find(|(t, ..)| *t == template).expect("listed");
    let openapi = text(&walk.files, "openapi.yaml");
    for id in *operations {
        assert!(openapi.contains(&format!("operationId: {id}\n")), "{template}: {id} is not in the OpenAPI contract");
    }
    let sql = text(&walk.files, "schema.sql");
    for table in *tables {
        assert!(sql.contains(&format!("CREATE TABLE {table} (")), "{template}: no table {table}");
    }
    let tickets = text(&walk.files, "tickets/tickets.md");
    for job in *jobs {
        assert!(tickets.contains(&format!("**Delivers:** job `{job}`")), "{template}: no task delivers the job {job}");
    }
    for screen in *screens {
        assert!(tickets.contains(&format!("**Delivers:** screen `{screen}`")), "{template}: no task delivers {screen}");
    }
}

#[test]
fn recommended_answers_give_a_spec_to_build_from_in_every_template() {
    for template in TEMPLATES {
        let dir = tempfile::tempdir().unwrap();
        let walk = walk(dir.path(), template, &[("data.entities", OWN_ENTITIES)]);
        assert_buildable(&format!("{template} (recommended)"), &walk);
        assert_named(template, &walk);
    }
}

#[test]
fn a_greenfield_project_gets_no_change_plan() {
    let dir = tempfile::tempdir().unwrap();
    walk(dir.path(), "saas-web", &[("data.entities", OWN_ENTITIES)]);
    let out = specbuilder(&["generate", "change-plan"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a change plan is for changing existing code"), "{err}");
}

#[test]
fn other_answers_give_a_spec_to_build_from_in_every_template() {
    for template in TEMPLATES {
        let dir = tempfile::tempdir().unwrap();
        let script = other_answers(template);
        let script: Vec<(&str, &str)> = script.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let walk = walk(dir.path(), template, &script);
        assert_buildable(&format!("{template} (other answers)"), &walk);
    }
}
