//! Code artifacts highlighted on the server: SQL, YAML, JSON, GraphQL and protobuf by syntect
//! with bat's syntaxes (two-face), Gherkin by a few rules of our own (no syntax ships for it).
//! The output carries classes only — the CSP allows no inline style — and the colours come
//! from `/static/highlight.css`, made from the Coldark themes (built for contrast), light and dark.

use std::sync::LazyLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Larger files are shown plain: highlighting them would hold up the page.
const LARGEST: usize = 512 * 1024;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

/// The text as highlighted HTML (escaped), or `None` when its kind is not known.
pub fn highlight(extension: &str, text: &str) -> Option<String> {
    if text.len() > LARGEST {
        return None;
    }
    if extension == "feature" {
        return Some(gherkin(text));
    }
    let syntax = SYNTAXES.find_syntax_by_extension(extension)?;
    let mut html = ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, STYLE);
    for line in LinesWithEndings::from(text) {
        html.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(html.finalize())
}

/// The colours of the classes above, light and (by the system's preference) dark.
pub fn stylesheet() -> &'static str {
    static CSS: LazyLock<String> = LazyLock::new(|| {
        use two_face::theme::EmbeddedThemeName;
        let themes = two_face::theme::extra();
        let css = |name| css_for_theme_with_class_style(themes.get(name), STYLE).unwrap_or_default();
        format!(
            "{}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
            css(EmbeddedThemeName::ColdarkCold),
            css(EmbeddedThemeName::ColdarkDark)
        )
    });
    &CSS
}

fn escape(text: &str) -> String {
    maud::html! { (text) }.into_string()
}

fn span(class: &str, text: &str) -> String {
    format!("<span class=\"hl-{class}\">{}</span>", escape(text))
}

const GHERKIN_KEYWORDS: &[&str] = &[
    "Feature:",
    "Rule:",
    "Background:",
    "Scenario Outline:",
    "Scenario Template:",
    "Scenario:",
    "Example:",
    "Examples:",
    "Given ",
    "When ",
    "Then ",
    "And ",
    "But ",
    "* ",
];

/// Gherkin: keywords, tags, comments, quoted strings, `<placeholders>` and table pipes.
fn gherkin(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for line in LinesWithEndings::from(text) {
        let indent = line.len() - line.trim_start().len();
        let (lead, rest) = line.split_at(indent);
        out.push_str(lead);
        if rest.starts_with('#') {
            out.push_str(&span("comment", rest));
            continue;
        }
        if rest.starts_with('@') {
            out.push_str(&span("entity", rest));
            continue;
        }
        let rest = match GHERKIN_KEYWORDS.iter().find(|k| rest.starts_with(*k)) {
            Some(keyword) => {
                out.push_str(&span("keyword", keyword));
                &rest[keyword.len()..]
            }
            None => rest,
        };
        out.push_str(&gherkin_words(rest));
    }
    out
}

/// The rest of a Gherkin line: strings, placeholders and pipes marked, the rest escaped.
fn gherkin_words(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(['"', '<', '|']) {
        out.push_str(&escape(&rest[..at]));
        let tail = &rest[at..];
        let (class, end) = match tail.as_bytes()[0] {
            b'"' => ("string", tail[1..].find('"').map(|e| e + 2)),
            b'<' => ("variable", tail.find('>').map(|e| e + 1)),
            _ => ("punctuation", Some(1)),
        };
        let end = end.unwrap_or(tail.len());
        out.push_str(&span(class, &tail[..end]));
        rest = &tail[end..];
    }
    out.push_str(&escape(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_the_artifacts_use_is_highlighted() {
        for (extension, text) in [
            ("sql", "CREATE TABLE t (id uuid PRIMARY KEY);\n"),
            ("yaml", "openapi: 3.1.0\n"),
            ("json", "{\"a\": 1}\n"),
            ("graphql", "type Query { me: User }\n"),
            ("proto", "syntax = \"proto3\";\nmessage A { string id = 1; }\n"),
            ("feature", "Feature: Sign in\n  Scenario: ok\n    Given a user \"ana\"\n"),
        ] {
            let html = highlight(extension, text).unwrap_or_else(|| panic!("{extension} is highlighted"));
            assert!(html.contains("class=\"hl-"), "{extension}: {html}");
        }
        assert!(highlight("unknown-kind", "x").is_none());
        assert!(stylesheet().contains(".hl-") && stylesheet().contains("prefers-color-scheme: dark"));
    }

    #[test]
    fn what_the_code_says_is_escaped() {
        for extension in ["sql", "yaml", "feature"] {
            let html = highlight(extension, "-- </code><script>alert(1)</script> \"<img onerror=x>\"\n").unwrap();
            assert!(!html.contains("<script") && !html.contains("<img"), "{extension}: {html}");
        }
    }
}
