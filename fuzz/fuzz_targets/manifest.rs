//! Any bytes as a project's `artifacts/manifest.json`, and as the artifacts it lists, loaded with
//! a decision beside them and validated: no panic, and a manifest that does not parse is a
//! finding at its path.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spec_format::{Layout, RepoFile, Workspace, validate};

fuzz_target!(|data: &[u8]| {
    let files = [
        RepoFile::new("specs/p/project.md", "---\nname: P\n---\n"),
        RepoFile::new(
            "specs/p/decisions/auth.signup.md",
            "---\nkey: auth.signup\nquestion: How do people sign up?\nanswer: email\nstatus: accepted\n---\n",
        ),
        RepoFile::new("specs/p/artifacts/manifest.json", data),
        RepoFile::new("specs/p/artifacts/prd.md", data),
    ];
    let ws = Workspace::load(&files, &Layout::default());
    let findings = validate::validate(&ws, &validate::Options::default());
    let project = &ws.projects[0];
    if project.manifest.is_none() {
        assert!(
            findings.iter().chain(&project.findings).any(|f| f.path.ends_with("manifest.json")),
            "a manifest that does not parse is named"
        );
    }
});
