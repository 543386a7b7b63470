//! `status`, `ask` and `template` on real directories.

mod common;
use common::*;

#[test]
fn ask_json_gives_the_next_question_with_why_and_recommendation() {
    let out = specbuilder(&["ask", "--json"], &examples().join("team-tracker"));
    assert_eq!(out.status.code(), Some(0));
    let answer = json(&out);
    assert_eq!(answer["project"], "team-tracker");
    let q = &answer["question"];
    assert_eq!(q["key"], "product.launch_scope");
    assert!(q["why"].as_str().unwrap().len() > 10);
    assert_eq!(q["recommended"]["id"], "mvp");
    let numbers: Vec<u64> = q["options"].as_array().unwrap().iter().map(|o| o["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [1, 2, 3]);
    let assumed: Vec<&str> =
        answer["assumptions"].as_array().unwrap().iter().map(|a| a["key"].as_str().unwrap()).collect();
    assert_eq!(assumed, ["api.rate_limits", "ui.languages"]);
}

#[test]
fn ask_in_text_marks_the_recommended_option() {
    let out = specbuilder(&["ask"], &examples().join("team-tracker"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("What does the first release have to be?"));
    assert!(text.contains("1. A minimum product for a few design partners  (recommended)"), "{text}");
    assert!(text.contains("why we ask: "));
}

#[test]
fn status_reports_progress_and_blockers_per_target() {
    let out = specbuilder(&["status", "--format", "json"], &examples().join("team-tracker"));
    let status = json(&out);
    let project = &status["projects"][0];
    let prd = project["targets"].as_array().unwrap().iter().find(|t| t["target"] == "prd").unwrap();
    assert_eq!((prd["decided"].as_u64(), prd["needed"].as_u64()), (Some(4), Some(5)));
    assert_eq!(prd["blockers"], serde_json::json!(["product.launch_scope"]));
    assert_eq!(project["next"]["key"], "product.launch_scope");

    let text = String::from_utf8(specbuilder(&["status"], &examples().join("team-tracker")).stdout).unwrap();
    assert!(text.contains("gherkin   3/3  ready"), "{text}");
    let untemplated = String::from_utf8(specbuilder(&["status"], &examples().join("contradictions")).stdout).unwrap();
    assert!(untemplated.contains("no template"));
}

#[test]
fn ask_needs_a_project_when_there_are_several() {
    let dir = tempfile::tempdir().unwrap();
    for slug in ["one", "two"] {
        write(dir.path(), &format!("specs/{slug}/project.md"), "---\nname: X\ntemplate: saas-web\n---\n");
    }
    let out = specbuilder(&["ask"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("several projects; pick one with --project (one, two)"));
    let out = specbuilder(&["ask", "--project", "two", "--json"], dir.path());
    assert_eq!(json(&out)["question"]["key"], "product.audience");
    let out = specbuilder(&["ask", "--project", "three"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn template_commands_list_show_and_lint() {
    let dir = tempfile::tempdir().unwrap();
    let list = String::from_utf8(specbuilder(&["template", "list"], dir.path()).stdout).unwrap();
    assert!(list.contains("saas-web") && list.contains("built-in"), "{list}");
    let show = String::from_utf8(specbuilder(&["template", "show", "saas-web"], dir.path()).stdout).unwrap();
    assert!(show.contains("auth.accounts [auth; priority 99; quick/standard/thorough]"), "{show}");
    let lint = specbuilder(&["template", "lint"], dir.path());
    assert_eq!(lint.status.code(), Some(0));

    write(
        dir.path(),
        ".specbuilder/templates/mine.yaml",
        "id: mine\nname: Mine\nversion: 1\nquestions:\n- key: a.b\n  text: Q?\n  why: W.\n  category: product\n  depends_on: [a.c]\n  options:\n  - { id: x, label: X, facts: { f: 1 } }\n  - { id: y, label: Y, facts: { f: 2 } }\n",
    );
    let lint = specbuilder(&["template", "lint"], dir.path());
    assert_eq!(lint.status.code(), Some(1));
    let text = String::from_utf8(lint.stdout).unwrap();
    assert!(text.contains("error[SB602]") && text.contains(".specbuilder/templates/mine.yaml:5"), "{text}");
    let list = String::from_utf8(specbuilder(&["template", "list"], dir.path()).stdout).unwrap();
    assert!(list.contains(".specbuilder/templates/mine.yaml"), "{list}");
    let check = json(&specbuilder(&["check", "--format", "json"], dir.path()));
    // The error, and a warning for each option that implies nothing a team would build.
    assert_eq!(codes(&check), ["SB602", "SB606", "SB606"], "check lints repository templates too");
}

/// After an answer that rules out recommendations (the last option of each template's first
/// question, and saas-web's `enterprise`), `skip` walks every built-in to the end at every depth:
/// it takes what the template recommends after that answer, or the first option the rules allow,
/// and the branch never holds a contradiction.
#[test]
fn skipping_never_records_a_contradiction_in_any_template() {
    // The first answer: the last option of the first question, and for saas-web `enterprise` too.
    let templates = [
        ("saas-web", Some("enterprise")),
        ("saas-web", None),
        ("api-service", None),
        ("cli-tool", None),
        ("data-pipeline", None),
        ("mobile-app", None),
        ("brownfield-change", None),
    ];
    let walks = templates.into_iter().flat_map(|t| ["quick", "standard", "thorough"].map(|d| (t, d)));
    for ((template, opening), depth) in walks {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q"]);
        let out = specbuilder(&["new", "app", "--template", template, "--depth", depth], dir.path());
        assert_eq!(out.status.code(), Some(0), "{template}: {}", String::from_utf8_lossy(&out.stderr));
        let mut first = true;
        for _ in 0..80 {
            let next = json(&specbuilder(&["ask", "--json"], dir.path()));
            let Some(key) = next["question"]["key"].as_str().map(str::to_owned) else { break };
            let out = if first {
                first = false;
                let options = next["question"]["options"].as_array().unwrap();
                let last = options.last().unwrap()["id"].as_str().unwrap().to_owned();
                specbuilder(&["answer", &key, opening.unwrap_or(&last)], dir.path())
            } else if next["question"]["recommended"].is_null() {
                specbuilder(&["answer", &key, "Customer: name!; Invoice: number!, customer:Customer"], dir.path())
            } else {
                specbuilder(&["skip", &key], dir.path())
            };
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{template} at {depth}: {key}: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let check = specbuilder(&["check", "--ref", "spec/app", "--format", "json"], dir.path());
        let errors: Vec<String> = (json(&check)["findings"].as_array().unwrap().iter())
            .filter(|f| f["severity"] == "error")
            .map(|f| f["message"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(errors, Vec::<String>::new(), "{template} at {depth}");
    }
}

/// After `product.audience = enterprise`, the sign-in question marks every method but SSO as
/// contradicting the template's own rule, recommends SSO with that reason, and `skip` takes it.
#[test]
fn a_recommendation_never_contradicts_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    assert_eq!(
        specbuilder(&["new", "app", "--template", "saas-web", "--depth", "standard"], dir.path()).status.code(),
        Some(0)
    );
    assert_eq!(specbuilder(&["answer", "product.audience", "enterprise"], dir.path()).status.code(), Some(0));
    let question = loop {
        let next = json(&specbuilder(&["ask", "--json"], dir.path()));
        let key = next["question"]["key"].as_str().expect("questions remain").to_owned();
        if key == "auth.method" {
            break next["question"].clone();
        }
        let out = specbuilder(&["skip", &key], dir.path());
        if out.status.code() != Some(0) {
            specbuilder(&["answer", &key, "Customer: name!"], dir.path());
        }
    };
    let marked: Vec<&str> = (question["options"].as_array().unwrap().iter())
        .filter(|o| o["contradicts"].as_str().is_some_and(|m| m.contains("enterprise-needs-sso")))
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(marked, ["password", "magic_link", "social"], "{question}");
    // The template recommends SSO for enterprises itself, with the rule as its reason.
    assert_eq!(question["recommended"]["id"], "sso", "{question}");
    assert!(question["recommended"]["reason"].as_str().unwrap().contains("enterprise-needs-sso"), "{question}");
    let text = String::from_utf8(specbuilder(&["ask"], dir.path()).stdout).unwrap();
    assert!(text.contains("A magic link by email  (contradicts `enterprise-needs-sso` is violated"), "{text}");
    let out = specbuilder(&["skip", "auth.method"], dir.path());
    assert!(String::from_utf8_lossy(&out.stdout).contains("auth.method = sso (assumed)"), "{out:?}");
}

/// A repository template with an error is never left out in silence: `template list` shows it
/// as broken, `template lint` reports it at its line (exit 1), and `new` names its first error.
#[test]
fn a_broken_repository_template_is_reported_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(
        dir.path(),
        ".specbuilder/templates/clinic.yaml",
        "id: clinic\nname: Clinic\nversion: 1\nquestions:\n- key: a.b\n  text: Q?\n  catgory: product\n",
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "a template"]);
    let list = String::from_utf8(specbuilder(&["template", "list"], dir.path()).stdout).unwrap();
    let line = list.lines().find(|l| l.starts_with("clinic")).unwrap_or_else(|| panic!("not listed: {list}"));
    assert!(line.contains("BROKEN: 1 error") && line.contains(".specbuilder/templates/clinic.yaml"), "{line}");
    let lint = specbuilder(&["template", "lint"], dir.path());
    assert_eq!(lint.status.code(), Some(1));
    let text = String::from_utf8(lint.stdout).unwrap();
    assert!(text.contains("error[SB006]") && text.contains(".specbuilder/templates/clinic.yaml:7"), "{text}");
    let new = specbuilder(&["new", "visit", "--template", "clinic"], dir.path());
    assert_eq!(new.status.code(), Some(2));
    let err = String::from_utf8(new.stderr).unwrap();
    assert!(
        err.contains("template `clinic` (.specbuilder/templates/clinic.yaml) has errors") && err.contains("catgory"),
        "{err}"
    );
}

/// A secret in an answer or an idea is refused before anything is written, and no output
/// repeats it; `check` finds one written by hand, at its line.
#[test]
fn secrets_never_enter_the_spec() {
    let token = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let idea = format!("A tracker; deploy with {token}");
    let out = specbuilder(&["new", "app", "--template", "saas-web", "--idea", &idea], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("a GitHub token (rule `github-token`)") && !said.contains(token), "{said}");

    assert_eq!(
        specbuilder(&["new", "app", "--template", "saas-web", "--depth", "quick"], dir.path()).status.code(),
        Some(0)
    );
    let commits = || {
        let out = std::process::Command::new("git")
            .args(["rev-list", "--count", "spec/app"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let before = commits();
    let answer = format!("Project: name; Token: value // {token}");
    let out = specbuilder(&["answer", "data.entities", &answer], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("a GitHub token") && said.contains("nothing was written") && !said.contains(token), "{said}");
    assert_eq!(commits(), before, "nothing was committed");

    write(dir.path(), "specs/notes/project.md", "---\nname: Notes\n---\nAn idea.\n");
    write(
        dir.path(),
        "specs/notes/decisions/ops.smtp.md",
        format!(
            "---\nkey: ops.smtp\nquestion: Which mail server?\nformat: text\nanswer: smtp://mailer:{token}@smtp.example.com\n---\n"
        ),
    );
    let report = json(&specbuilder(&["check", "--format", "json"], dir.path()));
    let found: Vec<&serde_json::Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "SB112").collect();
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(found[0]["line"], 5);
    assert!(!report.to_string().contains(token), "the report repeats the secret");
    let text = String::from_utf8(specbuilder(&["check"], dir.path()).stdout).unwrap();
    assert!(text.contains("error[SB112]") && text.contains("ops.smtp.md:5"), "{text}");
    assert!(!text.contains(token), "the text report repeats the secret: {text}");
}

/// A team's template with every question format: a multi question the depth skips is assumed
/// with its list default; a recommendation follows an earlier answer and its rule; a form reply
/// keeps the fields it leaves out, and its fields reach what the artifacts say.
#[test]
fn every_question_format_and_recommendations_that_follow_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let template =
        std::fs::read_to_string(format!("{}/tests/fixtures/templates/clinic.yaml", env!("CARGO_MANIFEST_DIR")));
    write(dir.path(), ".specbuilder/templates/clinic.yaml", template.unwrap());
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "our template"]);
    let show = |path: &str| {
        let out = std::process::Command::new("git")
            .args(["show", &format!("spec/app:specs/app/{path}")])
            .current_dir(dir.path())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };

    let new = specbuilder(&["new", "app", "--template", "clinic", "--depth", "quick"], dir.path());
    let said = String::from_utf8_lossy(&new.stdout);
    assert!(said.contains("assumed (not asked at this depth): notify.channels"), "{said}");
    let channels = show("decisions/notify.channels.md");
    assert!(channels.contains("answer:\n- email\n- sms\n") && channels.contains("status: assumed"), "{channels}");

    assert_eq!(specbuilder(&["answer", "product.segment", "chain"], dir.path()).status.code(), Some(0));
    let next = json(&specbuilder(&["ask", "--json"], dir.path()));
    let question = &next["question"];
    assert_eq!(question["key"], "auth.method", "{next}");
    assert_eq!(question["recommended"]["id"], "sso", "{question}");
    assert!(question["recommended"]["reason"].as_str().unwrap().contains("its own identity provider"), "{question}");
    assert!(question["options"][0]["contradicts"].as_str().unwrap().contains("chain-needs-sso"), "{question}");
    let skip = specbuilder(&["skip", "auth.method"], dir.path());
    assert!(String::from_utf8_lossy(&skip.stdout).contains("auth.method = sso (assumed)"), "{skip:?}");

    let next = json(&specbuilder(&["ask", "--json"], dir.path()));
    assert_eq!(next["question"]["format"], "form", "{next}");
    assert_eq!(
        next["question"]["recommended"]["id"],
        serde_json::json!({"availability_percent": 99.9, "p95_latency_ms": 300})
    );
    let wrong = specbuilder(&["answer", "ops.targets", "p95_latency: 150"], dir.path());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("did you mean `p95_latency_ms`"), "{wrong:?}");
    assert_eq!(specbuilder(&["answer", "ops.targets", "p95_latency_ms: 150"], dir.path()).status.code(), Some(0));
    let targets = show("decisions/ops.targets.md");
    assert!(targets.contains("availability_percent: 99.9") && targets.contains("p95_latency_ms: 150"), "{targets}");

    let generate = specbuilder(&["generate", "prd"], dir.path());
    assert_eq!(generate.status.code(), Some(0), "{}", String::from_utf8_lossy(&generate.stderr));
    let prd = show("artifacts/prd.md");
    assert!(prd.contains("within 150 ms at p95") && prd.contains("available 99.9% of each calendar month"), "{prd}");
}

/// `template lint` finds answers after which a question has no option left that agrees with the
/// rules, and names them; the built-ins have none.
#[test]
fn template_lint_finds_dead_ends() {
    let dir = tempfile::tempdir().unwrap();
    let option = |id: &str, fact: &str| {
        format!(
            "  - id: {id}\n    label: {id}\n    facts: {{ {fact}: {id} }}\n    implies:\n    - requirements:\n      - ears: The system shall show {id}.\n        scenarios:\n        - {{ name: Shown, when: [ana opens it], then: [\"{id} is shown\"] }}\n"
        )
    };
    let question = |key: &str, ids: [&str; 2]| {
        format!(
            "- key: {key}\n  text: Which?\n  why: W.\n  category: product\n  options:\n{}{}",
            option(ids[0], key),
            option(ids[1], key)
        )
    };
    let template = format!(
        "id: stuck\nname: Stuck\nversion: 1\nquestions:\n{}{}rules:\n- {{ id: x-not-p, forbid: {{ a.first: x, a.second: p }}, message: X rules out P. }}\n- {{ id: x-not-q, forbid: {{ a.first: x, a.second: q }}, message: X rules out Q. }}\n",
        question("a.first", ["x", "y"]),
        question("a.second", ["p", "q"]),
    );
    write(dir.path(), ".specbuilder/templates/stuck.yaml", template);
    let lint = specbuilder(&["template", "lint"], dir.path());
    let text = String::from_utf8(lint.stdout).unwrap();
    assert_eq!(lint.status.code(), Some(1), "{text}");
    let dead: Vec<&str> = text.lines().filter(|l| l.contains("SB609") && l.contains("a.first")).collect();
    assert_eq!(dead.len(), 1, "one dead end, named once: {text}");
    assert!(text.contains("after a.first = x, no option of `a.second` agrees with the rules"), "{text}");
}

/// An answer outranks an assumption nobody was asked about: when it clashes only with assumed
/// decisions, those are assumed again to agree, in the same commit; a clash with an answer a
/// person gave is still refused.
#[test]
fn an_answer_revises_the_assumptions_it_clashes_with() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let new = specbuilder(&["new", "app", "--template", "saas-web", "--depth", "quick"], dir.path());
    assert!(String::from_utf8_lossy(&new.stdout).contains("product.billing"), "billing is assumed at quick depth");
    let out = specbuilder(&["answer", "product.audience", "internal"], dir.path());
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("assumptions revised to agree: product.billing = per_seat → free (assumed)"), "{said}");
    let billing = std::process::Command::new("git")
        .args(["show", "spec/app:specs/app/decisions/product.billing.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let billing = String::from_utf8(billing.stdout).unwrap();
    assert!(billing.contains("answer: free") && billing.contains("status: assumed"), "{billing}");

    let change = specbuilder(&["change", "product.billing", "per_seat"], dir.path());
    assert_eq!(change.status.code(), Some(1), "a person's answer is never revised away");
    assert!(String::from_utf8_lossy(&change.stdout).contains("internal-is-not-billed"), "{change:?}");
}

/// `serve` says which host is missing what, before it touches a database or the network.
#[test]
fn serve_names_the_variable_a_half_configured_host_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let serve = |vars: &[(&str, &str)]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_specbuilder"));
        command.arg("serve").current_dir(dir.path()).env("NO_COLOR", "1");
        for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("GITHUB_") || n.starts_with("GITLAB_")) {
            command.env_remove(name);
        }
        command.envs(vars.iter().copied());
        let out = command.output().unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(serve(&[]).contains("no host is configured"), "{}", serve(&[]));
    let half = serve(&[("GITLAB_TOKEN", "glpat-x")]);
    assert!(half.contains("GitLab is half-configured: GITLAB_WEBHOOK_SECRET is not set"), "{half}");
    assert!(!half.contains("glpat-x"), "the token is never echoed: {half}");
    let half = serve(&[("GITHUB_WEBHOOK_SECRET", "s")]);
    assert!(half.contains("GitHub is half-configured: GITHUB_APP_ID is not set"), "{half}");
}
