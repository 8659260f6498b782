//! Personal API tokens through the API: the caller's own tokens, creating one (its value is
//! answered once and never again; only its hash is kept) and revoking one. A token acts with
//! its person's roles; a script sends it as `Authorization: Bearer wmk_…` and needs no CSRF
//! token.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_app::model::ApiToken;

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, instant};
use crate::auth::Viewer;
use crate::error::ErrorJson;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/tokens", get(tokens).post(create_token))
        .route("/api/tokens/{id}/revoke", post(revoke_token))
}

/// A token as listed: never its value.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TokenJson {
    id: i64,
    name: String,
    /// RFC 3339, UTC.
    created_at: String,
    /// To the minute.
    last_used_at: Option<String>,
    revoked_at: Option<String>,
    active: bool,
}

impl TokenJson {
    fn new(token: &ApiToken) -> TokenJson {
        TokenJson {
            id: token.id,
            name: token.name.clone(),
            created_at: instant(token.created_at),
            last_used_at: token.last_used_at.map(instant),
            revoked_at: token.revoked_at.map(instant),
            active: token.revoked_at.is_none(),
        }
    }
}

/// A token just created, with its value: shown this once.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct NewTokenJson {
    /// Send it as `Authorization: Bearer <token>`. Keep it as you would a password.
    #[schema(example = "wmk_…")]
    token: String,
    #[serde(flatten)]
    listed: TokenJson,
}

/// Your own tokens, revoked ones included.
#[utoipa::path(get, path = "/api/tokens", tag = "tokens",
    responses(
        (status = 200, body = [TokenJson]),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn tokens(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<TokenJson>>, ApiError> {
    let tokens = state.app.tokens(&viewer.actor).await?;
    Ok(Json(tokens.iter().map(TokenJson::new).collect()))
}

/// The body of `POST /api/tokens`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateTokenJson {
    /// What the token is for: "Monthly RAG export". "API token" when absent; 100 characters
    /// or fewer.
    #[serde(default)]
    #[schema(max_length = 100)]
    name: Option<String>,
}

/// Creates a personal API token for yourself; its value is in this answer only.
#[utoipa::path(post, path = "/api/tokens", tag = "tokens",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    request_body = CreateTokenJson,
    responses(
        (status = 201, body = NewTokenJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "A cookie session sent no X-CSRF-Token, or a wrong one", body = ErrorJson),
        (status = 422, description = "The name is too long", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(body): ApiJson<CreateTokenJson>,
) -> Result<Response, ApiError> {
    let created = state
        .app
        .create_token(
            &viewer.actor,
            None,
            body.name.as_deref().unwrap_or_default(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenJson {
            token: created.value,
            listed: TokenJson::new(&created.token),
        }),
    )
        .into_response())
}

/// Revokes one of your tokens: calls with it are refused (401) from now on. The token the
/// call is made with is not revoked by itself (409): use the account page or another token.
#[utoipa::path(post, path = "/api/tokens/{id}/revoke", tag = "tokens",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Token id", minimum = 1)),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "A cookie session sent no X-CSRF-Token, or a wrong one", body = ErrorJson),
        (status = 404, description = "No unrevoked token of yours has that id", body = ErrorJson),
        (status = 409, description = "That is the token this call is made with", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state.app.revoke_token(&viewer.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
