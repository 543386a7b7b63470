//! Hostile input: every bad file is a finding on that file, in every format, and the rest of
//! the repository is still checked. Nothing panics, nothing hangs.

mod common;
use common::*;
use std::path::Path;

/// A repository with one good project holding a real contradiction, and one project of bad files.
fn hostile_repo(root: &Path) {
    write(root, "specs/good/project.md", PROJECT);
    write(root, "specs/good/decisions/auth.accounts.md", decision("auth.accounts", "a", "  auth.accounts: true\n"));
    write(root, "specs/good/decisions/auth.guest.md", decision("auth.guest", "b", "  auth.accounts: false\n"));

    write(root, "specs/bad/project.md", PROJECT);
    write(root, "specs/bad/decisions/utf8.md", b"---\nkey: utf8\nquestion: \xff\xfe\n---\n".as_slice());
    let huge = format!("---\nkey: huge\nquestion: {}\n---\n", "x".repeat(10 * 1024 * 1024));
    write(root, "specs/bad/decisions/huge.md", huge);
    // 8 GiB, sparse: reading it would take the machine's memory; its size must refuse it unread.
    let gigantic = std::fs::File::create(root.join("specs/bad/decisions/gigantic.md")).unwrap();
    gigantic.set_len(8 << 30).unwrap();
    let mut bomb =
        String::from("---\nkey: bomb\nquestion: Q\nformat: form\nanswer:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..16 {
        bomb += &format!("  a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", "));
    }
    bomb += "---\n";
    write(root, "specs/bad/decisions/bomb.md", bomb);
    let deep = format!("---\nkey: deep\nquestion: Q\nanswer: {}x{}\n---\n", "[".repeat(100_000), "]".repeat(100_000));
    write(root, "specs/bad/decisions/deep.md", deep);
    write(root, "specs/bad/decisions/empty.md", "");
    write(root, "specs/bad/decisions/notes.txt", "not a decision");
    write(root, "specs/Bad..Slug/project.md", PROJECT);
    write(root, "specs/bad/rules.yaml", "rules: [{id: r, when: {a: 1}, message: m}]\n");
    write(root, "specs/bad/artifacts/manifest.json", "{\"artifacts\": {\"../../escape\": 1}");
    write(root, "specs/escape/project.md", PROJECT);
    let entry =
        r#"{"type": "prd", "format": "markdown", "generator": "g", "generated_at": "t", "content_sha256": "00"}"#;
    write(
        root,
        "specs/escape/artifacts/manifest.json",
        format!(r#"{{"artifacts": {{"../../../etc/passwd": {entry}}}}}"#),
    );

    let outside = root.parent().unwrap().join(format!("{}-secret.md", root.file_name().unwrap().to_string_lossy()));
    std::fs::write(&outside, "---\nkey: secret\nquestion: leaked\n---\n").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("specs/bad/decisions/secret.md")).unwrap();
    std::os::unix::fs::symlink("/etc", root.join("specs/bad/decisions/etc")).unwrap();
}

fn finding_for<'a>(report: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no finding for {path} in {report:#}"))
}

#[test]
fn every_bad_file_is_an_error_on_that_file_and_the_rest_is_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    hostile_repo(&root);
    let out = specbuilder(&["check", "--format", "json", "repo"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let expect = |path: &str, code: &str| {
        let f = finding_for(&report, path);
        // An alias bomb under a typed field may stop at the type check before any expansion.
        let acceptable = if code == "SB004" { vec!["SB004", "SB005"] } else { vec![code] };
        assert!(acceptable.iter().any(|c| f["code"] == *c), "{path}: {f}");
        assert_eq!(f["severity"], "error", "{path}: {f}");
    };
    expect("specs/bad/decisions/utf8.md", "SB001");
    expect("specs/bad/decisions/huge.md", "SB002");
    expect("specs/bad/decisions/gigantic.md", "SB002");
    let gigantic = finding_for(&report, "specs/bad/decisions/gigantic.md");
    assert!(
        gigantic["message"].as_str().unwrap().contains("8589934592 bytes")
            && gigantic["message"].as_str().unwrap().contains("not read"),
        "{gigantic}"
    );
    expect("specs/bad/decisions/bomb.md", "SB004");
    expect("specs/bad/decisions/deep.md", "SB004");
    expect("specs/bad/decisions/empty.md", "SB003");
    expect("specs/bad/decisions/secret.md", "SB007");
    expect("specs/bad/decisions/etc", "SB007");
    expect("specs/Bad..Slug", "SB101");
    expect("specs/bad/rules.yaml", "SB203");
    expect("specs/bad/artifacts/manifest.json", "SB004");
    expect("specs/escape/artifacts/manifest.json", "SB005");
    assert_eq!(finding_for(&report, "specs/bad/decisions/notes.txt")["code"], "SB008");
    // The good project is checked all the same.
    let conflict = finding_for(&report, "specs/good/decisions/auth.guest.md");
    assert_eq!(conflict["code"], "SB201");
    let text = serde_json::to_string(&report).unwrap();
    assert!(!text.contains("leaked"), "a file outside the repository was read");
}

#[test]
fn bad_files_appear_in_text_and_sarif_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    hostile_repo(&root);
    let text = String::from_utf8(specbuilder(&["check", "repo"], dir.path()).stdout).unwrap();
    for path in ["utf8.md", "huge.md", "bomb.md", "deep.md", "secret.md", "auth.guest.md"] {
        assert!(text.contains(&format!("/{path}")), "text output lacks {path}");
    }
    assert!(text.len() < 100_000, "a huge file is not echoed back");
    let sarif = json(&specbuilder(&["check", "--format", "sarif", "repo"], dir.path()));
    let uris: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_owned())
        .collect();
    for path in ["specs/bad/decisions/huge.md", "specs/bad/decisions/secret.md", "specs/Bad..Slug"] {
        assert!(uris.iter().any(|u| u == path), "{path} not among {uris:?}");
    }
}

#[test]
fn cannot_run_exits_2_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = specbuilder(&["check", "missing"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing: no such directory"));

    let out = specbuilder(&["check", "--ref", "main"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not inside a git repository"));

    write(dir.path(), ".specbuilder.toml", "specs_dir = \"../elsewhere\"\n");
    let out = specbuilder(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("without `..`"));

    let out = specbuilder(&["check", "--format", "xml"], dir.path());
    assert_eq!(out.status.code(), Some(2), "a bad flag is a usage error");
}
