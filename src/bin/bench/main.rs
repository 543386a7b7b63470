//! The hot-path benchmark: prints a Markdown table of median timings and memory.
//!
//! Run with `cargo run --release --bin bench` (add `-- --quick` for a fast smoke run, or
//! `-- --write DIR` to leave the synthetic repository in DIR for timing the CLI itself;
//! `-- --cli` times only `specbuilder answer` as a process, `-- --view` only the viewer,
//! `-- --review` only `specbuilder review` as a process).

mod review;
mod view;

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

/// The conversation's hot paths: choosing the next question, and recording one answer on a
/// branch that holds 1,000 decisions (read with gix, validated, committed with gix).
/// The conversation's paths: the next question (plain, and as shown: fact index built and every
/// option checked against it), and an answer committed.
fn conversation_paths(runs: usize) -> (Duration, Duration, Duration) {
    use specbuilder::conversation::{Recorded, Session};
    use specbuilder::engine::{Plan, record};
    let mut files = synth::project("conv", 1_000, 200);
    files[0] = spec_format::RepoFile::new(
        "specs/conv/project.md",
        "---\nname: Conversation\ntemplate: synthetic\ndepth: thorough\n---\n",
    );
    files
        .push(spec_format::RepoFile::new(".specbuilder/templates/synthetic.yaml", synth::template("synthetic", 1_200)));
    let (ws, catalog) = loaded(&files);
    let template = &catalog.get("synthetic").expect("the synthetic template loads").template.value;
    let project = ws.project("conv").expect("the synthetic project loads");
    let next = time(runs * 20, || Plan::new(template, project).next_question().map(|q| q.key.len()));
    let shown = time(runs * 20, || {
        let index = ws.fact_index(project);
        let mut next = Plan::new(template, project).next_question().expect("an open question");
        specbuilder::engine::plan::vet(&mut next, template, &index);
        assert!(next.options.len() >= 2 && next.recommended.is_some(), "the question was checked");
        next.options.len()
    });

    let dir = std::env::temp_dir().join(format!("specbuilder-bench-git-{}", std::process::id()));
    let repo = gix::init(&dir).expect("a scratch repository");
    let owned: Vec<(String, Vec<u8>)> = files.iter().map(|f| (f.path.clone(), f.bytes.clone())).collect();
    let head = specbuilder::store::BranchHead(None);
    specbuilder::store::commit_files(&repo, "spec/conv", head, None, &owned, "bench").expect("the scratch branch");
    let mut i = 1_000;
    let answer = time(runs, || {
        let mut session = Session::open(&dir, Some("conv")).expect("the session opens");
        let template = session.template().expect("the template");
        let question = template.questions.iter().find(|q| q.key == synth::key(i)).expect("an open question").clone();
        let by = record::Provenance {
            answered_by: "local:bench".into(),
            answered_at: "2026-11-24T10:00:00Z".into(),
            source: None,
        };
        let answer = spec_format::model::Answer::Text("o0".into());
        let decision = record::decision(&question, Some(answer), spec_format::model::Status::Accepted, None, by);
        let committed = matches!(session.record(&decision).expect("recording works"), Recorded::Committed { .. });
        assert!(committed, "the synthetic answer is consistent");
        i += 1;
    });
    let _ = std::fs::remove_dir_all(&dir);
    (next, shown, answer)
}

/// `specbuilder answer` as a person runs it: the release binary as a whole process on a branch
/// of `decisions` decisions (and a fifth as many rules), one sample per open question of a
/// 300-question template, each checked to have committed. The first sample finds no cache;
/// returns it and the others.
fn cli_answer(decisions: usize, samples: usize) -> (Duration, Vec<Duration>) {
    use std::process::Command;
    let exe = std::env::current_exe().expect("the bench's own path").with_file_name("specbuilder");
    assert!(exe.exists(), "{} is missing: cargo build --release --bin specbuilder", exe.display());
    let (dir, repo) = scratch_branch("cli", decisions);
    let mut times = Vec::new();
    for k in 0..samples {
        let key = synth::key(decisions + k);
        let before = repo.find_reference("refs/heads/spec/conv").expect("the branch").id().detach();
        let start = Instant::now();
        let out = Command::new(&exe)
            .args(["answer", &key, "o0", "--project", "conv", "--dir"])
            .arg(&dir)
            .env("GIT_AUTHOR_NAME", "bench")
            .env("GIT_AUTHOR_EMAIL", "bench@example.com")
            .output()
            .expect("specbuilder runs");
        times.push(start.elapsed());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("committed"),
            "sample {k} did not commit: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let after = repo.find_reference("refs/heads/spec/conv").expect("the branch").id().detach();
        assert_ne!(before, after, "sample {k} moved the branch");
    }
    if std::env::var_os("SPECBUILDER_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        eprintln!("kept {}", dir.display());
    }
    let cold = times.remove(0);
    (cold, times)
}

/// A scratch repository whose branch `spec/conv` holds `decisions` decisions, a fifth as many
/// rules, and a template of 300 open questions after them.
fn scratch_branch(name: &str, decisions: usize) -> (std::path::PathBuf, gix::Repository) {
    let dir = std::env::temp_dir().join(format!("specbuilder-bench-{name}-{decisions}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut files = synth::project("conv", decisions, decisions / 5);
    files[0] = spec_format::RepoFile::new(
        "specs/conv/project.md",
        "---\nname: Conversation\ntemplate: synthetic\ndepth: thorough\n---\n",
    );
    let template = synth::template_of("synthetic", decisions..decisions + 300);
    files.push(spec_format::RepoFile::new(".specbuilder/templates/synthetic.yaml", template));
    let repo = gix::init(&dir).expect("a scratch repository");
    let owned: Vec<(String, Vec<u8>)> = files.iter().map(|f| (f.path.clone(), f.bytes.clone())).collect();
    let head = specbuilder::store::BranchHead(None);
    specbuilder::store::commit_files(&repo, "spec/conv", head, None, &owned, "bench").expect("the scratch branch");
    (dir, repo)
}

/// The answer's own work once the branch is open: read the reply, check it against every
/// decision, write the commit (gix) and bring the branch in memory up to date; each sample
/// asserted to commit.
fn warm_answer(decisions: usize, samples: usize) -> Vec<Duration> {
    use specbuilder::conversation::{Recorded, Session};
    use specbuilder::engine::{record, reply};
    let (dir, _repo) = scratch_branch("warm", decisions);
    let mut session = Session::open(&dir, Some("conv")).expect("the session opens");
    let by = record::Provenance {
        answered_by: "local:bench".into(),
        answered_at: "2026-12-01T10:00:00Z".into(),
        source: None,
    };
    let times = (0..samples)
        .map(|k| {
            let key = synth::key(decisions + k);
            let q = session.template().expect("the template").questions.iter().find(|q| q.key == key).cloned();
            let q = q.expect("an open question");
            let start = Instant::now();
            let answer = reply::parse(&q, "o0").expect("the reply reads");
            let decision = record::decision(&q, Some(answer), spec_format::model::Status::Accepted, None, by.clone());
            let recorded = session.record(&decision).expect("recording works");
            let elapsed = start.elapsed();
            assert!(matches!(recorded, Recorded::Committed { .. }), "sample {k} committed");
            elapsed
        })
        .collect();
    drop(session);
    let _ = std::fs::remove_dir_all(&dir);
    times
}

fn print_review(samples: usize) {
    let (median, p95, samples) = review::run(samples);
    println!(
        "| `specbuilder review` of 100 changed decisions (10 commits) in a 1,000-decision project, as a process; median / p95 of {samples} (target < 200 ms) | {} / {} |",
        fmt(median),
        fmt(p95)
    );
}

fn print_cli(n: usize, cold: Duration, warm: Vec<Duration>) {
    println!(
        "| `specbuilder answer` as a whole process, {n} decisions + {} rules: first run (no cache) | {} |",
        n / 5,
        fmt(cold)
    );
    println!(
        "| the same, warm: p50 / p95 of {} answers, each committed | {} / {} |",
        warm.len(),
        fmt(percentile(warm.clone(), 0.5)),
        fmt(percentile(warm, 0.95))
    );
}

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1]
}

/// `template lint` of every built-in, parsing included (a fresh catalog each run).
fn lint_built_ins(runs: usize) -> Duration {
    time(runs, || {
        let catalog = specbuilder::engine::Catalog::built_in();
        let findings: usize =
            catalog.iter().iter().map(|(loaded, _)| spec_format::validate::template::lint(loaded).len()).sum();
        assert_eq!(findings, 0, "the built-ins lint clean");
        assert_eq!(catalog.ids().count(), 6, "every built-in was linted");
    })
}

/// The generators: every target for a project of 1,000 decisions and 20 entities (with the
/// manifest), the PRD alone, checking every artifact with its parser, and a zip export.
struct ArtifactTimes {
    files: usize,
    /// Bytes of `manifest.json`.
    manifest: usize,
    bytes: usize,
    all: Duration,
    prd: Duration,
    verify: Duration,
    export: Duration,
}

fn artifact_paths(runs: usize) -> ArtifactTimes {
    use specbuilder::delivery::{export, prepare};
    use specbuilder::generate::{Gaps, Spec, Target, generate};
    let mut files = synth::project("gen", 1_000, 200);
    files.push(spec_format::RepoFile::new("specs/gen/decisions/data.entities.md", synth::entities_decision(20)));
    // Plus every saas-web question answered as recommended, so all it implies is generated.
    let catalog = specbuilder::engine::Catalog::built_in();
    files.extend(synth::template_decisions("gen", &catalog.get("saas-web").expect("built in").template.value));
    let (ws, catalog) = loaded(&files);
    let template = &catalog.get("saas-web").expect("the built-in template").template.value;
    let targets: Vec<Target> = Target::ALL.into_iter().filter(|t| *t != Target::ChangePlan).collect();
    let project = ws.project("gen").expect("the synthetic project loads");
    let everything = || {
        let spec = Spec::new(project, Some(template)).expect("the entities parse");
        assert!(spec.implied().operations.len() > 150, "the template's implications are resolved");
        let artifacts: Vec<_> = targets.iter().flat_map(|&t| generate(&spec, t, &Gaps(Vec::new()))).collect();
        prepare(project, &files, artifacts, true, "2026-11-24T10:00:00Z").ok().expect("nothing hand-edited")
    };
    let all = time(runs, everything);
    let prd = time(runs, || {
        let spec = Spec::new(project, Some(template)).expect("the entities parse");
        generate(&spec, Target::Prd, &Gaps(Vec::new()))
    });
    let delivery = everything();
    let verify =
        time(runs, || delivery.files.iter().filter(|(p, b)| specbuilder::verify::verify(p, b).is_err()).count());
    let failed = delivery.files.iter().filter(|(p, b)| specbuilder::verify::verify(p, b).is_err()).count();
    assert_eq!(failed, 0, "every generated artifact passes its parser");
    let repo_files: Vec<spec_format::RepoFile> =
        delivery.files.iter().map(|(p, b)| spec_format::RepoFile::new(p.clone(), b.clone())).collect();
    let zip = std::env::temp_dir().join(format!("specbuilder-bench-{}.zip", std::process::id()));
    let export = time(runs, || {
        let picked = export::collect(&repo_files, "specs/gen", "gen", |_| true);
        export::to_zip(&zip, &picked).expect("the zip is written")
    });
    let _ = std::fs::remove_file(&zip);
    let manifest = delivery.files.iter().find(|(p, _)| p.ends_with("manifest.json")).map_or(0, |(_, b)| b.len());
    ArtifactTimes {
        manifest,
        files: delivery.files.len(),
        bytes: delivery.files.iter().map(|(_, b)| b.len()).sum(),
        all,
        prd,
        verify,
        export,
    }
}

/// The workspace of synthetic files, with the built-in and repository templates.
fn loaded(files: &[spec_format::RepoFile]) -> (Workspace, specbuilder::engine::Catalog) {
    let snapshot = specbuilder::source::Snapshot { files: files.to_vec(), findings: Vec::new() };
    let ws = specbuilder::conversation::workspace(&snapshot, &Layout::default());
    let catalog = specbuilder::engine::Catalog::for_workspace(&ws);
    (ws, catalog)
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
    // `bench --view`: only the viewer's pages over loopback.
    if args.iter().any(|a| a == "--view") {
        println!("| path | result |\n| --- | --- |");
        view::run(quick);
        return;
    }
    // `bench --review`: only `specbuilder review` as a whole process.
    if args.iter().any(|a| a == "--review") {
        println!("| path | result |\n| --- | --- |");
        print_review(if quick { 5 } else { 30 });
        return;
    }
    // `bench --cli`: only `specbuilder answer` as a whole process.
    if args.iter().any(|a| a == "--cli") {
        println!("| path | result |\n| --- | --- |");
        for n in [1_000, 10_000] {
            let (cold, warm) = cli_answer(n, if quick { 5 } else { 30 });
            print_cli(n, cold, warm);
        }
        return;
    }
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

    let (next_question, shown_question, answer_commit) = conversation_paths(runs);
    let warm = warm_answer(decisions, 50);
    let cli_sizes = if quick { vec![1_000] } else { vec![1_000, 10_000] };
    let cli: Vec<(usize, Duration, Vec<Duration>)> = cli_sizes
        .into_iter()
        .map(|n| {
            let (cold, warm) = cli_answer(n, if quick { 5 } else { 30 });
            (n, cold, warm)
        })
        .collect();
    let lint = lint_built_ins(runs.min(5));
    let artifacts = artifact_paths(runs);

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
    println!("| next question with 1,000 decided keys (template of 1,200 questions) | {} |", fmt(next_question));
    println!(
        "| the same question as shown: fact index built, every option checked against it | {} |",
        fmt(shown_question)
    );
    println!("| `template lint` of the 6 built-ins (parse, lint, dead-end search) | {} |", fmt(lint));
    println!(
        "| `answer` with 1,000 decisions on the branch: read it, validate, commit (gix) | {} |",
        fmt(answer_commit)
    );
    println!(
        "| generate every target for 1,000 decisions + saas-web answered + 20 entities ({} files, {:.1} MB, manifest {:.0} KB) | {} |",
        artifacts.files,
        artifacts.bytes as f64 / 1e6,
        artifacts.manifest as f64 / 1e3,
        fmt(artifacts.all)
    );
    println!("| of which the PRD (Markdown, HTML, JSON, PDF) | {} |", fmt(artifacts.prd));
    println!(
        "| the answer's own work on an open branch of {decisions} decisions: read the reply, validate, commit (gix), update the branch in memory; p50 / p95 of 50 | {} / {} |",
        fmt(percentile(warm.clone(), 0.5)),
        fmt(percentile(warm, 0.95))
    );
    for (n, cold, warm) in cli {
        print_cli(n, cold, warm);
    }
    println!("| check every generated artifact with its parser | {} |", fmt(artifacts.verify));
    println!("| export them all as a zip | {} |", fmt(artifacts.export));
    print_review(if quick { 5 } else { 30 });
    view::run(quick);
    println!("\npeak memory: {:.0} MiB with the project loaded (process baseline {:.0} MiB)", loaded_rss, base_rss);
    println!("findings: whole project {findings}, changed answer {answer_findings}");
}
