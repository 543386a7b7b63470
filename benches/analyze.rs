//! The brownfield hot paths: `analyze` of real codebases cold (every file parsed, the cache
//! written), re-run on an unchanged repository (facts from the blob cache), re-run after one file
//! changed, and an impact query on a 10,000-file graph; with the process's peak memory.
//!
//! Fetch the corpora first (`benches/fetch-corpus.sh`: Django from PyPI, about 410K lines of
//! Python; Go, Ruby and PHP from Debian packages; JavaScript from npm), then
//! `cargo bench --bench analyze` (or `-- DIR...` for other repositories; `--quick` for one
//! cold run each). Prints a Markdown table.

use specbuilder::analyze::{self, Analysis, Edge, FileInfo, Stats, graph};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

// The allocator the `specbuilder` binary runs with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

/// Runs `f` `runs` times: the times, fastest first, and the last result.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Vec<Duration>, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed());
    }
    times.sort();
    (times, last.expect("at least one run"))
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

/// What one corpus measured.
struct Row {
    name: String,
    files: usize,
    lines: usize,
    cold: Vec<Duration>,
    warm: Duration,
    one_changed: Duration,
}

/// Cold, unchanged and one-file-changed runs on the repository at `dir`.
fn measure(dir: &Path, runs: usize) -> Row {
    // A first run on the repository: every file parsed, and the cache written.
    let cache = dir.join(".git/specbuilder/analyze-cache.json");
    let (cold, analysis) = time(runs, || {
        let _ = std::fs::remove_file(&cache);
        analyze::analyze(dir, true, &|_, _| {}).expect("the corpus analyses")
    });
    assert_eq!(analysis.stats.cached, 0, "a cold run parses every file");

    let (warm, rerun) = time(runs + 2, || analyze::analyze(dir, true, &|_, _| {}).expect("re-runs"));
    assert_eq!(rerun.stats.parsed, 0, "an unchanged repository parses nothing");

    // One file changed: append a comment line, analyse, put it back.
    let file = &analysis.files[analysis.files.len() / 2];
    let changed = dir.join(&file.path);
    let original = std::fs::read(&changed).expect("reads a corpus file");
    let comment = if file.language == "python" || file.language == "ruby" { "#" } else { "//" };
    let (one_changed, after_change) = time(runs, || {
        // New content each run: content seen before (an earlier run's) comes from the cache.
        let stamp = format!("\n{comment} touched by the benchmark at {:?}\n", std::time::SystemTime::now());
        std::fs::write(&changed, [original.as_slice(), stamp.as_bytes()].concat()).unwrap();
        analyze::analyze(dir, true, &|_, _| {}).expect("re-runs")
    });
    std::fs::write(&changed, &original).unwrap();
    assert_eq!(after_change.stats.parsed, 1);

    Row {
        name: dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned()),
        files: analysis.files.len(),
        lines: analysis.languages.values().map(|t| t.loc).sum(),
        cold,
        warm: median(warm),
        one_changed: median(one_changed),
    }
}

/// The corpora to measure: the directories given, else every one `fetch-corpus.sh` fetched.
fn corpora() -> Vec<PathBuf> {
    let given: Vec<PathBuf> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).map(PathBuf::from).collect();
    if !given.is_empty() {
        return given;
    }
    let fetched = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/corpus");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&fetched)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.join(".git").is_dir()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

fn main() {
    let dirs = corpora();
    if dirs.is_empty() || dirs.iter().any(|d| !d.is_dir()) {
        eprintln!("no corpus: run benches/fetch-corpus.sh first (or pass directories)");
        std::process::exit(2);
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let runs = if quick { 1 } else { 5 };
    let rows: Vec<Row> = dirs.iter().map(|dir| measure(dir, runs)).collect();
    let memory = peak_memory_mb();

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

    println!(
        "\n| corpus | files | non-blank lines | cold: median (fastest–slowest of {runs}) | lines/s | unchanged re-run | one file changed |"
    );
    println!("|---|---:|---:|---|---:|---:|---:|");
    for row in &rows {
        let cold = row.cold[row.cold.len() / 2];
        println!(
            "| {} | {} | {} | {} ({}–{}) | {:.0}K | {} | {} |",
            row.name,
            row.files,
            row.lines,
            ms(cold),
            ms(row.cold[0]),
            ms(row.cold[row.cold.len() - 1]),
            row.lines as f64 / cold.as_secs_f64() / 1e3,
            ms(row.warm),
            ms(row.one_changed)
        );
    }
    println!(
        "\nimpact query, 10,000 files / {} edges: median {:.2} ms (reaches {typical_reach} files), widest {:.2} ms (reaches {widest_reach})",
        big.edges.len(),
        per_query.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
    println!("peak memory: {memory}");
}
