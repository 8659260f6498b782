//! RAG status: Red, Amber, Green, and Blue for complete. "Not assessed" (grey) is the absence of
//! a RAG, so it is `Option<Rag>::None` rather than a variant.

use std::fmt;

/// A RAG status as owners set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rag {
    Red,
    Amber,
    Green,
    /// Complete.
    Blue,
}

/// A word that is not a RAG status or one of its synonyms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{word}\" is not a RAG status (expected Red, Amber, Green, Blue or Complete)")]
pub struct RagError {
    pub word: String,
}

impl Rag {
    pub const ALL: [Rag; 4] = [Rag::Red, Rag::Amber, Rag::Green, Rag::Blue];

    /// Reads a RAG word as users write it. Synonyms: Orange and Yellow are Amber, Complete and
    /// Completed are Blue, and single letters R/A/G/B. Blank, "N/A", "Grey" and "Not assessed"
    /// mean no RAG and give `Ok(None)`.
    pub fn parse(word: &str) -> Result<Option<Rag>, RagError> {
        let cleaned = word.trim().trim_end_matches('.').to_ascii_lowercase();
        let rag = match cleaned.as_str() {
            "" | "n/a" | "na" | "-" | "grey" | "gray" | "not assessed" | "none" | "tbc" => None,
            "red" | "r" => Some(Rag::Red),
            "amber" | "a" | "orange" | "yellow" | "amber/red" | "red/amber" => Some(Rag::Amber),
            "green" | "g" | "amber/green" | "green/amber" => Some(Rag::Green),
            "blue" | "b" | "complete" | "completed" | "closed" | "done" => Some(Rag::Blue),
            _ => {
                return two_colours(&cleaned).map(Some).ok_or_else(|| RagError {
                    word: word.trim().to_string(),
                });
            }
        };
        Ok(rag)
    }

    /// The word shown on every page and report, always beside the colour.
    pub fn word(self) -> &'static str {
        match self {
            Rag::Red => "Red",
            Rag::Amber => "Amber",
            Rag::Green => "Green",
            Rag::Blue => "Blue",
        }
    }

    /// A short description of what the status means for an action (seed 004's key).
    pub fn meaning(self) -> &'static str {
        match self {
            Rag::Red => "not achieved or timescale unknown",
            Rag::Amber => "progressing more slowly than planned",
            Rag::Green => "on plan",
            Rag::Blue => "complete",
        }
    }

    /// Lower is worse: used to order lists worst first.
    pub fn severity(self) -> u8 {
        match self {
            Rag::Red => 0,
            Rag::Amber => 1,
            Rag::Green => 2,
            Rag::Blue => 3,
        }
    }
}

/// Two statuses written as one ("A/G", "Amber-Green", "R / A") read as the better of the two,
/// as "Amber/Green" reads Green and "Amber/Red" Amber: the owner is saying it is between them
/// and moving the better way.
fn two_colours(cleaned: &str) -> Option<Rag> {
    let (first, second) = cleaned.split_once(['/', '-'])?;
    let first = Rag::parse(first).ok()??;
    let second = Rag::parse(second).ok()??;
    Some(if first.severity() >= second.severity() {
        first
    } else {
        second
    })
}

impl fmt::Display for Rag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

impl std::str::FromStr for Rag {
    type Err = RagError;

    /// Strict parse used for stored values: a RAG word, never blank.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rag::parse(s)?.ok_or_else(|| RagError {
            word: s.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_map_to_the_four_statuses() {
        assert_eq!(Rag::parse("Orange"), Ok(Some(Rag::Amber)));
        assert_eq!(Rag::parse(" amber "), Ok(Some(Rag::Amber)));
        assert_eq!(Rag::parse("Complete"), Ok(Some(Rag::Blue)));
        assert_eq!(Rag::parse("G"), Ok(Some(Rag::Green)));
        assert_eq!(Rag::parse("RED"), Ok(Some(Rag::Red)));
        assert_eq!(Rag::parse(""), Ok(None));
        assert_eq!(Rag::parse("Not assessed"), Ok(None));
    }

    #[test]
    fn two_colours_read_as_the_better() {
        assert_eq!(Rag::parse("A/G"), Ok(Some(Rag::Green)));
        assert_eq!(Rag::parse("Amber-Green"), Ok(Some(Rag::Green)));
        assert_eq!(Rag::parse("R / A"), Ok(Some(Rag::Amber)));
        assert_eq!(Rag::parse("Red/Amber"), Ok(Some(Rag::Amber)));
        assert!(Rag::parse("A/Purple").is_err());
        assert!(Rag::parse("/").is_err());
    }

    #[test]
    fn unknown_words_are_errors_that_quote_the_word() {
        let err = Rag::parse("Purple").unwrap_err();
        assert_eq!(err.word, "Purple");
        assert!(err.to_string().contains("\"Purple\""));
    }

    #[test]
    fn words_round_trip() {
        for rag in Rag::ALL {
            assert_eq!(rag.word().parse::<Rag>(), Ok(rag));
        }
    }
}
