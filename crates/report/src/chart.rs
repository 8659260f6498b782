//! An indicator's trend chart for one financial year, drawn once here for every place that shows
//! it: the web app's indicator page, the HTML report and the PDF report (typst reads the same
//! SVG). [`TrendChart::new`] does the arithmetic (scale, ticks, one polyline per unbroken run of
//! figures) into plain strings; [`TrendChart::svg`] writes a complete standalone SVG document
//! through an autoescaped template, with a `<title>` and `<desc>` for screen readers.
//!
//! The chart serialises with the report model, so a published report keeps the chart it was
//! published with. Every mark uses presentation attributes, never `style`, because the web
//! app's content security policy refuses inline styles.

use askama::Template;
use serde::{Deserialize, Serialize};
use waymark_core::indicator::{
    Figure, Indicator, MeasureType, Measurement, Period, PeriodKind, Role,
};

/// The SVG's coordinate space. Where the chart is drawn at its own size (a PDF, a picture in a
/// Word document) one unit is one CSS pixel: 720 × 320 prints about 19 × 8.5 cm at 96 dpi.
pub const WIDTH: f64 = 720.0;
pub const HEIGHT: f64 = 320.0;
const LEFT: f64 = 96.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = 40.0;

/// How wide the SVG asks to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartSize {
    /// `width="100%"`: fills its column in a web page and keeps its proportions.
    Fluid,
    /// 720 × 320, for documents that place it themselves (typst, a Word picture, a report's
    /// HTML whose stylesheet scales it down).
    Fixed,
}

/// One figure of the table that carries the chart's figures for people who cannot see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartRow {
    /// "Q2 2008-09".
    pub period: String,
    /// The figure, "Not yet available", or empty where nothing was recorded.
    pub actual: String,
    pub last_year: String,
    pub target: String,
}

/// An axis tick: where it is, in SVG units, and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tick {
    pub at: String,
    pub label: String,
}

/// A point of the actual figures, with its value in words for a tooltip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dot {
    pub x: String,
    pub y: String,
    pub label: String,
}

/// An indicator's figures for the year of a period, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendChart {
    /// "Increase satisfaction with the overall service provided, 2008-09".
    pub title: String,
    /// The chart in one or two sentences: how many periods have figures, the latest, the target.
    pub description: String,
    /// "Target", or "Target profiled to date" for a year-to-date total.
    pub target_label: String,
    /// Every period of the year, for the table beside the chart.
    pub rows: Vec<ChartRow>,
    y_ticks: Vec<Tick>,
    x_ticks: Vec<Tick>,
    /// `points` attributes, one per unbroken run of figures.
    actual_lines: Vec<String>,
    actual_dots: Vec<Dot>,
    last_year_lines: Vec<String>,
    /// Every figure of last year, so that one alone (a first year of comparisons) still shows.
    #[serde(default)]
    last_year_dots: Vec<Dot>,
    target_line: String,
    /// Whether any figure or target falls in the year.
    has_data: bool,
}

impl TrendChart {
    /// The chart of `indicator` over the financial year of `period`, from its measurements (any
    /// year; those of other years are ignored except as "same period last year").
    pub fn new(indicator: &Indicator, measurements: &[Measurement], period: Period) -> TrendChart {
        let year = period.year();
        let periods = indicator.calendar.periods(year);
        let actual_of = |p: Period| {
            measurements
                .iter()
                .find(|m| m.period == p)
                .and_then(|m| m.actual.figure())
        };
        let last_year_of = |p: Period| {
            measurements
                .iter()
                .find(|m| m.period == p)
                .and_then(|m| m.same_period_last_year)
                .or_else(|| p.same_period_last_year().and_then(actual_of))
        };
        let actuals: Vec<Option<Figure>> = periods.iter().map(|p| actual_of(*p)).collect();
        let last_years: Vec<Option<Figure>> = periods.iter().map(|p| last_year_of(*p)).collect();
        let targets: Vec<Option<Figure>> = periods
            .iter()
            .map(|p| indicator.target_for_period(*p))
            .collect();

        let values: Vec<f64> = actuals
            .iter()
            .chain(&last_years)
            .chain(&targets)
            .flatten()
            .map(|f| f.to_f64())
            .collect();
        let plot = Plot::new(
            &values,
            indicator.measure != MeasureType::Level,
            periods.len(),
        );

        let mut y_ticks = Vec::new();
        let mut value = plot.low;
        while value <= plot.high + plot.step / 1000.0 {
            // A change on last year reads with its sign, as its figures do: "+2.5%", "-5%".
            let label = Figure::from_f64(value)
                .map(|f| indicator.format(f, Role::Target))
                .unwrap_or_default();
            y_ticks.push(Tick {
                at: coordinate(plot.y(value)),
                label,
            });
            value += plot.step;
        }
        let x_ticks = periods
            .iter()
            .enumerate()
            .map(|(index, p)| Tick {
                at: coordinate(plot.x(index)),
                label: short_name(*p),
            })
            .collect();
        let dots = |series: &[Option<Figure>], what: &str| -> Vec<Dot> {
            series
                .iter()
                .enumerate()
                .filter_map(|(index, figure)| {
                    figure.map(|f| Dot {
                        x: coordinate(plot.x(index)),
                        y: coordinate(plot.y(f.to_f64())),
                        label: format!(
                            "{}{what}: {}",
                            periods[index],
                            indicator.format(f, Role::Measured)
                        ),
                    })
                })
                .collect()
        };
        let actual_dots = dots(&actuals, "");
        let last_year_dots = dots(&last_years, ", same period last year");
        let rows = periods
            .iter()
            .enumerate()
            .map(|(index, p)| ChartRow {
                period: p.to_string(),
                actual: match (actuals[index], measurements.iter().any(|m| m.period == *p)) {
                    (Some(f), _) => indicator.format(f, Role::Measured),
                    (None, true) => "Not yet available".into(),
                    (None, false) => String::new(),
                },
                last_year: last_years[index]
                    .map(|f| indicator.format(f, Role::Measured))
                    .unwrap_or_default(),
                target: targets[index]
                    .map(|f| indicator.format(f, Role::Target))
                    .unwrap_or_default(),
            })
            .collect();

        let measured = actuals.iter().flatten().count();
        let latest = periods
            .iter()
            .zip(&actuals)
            .filter_map(|(p, a)| a.map(|f| (p, f)))
            .next_back();
        let mut description = format!(
            "Figures for {measured} of the {} periods of {year}",
            periods.len()
        );
        if let Some((p, f)) = latest {
            description.push_str(&format!(
                "; the latest is {} for {p}",
                indicator.format(f, Role::Measured)
            ));
        }
        match indicator.annual_target {
            Some(target) => description.push_str(&format!(
                ", against an annual target of {}.",
                indicator.format(target, Role::Target)
            )),
            None => description.push_str(". There is no target."),
        }

        TrendChart {
            title: format!("{}, {year}", indicator.title),
            description,
            target_label: if indicator.measure == MeasureType::Cumulative {
                "Target profiled to date".into()
            } else {
                "Target".into()
            },
            rows,
            y_ticks,
            x_ticks,
            actual_lines: plot.runs(&actuals),
            actual_dots,
            last_year_lines: plot.runs(&last_years),
            last_year_dots,
            target_line: plot.runs(&targets).join(" "),
            has_data: !values.is_empty(),
        }
    }

    /// Whether any figure or target was recorded for the year: without one there is nothing to
    /// draw, and pages say so in words instead.
    pub fn has_data(&self) -> bool {
        self.has_data
    }

    /// The chart as a complete SVG document. `id` prefixes the ids of its title and description
    /// (`{id}-title`, `{id}-desc`), which must be unique where several charts share a page.
    pub fn svg(&self, id: &str, size: ChartSize) -> Result<String, askama::Error> {
        let id: String = id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let (width, height) = match size {
            ChartSize::Fluid => ("100%".to_string(), None),
            ChartSize::Fixed => (coordinate(WIDTH), Some(coordinate(HEIGHT))),
        };
        ChartSvg {
            chart: self,
            id: if id.is_empty() { "chart".into() } else { id },
            width,
            height,
            view_box: format!("0 0 {} {}", coordinate(WIDTH), coordinate(HEIGHT)),
            plot_left: coordinate(LEFT),
            plot_right: coordinate(WIDTH - RIGHT),
            plot_bottom: coordinate(HEIGHT - BOTTOM),
        }
        .render()
    }

    /// The chart as a PNG, `scale` pixels per SVG unit, for documents that cannot hold SVG
    /// (Word through docx-rs). Text is set in Libertinus Serif, the font the PDF falls back to,
    /// from the fonts built into the binary: the machine's own fonts are never read, so the
    /// picture is the same everywhere.
    pub fn png(&self, scale: f32) -> Result<Vec<u8>, String> {
        use resvg::{tiny_skia, usvg};
        let svg = self
            .svg("chart", ChartSize::Fixed)
            .map_err(|e| e.to_string())?;
        let options = usvg::Options {
            font_family: RASTER_FONT.to_string(),
            fontdb: raster_fonts(),
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| e.to_string())?;
        let size = tree
            .size()
            .to_int_size()
            .scale_by(scale)
            .ok_or("empty chart")?;
        let mut pixmap =
            tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("empty chart")?;
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        pixmap.encode_png().map_err(|e| e.to_string())
    }
}

const RASTER_FONT: &str = "Libertinus Serif";

/// typst's bundled fonts, parsed once, with every generic family mapped to Libertinus Serif.
fn raster_fonts() -> std::sync::Arc<resvg::usvg::fontdb::Database> {
    use std::sync::{Arc, OnceLock};
    static FONTS: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            for data in typst_assets::fonts() {
                db.load_font_data(data.to_vec());
            }
            db.set_serif_family(RASTER_FONT);
            db.set_sans_serif_family(RASTER_FONT);
            Arc::new(db)
        })
        .clone()
}

#[derive(Template)]
#[template(path = "chart.svg")]
struct ChartSvg<'a> {
    chart: &'a TrendChart,
    id: String,
    width: String,
    height: Option<String>,
    view_box: String,
    plot_left: String,
    plot_right: String,
    plot_bottom: String,
}

/// The plotting area's scale: values to y, period slots to x.
struct Plot {
    low: f64,
    high: f64,
    step: f64,
    slots: usize,
}

impl Plot {
    fn new(values: &[f64], include_zero: bool, slots: usize) -> Plot {
        let (low, high, step) = scale(values, include_zero);
        Plot {
            low,
            high,
            step,
            slots: slots.max(1),
        }
    }

    fn y(&self, value: f64) -> f64 {
        TOP + (self.high - value) / (self.high - self.low) * (HEIGHT - TOP - BOTTOM)
    }

    fn x(&self, index: usize) -> f64 {
        LEFT + (index as f64 + 0.5) * (WIDTH - LEFT - RIGHT) / self.slots as f64
    }

    /// `points` attributes for each run of two or more consecutive figures; a gap (a period
    /// without a figure) breaks the line rather than bridging it.
    fn runs(&self, series: &[Option<Figure>]) -> Vec<String> {
        let mut lines = Vec::new();
        let mut current: Vec<String> = Vec::new();
        for (index, figure) in series.iter().enumerate() {
            match figure {
                Some(f) => current.push(format!(
                    "{},{}",
                    coordinate(self.x(index)),
                    coordinate(self.y(f.to_f64()))
                )),
                None => {
                    if current.len() > 1 {
                        lines.push(current.join(" "));
                    }
                    current.clear();
                }
            }
        }
        if current.len() > 1 {
            lines.push(current.join(" "));
        }
        lines
    }
}

/// The axis range and tick step: round steps of 1, 2, 2.5 or 5 times a power of ten, about
/// five ticks, with zero included where the measure starts from it (year-to-date totals) or
/// swings about it (changes).
fn scale(values: &[f64], include_zero: bool) -> (f64, f64, f64) {
    let mut low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() || !high.is_finite() {
        return (0.0, 1.0, 0.25);
    }
    if include_zero {
        low = low.min(0.0);
        high = high.max(0.0);
    }
    if (high - low).abs() < f64::EPSILON {
        let pad = if high.abs() > 0.0 {
            high.abs() / 10.0
        } else {
            1.0
        };
        low -= pad;
        high += pad;
    }
    let raw = (high - low) / 4.0;
    let magnitude = 10_f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    (
        (low / step).floor() * step,
        (high / step).ceil() * step,
        step,
    )
}

fn coordinate(value: f64) -> String {
    format!("{value:.1}")
}

/// "Apr", "Q1", "P1": the x-axis label of a period.
fn short_name(period: Period) -> String {
    match period.kind() {
        PeriodKind::Month => period.start_date().format("%b").to_string(),
        PeriodKind::Quarter => format!("Q{}", period.index()),
        PeriodKind::FourWeek => format!("P{}", period.index()),
        PeriodKind::Year => period.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use waymark_core::indicator::{Calendar, Direction, FinancialYear, IndicatorId, Unit, Wording};

    use super::*;

    fn quarter(n: u32) -> Period {
        Period::quarter(FinancialYear::starting(2008).unwrap(), n).unwrap()
    }

    fn satisfaction() -> Indicator {
        Indicator {
            annual_target: Some(Figure::whole(80)),
            ..Indicator::new(
                IndicatorId(1),
                "Increase satisfaction with the overall service provided",
                Wording::new("Overall satisfaction"),
                Unit::Percent,
                Direction::HigherIsBetter,
                MeasureType::Level,
                Calendar::Quarterly,
            )
        }
    }

    fn confiscation() -> Indicator {
        Indicator {
            annual_target: Some(Figure::whole(3_000_000)),
            ..Indicator::new(
                IndicatorId(2),
                "The value of confiscation orders",
                Wording::new("The value of confiscation orders"),
                Unit::Money,
                Direction::HigherIsBetter,
                MeasureType::Cumulative,
                Calendar::Quarterly,
            )
        }
    }

    #[test]
    fn scales_have_round_steps_and_cover_the_figures() {
        assert_eq!(scale(&[80.1, 92.0, 77.1], false), (75.0, 95.0, 5.0));
        assert_eq!(
            scale(&[2_109_747.0, 3_000_000.0], true),
            (0.0, 3_000_000.0, 1_000_000.0)
        );
        assert_eq!(scale(&[-4.3, 0.1, -5.0], true), (-6.0, 2.0, 2.0));
        assert_eq!(scale(&[], false), (0.0, 1.0, 0.25));
        let (low, high, _) = scale(&[7.0, 7.0], false);
        assert!(low < 7.0 && high > 7.0);
    }

    #[test]
    fn periods_have_short_axis_names() {
        assert_eq!(short_name(Period::parse("September 2008").unwrap()), "Sep");
        assert_eq!(short_name(Period::parse("Q2 2008-09").unwrap()), "Q2");
        assert_eq!(short_name(Period::parse("P6 2008-09").unwrap()), "P6");
    }

    #[test]
    fn a_level_indicator_charts_every_quarter_of_the_year_with_its_figures_in_words() {
        let measurements = [
            Measurement::new(quarter(1), Figure::from_hundredths(7910))
                .with_last_year(Figure::from_hundredths(7650)),
            Measurement::new(quarter(2), Figure::from_hundredths(8010))
                .with_last_year(Figure::from_hundredths(7710)),
        ];
        let chart = TrendChart::new(&satisfaction(), &measurements, quarter(2));
        assert!(chart.has_data());
        assert_eq!(
            chart.title,
            "Increase satisfaction with the overall service provided, 2008-09"
        );
        assert_eq!(
            chart.description,
            "Figures for 2 of the 4 periods of 2008-09; the latest is 80.1% for Q2 2008-09, \
             against an annual target of 80%."
        );
        let periods: Vec<&str> = chart.rows.iter().map(|r| r.period.as_str()).collect();
        assert_eq!(
            periods,
            ["Q1 2008-09", "Q2 2008-09", "Q3 2008-09", "Q4 2008-09"]
        );
        assert_eq!(chart.rows[1].actual, "80.1%");
        assert_eq!(chart.rows[1].last_year, "77.1%");
        assert_eq!(chart.rows[2].actual, "");
        assert_eq!(chart.rows[3].target, "80%");
        let labels: Vec<&str> = chart.x_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["Q1", "Q2", "Q3", "Q4"]);
        // One run of two actual figures, one of last year's, and the flat target across all four.
        assert_eq!(chart.actual_lines.len(), 1);
        assert_eq!(chart.actual_dots.len(), 2);
        assert_eq!(chart.last_year_lines.len(), 1);
        assert_eq!(chart.last_year_dots.len(), 2);
        assert_eq!(
            chart.last_year_dots[1].label,
            "Q2 2008-09, same period last year: 77.1%"
        );
        assert_eq!(chart.target_line.split(' ').count(), 4);
    }

    #[test]
    fn a_gap_breaks_the_line_and_a_not_yet_available_period_says_so() {
        let measurements = [
            Measurement::new(quarter(1), Figure::whole(70)),
            Measurement::not_yet_available(quarter(2)),
            Measurement::new(quarter(3), Figure::whole(75)),
            Measurement::new(quarter(4), Figure::whole(78)),
        ];
        let chart = TrendChart::new(&satisfaction(), &measurements, quarter(4));
        assert_eq!(chart.actual_lines.len(), 1, "Q1 alone is a dot, not a line");
        assert_eq!(chart.actual_dots.len(), 3);
        assert_eq!(chart.rows[1].actual, "Not yet available");
    }

    #[test]
    fn a_year_to_date_total_is_charted_from_zero_against_the_profiled_target() {
        let measurements = [
            Measurement::new(quarter(1), Figure::whole(900_000)),
            Measurement::new(quarter(2), Figure::whole(2_109_747)),
        ];
        let chart = TrendChart::new(&confiscation(), &measurements, quarter(2));
        assert_eq!(chart.target_label, "Target profiled to date");
        assert_eq!(chart.y_ticks.first().unwrap().label, "£0");
        assert_eq!(chart.y_ticks.last().unwrap().label, "£3,000,000");
        assert_eq!(chart.rows[1].target, "£1,500,000");
    }

    #[test]
    fn a_change_on_last_year_has_signed_ticks_about_zero() {
        let indicator = Indicator {
            annual_target: Some(Figure::whole(-5)),
            ..Indicator::new(
                IndicatorId(3),
                "Reduce the level of serious acquisitive crime",
                Wording::new("The level of serious acquisitive crime"),
                Unit::Percent,
                Direction::LowerIsBetter,
                MeasureType::Change,
                Calendar::Quarterly,
            )
        };
        let measurements = [
            Measurement::new(quarter(1), Figure::from_hundredths(70)),
            Measurement::new(quarter(2), Figure::from_hundredths(10)),
        ];
        let chart = TrendChart::new(&indicator, &measurements, quarter(2));
        let labels: Vec<&str> = chart.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["-6%", "-4%", "-2%", "0%", "+2%"]);
        assert_eq!(chart.rows[1].actual, "+0.1%");
    }

    #[test]
    fn the_svg_is_a_standalone_document_with_a_text_alternative() {
        let measurements = [Measurement::new(quarter(1), Figure::from_hundredths(7910))];
        let chart = TrendChart::new(&satisfaction(), &measurements, quarter(1));
        let svg = chart.svg("chart 3", ChartSize::Fixed).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains(r#"width="720.0" height="320.0""#));
        assert!(svg.contains(r#"aria-labelledby="chart-3-title chart-3-desc""#));
        assert!(svg.contains(
            "<title id=\"chart-3-title\">Increase satisfaction with the overall service provided, 2008-09</title>"
        ));
        assert!(svg.contains("<desc id=\"chart-3-desc\">Figures for 1 of the 4 periods"));
        assert!(svg.contains("<title>Q1 2008-09: 79.1%</title>"));
        assert!(
            !svg.contains("style="),
            "the web's CSP refuses inline styles"
        );
        assert!(
            !svg.contains("Same period last year"),
            "no legend for a series with no figures"
        );
        let fluid = chart.svg("chart", ChartSize::Fluid).unwrap();
        assert!(fluid.contains(r#"width="100%""#) && !fluid.contains("height="));
    }

    #[test]
    fn the_chart_rasterises_to_a_png_for_word() {
        let measurements = [Measurement::new(quarter(1), Figure::from_hundredths(7910))];
        let chart = TrendChart::new(&satisfaction(), &measurements, quarter(1));
        let png = chart.png(2.0).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        // IHDR: 1440 × 640 pixels.
        assert_eq!(&png[16..24], &[0, 0, 5, 160, 0, 0, 2, 128]);
    }

    #[test]
    fn text_in_the_svg_is_escaped() {
        let indicator = Indicator {
            title: "Arrests <b>& charges</b>".into(),
            ..satisfaction()
        };
        let chart = TrendChart::new(
            &indicator,
            &[Measurement::new(quarter(1), Figure::whole(1))],
            quarter(1),
        );
        let svg = chart.svg("c", ChartSize::Fixed).unwrap();
        assert!(svg.contains("Arrests &#60;b&#62;&#38; charges&#60;/b&#62;, 2008-09"));
    }

    #[test]
    fn a_year_without_figures_or_target_has_nothing_to_draw() {
        let indicator = Indicator {
            annual_target: None,
            ..satisfaction()
        };
        let chart = TrendChart::new(&indicator, &[], quarter(2));
        assert!(!chart.has_data());
        assert!(chart.description.ends_with("There is no target."));
    }
}
