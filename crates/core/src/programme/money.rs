//! Money as people write it in a programme register or a plan's funding table, read into whole
//! pence: "£2.4m", "£150k", "£1,350,000", "£250k + £40k", "800k plus 260k", "(5.2)" in a
//! column headed "£'m". A cell that says the amount is not known ("tbc", "xxx") is
//! [`MoneyCell::Unknown`], never zero, and one that cannot be read says why.
//!
//! The arithmetic is exact: digits are read as a decimal mantissa and scaled in `i128`, so
//! "£2.4m" is 240,000,000 pence and not 239,999,999.99 through binary rounding.

use std::fmt;

/// What one cell says about an amount of money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyCell {
    /// Nothing written.
    Blank,
    /// An amount in pence, with the pence of each term where the cell is a sum.
    Known { pence: i64, terms: Vec<i64> },
    /// The cell says the amount is not known yet ("tbc", "xxx", "?"), in its own words.
    Unknown { written: String },
    /// Text that is neither an amount nor a word for "not known".
    Unreadable { written: String, reason: String },
}

impl MoneyCell {
    /// The amount where one is known.
    pub fn pence(&self) -> Option<i64> {
        match self {
            MoneyCell::Known { pence, .. } => Some(*pence),
            _ => None,
        }
    }
}

/// What a bare number in a cell counts in: pounds unless the column says "£'m" or "£000".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MoneyScale {
    #[default]
    Pounds,
    Thousands,
    Millions,
}

impl MoneyScale {
    fn pence_per_unit(self) -> i128 {
        match self {
            MoneyScale::Pounds => 100,
            MoneyScale::Thousands => 100_000,
            MoneyScale::Millions => 100_000_000,
        }
    }

    /// The scale a column's or table's heading states: "£'m", "£m", "(£ million)", "£000",
    /// "£k"; pounds where it states none.
    pub fn from_heading(heading: &str) -> MoneyScale {
        let squeezed: String = heading
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '\'' | '’' | '(' | ')'))
            .collect();
        if squeezed.contains("£m") || squeezed.contains("£million") || squeezed.contains("£mn") {
            MoneyScale::Millions
        } else if squeezed.contains("£000") || squeezed.contains("£k") {
            MoneyScale::Thousands
        } else {
            MoneyScale::Pounds
        }
    }
}

/// Words that mean "the amount is not known yet". A run of x's ("xxx") is one too.
const UNKNOWN_WORDS: &[&str] = &[
    "tbc",
    "tba",
    "tbd",
    "?",
    "??",
    "unknown",
    "not known",
    "n/k",
    "nk",
    "to be confirmed",
    "to be agreed",
    "to be determined",
    "pending",
    "awaited",
];

/// Words that mean nothing at all: an amount of zero.
const NIL_WORDS: &[&str] = &["nil", "none", "-", "–", "—", "£0", "£ -", "£-"];

/// Reads a money cell; bare numbers count in pounds.
pub fn parse_money(cell: &str) -> MoneyCell {
    parse_money_scaled(cell, MoneyScale::Pounds)
}

/// Reads a money cell whose bare numbers count in `scale` (a column headed "£'m"). A suffix
/// on the number ("800k", "£2.4m") says its own scale and overrides the column's.
pub fn parse_money_scaled(cell: &str, scale: MoneyScale) -> MoneyCell {
    let written = cell.trim();
    if written.is_empty() {
        return MoneyCell::Blank;
    }
    let lower = written.to_lowercase();
    if matches!(lower.trim(), "n/a" | "na" | "not applicable") {
        return MoneyCell::Blank;
    }
    // A note in brackets after an amount ("£1.2m (recurring)") is not part of it.
    let lower = match lower.rfind(" (") {
        Some(at) if lower.ends_with(')') && lower[..at].chars().any(|c| c.is_ascii_digit()) => {
            lower[..at].to_string()
        }
        _ => lower,
    };
    let lower = strip_qualifiers(&lower);
    if is_unknown_word(lower) {
        return MoneyCell::Unknown {
            written: written.to_string(),
        };
    }
    if NIL_WORDS.contains(&lower) {
        return MoneyCell::Known {
            pence: 0,
            terms: vec![0],
        };
    }
    let mut terms = Vec::new();
    let mut unknown_term = false;
    for term in split_terms(lower) {
        if is_unknown_word(term) {
            unknown_term = true;
            continue;
        }
        match parse_term(term, scale) {
            Ok(pence) => terms.push(pence),
            Err(reason) => {
                return MoneyCell::Unreadable {
                    written: written.to_string(),
                    reason,
                };
            }
        }
    }
    if unknown_term {
        // "£250k + tbc": part of the sum is not known, so the sum is not known.
        return MoneyCell::Unknown {
            written: written.to_string(),
        };
    }
    if terms.is_empty() {
        return MoneyCell::Unreadable {
            written: written.to_string(),
            reason: "there is no amount in it".to_string(),
        };
    }
    match terms
        .iter()
        .try_fold(0_i64, |sum, term| sum.checked_add(*term))
    {
        Some(pence) => MoneyCell::Known { pence, terms },
        None => MoneyCell::Unreadable {
            written: written.to_string(),
            reason: "the amount is too large".to_string(),
        },
    }
}

/// Pence as the pages write money: "£2,109,747", with pence only where there are some
/// ("£12.50"), and a minus sign before the pound sign.
pub fn format_pence(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let magnitude = pence.unsigned_abs();
    let pounds = group_thousands(magnitude / 100);
    match magnitude % 100 {
        0 => format!("{sign}£{pounds}"),
        p => format!("{sign}£{pounds}.{p:02}"),
    }
}

/// An amount in pence, displayed as [`format_pence`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pence(pub i64);

impl fmt::Display for Pence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_pence(self.0))
    }
}

fn group_thousands(mut value: u64) -> String {
    let mut groups = Vec::new();
    loop {
        if value < 1000 {
            groups.push(value.to_string());
            break;
        }
        groups.push(format!("{:03}", value % 1000));
        value /= 1000;
    }
    groups.reverse();
    groups.join(",")
}

fn is_unknown_word(text: &str) -> bool {
    let text = text.trim().trim_matches(['.', '(', ')']).trim();
    UNKNOWN_WORDS.contains(&text) || (text.len() >= 2 && text.chars().all(|c| c == 'x'))
}

/// Drops words around an amount that do not change it: "c.", "approx", "~", "pa", "per year".
fn strip_qualifiers(text: &str) -> &str {
    let mut rest = text.trim();
    for prefix in [
        "approximately",
        "approx.",
        "approx",
        "about",
        "circa",
        "c.",
        "~",
    ] {
        if let Some(after) = rest.strip_prefix(prefix) {
            rest = after.trim_start();
        }
    }
    for suffix in [
        "per annum",
        "per year",
        "a year",
        "each year",
        "p.a.",
        "pa",
        "/yr",
        "/year",
        "recurring",
        "one-off",
        "one off",
    ] {
        if let Some(before) = rest.strip_suffix(suffix) {
            let before = before.trim_end();
            // "pa" only as a word of its own, not the end of another one.
            if !before.is_empty() {
                rest = before;
            }
        }
    }
    rest
}

fn split_terms(text: &str) -> Vec<&str> {
    let mut terms = vec![text];
    for separator in [" plus ", "+", " and ", "&"] {
        terms = terms
            .into_iter()
            .flat_map(|term| term.split(separator))
            .collect();
    }
    terms
        .into_iter()
        .map(str::trim)
        .filter(|term| !term.is_empty())
        .collect()
}

/// One term of a sum: "£2.4m", "800k", "1,350,000", "(5.2)", "£1.2 million", "40,000.50".
fn parse_term(term: &str, scale: MoneyScale) -> Result<i64, String> {
    let mut rest = term.trim();
    let mut negative = false;
    if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        rest = inner.trim();
    }
    if let Some(after) = rest.strip_prefix(['-', '\u{2212}']) {
        negative = !negative;
        rest = after.trim_start();
    }
    rest = rest.strip_prefix('£').unwrap_or(rest).trim_start();
    if let Some(after) = rest.strip_prefix(['-', '\u{2212}']) {
        negative = !negative;
        rest = after.trim_start();
    }
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_end);
    let per_unit = match suffix.trim() {
        "" => scale.pence_per_unit(),
        "k" | "000s" | "thousand" => 100_000,
        "m" | "mn" | "million" | "millions" | "m." => 100_000_000,
        "bn" | "billion" => 100_000_000_000,
        "p" | "pence" if scale == MoneyScale::Pounds => 1,
        other => {
            return Err(format!(
                "\"{other}\" after the number is not a unit of money"
            ));
        }
    };
    let (mantissa, decimals) = read_decimal(number)?;
    let scaled = mantissa
        .checked_mul(per_unit)
        .ok_or_else(|| "the amount is too large".to_string())?;
    let divisor = 10_i128.pow(decimals);
    // Half a penny or more rounds up: nobody writes money finer than a penny on purpose.
    let pence = (scaled + divisor / 2) / divisor;
    let pence = i64::try_from(pence).map_err(|_| "the amount is too large".to_string())?;
    Ok(if negative { -pence } else { pence })
}

/// "1,350,000.50" as (135000050, 2). Commas must group thousands.
fn read_decimal(number: &str) -> Result<(i128, u32), String> {
    if number.is_empty() {
        return Err("there is no number in it".to_string());
    }
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if fraction.contains(['.', ',']) {
        return Err(format!("\"{number}\" is not a number"));
    }
    if whole.contains(',') {
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or("");
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return Err(format!("\"{number}\" has its commas in the wrong places"));
        }
    }
    let digits: String = whole
        .chars()
        .filter(|c| *c != ',')
        .chain(fraction.chars())
        .collect();
    if digits.is_empty() || digits.len() > 30 {
        return Err(format!("\"{number}\" is not a number"));
    }
    let mantissa: i128 = digits
        .parse()
        .map_err(|_| format!("\"{number}\" is not a number"))?;
    Ok((mantissa, fraction.len() as u32))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn known(cell: &str) -> Option<i64> {
        parse_money(cell).pence()
    }

    #[test]
    fn amounts_as_people_write_them() {
        assert_eq!(known("£2.4m"), Some(240_000_000));
        assert_eq!(known("£150k"), Some(15_000_000));
        assert_eq!(known("£1,350,000"), Some(135_000_000));
        assert_eq!(known("£250k + £40k"), Some(29_000_000));
        assert_eq!(known("800k plus 260k"), Some(106_000_000));
        assert_eq!(known("£1.2 million"), Some(120_000_000));
        assert_eq!(known("£12.50"), Some(1_250));
        assert_eq!(known("c. £2m pa"), Some(200_000_000));
        assert_eq!(known("nil"), Some(0));
        assert_eq!(known("£1.2m (recurring)"), Some(120_000_000));
        assert_eq!(parse_money("n/a"), MoneyCell::Blank);
        assert_eq!(
            parse_money("£250k + £40k"),
            MoneyCell::Known {
                pence: 29_000_000,
                terms: vec![25_000_000, 4_000_000]
            }
        );
    }

    #[test]
    fn a_column_in_millions_scales_bare_numbers_but_not_suffixed_ones() {
        let scale = MoneyScale::from_heading("Increased funding or saving (£'m)");
        assert_eq!(scale, MoneyScale::Millions);
        assert_eq!(parse_money_scaled("0.5", scale).pence(), Some(50_000_000));
        assert_eq!(parse_money_scaled("1.31", scale).pence(), Some(131_000_000));
        assert_eq!(
            parse_money_scaled("(5.2)", scale).pence(),
            Some(-520_000_000)
        );
        assert_eq!(
            parse_money_scaled("800k plus 260k", scale).pence(),
            Some(106_000_000)
        );
        assert_eq!(MoneyScale::from_heading("£000"), MoneyScale::Thousands);
        assert_eq!(MoneyScale::from_heading("Amount"), MoneyScale::Pounds);
    }

    #[test]
    fn unknown_amounts_stay_unknown() {
        for cell in [
            "tbc",
            "TBC",
            "xxx",
            "XXXX",
            "?",
            "To be confirmed",
            "£250k + tbc",
        ] {
            assert!(
                matches!(parse_money(cell), MoneyCell::Unknown { .. }),
                "{cell}"
            );
        }
        assert_eq!(parse_money("  "), MoneyCell::Blank);
    }

    #[test]
    fn unreadable_cells_say_why() {
        for cell in ["lots", "£2.4q", "1,35,000", "£", "1.2.3"] {
            assert!(
                matches!(parse_money(cell), MoneyCell::Unreadable { .. }),
                "{cell}: {:?}",
                parse_money(cell)
            );
        }
    }

    #[test]
    fn money_prints_to_the_penny() {
        assert_eq!(format_pence(210_974_700), "£2,109,747");
        assert_eq!(format_pence(1_250), "£12.50");
        assert_eq!(format_pence(-520_000_000), "-£5,200,000");
        assert_eq!(format_pence(0), "£0");
    }

    proptest! {
        #[test]
        fn printed_amounts_read_back(pence in -10_000_000_000_000_i64..10_000_000_000_000) {
            prop_assert_eq!(known(&format_pence(pence)), Some(pence));
        }

        #[test]
        fn thousands_and_millions_scale_exactly(whole in 0_i64..100_000, tenths in 0_i64..10) {
            prop_assert_eq!(known(&format!("£{whole}k")), Some(whole * 100_000));
            prop_assert_eq!(
                known(&format!("£{whole}.{tenths}m")),
                Some(whole * 100_000_000 + tenths * 10_000_000)
            );
        }

        #[test]
        fn a_sum_is_the_sum_of_its_terms(a in 0_i64..1_000_000, b in 0_i64..1_000_000) {
            prop_assert_eq!(known(&format!("£{a}k + £{b}")), Some(a * 100_000 + b * 100));
            prop_assert_eq!(known(&format!("{a}k plus {b}k")), Some((a + b) * 100_000));
        }

        #[test]
        fn any_text_is_read_without_panicking(cell in "\\PC{0,40}") {
            let _ = parse_money(&cell);
        }
    }
}
