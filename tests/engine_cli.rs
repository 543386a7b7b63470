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
