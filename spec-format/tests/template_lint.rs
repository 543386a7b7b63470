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
    assert!(found(&twice).contains(&(Code::TemplateDuplicate, 18)), "{:?}", found(&twice));
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
    assert_eq!(f.line, 18);
    assert_eq!(f.help.as_deref(), Some("did you mean `auth.accounts`?"));
    let default = GOOD.replace("default: yes_accounts", "default: yes");
    assert!(found(&default).contains(&(Code::TemplateReference, 5)));
    let requires = GOOD.replace("requires: [auth.accounts, authz.model]", "requires: [auth.accounts, billing.plan]");
    assert_eq!(found(&requires), [(Code::TemplateReference, 1)]);
}

#[test]
fn a_question_no_answer_can_reach_is_unreachable() {
    let never = GOOD.replace("ask_if: { auth.accounts: true }", "ask_if: { auth.accounts: maybe }");
    assert_eq!(found(&never), [(Code::TemplateUnreachable, 18)]);
    let no_depth =
        GOOD.replace("  ask_if: { auth.accounts: true }\n", "  ask_if: { auth.accounts: true }\n  depths: []\n");
    assert_eq!(found(&no_depth), [(Code::TemplateUnreachable, 18)]);
}

#[test]
fn an_option_that_breaks_a_rule_by_itself_is_a_contradiction() {
    let broken = GOOD.replace("facts: { authz.model: roles }", "facts: { authz.model: roles, auth.accounts: false }");
    let findings = lint_text(&broken);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!((findings[0].code, findings[0].line), (Code::TemplateContradiction, 18));
    assert_eq!(findings[0].related[0].line, 32, "the rule's line");
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
