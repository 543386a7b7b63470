//! `specbuilder view` on the demo repository: every route over HTTP (status, one `<h1>`, the
//! Content-Security-Policy, 404 pages for what does not exist), hostile content rendered inert,
//! and the pages driven in Debian's chromium by playwright-core (`tests/browser/`), which also
//! writes a screenshot of each page at desktop and phone width under `target/view-screenshots/`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_specbuilder");

fn git_head(repo: &Path, branch: &str) -> String {
    common::git(repo, &["rev-parse", branch])
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A `specbuilder view` process, stopped when dropped.
struct Viewer {
    child: Child,
    addr: String,
}

impl Viewer {
    fn start(dir: &Path) -> Viewer {
        let mut child = Command::new(BINARY)
            .args(["view", "--addr", "127.0.0.1:0"])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("specbuilder view starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.split(" at ").nth(1).and_then(|rest| rest.split_whitespace().next());
        let url = url.unwrap_or_else(|| panic!("`view` says where it listens: {line:?}"));
        let addr = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
        Viewer { child, addr }
    }

    fn get(&self, path: &str) -> Page {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Page { status, headers, body: body.to_owned() }
    }
}

impl Drop for Viewer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Page {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Page {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The demo repository, with a hostile decision and artifact in its working tree.
struct Demo {
    _dir: tempfile::TempDir,
    repo: PathBuf,
    decision: String,
    artifact: String,
}

const HOSTILE: &str = "\n<script>alert('script')</script>\n\n<img src=x onerror=\"alert('img')\">\n\n\
                       [click me](javascript:alert('link')) <a href=\"javascript:alert('a')\">or me</a>\n\n\
                       <svg onload=\"alert('svg')\"></svg>\n";

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("tracker");
    let out = Command::new(BINARY).args(["demo", "--dir"]).arg(&repo).output().unwrap();
    assert!(out.status.success(), "demo: {}", String::from_utf8_lossy(&out.stderr));

    let project = repo.join("specs/team-tracker");
    let mut decisions: Vec<PathBuf> =
        std::fs::read_dir(project.join("decisions")).unwrap().map(|e| e.unwrap().path()).collect();
    decisions.sort();
    // The last one: the live test changes `api.auth`, the first.
    let hostile = decisions.last().unwrap();
    let decision = hostile.file_stem().unwrap().to_string_lossy().into_owned();
    let mut text = std::fs::read_to_string(hostile).unwrap();
    text.push_str(HOSTILE);
    std::fs::write(hostile, text).unwrap();
    let artifact = "prd.md".to_owned();
    let path = project.join("artifacts").join(&artifact);
    let mut text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.push_str(HOSTILE);
    std::fs::write(&path, text).unwrap();
    Demo { _dir: dir, repo, decision, artifact }
}

#[test]
fn every_page_answers_with_one_h1_a_strict_policy_and_a_404_for_what_does_not_exist() {
    let demo = demo();
    let viewer = Viewer::start(&demo.repo);
    let decision = format!("/p/team-tracker/d/{}", demo.decision);
    let routes = [
        "/".to_owned(),
        "/p/team-tracker".to_owned(),
        "/p/team-tracker/decisions".to_owned(),
        "/p/team-tracker/decisions?status=assumed&sort=category".to_owned(),
        decision.clone(),
        "/p/team-tracker/a/prd.md".to_owned(),
        "/p/team-tracker/findings".to_owned(),
        "/p/team-tracker?ref=@".to_owned(),
    ];
    for route in &routes {
        let page = viewer.get(route);
        assert_eq!(page.status, 200, "{route}: {}", page.body);
        assert_eq!(page.body.matches("<h1").count(), 1, "{route}: one h1");
        let csp = page.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{route}: {csp}");
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    }

    let dashboard = viewer.get("/").body;
    assert!(dashboard.contains("spec/team-tracker") && dashboard.contains("working tree"), "both revisions");
    assert!(dashboard.contains("href=\"/p/team-tracker?ref=spec%2Fteam-tracker\""), "{dashboard}");

    let page = viewer.get(&decision).body;
    assert!(page.contains("chosen"), "the chosen option is marked: {page}");
    let decisions = viewer.get("/p/team-tracker/decisions").body;
    let all = decisions.matches("<tr data-key=").count();
    let assumed = viewer.get("/p/team-tracker/decisions?status=assumed").body.matches("<tr data-key=").count();
    assert!(all > 20 && assumed < all, "{all} decisions, {assumed} assumed");

    for (path, says) in [
        ("/p/nope", "no project `nope`"),
        ("/p/team-tracker/d/no.such.key", "no decision `no.such.key`"),
        ("/p/team-tracker/a/no-such.md", "no artifact `no-such.md`"),
        ("/p/team-tracker/a/../../../../etc/passwd", ""),
        ("/p/team-tracker/a/%2e%2e/%2e%2e/project.md", "no artifact"),
        ("/p/team-tracker?ref=no-such-branch", "no branch or revision `no-such-branch`"),
        ("/p/team-tracker?ref=--output=x", "no branch"),
        ("/nothing/here", "no page at this address"),
    ] {
        let page = viewer.get(path);
        assert_eq!(page.status, 404, "{path}: {}", page.body);
        assert!(page.body.contains(says), "{path}: {}", page.body);
        assert!(!page.body.contains("root:"), "{path}");
    }

    // A decision changed on the branch: compare and the decision's history say so.
    let before = git_head(&demo.repo, "spec/team-tracker");
    let out =
        Command::new(BINARY).args(["change", "--dir"]).arg(&demo.repo).args(["api.auth", "oauth"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let compare = viewer.get(&format!("/p/team-tracker/compare?base={before}&head=spec/team-tracker"));
    assert_eq!(compare.status, 200, "{}", compare.body);
    let row = compare.body.split("<tr data-key=\"api.auth\">").nth(1).expect("api.auth is listed as changed");
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("<del>tokens (decided)</del>") && row.contains("<ins>oauth (decided)</ins>"), "{row}");
    assert!(compare.body.contains("1 changed"), "{}", compare.body);
    assert!(compare.body.contains("/p/team-tracker/a/openapi.yaml"), "artifacts made stale are listed");
    let history = viewer.get("/p/team-tracker/d/api.auth").body;
    assert!(history.contains("api.auth = oauth (was api.auth = tokens)"), "the commit is in the history");
    assert!(history.contains("oauth (decided)") && history.contains("tokens (decided)"), "the answer then, each time");
    // The artifact built again from the new answer: two versions, and a diff between them.
    let out = Command::new(BINARY).args(["generate", "openapi"]).current_dir(&demo.repo).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = viewer.get("/p/team-tracker/a/openapi.yaml").body;
    assert_eq!(page.matches("diff with this version").count(), 2, "two versions");
    let unified = viewer.get(&format!("/p/team-tracker/a/openapi.yaml?diff={before}")).body;
    assert!(unified.contains("<span class=\"del\">-") && unified.contains("<span class=\"ins\">+"), "{unified}");
    assert!(unified.contains("oauth2"), "the new scheme is in the diff");
    let split = viewer.get(&format!("/p/team-tracker/a/openapi.yaml?diff={before}&layout=split")).body;
    assert!(split.contains("class=\"split-diff\"") && split.contains("<td class=\"ins\">"), "{split}");
    assert_eq!(viewer.get("/p/team-tracker/a/openapi.yaml?diff=0000000000").status, 404);

    // Code is highlighted on the server, with classes only (the policy allows no inline style).
    for artifact in ["schema.sql", "openapi.yaml", "schema.graphql", "api.proto", "features/auth.feature"] {
        let page = viewer.get(&format!("/p/team-tracker/a/{artifact}")).body;
        assert!(page.contains("<span class=\"hl-"), "{artifact} is highlighted");
        assert!(!page.contains(" style=\""), "{artifact}: no inline style");
    }
    let css = viewer.get("/static/highlight.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.body.contains(".hl-") && css.body.contains("prefers-color-scheme: dark"));

    // Mermaid is drawn on the server and served as an image that can run nothing.
    let page = viewer.get("/p/team-tracker/a/schema.mmd").body;
    assert!(page.contains("<img src=\"/p/team-tracker/svg/schema.mmd?ref="), "{page}");
    assert!(page.contains("Mermaid source"), "the source is one click away");
    let svg = viewer.get("/p/team-tracker/svg/c4-context.mmd");
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    assert_eq!(svg.header("content-security-policy"), Some("sandbox"));
    assert!(svg.body.starts_with("<svg"), "{}", &svg.body[..200.min(svg.body.len())]);

    let unknown = viewer.get("/p/team-tracker/compare?base=no-such-base");
    assert_eq!(unknown.status, 404);

    // Search: ranked, forgiving a typo, across decisions and artifact sections.
    let found = viewer.get("/search?q=clients+autenticate").body;
    let results = found.split("<ol class=\"results\">").nth(1).expect("results");
    let first = results.split("<li>").nth(1).expect("a result");
    assert!(
        first.contains("/p/team-tracker/d/api.auth"),
        "the decision whose question it is comes first, typo and all: {first}"
    );
    let sections = viewer.get("/search?q=Non-functional").body;
    assert!(sections.contains("/p/team-tracker/a/prd.md"), "artifact sections are found: {sections}");
    let nothing = viewer.get("/search?q=%3Cscript%3Ezzqx").body;
    assert!(nothing.contains("Nothing matches “&lt;script&gt;zzqx”"), "{nothing}");

    let raw = viewer.get("/p/team-tracker/raw/prd.md");
    assert_eq!(raw.status, 200);
    assert_eq!(raw.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(raw.header("content-security-policy"), Some("sandbox"), "a raw file can run nothing");
}

#[test]
fn hostile_text_is_escaped_or_sanitised_before_it_reaches_a_page() {
    let demo = demo();
    let viewer = Viewer::start(&demo.repo);
    for path in
        [format!("/p/team-tracker/d/{}?ref=@", demo.decision), format!("/p/team-tracker/a/{}?ref=@", demo.artifact)]
    {
        let page = viewer.get(&path);
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("click me"), "{path}: the text is still shown");
        for active in ["<script>alert", "onerror", "onload", "javascript:", "<svg"] {
            assert!(!page.body.contains(active), "{path}: {active} in {}", page.body);
        }
    }
}

/// A repository holding a synthetic project `big` of `decisions` decisions, committed on `main`.
fn synthetic(decisions: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in specbuilder::synth::project("big", decisions, decisions / 5) {
        common::write(dir.path(), &file.path, &file.bytes);
    }
    common::git(dir.path(), &["init", "-q"]);
    common::git(dir.path(), &["add", "-A"]);
    common::git(dir.path(), &["commit", "-q", "-m", "specs"]);
    dir
}

#[test]
fn a_large_graph_is_drawn_whole_up_to_a_thousand_decisions_and_focused_beyond() {
    let big = synthetic(1_000);
    let viewer = Viewer::start(big.path());
    let page = viewer.get("/p/big/graph");
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("class=\"node ").count(), 1_000, "every decision is a node");
    let keyed = page.body.split("class=\"node ").skip(1).filter(|node| node.contains(" data-key=\"area")).count();
    assert_eq!(keyed, 1_000, "each node carries its decision's key");
    let huge = synthetic(1_200);
    let viewer = Viewer::start(huge.path());
    let whole = viewer.get("/p/big/graph").body;
    assert!(whole.contains("too many to draw at once") && !whole.contains("<svg id=\"graph\""), "{whole}");
    let category = viewer.get("/p/big/graph?category=area3").body;
    assert_eq!(category.matches("class=\"node ").count(), 30);
    let focused = viewer.get(&format!("/p/big/graph?focus={}", specbuilder::synth::key(600))).body;
    let nodes = focused.matches("class=\"node ").count();
    assert!(nodes > 1 && nodes < 200, "{nodes} nodes around one decision");
    assert_eq!(viewer.get("/p/big/graph?focus=no.such").status, 404);
}

/// Debian's chromium, or a clear failure: the browser tests are never skipped in silence.
fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.is_file(),
        "no browser at {}: install Debian's chromium (`apt-get install -y chromium`)",
        path.display()
    );
    path
}

#[test]
fn the_pages_work_in_a_real_browser_at_desktop_and_phone_width() {
    let browser = chromium();
    let playwright = root().join("tests/browser/node_modules/playwright-core");
    assert!(playwright.is_dir(), "playwright-core is missing: run `bash tests/install-tools.sh` once");
    let demo = demo();
    let viewer = Viewer::start(&demo.repo);
    let generated = git_head(&demo.repo, "spec/team-tracker");
    let big = synthetic(1_000);
    let big_viewer = Viewer::start(big.path());
    let at = |path: &str| format!("http://{}{path}", viewer.addr);
    let at_big = |path: &str| format!("http://{}{path}", big_viewer.addr);
    let routes = serde_json::json!([
        { "name": "dashboard", "url": at("/") },
        { "name": "project", "url": at("/p/team-tracker") },
        { "name": "decisions", "url": at("/p/team-tracker/decisions") },
        { "name": "decision", "url": at(&format!("/p/team-tracker/d/{}", demo.decision)) },
        { "name": "artifact-markdown", "url": at("/p/team-tracker/a/prd.md") },
        { "name": "artifact-diagram", "url": at("/p/team-tracker/a/c4-container.mmd") },
        { "name": "artifact-csv", "url": at("/p/team-tracker/a/tickets/jira.csv") },
        { "name": "artifact-sql", "url": at("/p/team-tracker/a/schema.sql") },
        { "name": "artifact-diff", "url": at(&format!("/p/team-tracker/a/deploy.md?layout=split&diff={generated}")) },
        { "name": "findings", "url": at("/p/team-tracker/findings?ref=@") },
        { "name": "compare", "url": at("/p/team-tracker/compare?base=spec/team-tracker~1&head=spec/team-tracker") },
        { "name": "graph", "url": at("/p/team-tracker/graph") },
        { "name": "search", "url": at("/search?q=acess+tokns") },
        { "name": "graph-focused", "url": at("/p/team-tracker/graph?focus=api.auth") },
        { "name": "big-dashboard", "url": at_big("/") },
        { "name": "big-decisions", "url": at_big("/p/big/decisions") },
        { "name": "big-decision", "url": at_big("/p/big/d/area0.q40") },
        { "name": "not-found", "url": at("/p/team-tracker/d/no.such.key") },
    ]);
    // The 404 page is a page too: visit it, but it answers 404.
    let (found, missing): (Vec<_>, Vec<_>) =
        routes.as_array().unwrap().iter().cloned().partition(|r| r["name"] != "not-found");
    assert_eq!(viewer.get("/p/team-tracker/d/no.such.key").status, 404, "{missing:?}");
    let hostile = serde_json::json!([
        format!("/p/team-tracker/d/{}?ref=@", demo.decision),
        format!("/p/team-tracker/a/{}?ref=@", demo.artifact),
    ]);
    // A commit from the CLI in another terminal, while the decision's page is open.
    let live = serde_json::json!({
        "path": "/p/team-tracker/d/api.auth",
        "command": [BINARY, "change", "--dir", demo.repo, "api.auth", "oauth"],
        "chosen": "oauth",
    });
    let screenshots = root().join("target/view-screenshots");
    let out = Command::new("node")
        .args(["--test", "--test-reporter=spec", "viewer.test.mjs"])
        .current_dir(root().join("tests/browser"))
        .env("VIEW_URL", format!("http://{}", viewer.addr))
        .env("VIEW_GRAPH", at_big("/p/big/graph"))
        .env("VIEW_ROUTES", serde_json::Value::Array(found).to_string())
        .env("VIEW_HOSTILE", hostile.to_string())
        .env("VIEW_LIVE", live.to_string())
        .env("VIEW_SCREENSHOTS", &screenshots)
        .env("CHROMIUM", &browser)
        .output()
        .expect("node runs");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the browser tests failed:\n{report}");
    assert!(report.contains("# fail 0") || report.contains("ℹ fail 0"), "{report}");
    assert!(screenshots.join("decisions-phone.png").is_file(), "screenshots are written for review");
    // What the browser measured, for the record.
    for line in report.lines().filter(|l| l.contains("interactive")) {
        eprintln!("{line}");
    }
}
