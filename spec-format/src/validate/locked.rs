//! Locked decisions against a base revision: a locked decision may not change in a change request.

use crate::finding::{Code, Finding, Location};
use crate::workspace::{DecisionDoc, ProjectSpec};
use std::collections::HashMap;

pub fn check(project: &ProjectSpec, base: &ProjectSpec, out: &mut Vec<Finding>) {
    let current: HashMap<&str, &DecisionDoc> =
        project.decisions.iter().map(|d| (d.decision().key.as_str(), d)).collect();
    for old in base.decisions.iter().filter(|d| d.decision().locked) {
        let key = old.decision().key.as_str();
        let was = Location::new(old.path(), old.doc.lines.start).with_message("locked on the base revision");
        let Some(new) = current.get(key) else {
            out.push(
                Finding::new(
                    Code::LockedDecisionChanged,
                    old.path(),
                    0,
                    format!("locked decision `{key}` was removed"),
                )
                .related(was)
                .help("restore it; a locked decision can only change after it is unlocked on the base branch"),
            );
            continue;
        };
        if let Some(what) = difference(old, new) {
            out.push(
                Finding::new(
                    Code::LockedDecisionChanged,
                    new.path(),
                    new.doc.lines.first_of(&[what, "key"]),
                    format!("locked decision `{key}` changed its `{what}`"),
                )
                .related(was)
                .help("revert the change; unlock it on the base branch first if it must change"),
            );
        }
    }
}

/// The first field whose meaning differs, if any. Rationale and provenance may change freely.
fn difference(old: &DecisionDoc, new: &DecisionDoc) -> Option<&'static str> {
    let (a, b) = (old.decision(), new.decision());
    if a.answer != b.answer {
        Some("answer")
    } else if old.facts != new.facts {
        Some("facts")
    } else if a.status != b.status {
        Some("status")
    } else if a.options != b.options {
        Some("options")
    } else if a.format != b.format {
        Some("format")
    } else if !b.locked {
        Some("locked")
    } else {
        None
    }
}
