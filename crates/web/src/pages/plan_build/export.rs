//! A plan downloaded as a spreadsheet (XLSX or CSV) or JSON, as it stands today or as it stood
//! at the end of an earlier day, carrying the most sensitive marking of what it holds.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use waymark_core::PlanId;
use waymark_io::ExportFormat;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::as_at_or_today;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}/export", get(download))
}

#[derive(Deserialize)]
struct ExportQuery {
    format: Option<String>,
    as_at: Option<String>,
}

async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let format = match query.format.as_deref().map(str::trim) {
        None | Some("") => ExportFormat::Xlsx,
        Some(word) => ExportFormat::parse(word).ok_or_else(|| {
            AppError::invalid("format", "Choose a spreadsheet (xlsx), CSV or JSON")
        })?,
    };
    let as_at = as_at_or_today(query.as_at.as_deref(), state.today())?;
    let exported = state
        .app
        .export_plan(&viewer.actor, PlanId(id), as_at, format)
        .await?;
    let mut response = exported.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    // The file name is made of the plan's id, a date and the extension: nothing to escape.
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", exported.file_name))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
