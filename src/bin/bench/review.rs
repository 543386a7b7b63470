//! `specbuilder review` as a person runs it: the release binary as a whole process, on a change
//! of 100 decisions (in 10 commits) to a 1,000-decision project. Each sample is checked to have
//! found all 100, each with its commit.

use specbuilder::store::{self, BranchHead};
use specbuilder::synth;
use std::process::Command;
use std::time::{Duration, Instant};

/// (median, p95, samples).
pub fn run(samples: usize) -> (Duration, Duration, usize) {
    let exe = std::env::current_exe().expect("the bench's own path").with_file_name("specbuilder");
    assert!(exe.exists(), "{} is missing: cargo build --release --bin specbuilder", exe.display());
    let dir = std::env::temp_dir().join(format!("specbuilder-bench-review-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let repo = gix::init(&dir).expect("a scratch repository");
    let files: Vec<(String, Vec<u8>)> =
        synth::project("review", 1_000, 200).into_iter().map(|f| (f.path, f.bytes)).collect();
    let main = store::commit_files(&repo, "main", BranchHead(None), None, &files, "the spec").expect("main");
    let (mut head, mut expected) = (main, BranchHead(None));
    for batch in 0..10 {
        let changed: Vec<(String, Vec<u8>)> = (batch * 10..batch * 10 + 10)
            .map(|i| {
                let path = format!("specs/review/decisions/{}.md", synth::key(i * 7));
                (path, synth::decision_answering(i * 7, (i * 7 + 1) % 3).into_bytes())
            })
            .collect();
        head = store::commit_files(&repo, "change", expected, Some(head), &changed, &format!("change {batch}"))
            .expect("a change commit");
        expected = BranchHead(Some(head));
    }
    let mut times = Vec::new();
    for k in 0..samples {
        let start = Instant::now();
        let out = Command::new(&exe)
            .args(["review", "--base", "main", "--head", "change", "--format", "json", "--dir"])
            .arg(&dir)
            .output()
            .expect("specbuilder runs");
        times.push(start.elapsed());
        let review: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("sample {k}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
        let changed = review["projects"][0]["decisions"]["changed"].as_array().map_or(0, Vec::len);
        assert_eq!(changed, 100, "sample {k} found every changed decision");
        assert!(
            review["projects"][0]["decisions"]["changed"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|c| c["commit"]["id"].is_string()),
            "sample {k} named each decision's commit"
        );
    }
    if std::env::var_os("SPECBUILDER_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        eprintln!("kept {}", dir.display());
    }
    times.sort();
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    (times[times.len() / 2], p95, samples)
}
