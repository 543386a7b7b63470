//! Helpers shared by the integration tests: running the real binary, building repositories.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

pub fn specbuilder(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specbuilder"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the specbuilder binary runs")
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}):\n{}", String::from_utf8_lossy(&output.stdout)))
}

pub fn codes(report: &serde_json::Value) -> Vec<String> {
    report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect()
}

pub fn write(root: &Path, relative: &str, text: impl AsRef<[u8]>) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs git in `dir` (as a test author, on `main` for a new repository); its output, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Copies a directory tree (the examples) into a scratch place tests may change.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub const PROJECT: &str = "---\nname: Demo\n---\nAn idea.\n";

pub fn decision(key: &str, answer: &str, facts: &str) -> String {
    format!(
        "---\nkey: {key}\nquestion: What about {key}?\nformat: single\noptions:\n- id: a\n  label: A\n- id: b\n  label: B\nanswer: {answer}\nfacts:\n{facts}status: accepted\n---\n"
    )
}

/// A PostgreSQL to apply DDL to: `DATABASE_URL`, else the server on 127.0.0.1:5432.
pub fn database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn psql(url: &str, args: &[&str]) -> Output {
    Command::new("psql")
        .arg(url)
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1"])
        .args(args)
        .output()
        .expect("psql runs (install postgresql-client, or run `bash .ci/run`, which does)")
}

/// Applies `sql` to a real PostgreSQL in a schema of its own, inside a transaction that is
/// rolled back (a failed DDL leaves nothing behind); the number of tables it created.
pub fn apply_ddl(sql: &str, label: &str) -> Result<usize, String> {
    let url = database_url();
    let schema = format!("sb_test_{}_{}", label.replace(|c: char| !c.is_ascii_alphanumeric(), "_"), std::process::id());
    let script = format!(
        "BEGIN;\nCREATE SCHEMA {schema};\nSET LOCAL search_path TO {schema}, public;\n{sql}\n\
         SELECT count(*) FROM information_schema.tables WHERE table_schema = '{schema}';\nROLLBACK;\n"
    );
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("apply.sql");
    std::fs::write(&path, script).map_err(|e| e.to_string())?;
    let out = psql(&url, &["-t", "-A", "-f", path.to_str().unwrap_or_default()]);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().map_err(|e| format!("no table count: {e}"))
}

/// A git repository in `dir` with the project `app` from `template`, every question answered
/// through the real engine (`script`, else as recommended), and every target the template
/// describes generated and committed. The session as the branch then stands.
pub fn generated_project(
    dir: &Path,
    template: &str,
    name: &str,
    idea: &str,
    script: &[(&str, &str)],
) -> specbuilder::conversation::Session {
    use specbuilder::cli::new::{DepthArg, NewArgs, NewOptions, start};
    use specbuilder::conversation::{Session, autopilot};
    use specbuilder::delivery::{Generated, Request, default_targets, generate_on_branch};
    git(dir, &["init", "-q"]);
    let args = NewArgs {
        options: NewOptions {
            slug: "app".into(),
            words: Vec::new(),
            template: Some(template.into()),
            depth: Some(DepthArg::Thorough),
            targets: Vec::new(),
            name: Some(name.into()),
            idea: Some(idea.into()),
        },
        dir: dir.to_owned(),
    };
    let started = start(&args).expect("the project starts");
    autopilot(started.session, script).expect("the conversation runs");
    let session = Session::open(dir, Some("app")).unwrap();
    let targets = default_targets(session.project().unwrap(), Some(session.template().unwrap()));
    let request = Request { targets: &targets, partial: true, force: false, overview: None };
    let generated = generate_on_branch(&session, request).expect("generation runs");
    assert!(matches!(generated, Generated::Committed { .. }), "{template}: nothing was committed");
    Session::open(dir, Some("app")).unwrap()
}

/// The artifacts of project `app` on its branch, by name under `artifacts/`.
pub fn artifacts(session: &specbuilder::conversation::Session) -> std::collections::BTreeMap<String, Vec<u8>> {
    (session.snapshot.files.iter())
        .filter_map(|f| f.path.strip_prefix("specs/app/artifacts/").map(|name| (name.to_owned(), f.bytes.clone())))
        .collect()
}
