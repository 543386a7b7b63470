//! The PRD: Markdown first; HTML, JSON and PDF are other views of the same content.

use super::spec::{Requirement, Spec, answer_text};
use super::{Gaps, md_inline, pdf};
use serde_json::{Value, json};
use std::fmt::Write;

pub const JSON_SCHEMA: &str = include_str!("prd.schema.json");

pub fn generate(spec: &Spec<'_>, gaps: &Gaps) -> Vec<(String, &'static str, Vec<u8>)> {
    let markdown = markdown(spec, gaps);
    let html = html(&spec.name, &markdown);
    let json = serde_json::to_string_pretty(&document(spec, gaps)).unwrap_or_default() + "\n";
    let pdf = pdf::render(&format!("{} — product requirements", spec.name), &plain_lines(&markdown));
    vec![
        ("prd.md".into(), "markdown", markdown.into_bytes()),
        ("prd.html".into(), "html", html.into_bytes()),
        ("prd.json".into(), "json", json.into_bytes()),
        ("prd.schema.json".into(), "json-schema", JSON_SCHEMA.as_bytes().to_vec()),
        ("prd.pdf".into(), "pdf", pdf),
    ]
}

fn markdown(spec: &Spec<'_>, gaps: &Gaps) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {} — product requirements\n", md_inline(&spec.name));
    for line in gaps.lines() {
        let _ = writeln!(md, "> **{}**\n", md_inline(&line));
    }
    if !spec.idea.is_empty() {
        let _ = writeln!(md, "## The idea\n");
        for line in spec.idea.lines() {
            let _ = writeln!(md, "> {}", md_inline(line));
        }
        md.push('\n');
    }
    if let Some(overview) = &spec.overview {
        let _ = writeln!(
            md,
            "## Overview\n\n{}\n\n*Written by the language model `{}`; the requirements below come from the decisions.*\n",
            md_inline(&overview.text),
            md_inline(&overview.model)
        );
    }
    let requirements = spec.requirements();
    let assumed = requirements.iter().filter(|r| r.assumed).count();
    let _ = writeln!(md, "## Summary\n");
    if let Some(template) = spec.template {
        let _ = writeln!(md, "- Template: {} ({})", md_inline(&template.name), template.id);
    }
    let _ = writeln!(md, "- Decisions: {} ({} assumed)", spec.decisions.len(), assumed);
    let _ = writeln!(md, "- Requirements: {}", requirements.len());
    let _ = writeln!(md, "- Open questions: {}\n", spec.open.len());

    let _ = writeln!(md, "## Requirements\n");
    for (category, group) in by_category(requirements) {
        let _ = writeln!(md, "### {}\n", md_inline(&area_name(&category)));
        for r in group {
            let mark = if r.assumed { " *(assumed)*" } else { "" };
            let _ = writeln!(md, "- **{}** {}{mark}", r.id, md_inline(&r.statement));
        }
        md.push('\n');
    }
    if !spec.entities.is_empty() {
        let _ = writeln!(md, "## Data\n");
        let _ = writeln!(md, "| entity | fields |\n| --- | --- |");
        for e in spec.entities() {
            let fields: Vec<String> = (e.fields.iter())
                .map(|f| format!("{}{}", f.name, if f.optional { " (optional)" } else { "" }))
                .collect();
            let _ = writeln!(md, "| {} | {} |", e.title(), md_inline(&fields.join(", ")));
        }
        md.push('\n');
    }
    let _ = writeln!(md, "## Assumptions\n");
    let assumptions: Vec<_> = spec.decisions.iter().filter(|d| d.decision().assumption.is_some()).collect();
    if assumptions.is_empty() {
        let _ = writeln!(md, "None: every decision was answered.\n");
    }
    for doc in &assumptions {
        let d = doc.decision();
        let _ = writeln!(
            md,
            "- `{}`: {} — {}",
            d.key,
            md_inline(&answer_text(d)),
            md_inline(d.assumption.as_deref().unwrap_or_default())
        );
    }
    if !assumptions.is_empty() {
        md.push('\n');
    }
    let _ = writeln!(md, "## Open questions\n");
    if spec.open.is_empty() {
        let _ = writeln!(md, "None.");
    }
    for q in &spec.open {
        let state = if q.deferred { " *(deferred)*" } else { "" };
        let _ = writeln!(md, "- `{}`: {}{state}", q.key, md_inline(&q.text));
    }
    md
}

/// The requirements grouped by category, in first-seen order of a stable category ranking.
pub fn by_category(requirements: &[Requirement]) -> Vec<(String, Vec<&Requirement>)> {
    let mut groups: Vec<(String, Vec<&Requirement>)> = Vec::new();
    for r in requirements {
        match groups.iter_mut().find(|(c, _)| *c == r.category) {
            Some((_, group)) => group.push(r),
            None => groups.push((r.category.clone(), vec![r])),
        }
    }
    groups.sort_by_key(|(c, _)| (category_rank(c), c.clone()));
    groups
}

pub fn category_rank(category: &str) -> usize {
    const ORDER: &[&str] =
        &["product", "users", "auth", "data", "api", "ui", "security", "compliance", "ops", "deployment"];
    ORDER.iter().position(|c| *c == category).unwrap_or(ORDER.len())
}

/// How an area (a decision category) is named in headings: `API`, `UI`, else capitalised.
pub fn area_name(category: &str) -> String {
    match category {
        "api" => "API".to_owned(),
        "ui" => "UI".to_owned(),
        other => title_case(other),
    }
}

pub fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// GFM to HTML with comrak, then sanitised: the PRD quotes what people typed.
fn html(title: &str, markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    let body = ammonia::clean(&comrak::markdown_to_html(markdown, &options));
    let title = ammonia::clean_text(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} — product requirements</title>\n\
         <style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;line-height:1.5}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .5rem}}</style>\n\
         </head>\n<body>\n{body}</body>\n</html>\n"
    )
}

fn document(spec: &Spec<'_>, gaps: &Gaps) -> Value {
    let requirements: Vec<Value> = (spec.requirements().iter())
        .map(|r| {
            json!({ "id": r.id, "key": r.key, "category": r.category, "statement": r.statement,
                    "status": if r.assumed { "assumed" } else { "accepted" } })
        })
        .collect();
    let assumptions: Vec<Value> = (spec.decisions.iter())
        .filter_map(|d| {
            let d = d.decision();
            d.assumption.as_ref().map(|why| json!({ "key": d.key, "answer": answer_text(d), "reason": why }))
        })
        .collect();
    let open: Vec<Value> =
        spec.open.iter().map(|q| json!({ "key": q.key, "question": q.text, "deferred": q.deferred })).collect();
    let entities: Vec<Value> = (spec.entities.iter())
        .map(|e| {
            let fields: Vec<Value> = (e.fields.iter())
                .map(|f| json!({ "name": f.name, "type": super::schema::type_word(&f.ty), "optional": f.optional }))
                .collect();
            json!({ "name": e.name, "fields": fields })
        })
        .collect();
    let gaps: Vec<&str> = gaps.0.iter().map(|q| q.key.as_str()).collect();
    json!({
        "project": spec.slug,
        "name": spec.name,
        "idea": spec.idea,
        "overview": spec.overview.as_ref().map(|o| json!({ "text": o.text, "model": o.model })),
        "template": spec.template.map(|t| t.id.as_str()),
        "requirements": requirements,
        "entities": entities,
        "assumptions": assumptions,
        "open_questions": open,
        "gaps": gaps,
    })
}

/// The Markdown as plain lines for the PDF: marks dropped, escapes undone.
fn plain_lines(markdown: &str) -> Vec<String> {
    (markdown.lines())
        .map(|line| {
            let line = line.trim_start_matches("> ");
            let mut out = String::with_capacity(line.len());
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.extend(chars.next()),
                    '*' | '`' => {}
                    _ => out.push(c),
                }
            }
            out
        })
        .collect()
}
