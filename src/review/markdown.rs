//! The review for people: short, grouped, each decision linked to its file when the repository's
//! web address is known. Long lists are cut with a count and the command that shows them all, so
//! a comment never outgrows its host.

use super::{ItemChanges, Located, ProjectReview, Review};
use crate::report::{break_comment_openers, escape_markdown as escape};
use std::fmt::Write;

/// Items shown per list before the rest is counted.
const SHOWN: usize = 25;

/// Where a file of the head revision can be read on the web.
#[derive(Clone, Debug)]
pub struct Links {
    /// `https://github.com/owner/repo`.
    pub web: String,
    /// GitLab puts `/-/` before `blob`.
    pub gitlab: bool,
}

impl Links {
    /// Links into a repository whose web page is `web`, on `host`.
    pub fn for_host(host: crate::forge::Host, web: &str) -> Links {
        Links { web: web.trim_end_matches('/').to_owned(), gitlab: host == crate::forge::Host::GitLab }
    }

    /// Links for a git remote URL (`https://host/owner/repo.git`, `git@host:owner/repo.git`),
    /// when it names a web host.
    pub fn from_remote(url: &str) -> Option<Links> {
        let url = url.trim().trim_end_matches('/').trim_end_matches(".git");
        let web = if let Some(rest) = url.strip_prefix("git@") {
            let (host, path) = rest.split_once(':')?;
            format!("https://{host}/{path}")
        } else if let Some(rest) = url.strip_prefix("ssh://git@") {
            let (host, path) = rest.split_once('/')?;
            format!("https://{}/{path}", host.split(':').next().unwrap_or(host))
        } else if let Some((scheme, rest)) = url.split_once("://").filter(|(s, _)| matches!(*s, "https" | "http")) {
            // Credentials in a remote URL are never repeated.
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{scheme}://{host}/{path}")
        } else {
            return None;
        };
        let gitlab = web.contains("gitlab");
        Some(Links { web, gitlab })
    }

    fn file(&self, rev: &str, path: &str) -> String {
        const UNSAFE: &percent_encoding::AsciiSet =
            &percent_encoding::CONTROLS.add(b' ').add(b'(').add(b')').add(b'<').add(b'>').add(b'[').add(b']').add(b'"');
        let dash = if self.gitlab { "/-" } else { "" };
        format!("{}{dash}/blob/{rev}/{}", self.web, percent_encoding::utf8_percent_encode(path, UNSAFE))
    }
}

fn short(rev: &str) -> &str {
    if rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) { &rev[..7] } else { rev }
}

/// The one-line verdict: what a reviewer learns before reading on.
pub fn headline(review: &Review) -> String {
    let mut parts = Vec::new();
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let sum = |f: fn(&ProjectReview) -> usize| review.projects.iter().map(f).sum::<usize>();
    let changed = sum(|p| p.decisions.added.len() + p.decisions.changed.len() + p.decisions.removed.len());
    if changed > 0 {
        parts.push(count(changed, "decision changed", "decisions changed"));
    }
    let introduced = sum(|p| p.contradictions.introduced.len());
    if introduced > 0 {
        parts.push(count(introduced, "contradiction introduced", "contradictions introduced"));
    }
    let resolved = sum(|p| p.contradictions.resolved.len());
    if resolved > 0 {
        parts.push(count(resolved, "contradiction resolved", "contradictions resolved"));
    }
    let locked = sum(|p| p.locked_touched.len());
    if locked > 0 {
        parts.push(count(locked, "locked decision touched", "locked decisions touched"));
    }
    let breaking = sum(|p| p.breaking.len());
    if breaking > 0 {
        parts.push(count(breaking, "breaking contract change", "breaking contract changes"));
    }
    let stale = sum(|p| p.stale.len());
    if stale > 0 {
        parts.push(count(stale, "target to regenerate", "targets to regenerate"));
    }
    if parts.is_empty() {
        return "no change to decisions or artifacts".to_owned();
    }
    parts.join(", ")
}

/// The review as Markdown, with `rerun` the command that shows everything (for cut lists).
pub fn render(review: &Review, links: Option<&Links>, rerun: &str) -> String {
    let mut md = format!(
        "### Spec review: {}\n\n{} → {}\n",
        headline(review),
        code(short(&review.base)),
        code(short(&review.head))
    );
    let link = |path: &str, text: &str| match links {
        Some(links) => format!("[{}]({})", code(text), links.file(&review.head, path)),
        None => code(text),
    };
    for p in &review.projects {
        let what = match p.state {
            "added" => " (new project)",
            "removed" => " (removed)",
            _ => "",
        };
        let _ = write!(md, "\n#### {}{what}\n", escape(&p.project));
        if p.is_empty() {
            md.push_str("\nNothing in its decisions or artifacts changed.\n");
            continue;
        }
        let mut lines = Vec::new();
        for c in &p.decisions.changed {
            let answer = if c.answer_unchanged {
                "same answer; rationale or details edited".to_owned()
            } else {
                format!("{} → **{}**", answer(&c.before, c.status_before), answer(&c.after, c.status_after))
            };
            lines.push(format!(
                "changed {}: {answer}{}",
                link(&c.path, &c.key),
                who(c.by.as_deref(), c.commit.as_ref())
            ));
        }
        for a in &p.decisions.added {
            lines.push(format!(
                "added {}: **{}**{}",
                link(&a.path, &a.key),
                answer(&a.answer, a.status),
                who(a.by.as_deref(), a.commit.as_ref())
            ));
        }
        for r in &p.decisions.removed {
            lines.push(format!("removed {} (was {})", code(&r.key), answer(&r.answer, r.status)));
        }
        section(&mut md, "Decisions", lines, rerun);
        section(
            &mut md,
            "Locked decisions touched (SB501: the check fails until the lock is lifted on the base branch)",
            p.locked_touched.iter().map(|k| code(k)).collect(),
            rerun,
        );
        section(
            &mut md,
            "Assumptions replaced by answers",
            (p.assumptions_replaced.iter())
                .map(|a| {
                    format!(
                        "{}: assumed {} → **{}**",
                        code(&a.key),
                        quoted(a.assumed.as_deref()),
                        escape(a.answer.as_deref().unwrap_or("(none)"))
                    )
                })
                .collect(),
            rerun,
        );
        section(&mut md, "Contradictions introduced", located(&p.contradictions.introduced), rerun);
        section(&mut md, "Contradictions resolved", located(&p.contradictions.resolved), rerun);
        items(&mut md, "Requirements", &p.requirements, rerun);
        items(&mut md, "Scenarios", &p.scenarios, rerun);
        items(&mut md, "Tickets", &p.tickets, rerun);
        section(
            &mut md,
            "Artifacts made stale",
            (p.stale.iter())
                .map(|s| {
                    let keys: Vec<String> = s.because.iter().map(|k| code(k)).collect();
                    format!(
                        "**{}** ({}) after {}: {}",
                        escape(&s.target),
                        escape(&s.artifacts.join(", ")),
                        keys.join(", "),
                        code(&s.command)
                    )
                })
                .collect(),
            rerun,
        );
        section(&mut md, "Breaking contract changes (SB502)", located(&p.breaking), rerun);
        section(
            &mut md,
            "Blockers changed",
            (p.blockers.iter())
                .map(|b| format!("**{}**: {} → {}", escape(&b.target), needs(&b.before), needs(&b.after)))
                .collect(),
            rerun,
        );
    }
    if !review.overlaps.is_empty() {
        let lines = (review.overlaps.iter())
            .map(|o| {
                let mut why = Vec::new();
                if !o.keys.is_empty() {
                    why.push(format!("also changes {}", ticks(&o.keys)));
                }
                if !o.rules.is_empty() {
                    why.push(format!("changes facts related by the rule {}", ticks(&o.rules)));
                }
                format!("{} {}", escape(&o.other), why.join("; "))
            })
            .collect();
        section(&mut md, "Overlapping changes", lines, rerun);
    }
    md
}

/// Text with `code spans` kept as code and the rest escaped (findings quote keys and paths so).
fn prose(text: &str) -> String {
    (text.split('`').enumerate()).map(|(i, part)| if i % 2 == 1 { code(part) } else { escape(part) }).collect()
}

/// Text shown as code: a code span cannot hold a backtick or a line break, and its content is
/// never markup or a mention.
fn code(text: &str) -> String {
    format!("`{}`", break_comment_openers(&text.replace('`', "'").replace(['\n', '\r'], " ")))
}

fn ticks(list: &[String]) -> String {
    list.iter().map(|k| code(k)).collect::<Vec<_>>().join(", ")
}

fn answer(text: &Option<String>, status: spec_format::model::Status) -> String {
    use spec_format::model::Status;
    let text = escape(text.as_deref().unwrap_or("(unanswered)"));
    match status {
        Status::Accepted => text,
        Status::Assumed => format!("{text} (assumed)"),
        Status::Deferred => format!("{text} (deferred)"),
        Status::Superseded => format!("{text} (superseded)"),
    }
}

fn quoted(text: Option<&str>) -> String {
    text.map_or_else(|| "(nothing)".to_owned(), |t| format!("“{}”", escape(t)))
}

fn who(by: Option<&str>, last: Option<&super::CommitRef>) -> String {
    // `local:Dana` answered and Dana committed: one name is enough.
    let by = by.filter(|by| last.is_none_or(|c| by.trim_start_matches("local:") != c.author));
    match (by, last) {
        (None, None) => String::new(),
        (Some(by), None) => format!(" — by {}", escape(by)),
        (None, Some(c)) => format!(" — in {} {}", commit(c), quoted(Some(&c.summary))),
        (Some(by), Some(c)) => format!(" — by {}, in {} {}", escape(by), commit(c), quoted(Some(&c.summary))),
    }
}

fn commit(c: &super::CommitRef) -> String {
    format!("{} by {}", code(&c.id), escape(&c.author))
}

fn needs(keys: &[String]) -> String {
    if keys.is_empty() { "ready".to_owned() } else { format!("needs {}", ticks(keys)) }
}

fn located(list: &[Located]) -> Vec<String> {
    (list.iter())
        .map(|l| {
            let also: String = l.related.iter().map(|r| format!(" ↔ {}", code(r))).collect();
            format!("{} {} ({}{also})", l.code, prose(&l.message), code(&format!("{}:{}", l.path, l.line)))
        })
        .collect()
}

fn items(md: &mut String, title: &str, changes: &ItemChanges, rerun: &str) {
    let mut lines = Vec::new();
    for (verb, list) in [("added", &changes.added), ("changed", &changes.changed), ("removed", &changes.removed)] {
        lines.extend(list.iter().map(|i| match i.text.as_str() {
            "" => format!("{verb} {}", code(&i.id)),
            text => format!("{verb} {}: {}", code(&i.id), escape(text)),
        }));
    }
    section(md, title, lines, rerun);
}

fn section(md: &mut String, title: &str, lines: Vec<String>, rerun: &str) {
    if lines.is_empty() {
        return;
    }
    let _ = write!(md, "\n**{title}**\n\n");
    for line in lines.iter().take(SHOWN) {
        let _ = writeln!(md, "- {line}");
    }
    if lines.len() > SHOWN {
        let _ = writeln!(md, "- … and {} more: {} lists them all", lines.len() - SHOWN, code(rerun));
    }
}

#[cfg(test)]
mod tests {
    use super::Links;

    #[test]
    fn nothing_a_change_names_can_pass_for_a_marker_or_break_a_link() {
        let links = Links { web: "https://github.com/o/r".into(), gitlab: false };
        assert_eq!(links.file("abc", "specs/p/a) b.md"), "https://github.com/o/r/blob/abc/specs/p/a%29%20b.md");
        assert!(!super::code("x <!-- specbuilder:topic=help -->").contains("<!--"));
    }

    #[test]
    fn remotes_become_web_links_without_credentials() {
        let web = |url: &str| Links::from_remote(url).map(|l| (l.web, l.gitlab));
        assert_eq!(web("git@github.com:acme/app.git"), Some(("https://github.com/acme/app".into(), false)));
        assert_eq!(
            web("https://token@gitlab.example.com/g/app.git"),
            Some(("https://gitlab.example.com/g/app".into(), true))
        );
        assert_eq!(web("/srv/git/app.git"), None);
    }
}
