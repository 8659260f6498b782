//! The bodies of the fuzz targets in `fuzz/`, as plain functions so that ordinary property
//! tests run them on every CI build; cargo-fuzz (nightly only) runs the same code for longer.
//! Each must return without panicking for any input.

use crate::cells::{clean_cell, lone_date, parse_complete_cell, parse_owner_cell, parse_rag_cell};
use crate::split::split_dated_entries;

/// Every cell parser on one arbitrary cell.
pub fn fuzz_cells(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let cleaned = clean_cell(&text);
    // Cleaning twice changes nothing, so exports re-import unchanged.
    let again = clean_cell(&cleaned);
    assert_eq!(again, cleaned, "clean_cell is not idempotent");
    let _ = lone_date(&text);
    let _ = parse_rag_cell(&text);
    let _ = parse_complete_cell(&text);
    let _ = parse_owner_cell(&text);
    let _ = crate::cells::split_numbered_title(&text);
    let _ = crate::cells::parent_reference(&text);
}

/// The date parsers on arbitrary text.
pub fn fuzz_dates(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = waymark_core::parse_date(&text);
    if let Some((_, length)) = waymark_core::date::parse_date_prefix(&text) {
        assert!(length <= text.len() && text.is_char_boundary(length));
    }
    let _ = crate::cells::parse_date_cell(&text);
}

/// The update splitter: never panics and never loses a word.
pub fn fuzz_split(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let entries = split_dated_entries(&text);
    let rejoined: Vec<&str> = entries
        .iter()
        .flat_map(|e| {
            e.heading
                .split_whitespace()
                .chain(e.text.split_whitespace())
        })
        .collect();
    let original: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(rejoined, original, "the splitter lost or added words");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn fuzz_bodies_hold_for_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            fuzz_cells(&data);
            fuzz_dates(&data);
            fuzz_split(&data);
        }

        #[test]
        fn fuzz_bodies_hold_for_tracker_like_text(text in "((Update )?[0-9]{1,2}[ -/.](Jan|Nov|March|12)[ -/.](20)?1[0-9]( from [A-Za-z ]{0,12})?[ ]?[-:–]? |[A-Za-z•.\n ]{0,12}){0,8}") {
            fuzz_cells(text.as_bytes());
            fuzz_dates(text.as_bytes());
            fuzz_split(text.as_bytes());
        }
    }
}
