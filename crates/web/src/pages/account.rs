//! Your account: who you are signed in as, your role, clearance and posts, changing your own
//! password, and personal API tokens for scripts (created here, shown once, revoked here).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::auth::{SESSION_COOKIE, Viewer};
use crate::error::AppError;
use crate::pages::{Chrome, long_date, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/password", post(change_password))
        .route("/account/sign-out-everywhere", post(sign_out_everywhere))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

struct TokenRow {
    id: i64,
    name: String,
    created: String,
    last_used: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "account_page.html")]
struct AccountPage {
    chrome: Chrome,
    name: String,
    email: String,
    role: String,
    clearance: String,
    posts: Vec<String>,
    tokens: Vec<TokenRow>,
    /// A token just created: its value, shown this once.
    new_token: Option<String>,
    done: Option<&'static str>,
    errors: Vec<(String, String)>,
}

impl AccountPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = build(&state, &viewer, Vec::new()).await?;
    page.done = match query.done.as_deref() {
        Some("password") => {
            Some("Your password has been changed. You have been signed out everywhere else.")
        }
        Some("revoked") => {
            Some("The token has been revoked. Scripts using it can no longer sign in.")
        }
        _ => None,
    };
    Ok(render(&page)?.into_response())
}

/// Ends every session of the person, this one too, and sends them to sign in again.
async fn sign_out_everywhere(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    state.app.sign_out_everywhere(&viewer.actor).await?;
    let mut response = Redirect::to("/sign-in").into_response();
    let cookie = crate::auth::set_cookie(SESSION_COOKIE, "", 0, state.secure_cookies);
    if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, value);
    }
    Ok(response)
}

async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: axum::http::HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let this_session = crate::auth::cookie(&headers, SESSION_COOKIE);
    let changed = state
        .app
        .change_own_password(
            &viewer.actor,
            &form.current,
            &form.password,
            this_session.as_deref(),
        )
        .await
        .map_err(AppError::from);
    match changed {
        Ok(()) => Ok(Redirect::to("/account?done=password").into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = build(&state, &viewer, errors).await?;
            let mut response = render(&page)?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

/// Creates a token and shows its value on the page answering the form (never in an address,
/// where history and logs would keep it).
async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    let created = state
        .app
        .create_token(&viewer.actor, None, &form.name)
        .await?;
    let mut page = build(&state, &viewer, Vec::new()).await?;
    page.new_token = Some(created.value);
    Ok(render(&page)?.into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state.app.revoke_token(&viewer.actor, id).await?;
    Ok(Redirect::to("/account?done=revoked#tokens").into_response())
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    errors: Vec<(String, String)>,
) -> Result<AccountPage, AppError> {
    let actor = &viewer.actor;
    let user = actor.user().ok_or(AppError::Forbidden)?;
    let tokens = state
        .app
        .tokens(actor)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            created: long_date(t.created_at.date_naive()),
            last_used: t
                .last_used_at
                .map(|at| long_date(at.date_naive()))
                .unwrap_or_else(|| "Never".into()),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    let mut roles: Vec<String> = actor
        .subject
        .roles
        .iter()
        .map(|grant| match grant.plan {
            None => grant.role.label().to_string(),
            Some(plan) => format!("{} of plan {}", grant.role.label(), plan.0),
        })
        .collect();
    if roles.is_empty() {
        roles.push("No role yet: ask an administrator".into());
    }
    Ok(AccountPage {
        chrome: Chrome::for_viewer(viewer, "account"),
        name: user.name.clone(),
        email: user.email.clone(),
        role: roles.join(", "),
        clearance: user.clearance.label().to_string(),
        posts: actor.posts.clone(),
        tokens,
        new_token: None,
        done: None,
        errors,
    })
}
