//! The hot-path benchmark: prints a Markdown table of median timings and memory.
//!
//! Run with `cargo run --release --bin bench` (add `-- --quick` for a fast smoke run, or
//! `-- --write DIR` to leave the synthetic repository in DIR for timing the CLI itself).

use spec_format::validate::{self, Options, check_answer};
use spec_format::workspace::{DecisionDoc, parse_decision};
use spec_format::{Layout, Workspace};
use specbuilder::synth;
use std::time::{Duration, Instant};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median time of `f`, not counting the drop of what it returns (the CLI exits instead).
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                let result = std::hint::black_box(f());
                let elapsed = start.elapsed();
                drop(result);
                elapsed
            })
            .collect(),
    )
}

/// Peak resident memory of this process so far (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn write_repository(root: &std::path::Path, files: &[spec_format::RepoFile]) {
    for file in files {
        let path = root.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("files live in folders")).expect("creating a folder");
        std::fs::write(path, &file.bytes).expect("writing a file");
    }
}

fn fmt(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    }
}

// malloc/free were a fifth of parse time with the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `bench --write DIR` leaves the synthetic repository in DIR, to time the CLI on it.
    if let Some(dir) = args.iter().position(|a| a == "--write").and_then(|i| args.get(i + 1)) {
        write_repository(std::path::Path::new(dir), &synth::project("bench", 10_000, 2_000));
        println!("wrote a 10,000-decision repository to {dir}; try: specbuilder check {dir}");
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let (decisions, rules, runs) = if quick { (1_000, 200, 3) } else { (10_000, 2_000, 15) };
    let layout = Layout::default();
    let files = synth::project("bench", decisions, rules);
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let base_rss = peak_rss_mib();

    // Whole check: parse every file, then every finding of the format.
    let mut findings = 0;
    let full = time(runs, || {
        let ws = Workspace::load(&files, &layout);
        findings = validate::validate(&ws, &Options::default()).len();
        ws
    });
    assert_eq!(findings, 0, "the synthetic project is consistent");
    let parse_only = time(runs, || Workspace::load(&files, &layout));

    // One new answer, as the bot checks it: the project is loaded and indexed once.
    let ws = Workspace::load(&files, &layout);
    let loaded_rss = peak_rss_mib();
    let project = &ws.projects[0];
    let index_build = time(runs, || ws.fact_index(project));
    let index = ws.fact_index(project);
    let target = decisions / 2;
    let path = format!("specs/bench/decisions/{}.md", synth::key(target));
    let reply = synth::decision_answering(target, (target + 1) % 3);
    let mut answer_findings = 0;
    let one_answer = time(runs * 200, || {
        let parsed = parse_decision(&path, reply.as_bytes()).parsed.expect("the reply parses");
        let doc = DecisionDoc {
            facts: parsed.value.effective_facts(),
            file_key: synth::key(target),
            sha256: None,
            doc: parsed,
        };
        answer_findings = check_answer(&index, &doc).len();
    });

    // The CLI's whole path from disk: read every file, parse, validate.
    let scratch = std::env::temp_dir().join(format!("specbuilder-bench-{}", std::process::id()));
    write_repository(&scratch, &files);
    let from_disk = time(runs, || {
        let snapshot = specbuilder::source::read_dir(&scratch, "specs").expect("the scratch repository reads");
        let ws = Workspace::load(&snapshot.files, &layout);
        assert!(validate::validate(&ws, &Options::default()).is_empty());
        (snapshot, ws)
    });
    let _ = std::fs::remove_dir_all(&scratch);

    println!(
        "Spec Builder hot paths ({decisions} decisions, {rules} rules, {:.1} MB of spec text; median of {runs} runs)\n",
        bytes as f64 / 1e6
    );
    println!("| path | median |");
    println!("| --- | --- |");
    println!("| parse + validate the whole project ({decisions} decisions, {rules} rules) | {} |", fmt(full));
    println!("| of which parsing ({decisions} files) | {} |", fmt(parse_only));
    println!("| `check` from disk: read {} files + parse + validate | {} |", files.len(), fmt(from_disk));
    println!("| build the fact index (once per project, cached by the bot) | {} |", fmt(index_build));
    println!("| validate one new answer (parse it + check against the index) | {} |", fmt(one_answer));
    println!("\npeak memory: {:.0} MiB with the project loaded (process baseline {:.0} MiB)", loaded_rss, base_rss);
    println!("findings: whole project {findings}, changed answer {answer_findings}");
}
