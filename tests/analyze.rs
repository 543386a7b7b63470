//! `specbuilder analyze` and `impact` on small repositories, one per language, whose import
//! edges and external packages were labelled by hand.

mod common;

use common::copy_tree;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/analyze");
const LANGUAGES: &[&str] = &["python", "typescript", "go", "java", "csharp", "php", "ruby"];

fn specbuilder(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specbuilder")).args(args).output().unwrap()
}

fn json_of(args: &[&str]) -> Value {
    let output = specbuilder(args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn analyze_json(dir: &str) -> Value {
    json_of(&["analyze", dir, "--format", "json"])
}

fn pairs(list: &Value, a: &str, b: &str) -> BTreeSet<(String, String)> {
    (list.as_array().unwrap().iter())
        .map(|e| (e[a].as_str().unwrap().to_owned(), e[b].as_str().unwrap_or_default().to_owned()))
        .collect()
}

/// The labelled edges and external packages of a fixture.
fn labelled(language: &str) -> (BTreeSet<(String, String)>, BTreeSet<String>) {
    let text = std::fs::read_to_string(format!("{FIXTURES}/{language}/expected-edges.txt")).unwrap();
    let mut edges = BTreeSet::new();
    let mut packages = BTreeSet::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        if let Some(package) = line.strip_prefix("external: ") {
            packages.insert(package.to_owned());
        } else {
            let (from, to) = line.split_once(" -> ").unwrap();
            edges.insert((from.to_owned(), to.to_owned()));
        }
    }
    (edges, packages)
}

#[test]
fn every_language_resolves_its_imports_to_the_hand_labelled_edges() {
    for language in LANGUAGES {
        let analysis = analyze_json(&format!("{FIXTURES}/{language}"));
        let found = pairs(&analysis["edges"], "from", "to");
        let (expected, packages) = labelled(language);
        let right = found.intersection(&expected).count();
        assert!(
            right * 100 >= expected.len() * 95,
            "{language}: {right} of {} labelled edges found: {found:#?}",
            expected.len()
        );
        let wrong: Vec<_> = found.difference(&expected).collect();
        assert!(wrong.is_empty(), "{language}: edges nobody labelled: {wrong:?}");
        let external: BTreeSet<String> =
            analysis["external"].as_array().unwrap().iter().map(|e| e["package"].as_str().unwrap().into()).collect();
        assert_eq!(external, packages, "{language}: external packages");
        let language_name = if *language == "typescript" { "tsx" } else { language };
        assert!(
            analysis["languages"][language_name]["loc"].as_u64() > Some(0),
            "{language}: {}",
            analysis["languages"]
        );
    }
}

#[test]
fn entry_points_are_found_the_way_each_ecosystem_declares_them() {
    let entries =
        |language: &str| pairs(&analyze_json(&format!("{FIXTURES}/{language}"))["entry_points"], "path", "kind");
    let has = |language: &str, path: &str, kind: &str| {
        let found = entries(language);
        assert!(found.contains(&(path.to_owned(), kind.to_owned())), "{language}: {found:?}");
    };
    has("python", "src/shop/__main__.py", "python __main__");
    has("python", "scripts/seed.py", "python script");
    has("typescript", "src/server.ts", "package.json main");
    has("typescript", "scripts/seed.js", "package.json bin");
    has("typescript", "package.json", "npm script start");
    has("go", "cmd/server/main.go", "go main package");
    has("go", "Dockerfile", "docker CMD");
    has("java", "src/main/java/com/acme/shop/Application.java", "java main");
    has("csharp", "Shop.Api/Program.cs", "dotnet Program.cs");
    has("php", "public/index.php", "php front controller");
    has("ruby", "config.ru", "rack config.ru");
}

#[test]
fn components_tests_and_skipped_code_in_the_python_fixture() {
    let analysis = analyze_json(&format!("{FIXTURES}/python"));
    assert_eq!(analysis["containers"][0]["path"], "Dockerfile");
    let files: Vec<&str> = analysis["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(!files.iter().any(|f| f.contains("node_modules")), "{files:?}");
    assert_eq!(analysis["components"][0]["name"], "shop", "the package everything leans on ranks first");
    assert_eq!(analysis["components"][1]["uses"], serde_json::json!(["shop"]));
    assert_eq!(analysis["parse_errors"], serde_json::json!(["src/shop/broken.py"]), "a partial tree is still read");
    let loc: u64 = analysis["files"].as_array().unwrap().iter().map(|f| f["loc"].as_u64().unwrap()).sum();
    assert_eq!(analysis["languages"]["python"]["loc"].as_u64(), Some(loc));

    let java = analyze_json(&format!("{FIXTURES}/java"));
    let components: BTreeSet<&str> =
        java["components"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(components.contains("billing") && components.contains("orders"), "below com/acme/shop: {components:?}");
    assert_eq!(
        java["tests"],
        serde_json::json!([{
            "path": "src/test/java/com/acme/shop/orders/OrderServiceTest.java",
            "covers": ["src/main/java/com/acme/shop/orders/OrderService.java"]
        }])
    );
}

#[test]
fn diagrams_are_valid_mermaid_and_a_missing_directory_is_an_error() {
    let output = specbuilder(&["analyze", &format!("{FIXTURES}/go"), "--format", "mermaid"]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("C4Component\n") && text.contains("Rel(c_orders, c_billing"), "{text}");
    specbuilder::verify::verify("components.mmd", text.as_bytes()).expect("Mermaid's own parser (merman) reads it");

    let output = specbuilder(&["analyze", &format!("{FIXTURES}/go"), "--format", "markdown"]);
    let markdown = String::from_utf8(output.stdout).unwrap();
    let containers = markdown.split("```mermaid\n").nth(1).unwrap().split("```").next().unwrap();
    assert!(containers.starts_with("C4Container") && containers.contains("Container(c_go"), "{containers}");
    specbuilder::verify::verify("containers.mmd", containers.as_bytes()).expect("merman reads the containers");

    let missing = specbuilder(&["analyze", "/nonexistent/dir"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("is not a directory"));
}

#[test]
fn impact_lists_dependents_tests_entry_points_and_deployables() {
    let dir = format!("{FIXTURES}/go");
    let impact = json_of(&["impact", "pkg/money", "--dir", &dir, "--format", "json"]);
    assert_eq!(impact["changed"], serde_json::json!(["pkg/money/money.go"]));
    let dependents: BTreeSet<(String, u64)> = (impact["dependents"].as_array().unwrap().iter())
        .map(|d| (d["path"].as_str().unwrap().to_owned(), d["distance"].as_u64().unwrap()))
        .collect();
    let expected: BTreeSet<(String, u64)> = [
        ("internal/billing/total.go", 1),
        ("internal/orders/store.go", 1),
        ("internal/orders/handler.go", 2),
        ("internal/orders/store_test.go", 2),
        ("cmd/server/main.go", 2),
    ]
    .into_iter()
    .map(|(p, d)| (p.to_owned(), d))
    .collect();
    assert_eq!(dependents, expected);
    assert_eq!(impact["tests"], serde_json::json!(["internal/orders/store_test.go"]));
    assert_eq!(impact["entry_points"][0]["path"], "cmd/server/main.go");
    assert_eq!(impact["containers"], serde_json::json!(["go"]), "the Dockerfile at the top builds everything");

    // A dotted module and a leaf nobody imports.
    let python = format!("{FIXTURES}/python");
    let leaf = json_of(&["impact", "scripts.seed", "--dir", &python, "--format", "json"]);
    assert_eq!(leaf["changed"], serde_json::json!(["scripts/seed.py"]));
    assert_eq!(leaf["dependents"], serde_json::json!([]));

    // Several targets at once: each changed file is reported once, and reaches the union.
    let both = json_of(&["impact", "shop.billing.tax", "src/shop/config.py", "--dir", &python, "--format", "json"]);
    assert_eq!(both["changed"], serde_json::json!(["src/shop/billing/tax.py", "src/shop/config.py"]));
    let reached: Vec<&str> =
        both["dependents"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert!(reached.contains(&"src/shop/__main__.py") && reached.contains(&"src/shop/orders/models.py"), "{reached:?}");

    let unknown = specbuilder(&["impact", "no.such.module", "--dir", &python]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("nothing in"), "{unknown:?}");
}

#[test]
fn facts_are_cached_by_blob_so_a_rerun_reads_only_what_changed() {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("shop");
    copy_tree(&Path::new(FIXTURES).join("go"), &repo);
    assert!(Command::new("git").args(["init", "-q"]).current_dir(&repo).status().unwrap().success());
    // A minified bundle (long lines) is not code to read, and is remembered as such.
    std::fs::create_dir_all(repo.join("web")).unwrap();
    std::fs::write(repo.join("web/app.js"), "var a=function(){return 1};".repeat(400)).unwrap();
    let dir = repo.to_str().unwrap();

    let first = analyze_json(dir);
    assert_eq!(first["stats"], serde_json::json!({"parsed": 6, "cached": 0, "skipped": 1}));
    let paths = |analysis: &Value| {
        analysis["files"].as_array().unwrap().iter().map(|f| f["path"].to_string()).collect::<Vec<_>>()
    };
    assert!(!paths(&first).iter().any(|p| p.contains("web/app.js")), "{:?}", paths(&first));
    let cache = std::fs::read_to_string(repo.join(".git/specbuilder/analyze-cache.json")).unwrap();
    assert!(cache.contains("web/app.js"), "the skipped bundle is in the cache, not read again");
    let again = analyze_json(dir);
    assert_eq!(again["stats"], serde_json::json!({"parsed": 0, "cached": 6, "skipped": 1}));
    let summary = String::from_utf8(specbuilder(&["analyze", dir]).stdout).unwrap();
    assert!(summary.contains("info: 1 file not read as code (minified"), "{summary}");
    assert_eq!(again["edges"], first["edges"], "cached facts give the same graph");

    // One changed file is parsed again, and its new import shows.
    let handler = repo.join("internal/orders/handler.go");
    let text = std::fs::read_to_string(&handler).unwrap();
    let changed = text.replace("\"net/http\"\n", "\"net/http\"\n\n\t\"example.com/shop/pkg/money\"\n");
    std::fs::write(&handler, changed.replace("billing.Total(List())", "money.Cents(len(List()))")).unwrap();
    let third = analyze_json(dir);
    assert_eq!(third["stats"], serde_json::json!({"parsed": 1, "cached": 5, "skipped": 1}));
    let edges = pairs(&third["edges"], "from", "to");
    assert!(edges.contains(&("internal/orders/handler.go".into(), "pkg/money/money.go".into())), "{edges:?}");

    // A moved file keeps its blob: nothing to parse.
    std::fs::rename(repo.join("pkg/money/money.go"), repo.join("pkg/money/cents.go")).unwrap();
    let moved = analyze_json(dir);
    assert_eq!(moved["stats"], serde_json::json!({"parsed": 0, "cached": 6, "skipped": 1}));
    assert!(
        pairs(&moved["edges"], "from", "to")
            .contains(&("internal/billing/total.go".into(), "pkg/money/cents.go".into()))
    );

    // A corrupt cache is rebuilt, not an error.
    std::fs::write(repo.join(".git/specbuilder/analyze-cache.json"), b"{not json").unwrap();
    assert_eq!(analyze_json(dir)["stats"], serde_json::json!({"parsed": 6, "cached": 0, "skipped": 1}));
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git").args(args).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A copy of a fixture as a git repository with one commit, and its folder.
fn committed_copy(fixture: &str, name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join(name);
    copy_tree(&Path::new(FIXTURES).join(fixture), &repo);
    git(&repo, &["init", "-q"]);
    git(&repo, &["config", "user.name", "Dana"]);
    git(&repo, &["config", "user.email", "dana@example.com"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "the code"]);
    (temp, repo)
}

fn run_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_specbuilder")).args(args).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_brownfield_project_records_the_analysis_and_asks_about_the_real_components() {
    let (_temp, repo) = committed_copy("go", "shop");

    let out = run_in(&repo, &["analyze", "--project", "money-fix"]);
    assert!(out.contains("next: specbuilder ask --project money-fix"), "{out}");
    let committed: Value =
        serde_json::from_str(&git(&repo, &["show", "spec/money-fix:specs/money-fix/codebase/analysis.json"])).unwrap();
    assert_eq!(committed["edges"], analyze_json(repo.to_str().unwrap())["edges"]);
    assert!(committed.get("stats").is_none(), "nothing run-specific is committed");
    let architecture = git(&repo, &["show", "spec/money-fix:specs/money-fix/codebase/architecture.md"]);
    assert!(architecture.contains("C4Container") && architecture.contains("C4Component"), "{architecture}");
    let project = git(&repo, &["show", "spec/money-fix:specs/money-fix/project.md"]);
    assert!(
        project.contains("kind: brownfield") && project.contains("template: brownfield-change-money-fix"),
        "{project}"
    );
    assert!(git(&repo, &["status", "--porcelain"]).is_empty(), "the working tree is not touched");

    // The questions offer what the code holds.
    run_in(&repo, &["answer", "change.kind", "1"]);
    let asked = run_in(&repo, &["ask", "--project", "money-fix"]);
    assert!(asked.contains("Which part of the code does the change centre on?"), "{asked}");
    assert!(asked.contains("orders (3 files") && asked.contains("money (1 files"), "{asked}");
    run_in(&repo, &["answer", "code.component", "money"]);
    run_in(&repo, &["answer", "change.scope", "1"]);
    let asked = run_in(&repo, &["ask", "--project", "money-fix"]);
    assert!(asked.contains("cmd/server/main.go (go main package)"), "{asked}");

    // The change plan is grounded in the analysis: what the component reaches, its tests.
    for (key, reply) in [
        ("deploy.rollout", "canary"),
        ("deploy.rollback", "redeploy"),
        ("deploy.order", "schema_then_code"),
        ("tests.required", "integration"),
        ("tests.regression", "dependents"),
    ] {
        run_in(&repo, &["answer", key, reply]);
    }
    run_in(&repo, &["generate", "change-plan"]);
    let plan = git(&repo, &["show", "spec/money-fix:specs/money-fix/artifacts/change-plan.md"]);
    assert!(
        plan.contains("The change centres on `money`: 1 files of the 6 analysed. 5 more files depend on them"),
        "{plan}"
    );
    assert!(
        plan.contains("| `internal/billing/total.go` | 1 |") && plan.contains("| `cmd/server/main.go` | 2 |"),
        "{plan}"
    );
    assert!(plan.contains("- Entry point affected: `cmd/server/main.go` (go main package)"), "{plan}");
    assert!(
        plan.contains("The tests that import the change and its dependents (1):\n\n- `internal/orders/store_test.go`"),
        "{plan}"
    );
    assert!(plan.contains("Deploy to a canary share of traffic"), "{plan}");
    let steps = plan.matches("\n### ").count() - 2; // less "To run" and "To write"
    assert_eq!(plan.matches("**Rollback:**").count(), steps, "every step has its rollback: {plan}");

    // Re-running on unchanged code commits nothing.
    let before = git(&repo, &["rev-parse", "spec/money-fix"]);
    let again = run_in(&repo, &["analyze", "--project", "money-fix"]);
    assert!(again.contains("already holds this analysis"), "{again}");
    assert_eq!(git(&repo, &["rev-parse", "spec/money-fix"]), before);
}

#[test]
fn a_revision_is_analysed_from_git_objects_without_touching_the_working_tree() {
    let (_temp, repo) = committed_copy("typescript", "storefront");
    git(&repo, &["tag", "v1"]);
    // The working tree moves on: the server stops using the logger.
    let server = repo.join("src/server.ts");
    let text = std::fs::read_to_string(&server).unwrap();
    std::fs::write(
        &server,
        text.replace("import { logger } from \"@lib/logger\";\n", "").replace("logger.info", "console.log"),
    )
    .unwrap();
    let dir = repo.to_str().unwrap();

    let now = pairs(&analyze_json(dir)["edges"], "from", "to");
    let logged = ("src/server.ts".to_owned(), "src/lib/logger.ts".to_owned());
    assert!(!now.contains(&logged));
    let then = json_of(&["analyze", dir, "--ref", "v1", "--format", "json"]);
    let (expected, _) = labelled("typescript");
    assert_eq!(
        pairs(&then["edges"], "from", "to"),
        expected,
        "tsconfig paths and extensions resolve at a revision too"
    );
    assert!(git(&repo, &["status", "--porcelain"]).contains("src/server.ts"), "the edit is still there");

    let impact = json_of(&["impact", "src/lib/logger.ts", "--dir", dir, "--ref", "v1", "--format", "json"]);
    let reached: Vec<&str> =
        impact["dependents"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert!(reached.contains(&"src/server.ts"), "{reached:?}");

    let bad = specbuilder(&["analyze", dir, "--ref", "no-such-tag"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("revision `no-such-tag` not found"));
}
