//! Template lint: each mistake a template author can make, found at the question's line.

use spec_format::validate::template::lint;
use spec_format::workspace::LoadedTemplate;
use spec_format::{Code, Finding};

const GOOD: &str = "\
id: tiny
name: Tiny
version: 1
questions:
- key: auth.accounts
  text: Do people have personal accounts?
  why: Permissions follow from it.
  category: auth
  options:
  - id: yes_accounts
    label: Yes
    facts: { auth.accounts: true }
  - id: shared
    label: One shared login
    facts: { auth.accounts: false }
  default: yes_accounts
  assume_reason: Almost every product has accounts.
  implies:
  - requirements:
    - ears: When a person changes a record, the system shall record who changed it and when.
      scenarios:
      - { name: Ana's change names her, when: 'ana@example.com renames \"Apollo\" to \"Artemis\"', then: 'the history shows \"Artemis, by ana@example.com\"' }
- key: authz.model
  text: How are permissions decided?
  why: It shapes the data model.
  category: auth
  ask_if: { auth.accounts: true }
  depends_on: [auth.accounts]
  options:
  - id: flat
    label: Everyone can do everything
    facts: { authz.model: flat }
  - id: roles
    label: Fixed roles
    facts: { authz.model: roles }
  implies:
  - requirements:
    - ears: If a member calls an operation their permissions do not allow, then the system shall answer 403 and change nothing.
      scenarios:
      - { name: A refused call changes nothing, when: 'ben@example.com deletes the project \"Apollo\" without the right', then: 'the response is 403 and \"Apollo\" still exists' }
rules:
- id: roles-need-accounts
  when: { authz.model: roles }
  require: { auth.accounts: true }
  message: Roles need accounts.
artifacts:
  prd: { requires: [auth.accounts, authz.model] }
";

fn lint_text(text: &str) -> Vec<Finding> {
    let (loaded, findings) = LoadedTemplate::parse(".specbuilder/templates/tiny.yaml", text.as_bytes());
    assert_eq!(findings, vec![], "the template parses");
    lint(&loaded.expect("the template parses"))
}

fn found(text: &str) -> Vec<(Code, usize)> {
    lint_text(text).iter().map(|f| (f.code, f.line)).collect()
}

#[test]
fn a_good_template_is_clean() {
    assert_eq!(lint_text(GOOD), vec![]);
}

#[test]
fn duplicate_keys_option_ids_and_labels() {
    let twice = GOOD.replace("- key: authz.model", "- key: auth.accounts");
    assert!(found(&twice).contains(&(Code::TemplateDuplicate, 23)), "{:?}", found(&twice));
    let ids = GOOD.replace("  - id: shared", "  - id: yes_accounts");
    assert!(found(&ids).contains(&(Code::TemplateDuplicate, 5)));
    let labels = GOOD.replace("label: One shared login", "label: yes");
    assert!(found(&labels).contains(&(Code::TemplateDuplicate, 5)));
}

#[test]
fn dangling_references_get_a_suggestion() {
    let dep = GOOD.replace("depends_on: [auth.accounts]", "depends_on: [auth.acounts]");
    let findings = lint_text(&dep);
    let f = findings.iter().find(|f| f.code == Code::TemplateReference).expect("dangling depends_on");
    assert_eq!(f.line, 23);
    assert_eq!(f.help.as_deref(), Some("did you mean `auth.accounts`?"));
    let default = GOOD.replace("default: yes_accounts", "default: yes");
    assert!(found(&default).contains(&(Code::TemplateReference, 5)));
    let requires = GOOD.replace("requires: [auth.accounts, authz.model]", "requires: [auth.accounts, billing.plan]");
    assert_eq!(found(&requires), [(Code::TemplateReference, 1)]);
}

#[test]
fn a_question_no_answer_can_reach_is_unreachable() {
    let never = GOOD.replace("ask_if: { auth.accounts: true }", "ask_if: { auth.accounts: maybe }");
    assert_eq!(found(&never), [(Code::TemplateUnreachable, 23)]);
    let no_depth =
        GOOD.replace("  ask_if: { auth.accounts: true }\n", "  ask_if: { auth.accounts: true }\n  depths: []\n");
    assert_eq!(found(&no_depth), [(Code::TemplateUnreachable, 23)]);
}

#[test]
fn an_option_that_breaks_a_rule_by_itself_is_a_contradiction() {
    let broken = GOOD.replace("facts: { authz.model: roles }", "facts: { authz.model: roles, auth.accounts: false }");
    let findings = lint_text(&broken);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!((findings[0].code, findings[0].line), (Code::TemplateContradiction, 23));
    assert_eq!(findings[0].related[0].line, 42, "the rule's line");
}

#[test]
fn missing_why_and_assume_reason_are_warnings() {
    let bare = GOOD
        .replace("  why: Permissions follow from it.\n", "")
        .replace("  assume_reason: Almost every product has accounts.\n", "");
    let findings = lint_text(&bare);
    assert_eq!(findings.len(), 2);
    assert!(findings.iter().all(|f| f.code == Code::TemplateQuestion && f.severity == spec_format::Severity::Warning));
}

#[test]
fn an_option_that_implies_nothing_is_a_warning() {
    let silent = GOOD.replace(
        "  implies:\n  - requirements:\n    - ears: If a member",
        "  not_implies:\n  - requirements:\n    - ears: If a member",
    );
    let silent =
        silent.split("  not_implies:").next().unwrap().to_owned() + "rules:" + GOOD.split("rules:").nth(1).unwrap();
    let findings = lint_text(&silent);
    let codes: Vec<(Code, usize)> = findings.iter().map(|f| (f.code, f.line)).collect();
    assert_eq!(codes, [(Code::TemplateImpliesNothing, 23), (Code::TemplateImpliesNothing, 23)], "{findings:#?}");
    assert!(findings[0].message.contains("option `flat` of `authz.model`"), "{}", findings[0].message);
}

#[test]
fn implications_that_cannot_be_built_or_tested_are_found() {
    let glued = GOOD.replace(
        "ears: When a person changes a record, the system shall record who changed it and when.",
        "ears: \"How do people sign in: a magic link.\"",
    );
    let findings = lint_text(&glued);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, Code::TemplateBadImplication);
    assert!(findings[0].message.contains("not an EARS requirement"), "{}", findings[0].message);

    let vague = GOOD.replace("shall record who changed it and when", "shall quickly record who changed it, etc");
    let codes: Vec<Code> = lint_text(&vague).iter().map(|f| f.code).collect();
    assert_eq!(codes, [Code::TemplateImplicationSmell, Code::TemplateImplicationSmell]);

    let generic = GOOD.replace("then: 'the history shows \"Artemis, by ana@example.com\"'", "then: it works");
    let findings = lint_text(&generic);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(findings[0].message.contains("states nothing checkable"), "{}", findings[0].message);

    let tables = GOOD.replace(
        "  implies:\n  - requirements:\n    - ears: When a person",
        "  implies:\n  - tables: [{ name: sessions, purpose: who is signed in, columns: \"user:user, token!\" }]\n    nfrs: [Sign-in is snappy]\n    operations: [{ id: SignOut, method: DELETE, path: sessions, summary: End it }]\n    when: { billing.plan: paid }\n    requirements:\n    - ears: When a person",
    );
    let messages: Vec<String> = lint_text(&tables).iter().map(|f| format!("{}: {}", f.code, f.message)).collect();
    for expected in [
        "SB607: `auth.accounts` implies something when `billing.plan` holds, but no option asserts `billing.plan`",
        "SB608: `auth.accounts`: the non-functional requirement \"Sign-in is snappy\" has no number",
        "SB607: `auth.accounts`: the path of `SignOut` does not start with `/`",
        "SB607: `auth.accounts`: the operation id `SignOut` is not camelCase",
        "SB607: `auth.accounts`: the columns of `sessions` do not parse",
    ] {
        assert!(messages.iter().any(|m| m.starts_with(expected)), "missing {expected}: {messages:#?}");
    }
}
