//! One performance indicator through the API, with its measurements in force and every entry
//! ever made, and recording a period's figure. A figure replacing one already recorded needs a
//! reason (422 naming `reason` without one); the earlier figure stays in the history. A plan's
//! indicators evaluated for a period are `api::indicators`'.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_core::indicator::{IndicatorId, Measurement};

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, instant};
use crate::auth::Viewer;
use crate::error::ErrorJson;
use crate::state::AppState;
use crate::views_indicators::{MeasurementInput, UnitNumber};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/indicators/{id}", get(indicator))
        .route(
            "/api/indicators/{id}/measurements",
            post(record_measurement),
        )
}

/// One indicator: what it measures, who answers for it, its figures in force and its history.
/// Figures are JSON numbers in the indicator's unit (80.1 for 80.1%, 2109747 for £2,109,747).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct IndicatorDetailJson {
    id: i64,
    plan: i64,
    title: String,
    /// The objective item it serves.
    objective: Option<i64>,
    /// percent, count, money, days or rate.
    #[schema(value_type = String)]
    unit: &'static str,
    #[schema(value_type = String)]
    direction: &'static str,
    #[schema(value_type = String)]
    measure: &'static str,
    /// monthly, quarterly or four-weekly: the periods its figures are for.
    #[schema(value_type = String)]
    calendar: &'static str,
    #[schema(value_type = Option<f64>)]
    annual_target: Option<UnitNumber>,
    #[schema(value_type = Option<f64>)]
    baseline: Option<UnitNumber>,
    /// The post answerable for it, and who holds that post today.
    owner_post: Option<String>,
    owner_holder: Option<String>,
    /// Whether the caller may record its figures.
    may_record: bool,
    /// The figure in force for each period, in period order.
    measurements: Vec<MeasurementJson>,
    /// Every entry, replaced ones included, in the order entered.
    history: Vec<MeasurementEntryJson>,
}

/// A period's figure.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct MeasurementJson {
    /// "Q2 2026-27", "September 2026", "P6 2026-27".
    period: String,
    /// Null when not yet available.
    #[schema(value_type = Option<f64>)]
    actual: Option<UnitNumber>,
    not_yet_available: bool,
    #[schema(value_type = Option<f64>)]
    same_period_last_year: Option<UnitNumber>,
}

impl MeasurementJson {
    fn new(measurement: &Measurement) -> MeasurementJson {
        MeasurementJson {
            period: measurement.period.to_string(),
            actual: measurement.actual.figure().map(UnitNumber),
            not_yet_available: measurement.actual.figure().is_none(),
            same_period_last_year: measurement.same_period_last_year.map(UnitNumber),
        }
    }
}

/// One entry of an indicator's history.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct MeasurementEntryJson {
    id: i64,
    #[serde(flatten)]
    measurement: MeasurementJson,
    /// RFC 3339, UTC.
    entered_at: String,
    entered_by: String,
    /// The entry this one replaced, and why.
    supersedes: Option<i64>,
    reason: Option<String>,
}

/// One indicator with its figures in force, every entry made, and whether the caller may
/// record figures.
#[utoipa::path(get, path = "/api/indicators/{id}", tag = "indicators",
    params(("id" = i64, Path, description = "Indicator id", minimum = 1)),
    responses(
        (status = 200, body = IndicatorDetailJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such indicator, or not one you may see", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn indicator(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<IndicatorDetailJson>, ApiError> {
    let read = state.app.indicator(&viewer.actor, IndicatorId(id)).await?;
    let indicator = &read.stored.indicator;
    Ok(Json(IndicatorDetailJson {
        id: indicator.id.0,
        plan: read.stored.plan.0,
        title: indicator.title.clone(),
        objective: indicator.objective.map(|o| o.0),
        unit: indicator.unit.as_str(),
        direction: indicator.direction.as_str(),
        measure: indicator.measure.as_str(),
        calendar: indicator.calendar.as_str(),
        annual_target: indicator.annual_target.map(UnitNumber),
        baseline: indicator.baseline.map(UnitNumber),
        owner_post: read.stored.owner_post.clone(),
        owner_holder: read.owner_holder.clone(),
        may_record: read.may_record,
        measurements: read.measurements.iter().map(MeasurementJson::new).collect(),
        history: read
            .history
            .iter()
            .map(|entry| MeasurementEntryJson {
                id: entry.id.0,
                measurement: MeasurementJson::new(&entry.measurement),
                entered_at: instant(entry.entered_at),
                entered_by: entry.entered_by.clone(),
                supersedes: entry.supersedes.map(|s| s.0),
                reason: entry.reason.clone(),
            })
            .collect(),
    }))
}

/// A figure as a request gives it: a JSON number in the indicator's unit, or text as people
/// write figures ("2,109,747", "80.1%").
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub(crate) enum FigureJson {
    #[schema(value_type = f64)]
    Number(serde_json::Number),
    Written(String),
}

impl FigureJson {
    fn written(&self) -> String {
        match self {
            FigureJson::Number(number) => number.to_string(),
            FigureJson::Written(text) => text.clone(),
        }
    }
}

/// The body of `POST /api/indicators/{id}/measurements`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewMeasurementJson {
    /// A period of the indicator's calendar that has started: "Q3 2014-15", "December 2014".
    /// A period of another kind than the indicator's (a quarter of a four-weekly indicator)
    /// is refused 409: the indicator reports as it does.
    #[schema(schema_with = crate::api::openapi::period_begun)]
    period: String,
    /// The figure, to two decimal places at most; null, empty or absent with
    /// `not_yet_available`, and only then.
    #[serde(default)]
    #[schema(schema_with = figure_or_none)]
    actual: Option<FigureJson>,
    #[serde(default)]
    not_yet_available: bool,
    #[serde(default)]
    #[schema(schema_with = figure_or_none)]
    same_period_last_year: Option<FigureJson>,
    /// Why a figure already recorded for the period is replaced: required then (409 without
    /// it), 500 characters or fewer.
    #[serde(default)]
    #[schema(max_length = 500)]
    reason: Option<String>,
}

/// A figure as the server reads one, or null or empty for none: a number of at most two
/// decimal places below 10^15, or text as people write figures ("2,109,747", "80.1%",
/// "-£1,200.50").
fn figure_or_none() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    let bound = 1e15;
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Number)
                .minimum(Some(-bound))
                .maximum(Some(bound))
                .multiple_of(Some(0.01)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(FIGURE_PATTERN)),
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

/// A figure written as text, or empty: a sign, a pound sign, digits (in threes between
/// commas, or up to 15 together), up to two decimals and a per cent sign, each but the digits
/// optional.
const FIGURE_PATTERN: &str =
    "^(|[-+]?£?([0-9]{1,3}(,[0-9]{3}){1,4}|[0-9]{1,15})(\\.[0-9]{1,2})?%?)$";

/// Records a period's figure. Plan managers record any indicator's; contributors those of the
/// indicators their posts own. Recording the figure already in force changes nothing.
#[utoipa::path(post, path = "/api/indicators/{id}/measurements", tag = "indicators",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Indicator id", minimum = 1)),
    request_body = NewMeasurementJson,
    responses(
        (status = 201, description = "The figure recorded", body = MeasurementJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not record this indicator's figures; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such indicator, or not one you may see", body = ErrorJson),
        (status = 409, description = "A period of another kind than the indicator reports (`period`), or a figure replacing one recorded without saying why (`reason`)", body = ErrorJson),
        (status = 422, description = "Fields refused, each named in `fields`: `period`, `actual`, `same_period_last_year` or `reason`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn record_measurement(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewMeasurementJson>,
) -> Result<Response, ApiError> {
    let input = MeasurementInput {
        period: body.period,
        actual: body
            .actual
            .as_ref()
            .map(FigureJson::written)
            .unwrap_or_default(),
        not_yet_available: body.not_yet_available,
        same_period_last_year: body
            .same_period_last_year
            .as_ref()
            .map(FigureJson::written)
            .unwrap_or_default(),
        reason: body.reason.unwrap_or_default(),
    };
    let measurement = state
        .app
        .record_measurement(&viewer.actor, IndicatorId(id), &input)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(MeasurementJson::new(&measurement)),
    )
        .into_response())
}
