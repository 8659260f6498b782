//! Figures: the numbers an indicator is measured in, held exactly as whole hundredths of its unit.
//!
//! Why not `f64`: money must print to the penny ("£2,109,747"), and a RAG boundary such as 31.32%
//! (10% short of a 34.8% target) must not fall on the wrong side through binary rounding. Seed 004
//! prints nothing finer than one decimal place of a percentage or a whole penny, so one integer
//! scale serves every unit, and for money the integer *is* pence. Arithmetic that divides (pro-rata
//! targets, forecasts) works in `i128` and rounds once, half away from zero.

use std::fmt;
use std::ops::Neg;
use std::str::FromStr;

/// A number in an indicator's unit, held as a whole number of hundredths of that unit: pence for
/// money, hundredths of a percentage point for percentages, hundredths of a day, of a count or of
/// a rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Figure(i64);

/// Why a piece of text is not a figure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FigureError {
    #[error("\"{0}\" is not a number")]
    NotANumber(String),
    #[error("\"{0}\" has more than two decimal places; Waymark keeps figures to the hundredth")]
    TooPrecise(String),
    #[error("\"{0}\" is too large a number")]
    TooLarge(String),
}

impl Figure {
    pub const ZERO: Figure = Figure(0);

    /// A figure from its stored form, a whole number of hundredths of the unit.
    pub const fn from_hundredths(hundredths: i64) -> Figure {
        Figure(hundredths)
    }

    /// The stored form: a whole number of hundredths of the unit (pence, for money).
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// A whole number of units: `Figure::whole(35)` is 35 groups, 35% or £35. Takes `i32` so that
    /// it can never overflow; use [`Figure::from_units`] for larger numbers.
    pub const fn whole(units: i32) -> Figure {
        Figure(units as i64 * 100)
    }

    /// A whole number of units, or `None` when it is too large to hold.
    pub fn from_units(units: i64) -> Option<Figure> {
        units.checked_mul(100).map(Figure)
    }

    /// An amount of money in pence: `Figure::from_pence(210_974_700)` is £2,109,747.
    pub const fn from_pence(pence: i64) -> Figure {
        Figure(pence)
    }

    /// An amount of money in pence. Money is integer pence throughout Waymark.
    pub const fn pence(self) -> i64 {
        self.0
    }

    /// The nearest figure to a floating-point number, as read from a spreadsheet cell. `None` for
    /// NaN, infinities and numbers too large to hold.
    pub fn from_f64(value: f64) -> Option<Figure> {
        let scaled = (value * 100.0).round();
        // 9e18 is safely inside i64's range, so the cast below cannot saturate silently.
        if scaled.is_finite() && scaled.abs() < 9.0e18 {
            Some(Figure(scaled as i64))
        } else {
            None
        }
    }

    /// For charts and least-squares fitting only; rules compare figures exactly.
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    pub fn abs(self) -> Figure {
        Figure(self.0.saturating_abs())
    }

    pub fn is_whole(self) -> bool {
        self.0 % 100 == 0
    }

    /// Reads a figure as written in a plan or a spreadsheet: "80.1", "80.1%", "- 5%", "+0.1%",
    /// "£2,109,747", "2,109,747.00", "−4.3". Signs may be separated from the digits by a space, as
    /// seed 004 prints them. More than two decimal places is an error unless the extra digits are
    /// zeros, because silently rounding a stored figure would change its RAG.
    pub fn parse(text: &str) -> Result<Figure, FigureError> {
        let original = text.trim();
        let not_a_number = || FigureError::NotANumber(original.to_string());
        let mut rest = original;
        let mut negative = false;
        if let Some(after) = rest.strip_prefix(['-', '\u{2212}', '\u{2013}']) {
            negative = true;
            rest = after.trim_start();
        } else if let Some(after) = rest.strip_prefix('+') {
            rest = after.trim_start();
        }
        if let Some(after) = rest.strip_prefix('£') {
            rest = after.trim_start();
            if !negative && let Some(after) = rest.strip_prefix('-') {
                negative = true;
                rest = after;
            }
        }
        if let Some(before) = rest.strip_suffix('%') {
            rest = before.trim_end();
        }
        let (int_part, frac_part) = rest.split_once('.').unwrap_or((rest, ""));
        if (int_part.is_empty() && frac_part.is_empty())
            || !frac_part.chars().all(|c| c.is_ascii_digit())
            || !thousands_well_formed(int_part)
        {
            return Err(not_a_number());
        }
        if frac_part.len() > 2 && frac_part[2..].chars().any(|c| c != '0') {
            return Err(FigureError::TooPrecise(original.to_string()));
        }
        let digits: String = int_part.chars().filter(|c| *c != ',').collect();
        let too_large = || FigureError::TooLarge(original.to_string());
        let units: i64 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| too_large())?
        };
        let mut fraction = 0_i64;
        for (position, digit) in frac_part.bytes().take(2).enumerate() {
            let scale = if position == 0 { 10 } else { 1 };
            fraction += i64::from(digit - b'0') * scale;
        }
        let magnitude = units
            .checked_mul(100)
            .and_then(|h| h.checked_add(fraction))
            .ok_or_else(too_large)?;
        Ok(Figure(if negative { -magnitude } else { magnitude }))
    }
}

impl Neg for Figure {
    type Output = Figure;

    fn neg(self) -> Figure {
        Figure(self.0.saturating_neg())
    }
}

impl fmt::Display for Figure {
    /// The plain number with no unit and no thousands separators, trailing zeros dropped: "80.1",
    /// "-5", "2109747". For pages and reports use [`super::format_figure`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        let (units, hundredths) = (magnitude / 100, magnitude % 100);
        match hundredths {
            0 => write!(f, "{sign}{units}"),
            h if h % 10 == 0 => write!(f, "{sign}{units}.{}", h / 10),
            h => write!(f, "{sign}{units}.{h:02}"),
        }
    }
}

impl FromStr for Figure {
    type Err = FigureError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Figure::parse(s)
    }
}

/// Thousands separators are accepted only where they group threes, so that "1,5" (a continental
/// decimal comma) is refused rather than read as fifteen.
fn thousands_well_formed(int_part: &str) -> bool {
    if !int_part.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return false;
    }
    if !int_part.contains(',') {
        return true;
    }
    let mut groups = int_part.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3)
}

/// `num / den` rounded to the nearest whole number, halves away from zero. `den` must not be
/// zero; callers guarantee it (a zero share of the year is handled before dividing).
pub(crate) fn div_round(num: i128, den: i128) -> i128 {
    if den == 0 {
        return 0;
    }
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let quotient = num / den;
    let remainder = num % den;
    if remainder.abs() * 2 >= den {
        quotient + num.signum()
    } else {
        quotient
    }
}

/// Back from wide arithmetic to a figure, saturating rather than wrapping: a forecast beyond
/// ±92 trillion units is nonsense either way, but it must not turn negative.
pub(crate) fn saturate(hundredths: i128) -> Figure {
    Figure(i64::try_from(hundredths).unwrap_or(if hundredths < 0 { i64::MIN } else { i64::MAX }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    #[test]
    fn parses_figures_as_seed_004_prints_them() {
        assert_eq!(Figure::parse("80.1%"), Ok(Figure::from_hundredths(8010)));
        assert_eq!(Figure::parse("- 5%"), Ok(Figure::whole(-5)));
        assert_eq!(Figure::parse("+ 0.1%"), Ok(Figure::from_hundredths(10)));
        assert_eq!(Figure::parse("+0.1%"), Ok(Figure::from_hundredths(10)));
        assert_eq!(
            Figure::parse("£2,109,747"),
            Ok(Figure::from_pence(210_974_700))
        );
        assert_eq!(
            Figure::parse("£3,000,000.00"),
            Ok(Figure::from_pence(300_000_000))
        );
        assert_eq!(Figure::parse("−4.3"), Ok(Figure::from_hundredths(-430)));
        assert_eq!(Figure::parse(".5"), Ok(Figure::from_hundredths(50)));
        assert_eq!(Figure::parse("85.300"), Ok(Figure::from_hundredths(8530)));
        assert_eq!(Figure::parse("-£12.5"), Ok(Figure::from_pence(-1250)));
    }

    #[test]
    fn refuses_what_it_cannot_hold_exactly() {
        assert!(matches!(
            Figure::parse("12.345"),
            Err(FigureError::TooPrecise(_))
        ));
        assert!(matches!(
            Figure::parse("1,5"),
            Err(FigureError::NotANumber(_))
        ));
        assert!(matches!(
            Figure::parse("N/A"),
            Err(FigureError::NotANumber(_))
        ));
        assert!(matches!(Figure::parse(""), Err(FigureError::NotANumber(_))));
        assert!(matches!(
            Figure::parse("99999999999999999999"),
            Err(FigureError::TooLarge(_))
        ));
    }

    #[test]
    fn display_is_the_plain_number() {
        assert_eq!(Figure::from_hundredths(8010).to_string(), "80.1");
        assert_eq!(Figure::from_hundredths(1750).to_string(), "17.5");
        assert_eq!(Figure::from_hundredths(-430).to_string(), "-4.3");
        assert_eq!(Figure::from_hundredths(1225).to_string(), "12.25");
        assert_eq!(Figure::from_pence(210_974_700).to_string(), "2109747");
    }

    #[test]
    fn floats_round_to_the_nearest_hundredth() {
        assert_eq!(Figure::from_f64(80.1), Some(Figure::from_hundredths(8010)));
        assert_eq!(
            Figure::from_f64(0.853 * 100.0),
            Some(Figure::from_hundredths(8530))
        );
        assert_eq!(Figure::from_f64(f64::NAN), None);
        assert_eq!(Figure::from_f64(1e30), None);
    }

    #[test]
    fn division_rounds_halves_away_from_zero() {
        assert_eq!(div_round(7, 2), 4);
        assert_eq!(div_round(-7, 2), -4);
        assert_eq!(div_round(5, 3), 2);
        assert_eq!(div_round(4, 3), 1);
        assert_eq!(div_round(-4, -3), 1);
    }

    proptest::proptest! {
        #[test]
        fn display_then_parse_round_trips(hundredths in -1_000_000_000_000_i64..1_000_000_000_000) {
            let figure = Figure::from_hundredths(hundredths);
            proptest::prop_assert_eq!(figure.to_string().parse::<Figure>().unwrap(), figure);
        }
    }
}
