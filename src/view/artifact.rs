//! `/p/<slug>/a/<path>`: an artifact — Markdown rendered and sanitised, CSV as a table, other
//! text as it is, the PDF linked — with what it was generated from. `/p/<slug>/raw/<path>`
//! serves the file itself.

use super::page::{Links, badge, page, trusted};
use super::project::{crumbs, find};
use super::repo::{State, ViewError};
use maud::{Markup, html};
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

pub fn artifact(state: &State, slug: &str, name: &str) -> Result<Markup, ViewError> {
    let project = find(state, slug)?;
    let links = Links { slug: project.slug.clone(), revision: state.revision.clone() };
    let bytes = bytes(state, project, name)?;
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
            (content(&extension, bytes))
        },
    ))
}

fn content(extension: &str, bytes: &[u8]) -> Markup {
    if extension == "pdf" {
        return html! { p { "A PDF: open it with the link above." } };
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return html! { p { "Not text: open it with the link above." } };
    };
    match extension {
        "md" => html! { div class="prose" { (trusted(super::markdown::to_html(text))) } },
        "csv" => csv_table(text).unwrap_or_else(|| source(extension, text)),
        _ => source(extension, text),
    }
}

fn source(extension: &str, text: &str) -> Markup {
    html! { pre class="source" tabindex="0" { code class={ "language-" (extension) } { (text) } } }
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
