//! Security applied once around every route: response headers, and CSRF checks on every
//! request that changes something.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{PRE_SESSION_CSRF_COOKIE, SESSION_COOKIE, bearer, cookie};
use crate::error::AppError;
use crate::state::AppState;

/// Form bodies larger than this are refused before parsing.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The largest file any upload accepts, in MB: board packs with many tables stay well under this.
const MAX_UPLOAD_MB: usize = 20;

/// The largest multipart body any route accepts: the largest file and the form's other fields.
/// The CSRF guard reads multipart bodies up to this size to find their token; a route may accept
/// less (`DefaultBodyLimit`), never more.
pub(crate) const MAX_MULTIPART_BYTES: usize = MAX_UPLOAD_MB * 1024 * 1024 + 64 * 1024;

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
/// sign-in, the CSRF cookie's). The token comes from the `X-CSRF-Token` header or the `csrf` field
/// of a URL-encoded or multipart form; never from the URL, where logs, history and Referer
/// headers would keep it. API calls with a personal token (`Authorization: Bearer`) need none.
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let is_api = request.uri().path().starts_with("/api/");
    // A script's API token is sent by the script, never by a browser on its own, so a request
    // that carries one cannot be forged from another site: the token is its proof.
    if is_api && bearer(request.headers()).is_some() {
        return next.run(request).await;
    }
    let expected = match cookie(request.headers(), SESSION_COOKIE) {
        Some(token) => match state.app.session_csrf(&token).await {
            Ok(Some(csrf)) => Some(csrf),
            Ok(None) => cookie(request.headers(), PRE_SESSION_CSRF_COOKIE),
            Err(error) => return AppError::from(error).into_response(),
        },
        None => cookie(request.headers(), PRE_SESSION_CSRF_COOKIE),
    };
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

    if let Some(given) = request.headers().get("x-csrf-token") {
        return if given
            .to_str()
            .is_ok_and(|given| constant_time_eq(given, &expected))
        {
            next.run(request).await
        } else {
            refuse()
        };
    }

    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let multipart = if content_type.starts_with("application/x-www-form-urlencoded") {
        false
    } else if content_type.starts_with("multipart/form-data") {
        true
    } else {
        return refuse();
    };
    let (parts, body) = request.into_parts();
    let limit = if multipart {
        MAX_MULTIPART_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let Ok(bytes) = to_bytes(body, limit).await else {
        let message = if multipart {
            format!("The upload is too large. Files must be smaller than {MAX_UPLOAD_MB} MB.")
        } else {
            "The form is too large.".to_string()
        };
        return if is_api {
            AppError::TooLarge(message).into_json_response()
        } else {
            AppError::invalid("form", message).into_response()
        };
    };
    let given = if multipart {
        multipart_token(&parts.headers, bytes.clone()).await
    } else {
        form_token(&bytes)
    };
    match given {
        Some(given) if constant_time_eq(&given, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refuse(),
    }
}

/// The `csrf` field of a URL-encoded form.
fn form_token(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v)
}

/// The `csrf` field of a multipart form, read from a copy of its buffered body (`Bytes` share
/// their memory, so the handler still gets the body as sent). Our forms put it first.
async fn multipart_token(headers: &HeaderMap, body: Bytes) -> Option<String> {
    let mut copy = Request::new(Body::from(body));
    copy.headers_mut().insert(
        header::CONTENT_TYPE,
        headers.get(header::CONTENT_TYPE)?.clone(),
    );
    let mut multipart = Multipart::from_request(copy, &()).await.ok()?;
    while let Some(field) = multipart.next_field().await.ok()? {
        if field.name() == Some("csrf") {
            return field.text().await.ok();
        }
    }
    None
}

/// Compares tokens without leaking how many leading characters matched.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
