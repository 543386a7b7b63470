//! Canonical writing on realistic volumes: parse -> write -> parse is the identity and a
//! canonical file is a fixed point, for every synthetic decision and every example file.

use spec_format::workspace::{parse_decision, parse_project};
use spec_format::write;
use specbuilder::synth;

#[test]
fn synthetic_decisions_round_trip_byte_for_byte() {
    for file in synth::project("round-trip", 500, 50).iter().filter(|f| f.path.contains("/decisions/")) {
        let parsed = parse_decision(&file.path, &file.bytes).parsed.expect("synthetic decisions parse");
        let written = write::decision(&parsed.value);
        let reparsed = parse_decision(&file.path, written.as_bytes()).parsed.expect("written decisions parse");
        assert_eq!(reparsed.value, parsed.value, "{}", file.path);
        assert_eq!(write::decision(&reparsed.value), written, "{} is not a fixed point", file.path);
    }
}

#[test]
fn example_files_are_fixed_points_of_the_writer() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/team-tracker/specs/team-tracker");
    let project = std::fs::read(root.join("project.md")).unwrap();
    let parsed = parse_project("project.md", &project).parsed.unwrap();
    assert_eq!(write::project(&parsed.value).as_bytes(), project.as_slice());
    for entry in std::fs::read_dir(root.join("decisions")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let parsed = parse_decision(&path.to_string_lossy(), &bytes).parsed.unwrap();
        assert_eq!(write::decision(&parsed.value).as_bytes(), bytes.as_slice(), "{}", path.display());
    }
}
