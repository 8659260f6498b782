//! Security applied once around every route: response headers, and CSRF checks on every
//! request that changes something.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use crate::auth::{PRE_SESSION_CSRF_COOKIE, SESSION_COOKIE, bearer, cookie};
use crate::error::AppError;
use crate::state::AppState;

/// Form bodies larger than this are refused before parsing.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The largest file any upload accepts, in MB: a tracker of 200,000 actions with their latest
/// updates is about 48 MB as CSV (12 MB as XLSX); board packs stay well under it.
const MAX_UPLOAD_MB: usize = 64;

/// The body limit of the import routes (`DefaultBodyLimit`, applied as the handler reads the
/// body): the largest file and the form's other fields. The CSRF guard reads only the first
/// part of a multipart body, so this is the one limit an upload meets.
pub(crate) const MAX_MULTIPART_BYTES: usize = MAX_UPLOAD_MB * 1024 * 1024 + 64 * 1024;

/// The message of an upload over the import routes' limit, naming the file.
pub(crate) fn upload_too_large(file_name: &str) -> String {
    let file = if file_name.is_empty() {
        "The file"
    } else {
        file_name
    };
    format!(
        "{file} is larger than {MAX_UPLOAD_MB} MB, the largest file Waymark imports. Nothing \
         was stored. Split it into smaller files, or save it without images and formatting."
    )
}

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
    // Signing in is checked against the sign-in page's own cookie even in a browser that is
    // signed in already: its form carries that token, and the new session replaces the old.
    let signing_in = request.uri().path() == "/sign-in";
    let expected = match cookie(request.headers(), SESSION_COOKIE).filter(|_| !signing_in) {
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

    // The boundary is case-sensitive (a browser's is mixed case): keep the header as sent.
    let sent_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let content_type = sent_type.to_ascii_lowercase();
    let multipart = if content_type.starts_with("application/x-www-form-urlencoded") {
        false
    } else if content_type.starts_with("multipart/form-data") {
        true
    } else {
        return refuse();
    };
    let (parts, body) = request.into_parts();
    if multipart {
        // Only the form's first part is read here, so the upload itself streams on to the
        // handler, whose route sets the body's limit (a 413 naming it).
        let (given, body) = multipart_token(&sent_type, body).await;
        return match given {
            Some(given) if constant_time_eq(&given, &expected) => {
                next.run(Request::from_parts(parts, body)).await
            }
            _ => refuse(),
        };
    }
    let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) if crate::server::body_timed_out(&error) => {
            return if is_api {
                AppError::TimedOut.into_json_response()
            } else {
                AppError::TimedOut.into_response()
            };
        }
        Err(_) => {
            let message = "The form is too large.".to_string();
            return if is_api {
                AppError::TooLarge(message).into_json_response()
            } else {
                AppError::invalid("form", message).into_response()
            };
        }
    };
    match form_token(&bytes) {
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

/// How much of a multipart body is read to find its first part, the `csrf` field.
const MAX_CSRF_PART_BYTES: usize = 16 * 1024;

/// The `csrf` field of a multipart form, which must be its first part (our forms put it
/// first), and the body to hand on: the bytes read so far followed by the rest, unread.
async fn multipart_token(content_type: &str, body: Body) -> (Option<String>, Body) {
    let Some(boundary) = boundary(content_type) else {
        return (None, body);
    };
    let mut stream = body.into_data_stream();
    let mut read = Vec::new();
    let mut token = None;
    loop {
        match first_part_csrf(&read, &boundary) {
            FirstPart::Csrf(found) => {
                token = Some(found);
                break;
            }
            FirstPart::Other => break,
            // A chunk may hold much more than the first part; stop only once past the limit.
            FirstPart::Incomplete if read.len() > MAX_CSRF_PART_BYTES => break,
            FirstPart::Incomplete => {}
        }
        match stream.next().await {
            Some(Ok(chunk)) => read.extend_from_slice(&chunk),
            // The handler meets the same end or error when it reads the body.
            _ => break,
        }
    }
    let rest =
        futures_util::stream::iter([Ok::<Bytes, axum::Error>(Bytes::from(read))]).chain(stream);
    (token, Body::from_stream(rest))
}

/// The boundary parameter of a `multipart/form-data` content type.
fn boundary(content_type: &str) -> Option<String> {
    let at = content_type.to_ascii_lowercase().find("boundary=")? + "boundary=".len();
    let value = content_type[at..]
        .split(';')
        .next()?
        .trim()
        .trim_matches('"');
    (!value.is_empty()).then(|| value.to_string())
}

enum FirstPart {
    Csrf(String),
    /// The first part is complete and is not `csrf`.
    Other,
    Incomplete,
}

/// Reads the first part of a multipart body from its first bytes.
fn first_part_csrf(read: &[u8], boundary: &str) -> FirstPart {
    let delimiter = format!("--{boundary}");
    let Some(start) = find(read, delimiter.as_bytes()) else {
        return FirstPart::Incomplete;
    };
    let after = start + delimiter.len();
    let Some(headers_end) = find(&read[after..], b"\r\n\r\n").map(|at| after + at) else {
        return FirstPart::Incomplete;
    };
    let headers = String::from_utf8_lossy(&read[after..headers_end]).to_ascii_lowercase();
    let is_csrf = headers.lines().any(|line| {
        line.starts_with("content-disposition:")
            && line.split(';').any(|param| param.trim() == "name=\"csrf\"")
    });
    if !is_csrf {
        return FirstPart::Other;
    }
    let value_start = headers_end + 4;
    let closing = format!("\r\n{delimiter}");
    match find(&read[value_start..], closing.as_bytes()) {
        Some(len) => match std::str::from_utf8(&read[value_start..value_start + len]) {
            Ok(value) => FirstPart::Csrf(value.to_string()),
            Err(_) => FirstPart::Other,
        },
        None => FirstPart::Incomplete,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Compares tokens without leaking how many leading characters matched.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A browser's boundary is mixed case; the token is read from the first part only.
    #[tokio::test]
    async fn the_csrf_part_is_read_and_the_body_handed_on_whole() {
        let content_type = "multipart/form-data; boundary=----WebKitFormBoundaryAbC123";
        let body = "------WebKitFormBoundaryAbC123\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok3n\r\n------WebKitFormBoundaryAbC123\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nRef,Action\r\n------WebKitFormBoundaryAbC123--\r\n";
        let (token, rest) = multipart_token(content_type, Body::from(body)).await;
        assert_eq!(token.as_deref(), Some("tok3n"));
        let rest = to_bytes(rest, 1 << 20).await.unwrap();
        assert_eq!(rest, body.as_bytes());

        let file_first = body.replacen("name=\"csrf\"", "name=\"file\"", 1);
        let (token, _) = multipart_token(content_type, Body::from(file_first)).await;
        assert_eq!(token, None, "the token must come first");
    }
}
