//! Who is asking: password hashing (argon2id), session tokens and the `Viewer` extractor that
//! every page and API handler takes. A viewer always carries an organisation, and that
//! organisation scopes every read and write; roles and partner access will add checks here.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use waymark_store::{Scope, User};

use crate::error::AppError;
use crate::state::AppState;

/// The cookie holding the session token.
pub const SESSION_COOKIE: &str = "waymark_session";
/// The cookie holding the CSRF token before sign-in (double-submit).
pub const PRE_SESSION_CSRF_COOKIE: &str = "waymark_csrf";
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;

/// Hashes a password with argon2id and a fresh salt. Slow on purpose (~75 ms): call it from
/// `spawn_blocking` in request handlers.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

/// Checks a password against a stored argon2 hash.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random 256-bit token, hex encoded.
pub fn new_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(hex(&bytes))
}

/// Sessions are stored by the hash of their token, so a copy of the database is no key.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

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

/// A Set-Cookie value: HttpOnly, SameSite=Lax, whole site.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}")
}

/// The signed-in person making the request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub organisation_name: String,
    /// The session's CSRF token, put into every form.
    pub csrf_token: String,
}

impl Viewer {
    /// The rows this viewer may see: their own organisation.
    pub fn scope(&self) -> Scope {
        Scope::Org(self.user.org)
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
                let target = format!("/sign-in?next={}", percent_encode_path(&next));
                Redirect::to(&target).into_response()
            }
            NotSignedIn::Api => AppError::Unauthorised.into_json_response(),
            NotSignedIn::Failed(error) => error.into_response(),
        }
    }
}

fn percent_encode_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = NotSignedIn;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let is_api = parts.uri.path().starts_with("/api/");
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
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(not_signed_in());
        };
        match state.store.session(&token_hash(&token)).await {
            Ok(Some(session)) => Ok(Viewer {
                user: session.user,
                organisation_name: session.organisation_name,
                csrf_token: session.csrf_token,
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
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("Correct horse battery staple", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn cookies_are_read_from_any_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; waymark_session=abc".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
