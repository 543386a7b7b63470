//! What a comment asks of the bot. Only the comment's own prose counts: text in code blocks,
//! inline code, quotes and links is someone showing or citing a command, not giving one.

use crate::grammar::{self, ExportOptions, GenerateOptions, NewOptions, SpecCommand};
use comrak::nodes::NodeValue;
use comrak::{Arena, Options, parse_document};
use spec_format::ident::did_you_mean;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `/spec new <slug> [--template T] [--depth D] [--targets a,b] [--idea "..."]`, or the
    /// short form `/spec new <slug> [template] [depth]`: the CLI's `new`, same definition.
    New(NewOptions),
    Status,
    Why {
        key: String,
    },
    /// `/spec change <key> <reply>`: replace an answer.
    Change {
        key: String,
        reply: String,
    },
    Lock {
        key: String,
    },
    Generate(GenerateOptions),
    Branch,
    Merge,
    /// `/spec review` on a pull request.
    Review,
    /// `/spec export issues [--dry-run]`.
    Export(ExportOptions),
    Help,
    /// `/answer [key] <reply>`.
    Answer {
        key: Option<String>,
        reply: String,
    },
    /// Plain words, read as a reply to the open question when a writer says them.
    Reply {
        reply: String,
    },
    Skip,
    Defer,
    /// `/spec <something we do not know>`.
    Unknown {
        given: String,
        suggestion: Option<String>,
    },
    /// A known command with options it cannot take: what the parser said (or `--help`'s text).
    Invalid {
        message: String,
    },
}

impl Command {
    /// Whether the command changes the spec, and so needs write access to the repository.
    pub fn writes(&self) -> bool {
        !matches!(
            self,
            Command::Status
                | Command::Why { .. }
                | Command::Help
                | Command::Branch
                | Command::Review
                | Command::Export(ExportOptions { dry_run: true, .. })
                | Command::Unknown { .. }
                | Command::Invalid { .. }
        )
    }
}

/// The command in a comment, if any: the first line of its prose that starts with `/spec`,
/// `/answer`, `/skip` or `/defer`; else the prose itself as a plain reply (the caller decides
/// whether a question is open for it).
pub fn parse(body: &str) -> Option<Command> {
    let prose = prose(body);
    for line in prose.lines().map(str::trim) {
        let (first, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let command = match first {
            "/spec" => spec(rest.trim()),
            "/answer" => {
                let rest: Vec<&str> = rest.split_whitespace().collect();
                match rest.as_slice() {
                    [] => Command::Unknown { given: "/answer".into(), suggestion: Some("/answer <reply>".into()) },
                    [key, reply @ ..] if key.contains('.') && !reply.is_empty() => {
                        Command::Answer { key: Some((*key).to_owned()), reply: reply.join(" ") }
                    }
                    _ => Command::Answer { key: None, reply: rest.join(" ") },
                }
            }
            "/skip" => Command::Skip,
            "/defer" => Command::Defer,
            _ => continue,
        };
        return Some(command);
    }
    let reply = prose.trim();
    (!reply.is_empty()).then(|| Command::Reply { reply: reply.to_owned() })
}

/// The words after `/spec`, read by the CLI's own definitions ([`grammar`]).
fn spec(rest: &str) -> Command {
    let first = rest.split_whitespace().next().unwrap_or_default();
    let known = grammar::subcommands();
    if !first.is_empty() && !first.starts_with('-') && !known.iter().any(|k| k == first) {
        return Command::Unknown {
            given: format!("/spec {first}"),
            suggestion: did_you_mean(first, known.iter().map(String::as_str)).map(|s| format!("/spec {s}")),
        };
    }
    match grammar::parse_spec(rest) {
        Ok(SpecCommand::New(options)) => Command::New(options),
        Ok(SpecCommand::Status) => Command::Status,
        Ok(SpecCommand::Why(d)) => Command::Why { key: d.key },
        Ok(SpecCommand::Change(c)) => Command::Change { reply: c.reply(), key: c.key },
        Ok(SpecCommand::Lock(d)) => Command::Lock { key: d.key },
        Ok(SpecCommand::Generate(options)) => Command::Generate(options),
        Ok(SpecCommand::Branch) => Command::Branch,
        Ok(SpecCommand::Merge) => Command::Merge,
        Ok(SpecCommand::Review) => Command::Review,
        Ok(SpecCommand::Export(options)) => Command::Export(options),
        Ok(SpecCommand::Help) => Command::Help,
        Err(message) => Command::Invalid { message },
    }
}

/// The comment's own words: paragraphs and headings, without code, quotes, links or HTML.
fn prose(body: &str) -> String {
    let arena = Arena::new();
    let root = parse_document(&arena, body, &Options::default());
    let mut out = String::new();
    for node in root.descendants() {
        let inside = |kinds: fn(&NodeValue) -> bool| node.ancestors().skip(1).any(|a| kinds(&a.data.borrow().value));
        match &node.data.borrow().value {
            NodeValue::Text(text)
                if !inside(|v| matches!(v, NodeValue::BlockQuote | NodeValue::Link(_) | NodeValue::Image(_))) =>
            {
                out.push_str(text)
            }
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push('\n'),
            NodeValue::Paragraph | NodeValue::Heading(_) if !out.is_empty() && !out.ends_with('\n') => out.push('\n'),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(reply: &str) -> Option<Command> {
        Some(Command::Reply { reply: reply.into() })
    }

    fn new(line: &str) -> NewOptions {
        match parse(line) {
            Some(Command::New(options)) => options,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn commands_and_replies_are_read_from_prose() {
        let short = new("/spec new tracker saas-web quick");
        assert_eq!(short.slug, "tracker");
        assert_eq!(short.template_and_depth(), Ok(("saas-web".into(), spec_format::model::Depth::Quick)));
        let flags = new("Let's go.\n\n/spec new clinic --template holdout-clinic --depth standard --targets prd");
        assert_eq!(flags.template.as_deref(), Some("holdout-clinic"));
        assert_eq!(flags.targets, ["prd"]);
        assert_eq!(parse("2"), answer("2"));
        assert_eq!(parse("  other: magic links  "), answer("other: magic links"));
        assert_eq!(
            parse("/answer auth.signup invite"),
            Some(Command::Answer { key: Some("auth.signup".into()), reply: "invite".into() })
        );
        assert_eq!(parse("/skip"), Some(Command::Skip));
        assert_eq!(parse("/spec"), Some(Command::Help));
        assert_eq!(
            parse("/spec change auth.signup 3"),
            Some(Command::Change { key: "auth.signup".into(), reply: "3".into() })
        );
    }

    #[test]
    fn a_bad_flag_is_explained_not_run() {
        let Some(Command::Invalid { message }) = parse("/spec new clinic --tempalte x") else { panic!() };
        assert!(message.contains("--template"), "{message}");
        assert!(!parse("/spec new clinic --tempalte x").unwrap().writes());
    }

    #[test]
    fn code_quotes_and_links_are_not_commands() {
        assert_eq!(parse("Run `/spec merge` when ready"), answer("Run  when ready"));
        assert_eq!(parse("```\n/spec merge\n```"), None);
        assert_eq!(parse("    /spec merge"), None);
        assert_eq!(parse("> /spec merge\n\nI agree"), answer("I agree"));
        assert_eq!(parse("[/spec merge](https://example.com)"), None);
    }

    #[test]
    fn unknown_subcommands_get_a_suggestion() {
        assert_eq!(
            parse("/spec stauts"),
            Some(Command::Unknown { given: "/spec stauts".into(), suggestion: Some("/spec status".into()) })
        );
        assert!(!parse("/spec stauts").unwrap().writes());
        assert!(parse("2").unwrap().writes());
    }
}
