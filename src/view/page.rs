//! The page shell every route shares, and the links between pages. Every piece of text goes
//! through maud, which escapes it; only sanitised Markdown is inserted as HTML.

use super::repo::Revision;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters kept as they are in a path segment or query value.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, KEEP).to_string()
}

/// A path of several segments (an artifact's `dir/file.md`), each encoded, `/` kept.
pub fn encode_path(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
}

/// Links to a project's pages at one revision.
#[derive(Clone)]
pub struct Links {
    pub slug: String,
    pub revision: Revision,
}

impl Links {
    fn with_ref(&self, path: String) -> String {
        format!("{path}?ref={}", encode(self.revision.query()))
    }
    pub fn project(&self) -> String {
        self.with_ref(format!("/p/{}", encode(&self.slug)))
    }
    pub fn decisions(&self) -> String {
        self.with_ref(format!("/p/{}/decisions", encode(&self.slug)))
    }
    pub fn decision(&self, key: &str) -> String {
        self.with_ref(format!("/p/{}/d/{}", encode(&self.slug), encode(key)))
    }
    pub fn artifact(&self, path: &str) -> String {
        self.with_ref(format!("/p/{}/a/{}", encode(&self.slug), encode_path(path)))
    }
    pub fn svg(&self, path: &str) -> String {
        self.with_ref(format!("/p/{}/svg/{}", encode(&self.slug), encode_path(path)))
    }
    pub fn raw(&self, path: &str) -> String {
        self.with_ref(format!("/p/{}/raw/{}", encode(&self.slug), encode_path(path)))
    }
    pub fn graph(&self) -> String {
        self.with_ref(format!("/p/{}/graph", encode(&self.slug)))
    }
    pub fn compare(&self) -> String {
        format!("/p/{}/compare?head={}", encode(&self.slug), encode(self.revision.query()))
    }
    pub fn findings(&self) -> String {
        self.with_ref(format!("/p/{}/findings", encode(&self.slug)))
    }
}

/// A whole page: `title` is its one `<h1>`; `crumbs` lead from the dashboard to it.
pub fn page(title: &str, crumbs: &[(String, String)], body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) " · Spec Builder" }
                link rel="stylesheet" href="/static/view.css";
                link rel="stylesheet" href="/static/highlight.css";
                link rel="icon" href="/favicon.ico" type="image/svg+xml";
                script src="/static/view.js" defer {}
            }
            body {
                a class="skip" href="#main" { "Skip to content" }
                header class="top" {
                    nav aria-label="Breadcrumb" {
                        ol {
                            li { a href="/" { "Spec Builder" } }
                            @for (label, href) in crumbs {
                                li { a href=(href) { (label) } }
                            }
                        }
                    }
                    form action="/search" method="get" role="search" class="top-search" {
                        input type="search" name="q" aria-label="Search decisions and artifacts" placeholder="Search";
                    }
                }
                main id="main" {
                    h1 { (title) }
                    (body)
                }
                div id="live" class="live" role="status" aria-live="polite" hidden {}
            }
        }
    }
}

/// The page for a missing project, decision, artifact or revision (status 404).
pub fn not_found(message: &str) -> Markup {
    notice("Not found", message)
}

/// The page for something that went wrong on our side (status 500).
pub fn failed(message: &str) -> Markup {
    notice("Could not show this page", message)
}

fn notice(title: &str, message: &str) -> Markup {
    page(
        title,
        &[],
        html! {
            p class="notice" { (message) }
            p { a href="/" { "Back to the dashboard" } }
        },
    )
}

/// A status as a badge: text, not colour alone.
pub fn badge(kind: &str, text: &str) -> Markup {
    html! { span class={ "badge " (kind) } { (text) } }
}

/// When, in UTC, from seconds since the epoch.
pub fn when(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| format!("{seconds} s after 1970"))
}

/// Sanitised HTML, ready to insert.
pub fn trusted(html: String) -> PreEscaped<String> {
    PreEscaped(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_dates_in_utc() {
        assert_eq!(when(0), "1970-01-01 00:00 UTC");
        assert_eq!(when(1_795_000_000), "2026-11-18 11:06 UTC");
        assert_eq!(when(951_825_600), "2000-02-29 12:00 UTC");
    }

    #[test]
    fn links_encode_what_a_url_cannot_hold() {
        let links = Links { slug: "a b".into(), revision: Revision::Branch("spec/x y".into()) };
        assert_eq!(links.artifact("api/open api.yaml"), "/p/a%20b/a/api/open%20api.yaml?ref=spec%2Fx%20y");
        assert_eq!(encode("<script>"), "%3Cscript%3E");
    }
}
