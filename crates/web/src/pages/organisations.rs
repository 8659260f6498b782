//! Organisations (administrators): the forces, PCC offices, local authorities and other
//! partners in this Waymark, and the form to add one, so that plans can be shared with it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use waymark_core::OrganisationKind;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/organisations", get(show).post(add))
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct OrganisationsPage {
    chrome: Chrome,
    organisations: Vec<(String, String, &'static str, bool)>,
    kinds: Vec<(&'static str, &'static str)>,
    errors: Vec<(String, String)>,
    added: Option<String>,
    form: AddForm,
}

impl OrganisationsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
    }
}

#[derive(Deserialize, Default)]
struct AddForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

#[derive(Deserialize)]
struct AddedQuery {
    added: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<AddedQuery>,
) -> Result<Response, AppError> {
    let mut page = build(&state, &viewer, Vec::new(), AddForm::default()).await?;
    page.added = query.added;
    Ok(render(&page)?.into_response())
}

async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<AddForm>,
) -> Result<Response, AppError> {
    let kind = OrganisationKind::parse(&form.kind).unwrap_or(OrganisationKind::Partner);
    let added = state
        .app
        .add_organisation(&viewer.actor, &form.code, &form.name, kind)
        .await
        .map_err(AppError::from);
    match added {
        Ok(organisation) => Ok(Redirect::to(&format!(
            "/organisations?added={}",
            crate::pages::encode_query(&organisation.name)
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = build(&state, &viewer, errors, form).await?;
            let mut response = render(&page)?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    errors: Vec<(String, String)>,
    form: AddForm,
) -> Result<OrganisationsPage, AppError> {
    let own = viewer.actor.org();
    let organisations = state
        .app
        .organisations(&viewer.actor)
        .await?
        .into_iter()
        .map(|o| (o.code, o.name, o.kind.label(), Some(o.id) == own))
        .collect();
    Ok(OrganisationsPage {
        chrome: Chrome::for_viewer(viewer, "organisations"),
        organisations,
        kinds: OrganisationKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        errors,
        added: None,
        form,
    })
}
