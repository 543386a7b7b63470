//! Every built-in template's artifacts, generated through the real engine on a real git
//! repository, then read by real parsers: PostgreSQL for the DDL, the official OpenAPI 3.1
//! schema and the `oas3` crate, apollo-compiler, protox, the gherkin crate, merman (Mermaid),
//! the PRD's JSON Schema, lopdf for the PDF, csv for the imports.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::path::Path;

const TEMPLATES: &[&str] = &["saas-web", "api-service", "cli-tool", "data-pipeline", "mobile-app", "brownfield-change"];

/// A repository with project `app` from `template`, every question answered as recommended,
/// and every target generated. Returns the artifacts by name.
fn generated(dir: &Path, template: &str, idea: &str) -> BTreeMap<String, Vec<u8>> {
    generated_with(dir, template, idea, &[])
}

/// [`generated`] with some replies scripted.
fn generated_with(dir: &Path, template: &str, idea: &str, script: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    artifacts(&generated_project(dir, template, &format!("App from {template}"), idea, script))
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files.get(name).unwrap_or_else(|| panic!("no {name}")).clone()).unwrap()
}

#[test]
fn every_template_generates_artifacts_that_pass_their_parsers() {
    for template in TEMPLATES {
        let scratch = tempfile::tempdir().unwrap();
        let files = generated(scratch.path(), template, "An idea <script>alert(1)</script> with \"quotes\".");
        for (name, bytes) in &files {
            if let Err(e) = specbuilder::verify::verify(name, bytes) {
                panic!("{template}: {name} is invalid: {}:{}", e.line, e.message);
            }
        }
        let prd: serde_json::Value = serde_json::from_slice(&files["prd.json"]).unwrap();
        let requirements = prd["requirements"].as_array().unwrap().len();
        assert!(requirements >= 20, "{template}: {requirements} requirements");

        // OpenAPI: loaded by an OpenAPI crate, same resources as the schema.
        let openapi = oas3::from_yaml(text(&files, "openapi.yaml")).expect("oas3 loads the document");
        assert_eq!(openapi.openapi, "3.1.0");
        let entities = prd["entities"].as_array().unwrap().len();
        let operations = prd["operations"].as_array().unwrap();
        let paths: std::collections::BTreeSet<&str> = operations.iter().map(|o| o["path"].as_str().unwrap()).collect();
        assert!(operations.len() >= 5 * entities, "{template}: entity CRUD and what the decisions imply");
        assert_eq!(openapi.paths.as_ref().map_or(0, |p| p.len()), paths.len(), "{template}");

        // GraphQL: parsed and validated; one object type per entity.
        let sdl = text(&files, "schema.graphql");
        let schema = apollo_compiler::Schema::parse_and_validate(&sdl, "schema.graphql").expect("valid SDL");
        for entity in prd["entities"].as_array().unwrap() {
            let name = pascal(entity["name"].as_str().unwrap());
            assert!(schema.types.contains_key(name.as_str()), "{template}: no GraphQL type {name}");
        }

        // protobuf: compiled; five methods per entity.
        let descriptors = compile_proto(&text(&files, "api.proto"));
        let file = descriptors.file.iter().find(|f| f.name() == "api.proto").unwrap();
        let methods = file.service[0].method.len();
        assert_eq!(methods, operations.len().max(1), "{template}: one RPC per operation");

        // Gherkin: one scenario per requirement across the features, each tagged with its id.
        let mut scenarios = 0;
        for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".feature")) {
            let feature = gherkin::Feature::parse(String::from_utf8(bytes.clone()).unwrap(), Default::default())
                .unwrap_or_else(|e| panic!("{template}: {name}: {e}"));
            for scenario in &feature.scenarios {
                assert!(scenario.steps.len() >= 2, "{template}: {name}: {}", scenario.name);
                assert!(scenario.tags.iter().any(|t| t.starts_with("REQ-")), "{template}: {name}: untagged");
            }
            scenarios += feature.scenarios.len();
        }
        assert!(scenarios >= requirements, "{template}: {scenarios} scenarios for {requirements} requirements");

        // Mermaid: the parser's model holds every table, relation and component we emitted.
        let sql = text(&files, "schema.sql");
        let er = mermaid(&text(&files, "schema.mmd"));
        assert_eq!(er["entities"].as_object().unwrap().len(), sql.matches("CREATE TABLE ").count(), "{template}");
        assert_eq!(er["relationships"].as_array().unwrap().len(), sql.matches("FOREIGN KEY").count(), "{template}");
        let component = mermaid(&text(&files, "c4-component.mmd"));
        let shapes = component["shapes"].as_array().unwrap();
        assert_eq!(shapes.len(), 3 + entities, "{template}: auth, access, db and one per entity");
        for name in ["c4-context.mmd", "c4-container.mmd"] {
            let model = mermaid(&text(&files, name));
            assert!(model["shapes"].as_array().unwrap().len() >= 3, "{template}: {name}");
            assert!(!model["rels"].as_array().unwrap().is_empty(), "{template}: {name}");
        }

        // PDF: read back as text.
        let pdf = lopdf::Document::load_mem(&files["prd.pdf"]).unwrap();
        let first_page = pdf.extract_text(&[1]).unwrap();
        assert!(first_page.contains(&format!("App from {template}")), "{template}: {first_page}");

        // HTML: what was typed is shown, never run.
        let html = text(&files, "prd.html").to_lowercase();
        assert!(!html.contains("<script"), "{template}: script in the HTML");
        assert!(html.contains("alert(1)"), "{template}: the idea's text is lost");

        // Trackers: the columns their importers need, one row per ticket.
        let tickets: Vec<serde_json::Value> = serde_json::from_slice(&files["tickets/github-issues.json"]).unwrap();
        let mut jira = csv::Reader::from_reader(files["tickets/jira.csv"].as_slice());
        assert_eq!(jira.headers().unwrap().get(0), Some("Summary"));
        assert_eq!(jira.records().count(), tickets.len());
        let gitlab: Vec<serde_json::Value> = serde_json::from_slice(&files["tickets/gitlab-issues.json"]).unwrap();
        assert!(gitlab.iter().all(|i| i["title"].is_string() && i["description"].is_string()));
    }
}

/// The semantic model merman (a port of Mermaid's parsers) builds from a diagram.
fn mermaid(source: &str) -> serde_json::Value {
    let engine = merman_core::Engine::new();
    let parsed = engine.parse_diagram_sync(source, merman_core::ParseOptions::strict()).expect("valid Mermaid");
    parsed.expect("a diagram type is recognised").model.as_value().clone()
}

fn pascal(snake: &str) -> String {
    snake.split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect()
}

struct OneFile(String);

impl protox::file::FileResolver for OneFile {
    fn open_file(&self, name: &str) -> Result<protox::file::File, protox::Error> {
        match name {
            "api.proto" => protox::file::File::from_source(name, &self.0),
            _ => protox::file::GoogleFileResolver::new().open_file(name),
        }
    }
}

fn compile_proto(source: &str) -> prost_types::FileDescriptorSet {
    let mut compiler = protox::Compiler::with_file_resolver(OneFile(source.to_owned()));
    compiler.open_file("api.proto").expect("the proto compiles");
    compiler.file_descriptor_set()
}

#[test]
fn the_ddl_of_every_template_applies_to_a_real_postgres() {
    let url = database_url();
    let probe = psql(&url, &["-c", "SELECT 1"]);
    assert!(
        probe.status.success(),
        "no PostgreSQL at {url}: set DATABASE_URL (bash .ci/run starts one): {}",
        String::from_utf8_lossy(&probe.stderr)
    );
    for template in TEMPLATES {
        let scratch = tempfile::tempdir().unwrap();
        let files = generated(scratch.path(), template, "An idea.");
        let sql = text(&files, "schema.sql");
        let tables = apply_ddl(&sql, template).unwrap_or_else(|e| panic!("{template}: {e}\n{sql}"));
        let expected = sql.matches("CREATE TABLE ").count();
        assert_eq!(tables, expected, "{template}: tables created");
        // A command-line tool keeps no database; every other template does.
        assert!(tables >= 1 || *template == "cli-tool", "{template}");
    }
}

/// Entity and field names that are key words somewhere (SQL, GraphQL, protobuf) still give
/// valid artifacts, and the DDL applies.
#[test]
fn key_words_as_names_stay_valid_in_every_format() {
    let entities = "Order: user, group:text!, type, key, default:int?, from:date, to:date?, select:bool; \
                    Line Item: order:Order, position:int, message, service, package:text?, option:json?; \
                    Table: column, end:datetime?";
    let scratch = tempfile::tempdir().unwrap();
    let files = generated_with(scratch.path(), "saas-web", "Orders.", &[("data.entities", entities)]);
    for (name, bytes) in &files {
        if let Err(e) = specbuilder::verify::verify(name, bytes) {
            panic!("{name} is invalid: {}:{}", e.line, e.message);
        }
    }
    let sql = text(&files, "schema.sql");
    assert!(sql.contains("    \"column\" text NOT NULL"), "{sql}");
    assert!(sql.contains("    \"user\" text NOT NULL"), "{sql}");
    let url = database_url();
    let script = format!(
        "BEGIN;\nCREATE SCHEMA sb_kw_{pid};\nSET LOCAL search_path TO sb_kw_{pid}, public;\n{sql}\nROLLBACK;\n",
        pid = std::process::id()
    );
    let path = scratch.path().join("apply.sql");
    std::fs::write(&path, script).unwrap();
    let out = psql(&url, &["-f", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
