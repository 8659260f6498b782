//! Static assets compiled into the binary: govuk-frontend (vendored from npm, fonts removed)
//! and Waymark's own stylesheet. Served with long cache lifetimes; names carry no hash, so the
//! lifetime is a day rather than a year.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::state::AppState;

const GOVUK_CSS: &str = include_str!("../assets/vendor/govuk-frontend.min.css");
const GOVUK_JS: &str = include_str!("../assets/vendor/govuk-frontend.min.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const APP_JS: &str = include_str!("../assets/app.js");
const IMPORT_JOB_JS: &str = include_str!("../assets/import-job.js");
const FAVICON: &str = include_str!("../assets/favicon.svg");

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/assets/govuk-frontend.min.css",
            get(|| async { css(GOVUK_CSS) }),
        )
        .route(
            "/assets/govuk-frontend.min.js",
            get(|| async { js(GOVUK_JS) }),
        )
        .route("/assets/app.css", get(|| async { css(APP_CSS) }))
        .route("/assets/app.js", get(|| async { js(APP_JS) }))
        .route("/assets/import-job.js", get(|| async { js(IMPORT_JOB_JS) }))
        .route("/assets/favicon.svg", get(|| async { svg(FAVICON) }))
}

fn css(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
}

fn svg(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
}

fn js(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
}
