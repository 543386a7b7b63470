//! Acceptance tests as Gherkin: one feature per area; every scenario and edge case the
//! decisions imply, tagged with the requirement it proves, so `check` can tell which
//! requirements have no test. A requirement with no scenario of its own gets none here: an
//! invented step would prove nothing.

use super::prd::{area_name, by_category};
use super::{Gaps, Spec, one_line};
use spec_format::model::implies::Scenario;
use std::fmt::Write;

/// Text safe on a Gherkin step or description line: one line.
fn text(s: &str) -> String {
    one_line(s)
}

pub fn generate(spec: &Spec<'_>, gaps: &Gaps) -> Vec<(String, &'static str, Vec<u8>)> {
    let mut files = Vec::new();
    for (category, group) in by_category(spec.requirements()) {
        let group: Vec<_> = group.into_iter().filter(|r| !r.scenarios.is_empty() || !r.edge_cases.is_empty()).collect();
        if group.is_empty() {
            continue;
        }
        let mut out = gaps.comment("# ");
        let _ = writeln!(out, "Feature: {}", text(&area_name(&category)));
        let _ = writeln!(out, "  The {category} requirements of {}, as acceptance tests.\n", text(&spec.name));
        for r in group {
            let _ = writeln!(out, "  # {}: {}", r.id, text(&r.statement));
            for s in &r.scenarios {
                scenario(&mut out, &format!("@{}", r.id), s);
            }
            for s in &r.edge_cases {
                scenario(&mut out, &format!("@{} @edge-case", r.id), s);
            }
        }
        let file = category.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        files.push((format!("features/{file}.feature"), "gherkin", out.into_bytes()));
    }
    files
}

fn scenario(out: &mut String, tags: &str, s: &Scenario) {
    let _ = writeln!(out, "  {tags}");
    let _ = writeln!(out, "  Scenario: {}", text(&s.name));
    for (word, steps) in [("Given", &s.given), ("When", &s.when), ("Then", &s.then)] {
        for (i, step) in steps.iter().enumerate() {
            let _ = writeln!(out, "    {} {}", if i == 0 { word } else { "And" }, text(step));
        }
    }
    out.push('\n');
}
