//! `/p/<slug>/a/<path>`: an artifact — Markdown rendered and sanitised, CSV as a table, Mermaid
//! drawn as SVG with its source one click away, other text as it is, the PDF linked — with what
//! it was generated from, its versions, and a diff with any of them (unified or side by side).
//! `/p/<slug>/raw/<path>` serves the file itself, `/p/<slug>/svg/<path>` a diagram's drawing.

use super::page::{Links, badge, encode, page, trusted, when};
use super::project::{crumbs, find};
use super::repo::{History, RepoAt, State, ViewError};
use maud::{Markup, html};
use serde::Deserialize;
use spec_format::workspace::ProjectSpec;

/// The artifact's bytes: only a path the project lists is ever looked up, so no request can
/// reach a file outside it.
pub fn bytes<'a>(state: &'a State, project: &ProjectSpec, name: &str) -> Result<&'a [u8], ViewError> {
    let missing = || {
        ViewError::NotFound(format!(
            "project `{}` has no artifact `{name}` on {}",
            project.slug,
            state.revision.label()
        ))
    };
    if !project.artifacts.contains_key(name) {
        return Err(missing());
    }
    let path = format!("{}/artifacts/{name}", project.dir);
    state.snapshot.files.iter().find(|f| f.path == path).map(|f| f.bytes.as_slice()).ok_or_else(missing)
}

/// A diff asked for on the artifact page.
#[derive(Debug, Default, Deserialize)]
pub struct DiffQuery {
    /// The commit (or its first characters) of the version to compare with.
    pub diff: Option<String>,
    /// `split` for side by side; unified otherwise.
    pub layout: Option<String>,
}

pub fn artifact(
    repo: &dyn RepoAt,
    state: &State,
    slug: &str,
    name: &str,
    query: &DiffQuery,
) -> Result<Markup, ViewError> {
    let project = find(state, slug)?;
    let links = Links { slug: project.slug.clone(), revision: state.revision.clone() };
    let bytes = bytes(state, project, name)?;
    let history = repo.history(&state.revision, &format!("{}/artifacts/{name}", project.dir))?;
    let entry = project.manifest.as_ref().and_then(|m| m.value.artifacts.get(name));
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let stale = (state.findings.iter())
        .any(|f| f.code == spec_format::Code::StaleArtifact && f.path.ends_with(&format!("/artifacts/{name}")));
    Ok(page(
        name,
        &crumbs(&links),
        html! {
            @if let Some(entry) = entry {
                p class="meta" {
                    (entry.kind) " · " (entry.format) " · generated " (entry.generated_at) " by " (entry.generator)
                    @if stale { " " (badge("warn", "stale")) }
                }
                @if !entry.based_on.is_empty() {
                    p { "From: "
                        @for (i, key) in entry.based_on.keys().enumerate() {
                            @if i > 0 { ", " } a href=(links.decision(key)) { (key) }
                        }
                    }
                }
            }
            p { a href=(links.raw(name)) { "The file as it is" } " (" (bytes.len()) " bytes)" }
            @if let Some(diff) = query.diff.as_deref().filter(|d| !d.is_empty()) {
                (diff_section(&history, diff, bytes, &links, name, query.layout.as_deref() == Some("split"))?)
            }
            (content(&extension, bytes, &links, name, state, project))
            (versions(&history, &links, name))
        },
    ))
}

/// Versions shown at most.
const VERSIONS: usize = 20;

fn versions(history: &History, links: &Links, name: &str) -> Markup {
    html! {
        section aria-labelledby="versions" {
            h2 id="versions" { "Versions" }
            @if history.changes.is_empty() { p { "Not committed yet." } }
            ol class="versions" {
                @for (commit, _) in history.changes.iter().take(VERSIONS) {
                    li {
                        (when(commit.time)) " · " (commit.author) " · " code { (&commit.id[..12.min(commit.id.len())]) } " " (commit.summary)
                        " · " a href={ (links.artifact(name)) "&diff=" (encode(&commit.id)) } { "diff with this version" }
                    }
                }
            }
        }
    }
}

/// The version `from` (a commit id or its start) against the file as shown, unified or split.
fn diff_section(
    history: &History,
    from: &str,
    now: &[u8],
    links: &Links,
    name: &str,
    split: bool,
) -> Result<Markup, ViewError> {
    let (commit, old) = (history.changes.iter())
        .find(|(c, _)| from.len() >= 7 && c.id.starts_with(from))
        .ok_or_else(|| ViewError::NotFound(format!("`{name}` has no version at commit `{from}`")))?;
    let old = String::from_utf8_lossy(old.as_deref().unwrap_or_default()).into_owned();
    let new = String::from_utf8_lossy(now).into_owned();
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_millis(500))
        .diff_lines(old.as_str(), new.as_str());
    let here = format!("{}&diff={}", links.artifact(name), encode(&commit.id));
    Ok(html! {
        section aria-labelledby="diff" {
            h2 id="diff" { "Changes since " code { (&commit.id[..12.min(commit.id.len())]) } }
            p {
                @if split { a href=(here) { "Unified" } " · Side by side" }
                @else { "Unified · " a href={ (here) "&layout=split" } { "Side by side" } }
            }
            @if diff.ratio() == 1.0 { p { "No changes." } }
            @else if split { (side_by_side(&diff)) }
            @else {
                pre class="diff" tabindex="0" {
                    @for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
                        span class="hunk" { (hunk.header().to_string()) "
    " }
                        @for change in hunk.iter_changes() {
                            @let (class, sign) = match change.tag() {
                                similar::ChangeTag::Delete => ("del", "-"),
                                similar::ChangeTag::Insert => ("ins", "+"),
                                similar::ChangeTag::Equal => ("same", " "),
                            };
                            span class=(class) { (sign) (change.value().trim_end_matches('\n')) "\n" }
                        }
                    }
                }
            }
        }
    })
}

fn side_by_side(diff: &similar::TextDiff<'_, '_, str>) -> Markup {
    html! {
        div class="scroll" tabindex="0" {
            table class="split-diff" {
                thead { tr { th scope="col" { "Before" } th scope="col" { "After" } } }
                tbody {
                    @for group in diff.grouped_ops(3) {
                        tr class="hunk" { td colspan="2" { "…" } }
                        @for op in &group {
                            @for change in diff.iter_changes(op) {
                                @let text = change.value().trim_end_matches('\n');
                                @match change.tag() {
                                    similar::ChangeTag::Equal => tr { td { code { (text) } } td { code { (text) } } },
                                    similar::ChangeTag::Delete => tr { td class="del" { code { (text) } } td {} },
                                    similar::ChangeTag::Insert => tr { td {} td class="ins" { code { (text) } } },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn content(extension: &str, bytes: &[u8], links: &Links, name: &str, state: &State, project: &ProjectSpec) -> Markup {
    if extension == "pdf" {
        return html! { p { "A PDF: open it with the link above." } };
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return html! { p { "Not text: open it with the link above." } };
    };
    match extension {
        "md" => html! { div class="prose" { (trusted(super::markdown::to_html(text))) } },
        "csv" => csv_table(text).unwrap_or_else(|| source(extension, text)),
        "mmd" => match super::diagram::svg_of(state, project, name) {
            Ok(_) => html! {
                figure class="diagram" {
                    img src=(links.svg(name)) alt={ "The diagram " (name) };
                    figcaption { details { summary { "Mermaid source" } (source(extension, text)) } }
                }
            },
            Err(error) => {
                html! { p class="notice" { "Could not draw it: " (error.to_string()) } (source(extension, text)) }
            }
        },
        _ => source(extension, text),
    }
}

/// Code as it is, highlighted where its kind is known.
fn source(extension: &str, text: &str) -> Markup {
    match super::highlight::highlight(extension, text) {
        Some(highlighted) => {
            html! { pre class="source" tabindex="0" { code class={ "language-" (extension) } { (trusted(highlighted)) } } }
        }
        None => html! { pre class="source" tabindex="0" { code class={ "language-" (extension) } { (text) } } },
    }
}

/// A CSV file as a table; `None` when it does not parse, and it is shown as text instead.
fn csv_table(text: &str) -> Option<Markup> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().ok()?.clone();
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().ok()?;
    Some(html! {
        div class="scroll" tabindex="0" {
            table {
                thead { tr { @for h in &headers { th scope="col" { (h) } } } }
                tbody { @for row in &rows { tr { @for cell in row { td { (cell) } } } } }
            }
        }
    })
}

/// The content type the raw route serves a file with: never one a browser would run.
pub fn raw_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("pdf") => "application/pdf",
        Some("json") => "application/json",
        _ => "text/plain; charset=utf-8",
    }
}
