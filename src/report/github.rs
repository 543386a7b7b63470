//! GitHub Actions: workflow commands that become annotations on the pull request, and a job
//! summary in Markdown. GitHub shows at most 10 annotations of each kind per step (50 per job),
//! so the most important come first and the summary holds every finding.

use spec_format::{Finding, Severity, Summary};

/// Annotations GitHub shows per kind in one step.
const SHOWN_PER_KIND: usize = 10;
/// `$GITHUB_STEP_SUMMARY` holds at most 1 MiB; a little is left for the closing note.
const SUMMARY_BYTES: usize = 1024 * 1024 - 512;

/// `::error file=…,line=…,title=…::message` lines: errors first, then warnings, then notices,
/// at most ten of each, and a line saying how many more the summary lists.
pub fn annotations(findings: &[Finding]) -> String {
    let mut out = String::new();
    for (severity, command) in [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Info, "notice")]
    {
        let of_kind: Vec<&Finding> = findings.iter().filter(|f| f.severity == severity).collect();
        for f in of_kind.iter().take(SHOWN_PER_KIND) {
            let mut properties = vec![format!("file={}", property(&f.path))];
            if f.line > 0 {
                properties.push(format!("line={}", f.line));
                if let Some(column) = f.column.filter(|c| *c > 0) {
                    properties.push(format!("col={column}"));
                }
            }
            properties.push(format!("title={}", property(&format!("{} {}", f.code.as_str(), f.code.name()))));
            out.push_str(&format!("::{command} {}::{}\n", properties.join(","), data(&message(f))));
        }
        if of_kind.len() > SHOWN_PER_KIND {
            let more = of_kind.len() - SHOWN_PER_KIND;
            out.push_str(&format!("{more} more {command}s are listed in the job summary\n"));
        }
    }
    out
}

/// Step outputs for `$GITHUB_OUTPUT`: how many findings of each kind.
pub fn outputs(findings: &[Finding]) -> String {
    let Summary { errors, warnings, infos } = Summary::of(findings);
    format!("errors={errors}\nwarnings={warnings}\nnotices={infos}\n")
}

/// The job summary: the counts, then every finding as a table row, within GitHub's 1 MiB.
pub fn summary(findings: &[Finding]) -> String {
    let Summary { errors, warnings, infos } = Summary::of(findings);
    let mut out = format!("## Spec Builder\n\n{errors} errors, {warnings} warnings, {infos} notes\n\n");
    if findings.is_empty() {
        out.push_str("Every spec file checked clean.\n");
        return out;
    }
    out.push_str("| | code | where | finding |\n| --- | --- | --- | --- |\n");
    for (i, f) in findings.iter().enumerate() {
        let mark = match f.severity {
            Severity::Error => "❌",
            Severity::Warning => "⚠️",
            Severity::Info => "ℹ️",
        };
        let place = if f.line > 0 { format!("{}:{}", f.path, f.line) } else { f.path.clone() };
        let row = format!("| {mark} | {} | `{}` | {} |\n", f.code.as_str(), cell(&place), cell(&message(f)));
        if out.len() + row.len() > SUMMARY_BYTES {
            out.push_str(&format!(
                "\n{} more findings are not shown: `specbuilder check` lists them all.\n",
                findings.len() - i
            ));
            break;
        }
        out.push_str(&row);
    }
    out
}

fn message(f: &Finding) -> String {
    match &f.help {
        Some(help) => format!("{} ({help})", f.message),
        None => f.message.clone(),
    }
}

/// A workflow command's message: `%`, CR and LF escaped, as the runner reads them.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`, which end it.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A Markdown table cell: one line, no column break, no HTML.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use spec_format::Code;

    #[test]
    fn annotations_escape_what_would_end_a_command_and_put_errors_first() {
        let mut findings = vec![Finding::new(Code::RuleViolation, "specs/a,b.md", 3, "x: 100%\nsecond line")];
        findings.insert(0, Finding::new(Code::IgnoredFile, "specs/note.md", 0, "just a note"));
        findings[0].severity = Severity::Info;
        let out = annotations(&findings);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("::error file=specs/a%2Cb.md,line=3,title=SB"), "{out}");
        assert!(lines[0].ends_with("::x: 100%25%0Asecond line"), "{out}");
        assert_eq!(
            lines[1],
            format!(
                "::notice file=specs/note.md,title={}::just a note",
                property(&format!("{} {}", Code::IgnoredFile.as_str(), Code::IgnoredFile.name()))
            )
        );
    }

    #[test]
    fn ten_of_each_kind_are_annotated_and_the_summary_lists_all() {
        let findings: Vec<Finding> = (1..=25)
            .map(|i| Finding::new(Code::RuleViolation, "specs/p/rules.yaml", i, format!("clash {i}")))
            .collect();
        let out = annotations(&findings);
        assert_eq!(out.lines().filter(|l| l.starts_with("::error ")).count(), 10);
        assert!(out.contains("15 more errors are listed in the job summary"), "{out}");
        let summary = summary(&findings);
        assert!(summary.contains("25 errors") && summary.contains("clash 25"), "{summary}");
    }

    #[test]
    fn the_summary_stays_under_a_mebibyte() {
        let long = "y".repeat(2_000);
        let findings: Vec<Finding> =
            (1..=2_000).map(|i| Finding::new(Code::RuleViolation, "specs/p/x.md", i, long.clone())).collect();
        let summary = summary(&findings);
        assert!(summary.len() <= 1024 * 1024, "{}", summary.len());
        assert!(summary.contains("more findings are not shown"));
    }
}
