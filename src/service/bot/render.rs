//! The bot's comments, in GitHub Markdown. Text from users and decision files is put in code
//! spans or escaped, so nothing in it can become a mention, a link or markup.

use crate::engine::NextQuestion;
use crate::engine::plan::{Recommendation, TargetProgress};
use spec_format::Finding;
use spec_format::model::Answer;

pub use crate::report::escape_markdown as escape;

/// `text` shown as it is, in a fenced block longer than any run of backticks inside it; an HTML
/// comment opener is broken so that nothing in it can pass for one of our markers.
pub fn code_block(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}text\n{}\n{fence}", crate::report::break_comment_openers(text).replace('@', "@\u{200d}"))
}

/// A question, with why it matters, the numbered options and the recommended one.
pub fn question(slug: &str, q: &NextQuestion, remaining: usize) -> String {
    let mut out = format!("**{}** · `{}` · {} to go\n\n### {}\n\n", escape(slug), q.key, remaining, escape(q.text));
    if let Some(why) = q.why {
        out.push_str(&format!("> **Why it matters:** {}\n\n", escape(why)));
    }
    for option in &q.options {
        let recommended = q.recommended.as_ref().is_some_and(|r| r.chooses(option.id));
        let mark = match &option.contradicts {
            Some(why) => format!(" — ~~contradicts~~: {}", escape(why)),
            None if recommended => " — **recommended**".to_owned(),
            None => String::new(),
        };
        out.push_str(&format!("{}. {} (`{}`){mark}\n", option.number, escape(option.label), option.id));
    }
    if let Some(Recommendation { answer: Answer::Form(fields), .. }) = &q.recommended {
        out.push_str("| field | recommended |\n|---|---|\n");
        for (field, value) in fields {
            out.push_str(&format!("| `{}` | {} |\n", escape(field), escape(&value.to_string())));
        }
    }
    if let Some(because) = q.recommended.as_ref().and_then(|r| r.because.as_deref()) {
        out.push_str(&format!("\n_Recommended because:_ {}\n", escape(because)));
    } else if let Some(reason) = q.recommended.as_ref().and_then(|r| r.reason) {
        out.push_str(&format!("\n_Recommended because:_ {}\n", escape(reason)));
    }
    let how = match q.format {
        "multi" => "Reply with one or more numbers (`1,3`)",
        "single" => "Reply with a number (`2`) or an option id",
        "form" => "Reply with YAML fields (`name: value`)",
        _ => "Reply with your answer",
    };
    let other = if q.allow_other { ", `other: <your answer>`" } else { "" };
    out.push_str(&format!("\n{how}{other}, `/skip` to take the default, or `/defer` to decide later.\n"));
    out
}

/// Where the project stands per target.
pub fn status(slug: &str, progress: &[TargetProgress], decided: usize, next: Option<&str>) -> String {
    let mut out =
        format!("**{}**: {decided} decisions.\n\n| target | decided | blocked by |\n|---|---|---|\n", escape(slug));
    for target in progress {
        let blockers: Vec<String> = target.blockers.iter().take(5).map(|k| format!("`{k}`")).collect();
        out.push_str(&format!(
            "| {} | {}/{} | {} |\n",
            target.target,
            target.decided,
            target.needed,
            blockers.join(", ")
        ));
    }
    match next {
        Some(key) => out.push_str(&format!("\nNext question: `{key}`.\n")),
        None => out.push_str("\nEvery question is decided. `/spec merge` opens the pull request.\n"),
    }
    out
}

/// A contradiction: the refused answer and each decision it contradicts, side by side.
pub fn contradiction(key: &str, findings: &[Finding], proposed: &str) -> String {
    let intro = format!("This answer to `{key}` contradicts earlier decisions, so nothing was committed.");
    format!("{intro}\n\n{}", side_by_side(findings, proposed))
}

/// The answer and each decision it contradicts, as a table, with what to do.
pub fn side_by_side(findings: &[Finding], proposed: &str) -> String {
    let mut out = String::from("| your answer | contradicts |\n|---|---|\n");
    for finding in findings.iter().filter(|f| f.severity == spec_format::Severity::Error) {
        let theirs: Vec<String> = (finding.related.iter())
            .map(|r| {
                let what = r.message.as_deref().map(escape).unwrap_or_default();
                format!("`{}:{}` {what}", r.path, r.line)
            })
            .collect();
        out.push_str(&format!(
            "| `{}` — {} | {} |\n",
            escape_cell(proposed),
            escape(&finding.message),
            theirs.join("<br>")
        ));
    }
    out.push_str("\nReply with another answer, or change the other decision first (`/spec change <key> <reply>`).\n");
    out
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('`', "'").replace('\n', " ")
}

pub const HELP: &str = "**Spec Builder** turns answers into a versioned specification on a `spec/<slug>` branch.\n\n\
| command | what |\n|---|---|\n\
| `/spec new <slug> [--template T] [--depth quick\\|standard\\|thorough] [--targets a,b] [--idea \"...\"]` | start a project, with the CLI's own options (or `/spec new <slug> [template] [depth]`); the repository's templates in `.specbuilder/templates/` count |\n\
| a number, an option id, `1,3`, `other: text`, `field: value` | answer the open question (several options where it takes several; the fields of a form) |\n\
| `/answer [key] <reply>` | answer explicitly |\n\
| `/skip`, `/defer` | take the recommended default, or decide later |\n\
| `/spec status` | progress per artifact |\n\
| `/spec why <key>` | the decision, who made it and why |\n\
| `/spec change <key> <reply>` | replace an answer |\n\
| `/spec lock <key>` | from now on, change it only through a pull request |\n\
| `/spec generate [targets] [--partial]` | generate artifacts onto the branch |\n\
| `/spec branch` | where the spec lives |\n\
| `/spec merge` | open the pull request |\n\
| `/spec review` | on a pull request: what it means for the spec, as its review comment |\n\
| `/spec export issues [--dry-run]` | the project's tickets as this repository's issues; again: updates, never duplicates |\n\
| `/spec help`, `/spec <command> --help` | this; a command's options |\n\n\
Answering and changing need write access to the repository. Commands in code blocks, quotes and links are ignored.\n";
