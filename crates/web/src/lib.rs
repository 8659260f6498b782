//! Waymark's web application: server-rendered HTML pages in the GOV.UK style and a JSON API,
//! with sessions, CSRF protection and security headers applied once for every route.
//!
//! Only this crate knows HTTP and HTML. Handlers are thin: they extract the signed-in viewer
//! (whose organisation scopes every read and write), call the store or a shared view function,
//! and render. The same view structs back the pages, the JSON API and the CLI's `--json`.

pub mod api;
mod assets;
pub mod auth;
mod error;
mod pages;
mod security;
mod service;
mod state;
pub mod views;
pub mod views_indicators;

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

pub use auth::hash_password;
pub use error::AppError;
pub use state::{AppState, Clock, DemoAccount, DemoSignIn};

/// Every route, with the security layers applied once around all of them.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(api::router())
        .merge(assets::router())
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::csrf_guard,
        ))
        .layer(axum::middleware::from_fn(security::security_headers))
        .with_state(state)
}

/// Serves the app on an already-bound listener until `shutdown` completes, then finishes the
/// requests in flight. Tests bind port 0 and pass the listener in.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let warming = tokio::spawn(keep_views_warm(state.store.clone(), state.clock.clone()));
    let served = axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await;
    warming.abort();
    served
}

/// Fills the store's view cache with today's view of every plan (as many as its memory budget
/// allows) when the server starts and again when the day changes, so that the first visitor to
/// each plan gets a page as fast as the next. Pages are served meanwhile; a failure only means
/// a colder cache.
async fn keep_views_warm(store: waymark_store::Store, clock: Clock) {
    // Plans whose import committed but whose derived indexes a stop left unwritten.
    match store.catch_up_all_indexes().await {
        Ok(0) => {}
        Ok(plans) => tracing::info!(plans, "index backlog caught up"),
        Err(error) => tracing::warn!(%error, "catching up the index backlog failed"),
    }
    let mut warmed_for = None;
    loop {
        let today = clock.today();
        if warmed_for != Some(today) {
            let started = std::time::Instant::now();
            match store.warm_views(today).await {
                Ok(views) => tracing::info!(
                    views,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "view cache warmed"
                ),
                Err(error) => tracing::warn!(%error, "warming the view cache failed"),
            }
            warmed_for = Some(today);
        }
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
}
