//! An analysis for people: a text summary, the C4 diagrams in Mermaid, and architecture.md.

use super::Analysis;
use std::collections::BTreeSet;
use std::fmt::Write;

/// How many components the diagrams show; the rest are summed up in the text.
const SHOWN: usize = 15;

fn id(name: &str) -> String {
    let id: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("c_{id}")
}

fn quote(text: &str) -> String {
    text.replace('"', "'")
}

/// A title for the system: the analysed folder's name.
pub fn system_name(dir: &std::path::Path) -> String {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    absolute.file_name().map_or("the system".into(), |n| n.to_string_lossy().into_owned())
}

/// The top components and their dependencies, as a C4 component diagram.
pub fn c4_components(analysis: &Analysis, system: &str) -> String {
    let mut out = format!("C4Component\n    title Components of {}\n", quote(system));
    let shown: BTreeSet<&str> = analysis.components.iter().take(SHOWN).map(|c| c.name.as_str()).collect();
    let _ = writeln!(out, "    Container_Boundary(code, \"{}\") {{", quote(system));
    for component in analysis.components.iter().take(SHOWN) {
        let description = format!("{} files, {} lines", component.files, component.loc);
        let _ = writeln!(
            out,
            "        Component({}, \"{}\", \"Module\", \"{description}\")",
            id(&component.name),
            quote(&component.name)
        );
    }
    let _ = writeln!(out, "    }}");
    for component in analysis.components.iter().filter(|c| shown.contains(c.name.as_str())) {
        for used in component.uses.iter().filter(|u| shown.contains(u.as_str())) {
            let _ = writeln!(out, "    Rel({}, {}, \"Uses\")", id(&component.name), id(used));
        }
    }
    out
}

/// The deployables, as a C4 container diagram.
pub fn c4_containers(analysis: &Analysis, system: &str) -> String {
    let mut out = format!("C4Container\n    title Containers of {}\n", quote(system));
    let _ = writeln!(out, "    System_Boundary(system, \"{}\") {{", quote(system));
    if analysis.containers.is_empty() {
        let _ = writeln!(
            out,
            "        Container(app, \"{}\", \"Application\", \"No deployment descriptor found\")",
            quote(system)
        );
    }
    let mut seen = BTreeSet::new();
    for container in &analysis.containers {
        if seen.insert(container.name.as_str()) {
            let _ = writeln!(
                out,
                "        Container({}, \"{}\", \"{}\", \"{}\")",
                id(&container.name),
                quote(&container.name),
                quote(&container.kind),
                quote(&container.path)
            );
        }
    }
    let _ = writeln!(out, "    }}");
    out
}

/// A text summary for the terminal.
pub fn text(analysis: &Analysis) -> String {
    let mut out = String::new();
    for (language, totals) in &analysis.languages {
        let _ = writeln!(out, "{language}: {} files, {} lines", totals.files, totals.loc);
    }
    let _ = writeln!(out, "{} dependencies between files", analysis.edges.len());
    let packages: BTreeSet<&str> = analysis.external.iter().map(|e| e.package.as_str()).collect();
    let _ = writeln!(
        out,
        "external packages ({}): {}",
        packages.len(),
        packages.into_iter().collect::<Vec<_>>().join(", ")
    );
    for entry in &analysis.entry_points {
        let name = entry.name.as_deref().map(|n| format!(": {n}")).unwrap_or_default();
        let _ = writeln!(out, "entry point: {} ({}{name})", entry.path, entry.kind);
    }
    for container in &analysis.containers {
        let _ = writeln!(out, "deployable: {} ({}, {})", container.name, container.kind, container.path);
    }
    let covered: BTreeSet<&str> = analysis.tests.iter().flat_map(|t| t.covers.iter().map(String::as_str)).collect();
    let _ = writeln!(out, "{} test files, importing {} code files directly", analysis.tests.len(), covered.len());
    let _ = writeln!(out, "main modules:");
    for component in analysis.components.iter().take(10) {
        let _ = writeln!(
            out,
            "  {:<24} {:>5} files {:>8} lines  rank {:.3}",
            component.name, component.files, component.loc, component.rank
        );
    }
    if analysis.components.len() > 10 {
        let _ = writeln!(out, "  ... and {} more", analysis.components.len() - 10);
    }
    if analysis.stats.skipped > 0 {
        let skipped = analysis.stats.skipped;
        let files = if skipped == 1 { "file" } else { "files" };
        let _ = writeln!(out, "info: {skipped} {files} not read as code (minified, generated or not UTF-8)");
    }
    if !analysis.parse_errors.is_empty() {
        let _ = writeln!(
            out,
            "info: {} files parsed with syntax errors (read anyway): {}",
            analysis.parse_errors.len(),
            analysis.parse_errors.join(", ")
        );
    }
    out
}

/// architecture.md: the summary with both diagrams.
pub fn markdown(analysis: &Analysis, system: &str) -> String {
    let mut out = format!("# Architecture of {system} as found in the code\n\n");
    out.push_str("Generated by `specbuilder analyze`; regenerate rather than edit.\n\n## Summary\n\n```text\n");
    out.push_str(&text(analysis));
    out.push_str("```\n\n## Containers\n\n```mermaid\n");
    out.push_str(&c4_containers(analysis, system));
    out.push_str("```\n\n## Components\n\n```mermaid\n");
    out.push_str(&c4_components(analysis, system));
    out.push_str("```\n");
    out
}
