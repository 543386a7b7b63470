//! Any bytes through every parser of the format: no panic, no hang, and the YAML fast path
//! either declines or agrees with yaml_serde.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spec_format::fast_yaml;
use spec_format::model::Decision;
use spec_format::workspace::{parse_decision, parse_project, parse_rules, parse_template};

fuzz_target!(|data: &[u8]| {
    let decision = parse_decision("specs/p/decisions/k.md", data);
    if decision.parsed.is_none() {
        assert!(!decision.findings.is_empty(), "a refused file always says why");
    }
    let _ = parse_project("specs/p/project.md", data);
    let _ = parse_rules("specs/p/rules.yaml", data);
    let _ = parse_template(".specbuilder/templates/t.yaml", data);

    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(fast) = fast_yaml::from_str::<yaml_serde::Value>(text) {
            let slow: yaml_serde::Value = yaml_serde::from_str(text).expect("fast path accepted invalid YAML");
            assert_eq!(fast, slow);
        }
        if let Some(fast) = fast_yaml::from_str::<Decision>(text) {
            assert_eq!(Some(fast), yaml_serde::from_str::<Decision>(text).ok());
        }
    }
});
