//! Acceptance tests as Gherkin: one feature per area, one scenario per requirement, tagged with
//! the requirement id so `check` can tell which requirements have no test.

use super::prd::{by_category, title_case};
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
        let _ = writeln!(out, "Feature: {}", text(&title_case(&category)));
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
                    let title = spec.decision(&r.key).map_or(r.key.clone(), |d| d.question.clone());
                    let _ = writeln!(out, "  Scenario: {}", text(title.trim_end_matches('?')));
                    let _ = writeln!(out, "    Given the product is built as the spec decides in \"{}\"", r.key);
                    let _ = writeln!(out, "    When someone relies on that behaviour");
                    let _ = writeln!(out, "    Then it holds that \"{}\"\n", text(&r.statement));
                }
            }
        }
        let file = category.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        files.push((format!("features/{file}.feature"), "gherkin", out.into_bytes()));
    }
    files
}
