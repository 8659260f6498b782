//! What the API's handlers share on the way in: JSON, path and query extractors whose refusals
//! are JSON errors like every other answer (never axum's plain-text ones).

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::api::ApiError;
use crate::error::AppError;

/// A JSON body; one that cannot be read is a 422 naming the field `body`.
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(body_error(&rejection).into()),
        }
    }
}

fn body_error(rejection: &JsonRejection) -> AppError {
    let message = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "Send the body as JSON, with Content-Type: application/json".to_string()
        }
        other => other.body_text(),
    };
    AppError::invalid("body", message)
}

/// The ids in a path. One that is not a number names nothing, so it is a 404 like an id that
/// names nothing the caller may see.
pub(crate) struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(AppError::NotFound.into()),
            Err(other) => Err(AppError::Internal(other.body_text()).into()),
        }
    }
}

/// The query string; one that cannot be read is a 422 naming the field `query`.
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(query_error(&rejection).into()),
        }
    }
}

fn query_error(rejection: &QueryRejection) -> AppError {
    AppError::invalid("query", rejection.body_text())
}
