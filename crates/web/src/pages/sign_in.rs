//! Signing in with email and password, and signing out.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::sync::Arc;

use crate::auth::{
    self, ClientAddress, PRE_SESSION_CSRF_COOKIE, SESSION_COOKIE, SESSION_HOURS, cookie, set_cookie,
};
use crate::error::AppError;
use crate::pages::render;
use crate::state::{AppState, DemoSignIn};
use waymark_app::sessions::new_token;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(show).post(submit))
        .route("/sign-out", post(sign_out))
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    csrf: String,
    next: String,
    email: String,
    error: Option<String>,
    demo: Option<Arc<DemoSignIn>>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// Only a path on this server may follow sign-in, so the form can't send people elsewhere:
/// it starts with one `/` not followed by `/` or `\`, and holds no backslash and no control
/// character, before or after percent-decoding. Browsers drop tabs and line
/// breaks from a `Location` ("/\t/evil.example" becomes "//evil.example", another site) and
/// read `\` as `/`; anything else goes to the home page.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    let Some(path) = next else {
        return "/".to_string();
    };
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let unsafe_char = |c: char| c == '\\' || c.is_control();
    let local = |text: &str| {
        let mut chars = text.chars();
        chars.next() == Some('/')
            && !matches!(chars.next(), Some('/') | Some('\\'))
            && !text.chars().any(unsafe_char)
    };
    if path.len() <= 2048 && local(path) && local(&decoded) {
        path.to_string()
    } else {
        "/".to_string()
    }
}

async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let (csrf, set) = match cookie(&headers, PRE_SESSION_CSRF_COOKIE) {
        Some(token) if token.len() == 64 => (token, None),
        _ => {
            let token = new_token()?;
            let header = set_cookie(PRE_SESSION_CSRF_COOKIE, &token, 3600, state.secure_cookies);
            (token, Some(header))
        }
    };
    let page = SignInPage {
        csrf,
        next: safe_next(query.next.as_deref()),
        email: String::new(),
        error: None,
        demo: state.demo.clone(),
    };
    let mut response = render(&page)?.into_response();
    if let Some(value) = set.and_then(|v| HeaderValue::from_str(&v).ok()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

async fn submit(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let signed_in = match state
        .app
        .sign_in(&form.email, &form.password, address)
        .await
    {
        Ok(signed_in) => signed_in,
        Err(waymark_app::AppError::SignInFailed) => {
            let page = SignInPage {
                csrf: cookie(&headers, PRE_SESSION_CSRF_COOKIE).unwrap_or_default(),
                next: safe_next(form.next.as_deref()),
                email: form.email,
                error: Some("Enter a correct email address and password".into()),
                demo: state.demo.clone(),
            };
            let mut response = render(&page)?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            return Ok(response);
        }
        Err(other) => return Err(other.into()),
    };
    let mut response = Redirect::to(&safe_next(form.next.as_deref())).into_response();
    let cookie = set_cookie(
        SESSION_COOKIE,
        &signed_in.token,
        SESSION_HOURS * 3600,
        state.secure_cookies,
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE) {
        state.app.sign_out(&token).await?;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    let cookie = set_cookie(SESSION_COOKIE, "", 0, state.secure_cookies);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_follow_sign_in() {
        assert_eq!(safe_next(Some("/plans/3")), "/plans/3");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    /// Tricks known to turn a "local" redirect into another site's address.
    #[test]
    fn known_open_redirect_tricks_land_at_home() {
        let tricks = [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\u{b}/evil.example",
            "/\u{c}/evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%0D/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5C/evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/\\/evil.example",
            "///evil.example",
            "//evil.example/%2e%2e",
            " /\t/evil.example",
            "https:evil.example",
            "javascript:alert(1)",
            "http://evil.example",
            "evil.example",
            "",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{85}/evil.example",
        ];
        for trick in tricks {
            assert_eq!(safe_next(Some(trick)), "/", "{trick:?}");
        }
        for kept in [
            "/",
            "/plans/3?rag=amber&q=vetting%20backlog",
            "/items/12#updates",
        ] {
            assert_eq!(safe_next(Some(kept)), kept);
        }
    }

    proptest::proptest! {
        /// Whatever `next` holds, the redirect resolves to this server, as a browser would
        /// read the `Location` header, and is a valid header value.
        #[test]
        fn no_next_leaves_the_site(next in "\\PC{0,12}|[/\\\\%0-9a-fA-F\t\n\r\u{b}:. ]{0,12}") {
            let target = safe_next(Some(&next));
            let base = url::Url::parse("http://127.0.0.1:8080/sign-in").expect("a base address");
            let resolved = base.join(&target).expect("a local path resolves");
            proptest::prop_assert_eq!(resolved.host_str(), Some("127.0.0.1"));
            proptest::prop_assert_eq!(resolved.port(), Some(8080));
            proptest::prop_assert!(HeaderValue::from_str(&target).is_ok());
        }
    }
}
