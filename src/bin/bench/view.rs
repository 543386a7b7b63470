//! `bench --view`: the viewer over loopback, as a browser asks it — each sample is one HTTP
//! request to a real `view` router whose answer is checked (status 200, one `<h1>`). The router's
//! watcher reads each revision when it starts, so a page finds it read; the cold read is timed
//! on its own.

use specbuilder::synth;
use specbuilder::view::repo::{LocalRepo, RepoAt};
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A repository of one synthetic project of `decisions` decisions, committed.
fn repository(decisions: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a scratch directory");
    super::write_repository(dir.path(), &synth::project("big", decisions, decisions / 5));
    for args in [&["init", "-q", "-b", "main"][..], &["add", "-A"], &["commit", "-q", "-m", "specs"]] {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=Bench", "-c", "user.email=bench@example.com"])
            .args(args)
            .current_dir(dir.path())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }
    dir
}

/// A viewer on loopback over `dir`; its address.
fn serve(runtime: &tokio::runtime::Runtime, dir: &std::path::Path) -> String {
    let repo: Arc<dyn RepoAt> = Arc::new(LocalRepo::open(dir).expect("the repository opens"));
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("an address").to_string();
        let app = specbuilder::view::router(repo);
        tokio::spawn(async move { axum::serve(listener, app).await });
        addr
    })
}

/// One page, timed; panics unless it is a whole page.
fn get(addr: &str, path: &str) -> Duration {
    let start = Instant::now();
    let mut stream = std::net::TcpStream::connect(addr).expect("the viewer answers");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").expect("the request is sent");
    let mut body = Vec::new();
    stream.read_to_end(&mut body).expect("the page is read");
    let elapsed = start.elapsed();
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.starts_with("HTTP/1.0 200") || text.starts_with("HTTP/1.1 200"),
        "{path}: {}",
        &text[..80.min(text.len())]
    );
    assert_eq!(text.matches("<h1").count(), 1, "{path} is a whole page");
    elapsed
}

fn samples(addr: &str, paths: &[String], rounds: usize) -> Vec<Duration> {
    (0..rounds).flat_map(|_| paths.iter().map(|p| get(addr, p)).collect::<Vec<_>>()).collect()
}

/// A revision read cold (a new repository handle: nothing kept), then its search index built.
fn cold_read(dir: &std::path::Path) -> (Duration, Duration) {
    let start = Instant::now();
    let repo = LocalRepo::open(dir).expect("the repository opens");
    let state = repo.state(&specbuilder::view::repo::Revision::WorkingTree).expect("it reads");
    let read = start.elapsed();
    let start = Instant::now();
    assert!(!state.search_index().search("requirement", 1).is_empty(), "the index finds a decision");
    (read, start.elapsed())
}

pub fn run(quick: bool) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    let thousand = repository(1_000);
    let addr = serve(&runtime, thousand.path());

    // The layout alone, on the project as the pages read it.
    let repo = LocalRepo::open(thousand.path()).expect("the repository opens");
    let state = repo.state(&specbuilder::view::repo::Revision::WorkingTree).expect("it reads");
    let project = &state.workspace.projects[0];
    let rules = state.workspace.rules_for(project);
    let all: Vec<usize> = (0..project.decisions.len()).collect();
    let mut edges = 0;
    let layout = super::time(if quick { 3 } else { 20 }, || {
        let found = specbuilder::view::graph::edges_of(project, &rules);
        edges = found.len();
        specbuilder::view::graph::layout(project, &all, &found)
    });

    let pages: Vec<String> = [
        "/",
        "/p/big",
        "/p/big/decisions",
        "/p/big/decisions?category=area3&sort=status",
        &format!("/p/big/d/{}", synth::key(500)),
        "/p/big/graph",
        "/p/big/findings",
        "/search?q=requirment+77",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    let pages_1k = samples(&addr, &pages, if quick { 3 } else { 20 });

    let (dashboard, search) = if quick {
        (Vec::new(), Vec::new())
    } else {
        let ten = repository(10_000);
        let (cold, index) = cold_read(ten.path());
        println!(
            "| a 10,000-decision repository read, parsed and checked (what the first page waits for) / its search index built | {} / {} |",
            super::fmt(cold),
            super::fmt(index)
        );
        let addr = serve(&runtime, ten.path());
        get(&addr, "/");
        let dashboard = samples(&addr, &["/".to_owned()], 30);
        let queries: Vec<String> = ["requirement 4077", "opton", "area17", "q9999", "fits best"]
            .iter()
            .map(|q| format!("/search?q={}", q.replace(' ', "+")))
            .collect();
        get(&addr, &queries[0]);
        (dashboard, samples(&addr, &queries, 40))
    };

    println!("| graph of 1,000 decisions, {edges} edges: edges found and laid out | {} |", super::fmt(layout));
    let (cold, index) = cold_read(thousand.path());
    println!(
        "| a 1,000-decision repository read, parsed and checked (what the first page waits for) / its search index built | {} / {} |",
        super::fmt(cold),
        super::fmt(index)
    );
    println!(
        "| any page of a 1,000-decision project over loopback, {} pages × {} rounds: p50 / p95 | {} / {} |",
        pages.len(),
        pages_1k.len() / pages.len(),
        super::fmt(super::percentile(pages_1k.clone(), 0.5)),
        super::fmt(super::percentile(pages_1k, 0.95))
    );
    if !dashboard.is_empty() {
        println!(
            "| dashboard of a 10,000-decision repository, warm: p50 / p95 of 30 | {} / {} |",
            super::fmt(super::percentile(dashboard.clone(), 0.5)),
            super::fmt(super::percentile(dashboard, 0.95))
        );
        println!(
            "| search at 10,000 decisions over loopback, 5 queries × 40: p50 / p99 | {} / {} |",
            super::fmt(super::percentile(search.clone(), 0.5)),
            super::fmt(super::percentile(search, 0.99))
        );
    }
}
