//! The PRD: Markdown first; HTML, JSON and PDF are other views of the same content.

use super::spec::{Requirement, Spec, answer_text};
use super::{Gaps, md_inline, pdf};
use serde_json::{Value, json};
use spec_format::model::implies::Priority;
use std::fmt::Write;

pub const JSON_SCHEMA: &str = include_str!("prd.schema.json");

pub fn generate(spec: &Spec<'_>, gaps: &Gaps) -> Vec<(String, &'static str, Vec<u8>)> {
    let markdown = markdown(spec, gaps);
    let json = serde_json::to_string_pretty(&document(spec, gaps)).unwrap_or_default() + "\n";
    // The HTML and the PDF are two views of the Markdown, made side by side (each parses it:
    // comrak's tree cannot cross threads).
    let (name, title) = (spec.name.as_str(), format!("{} — product requirements", spec.name));
    let (html, pdf) = rayon::join(
        || {
            let (arena, options) = (comrak::Arena::new(), markdown_options());
            html(name, comrak::parse_document(&arena, &markdown, &options), &options).into_bytes()
        },
        || {
            let (arena, options) = (comrak::Arena::new(), markdown_options());
            pdf::render(&title, comrak::parse_document(&arena, &markdown, &options))
        },
    );
    vec![
        ("prd.md".into(), "markdown", markdown.into_bytes()),
        ("prd.html".into(), "html", html),
        ("prd.json".into(), "json", json.into_bytes()),
        ("prd.schema.json".into(), "json-schema", JSON_SCHEMA.as_bytes().to_vec()),
        ("prd.pdf".into(), "pdf", pdf),
    ]
}

fn markdown(spec: &Spec<'_>, gaps: &Gaps) -> String {
    let mut md = String::new();
    let implied = spec.implied();
    let requirements = spec.requirements();
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
    let assumed = requirements.iter().filter(|r| r.assumed).count();
    let _ = writeln!(md, "## Summary\n");
    if let Some(template) = spec.template {
        let _ = writeln!(md, "- Template: {} ({})", md_inline(&template.name), template.id);
    }
    let _ = writeln!(
        md,
        "- Decisions: {} ({} assumed)",
        spec.decisions.len(),
        spec.decisions.iter().filter(|d| d.decision().assumption.is_some()).count()
    );
    let _ = writeln!(md, "- User stories: {}", implied.stories.len());
    let _ = writeln!(md, "- Functional requirements: {} ({assumed} from assumptions)", requirements.len());
    let _ = writeln!(md, "- Non-functional requirements: {}", implied.nfrs.len());
    let _ = writeln!(
        md,
        "- API operations: {}, tables: {}, screens: {}",
        implied.operations.len(),
        implied.tables.len() + spec.entities.len(),
        implied.screens.len()
    );
    let _ = writeln!(md, "- Open questions: {}\n", spec.open.len());

    users(&mut md, spec);
    goals(&mut md, spec);
    stories(&mut md, spec);

    let _ = writeln!(md, "## Functional requirements\n");
    let _ = writeln!(md, "Each requirement is an EARS statement; its id is traced by tickets and acceptance tests.\n");
    for (category, group) in by_category(requirements) {
        let _ = writeln!(md, "### {}\n", md_inline(&area_name(&category)));
        for r in group {
            let mark = if r.assumed { " *(assumed)*" } else { "" };
            let _ = writeln!(md, "- **{}** {}{mark}", r.id, md_inline(&r.statement));
        }
        md.push('\n');
    }
    if !implied.nfrs.is_empty() {
        let _ = writeln!(md, "## Non-functional requirements\n");
        for n in &implied.nfrs {
            let _ = writeln!(md, "- **{}** {}", n.id, md_inline(&n.text));
        }
        md.push('\n');
    }
    entities(&mut md, spec);
    edge_cases(&mut md, requirements);
    capabilities(&mut md, spec);

    let _ = writeln!(md, "## Assumptions\n");
    let assumptions: Vec<_> = spec.decisions.iter().filter(|d| d.decision().assumption.is_some()).collect();
    if assumptions.is_empty() {
        let _ = writeln!(md, "None: every decision was answered.\n");
    }
    for doc in &assumptions {
        let d = doc.decision();
        let _ = writeln!(
            md,
            "- *(assumed)* `{}`: {} — {}",
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
        let _ = writeln!(md, "None.\n");
    }
    for q in &spec.open {
        let state = if q.deferred { " *(deferred)*" } else { "" };
        let _ = writeln!(md, "- `{}`: {}{state}", q.key, md_inline(&q.text));
    }
    if !spec.open.is_empty() {
        md.push('\n');
    }
    success(&mut md, spec);
    md
}

/// Who it is for: the audience and the roles, with what each role may not do.
fn users(md: &mut String, spec: &Spec<'_>) {
    let people: Vec<_> = (spec.decisions.iter().map(|d| d.decision()))
        .filter(|d| {
            d.category.as_deref() == Some("users") || d.key.ends_with(".audience") || d.key.ends_with(".consumers")
        })
        .collect();
    let roles = spec.roles();
    if people.is_empty() && roles.len() < 2 {
        return;
    }
    let _ = writeln!(md, "## Users\n");
    for d in people {
        let _ = writeln!(md, "- {}: {}", md_inline(d.question.trim_end_matches('?')), md_inline(&answer_text(d)));
    }
    if roles.len() > 1 {
        let _ = writeln!(md, "\n| role | may not call |\n| --- | --- |");
        for role in &roles {
            let denied: Vec<String> = (spec.implied.operations.iter())
                .filter(|o| o.denied.contains(role))
                .map(|o| format!("`{}`", o.id))
                .collect();
            let denied = if denied.is_empty() { "—".to_owned() } else { denied.join(", ") };
            let _ = writeln!(md, "| {} | {denied} |", md_inline(role));
        }
    }
    md.push('\n');
}

/// Goals are the P1 and P2 stories; non-goals what this release leaves out.
fn goals(md: &mut String, spec: &Spec<'_>) {
    let stories = &spec.implied.stories;
    if stories.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Goals and non-goals\n");
    if let Some(scope) = spec.decisions.iter().map(|d| d.decision()).find(|d| d.key.ends_with("launch_scope")) {
        let _ = writeln!(md, "The first release: {}.\n", md_inline(answer_text(scope).trim_end_matches('.')));
    }
    let _ = writeln!(md, "Goals:\n");
    for s in stories.iter().filter(|s| s.priority != Priority::P3) {
        let _ = writeln!(md, "- {} ({}, {})", md_inline(&s.title), s.id, s.priority.as_str());
    }
    let _ = writeln!(md, "\nNon-goals for this release:\n");
    let later: Vec<_> = stories.iter().filter(|s| s.priority == Priority::P3).collect();
    for s in &later {
        let _ = writeln!(
            md,
            "- Not before the P1 and P2 stories ship: {} ({}, P3)",
            md_inline(&lower_first(&s.title)),
            s.id
        );
    }
    for q in spec.open.iter().filter(|q| q.deferred) {
        let _ = writeln!(md, "- Whatever `{}` would decide: deferred", q.key);
    }
    if later.is_empty() && !spec.open.iter().any(|q| q.deferred) {
        let _ = writeln!(md, "- Anything no requirement below states: the requirements are the whole scope.");
    }
    md.push('\n');
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_lowercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// The stories by priority, each with the test that proves it on its own.
fn stories(md: &mut String, spec: &Spec<'_>) {
    if spec.implied.stories.is_empty() {
        return;
    }
    let _ = writeln!(md, "## User stories\n");
    for s in &spec.implied.stories {
        let _ = writeln!(md, "### {} — {} ({})\n", s.id, md_inline(&s.title), s.priority.as_str());
        let _ = writeln!(md, "{}\n", md_inline(&s.text));
        let reqs: Vec<&super::spec::Requirement> =
            s.requirements.iter().filter_map(|id| spec.requirements.iter().find(|r| &r.id == id)).collect();
        if let Some(test) = reqs.iter().flat_map(|r| &r.scenarios).next() {
            let _ = writeln!(md, "**Independent test:** {}\n", md_inline(&test.name));
        }
        let _ = writeln!(md, "Acceptance scenarios:\n");
        let mut n = 0;
        for r in &reqs {
            for sc in &r.scenarios {
                n += 1;
                let _ = writeln!(md, "{n}. **{}** ({})", md_inline(&sc.name), r.id);
                for (word, steps) in [("Given", &sc.given), ("When", &sc.when), ("Then", &sc.then)] {
                    for (i, step) in steps.iter().enumerate() {
                        let word = if i == 0 { word } else { "And" };
                        let _ = writeln!(md, "   - *{word}* {}", md_inline(step));
                    }
                }
            }
        }
        md.push('\n');
    }
}

/// The user's entities and the tables the decisions add.
fn entities(md: &mut String, spec: &Spec<'_>) {
    if spec.entities.is_empty() && spec.implied.tables.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Key entities\n");
    let _ = writeln!(md, "| entity | fields | why |\n| --- | --- | --- |");
    for e in spec.entities() {
        let fields: Vec<String> =
            (e.fields.iter()).map(|f| format!("{}{}", f.name, if f.optional { " (optional)" } else { "" })).collect();
        let _ = writeln!(md, "| {} | {} | named in `data.entities` |", e.title(), md_inline(&fields.join(", ")));
    }
    for t in &spec.implied.tables {
        let fields: Vec<String> =
            t.columns.iter().map(|c| format!("{}{}", c.name, if c.optional { " (optional)" } else { "" })).collect();
        let _ = writeln!(
            md,
            "| `{}` | {} | {} (`{}`) |",
            t.name,
            md_inline(&fields.join(", ")),
            md_inline(&t.purpose),
            t.origin.key
        );
    }
    md.push('\n');
}

fn edge_cases(md: &mut String, requirements: &[super::spec::Requirement]) {
    let cases: Vec<_> = requirements.iter().flat_map(|r| r.edge_cases.iter().map(move |c| (r, c))).collect();
    if cases.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Edge cases\n");
    for (r, c) in cases {
        let _ = writeln!(md, "- **{}** ({}): {}", md_inline(&c.name), r.id, md_inline(&c.then.join("; ")));
    }
    md.push('\n');
}

/// What must be built, by kind: operations, screens, jobs, notifications, configuration.
fn capabilities(md: &mut String, spec: &Spec<'_>) {
    let implied = &spec.implied;
    if !implied.operations.is_empty() {
        let _ = writeln!(md, "## API operations\n");
        let _ = writeln!(md, "| operation | method and path | what | who | from |\n| --- | --- | --- | --- | --- |");
        for o in &implied.operations {
            let who = if o.public {
                "anyone".to_owned()
            } else if o.roles.is_empty() {
                "any signed-in member".to_owned()
            } else {
                o.roles.join(", ")
            };
            let _ = writeln!(
                md,
                "| `{}` | `{} {}` | {} | {} | `{}` |",
                o.id,
                o.method,
                o.path,
                md_inline(&o.summary),
                md_inline(&who),
                o.origin.key
            );
        }
        md.push('\n');
    }
    let lists: [(&str, &str, &Vec<super::implied::Item>); 4] = [
        ("Screens", "route", &implied.screens),
        ("Background jobs", "job", &implied.jobs),
        ("Notifications", "notification", &implied.notifications),
        ("Configuration", "setting", &implied.config),
    ];
    for (title, what, items) in lists {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(md, "## {title}\n");
        let _ = writeln!(md, "| {what} | | purpose | from |\n| --- | --- | --- | --- |");
        for i in items {
            let detail = if i.secret { format!("{} (secret)", i.detail).trim().to_owned() } else { i.detail.clone() };
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | `{}` |",
                md_inline(&i.name),
                md_inline(&detail),
                md_inline(&i.purpose),
                i.origin.key
            );
        }
        md.push('\n');
    }
}

/// Measurable success: every P1 scenario passes, and the numbers the NFRs set hold.
fn success(md: &mut String, spec: &Spec<'_>) {
    let scenarios: usize = spec.requirements.iter().map(|r| r.scenarios.len() + r.edge_cases.len()).sum();
    let p1: Vec<&str> =
        spec.implied.stories.iter().filter(|s| s.priority == Priority::P1).map(|s| s.id.as_str()).collect();
    let _ = writeln!(md, "## Success criteria\n");
    if scenarios > 0 {
        let _ = writeln!(
            md,
            "- SC-1: all {scenarios} acceptance scenarios in `features/` pass in CI on the release commit."
        );
    }
    if !p1.is_empty() {
        let _ = writeln!(
            md,
            "- SC-2: each P1 story ({}) passes its independent test in staging before launch.",
            p1.join(", ")
        );
    }
    let nfrs = spec.implied.nfrs.len();
    if nfrs > 0 {
        let _ = writeln!(
            md,
            "- SC-3: each of the {nfrs} non-functional requirements above (NFR-…) holds in production for 30 consecutive days, as the checks of the polish phase measure it."
        );
    }
    if scenarios == 0 && p1.is_empty() && spec.implied.nfrs.is_empty() {
        let _ = writeln!(md, "- SC-1: every requirement above has a passing acceptance test.");
    }
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

/// GitHub-flavoured Markdown as the PRD is written.
fn markdown_options() -> comrak::Options<'static> {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options
}

/// GFM to HTML with comrak, then sanitised: the PRD quotes what people typed.
fn html<'a>(title: &str, root: &'a comrak::nodes::AstNode<'a>, options: &comrak::Options) -> String {
    let mut raw = String::new();
    // Formatting into a String cannot fail.
    let _ = comrak::format_html(root, options, &mut raw);
    let body = ammonia::clean(&raw);
    let title = ammonia::clean_text(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} — product requirements</title>\n\
         <style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;line-height:1.5}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .5rem}}</style>\n\
         </head>\n<body>\n{body}</body>\n</html>\n"
    )
}

fn document(spec: &Spec<'_>, gaps: &Gaps) -> Value {
    let scenario = |s: &spec_format::model::implies::Scenario| json!({ "name": s.name, "given": s.given, "when": s.when, "then": s.then });
    let implied = spec.implied();
    let requirements: Vec<Value> = (spec.requirements().iter())
        .map(|r| {
            json!({ "id": r.id, "key": r.key, "category": r.category, "statement": r.statement,
                    "ears": spec_format::words::ears(&r.statement).ok().map(|e| e.as_str()),
                    "status": if r.assumed { "assumed" } else { "accepted" },
                    "story": r.story.map(|i| implied.stories[i].id.clone()),
                    "scenarios": r.scenarios.iter().map(scenario).collect::<Vec<_>>(),
                    "edge_cases": r.edge_cases.iter().map(scenario).collect::<Vec<_>>() })
        })
        .collect();
    let stories: Vec<Value> = (implied.stories.iter())
        .map(|s| json!({ "id": s.id, "key": s.key, "title": s.title, "story": s.text, "priority": s.priority.as_str(), "requirements": s.requirements }))
        .collect();
    let nfrs: Vec<Value> =
        implied.nfrs.iter().map(|n| json!({ "id": n.id, "key": n.key, "statement": n.text })).collect();
    let operations: Vec<Value> = (implied.operations.iter())
        .map(|o| json!({ "id": o.id, "graphql": o.graphql_name(&spec.entities), "rpc": super::entities::pascal(&o.id),
                         "method": o.method.as_str(), "path": o.path, "summary": o.summary,
                         "roles": o.roles, "public": o.public, "key": o.origin.key, "requirements": o.origin.requirements }))
        .collect();
    let items = |items: &[super::implied::Item]| -> Vec<Value> {
        items
            .iter()
            .map(|i| json!({ "name": i.name, "detail": i.detail, "purpose": i.purpose, "key": i.origin.key }))
            .collect()
    };
    let tables: Vec<Value> = (implied.tables.iter())
        .map(|t| {
            json!({ "name": t.name, "purpose": t.purpose, "key": t.origin.key,
                         "columns": t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>() })
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
        "stories": stories,
        "requirements": requirements,
        "nfrs": nfrs,
        "entities": entities,
        "tables": tables,
        "operations": operations,
        "screens": items(&implied.screens),
        "jobs": items(&implied.jobs),
        "notifications": items(&implied.notifications),
        "config": items(&implied.config),
        "assumptions": assumptions,
        "open_questions": open,
        "gaps": gaps,
    })
}
