//! `GET /api/plans/{id}/indicators?period=Q2+2026-27`: a plan's indicators evaluated for a
//! period, the same objects `waymark indicators --json` prints.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use waymark_core::PlanId;

use crate::api::ApiError;
use crate::api::extract::{ApiPath, ApiQuery};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;
use crate::views_indicators::{IndicatorJson, parse_period};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/plans/{id}/indicators", get(indicators))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PeriodQuery {
    /// "Q2 2026-27", "September 2026", "P6 2026-27", "2026-27"; the latest quarter ended when
    /// absent. A period that names none of an indicator's periods is refused with 422.
    #[param(schema_with = crate::api::openapi::query_period)]
    period: Option<String>,
}

/// A plan's performance indicators evaluated for a period: target, actual, same period last
/// year, RAG or the reason there is none, forecast, on track, and the sentence a report prints.
#[utoipa::path(get, path = "/api/plans/{id}/indicators", tag = "plans",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), PeriodQuery),
    responses((status = 200, body = [IndicatorJson]),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 409, description = "The period names no period of an indicator's calendar (each is listed with the periods it reports)", body = ErrorJson),
        (status = 422, description = "The period is not one", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn indicators(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Json<Vec<IndicatorJson>>, ApiError> {
    let period = parse_period(query.period.as_deref(), state.today())
        .map_err(|message| AppError::invalid("period", message))?;
    // A period named is answered exactly or refused (409, listing the periods each indicator
    // reports); only the default takes each indicator's latest period ended by then.
    let named = query
        .period
        .as_deref()
        .is_some_and(|p| !p.trim().is_empty());
    let (_, rows) = if named {
        state
            .app
            .plan_indicators_named(&viewer.actor, PlanId(id), period, None)
            .await?
    } else {
        state
            .app
            .plan_indicators(&viewer.actor, PlanId(id), period, None)
            .await?
    };
    Ok(Json(rows.iter().map(IndicatorJson::new).collect()))
}
