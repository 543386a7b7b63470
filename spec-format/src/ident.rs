//! Identifiers of the format: project slugs and decision keys. Checked by hand: both grammars
//! are tiny, and these run once per file on the hot path.

/// `^[a-z0-9][a-z0-9-]{0,62}$`: no dots, no slashes, no upper case, so never a path escape.
pub fn is_slug(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// `^[a-z0-9_]+(\.[a-z0-9_]+){0,7}$`: a dotted lowercase path of at most eight segments.
pub fn is_key(s: &str) -> bool {
    let mut segments = 0;
    for segment in s.split('.') {
        segments += 1;
        if segment.is_empty() || !segment.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_') {
            return false;
        }
    }
    segments <= 8
}

/// The closest candidate to a misspelling, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(distance, c)| *distance <= limit || (word.len() >= 4 && c.starts_with(word)))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_reject_traversal_case_and_dots() {
        assert!(is_slug("team-todo"));
        assert!(is_slug("0day"));
        for bad in ["", "..", "../etc", "Team", "a.b", "-lead", "a/b", &"x".repeat(64)] {
            assert!(!is_slug(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn keys_are_dotted_lowercase_paths() {
        assert!(is_key("auth.signup"));
        assert!(is_key("a.b.c.d.e.f.g.h"));
        for bad in ["", "auth..signup", ".auth", "Auth.signup", "auth/signup", "a.b.c.d.e.f.g.h.i", "auth-signup"] {
            assert!(!is_key(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn suggests_the_nearest_field() {
        assert_eq!(did_you_mean("qestion", ["question", "key"]), Some("question"));
        assert_eq!(did_you_mean("depends", ["depends_on", "key"]), Some("depends_on"));
        assert_eq!(did_you_mean("colour", ["key", "status"]), None);
        assert_eq!(did_you_mean("stauts", ["status"]), Some("status"));
    }
}
