//! Sharing a plan with other organisations: who it is shared with, at what level and up to
//! which marking, every share ever made (revoked ones stay, with who revoked them and why),
//! and the forms to share the plan or chosen items of it and to revoke a share. Only the
//! plan's organisation's administrators and the plan's managers reach this page; the rules are
//! the application layer's.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use waymark_app::organisations::ShareInput;
use waymark_core::{ItemId, Marking, OrgId, PlanId, ShareAccess};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, long_date, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/sharing", get(show).post(share))
        .route("/shares/{id}/revoke", post(revoke))
}

struct ShareRow {
    id: i64,
    with: String,
    access: &'static str,
    ceiling: &'static str,
    /// "The whole plan", or the chosen items.
    what: String,
    made: String,
    /// "Revoked on 3 December 2026 by Priya Shah: the project has ended".
    revoked: Option<String>,
}

struct ItemChoice {
    id: i64,
    depth: usize,
    label: String,
    marking: String,
    sensitive: bool,
}

#[derive(Template)]
#[template(path = "sharing.html")]
struct SharingPage {
    chrome: Chrome,
    id: i64,
    title: String,
    marking: String,
    shares: Vec<ShareRow>,
    partners: Vec<(i64, String)>,
    items: Vec<ItemChoice>,
    errors: Vec<(String, String)>,
    done: Option<&'static str>,
}

impl SharingPage {
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

#[derive(Deserialize, Default)]
struct ShareForm {
    #[serde(default)]
    with: String,
    #[serde(default)]
    access: String,
    #[serde(default)]
    ceiling: String,
    /// "all" or "chosen".
    #[serde(default)]
    scope: String,
    /// The chosen items' ids, sent as repeated `item` fields.
    #[serde(default, rename = "item")]
    items: Vec<String>,
}

#[derive(Deserialize)]
struct RevokeForm {
    #[serde(default)]
    reason: String,
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = build(&state, &viewer, PlanId(id), Vec::new()).await?;
    page.done = match query.done.as_deref() {
        Some("shared") => Some("The plan has been shared. Its people see it from now on."),
        Some("revoked") => Some("The share has been revoked. Its people no longer see the plan."),
        _ => None,
    };
    Ok(render(&page)?.into_response())
}

async fn share(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::extract::RawForm(body): axum::extract::RawForm,
) -> Result<Response, AppError> {
    // Repeated `item` fields: read the form as pairs, which serde_urlencoded's struct
    // reading does not gather into a list.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::invalid("form", "The form could not be read"))?;
    let mut form = ShareForm::default();
    for (key, value) in pairs {
        match key.as_str() {
            "with" => form.with = value,
            "access" => form.access = value,
            "ceiling" => form.ceiling = value,
            "scope" => form.scope = value,
            "item" => form.items.push(value),
            _ => {}
        }
    }
    let mut errors = Vec::new();
    let with = form.with.trim().parse::<i64>().ok().map(OrgId);
    if with.is_none() {
        errors.push((
            "with".to_string(),
            "Choose an organisation to share with".to_string(),
        ));
    }
    let access = ShareAccess::parse(&form.access);
    if access.is_none() {
        errors.push(("access".to_string(), "Choose what they may do".to_string()));
    }
    let ceiling = Marking::parse(&form.ceiling).filter(|m| *m != Marking::Secret);
    if ceiling.is_none() {
        errors.push((
            "ceiling".to_string(),
            "Choose the most sensitive marking shared".to_string(),
        ));
    }
    let items = if form.scope == "chosen" {
        let ids: Vec<ItemId> = form
            .items
            .iter()
            .filter_map(|v| v.parse::<i64>().ok())
            .map(ItemId)
            .collect();
        if ids.is_empty() {
            errors.push(("items".to_string(), "Choose the items to share".to_string()));
        }
        Some(ids)
    } else {
        None
    };
    let result = match (errors.is_empty(), with, access, ceiling) {
        (true, Some(with), Some(access), Some(ceiling)) => state
            .app
            .share_plan(
                &viewer.actor,
                PlanId(id),
                &ShareInput {
                    with,
                    access,
                    ceiling,
                    items,
                },
            )
            .await
            .map(|_| ())
            .map_err(AppError::from),
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{id}/sharing?done=shared")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = build(&state, &viewer, PlanId(id), errors).await?;
            let mut response = render(&page)?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

async fn revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, AppError> {
    let plan = state.app.share_plan_id(&viewer.actor, id).await?;
    state
        .app
        .revoke_share(&viewer.actor, id, &form.reason)
        .await?;
    Ok(Redirect::to(&format!("/plans/{}/sharing?done=revoked", plan.0)).into_response())
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    plan: PlanId,
    errors: Vec<(String, String)>,
) -> Result<SharingPage, AppError> {
    let actor = &viewer.actor;
    let shares = state.app.plan_shares(actor, plan).await?;
    let read = state.app.plan_view(actor, plan, state.today()).await?;
    let organisations = state.app.sharing_partners(actor, plan).await?;
    let name_of = |org: OrgId| {
        organisations
            .iter()
            .find(|o| o.id == org)
            .map(|o| format!("{} ({})", o.name, o.code))
            .unwrap_or_else(|| format!("organisation {}", org.0))
    };
    let label_of = |item: ItemId| {
        read.view
            .item(item)
            .map(|i| match &i.fields.reference {
                Some(reference) => format!("{reference} {}", i.fields.text),
                None => i.fields.text.clone(),
            })
            .unwrap_or_else(|| format!("item {}", item.0))
    };
    let rows = shares
        .iter()
        .map(|stored| ShareRow {
            id: stored.share.id,
            with: name_of(stored.share.with_org),
            access: match stored.share.access {
                ShareAccess::Read => "Read",
                ShareAccess::Contribute => "Read and add updates to the actions their posts own",
            },
            ceiling: stored.share.ceiling.label(),
            what: match &stored.share.items {
                None => "The whole plan".to_string(),
                Some(items) => items
                    .iter()
                    .map(|i| label_of(*i))
                    .collect::<Vec<_>>()
                    .join("; "),
            },
            made: format!(
                "{} by {}",
                long_date(stored.created_at.date_naive()),
                stored.created_by.clone().unwrap_or_default()
            ),
            revoked: stored.revoked_at.map(|at| {
                let reason = stored
                    .revoke_reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                format!(
                    "Revoked on {} by {}{reason}",
                    long_date(at.date_naive()),
                    stored.revoked_by.clone().unwrap_or_default()
                )
            }),
        })
        .collect();
    let own = read.view.plan.org;
    Ok(SharingPage {
        chrome: Chrome::for_viewer(viewer, "plans").marked(read.highest),
        id: plan.0,
        title: read.view.plan.title.clone(),
        marking: read.view.plan.marking.label(),
        shares: rows,
        partners: organisations
            .iter()
            .filter(|o| o.id != own)
            .map(|o| {
                (
                    o.id.0,
                    format!("{} ({}), {}", o.name, o.code, o.kind.label().to_lowercase()),
                )
            })
            .collect(),
        items: read
            .view
            .items
            .iter()
            .map(|item| {
                let marking = read.marking_of(item.id);
                ItemChoice {
                    id: item.id.0,
                    depth: item.depth.min(4),
                    label: format!(
                        "{}{}",
                        item.fields
                            .reference
                            .as_deref()
                            .map(|r| format!("{r} "))
                            .unwrap_or_default(),
                        crate::pages::first_line(&item.fields.text, 120)
                    ),
                    sensitive: marking.marking >= Marking::OfficialSensitive,
                    marking: marking.label(),
                }
            })
            .collect(),
        errors,
        done: None,
    })
}
