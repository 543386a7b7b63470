//! `/search?q=`: decisions and artifact sections, ranked and typo-tolerant, from an index built
//! in the process for each revision read (kept with the revision, so it is current whenever the
//! revision is).

use super::page::{Links, page};
use super::repo::State;
use maud::{Markup, html};
use std::collections::HashMap;

/// What a hit leads to.
#[derive(Debug, Clone)]
pub enum Target {
    Decision(String),
    /// An artifact and the heading of the section (empty before the first heading).
    Section {
        artifact: String,
        heading: String,
    },
}

#[derive(Debug)]
struct Doc {
    slug: String,
    target: Target,
    title: String,
    text: String,
}

/// One revision's searchable text.
#[derive(Debug, Default)]
pub struct Index {
    docs: Vec<Doc>,
    /// Term -> (document, weight of the field it is in), while building.
    building: HashMap<String, Vec<(u32, u8)>>,
    /// The terms sorted (a prefix is a range), their postings, and the terms by length (a word
    /// is only compared for typos with terms about as long).
    terms: Vec<String>,
    postings: Vec<Vec<(u32, u8)>>,
    by_length: HashMap<usize, Vec<u32>>,
}

/// Words of at least two letters or digits, lowercased.
fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 2).map(str::to_lowercase)
}

const TITLE: u8 = 3;
const BODY: u8 = 1;

impl Index {
    pub fn build(state: &State) -> Index {
        let mut index = Index::default();
        for project in &state.workspace.projects {
            for doc in &project.decisions {
                let d = doc.decision();
                let answer = d.answer.as_ref().map(|a| a.to_string()).unwrap_or_default();
                let labels: Vec<&str> = d.options.iter().map(|o| o.label.as_str()).collect();
                index.add(
                    &project.slug,
                    Target::Decision(d.key.clone()),
                    format!("{} — {}", d.key, d.question),
                    format!(
                        "{} {answer} {} {} {}",
                        d.question,
                        d.category.as_deref().unwrap_or(""),
                        labels.join(" "),
                        d.body
                    ),
                );
            }
            for name in project.artifacts.keys().filter(|n| n.ends_with(".md")) {
                let path = format!("{}/artifacts/{name}", project.dir);
                let Some(file) = state.snapshot.files.iter().find(|f| f.path == path) else { continue };
                let Ok(text) = std::str::from_utf8(&file.bytes) else { continue };
                for (heading, body) in sections(text) {
                    let title =
                        if heading.is_empty() { name.clone() } else { format!("{name} — {}", plain(heading)) };
                    let target = Target::Section { artifact: name.clone(), heading: heading.to_owned() };
                    index.add(&project.slug, target, title, body.to_owned());
                }
            }
        }
        index.seal();
        index
    }

    /// Sorts the terms for searching.
    fn seal(&mut self) {
        let mut entries: Vec<(String, Vec<(u32, u8)>)> = self.building.drain().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.by_length.clear();
        for (i, (term, _)) in entries.iter().enumerate() {
            self.by_length.entry(term.chars().count()).or_default().push(i as u32);
        }
        (self.terms, self.postings) = entries.into_iter().unzip();
    }

    /// The terms that match `word`, with how closely: exact 1, a prefix 0.7, within `typos` 0.5.
    fn matches(&self, word: &str, typos: usize) -> Vec<(usize, f32)> {
        let mut found = Vec::new();
        let start = self.terms.partition_point(|t| t.as_str() < word);
        for (i, term) in self.terms.iter().enumerate().skip(start) {
            if !term.starts_with(word) {
                break;
            }
            found.push((i, if term == word { 1.0 } else { 0.7 }));
        }
        if typos > 0 {
            let length = word.chars().count();
            for len in length.saturating_sub(typos)..=length + typos {
                for &i in self.by_length.get(&len).into_iter().flatten() {
                    let term = &self.terms[i as usize];
                    if !term.starts_with(word) && strsim::osa_distance(term, word) <= typos {
                        found.push((i as usize, 0.5));
                    }
                }
            }
        }
        found
    }

    fn add(&mut self, slug: &str, target: Target, title: String, text: String) {
        let id = self.docs.len() as u32;
        let mut seen: HashMap<String, u8> = HashMap::new();
        for term in terms(&title) {
            seen.insert(term, TITLE);
        }
        for term in terms(&text) {
            seen.entry(term).or_insert(BODY);
        }
        for (term, weight) in seen {
            self.building.entry(term).or_default().push((id, weight));
        }
        self.docs.push(Doc { slug: slug.to_owned(), target, title, text });
    }

    /// The best `limit` hits for `query`: every word must match, exactly, as a prefix, or within
    /// one typo (two for long words); exact words in titles rank first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit<'_>> {
        let words: Vec<String> = terms(query).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut scores: HashMap<u32, (f32, usize)> = HashMap::new();
        for word in &words {
            let typos = match word.chars().count() {
                0..=3 => 0,
                4..=7 => 1,
                _ => 2,
            };
            let mut best: HashMap<u32, f32> = HashMap::new();
            for (term, closeness) in self.matches(word, typos) {
                for &(doc, weight) in &self.postings[term] {
                    let score = closeness * f32::from(weight);
                    let entry = best.entry(doc).or_insert(0.0);
                    *entry = entry.max(score);
                }
            }
            for (doc, score) in best {
                let entry = scores.entry(doc).or_insert((0.0, 0));
                entry.0 += score;
                entry.1 += 1;
            }
        }
        let mut hits: Vec<(u32, f32)> =
            scores.into_iter().filter(|(_, (_, matched))| *matched == words.len()).map(|(d, (s, _))| (d, s)).collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.truncate(limit);
        hits.into_iter()
            .map(|(doc, score)| {
                let doc = &self.docs[doc as usize];
                Hit {
                    slug: &doc.slug,
                    target: &doc.target,
                    title: &doc.title,
                    snippet: snippet(&doc.text, &words),
                    score,
                }
            })
            .collect()
    }
}

pub struct Hit<'a> {
    pub slug: &'a str,
    pub target: &'a Target,
    pub title: &'a str,
    pub snippet: String,
    pub score: f32,
}

/// A Markdown heading as text: its code marks and backslash escapes dropped.
fn plain(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    let mut chars = heading.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {}
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => {}
            _ => out.push(c),
        }
    }
    out
}

/// A Markdown text cut at its headings: (heading, the text under it).
fn sections(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let (mut heading, mut start) = ("", 0);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.starts_with('#') {
            let title = trimmed.trim_start_matches('#').trim();
            if offset > start || !heading.is_empty() {
                out.push((heading, &text[start..offset]));
            }
            heading = title;
            start = offset + line.len();
        }
        offset += line.len();
    }
    out.push((heading, &text[start..]));
    out
}

/// A short piece of `text` around the first word that matches.
fn snippet(text: &str, words: &[String]) -> String {
    let lower = text.to_lowercase();
    let at = words.iter().filter_map(|w| lower.find(w.as_str())).min().unwrap_or(0);
    // `lower` can differ in length from `text` for some letters: find a char boundary nearby.
    let mut start = at.saturating_sub(60).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let piece: String = text[start..].chars().take(180).collect();
    let piece = piece.split_whitespace().collect::<Vec<_>>().join(" ");
    if start > 0 { format!("…{piece}") } else { piece }
}

/// The results page over every project's own revision.
pub fn results(states: &[(std::sync::Arc<State>, Vec<String>)], query: &str) -> Markup {
    let mut hits: Vec<(Hit<'_>, &State)> = Vec::new();
    for (state, slugs) in states {
        for hit in state.search_index().search(query, 50) {
            if slugs.iter().any(|s| s == hit.slug) {
                hits.push((hit, state));
            }
        }
    }
    hits.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));
    hits.truncate(50);
    page(
        "Search",
        &[],
        html! {
            form method="get" action="/search" role="search" class="filters" {
                label { "Search decisions and artifacts " input type="search" name="q" value=(query) autofocus; }
                button type="submit" { "Search" }
            }
            @if query.trim().is_empty() { p { "Type a word: a key, part of a question, an answer, a heading." } }
            @else if hits.is_empty() { p { "Nothing matches “" (query) "”." } }
            @else {
                p { (hits.len()) " results" }
                ol class="results" {
                    @for (hit, state) in &hits {
                        @let links = Links { slug: hit.slug.to_owned(), revision: state.revision.clone() };
                        li {
                            @match hit.target {
                                Target::Decision(key) => a href=(links.decision(key)) { (hit.title) },
                                Target::Section { artifact, .. } => a href=(links.artifact(artifact)) { (hit.title) },
                            }
                            " " span class="meta" { (hit.slug) " · " (state.revision.label()) }
                            br;
                            span class="snippet" { (hit.snippet) }
                        }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_of(texts: &[(&str, &str)]) -> Index {
        let mut index = Index::default();
        for (title, text) in texts {
            index.add("p", Target::Decision(title.to_string()), title.to_string(), text.to_string());
        }
        index.seal();
        index
    }

    #[test]
    fn ranks_title_words_first_and_forgives_a_typo() {
        let index = index_of(&[
            ("auth.method", "How do people sign in? Passwords or single sign-on."),
            ("api.auth", "How do API clients authenticate? Personal access tokens."),
            ("data.retention", "How long are records kept? The authentication log too."),
        ]);
        let titles = |q: &str| index.search(q, 10).iter().map(|h| h.title.to_owned()).collect::<Vec<_>>();
        assert_eq!(titles("auth")[..2], ["auth.method", "api.auth"].map(String::from)[..]);
        assert_eq!(titles("tokns"), ["api.auth"], "one typo is forgiven");
        assert_eq!(titles("personal tokens"), ["api.auth"], "every word must match");
        assert!(titles("zz").is_empty());
        assert_eq!(titles("authenticat")[0], "api.auth", "a prefix matches");
    }

    #[test]
    fn headings_are_shown_as_text() {
        assert_eq!(plain(r"T116 \[P\] \[US20\] `POST /me/api-tokens`"), "T116 [P] [US20] POST /me/api-tokens");
    }

    #[test]
    fn markdown_is_cut_at_its_headings() {
        let text = "intro\n# One\nfirst\n## Two\nsecond\n";
        assert_eq!(sections(text), vec![("", "intro\n"), ("One", "first\n"), ("Two", "second\n")]);
    }
}
