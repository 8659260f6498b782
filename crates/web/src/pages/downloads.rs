//! A list page's rows as a CSV or XLSX download: the page builds a `List` from exactly the rows
//! it shows, and this writes it (off the async threads) with its marking and a file name.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use waymark_io::list_export::{List, list_csv, list_xlsx};

use crate::error::AppError;

/// The download formats a list page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Csv,
    Xlsx,
}

impl ListFormat {
    /// `?format=csv` or `?format=xlsx`; anything else is the page itself.
    pub fn parse(value: Option<&str>) -> Option<ListFormat> {
        match value.map(str::trim) {
            Some(v) if v.eq_ignore_ascii_case("csv") => Some(ListFormat::Csv),
            Some(v) if v.eq_ignore_ascii_case("xlsx") => Some(ListFormat::Xlsx),
            _ => None,
        }
    }
}

/// The list as an attachment named `{stem}.csv` or `{stem}.xlsx`.
pub async fn list_download(
    list: List,
    format: ListFormat,
    stem: &str,
) -> Result<Response, AppError> {
    let (bytes, content_type, extension) = tokio::task::spawn_blocking(move || match format {
        ListFormat::Csv => list_csv(&list).map(|b| (b, "text/csv; charset=utf-8", "csv")),
        ListFormat::Xlsx => list_xlsx(&list).map_err(|e| e.to_string()).map(|b| {
            (
                b,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            )
        }),
    })
    .await
    .map_err(|e| AppError::Internal(format!("download: {e}")))?
    .map_err(|e| AppError::Internal(format!("download: {e}")))?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!("attachment; filename=\"{stem}.{extension}\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
