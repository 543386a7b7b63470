//! The brownfield hot paths: `analyze` of a real codebase cold (every file parsed), re-run on an
//! unchanged repository (facts from the blob cache), re-run after one file changed, and an
//! impact query on a 10,000-file graph; with the process's peak memory.
//!
//! Fetch the corpus first (Django from PyPI, about 470K lines): `benches/fetch-corpus.sh`, then
//! `cargo bench --bench analyze` (or `-- DIR` for another corpus). Prints a Markdown table.

use specbuilder::analyze::{self, Analysis, Edge, FileInfo, Stats, graph};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed());
    }
    (median(times), last.expect("at least one run"))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// Peak resident memory of this process so far, from the kernel.
fn peak_memory_mb() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.split_whitespace().next());
    kb.and_then(|kb| kb.parse::<f64>().ok()).map_or("?".into(), |kb| format!("{:.0} MB", kb / 1024.0))
}

/// A layered graph of `n` files, each importing five files of lower layers, deterministic.
fn synthetic(n: usize) -> Analysis {
    let path = |i: usize| format!("pkg{}/mod{i}.py", i % 50);
    let files = (0..n)
        .map(|i| FileInfo {
            path: path(i),
            language: "python".into(),
            loc: 100,
            component: format!("pkg{}", i % 50),
            definitions: 5,
        })
        .collect();
    let mut seed: u64 = 42;
    let mut edges = Vec::new();
    for i in 1..n {
        for _ in 0..5 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            edges.push(Edge { from: path(i), to: path((seed >> 33) as usize % i) });
        }
    }
    edges.sort();
    edges.dedup();
    Analysis {
        files,
        edges,
        external: Vec::new(),
        entry_points: Vec::new(),
        components: Vec::new(),
        containers: Vec::new(),
        tests: Vec::new(),
        languages: Default::default(),
        parse_errors: Vec::new(),
        stats: Stats::default(),
    }
}

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/corpus/Django-5.1.4"));
    if !dir.is_dir() {
        eprintln!("no corpus at {}: run benches/fetch-corpus.sh first (or pass a directory)", dir.display());
        std::process::exit(2);
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let runs = if quick { 1 } else { 3 };

    let (cold, analysis) = time(runs, || analyze::analyze(&dir, false, &|_, _| {}).expect("the corpus analyses"));
    let lines: usize = analysis.languages.values().map(|t| t.loc).sum();
    let memory = peak_memory_mb();

    let _ = analyze::analyze(&dir, true, &|_, _| {}).expect("fills the cache");
    let (warm, rerun) = time(runs + 2, || analyze::analyze(&dir, true, &|_, _| {}).expect("re-runs"));
    assert_eq!(rerun.stats.parsed, 0, "an unchanged repository parses nothing");

    // One file changed: append a line, analyse, put it back.
    let changed = dir.join(&analysis.files[analysis.files.len() / 2].path);
    let original = std::fs::read(&changed).expect("reads a corpus file");
    let (one, after_change) = time(1, || {
        // New content each run: content seen before (an earlier run's) comes from the cache.
        let stamp = format!("\n# touched by the benchmark at {:?}\n", std::time::SystemTime::now());
        std::fs::write(&changed, [original.as_slice(), stamp.as_bytes()].concat()).unwrap();
        analyze::analyze(&dir, true, &|_, _| {}).expect("re-runs")
    });
    std::fs::write(&changed, &original).unwrap();
    assert_eq!(after_change.stats.parsed, 1);

    let big = synthetic(10_000);
    let dependents = graph::Dependents::new(&big);
    // Every 100th file: from the bottom layer, which nearly everything reaches, to the top.
    let targets: Vec<&str> = big.files.iter().step_by(100).map(|f| f.path.as_str()).collect();
    let mut timings = Vec::new();
    let mut reached = Vec::new();
    for target in &targets {
        let start = Instant::now();
        reached.push(graph::impact(&big, &dependents, &[target]).dependents.len());
        timings.push(start.elapsed());
    }
    let worst = *timings.iter().max().expect("queries ran");
    let per_query = median(timings);
    reached.sort();
    let (typical_reach, widest_reach) = (reached[reached.len() / 2], reached[reached.len() - 1]);

    println!("\n| analyze ({} files, {lines} non-blank lines of code) | time |", analysis.files.len());
    println!("|---|---|");
    println!("| cold, every file parsed ({:.0}K lines/s) | {} |", lines as f64 / cold.as_secs_f64() / 1e3, ms(cold));
    println!("| re-run, unchanged (all facts from the blob cache) | {} |", ms(warm));
    println!("| re-run after one file changed | {} |", ms(one));
    println!(
        "| impact query, 10,000 files / {} edges: median (reaches {typical_reach} files) / widest (reaches {widest_reach}) | {:.2} ms / {:.2} ms |",
        big.edges.len(),
        per_query.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
    println!("| peak memory after the cold run | {memory} |");
}
