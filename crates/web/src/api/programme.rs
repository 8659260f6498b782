//! `GET /api/plans/{id}/programme?year=2024/25`: a collaboration programme for a year, the
//! same object `waymark programme --json` prints.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use waymark_core::PlanId;
use waymark_core::indicator::FinancialYear;

use crate::api::ApiError;
use crate::api::extract::{ApiPath, ApiQuery};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;
use crate::views_programme::ProgrammeJson;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/plans/{id}/programme", get(programme))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct YearQuery {
    /// The financial year, "2024/25" or "2024-25"; the year today is in when absent.
    #[param(schema_with = crate::api::openapi::query_financial_year)]
    year: Option<String>,
}

impl YearQuery {
    pub(crate) fn year(&self) -> Option<&str> {
        self.year.as_deref()
    }
}

/// Reads a year as the query or a form writes it; today's year when none is given.
pub(crate) fn year_asked(
    year: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<FinancialYear, AppError> {
    match year.map(str::trim).filter(|y| !y.is_empty()) {
        Some(text) => {
            FinancialYear::parse(text).map_err(|e| AppError::invalid("year", e.to_string()))
        }
        None => {
            FinancialYear::containing(today).map_err(|e| AppError::invalid("year", e.to_string()))
        }
    }
}

/// A collaboration programme for a year: participants with their basis and share of the cost
/// in pence, the cost and how it is shared, funding by year (known pence and unknown amounts
/// counted), savings against target, projects by area and status.
#[utoipa::path(get, path = "/api/plans/{id}/programme", tag = "plans",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), YearQuery),
    responses((status = 200, body = ProgrammeJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "The year is not a financial year", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn programme(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> Result<Json<ProgrammeJson>, ApiError> {
    let year = year_asked(query.year.as_deref(), state.today())?;
    let summary = state
        .app
        .programme_summary(&viewer.actor, PlanId(id), year)
        .await?;
    Ok(Json(ProgrammeJson::new(&summary)))
}
