//! The interrogation engine against the built-in templates: the next question, assumptions
//! for skipped depths, progress and blockers per target.

use spec_format::model::{Answer, AnswerFormat, Status};
use spec_format::validate::template::lint;
use spec_format::{Layout, RepoFile, Workspace};
use specbuilder::engine::{Catalog, Plan};

const ARTIFACT_TYPES: &[&str] = &["prd", "schema", "openapi", "graphql", "proto", "tickets", "c4", "gherkin", "deploy"];

#[test]
fn built_in_templates_are_clean_and_complete() {
    let catalog = Catalog::built_in();
    assert_eq!(catalog.findings(), vec![], "every built-in parses");
    assert!(catalog.ids().count() >= 1);
    for (loaded, _) in catalog.iter() {
        let t = &loaded.template.value;
        assert_eq!(lint(loaded), vec![], "{} lints clean", t.id);
        assert!(t.questions.len() >= 25, "{} has {} questions", t.id, t.questions.len());
        assert!(t.rules.len() >= 15, "{} has {} rules", t.id, t.rules.len());
        for artifact in ARTIFACT_TYPES {
            assert!(t.artifacts.get(*artifact).is_some_and(|a| !a.requires.is_empty()), "{}: {artifact}", t.id);
        }
        let categories: std::collections::HashSet<&str> = t.questions.iter().map(|q| q.category.as_str()).collect();
        for category in ["product", "users", "auth", "data", "api", "ui", "ops", "security", "compliance", "deployment"]
        {
            assert!(categories.contains(category), "{} asks nothing about {category}", t.id);
        }
        // Every question format is used where the domain asks for it.
        for format in [AnswerFormat::Single, AnswerFormat::Multi, AnswerFormat::Form] {
            assert!(t.questions.iter().any(|q| q.format == format), "{} asks no {format:?} question", t.id);
        }
        for q in &t.questions {
            assert!(q.why.is_some() && q.default.is_some() && q.assume_reason.is_some(), "{}: {}", t.id, q.key);
            if q.format == AnswerFormat::Single {
                // Sharp choices: a few options, more only where the domain has more (languages).
                assert!((3..=6).contains(&q.options.len()), "{}: {} has {} options", t.id, q.key, q.options.len());
                assert!(
                    q.options.iter().all(|o| !o.facts.is_empty()),
                    "{}: {} has an option without facts",
                    t.id,
                    q.key
                );
            }
        }
    }
}

/// A project on the saas-web template with the given decisions (key, option id).
fn project(depth: &str, targets: &str, answers: &[(&str, &str)]) -> Workspace {
    let catalog = Catalog::built_in();
    let template = &catalog.get("saas-web").unwrap().template.value;
    let mut files = vec![RepoFile::new(
        "specs/app/project.md",
        format!("---\nname: App\ntemplate: saas-web\ndepth: {depth}\ntargets: {targets}\n---\n"),
    )];
    for (key, reply) in answers {
        let q = template.questions.iter().find(|q| q.key == *key).expect("a template question");
        let answer = specbuilder::engine::reply::parse(q, reply).expect("a reply the question takes");
        files.push(decision_file(q, answer));
    }
    let mut ws = Workspace::load(&files, &Layout::default());
    Catalog::provide_built_ins(&mut ws);
    ws
}

/// The decision file of `answer` to `q`, as the engine writes it.
fn decision_file(q: &spec_format::model::Question, answer: Answer) -> RepoFile {
    let by = specbuilder::engine::record::Provenance {
        answered_by: "local:test".into(),
        answered_at: "2026-12-01T00:00:00Z".into(),
        source: None,
    };
    let decision = specbuilder::engine::record::decision(q, Some(answer), Status::Accepted, None, by);
    RepoFile::new(format!("specs/app/decisions/{}.md", q.key), spec_format::write::decision(&decision))
}

/// What a person would reply to give `answer`.
fn reply_for(answer: &Answer) -> String {
    match answer {
        Answer::Text(text) => text.clone(),
        Answer::List(ids) => ids.join(","),
        Answer::Form(fields) => {
            let fields: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            fields.join("\n")
        }
    }
}

fn plan_next(ws: &Workspace) -> Option<String> {
    let catalog = Catalog::for_workspace(ws);
    let template = &catalog.get("saas-web").unwrap().template.value;
    Plan::new(template, ws.project("app").unwrap()).next_question().map(|q| q.key.to_owned())
}

#[test]
fn the_first_question_is_the_highest_priority_one() {
    let ws = project("standard", "[prd]", &[]);
    assert_eq!(plan_next(&ws).as_deref(), Some("product.audience"));
    let ws = project("standard", "[prd]", &[("product.audience", "smb")]);
    assert_eq!(plan_next(&ws).as_deref(), Some("auth.accounts"));
}

#[test]
fn a_question_waits_for_its_dependencies_and_its_ask_if() {
    // users.roles (priority 80) needs auth.accounts decided and true.
    let ws = project(
        "standard",
        "[prd]",
        &[("product.audience", "smb"), ("product.platform", "web"), ("product.launch_scope", "mvp")],
    );
    assert_eq!(plan_next(&ws).as_deref(), Some("auth.accounts"));
    let with_accounts = project(
        "standard",
        "[prd]",
        &[
            ("product.audience", "smb"),
            ("product.platform", "web"),
            ("product.launch_scope", "mvp"),
            ("auth.accounts", "personal"),
        ],
    );
    assert_eq!(plan_next(&with_accounts).as_deref(), Some("users.roles"));
}

#[test]
fn answers_that_rule_a_question_out_remove_it_and_its_blocker() {
    let ws = project("standard", "[gherkin]", &[("auth.accounts", "shared")]);
    let catalog = Catalog::for_workspace(&ws);
    let plan = Plan::new(&catalog.get("saas-web").unwrap().template.value, ws.project("app").unwrap());
    let gherkin = &plan.progress()[0];
    assert_eq!(gherkin.target, "gherkin");
    assert_eq!((gherkin.decided, gherkin.needed), (1, 1), "auth.signup and users.roles no longer apply");
    assert!(gherkin.blockers.is_empty());
    // Walk the whole conversation with recommended answers: no auth question ever comes up.
    let catalog = Catalog::built_in();
    let questions = &catalog.get("saas-web").unwrap().template.value.questions;
    let mut replies: Vec<(String, String)> = vec![("auth.accounts".into(), "shared".into())];
    let mut keys = Vec::new();
    loop {
        let answers: Vec<(&str, &str)> = replies.iter().map(|(k, r)| (k.as_str(), r.as_str())).collect();
        let ws = project("standard", "[gherkin, prd]", &answers);
        let Some(next) = plan_next(&ws) else { break };
        assert!(!keys.contains(&next), "{next} asked twice");
        let q = questions.iter().find(|q| q.key == next).unwrap();
        replies.push((q.key.clone(), reply_for(q.default.as_ref().unwrap())));
        keys.push(next);
    }
    assert!(!keys.iter().any(|k| k.starts_with("auth.") || k == "users.roles" || k == "authz.model"), "{keys:?}");
    assert!(keys.len() >= 10, "{keys:?}");
}

#[test]
fn a_quick_project_assumes_what_its_depth_does_not_ask() {
    let ws = project("quick", "[prd, schema]", &[("product.audience", "smb")]);
    let catalog = Catalog::for_workspace(&ws);
    let plan = Plan::new(&catalog.get("saas-web").unwrap().template.value, ws.project("app").unwrap());
    let assumed: Vec<&str> = plan.assumptions().iter().map(|a| a.key).collect();
    assert!(assumed.contains(&"product.billing"), "{assumed:?}");
    let billing = plan.assumptions().into_iter().find(|a| a.key == "product.billing").unwrap();
    assert_eq!(billing.default, &Answer::Text("per_seat".into()));
    assert!(billing.reason.is_some());
    let standard = project("standard", "[prd, schema]", &[("product.audience", "smb")]);
    let catalog = Catalog::for_workspace(&standard);
    let plan = Plan::new(&catalog.get("saas-web").unwrap().template.value, standard.project("app").unwrap());
    assert!(!plan.assumptions().iter().any(|a| a.key == "product.billing"));
}

#[test]
fn progress_counts_decided_keys_per_target() {
    let ws = project("standard", "[prd, deploy]", &[("product.audience", "smb"), ("auth.accounts", "personal")]);
    let catalog = Catalog::for_workspace(&ws);
    let plan = Plan::new(&catalog.get("saas-web").unwrap().template.value, ws.project("app").unwrap());
    let progress = plan.progress();
    let prd = progress.iter().find(|p| p.target == "prd").unwrap();
    assert_eq!((prd.decided, prd.needed), (2, 5));
    assert_eq!(prd.blockers, ["product.platform", "product.launch_scope", "users.roles"]);
    let deploy = progress.iter().find(|p| p.target == "deploy").unwrap();
    assert_eq!(deploy.decided, 0);
}

#[test]
fn built_in_rules_hold_projects_that_name_the_template() {
    let ws = project(
        "standard",
        "[prd]",
        &[("product.audience", "enterprise"), ("auth.accounts", "personal"), ("auth.method", "password")],
    );
    let findings = spec_format::validate::validate(&ws, &Default::default());
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(findings[0].message.contains("enterprise-needs-sso"));
    assert!(findings[0].related.iter().any(|r| r.path == "builtin:saas-web.yaml"));
}

/// Taking every recommended answer of a template, at every depth, never contradicts its rules.
#[test]
fn recommended_answers_never_contradict_each_other() {
    let catalog = Catalog::built_in();
    for (loaded, _) in catalog.iter() {
        let template = &loaded.template.value;
        for depth in ["quick", "standard", "thorough"] {
            let mut files = vec![RepoFile::new(
                "specs/app/project.md",
                format!("---\nname: App\ntemplate: {}\ndepth: {depth}\n---\n", template.id),
            )];
            let mut asked = 0;
            loop {
                let mut ws = Workspace::load(&files, &Layout::default());
                Catalog::provide_built_ins(&mut ws);
                let plan = Plan::new(template, ws.project("app").unwrap());
                let Some(next) = plan.next_question() else {
                    let findings = spec_format::validate::validate(&ws, &Default::default());
                    assert_eq!(findings, vec![], "{} at {depth}", template.id);
                    break;
                };
                let q = template.questions.iter().find(|q| q.key == next.key).unwrap();
                // What the template recommends now, after the answers so far, as it stands.
                let (answer, _) = plan.recommendation(q).unwrap();
                files.push(decision_file(q, answer.clone()));
                asked += 1;
                assert!(asked <= template.questions.len(), "{}: a question came back", template.id);
            }
            assert!(asked >= 10, "{} at {depth} asked only {asked}", template.id);
        }
    }
}
