//! The words of a search as a person typed them, and where they appear in a piece of text, so
//! pages can rank what was found and mark the words. The database decides what matches (its
//! index stems: FTS5's Porter tokenizer, PostgreSQL's English dictionary); this module only
//! finds the words again in the text shown, with a light suffix rule that finds the same
//! family of words ("recruit" in "recruitment", "recruiting", "recruits"), and the last word
//! as a prefix as the SQLite search treats it.

/// The words of a query, lower-cased, in the order typed, each once.
pub fn search_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in query.split(|c: char| !c.is_alphanumeric()) {
        let word = word.to_lowercase();
        if !word.is_empty() && !terms.contains(&word) {
            terms.push(word);
        }
    }
    terms
}

/// Whether a word of the text (any case) is one of the family of `term` (lower-cased).
pub fn word_matches(word: &str, term: &str) -> bool {
    // Every match begins with the term's first letter: most words of a text are turned away
    // here, before anything is lower-cased (ranking a search reads thousands of texts).
    if let (Some(first), Some(wanted)) = (word.bytes().next(), term.bytes().next())
        && first.is_ascii()
        && wanted.is_ascii()
        && !first.eq_ignore_ascii_case(&wanted)
    {
        return false;
    }
    let word = word.to_lowercase();
    if word == term {
        return true;
    }
    let term_root = root(term);
    // A root shorter than three letters would mark too much ("a", "is"): those match exactly.
    term_root.chars().count() >= 3 && (word.starts_with(term_root) || root(&word) == term_root)
}

/// How many of `terms` appear somewhere in `text`.
pub fn terms_in(text: &str, terms: &[String]) -> usize {
    terms
        .iter()
        .filter(|term| words(text).any(|(_, word)| word_matches(word, term)))
        .count()
}

/// `text` cut into runs, each marked when it is a word matching one of `terms`. Joined, the
/// runs are the text unchanged; a page escapes each run and wraps the marked ones in `<mark>`.
pub fn highlight(text: &str, terms: &[String]) -> Vec<(String, bool)> {
    let mut runs: Vec<(String, bool)> = Vec::new();
    let mut at = 0;
    if !terms.is_empty() {
        for (start, word) in words(text) {
            if terms.iter().any(|term| word_matches(word, term)) {
                if start > at {
                    runs.push((text[at..start].to_string(), false));
                }
                runs.push((word.to_string(), true));
                at = start + word.len();
            }
        }
    }
    if at < text.len() || runs.is_empty() {
        runs.push((text[at..].to_string(), false));
    }
    runs
}

/// The words of a text with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

/// A term without the common English endings, for matching the family of words it belongs to.
fn root(term: &str) -> &str {
    const ENDINGS: [&str; 12] = [
        "ations", "ation", "ments", "ment", "ings", "ing", "ies", "ed", "es", "ly", "s", "e",
    ];
    for ending in ENDINGS {
        if let Some(stem) = term.strip_suffix(ending)
            && stem.chars().count() >= 3
        {
            return stem;
        }
    }
    term
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, query: &str) -> Vec<String> {
        highlight(text, &search_terms(query))
            .into_iter()
            .filter(|(_, hit)| *hit)
            .map(|(run, _)| run)
            .collect()
    }

    #[test]
    fn the_family_of_a_word_is_marked() {
        assert_eq!(
            marked("Recruitment of recruits: recruiting now", "recruit"),
            vec!["Recruitment", "recruits", "recruiting"]
        );
        assert_eq!(
            marked("Victims and victim care", "victims"),
            vec!["Victims", "victim"]
        );
        assert_eq!(
            marked("Reviewed the reviews", "review"),
            vec!["Reviewed", "reviews"]
        );
        assert_eq!(marked("A plan is set as planned", "a is"), vec!["A", "is"]);
        assert!(marked("Patrol plan", "recruit").is_empty());
    }

    #[test]
    fn runs_join_back_into_the_text() {
        let text = "<script>alert('call')</script> call handlers";
        let runs = highlight(text, &search_terms("call"));
        assert_eq!(
            runs.iter().map(|(r, _)| r.as_str()).collect::<String>(),
            text
        );
        assert_eq!(runs.iter().filter(|(_, hit)| *hit).count(), 2);
        assert_eq!(
            highlight("", &search_terms("call")),
            vec![(String::new(), false)]
        );
    }

    #[test]
    fn terms_count_the_words_found() {
        let terms = search_terms("Call handlers, call");
        assert_eq!(terms, vec!["call", "handlers"]);
        assert_eq!(terms_in("Recruit call handlers", &terms), 2);
        assert_eq!(terms_in("Recruit call staff", &terms), 1);
        assert_eq!(terms_in("Recruit", &terms), 0);
    }

    /// The rule without the first-letter shortcut, as it was written first.
    fn word_matches_slowly(word: &str, term: &str) -> bool {
        let word = word.to_lowercase();
        if word == term {
            return true;
        }
        let term_root = root(term);
        term_root.chars().count() >= 3 && (word.starts_with(term_root) || root(&word) == term_root)
    }

    proptest::proptest! {
        #[test]
        fn the_first_letter_shortcut_changes_no_answer(
            word in "[A-Za-zÀ-ÿİK]{0,12}",
            query in "[a-zA-Zà-ÿ]{0,12}",
        ) {
            for term in search_terms(&query) {
                proptest::prop_assert_eq!(
                    word_matches(&word, &term),
                    word_matches_slowly(&word, &term),
                    "{} against {}", word, term
                );
            }
        }
    }
}
