//! What the API's handlers share on the way in and out: JSON, path and query extractors whose
//! refusals are JSON errors like every other answer (never axum's plain-text ones), the version
//! an edit names in `If-Match`, responses that carry their version as an `ETag`, and the few
//! shapes of request field the API reads in several places (a day, a nullable field, owners).

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::api::ApiError;
use crate::error::AppError;

/// A JSON body, which is an object as every body the document describes; one that cannot be
/// read is a 422 naming the field `body`.
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match Json::<serde_json::Value>::from_request(request, state).await {
            Ok(Json(value)) => value,
            Err(rejection) => return Err(body_error(&rejection).into()),
        };
        // serde reads a struct from an array of its fields too (`[]` for one whose fields
        // are all optional); the document says an object, so only an object is read.
        if !value.is_object() {
            return Err(AppError::invalid("body", "Send the body as a JSON object").into());
        }
        serde_json::from_value(whole_numbers_as_integers(value))
            .map(ApiJson)
            .map_err(|error| {
                AppError::invalid("body", format!("The body cannot be read: {error}")).into()
            })
    }
}

/// JSON has one kind of number: `804.0` is the integer 804 to JSON Schema, as to JavaScript,
/// while serde reads an `i64` only from a number written without a fraction. Whole numbers
/// written with one are read as integers, so that what the document allows the server reads.
fn whole_numbers_as_integers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(number) if !number.is_i64() && !number.is_u64() => match number.as_f64() {
            // Within ±2^53 a float holds every whole number exactly.
            Some(float) if float.fract() == 0.0 && float.abs() <= 9_007_199_254_740_992.0 => {
                Value::from(float as i64)
            }
            _ => Value::Number(number),
        },
        Value::Array(items) => {
            Value::Array(items.into_iter().map(whole_numbers_as_integers).collect())
        }
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(name, field)| (name, whole_numbers_as_integers(field)))
                .collect(),
        ),
        other => other,
    }
}

/// A JSON body that may be left out: an empty body is `T::default()`, anything else is read
/// as [`ApiJson`] reads it.
pub(crate) struct OptionalApiJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let empty = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|length| length == "0")
            || (request.headers().get(header::CONTENT_TYPE).is_none()
                && request.headers().get(header::TRANSFER_ENCODING).is_none()
                && request.headers().get(header::CONTENT_LENGTH).is_none());
        if empty {
            return Ok(OptionalApiJson(T::default()));
        }
        let ApiJson(value) = ApiJson::<T>::from_request(request, state).await?;
        Ok(OptionalApiJson(value))
    }
}

fn body_error(rejection: &JsonRejection) -> AppError {
    if crate::server::body_timed_out(rejection) {
        return AppError::TimedOut;
    }
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

/// The version an edit started from, which it must name, so that no script overwrites a
/// change it never saw: without one, 400 naming the header the document marks required
/// (rather than RFC 6585's 428, so that a missing required header is answered as a missing
/// required query parameter is).
pub(crate) fn required_version(headers: &HeaderMap) -> Result<i64, ApiError> {
    if_match(headers)?.ok_or_else(|| {
        version_refused(
            "Send the version you started from in an If-Match header: the ETag of the GET you \
             read it with, such as If-Match: \"3\""
                .to_string(),
        )
    })
}

fn version_refused(message: String) -> ApiError {
    AppError::BadQuery(vec![("If-Match".to_string(), message)]).into()
}

/// The version named in `If-Match`, where there is one. A header that names no single
/// version (`*`, a list, a weak tag) is refused as 400 too: it is no version to check.
pub(crate) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let unquoted = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    match unquoted.parse::<i64>() {
        Ok(version) if version >= 0 => Ok(Some(version)),
        _ => Err(version_refused(format!(
            "If-Match must name one version, as the ETag you read it with, such as \"3\"; \
             {text:?} is not one"
        ))),
    }
}

/// A 201 Created answer with the new thing's address in `Location`, so that a client (and
/// schemathesis's stateful phase) can go on to it.
pub(crate) fn created(location: &str, response: impl IntoResponse) -> Response {
    let mut response = (StatusCode::CREATED, response).into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A response carrying the version of what it holds as its strong `ETag`: `"3"`.
pub(crate) struct Tagged<T>(pub i64, pub T);

impl<T: IntoResponse> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let mut response = self.1.into_response();
        if let Ok(value) = HeaderValue::from_str(&format!("\"{}\"", self.0)) {
            response.headers_mut().insert(header::ETAG, value);
        }
        response
    }
}

/// A file to download: its content type, and a name made safe for the header.
pub(crate) fn attachment(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let safe_name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{safe_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A day a request names (ISO, or as people write them), or `default` where it names none;
/// one that is not a day is a 422 naming `field`.
pub(crate) fn day_or(
    field: &str,
    value: Option<&str>,
    default: NaiveDate,
) -> Result<NaiveDate, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(text) => waymark_app::text::parse_day(text).ok_or_else(|| {
            AppError::invalid(
                field,
                format!("\"{text}\" is not a date: give one such as 2015-02-16"),
            )
        }),
    }
}

/// An instant as the API writes it: RFC 3339 in UTC, to the second.
pub(crate) fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A field that may be absent (leave it) or null (clear it): `None`, `Some(None)`,
/// `Some(Some(value))`. Use with `#[serde(default, deserialize_with = "nullable")]`.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A nullable text field as the application layer's inputs take it: absent leaves the field,
/// null or "" clears it.
pub(crate) fn clearing(value: Option<Option<String>>) -> Option<String> {
    value.map(Option::unwrap_or_default)
}

/// Owner posts: a list, or one string with posts separated by " / " as trackers write them.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub(crate) enum OwnersJson {
    Posts(Vec<String>),
    Written(String),
}

impl OwnersJson {
    /// As the application layer reads owners: one post per line.
    pub(crate) fn written(&self) -> String {
        match self {
            OwnersJson::Posts(posts) => posts.join("\n"),
            OwnersJson::Written(text) => text.clone(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_written_with_a_fraction_are_read_as_integers() {
        let read = whole_numbers_as_integers(serde_json::json!({
            "line": 85.0, "items": [804.0, -2.0, 1.5], "nested": {"depth": 0.0}, "big": 1e300
        }));
        // Read exactly, as serde_json's float_roundtrip reads it (its default parser read this
        // one a unit out in the last place, 1859152408215479.2).
        let exact: serde_json::Value = serde_json::from_str("1859152408215479.0").unwrap();
        assert_eq!(
            whole_numbers_as_integers(exact),
            serde_json::json!(1859152408215479_i64)
        );
        assert_eq!(read["line"], serde_json::json!(85));
        assert!(read["line"].is_i64());
        assert_eq!(read["items"], serde_json::json!([804, -2, 1.5]));
        assert!(read["nested"]["depth"].is_i64());
        assert!(
            read["big"].is_f64(),
            "too large to be an exact integer: left as it is"
        );
    }

    fn with_if_match(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_MATCH, value.parse().unwrap());
        headers
    }

    #[test]
    fn if_match_names_one_version() {
        assert_eq!(if_match(&with_if_match("\"7\"")).ok().flatten(), Some(7));
        assert_eq!(if_match(&with_if_match("7")).ok().flatten(), Some(7));
        assert_eq!(if_match(&HeaderMap::new()).ok().flatten(), None);
        for refused in ["*", "W/\"7\"", "\"7\", \"8\"", "\"seven\"", "\"-1\""] {
            assert!(if_match(&with_if_match(refused)).is_err(), "{refused}");
        }
        assert!(required_version(&HeaderMap::new()).is_err());
    }
}
