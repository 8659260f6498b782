//! Security applied once around every route: response headers, and CSRF checks on every
//! request that changes something.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{PRE_SESSION_CSRF_COOKIE, SESSION_COOKIE, cookie, token_hash};
use crate::error::AppError;
use crate::state::AppState;

/// Form bodies larger than this are refused before parsing.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// Strict headers on every response: no framing, no sniffing, only our own scripts and styles.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A handler may set a narrower or different policy (a report's own HTML); keep it.
    let mut set = |name: &'static str, value: &'static str| {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    };
    set(
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    set("x-content-type-options", "nosniff");
    set("x-frame-options", "DENY");
    set("referrer-policy", "same-origin");
    set(
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    );
    set("cross-origin-opener-policy", "same-origin");
    response
}

/// Refuses any state-changing request whose CSRF token does not match the session's (or, before
/// sign-in, the CSRF cookie's). The token comes from the `X-CSRF-Token` header, the `csrf` field
/// of a URL-encoded form, or the `csrf` query parameter (multipart uploads).
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let expected = match cookie(request.headers(), SESSION_COOKIE) {
        Some(token) => match state.store.session(&token_hash(&token)).await {
            Ok(Some(session)) => Some(session.csrf_token),
            Ok(None) => cookie(request.headers(), PRE_SESSION_CSRF_COOKIE),
            Err(error) => return AppError::from(error).into_response(),
        },
        None => cookie(request.headers(), PRE_SESSION_CSRF_COOKIE),
    };
    let is_api = request.uri().path().starts_with("/api/");
    let refuse = || {
        if is_api {
            AppError::Forbidden.into_json_response()
        } else {
            AppError::Forbidden.into_response()
        }
    };
    let Some(expected) = expected.filter(|t| !t.is_empty()) else {
        // No session and no CSRF cookie: API calls then fail authentication themselves.
        return if is_api {
            AppError::Unauthorised.into_json_response()
        } else {
            refuse()
        };
    };

    let from_header = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = request.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v)
    });
    if let Some(given) = from_header.or(from_query) {
        return if constant_time_eq(&given, &expected) {
            next.run(request).await
        } else {
            refuse()
        };
    }

    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refuse();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return AppError::invalid("form", "The form is too large.").into_response();
    };
    let given = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v));
    match given {
        Some(given) if constant_time_eq(&given, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refuse(),
    }
}

/// Compares tokens without leaking how many leading characters matched.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
