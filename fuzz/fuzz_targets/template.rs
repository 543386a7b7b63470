//! Any bytes as a repository template (every pull request lints one): parsed, placed and linted,
//! the dead-end search included, without a panic or a hang.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spec_format::validate::template::lint;
use spec_format::workspace::LoadedTemplate;

fuzz_target!(|data: &[u8]| {
    let (loaded, findings) = LoadedTemplate::parse(".specbuilder/templates/t.yaml", data);
    match loaded {
        Some(loaded) => {
            for finding in lint(&loaded) {
                assert!(!finding.message.is_empty(), "every finding says what is wrong");
            }
        }
        None => assert!(!findings.is_empty(), "a refused template always says why"),
    }
});
