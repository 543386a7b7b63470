//! Judging what requirements and scenarios say: EARS form, requirement smells, measurable
//! numbers and scenario steps that state something checkable. Shared by template lint and by
//! `check` on generated artifacts.

/// The EARS pattern a statement follows (Mavin et al., "Easy Approach to Requirements Syntax").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ears {
    /// `The <system> shall <response>.`
    Ubiquitous,
    /// `When <trigger>, the <system> shall <response>.`
    EventDriven,
    /// `While <state>, the <system> shall <response>.`
    StateDriven,
    /// `If <unwanted condition>, then the <system> shall <response>.`
    Unwanted,
    /// `Where <feature is included>, the <system> shall <response>.`
    Optional,
    /// Several of the keywords before one response (`While ..., when ..., the ...`).
    Complex,
}

impl Ears {
    pub fn as_str(self) -> &'static str {
        match self {
            Ears::Ubiquitous => "ubiquitous",
            Ears::EventDriven => "event-driven",
            Ears::StateDriven => "state-driven",
            Ears::Unwanted => "unwanted behaviour",
            Ears::Optional => "optional feature",
            Ears::Complex => "complex",
        }
    }
}

/// The EARS pattern of `statement`, or why it follows none.
pub fn ears(statement: &str) -> Result<Ears, String> {
    let text = statement.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = text.to_lowercase();
    let shalls = lower.matches(" shall ").count();
    if shalls != 1 {
        return Err(if shalls == 0 {
            "it has no `shall`: say what the system shall do".to_owned()
        } else {
            "it has more than one `shall`: split it into one requirement per response".to_owned()
        });
    }
    let (prefix, response) = lower.split_once(" shall ").unwrap_or_default();
    if response.trim_end_matches('.').split_whitespace().count() < 2 {
        return Err("the response after `shall` is missing".to_owned());
    }
    // The system is named after the last clause's comma, or starts the sentence.
    let (conditions, system) = match prefix.rfind(", ") {
        Some(i) => (&prefix[..i], prefix[i + 2..].strip_prefix("then ").unwrap_or(&prefix[i + 2..])),
        None => ("", prefix),
    };
    let system_words = system.split_whitespace().count();
    if !system.starts_with("the ") || !(2..=5).contains(&system_words) {
        return Err("the system is not named before `shall` (`..., the system shall ...`)".to_owned());
    }
    if conditions.is_empty() {
        return Ok(Ears::Ubiquitous);
    }
    let keywords: Vec<&str> = ["while ", "when ", "where ", "if "]
        .into_iter()
        .filter(|k| conditions.starts_with(k) || conditions.contains(&format!(", {k}")))
        .collect();
    let first = ["while ", "when ", "where ", "if "].into_iter().find(|k| conditions.starts_with(k));
    let Some(first) = first else {
        return Err("a condition must start with When, While, Where or If".to_owned());
    };
    if keywords.contains(&"if ") && !prefix[conditions.len()..].starts_with(", then ") {
        return Err("an unwanted-behaviour requirement reads `If ..., then the system shall ...`".to_owned());
    }
    Ok(match (keywords.len(), first) {
        (1, "while ") => Ears::StateDriven,
        (1, "when ") => Ears::EventDriven,
        (1, "where ") => Ears::Optional,
        (1, _) => Ears::Unwanted,
        _ => Ears::Complex,
    })
}

/// Words and phrases that make a requirement untestable (subjective, open-ended, loopholes).
const SMELLS: &[(&str, &str)] = &[
    ("user-friendly", "subjective: say what a user can do, in how many steps or seconds"),
    ("user friendly", "subjective: say what a user can do, in how many steps or seconds"),
    ("easy", "subjective: say what makes it easy, in steps or seconds"),
    ("easily", "subjective: say what makes it easy, in steps or seconds"),
    ("intuitive", "subjective: name the task and how long it takes a new user"),
    ("fast", "vague: give a time with a percentile (p95 under 300 ms)"),
    ("quickly", "vague: give a time with a percentile (p95 under 300 ms)"),
    ("efficient", "vague: give a number to measure"),
    ("efficiently", "vague: give a number to measure"),
    ("flexible", "vague: name the variations it must allow"),
    ("robust", "vague: name the failures it must survive"),
    ("seamless", "vague: say what the user must not notice"),
    ("seamlessly", "vague: say what the user must not notice"),
    ("appropriate", "a loophole: say which"),
    ("appropriately", "a loophole: say how"),
    ("adequate", "a loophole: give the threshold"),
    ("sufficient", "a loophole: give the threshold"),
    ("reasonable", "a loophole: give the number"),
    ("as needed", "a loophole: say when it is needed"),
    ("as required", "a loophole: say when it is required"),
    ("if possible", "a loophole: say what happens when it is not"),
    ("where possible", "a loophole: say what happens when it is not"),
    ("if necessary", "a loophole: say when it is necessary"),
    ("etc", "open-ended: list every case"),
    ("and so on", "open-ended: list every case"),
    ("and/or", "ambiguous: say whether both, either or one of them"),
    ("tbd", "unfinished: decide it"),
    ("state-of-the-art", "subjective: name the property it must have"),
    ("best", "a superlative cannot be tested: give the number"),
    ("optimal", "a superlative cannot be tested: give the number"),
    ("minimal", "vague: give the maximum"),
    ("several", "vague: give the number"),
    ("usually", "vague: say when it does not"),
    ("normally", "vague: say when it does not"),
];

/// A requirement smell: the word found and what to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Smell {
    pub word: &'static str,
    pub advice: &'static str,
}

/// The smells in `text`, matched as whole words.
pub fn smells(text: &str) -> Vec<Smell> {
    let lower = text.to_lowercase();
    SMELLS
        .iter()
        .filter(|(word, _)| contains_word(&lower, word))
        .map(|&(word, advice)| Smell { word, advice })
        .collect()
}

fn contains_word(haystack: &str, word: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
    haystack.match_indices(word).any(|(i, _)| {
        boundary(haystack[..i].chars().next_back()) && boundary(haystack[i + word.len()..].chars().next())
    })
}

/// Whether a non-functional requirement carries a number to measure against.
pub fn is_measurable(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
}

/// Phrases of steps that could belong to any requirement.
const GENERIC_STEPS: &[&str] = &[
    "as the spec decides",
    "relies on that behaviour",
    "relies on that behavior",
    "it holds that",
    "it works",
    "as expected",
    "behaves correctly",
    "is correct",
    "the product is built",
    "the feature is used",
    "something happens",
];

/// Why a scenario step states nothing checkable, if it does not.
pub fn vague_step(step: &str) -> Option<String> {
    let lower = step.to_lowercase();
    if let Some(generic) = GENERIC_STEPS.iter().find(|g| lower.contains(*g)) {
        return Some(format!("`{generic}` could be said of any requirement; name the data and the outcome"));
    }
    if step.split_whitespace().count() < 3 {
        return Some("too short to name an actor, an action and its data".to_owned());
    }
    smells(step).first().map(|s| format!("`{}` is {}", s.word, s.advice))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_ears_pattern_is_recognised() {
        let cases = [
            ("The system shall store only a hash of each token.", Ears::Ubiquitous),
            (
                "When a member asks for a sign-in link, the system shall email a link valid for 15 minutes.",
                Ears::EventDriven,
            ),
            ("While a workspace is suspended, the system shall refuse every write with 403.", Ears::StateDriven),
            ("If a link is used twice, then the system shall refuse the second sign-in.", Ears::Unwanted),
            ("Where two-factor is enabled, the system shall ask for a 6-digit code.", Ears::Optional),
            (
                "While a member is signed in, when they open /settings, the system shall show their tokens.",
                Ears::Complex,
            ),
            ("WHEN a, b and c arrive, THE SYSTEM SHALL reply with 202.", Ears::EventDriven),
        ];
        for (text, kind) in cases {
            assert_eq!(ears(text), Ok(kind), "{text}");
        }
    }

    #[test]
    fn statements_that_are_not_ears_say_why() {
        assert!(ears("How do people sign in: A magic link by email.").unwrap_err().contains("no `shall`"));
        assert!(ears("If the link expired, the system shall refuse it.").unwrap_err().contains("then"));
        assert!(ears("Once a day, the system shall purge old rows.").unwrap_err().contains("When, While"));
        assert!(ears("Users shall sign in.").unwrap_err().contains("system is not named"));
        assert!(ears("The system shall be fast and shall scale.").unwrap_err().contains("more than one"));
    }

    #[test]
    fn smells_are_found_as_whole_words_only() {
        let found: Vec<&str> =
            smells("The page shall load fast, etc. and/or be user-friendly.").iter().map(|s| s.word).collect();
        assert_eq!(found, ["user-friendly", "fast", "etc", "and/or"]);
        assert!(smells("The breakfast menu shall list 12 items.").is_empty());
        assert!(smells("The system shall refuse a request with 429 after 100 requests a minute.").is_empty());
    }

    #[test]
    fn generic_steps_are_vague_and_concrete_ones_are_not() {
        assert!(vague_step("Given the product is built as the spec decides in auth").is_some());
        assert!(vague_step("it works").is_some());
        assert_eq!(vague_step("ana@example.com receives one email with a link that expires at 10:15"), None);
    }
}
