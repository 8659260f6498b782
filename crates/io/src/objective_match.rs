//! Which of a plan's items an objective named in another file is: by its text, by its
//! reference, or by meaning. A plan writes its objectives out in full ("(1) To strengthen
//! neighbourhood policing to respond to local needs") where a performance table names them the
//! short way ("Strengthen neighbourhood policing"), or the other way about; both are the same
//! objective, and an import must not make a second one.
//!
//! Meaning is the share of content words the two have in common, each word cut to a rough
//! stem ("strengthening" and "strengthen", "policing" and "police"), out of the words of the
//! shorter: at least two thirds, and at least two words ("Reduce crime and ASB" is "To reduce
//! crime and anti-social behaviour"). The best share wins; two equally good are reported, not
//! guessed. A reference written in front of
//! either ("(1)", "1.", "Objective 1:", "SO1 -") matches the item with that reference unless
//! the words say otherwise.

use serde::{Deserialize, Serialize};
use waymark_core::ItemId;

/// One of the plan's items an objective may be.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub id: ItemId,
    pub text: &'a str,
    pub reference: Option<&'a str>,
    /// 0 for a top-level item: of two equal matches the higher in the plan is taken.
    pub depth: usize,
}

/// How an objective was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum MatchedBy {
    /// The same words, ignoring case and spaces.
    Text,
    /// The same reference, written in front of the text or held by the item.
    Reference,
    /// `shared` content words of the shorter's `of` in common.
    Meaning { shared: usize, of: usize },
    /// The person chose it: in the preview, the mapping file or the API's corrections.
    Chosen,
}

/// What a person said an objective of the file is, over what matching finds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectiveChoice {
    /// The plan's item with this id (the preview's select).
    Item(i64),
    /// The plan's item with this reference or text (a mapping file, the API).
    Named(String),
    /// Not one of the plan's: a new objective.
    New,
}

impl ObjectiveChoice {
    /// A choice as a mapping file or the API writes it: "new" for a new objective, else the
    /// reference or text of the plan's objective.
    pub fn parse(text: &str) -> ObjectiveChoice {
        let trimmed = text.trim();
        if trimmed.eq_ignore_ascii_case("new") || trimmed.eq_ignore_ascii_case("a new objective") {
            ObjectiveChoice::New
        } else {
            ObjectiveChoice::Named(trimmed.to_string())
        }
    }
}

/// The candidate a person's choice names: `Some(None)` for a new objective, `None` where it
/// names none of them. A name is the candidate's reference (in any of the forms
/// [`split_reference`] reads), else its text, ignoring case and outer spaces.
pub fn resolve_choice(
    choice: &ObjectiveChoice,
    candidates: &[Candidate<'_>],
) -> Option<Option<usize>> {
    match choice {
        ObjectiveChoice::New => Some(None),
        ObjectiveChoice::Item(id) => candidates.iter().position(|c| c.id.0 == *id).map(Some),
        ObjectiveChoice::Named(name) => {
            let wanted = name.trim().to_lowercase();
            let reference = normal_reference(name);
            let by_reference: Vec<usize> = (0..candidates.len())
                .filter(|&index| {
                    let own = candidates[index]
                        .reference
                        .and_then(normal_reference)
                        .or_else(|| split_reference(candidates[index].text).0);
                    own.is_some() && own == reference
                })
                .collect();
            if let Some(index) = best_by_depth_of(candidates, &by_reference) {
                return Some(Some(index));
            }
            let by_text: Vec<usize> = (0..candidates.len())
                .filter(|&index| candidates[index].text.trim().to_lowercase() == wanted)
                .collect();
            best_by_depth_of(candidates, &by_text).map(Some)
        }
    }
}

/// What [`match_objective`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectiveMatch {
    /// The candidate at this index.
    Found(usize, MatchedBy),
    /// Several candidates match equally well (their indexes): none is taken.
    Ambiguous(Vec<usize>),
    None,
}

/// Words that say nothing of which objective is meant.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "of", "on", "or", "our", "so", "that", "the", "their", "this", "to", "we", "will",
    "with", "all", "more", "most", "us",
];

/// Words that may name a reference ("Objective 1", "Priority 2").
const REFERENCE_WORDS: &[&str] = &[
    "objective",
    "priority",
    "aim",
    "goal",
    "outcome",
    "theme",
    "so",
    "obj",
    "strategic",
];

/// A plan's candidates with what matching reads of each (its text in lower case, its
/// reference, its content words) worked out once, however many objectives are looked for.
pub struct Candidates<'a> {
    list: &'a [Candidate<'a>],
    texts: Vec<String>,
    references: Vec<Option<String>>,
    words: Vec<Vec<String>>,
}

impl<'a> Candidates<'a> {
    pub fn new(list: &'a [Candidate<'a>]) -> Candidates<'a> {
        Candidates {
            list,
            texts: list.iter().map(|c| c.text.trim().to_lowercase()).collect(),
            references: list
                .iter()
                .map(|c| {
                    c.reference
                        .and_then(normal_reference)
                        .or_else(|| split_reference(c.text).0)
                })
                .collect(),
            words: list
                .iter()
                .map(|c| content_words(split_reference(c.text).1))
                .collect(),
        }
    }
}

/// The candidate `written` names, if one stands out.
pub fn match_objective(written: &str, candidates: &Candidates<'_>) -> ObjectiveMatch {
    let wanted = written.trim().to_lowercase();
    if wanted.is_empty() {
        return ObjectiveMatch::None;
    }
    let same_text: Vec<usize> = (0..candidates.list.len())
        .filter(|&index| candidates.texts[index] == wanted)
        .collect();
    if let Some(index) = best_by_depth_of(candidates.list, &same_text) {
        return ObjectiveMatch::Found(index, MatchedBy::Text);
    }
    let (written_reference, written_rest) = split_reference(written);
    let written_words = content_words(written_rest);
    // The same reference, where the words do not point elsewhere: none are written, or some
    // are shared.
    if let Some(reference) = &written_reference {
        let same: Vec<usize> = (0..candidates.list.len())
            .filter(|&index| candidates.references[index].as_ref() == Some(reference))
            .filter(|&index| {
                written_words.is_empty()
                    || shared_words(&written_words, &candidates.words[index]) > 0
            })
            .collect();
        if let Some(index) = best_by_depth_of(candidates.list, &same) {
            return ObjectiveMatch::Found(index, MatchedBy::Reference);
        }
    }
    if written_words.len() < 2 {
        return ObjectiveMatch::None;
    }
    // By meaning: the best share of the shorter's words, then the most words, then the
    // highest in the plan.
    let mut best: Option<(Score, Vec<usize>)> = None;
    for (index, (candidate, words)) in candidates.list.iter().zip(&candidates.words).enumerate() {
        let of = written_words.len().min(words.len());
        let shared = shared_words(&written_words, words);
        if of < 2 || shared < 2 || shared * 3 < of * 2 {
            continue;
        }
        let score = Score {
            shared,
            of,
            depth: candidate.depth,
        };
        match &mut best {
            Some((top, indexes)) if score.cmp_to(top) == std::cmp::Ordering::Equal => {
                indexes.push(index)
            }
            Some((top, _)) if score.cmp_to(top) == std::cmp::Ordering::Less => {}
            _ => best = Some((score, vec![index])),
        }
    }
    match best {
        Some((score, indexes)) if indexes.len() == 1 => ObjectiveMatch::Found(
            indexes[0],
            MatchedBy::Meaning {
                shared: score.shared,
                of: score.of,
            },
        ),
        Some((_, indexes)) => ObjectiveMatch::Ambiguous(indexes),
        None => ObjectiveMatch::None,
    }
}

#[derive(Debug, Clone, Copy)]
struct Score {
    shared: usize,
    of: usize,
    depth: usize,
}

impl Score {
    /// Greater is better: a larger share of the shorter's words, then more words in common,
    /// then higher in the plan.
    fn cmp_to(&self, other: &Score) -> std::cmp::Ordering {
        (self.shared * other.of)
            .cmp(&(other.shared * self.of))
            .then(self.shared.cmp(&other.shared))
            .then(other.depth.cmp(&self.depth))
    }
}

/// The first of the shallowest of `picked`.
fn best_by_depth_of(candidates: &[Candidate<'_>], picked: &[usize]) -> Option<usize> {
    picked
        .iter()
        .copied()
        .min_by_key(|&index| (candidates[index].depth, index))
}

/// A reference written in front of a text ("(1) To …", "1. …", "2b) …", "Objective 3: …",
/// "SO4 - …") as a normal form ("1", "2b", "3", "4"), and the text after it.
pub fn split_reference(text: &str) -> (Option<String>, &str) {
    let trimmed = text.trim_start();
    let mut rest = trimmed;
    // An optional word that introduces a reference: "Objective", "Priority", "SO".
    let word_end = rest
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(rest.len());
    let word = rest[..word_end].to_lowercase();
    if REFERENCE_WORDS.contains(&word.as_str()) {
        rest = rest[word_end..].trim_start();
    }
    let opened = rest.starts_with('(');
    if opened {
        rest = &rest[1..];
    }
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    if digits == 0 {
        return (None, trimmed);
    }
    let mut end = digits;
    // "1.2" and "2b" keep their second part.
    let after = &rest[end..];
    if let Some(more) = after.strip_prefix('.') {
        let sub = more
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(more.len());
        if sub > 0 {
            end += 1 + sub;
        }
    } else if let Some(letter) = after.chars().next()
        && letter.is_ascii_lowercase()
        && !after[letter.len_utf8()..].starts_with(|c: char| c.is_alphabetic())
    {
        end += letter.len_utf8();
    }
    let reference = rest[..end].to_lowercase();
    let mut tail = &rest[end..];
    if opened {
        match tail.strip_prefix(')') {
            Some(t) => tail = t,
            None => return (None, trimmed),
        }
    }
    // The reference must stand apart from the words: "1." "1)" "1:" "1 -" or a space.
    let separated =
        tail.is_empty() || tail.starts_with(|c: char| c.is_whitespace() || ".):-–—".contains(c));
    if !separated {
        return (None, trimmed);
    }
    let tail = tail.trim_start_matches(|c: char| c.is_whitespace() || ".):-–—".contains(c));
    (Some(reference), tail)
}

/// An item's reference ("(1)", "Obj 1", "1.") in the normal form of [`split_reference`].
fn normal_reference(reference: &str) -> Option<String> {
    match split_reference(reference) {
        (Some(normal), rest) if rest.trim().is_empty() => Some(normal),
        _ => {
            let plain = reference.trim().to_lowercase();
            (!plain.is_empty()).then_some(plain)
        }
    }
}

/// The content words of a text, each cut to a rough stem, without repeats.
fn content_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// A rough stem: one common ending taken off where four letters stay ("policing" and
/// "police" to "polic", "strengthening" to "strengthen", "victims" to "victim").
fn stem(word: &str) -> String {
    for ending in ["ing", "ed", "es", "s", "e"] {
        if let Some(stem) = word.strip_suffix(ending)
            && stem.chars().count() >= 4
        {
            return stem.to_string();
        }
    }
    word.to_string()
}

fn shared_words(a: &[String], b: &[String]) -> usize {
    a.iter()
        .filter(|word| b.binary_search(word).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    fn candidates<'a>(texts: &'a [(&'a str, Option<&'a str>)]) -> Vec<Candidate<'a>> {
        texts
            .iter()
            .enumerate()
            .map(|(n, (text, reference))| Candidate {
                id: ItemId(n as i64 + 1),
                text,
                reference: *reference,
                depth: 0,
            })
            .collect()
    }

    const PLAN: &[(&str, Option<&str>)] = &[
        (
            "(1) To strengthen neighbourhood policing to respond to local needs",
            None,
        ),
        (
            "(2) To protect vulnerable people and support victims of crime",
            None,
        ),
        ("(3) To reduce crime and anti-social behaviour", None),
        ("Improve public confidence in the police", Some("4")),
    ];

    #[test]
    fn a_choice_names_the_plans_objective_by_reference_or_text() {
        let list = candidates(PLAN);
        assert_eq!(
            resolve_choice(&ObjectiveChoice::parse("new"), &list),
            Some(None)
        );
        assert_eq!(
            resolve_choice(&ObjectiveChoice::parse("3"), &list),
            Some(Some(2))
        );
        assert_eq!(
            resolve_choice(&ObjectiveChoice::parse("(2)"), &list),
            Some(Some(1))
        );
        assert_eq!(
            resolve_choice(
                &ObjectiveChoice::parse(" (3) to reduce crime and anti-social behaviour "),
                &list
            ),
            Some(Some(2))
        );
        assert_eq!(
            resolve_choice(&ObjectiveChoice::Item(1), &list),
            Some(Some(0))
        );
        assert_eq!(resolve_choice(&ObjectiveChoice::Item(99), &list), None);
        assert_eq!(
            resolve_choice(&ObjectiveChoice::parse("Roads"), &list),
            None
        );
    }

    #[test]
    fn the_short_name_of_an_objective_written_out_in_full_is_found_by_meaning() {
        let plan = candidates(PLAN);
        assert_eq!(
            match_objective("Strengthen neighbourhood policing", &Candidates::new(&plan)),
            ObjectiveMatch::Found(0, MatchedBy::Meaning { shared: 3, of: 3 })
        );
        assert_eq!(
            match_objective("Protecting vulnerable people", &Candidates::new(&plan)),
            ObjectiveMatch::Found(1, MatchedBy::Meaning { shared: 3, of: 3 })
        );
        assert_eq!(
            match_objective("Reduce crime and ASB", &Candidates::new(&plan)),
            ObjectiveMatch::Found(2, MatchedBy::Meaning { shared: 2, of: 3 })
        );
    }

    #[test]
    fn a_reference_in_front_matches_the_item_with_it_unless_the_words_differ() {
        let plan = candidates(PLAN);
        assert_eq!(
            match_objective("Objective 2", &Candidates::new(&plan)),
            ObjectiveMatch::Found(1, MatchedBy::Reference)
        );
        assert_eq!(
            match_objective("4. Public confidence", &Candidates::new(&plan)),
            ObjectiveMatch::Found(3, MatchedBy::Reference)
        );
        // Numbered 1 in the table, but the words are objective 3's.
        assert_eq!(
            match_objective(
                "1. Reducing crime and anti-social behaviour",
                &Candidates::new(&plan)
            ),
            ObjectiveMatch::Found(2, MatchedBy::Meaning { shared: 5, of: 5 })
        );
    }

    #[test]
    fn the_same_text_is_found_whatever_its_case_and_a_stranger_is_not() {
        let plan = candidates(PLAN);
        assert_eq!(
            match_objective(
                "  IMPROVE PUBLIC CONFIDENCE IN THE POLICE ",
                &Candidates::new(&plan)
            ),
            ObjectiveMatch::Found(3, MatchedBy::Text)
        );
        assert_eq!(
            match_objective("Roads policing", &Candidates::new(&plan)),
            ObjectiveMatch::None
        );
        assert_eq!(
            match_objective("Crime", &Candidates::new(&plan)),
            ObjectiveMatch::None
        );
        assert_eq!(
            match_objective("", &Candidates::new(&plan)),
            ObjectiveMatch::None
        );
    }

    #[test]
    fn two_equally_good_matches_are_reported_not_guessed() {
        let plan = candidates(&[
            ("Reduce violent crime in the town centre", None),
            ("Reduce violent crime in rural areas", None),
        ]);
        assert_eq!(
            match_objective("Reduce violent crime", &Candidates::new(&plan)),
            ObjectiveMatch::Ambiguous(vec![0, 1])
        );
    }

    #[test]
    fn references_are_read_in_the_ways_people_write_them() {
        for (written, reference, rest) in [
            ("(1) To strengthen", Some("1"), "To strengthen"),
            ("1. Strengthen", Some("1"), "Strengthen"),
            ("2b) Support victims", Some("2b"), "Support victims"),
            ("Objective 3: Reduce crime", Some("3"), "Reduce crime"),
            ("SO4 - Confidence", Some("4"), "Confidence"),
            ("1.2 Reduce harm", Some("1.2"), "Reduce harm"),
            ("24/7 response", None, "24/7 response"),
            ("3rd party reporting", None, "3rd party reporting"),
            ("Strengthen policing", None, "Strengthen policing"),
        ] {
            let (found, tail) = split_reference(written);
            assert_eq!(found.as_deref(), reference, "{written}");
            assert_eq!(tail, rest, "{written}");
        }
    }

    proptest! {
        /// Any objective of three or more content words is found again when written the other
        /// way: numbered and with "To" in front, or its first three content words alone.
        #[test]
        fn an_objective_is_found_again_written_the_other_way(
            words in proptest::collection::vec("[a-z]{5,9}", 3..8),
            number in 1u32..20,
        ) {
            let full = words.join(" ");
            let numbered = format!("({number}) To {full}");
            let other = "Deliver quarterly assurance reporting".to_string();
            let texts = [(numbered.as_str(), None), (other.as_str(), None)];
            let plan = candidates(&texts);
            let short = words[..3].join(" ");
            prop_assert!(matches!(
                match_objective(&full, &Candidates::new(&plan)),
                ObjectiveMatch::Found(0, _)
            ));
            prop_assert!(matches!(
                match_objective(&short, &Candidates::new(&plan)),
                ObjectiveMatch::Found(0, _)
            ));
        }
    }
}
