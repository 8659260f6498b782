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
    self, ClientAddress, PRE_SESSION_CSRF_COOKIE, SESSION_COOKIE, cookie, set_cookie,
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

/// Only paths on this server may follow sign-in, so the form can't send people elsewhere.
fn safe_next(next: Option<&str>) -> String {
    auth::local_path(next.unwrap_or("/"))
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
        Err(waymark_app::AppError::TooManyAttempts { wait_seconds }) => {
            let page = SignInPage {
                csrf: cookie(&headers, PRE_SESSION_CSRF_COOKIE).unwrap_or_default(),
                next: safe_next(form.next.as_deref()),
                email: form.email,
                error: Some(waymark_app::throttle::message(wait_seconds)),
                demo: state.demo.clone(),
            };
            let mut response = render(&page)?.into_response();
            *response.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
            if let Ok(value) = HeaderValue::from_str(&wait_seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Ok(response);
        }
        Err(other) => return Err(other.into()),
    };
    // A new session replaces the browser's earlier one, which ends on the server too.
    if let Some(earlier) = cookie(&headers, SESSION_COOKIE) {
        state.app.sign_out(&earlier).await?;
    }
    let mut response = Redirect::to(&safe_next(form.next.as_deref())).into_response();
    // The cookie lasts as long as the session can (its absolute end); the server ends it
    // sooner when it is left idle.
    let cookie = set_cookie(
        SESSION_COOKIE,
        &signed_in.token,
        state.app.session_rules().absolute.num_seconds(),
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
}
