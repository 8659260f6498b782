//! A plan's performance indicators for a chosen period (target, actual, same period last year,
//! RAG, forecast, on track, and the sentence a report prints), and one indicator's page: its
//! settings, a trend chart, every measurement entered with who and when, and the form to record
//! a period's figure.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use waymark_app::model::{MeasurementEntry, StoredIndicator};
use waymark_core::indicator::{
    Calendar, Direction, Figure, Indicator, IndicatorId, IndicatorState, MeasureType, Period,
    PeriodKind, Role, ToleranceMode, Unit, YearToDateRule, format_figure, year_to_date,
};
use waymark_core::{PlanId, Rag};
use waymark_io::list_export::{List, ListCell};
use waymark_report::chart::{ChartSize, TrendChart};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::downloads::{ListFormat, list_download};
use crate::pages::{Chrome, RagView, long_date, quoted, render, with_errors};
use crate::state::AppState;
use crate::views_indicators::{
    IndicatorRow, MeasurementInput, calendar_words, evaluate_row, latest_ended, measure_words,
    parse_period, previous_period,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/indicators", get(list))
        .route("/indicators/{id}", get(show).post(record))
}

#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
    recorded: Option<String>,
    /// `csv` or `xlsx`: the table on the page as a download.
    format: Option<String>,
}

#[derive(Deserialize)]
struct MeasurementForm {
    period: String,
    #[serde(default)]
    actual: String,
    not_yet_available: Option<String>,
    #[serde(default)]
    same_period_last_year: String,
    /// Why a figure already recorded for the period is replaced.
    #[serde(default)]
    reason: String,
}

// ---------------------------------------------------------------------------------------------
// The plan's table.

struct Row {
    id: i64,
    title: String,
    /// Set when the indicator's own period differs from the one chosen ("September 2026").
    own_period: String,
    target: String,
    /// "of £3,000,000 for the year" where the target is profiled.
    annual_note: String,
    actual: String,
    last_year: String,
    rag: RagView,
    forecast: String,
    on_track: String,
    sentence: String,
}

struct Group {
    heading: String,
    rows: Vec<Row>,
}

struct PeriodChoice {
    label: &'static str,
    options: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct IndicatorsPage {
    chrome: Chrome,
    plan_id: i64,
    plan_title: String,
    period: String,
    period_query: String,
    choices: Vec<PeriodChoice>,
    /// Why the period asked for was refused; the page then shows the default period.
    period_error: String,
    /// The error summary: (field id, message).
    errors: Vec<(String, String)>,
    groups: Vec<Group>,
    /// (colour class, word, count) for the RAG summary.
    summary: Vec<(&'static str, &'static str, usize)>,
    count: usize,
    csv_href: String,
    xlsx_href: String,
}

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let today = state.today();
    // A period that cannot be read shows the default period, with the field in error.
    let (mut selected, mut period_error) = match parse_period(query.period.as_deref(), today) {
        Ok(period) => (period, String::new()),
        Err(_) => {
            let typed = query.period.as_deref().unwrap_or_default().trim();
            let message = format!(
                "Choose a period from the list – “{}” is not a period",
                quoted(typed)
            );
            let default = parse_period(None, today)
                .map_err(|message| AppError::invalid("period", message))?;
            (default, message)
        }
    };
    // A period named is answered exactly; one that names no period of some indicator's
    // calendar shows the default period instead, with the refusal (and the periods the
    // indicators report) in error, never the neighbouring period's figures (issue #24).
    let named = period_error.is_empty()
        && query
            .period
            .as_deref()
            .is_some_and(|p| !p.trim().is_empty());
    let answered = if named {
        match state
            .app
            .plan_indicators_named(&viewer.actor, PlanId(id), selected, None)
            .await
        {
            Err(
                waymark_app::AppError::Invalid(refusals) | waymark_app::AppError::State(refusals),
            ) => {
                period_error = refusals
                    .into_iter()
                    .map(|(_, message)| message)
                    .collect::<Vec<_>>()
                    .join(". ");
                selected = parse_period(None, today)
                    .map_err(|message| AppError::invalid("period", message))?;
                None
            }
            other => Some(other?),
        }
    } else {
        None
    };
    let (visible, rows) = match answered {
        Some(answered) => answered,
        None => {
            state
                .app
                .plan_indicators(&viewer.actor, PlanId(id), selected, None)
                .await?
        }
    };
    let errors = if period_error.is_empty() {
        Vec::new()
    } else {
        vec![("period".to_string(), period_error.clone())]
    };
    let has_errors = !errors.is_empty();
    let plan = visible.plan;
    let read = state.app.plan_view(&viewer.actor, plan.id, today).await?;
    let view = read.view.clone();

    // Group by the objective each indicator serves, in the plan's order, as seed 004's report
    // lists its indicators under each strategic objective.
    let mut groups: Vec<Group> = Vec::new();
    // Each row as the download holds it: its group's heading and the row, in the page's order.
    let mut listed: Vec<(String, &IndicatorRow)> = Vec::new();
    let mut placed = vec![false; rows.len()];
    for item in &view.items {
        let members: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, row)| row.stored.indicator.objective == Some(item.id))
            .map(|(index, _)| index)
            .collect();
        if members.is_empty() {
            continue;
        }
        let heading = match &item.fields.reference {
            Some(reference) => format!("{reference} {}", item.fields.text),
            None => item.fields.text.clone(),
        };
        for index in &members {
            placed[*index] = true;
            listed.push((heading.clone(), &rows[*index]));
        }
        groups.push(Group {
            heading,
            rows: members
                .iter()
                .map(|index| table_row(&rows[*index], selected))
                .collect(),
        });
    }
    let loose: Vec<Row> = rows
        .iter()
        .zip(&placed)
        .filter(|(_, placed)| !**placed)
        .map(|(row, _)| table_row(row, selected))
        .collect();
    if !loose.is_empty() {
        let heading = if groups.is_empty() {
            ""
        } else {
            "Other indicators"
        };
        listed.extend(
            rows.iter()
                .zip(&placed)
                .filter(|(_, placed)| !**placed)
                .map(|(row, _)| (heading.to_string(), row)),
        );
        groups.push(Group {
            heading: if groups.is_empty() {
                String::new()
            } else {
                "Other indicators".to_string()
            },
            rows: loose,
        });
    }

    if let Some(format) = ListFormat::parse(query.format.as_deref()) {
        let list = as_list(&listed, selected, plan.marking.label());
        return list_download(list, format, &format!("indicators-{}", plan.id.0)).await;
    }
    let download = |format: &str| {
        format!(
            "/plans/{}/indicators?{}&format={format}",
            plan.id.0,
            period_query(selected)
        )
    };

    let mut measured: BTreeSet<Period> = BTreeSet::new();
    let mut calendars: Vec<Calendar> = Vec::new();
    for row in &rows {
        measured.extend(row.measurements.iter().map(|m| m.period));
        if !calendars.contains(&row.stored.indicator.calendar) {
            calendars.push(row.stored.indicator.calendar);
        }
    }
    let html = render(&IndicatorsPage {
        chrome: Chrome::for_viewer(&viewer, "plans").marked(plan.marking),
        plan_id: plan.id.0,
        plan_title: plan.title.clone(),
        period: selected.to_string(),
        period_query: period_query(selected),
        choices: period_choices(today, selected, &measured, &calendars),
        period_error,
        errors,
        summary: summary(&rows),
        count: rows.len(),
        groups,
        csv_href: download("csv"),
        xlsx_href: download("xlsx"),
    })?;
    Ok(with_errors(html, has_errors))
}

/// The table on the page as a download: a row per indicator under its objective, figures as
/// numbers in the indicator's unit (pounds, not pence; 85.3 for 85.3%), each beside its unit.
fn as_list(rows: &[(String, &IndicatorRow)], selected: Period, marking: String) -> List {
    let number =
        |figure: Option<Figure>| figure.map_or(ListCell::Empty, |f| ListCell::Number(f.to_f64()));
    List {
        title: format!("Indicators {selected}"),
        marking,
        columns: [
            "Objective",
            "Indicator",
            "Period",
            "Unit",
            "Better",
            "Target for the period",
            "Target for the year",
            "Actual",
            "Same period last year",
            "RAG",
            "Forecast",
            "On track",
            "Summary",
        ]
        .map(str::to_string)
        .to_vec(),
        rows: rows
            .iter()
            .map(|(objective, row)| {
                let indicator = &row.stored.indicator;
                let evaluation = &row.evaluation;
                let rag = rag_view(evaluation.rag, evaluation.state);
                vec![
                    ListCell::text(objective),
                    ListCell::text(&indicator.title),
                    ListCell::text(row.period.to_string()),
                    ListCell::text(match indicator.unit {
                        Unit::Percent => "%",
                        Unit::Money => "£",
                        other => other.as_str(),
                    }),
                    ListCell::text(match indicator.direction {
                        Direction::HigherIsBetter => "Higher",
                        Direction::LowerIsBetter => "Lower",
                    }),
                    number(evaluation.target_for_period),
                    number(evaluation.annual_target),
                    number(evaluation.actual),
                    number(evaluation.same_period_last_year),
                    ListCell::text(rag.word),
                    number(evaluation.forecast),
                    ListCell::text(match evaluation.on_track {
                        Some(true) => "Yes",
                        Some(false) => "No",
                        None => "",
                    }),
                    ListCell::text(&evaluation.sentence),
                ]
            })
            .collect(),
    }
}

fn table_row(row: &IndicatorRow, selected: Period) -> Row {
    let indicator = &row.stored.indicator;
    let evaluation = &row.evaluation;
    let shown = |figure: Option<Figure>, role| {
        figure
            .map(|f| indicator.format(f, role))
            .unwrap_or_default()
    };
    let annual_note = match (evaluation.target_for_period, evaluation.annual_target) {
        (Some(profiled), Some(annual)) if profiled != annual => {
            format!("of {} for the year", indicator.format(annual, Role::Target))
        }
        _ => String::new(),
    };
    Row {
        id: indicator.id.0,
        title: indicator.title.clone(),
        own_period: if row.period == selected {
            String::new()
        } else {
            row.period.to_string()
        },
        target: evaluation
            .target_for_period
            .map(|t| indicator.format(t, Role::Target))
            .unwrap_or_else(|| "No target".into()),
        annual_note,
        actual: evaluation
            .actual
            .map(|a| indicator.format(a, Role::Measured))
            .unwrap_or_else(|| "Not yet available".into()),
        last_year: shown(evaluation.same_period_last_year, Role::Measured),
        rag: rag_view(evaluation.rag, evaluation.state),
        forecast: shown(evaluation.forecast, Role::Forecast),
        on_track: match evaluation.on_track {
            Some(true) => "Yes".into(),
            Some(false) => "No".into(),
            None => String::new(),
        },
        sentence: evaluation.sentence.clone(),
    }
}

/// RAG as word and colour; without one, the reason in grey ("Not yet available", "No target").
fn rag_view(rag: Option<Rag>, state: Option<IndicatorState>) -> RagView {
    match (rag, state) {
        (Some(rag), _) => RagView::new(Some(rag)),
        (None, Some(state)) => RagView {
            word: state.label(),
            class: "grey",
        },
        (None, None) => RagView::new(None),
    }
}

fn summary(rows: &[IndicatorRow]) -> Vec<(&'static str, &'static str, usize)> {
    let count = |wanted: &dyn Fn(&IndicatorRow) -> bool| rows.iter().filter(|r| wanted(r)).count();
    let rag = |r: Rag| move |row: &IndicatorRow| row.evaluation.rag == Some(r);
    let state = |s: IndicatorState| move |row: &IndicatorRow| row.evaluation.state == Some(s);
    [
        ("red", "Red", count(&rag(Rag::Red))),
        ("amber", "Amber", count(&rag(Rag::Amber))),
        ("green", "Green", count(&rag(Rag::Green))),
        (
            "grey",
            "Not yet available",
            count(&state(IndicatorState::NotYetAvailable)),
        ),
        ("grey", "No target", count(&state(IndicatorState::NoTarget))),
    ]
    .into_iter()
    .filter(|(_, _, n)| *n > 0)
    .collect()
}

/// The periods offered by the selector: the last eight quarters, eighteen months and three
/// financial years ended by today, every quarter and month that has a measurement, and the
/// period chosen; newest first.
fn period_choices(
    today: NaiveDate,
    selected: Period,
    measured: &BTreeSet<Period>,
    calendars: &[Calendar],
) -> Vec<PeriodChoice> {
    let recent = |calendar: Calendar, count: usize| -> Vec<Period> {
        let mut periods = Vec::new();
        let mut next = latest_ended(calendar, today);
        while let Some(period) = next {
            if periods.len() == count {
                break;
            }
            periods.push(period);
            next = previous_period(calendar, period);
        }
        periods
    };
    let years: Vec<Period> = recent(Calendar::Quarterly, 12)
        .into_iter()
        .filter(|p| p.index() == 4)
        .filter_map(|p| Period::parse(&p.year().to_string()).ok())
        .collect();
    let mut all: BTreeSet<Period> = BTreeSet::new();
    all.extend(recent(Calendar::Quarterly, 8));
    all.extend(recent(Calendar::Monthly, 18));
    all.extend(years);
    if calendars.contains(&Calendar::FourWeekly) {
        all.extend(recent(Calendar::FourWeekly, 13));
    }
    all.extend(measured.iter().filter(|p| p.kind() != PeriodKind::Year));
    // Offer only the periods every indicator of the plan can answer for exactly (issue #24):
    // a four-weekly plan is not offered quarters that would be refused.
    all.retain(|period| {
        calendars
            .iter()
            .all(|calendar| calendar.resolve(*period).is_ok())
    });
    all.insert(selected);
    [
        ("Quarters", PeriodKind::Quarter),
        ("Months", PeriodKind::Month),
        ("Four-week periods", PeriodKind::FourWeek),
        ("Financial years", PeriodKind::Year),
    ]
    .into_iter()
    .map(|(label, kind)| PeriodChoice {
        label,
        options: all
            .iter()
            .rev()
            .filter(|p| p.kind() == kind)
            .map(|p| (p.to_string(), *p == selected))
            .collect(),
    })
    .filter(|choice| !choice.options.is_empty())
    .collect()
}

/// `period=Q2+2026-27`, for links.
fn period_query(period: Period) -> String {
    serde_urlencoded::to_string([("period", period.to_string())]).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// One indicator.

struct HistoryRow {
    period: String,
    figure: String,
    last_year: String,
    entered: String,
    by: String,
    replaced: bool,
    /// Why this entry replaced the one before, where someone said.
    reason: String,
}

/// An indicator's year to date, as its page shows it.
struct YearToDateView {
    /// "4.2%, the mean of 6 periods".
    value: String,
    target: String,
    rag: RagView,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    chrome: Chrome,
    id: i64,
    plan_id: i64,
    plan_title: String,
    title: String,
    objective: String,
    facts: Vec<(&'static str, String)>,
    period: String,
    actual: String,
    target: String,
    rag: RagView,
    /// The year to the period by the indicator's own rule: value, target and RAG; `None` when
    /// no period of the year to it has a figure.
    year_to_date: Option<YearToDateView>,
    sentence: String,
    chart: TrendChart,
    /// The chart as inline SVG, from the builder the reports share.
    chart_svg: String,
    history: Vec<HistoryRow>,
    recorded: bool,
    errors: Vec<(String, String)>,
    form_period: String,
    form_actual: String,
    form_not_yet_available: bool,
    form_last_year: String,
    form_reason: String,
    period_hint: String,
    figure_hint: String,
    may_record: bool,
}

impl IndicatorPage {
    /// The message for a field, if it has one, for the GOV.UK error message beside it.
    fn error_for(&self, field: &str) -> String {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.clone())
            .unwrap_or_default()
    }
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<PeriodQuery>,
) -> Result<Html<String>, AppError> {
    let page = build(&state, &viewer, IndicatorId(id), query.period.as_deref()).await?;
    render(&IndicatorPage {
        recorded: query.recorded.is_some(),
        ..page
    })
}

async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<MeasurementForm>,
) -> Result<Response, AppError> {
    let input = MeasurementInput {
        period: form.period.clone(),
        actual: form.actual.clone(),
        not_yet_available: form.not_yet_available.is_some(),
        same_period_last_year: form.same_period_last_year.clone(),
        reason: form.reason.clone(),
    };
    let recorded = state
        .app
        .record_measurement(&viewer.actor, IndicatorId(id), &input)
        .await
        .map_err(AppError::from);
    match recorded {
        Ok(measurement) => {
            let query = period_query(measurement.period);
            Ok(
                Redirect::to(&format!("/indicators/{id}?{query}&recorded=1#history"))
                    .into_response(),
            )
        }
        Err(AppError::Invalid(errors)) => {
            let page = build(&state, &viewer, IndicatorId(id), None).await?;
            let mut response = render(&IndicatorPage {
                errors,
                form_period: form.period,
                form_actual: form.actual,
                form_not_yet_available: input.not_yet_available,
                form_last_year: form.same_period_last_year,
                form_reason: form.reason,
                ..page
            })?
            .into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}
async fn build(
    state: &AppState,
    viewer: &Viewer,
    id: IndicatorId,
    period: Option<&str>,
) -> Result<IndicatorPage, AppError> {
    let today = state.today();
    let read = state.app.indicator(&viewer.actor, id).await?;
    let stored = read.stored.clone();
    let calendar = stored.indicator.calendar;
    // The indicator's own latest period ended by today, unless another is asked for.
    let selected = match period.map(str::trim).filter(|p| !p.is_empty()) {
        Some(_) => {
            parse_period(period, today).map_err(|message| AppError::invalid("period", message))?
        }
        None => latest_ended(calendar, today)
            .ok_or_else(|| AppError::invalid("period", "There is no period ended by today"))?,
    };
    let plan = read.plan.plan.clone();
    let measurements = read.measurements.clone();
    let history = read.history.clone();
    let objective = match stored.indicator.objective {
        Some(item) => state
            .app
            .plan_view(&viewer.actor, plan.id, today)
            .await?
            .view
            .item(item)
            .map(|state| match &state.fields.reference {
                Some(reference) => format!("{reference} {}", state.fields.text),
                None => state.fields.text.clone(),
            })
            .unwrap_or_default(),
        None => String::new(),
    };
    let owner = match (&stored.owner_post, &read.owner_holder) {
        (Some(post), Some(holder)) => format!("{post} ({holder})"),
        (Some(post), None) => post.clone(),
        (None, _) => "Not recorded".to_string(),
    };

    let row = evaluate_row(stored.clone(), measurements, selected);
    let indicator = &row.stored.indicator;
    let evaluation = &row.evaluation;
    let facts = facts(&row.stored, owner);
    let chart = TrendChart::new(&row.stored.indicator, &row.measurements, row.period);
    let chart_svg = chart
        .svg("chart", ChartSize::Fluid)
        .map_err(|e| AppError::Internal(format!("chart: {e}")))?;
    let history_rows = history_rows(indicator, &history);
    let suggestion = latest_ended(calendar, today)
        .map(|p| p.to_string())
        .unwrap_or_default();
    Ok(IndicatorPage {
        chrome: Chrome::for_viewer(viewer, "plans").marked(plan.marking),
        id: id.0,
        plan_id: plan.id.0,
        plan_title: plan.title.clone(),
        title: indicator.title.clone(),
        objective,
        facts,
        period: row.period.to_string(),
        actual: evaluation
            .actual
            .map(|a| indicator.format(a, Role::Measured))
            .unwrap_or_else(|| "Not yet available".into()),
        target: evaluation
            .target_for_period
            .map(|t| indicator.format(t, Role::Target))
            .unwrap_or_else(|| "No target".into()),
        rag: rag_view(evaluation.rag, evaluation.state),
        year_to_date: year_to_date(indicator, &row.measurements, row.period).map(|ytd| {
            let periods = match ytd.periods_reported {
                1 => "1 period".to_string(),
                n => format!("{n} periods"),
            };
            YearToDateView {
                value: match ytd.rule {
                    YearToDateRule::Sum => format!(
                        "{}, the sum of {periods}",
                        indicator.format(ytd.value, Role::Measured)
                    ),
                    YearToDateRule::Mean => format!(
                        "{}, the mean of {periods}",
                        indicator.format(ytd.value, Role::Measured)
                    ),
                    YearToDateRule::Latest => format!(
                        "{}, the period's own figure",
                        indicator.format(ytd.value, Role::Measured)
                    ),
                },
                target: ytd
                    .target
                    .map(|t| indicator.format(t, Role::Target))
                    .unwrap_or_else(|| "No target".into()),
                rag: rag_view(
                    ytd.rag,
                    ytd.target.is_none().then_some(IndicatorState::NoTarget),
                ),
            }
        }),
        sentence: evaluation.sentence.clone(),
        chart,
        chart_svg,
        history: history_rows,
        recorded: false,
        errors: Vec::new(),
        form_period: suggestion.clone(),
        form_actual: String::new(),
        form_not_yet_available: false,
        form_last_year: String::new(),
        form_reason: String::new(),
        may_record: read.may_record,
        period_hint: format!(
            "This indicator is reported {}. For example, {}.",
            calendar_words(calendar),
            if suggestion.is_empty() {
                "Q2 2026-27".to_string()
            } else {
                suggestion
            }
        ),
        figure_hint: figure_hint(indicator.unit, indicator.measure).to_string(),
    })
}

/// The indicator's settings in words, for the summary list.
fn facts(stored: &StoredIndicator, owner: String) -> Vec<(&'static str, String)> {
    let indicator = &stored.indicator;
    let target = |figure: Figure| indicator.format(figure, Role::Target);
    let mut facts = vec![
        ("Owner", owner),
        ("Measure", measure_words(indicator.measure).to_string()),
        (
            "Better when",
            match indicator.direction {
                Direction::HigherIsBetter => "Higher".to_string(),
                Direction::LowerIsBetter => "Lower".to_string(),
            },
        ),
        ("Year to date", year_to_date_rule_words(indicator)),
        (
            "Reported",
            match indicator.calendar {
                Calendar::Monthly => "Monthly".to_string(),
                Calendar::Quarterly => "Quarterly".to_string(),
                Calendar::FourWeekly => "In 13 four-week periods".to_string(),
            },
        ),
        (
            "Annual target",
            indicator.annual_target.map(target).unwrap_or_else(|| {
                "No target: a diagnostic indicator, measured but not given a RAG status".into()
            }),
        ),
    ];
    if let Some(baseline) = indicator.baseline {
        facts.push(("Baseline", target(baseline)));
    }
    if let Some(minimum) = indicator.minimum {
        facts.push(("Minimum target", target(minimum)));
    }
    if let Some(stretch) = indicator.stretch {
        facts.push(("Stretch target", target(stretch)));
    }
    if indicator.annual_target.is_some() {
        let rule = if indicator.minimum.is_some() && indicator.stretch.is_some() {
            "Green at or beyond the stretch target, Amber at or beyond the minimum, Red short of the minimum".to_string()
        } else {
            let amount = indicator.tolerance.amount;
            let band = match indicator.tolerance.mode {
                ToleranceMode::Relative => {
                    format!(
                        "{} of the target",
                        format_figure(amount, Unit::Percent, Role::Target)
                    )
                }
                ToleranceMode::Absolute if indicator.unit == Unit::Percent => format!(
                    "{} percentage points",
                    format_figure(amount, Unit::Rate, Role::Target)
                ),
                ToleranceMode::Absolute => format_figure(amount, indicator.unit, Role::Target),
            };
            format!("Green when the target is met, Amber within {band}, Red beyond")
        };
        facts.push(("RAG rule", rule));
    }
    facts
}

/// How the indicator's year to date is worked out, and whence the rule: the table it was
/// imported from, or its measure type and unit.
fn year_to_date_rule_words(indicator: &Indicator) -> String {
    let rule = YearToDateRule::for_indicator(indicator);
    let how = match rule {
        YearToDateRule::Sum => "The sum of the periods",
        YearToDateRule::Mean => "The mean of the periods",
        YearToDateRule::Latest => "The period's own figure",
    };
    let whence = match (indicator.year_to_date, rule) {
        (Some(_), _) => "as the table it was imported from states",
        (None, YearToDateRule::Latest) => {
            "a year-to-date total or a change is its own year to date"
        }
        (None, _) => {
            "the rule for its unit: counts and money are summed, percentages, rates and days \
             averaged"
        }
    };
    format!("{how} ({whence})")
}

fn figure_hint(unit: Unit, measure: MeasureType) -> &'static str {
    match (measure, unit) {
        (MeasureType::Change, _) => {
            "The change on the same period last year, for example -4.3 for a fall of 4.3%."
        }
        (_, Unit::Percent) => "A percentage, for example 80.1.",
        (_, Unit::Count) => "A number, for example 35.",
        (_, Unit::Money) => "An amount in pounds, for example 2,109,747.",
        (_, Unit::Days) => "A number of days, for example 8.5.",
        (_, Unit::Rate) => "A rate, for example 12.4.",
    }
}

/// Every entry, newest first, marking those a later entry replaced.
fn history_rows(
    indicator: &waymark_core::indicator::Indicator,
    history: &[MeasurementEntry],
) -> Vec<HistoryRow> {
    let replaced: BTreeSet<i64> = history
        .iter()
        .filter_map(|entry| entry.supersedes.map(|id| id.0))
        .collect();
    history
        .iter()
        .rev()
        .map(|entry| {
            let measurement = entry.measurement;
            let local = entry.entered_at.with_timezone(&chrono::Local);
            HistoryRow {
                period: measurement.period.to_string(),
                figure: measurement
                    .actual
                    .figure()
                    .map(|f| indicator.format(f, Role::Measured))
                    .unwrap_or_else(|| "Not yet available".into()),
                last_year: measurement
                    .same_period_last_year
                    .map(|f| indicator.format(f, Role::Measured))
                    .unwrap_or_default(),
                entered: format!(
                    "{} at {}",
                    long_date(local.date_naive()),
                    local.format("%-I:%M%P")
                ),
                by: entry.entered_by.clone(),
                replaced: replaced.contains(&entry.id.0),
                reason: entry.reason.clone().unwrap_or_default(),
            }
        })
        .collect()
}
