//! Who is asking: the session cookie (pages and the API from a browser) or a personal API
//! token (`Authorization: Bearer wmk_…`, scripts), turned into the application layer's
//! `Actor` by the `Viewer` extractor that every handler takes. The rules of what the actor may
//! do are the application layer's.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
#[cfg(test)]
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use waymark_app::Actor;

use crate::error::AppError;
use crate::state::AppState;

/// The cookie holding the session token.
pub const SESSION_COOKIE: &str = "waymark_session";
/// The cookie holding the CSRF token before sign-in (double-submit).
pub const PRE_SESSION_CSRF_COOKIE: &str = "waymark_csrf";
pub use waymark_app::sessions::SESSION_HOURS;

/// Reads one cookie from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// The token of an `Authorization: Bearer` header.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// A Set-Cookie value: HttpOnly (no script reads it), SameSite=Strict, whole site, and
/// Secure when the server is behind TLS (`waymark serve` unless `--insecure-cookies`).
///
/// Strict, not Lax, for both the session and the sign-in page's CSRF cookie: no request that
/// starts on another site, a top-level link included, carries them, so no other site can act
/// or read as the person. Waymark sends no emails or notifications whose links must arrive
/// signed in; a link pasted elsewhere (a board paper, a chat) opens the sign-in page, whose
/// `next` brings the person back to it after they sign in. Were such links ever needed, a
/// second Lax cookie allowing reads only would be the way, never a Lax session.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{secure}")
}

/// The client's address, where the server knows it.
pub fn client_address(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip().to_string())
}

/// The client's address as an extractor, for handlers that act before anyone is signed in.
pub struct ClientAddress(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts)))
    }
}

/// The signed-in person making the request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    /// The session's CSRF token, put into every form; empty for an API token, which needs none.
    pub csrf_token: String,
}

impl Viewer {
    /// The person's name, for history and pages.
    pub fn name(&self) -> String {
        self.actor.name()
    }
}

/// Why a request has no viewer: pages redirect to sign-in, the API answers 401.
pub enum NotSignedIn {
    Page(String),
    Api,
    Failed(AppError),
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        match self {
            NotSignedIn::Page(next) => {
                let target = format!("/sign-in?next={}", percent_encode_path(&local_path(&next)));
                Redirect::to(&target).into_response()
            }
            NotSignedIn::Api => AppError::Unauthorised.into_json_response(),
            NotSignedIn::Failed(error) => error.into_response(),
        }
    }
}

/// The one rule for a `next` address, wherever it is read or written: a path on this server,
/// else `/`. It must start with a single `/` not followed by `/` or `\\` (which browsers read
/// as another host), and hold no control character, raw or percent-encoded (a tab or line
/// feed is dropped by URL parsers, so `/\t/evil.example` is `//evil.example`, and a line feed
/// cannot go into a `Location` header). Bytes outside printable ASCII are percent-encoded, so
/// the answer always fits a header.
pub fn local_path(next: &str) -> String {
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(next).collect();
    let bytes = decoded.as_slice();
    let local = bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && !next.starts_with("//")
        && !next.contains('\\')
        && !bytes.contains(&b'\\')
        && !bytes.iter().any(|b| b.is_ascii_control())
        && !next.chars().any(char::is_control);
    if !local {
        return "/".to_string();
    }
    // Controls are refused above; spaces and every byte outside ASCII are encoded.
    percent_encoding::utf8_percent_encode(next, CONTROLS_AND_SPACE).to_string()
}

const CONTROLS_AND_SPACE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');

/// Everything but letters, digits and `/-_.` is encoded when a path goes into a query value.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.');

fn percent_encode_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, QUERY_VALUE).to_string()
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = NotSignedIn;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let is_api = parts.uri.path().starts_with("/api/");
        let address = client_address(parts);
        let not_signed_in = || {
            if is_api {
                NotSignedIn::Api
            } else {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|pq| pq.as_str().to_string())
                    .unwrap_or_else(|| "/".into());
                NotSignedIn::Page(next)
            }
        };
        if is_api && let Some(token) = bearer(&parts.headers) {
            return match state.app.actor_for_bearer(&token).await {
                Ok(Some(actor)) => Ok(Viewer {
                    actor: actor.with_address(address),
                    csrf_token: String::new(),
                }),
                Ok(None) => Err(NotSignedIn::Api),
                Err(error) => Err(NotSignedIn::Failed(error.into())),
            };
        }
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(not_signed_in());
        };
        match state.app.actor_for_session(&token).await {
            Ok(Some((actor, csrf_token))) => Ok(Viewer {
                actor: actor.with_address(address),
                csrf_token,
            }),
            Ok(None) => Err(not_signed_in()),
            Err(error) => Err(NotSignedIn::Failed(error.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_strict_and_secure_behind_tls() {
        assert_eq!(
            set_cookie(SESSION_COOKIE, "abc", 60, true),
            "waymark_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure"
        );
        assert!(!set_cookie(SESSION_COOKIE, "abc", 60, false).contains("Secure"));
    }

    #[test]
    fn cookies_are_read_from_any_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; waymark_session=abc".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    /// Known open-redirect tricks: each must come back as `/`.
    #[test]
    fn open_redirect_tricks_stay_on_this_server() {
        let tricks = [
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/\n/evil.example",
            "/%0a/evil.example",
            "/%0D/evil.example",
            "/\r/evil.example",
            "/\u{b}/evil.example",
            "/%0B/evil.example",
            "/%2F/evil.example",
            "/%5C/evil.example",
            "/%5cevil.example",
            "/%00/evil.example",
            "/\u{7f}/evil.example",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            " /evil",
            "\t//evil.example",
            "",
            "/a\\b",
            "/\u{85}/evil.example",
        ];
        for trick in tricks {
            assert_eq!(local_path(trick), "/", "{trick:?}");
        }
    }

    #[test]
    fn local_paths_are_kept() {
        assert_eq!(local_path("/plans/3"), "/plans/3");
        assert_eq!(
            local_path("/plans/3?as_at=2015-01-08&rag=red"),
            "/plans/3?as_at=2015-01-08&rag=red"
        );
        assert_eq!(local_path("/items/4#updates"), "/items/4#updates");
        assert_eq!(local_path("/search?q=caf\u{e9}"), "/search?q=caf%C3%A9");
        assert_eq!(local_path("/a b"), "/a%20b");
        assert_eq!(local_path("/"), "/");
    }

    proptest::proptest! {
        /// Whatever `next` is, the answer resolves to this server and fits a `Location` header.
        #[test]
        fn no_next_leaves_the_site(next in "\\PC*|[/\\\\%0-9a-fA-F\t\n\r\u{b}:.@]{0,12}(evil.example)?") {
            let path = local_path(&next);
            proptest::prop_assert!(HeaderValue::from_str(&path).is_ok(), "{path:?}");
            let base = url::Url::parse("https://waymark.test/plans/1?x=1").unwrap();
            let joined = base.join(&path).unwrap();
            proptest::prop_assert_eq!(joined.host_str(), Some("waymark.test"), "{:?} -> {:?}", next, path);
            proptest::prop_assert_eq!(joined.scheme(), "https");
        }
    }

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, "Bearer wmk_abc".parse().unwrap());
        assert_eq!(bearer(&headers).as_deref(), Some("wmk_abc"));
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }
}
