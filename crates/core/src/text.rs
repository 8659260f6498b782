//! Text that leaves Waymark for a spreadsheet. A cell whose text starts with `=`, `+`, `-`, `@`,
//! a tab or a carriage return is read by Excel and LibreOffice as a formula when a CSV is opened
//! (and when an XLSX string cell is edited), so text a user typed, such as
//! `=HYPERLINK("http://…","Click")`, could run as one in someone else's spreadsheet. Every
//! CSV and XLSX writer asks here, so the rule lives in one place; figures written as numbers
//! are not text and are never touched.

use std::borrow::Cow;

/// True when a spreadsheet would take `text` for a formula: it starts with one of the
/// characters that open one, and it is not simply a signed number such as "-5" or "+2.5%".
pub fn starts_like_formula(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => !is_signed_number(text),
        _ => false,
    }
}

/// The text a CSV cell holds so that spreadsheets show it as text: a formula-like text gets a
/// leading single quote, the mark Excel and LibreOffice take for "this is text". Other text is
/// returned as it is. Waymark's CSV reader takes the quote off again (`unquote_spreadsheet`),
/// so an export re-imports unchanged.
pub fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    if starts_like_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text a `spreadsheet_safe` cell was made from: a leading quote before formula-like text
/// is dropped; anything else is left alone (a quote before ordinary text is the user's own).
pub fn unquote_spreadsheet(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) => rest,
        _ => text,
    }
}

/// "-5", "+12", "-0.25", "-12.5%": a sign, digits with at most one point, and perhaps a percent.
fn is_signed_number(text: &str) -> bool {
    let digits = text[1..].strip_suffix('%').unwrap_or(&text[1..]);
    let mut points = 0;
    let mut any_digit = false;
    for byte in digits.bytes() {
        match byte {
            b'0'..=b'9' => any_digit = true,
            b'.' => points += 1,
            _ => return false,
        }
    }
    any_digit && points <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_openers_are_quoted_and_numbers_and_prose_are_not() {
        for formula in [
            "=1+1",
            "=HYPERLINK(\"http://example.com\",\"Click\")",
            "+1+1",
            "-1+1",
            "- a bullet",
            "@SUM(A1:A2)",
            "\t=1+1",
            "\r=1+1",
            "+",
            "-",
        ] {
            assert!(starts_like_formula(formula), "{formula:?}");
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
            assert_eq!(unquote_spreadsheet(&spreadsheet_safe(formula)), formula);
        }
        for plain in [
            "-5", "+12", "-0.25", "-12.5%", "Amber", "", "1+1", " =1", "'quoted",
        ] {
            assert!(!starts_like_formula(plain), "{plain:?}");
            assert_eq!(spreadsheet_safe(plain), plain);
            assert_eq!(unquote_spreadsheet(plain), plain);
        }
        assert_eq!(unquote_spreadsheet("'-5"), "'-5");
    }
}
