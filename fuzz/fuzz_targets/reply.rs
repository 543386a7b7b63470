//! Any text as a reply to every kind of question of the built-in templates (single, multi with
//! `other`, text, form): read as an answer or refused with a reason, never a panic; an answer
//! read is one the question allows.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spec_format::model::{Answer, AnswerFormat};
use specbuilder::engine::{Catalog, reply};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let catalog = Catalog::built_in();
    let Some(template) = catalog.get("saas-web") else { return };
    for q in &template.template.value.questions {
        match reply::parse(q, text) {
            Ok(Answer::Text(id)) if q.format == AnswerFormat::Single => assert!(
                q.options.iter().any(|o| o.id == id) || id.starts_with("other:"),
                "`{id}` is an option of {}",
                q.key
            ),
            Ok(Answer::List(ids)) => {
                assert!(ids.iter().all(|id| q.options.iter().any(|o| &o.id == id) || id.starts_with("other:")))
            }
            Ok(_) => {}
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
});
