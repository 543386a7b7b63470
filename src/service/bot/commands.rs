//! What a comment asks of the bot. Only the comment's own prose counts: text in code blocks,
//! inline code, quotes and links is someone showing or citing a command, not giving one.

use comrak::nodes::NodeValue;
use comrak::{Arena, Options, parse_document};
use spec_format::ident::did_you_mean;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `/spec new <slug> [template] [quick|standard|thorough]`
    New {
        slug: String,
        template: Option<String>,
        depth: Option<String>,
    },
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
    Generate {
        targets: Vec<String>,
    },
    Branch,
    Merge,
    Help,
    /// `/answer [key] <reply>`, or a plain reply to the open question.
    Answer {
        key: Option<String>,
        reply: String,
    },
    Skip,
    Defer,
    /// `/spec <something we do not know>`.
    Unknown {
        given: String,
        suggestion: Option<String>,
    },
}

const SUBCOMMANDS: &[&str] = &["new", "status", "why", "change", "lock", "generate", "branch", "merge", "help"];
const DEPTHS: &[&str] = &["quick", "standard", "thorough"];

impl Command {
    /// Whether the command changes the spec, and so needs write access to the repository.
    pub fn writes(&self) -> bool {
        !matches!(
            self,
            Command::Status | Command::Why { .. } | Command::Help | Command::Branch | Command::Unknown { .. }
        )
    }
}

/// The command in a comment, if any: the first line of its prose that starts with `/spec`,
/// `/answer`, `/skip` or `/defer`; else the prose itself as a plain reply (the caller decides
/// whether a question is open for it).
pub fn parse(body: &str) -> Option<Command> {
    let prose = prose(body);
    for line in prose.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        let command = match words.next() {
            Some("/spec") => spec(words.collect()),
            Some("/answer") => {
                let rest: Vec<&str> = words.collect();
                match rest.as_slice() {
                    [] => Command::Unknown { given: "/answer".into(), suggestion: Some("/answer <reply>".into()) },
                    [key, reply @ ..] if key.contains('.') && !reply.is_empty() => {
                        Command::Answer { key: Some((*key).to_owned()), reply: reply.join(" ") }
                    }
                    _ => Command::Answer { key: None, reply: rest.join(" ") },
                }
            }
            Some("/skip") => Command::Skip,
            Some("/defer") => Command::Defer,
            _ => continue,
        };
        return Some(command);
    }
    let reply = prose.trim();
    (!reply.is_empty()).then(|| Command::Answer { key: None, reply: reply.to_owned() })
}

fn spec(words: Vec<&str>) -> Command {
    let Some((first, rest)) = words.split_first() else { return Command::Help };
    let rest_text = rest.join(" ");
    match *first {
        "new" => {
            let (mut slug, mut template, mut depth) = (None, None, None);
            let mut tokens = rest.iter();
            while let Some(token) = tokens.next() {
                match *token {
                    "--template" => template = tokens.next().map(|t| (*t).to_owned()),
                    "--depth" => depth = tokens.next().map(|t| (*t).to_owned()),
                    word if DEPTHS.contains(&word) => depth = Some(word.to_owned()),
                    word if slug.is_none() => slug = Some(word.to_owned()),
                    word => template = Some(word.to_owned()),
                }
            }
            match slug {
                Some(slug) => Command::New { slug, template, depth },
                None => Command::Unknown {
                    given: "/spec new".into(),
                    suggestion: Some("/spec new <slug> [template]".into()),
                },
            }
        }
        "status" => Command::Status,
        "help" => Command::Help,
        "branch" => Command::Branch,
        "merge" => Command::Merge,
        "why" | "lock" if rest.is_empty() => {
            Command::Unknown { given: format!("/spec {first}"), suggestion: Some(format!("/spec {first} <key>")) }
        }
        "why" => Command::Why { key: rest[0].to_owned() },
        "lock" => Command::Lock { key: rest[0].to_owned() },
        "change" => match rest {
            [key, reply @ ..] if !reply.is_empty() => {
                Command::Change { key: (*key).to_owned(), reply: reply.join(" ") }
            }
            _ => {
                Command::Unknown { given: "/spec change".into(), suggestion: Some("/spec change <key> <reply>".into()) }
            }
        },
        "generate" => Command::Generate {
            targets: rest_text.split([',', ' ']).filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        },
        other => Command::Unknown {
            given: format!("/spec {other}"),
            suggestion: did_you_mean(other, SUBCOMMANDS.iter().copied()).map(|s| format!("/spec {s}")),
        },
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
        Some(Command::Answer { key: None, reply: reply.into() })
    }

    #[test]
    fn commands_and_replies_are_read_from_prose() {
        assert_eq!(
            parse("/spec new tracker saas-web quick"),
            Some(Command::New {
                slug: "tracker".into(),
                template: Some("saas-web".into()),
                depth: Some("quick".into())
            })
        );
        assert_eq!(
            parse("Let's go.\n\n/spec new billing --template api-service"),
            Some(Command::New { slug: "billing".into(), template: Some("api-service".into()), depth: None })
        );
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
