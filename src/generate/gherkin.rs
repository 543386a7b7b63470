//! Acceptance tests as Gherkin: one feature per area, one scenario per requirement, tagged with
//! the requirement id so `check` can tell which requirements have no test.

use super::prd::{area_name, by_category};
use super::{Gaps, Spec, one_line};
use std::fmt::Write;

/// Text safe on a Gherkin step or description line: one line, quotes softened.
fn text(s: &str) -> String {
    one_line(s).replace('"', "'")
}

pub fn generate(spec: &Spec<'_>, gaps: &Gaps) -> Vec<(String, &'static str, Vec<u8>)> {
    let role = spec.roles().first().cloned().unwrap_or_else(|| "member".into());
    let soft_delete = spec.flag("data.soft_delete");
    let mut files = Vec::new();
    for (category, group) in by_category(spec.requirements()) {
        let mut out = gaps.comment("# ");
        let _ = writeln!(out, "Feature: {}", text(&area_name(&category)));
        let _ = writeln!(out, "  The {category} requirements of {}, as acceptance tests.\n", text(&spec.name));
        for r in group {
            let _ = writeln!(out, "  @{}", r.id);
            match r.entity.and_then(|i| spec.entities.get(i)) {
                Some(entity) => {
                    let thing = entity.name.replace('_', " ");
                    let things = entity.plural().replace('_', " ");
                    let _ = writeln!(out, "  Scenario: Manage {things}");
                    let _ = writeln!(out, "    Given a signed-in {role} of a workspace");
                    let _ = writeln!(out, "    When they create a {thing} with {}", text(&entity.field_summary()));
                    let _ = writeln!(out, "    Then the {thing} appears in the list of {things}");
                    let _ = writeln!(out, "    When they change the {thing}");
                    let _ = writeln!(out, "    Then the change is saved and shown");
                    let _ = writeln!(out, "    When they delete the {thing}");
                    if soft_delete {
                        let _ = writeln!(out, "    Then it moves to the trash and leaves the list of {things}\n");
                    } else {
                        let _ = writeln!(out, "    Then it no longer appears in the list of {things}\n");
                    }
                }
                None => {
                    let decision = spec.decision(&r.key);
                    let title = decision.map_or(r.key.clone(), |d| d.question.clone());
                    let _ = writeln!(out, "  Scenario: {}", text(title.trim_end_matches('?')));
                    let facts = decision.map(|d| d.effective_facts()).unwrap_or_default();
                    match behaviour(&facts, &role) {
                        Some(steps) => {
                            for step in steps {
                                let _ = writeln!(out, "    {step}");
                            }
                            out.push('\n');
                        }
                        None => {
                            let _ =
                                writeln!(out, "    Given the product is built as the spec decides in \"{}\"", r.key);
                            let _ = writeln!(out, "    When someone relies on that behaviour");
                            let _ = writeln!(out, "    Then it holds that \"{}\"\n", text(&r.statement));
                        }
                    }
                }
            }
        }
        let file = category.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        files.push((format!("features/{file}.feature"), "gherkin", out.into_bytes()));
    }
    files
}

/// Concrete steps for decisions whose behaviour is well known, by the facts they assert.
fn behaviour(facts: &spec_format::value::Facts, role: &str) -> Option<Vec<String>> {
    let fact = |name: &str| facts.get(name).map(|v| v.to_string());
    let steps = |lines: &[&str]| Some(lines.iter().map(|l| l.replace("{role}", role)).collect());
    match (fact("auth.signup").as_deref(), fact("auth.mfa").as_deref()) {
        (Some("invite"), _) => {
            return steps(&[
                "Given an owner of a workspace",
                "When they invite \"new@example.com\"",
                "Then that person can create an account from the invitation",
                "And someone without an invitation cannot create an account",
            ]);
        }
        (Some("open"), _) => {
            return steps(&[
                "Given someone with an email address and no account",
                "When they sign up",
                "Then their account is created and they are signed in",
            ]);
        }
        (Some("domain"), _) => {
            return steps(&[
                "Given a workspace that allows the domain \"example.com\"",
                "When \"ana@example.com\" signs up",
                "Then she joins that workspace",
                "And \"eve@other.test\" cannot sign up",
            ]);
        }
        (_, Some("required")) => {
            return steps(&[
                "Given a {role} without a second factor",
                "When they sign in",
                "Then they must set up a second factor before going on",
            ]);
        }
        (_, Some("optional")) => {
            return steps(&[
                "Given a {role} who turned on a second factor",
                "When they sign in with their password only",
                "Then they are asked for the second factor",
            ]);
        }
        _ => {}
    }
    if let Some(limit) = fact("api.rate_limits").filter(|l| l != "none") {
        let who = if limit == "per_plan" { "a client on the smallest plan" } else { "a client" };
        return steps(&[
            &format!("Given {who} that has used up its rate limit"),
            "When it calls the API again",
            "Then the API answers 429 with a Retry-After header",
        ]);
    }
    if let Some(paging) = fact("api.pagination") {
        let next = match paging.as_str() {
            "offset" => "Then the response holds the first page and the total count",
            "keyset" => "Then the response holds the first page and the id to continue after",
            _ => "Then the response holds the first page and a cursor for the next",
        };
        return steps(&["Given more items than fit on one page", "When a client lists them", next]);
    }
    if fact("ui.realtime").as_deref() == Some("true") {
        return steps(&[
            "Given two members look at the same list",
            "When one of them changes an item",
            "Then the other sees the change without reloading",
        ]);
    }
    if let Some(backups) = fact("ops.backups").filter(|b| b != "none") {
        let when = if backups == "pitr" {
            "When the database is restored to a minute an hour ago"
        } else {
            "When last night's backup is restored into a scratch environment"
        };
        return steps(&[
            "Given a production database with data",
            when,
            "Then the restored data matches the source at that time",
        ]);
    }
    if fact("compliance.erasure").as_deref() == Some("self_service") {
        return steps(&[
            "Given a signed-in {role}",
            "When they ask to erase their account",
            "Then their personal data is deleted and they are signed out",
        ]);
    }
    if fact("deploy.strategy").as_deref() == Some("canary") {
        return steps(&[
            "Given a new release",
            "When it is deployed",
            "Then it first serves a small share of traffic",
            "And it is rolled back on its own if the error rate rises",
        ]);
    }
    None
}
