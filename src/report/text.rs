//! Text for people, shaped like rustc's diagnostics: the finding, where it is, the source
//! line, and every related place (the other side of a contradiction, the rule) with its line.

use anstyle::{AnsiColor, Style};
use spec_format::{Finding, Location, Severity, Summary};
use std::collections::HashMap;
use std::fmt::Write;

const BOLD: Style = Style::new().bold();
const BLUE: Style = AnsiColor::Blue.on_default().bold();

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        Severity::Info => AnsiColor::Cyan.on_default().bold(),
    }
}

/// What was checked, for the closing line.
pub struct Scope<'a> {
    pub sources: &'a HashMap<&'a str, &'a [u8]>,
    pub projects: usize,
    pub decisions: usize,
}

/// Renders with ANSI styles; print through `anstream` so they vanish when not on a terminal.
pub fn render(findings: &[Finding], scope: &Scope<'_>) -> String {
    let mut out = String::new();
    for f in findings {
        let style = severity_style(f.severity);
        let _ = writeln!(out, "{style}{}[{}]{style:#}{BOLD}: {}{BOLD:#}", f.severity, f.code, f.message);
        let column = f.column.map(|c| format!(":{c}")).unwrap_or_default();
        // The line that holds a secret is never printed: CI logs keep what they show.
        let quiet = Scope { sources: &HashMap::new(), ..*scope };
        let shown = if f.code == spec_format::Code::SecretInSpec { &quiet } else { scope };
        location(&mut out, "-->", &Location::new(f.path.clone(), f.line), &column, shown);
        for other in &f.related {
            location(&mut out, ":::", other, "", scope);
        }
        if let Some(help) = &f.help {
            let _ = writeln!(out, "   {BLUE}={BLUE:#} {BOLD}help{BOLD:#}: {help}");
        }
        out.push('\n');
    }
    let summary = Summary::of(findings);
    let checked = format!(
        "{} project{}, {} decision{}",
        scope.projects,
        plural(scope.projects),
        scope.decisions,
        plural(scope.decisions)
    );
    if findings.is_empty() {
        let _ = writeln!(out, "{BOLD}ok{BOLD:#}: no findings in {checked}");
    } else {
        let _ = writeln!(
            out,
            "{BOLD}checked {checked}{BOLD:#}: {} error{}, {} warning{}, {} info{}",
            summary.errors,
            plural(summary.errors),
            summary.warnings,
            plural(summary.warnings),
            summary.infos,
            plural(summary.infos)
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn location(out: &mut String, arrow: &str, at: &Location, column: &str, scope: &Scope<'_>) {
    let place = if at.line > 0 { format!("{}:{}{column}", at.path, at.line) } else { at.path.clone() };
    let note = at.message.as_ref().map(|m| format!("  {m}")).unwrap_or_default();
    let _ = writeln!(out, " {BLUE}{arrow}{BLUE:#} {place}{note}");
    if let Some(line) = source_line(scope, at) {
        let number = at.line.to_string();
        let pad = " ".repeat(number.len().max(2));
        let _ = writeln!(out, "{pad} {BLUE}|{BLUE:#}");
        let _ = writeln!(out, "{number:>width$} {BLUE}|{BLUE:#} {line}", width = pad.len());
    }
}

fn source_line(scope: &Scope<'_>, at: &Location) -> Option<String> {
    let bytes = scope.sources.get(at.path.as_str())?;
    let line = bytes.split(|b| *b == b'\n').nth(at.line.checked_sub(1)?)?;
    let text = String::from_utf8_lossy(line);
    // Control characters from a hostile file must not reach the terminal.
    let text: String =
        text.trim_end_matches('\r').chars().map(|c| if c.is_control() && c != '\t' { '\u{fffd}' } else { c }).collect();
    Some(if text.chars().count() > 160 { format!("{}…", text.chars().take(160).collect::<String>()) } else { text })
}
