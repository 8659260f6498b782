//! Waymark's web application: server-rendered HTML pages in the GOV.UK style and a JSON API,
//! with sessions, CSRF protection and security headers applied once for every route.
//!
//! Only this crate knows HTTP and HTML. Handlers are thin: they extract the signed-in viewer
//! (an application-layer `Actor`), call one use case of `waymark_app`, and render its answer;
//! this crate cannot reach the store, so every read is narrowed and every write checked there.
//! The same view structs back the pages, the JSON API and the CLI's `--json`.

pub mod api;
mod assets;
pub mod auth;
mod error;
mod pages;
mod security;
mod server;
mod state;
pub mod views;
pub mod views_indicators;
pub mod views_programme;

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

pub use error::AppError;
pub use server::ServeLimits;
pub use state::{AppState, Clock, DemoAccount, DemoSignIn};

/// Every route, with the security layers applied once around all of them.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(api::router())
        .merge(assets::router())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::csrf_guard,
        ))
        // Set after the CSRF layer, so that it replaces the layered default: a method the path
        // lacks is answered 405 before the CSRF check or any sign-in.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(security::security_headers))
        .with_state(state)
}

/// The answer to an address no route serves: JSON under `/api/`, like every API answer, and
/// the not-found page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        AppError::NotFound.into_json_response()
    } else {
        axum::response::IntoResponse::into_response(AppError::NotFound)
    }
}

/// The answer to a method a path does not have, whoever asks: 405, JSON under `/api/` and the
/// error page elsewhere. The router adds the path's `Allow` header.
async fn method_not_allowed(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        AppError::MethodNotAllowed.into_json_response()
    } else {
        axum::response::IntoResponse::into_response(AppError::MethodNotAllowed)
    }
}

/// Serves the app on an already-bound listener until `shutdown` completes, then finishes the
/// requests in flight. Tests bind port 0 and pass the listener in.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_within(listener, state, ServeLimits::default(), shutdown).await
}

/// As [`serve`], with the given timeouts and connection bounds instead of the defaults.
pub async fn serve_within(
    listener: TcpListener,
    state: AppState,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let application = state.app.clone();
    // Fills the view cache with today's view of every plan when the server starts and again
    // when the day changes, so the first visitor to each plan gets a page as fast as the next.
    let warming = tokio::spawn(async move { application.keep_views_warm().await });
    let served = server::serve_router(listener, app(state), limits, shutdown).await;
    warming.abort();
    served
}
