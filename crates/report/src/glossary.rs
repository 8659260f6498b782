//! Acronyms: finding the ones a report uses, and the glossary that explains them from the
//! organisation's own terms and a starter list for UK policing shipped with Waymark.
//!
//! Detection is a pure function of text, kept apart from the glossary so it can move to the core
//! crate when pages want it too.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Glossary, GlossaryEntry};

/// The starter list: `TERM<tab>meaning` lines, `#` comments.
const STARTER_TSV: &str = include_str!("../data/glossary_uk_policing.tsv");

/// One acronym-shaped word found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcronymUse {
    /// The acronym in the singular: "PCSO" for "PCSOs".
    pub term: String,
    /// True when the word sits in a run of three or more words in capitals, as in a heading
    /// typed in capitals ("CORE BUSINESS IMPROVEMENT PLAN"). Such words are acronyms only if a
    /// glossary says so; otherwise every shouted heading would fill the "not defined" list.
    pub in_capitals_run: bool,
}

/// Words in capitals that are not acronyms: roman numerals ("phase II"), words written in
/// capitals for emphasis ("ALL inspectors"), and abbreviations every reader knows.
const NOT_ACRONYMS: &[&str] = &[
    "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII", "ALL", "AND", "ANY", "ARE", "BUT",
    "FOR", "HAS", "MUST", "NEW", "NO", "NOT", "NOW", "OF", "ON", "ONLY", "OR", "THE", "TO", "WAS",
    "WILL", "YES", "OK", "UK",
];

/// The acronym-shaped words of `text` in order of appearance, repeats included: words of two or
/// more capital letters, with an optional plural "s" ("PCSOs" is "PCSO"). Words with digits
/// ("Q2") or mixed case ("ePSP") are not acronym-shaped; a glossary can still name them exactly.
pub fn acronyms_in(text: &str) -> Vec<AcronymUse> {
    let words = words(text);
    let shapes: Vec<Option<String>> = words.iter().map(|word| acronym_shape(word)).collect();
    let mut found = Vec::new();
    for (index, shape) in shapes.iter().enumerate() {
        let Some(term) = shape else { continue };
        if NOT_ACRONYMS.contains(&term.as_str()) {
            continue;
        }
        // The run of consecutive capitalised words this one belongs to.
        let mut start = index;
        while start > 0 && shapes[start - 1].is_some() {
            start -= 1;
        }
        let mut end = index;
        while end + 1 < shapes.len() && shapes[end + 1].is_some() {
            end += 1;
        }
        found.push(AcronymUse {
            term: term.clone(),
            in_capitals_run: end - start + 1 >= 3,
        });
    }
    found
}

/// The words of `text`: runs of letters and digits. Apostrophes split ("HMIC's" gives "HMIC"
/// and "s"), which is what we want.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect()
}

fn acronym_shape(word: &str) -> Option<String> {
    let stem = match word.strip_suffix('s') {
        Some(stem) if stem.len() >= 2 => stem,
        _ => word,
    };
    (stem.len() >= 2 && stem.bytes().all(|b| b.is_ascii_uppercase())).then(|| stem.to_string())
}

/// The starter glossary for UK policing, term → meaning.
pub fn starter_glossary() -> BTreeMap<String, String> {
    STARTER_TSV
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('\t'))
        .map(|(term, meaning)| (term.trim().to_string(), meaning.trim().to_string()))
        .collect()
}

/// Where a term of an organisation's glossary comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermSource {
    /// The starter list shipped with Waymark, as it is.
    Starter,
    /// The organisation added the term, or reworded a starter term.
    Organisation,
}

/// One term of an organisation's glossary as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinedTerm {
    pub term: String,
    pub meaning: String,
    pub source: TermSource,
}

/// An organisation's glossary as it stands: the starter list with the organisation's own
/// entries over it, ordered by the term in capitals. `own` gives each term the organisation
/// changed with its meaning, or `None` where it removed the term. Terms are the same whatever
/// their capitals, so "MOPI" rewords the starter list's "MoPI" and removing "mopi" removes it.
///
/// The starter list is read, never copied into the organisation's glossary: a term added to it
/// in a later release reaches every organisation that has not removed it.
pub fn organisation_glossary<'a>(
    own: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> Vec<DefinedTerm> {
    let mut terms: BTreeMap<String, DefinedTerm> = starter_glossary()
        .into_iter()
        .map(|(term, meaning)| {
            (
                term.to_uppercase(),
                DefinedTerm {
                    term,
                    meaning,
                    source: TermSource::Starter,
                },
            )
        })
        .collect();
    for (term, meaning) in own {
        let term = term.trim();
        let key = term.to_uppercase();
        match meaning {
            Some(meaning) => {
                terms.insert(
                    key,
                    DefinedTerm {
                        term: term.to_string(),
                        meaning: meaning.trim().to_string(),
                        source: TermSource::Organisation,
                    },
                );
            }
            None => {
                terms.remove(&key);
            }
        }
    }
    terms.into_values().collect()
}

/// The glossary of a report whose words are `texts`: the acronyms used that `definitions` (an
/// organisation's glossary, from [`organisation_glossary`]) define, and, separately, those used
/// that it does not.
pub fn glossary_for<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    definitions: &[DefinedTerm],
) -> Glossary {
    let definitions: BTreeMap<String, String> = definitions
        .iter()
        .map(|d| (d.term.clone(), d.meaning.clone()))
        .collect();
    // Terms written in mixed case ("MoPI") are found by exact match, and also in capitals
    // ("MOPI"), since the detector sees only capitals.
    let by_capitals: BTreeMap<String, &String> = definitions
        .keys()
        .map(|term| (term.to_ascii_uppercase(), term))
        .collect();

    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut undefined: BTreeSet<String> = BTreeSet::new();
    for text in texts {
        for word in words(text) {
            let singular = word.strip_suffix('s').filter(|stem| stem.len() >= 2);
            for candidate in [Some(word), singular].into_iter().flatten() {
                if definitions.contains_key(candidate) && !is_capitalised_word(candidate) {
                    used.insert(candidate.to_string());
                }
            }
        }
        for found in acronyms_in(text) {
            match by_capitals.get(&found.term) {
                Some(term) => {
                    used.insert((*term).clone());
                }
                None if !found.in_capitals_run => {
                    undefined.insert(found.term);
                }
                None => {}
            }
        }
    }
    Glossary {
        entries: used
            .into_iter()
            .filter_map(|term| {
                let meaning = definitions.get(&term)?.clone();
                Some(GlossaryEntry { term, meaning })
            })
            .collect(),
        undefined: undefined.into_iter().collect(),
    }
}

/// "Contest" or "Prevent": an ordinary capitalised word, which must not match a glossary term
/// by exact spelling. Mixed-case terms such as "MoPI" have a capital after the first letter.
fn is_capitalised_word(word: &str) -> bool {
    !word.chars().skip(1).any(|c| c.is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        acronyms_in(text).into_iter().map(|a| a.term).collect()
    }

    #[test]
    fn finds_capital_words_and_their_plurals() {
        assert_eq!(
            terms("The PCSOs and the BCU met the CPS; HMIC's report and NPIAs guidance."),
            vec!["PCSO", "BCU", "CPS", "HMIC", "NPIA"]
        );
    }

    #[test]
    fn ignores_single_letters_digits_mixed_case_and_roman_numerals() {
        assert!(terms("A plan for Q2 and P6, phase II of the ePSP, I think.").is_empty());
        assert!(terms("Based on ALL inspectors in the UK, NOT some.").is_empty());
    }

    #[test]
    fn plural_s_is_dropped_only_after_two_capitals() {
        assert_eq!(terms("CTIOs and Is"), vec!["CTIO"]);
        assert_eq!(terms("CPS"), vec!["CPS"]);
    }

    #[test]
    fn words_in_a_shouted_heading_are_marked() {
        let found = acronyms_in("CORE BUSINESS IMPROVEMENT PLAN for the BCU");
        assert!(found[..4].iter().all(|a| a.in_capitals_run));
        assert!(!found[4].in_capitals_run);
    }

    #[test]
    fn glossary_lists_defined_terms_and_used_but_undefined_ones() {
        let org = organisation_glossary([("TVP", Some("Thames Valley Police"))]);
        let glossary = glossary_for(
            [
                "TVP's PCSOs worked with the CDRP and the XYZQ team.",
                "MoPI compliance; CORE BUSINESS IMPROVEMENT PLAN",
            ],
            &org,
        );
        let listed: Vec<&str> = glossary.entries.iter().map(|e| e.term.as_str()).collect();
        assert_eq!(listed, vec!["CDRP", "MoPI", "PCSO", "TVP"]);
        assert_eq!(glossary.undefined, vec!["XYZQ"]);
        assert_eq!(glossary.entries[3].meaning, "Thames Valley Police");
    }

    #[test]
    fn the_organisation_rewords_a_starter_term() {
        let org = organisation_glossary([("BCU", Some("Borough Command Unit"))]);
        let glossary = glossary_for(["The BCU"], &org);
        assert_eq!(glossary.entries[0].meaning, "Borough Command Unit");
    }

    #[test]
    fn a_removed_starter_term_is_used_but_not_defined() {
        let org = organisation_glossary([("bcu", None)]);
        assert!(!org.iter().any(|d| d.term == "BCU"));
        let glossary = glossary_for(["The BCU and the CPS"], &org);
        assert_eq!(glossary.undefined, vec!["BCU"]);
        assert_eq!(glossary.entries[0].term, "CPS");
    }

    #[test]
    fn the_organisation_glossary_marks_its_own_terms_and_matches_any_capitals() {
        let org = organisation_glossary([
            (
                "MOPI",
                Some("Management of Police Information (our wording)"),
            ),
            ("XYZQ", Some("Example unit")),
        ]);
        let mopi: Vec<&DefinedTerm> = org
            .iter()
            .filter(|d| d.term.eq_ignore_ascii_case("mopi"))
            .collect();
        assert_eq!(mopi.len(), 1, "one term whatever its capitals");
        assert_eq!(mopi[0].source, TermSource::Organisation);
        assert!(
            org.iter()
                .any(|d| d.term == "CPS" && d.source == TermSource::Starter)
        );
        let glossary = glossary_for(["The XYZQ team"], &org);
        assert!(glossary.undefined.is_empty());
        assert_eq!(glossary.entries[0].meaning, "Example unit");
    }

    #[test]
    fn starter_list_has_the_common_terms() {
        let starter = starter_glossary();
        for term in [
            "ACPO", "ANPR", "BCU", "CDRP", "CPS", "HMICFRS", "LPA", "MARAC", "NPIA", "OCG", "PCC",
            "PCSO", "POCA",
        ] {
            assert!(starter.contains_key(term), "{term} missing");
        }
    }
}
