//! The OpenAPI 3 description of the JSON API, generated from the handlers' annotations so it
//! cannot drift from the code, served at `/api/openapi.json` without sign-in.

use axum::Json;
use utoipa::OpenApi;

use crate::api::{CreatedJson, NewUpdateJson, SessionJson, UserJson};
use crate::views::{CheckJson, ItemJson, LatestUpdateJson, PlanJson, TagJson};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Waymark API",
        description = "Plans, items, updates and flags. Sign in through /sign-in; the session \
                       cookie authenticates API calls, and writes need the X-CSRF-Token header."
    ),
    paths(
        crate::api::session,
        crate::api::plans,
        crate::api::items,
        crate::api::check,
        crate::api::create_update,
        crate::api::indicators::indicators
    ),
    components(schemas(
        PlanJson,
        ItemJson,
        LatestUpdateJson,
        TagJson,
        CheckJson,
        SessionJson,
        UserJson,
        NewUpdateJson,
        CreatedJson,
        crate::views_indicators::IndicatorJson
    ))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
