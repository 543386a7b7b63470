//! The validator's semantics on small hand-made projects: facts, rules, dependencies, and the
//! incremental check a bot runs per answer.

use spec_format::validate::{self, Options, check_answer};
use spec_format::workspace::{DecisionDoc, parse_decision};
use spec_format::{Code, Finding, Layout, RepoFile, Workspace};

const PROJECT: &str = "---\nname: Demo\n---\n";

fn decision(key: &str, facts: &str) -> RepoFile {
    decision_with(key, facts, "")
}

fn decision_with(key: &str, facts: &str, extra: &str) -> RepoFile {
    RepoFile::new(
        format!("specs/demo/decisions/{key}.md"),
        format!("---\nkey: {key}\nquestion: What about {key}?\nformat: text\nanswer: x\nfacts: {facts}\n{extra}---\n"),
    )
}

fn check(files: Vec<RepoFile>, rules: &str) -> Vec<Finding> {
    let mut files = files;
    files.push(RepoFile::new("specs/demo/project.md", PROJECT));
    if !rules.is_empty() {
        files.push(RepoFile::new("specs/demo/rules.yaml", rules));
    }
    let ws = Workspace::load(&files, &Layout::default());
    validate::validate(&ws, &Options::default())
}

fn codes(findings: &[Finding]) -> Vec<Code> {
    findings.iter().map(|f| f.code).collect()
}

const ROLES_NEED_ACCOUNTS: &str = "rules:\n- id: roles-need-accounts\n  when: { authz.model: [roles, fine_grained] }\n  require: { auth.accounts: true }\n  message: Roles need accounts.\n";
const NO_OFFLINE_REALTIME: &str =
    "rules:\n- id: no-offline-realtime\n  forbid: { offline.mode: full, sync: realtime_only }\n  message: Pick one.\n";

#[test]
fn a_rule_whose_facts_are_undecided_is_silent() {
    let findings = check(vec![decision("authz.model", "{ authz.model: roles }")], ROLES_NEED_ACCOUNTS);
    assert_eq!(findings, vec![]);
}

#[test]
fn when_require_is_violated_only_when_the_required_fact_is_decided_otherwise() {
    let violated = check(
        vec![
            decision("authz.model", "{ authz.model: fine_grained }"),
            decision("auth.accounts", "{ auth.accounts: false }"),
        ],
        ROLES_NEED_ACCOUNTS,
    );
    assert_eq!(codes(&violated), [Code::RuleViolation]);
    let finding = &violated[0];
    assert_eq!(finding.path, "specs/demo/decisions/auth.accounts.md", "the failing side is the primary location");
    let related: Vec<&str> = finding.related.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(related, ["specs/demo/decisions/authz.model.md", "specs/demo/rules.yaml"]);

    let satisfied = check(
        vec![decision("authz.model", "{ authz.model: roles }"), decision("auth.accounts", "{ auth.accounts: true }")],
        ROLES_NEED_ACCOUNTS,
    );
    assert_eq!(satisfied, vec![]);
    let not_applicable = check(
        vec![decision("authz.model", "{ authz.model: flat }"), decision("auth.accounts", "{ auth.accounts: false }")],
        ROLES_NEED_ACCOUNTS,
    );
    assert_eq!(not_applicable, vec![]);
}

#[test]
fn forbid_fires_only_when_every_fact_holds() {
    let both = check(
        vec![decision("offline", "{ offline.mode: full }"), decision("sync", "{ sync: realtime_only }")],
        NO_OFFLINE_REALTIME,
    );
    assert_eq!(codes(&both), [Code::RuleViolation]);
    let one = check(
        vec![decision("offline", "{ offline.mode: full }"), decision("sync", "{ sync: queued }")],
        NO_OFFLINE_REALTIME,
    );
    assert_eq!(one, vec![]);
}

#[test]
fn a_list_valued_fact_holds_when_any_element_is_allowed() {
    let findings = check(
        vec![decision("offline", "{ offline.mode: full }"), decision("sync", "{ sync: [queued, realtime_only] }")],
        NO_OFFLINE_REALTIME,
    );
    assert_eq!(codes(&findings), [Code::RuleViolation]);
}

#[test]
fn the_same_fact_with_the_same_value_twice_is_no_conflict() {
    let same = check(vec![decision("a", "{ auth.accounts: true }"), decision("b", "{ auth.accounts: true }")], "");
    assert_eq!(same, vec![]);
    let lists =
        check(vec![decision("a", "{ channels: [email, sms] }"), decision("b", "{ channels: [sms, email] }")], "");
    assert_eq!(lists, vec![]);
    let different =
        check(vec![decision("a", "{ auth.accounts: true }"), decision("b", "{ auth.accounts: false }")], "");
    assert_eq!(codes(&different), [Code::FactConflict]);
    assert_eq!(different[0].related[0].path, "specs/demo/decisions/a.md");
}

#[test]
fn deferred_and_superseded_decisions_assert_nothing() {
    let findings = check(
        vec![
            decision("a", "{ auth.accounts: true }"),
            decision_with("b", "{ auth.accounts: false }", "status: deferred\n"),
            decision_with("c", "{ auth.accounts: false }", "status: superseded\n"),
            decision_with("d", "{ auth.accounts: true }", "supersedes: [c]\n"),
        ],
        "",
    );
    assert_eq!(findings, vec![]);
}

#[test]
fn chosen_options_supply_the_facts_when_none_are_written() {
    let text = |answer: &str| {
        format!(
            "---\nkey: auth.mode\nquestion: Accounts?\noptions:\n- id: accounts\n  label: Accounts\n  facts: {{ auth.accounts: true }}\n- id: anonymous\n  label: Anonymous\n  facts: {{ auth.accounts: false }}\nanswer: {answer}\n---\n"
        )
    };
    let with = |answer: &str| {
        check(
            vec![
                RepoFile::new("specs/demo/decisions/auth.mode.md", text(answer)),
                decision("authz.model", "{ authz.model: roles }"),
            ],
            ROLES_NEED_ACCOUNTS,
        )
    };
    assert_eq!(with("accounts"), vec![]);
    assert_eq!(codes(&with("anonymous")), [Code::RuleViolation]);
    let typo = with("anonymus");
    assert_eq!(codes(&typo), [Code::AnswerNotAnOption]);
    assert_eq!(typo[0].help.as_deref(), Some("did you mean `anonymous`?"));
}

#[test]
fn dependencies_missing_undecided_and_cyclic() {
    let findings = check(
        vec![
            decision_with("a", "{}", "depends_on: [b, nope]\n"),
            decision_with("b", "{}", "depends_on: [a]\n"),
            decision_with("c", "{}", "depends_on: [d]\n"),
            decision_with("d", "{}", "status: deferred\n"),
            decision_with("e", "{}", "depends_on: [e]\n"),
        ],
        "",
    );
    let mut found = codes(&findings);
    found.sort();
    assert_eq!(
        found,
        [Code::MissingDependency, Code::UndecidedDependency, Code::DependencyCycle, Code::DependencyCycle],
        "{findings:#?}"
    );
    let cycle = findings.iter().find(|f| f.code == Code::DependencyCycle && f.path.ends_with("/a.md")).unwrap();
    assert_eq!(cycle.message, "dependency cycle: a -> b -> a");
}

#[test]
fn rules_with_defects_and_duplicate_ids_are_reported() {
    let rules = "rules:\n- id: r\n  when: { a: 1 }\n  message: m\n- id: s\n  forbid: { a: 1 }\n  message: m\n- id: s\n  forbid: { b: 1 }\n  message: m\n";
    let findings = check(vec![], rules);
    assert_eq!(codes(&findings), [Code::BadRule, Code::BadRule]);
    assert_eq!((findings[0].line, findings[1].line), (2, 8));
}

/// What the bot does per reply must find exactly what a full check would.
#[test]
fn checking_one_answer_agrees_with_a_full_check() {
    let base = vec![
        decision("authz.model", "{ authz.model: roles }"),
        decision("auth.accounts", "{ auth.accounts: true }"),
        decision("offline", "{ offline.mode: full }"),
    ];
    let rules = "rules:\n- id: roles-need-accounts\n  when: { authz.model: roles }\n  require: { auth.accounts: true }\n  message: m\n- id: no-offline-realtime\n  forbid: { offline.mode: full, sync: realtime_only }\n  message: m\n";
    let mut files = base.clone();
    files.push(RepoFile::new("specs/demo/project.md", PROJECT));
    files.push(RepoFile::new("specs/demo/rules.yaml", rules));
    let ws = Workspace::load(&files, &Layout::default());
    let index = ws.fact_index(ws.project("demo").unwrap());

    for (candidate, expected) in [
        (decision("sync", "{ sync: queued }"), vec![]),
        (decision("sync", "{ sync: realtime_only }"), vec![Code::RuleViolation]),
        (decision("auth.accounts", "{ auth.accounts: false }"), vec![Code::RuleViolation]),
        // Both values of a conflicting fact count, so the rule still holds: one finding, not two.
        (decision("auth.guest", "{ auth.accounts: false }"), vec![Code::FactConflict]),
        (decision("offline", "{ offline.mode: none }"), vec![]),
    ] {
        let parsed = parse_decision(&candidate.path, &candidate.bytes).parsed.unwrap();
        let key = parsed.value.key.clone();
        let doc =
            DecisionDoc { facts: parsed.value.effective_facts(), file_key: key.clone(), sha256: None, doc: parsed };
        let mut incremental = codes(&check_answer(&index, &doc));
        incremental.sort();
        assert_eq!(incremental, expected, "candidate {key}");

        let mut all: Vec<RepoFile> = base.iter().filter(|f| f.path != candidate.path).cloned().collect();
        all.push(candidate.clone());
        let mut full = codes(&check(all, rules));
        full.sort();
        assert_eq!(full, expected, "full check with {key}");
    }
}

#[test]
fn a_template_rule_applies_to_the_projects_that_name_the_template() {
    let template = "id: tiny\nname: Tiny\nversion: 1\nrules:\n- id: roles-need-accounts\n  when: { authz.model: roles }\n  require: { auth.accounts: true }\n  message: Roles need accounts.\n";
    let files = |template_line: &str| {
        vec![
            RepoFile::new(".specbuilder/templates/tiny.yaml", template),
            RepoFile::new("specs/demo/project.md", format!("---\nname: Demo\n{template_line}---\n")),
            decision("authz.model", "{ authz.model: roles }"),
            decision("auth.accounts", "{ auth.accounts: false }"),
        ]
    };
    let run =
        |files: Vec<RepoFile>| validate::validate(&Workspace::load(&files, &Layout::default()), &Options::default());
    let named = run(files("template: tiny\n"));
    assert_eq!(codes(&named), [Code::RuleViolation]);
    assert!(named[0].related.iter().any(|r| r.path == ".specbuilder/templates/tiny.yaml" && r.line == 5));
    assert_eq!(run(files("")), vec![], "a project without the template is not bound by its rules");
}

#[test]
fn a_project_rule_replaces_a_repository_rule_of_the_same_id() {
    let strict = "rules:\n- id: no-sms\n  forbid: { channel: sms }\n  message: No SMS.\n";
    let relaxed = "rules:\n- id: no-sms\n  forbid: { channel: fax }\n  message: No fax.\n";
    let files = |project_rules: Option<&str>| {
        let mut files = vec![
            RepoFile::new(".specbuilder/rules.yaml", strict),
            RepoFile::new("specs/demo/project.md", PROJECT),
            decision("notify", "{ channel: sms }"),
        ];
        files.extend(project_rules.map(|r| RepoFile::new("specs/demo/rules.yaml", r)));
        files
    };
    let run =
        |files: Vec<RepoFile>| validate::validate(&Workspace::load(&files, &Layout::default()), &Options::default());
    assert_eq!(codes(&run(files(None))), [Code::RuleViolation]);
    assert_eq!(run(files(Some(relaxed))), vec![], "the project's `no-sms` replaced the repository's");
}

#[test]
fn what_a_hand_written_decision_implies_is_linted_like_a_template() {
    let good = "implies:\n- requirements:\n  - ears: When a task is assigned, the system shall email the assignee within 5 minutes.\n    scenarios:\n    - { name: Ben hears of his task, when: Ana assigns a task to ben@example.com at 10:00, then: Ben gets one email by 10:05 }\n";
    assert_eq!(check(vec![decision_with("notify.assign", "{ notify.email: true }", good)], ""), vec![]);
    let glued = good.replace(
        "When a task is assigned, the system shall email the assignee within 5 minutes.",
        "\"Notify people: by email\"",
    );
    let found = check(vec![decision_with("notify.assign", "{ notify.email: true }", &glued)], "");
    assert_eq!(codes(&found), [Code::TemplateBadImplication]);
    assert_eq!(found[0].line, 7, "at the decision's `implies:`");
}
