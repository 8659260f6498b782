//! Organisations through the API (administrators): every organisation, for choosing a partner
//! to share a plan with, and adding a partner organisation.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_core::{Organisation, OrganisationKind};

use crate::api::ApiError;
use crate::api::extract::ApiJson;
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/organisations",
        get(organisations).post(add_organisation),
    )
}

/// A force, police and crime commissioner's office, local authority or other partner.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct OrganisationJson {
    id: i64,
    /// Its short code: "TVP", "OXCC".
    code: String,
    name: String,
    /// force, pcc-office, local-authority or partner.
    #[schema(value_type = String)]
    kind: &'static str,
}

impl OrganisationJson {
    fn new(organisation: &Organisation) -> OrganisationJson {
        OrganisationJson {
            id: organisation.id.0,
            code: organisation.code.clone(),
            name: organisation.name.clone(),
            kind: organisation.kind.as_str(),
        }
    }
}

/// Every organisation. Administrators only.
#[utoipa::path(get, path = "/api/organisations", tag = "organisations",
    responses(
        (status = 200, body = [OrganisationJson]),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Administrators only", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn organisations(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<OrganisationJson>>, ApiError> {
    let organisations = state.app.organisations(&viewer.actor).await?;
    Ok(Json(
        organisations.iter().map(OrganisationJson::new).collect(),
    ))
}

/// The body of `POST /api/organisations`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewOrganisationJson {
    /// Letters, numbers and hyphens, 1 to 12 of them; stored in capitals.
    #[schema(min_length = 1, max_length = 12, pattern = "^[A-Za-z0-9-]+$")]
    code: String,
    /// 1 to 200 characters.
    #[schema(schema_with = crate::api::openapi::words_200)]
    name: String,
    /// force, pcc-office, local-authority or partner; partner when absent.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::organisation_kind_or_null)]
    kind: Option<String>,
}

/// Adds an organisation, such as a partner to share a plan with. Administrators only.
#[utoipa::path(post, path = "/api/organisations", tag = "organisations",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    request_body = NewOrganisationJson,
    responses(
        (status = 201, body = OrganisationJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Administrators only; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 422, description = "Fields refused, each named in `fields` (a code already in use among them)", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn add_organisation(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(body): ApiJson<NewOrganisationJson>,
) -> Result<Response, ApiError> {
    let kind = match body.kind.as_deref().map(str::trim) {
        None | Some("") => OrganisationKind::Partner,
        Some(word) => OrganisationKind::parse(word).ok_or_else(|| {
            AppError::invalid(
                "kind",
                "Choose force, pcc-office, local-authority or partner",
            )
        })?,
    };
    let created = state
        .app
        .add_organisation(&viewer.actor, &body.code, &body.name, kind)
        .await?;
    Ok((StatusCode::CREATED, Json(OrganisationJson::new(&created))).into_response())
}
