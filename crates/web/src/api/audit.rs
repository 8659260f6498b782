//! The audit trail through the API (administrators): their organisation's events, newest
//! first, filtered by person, plan, item, day and action, a page at a time with the total; and
//! every matching event as CSV (the download itself is audited).

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_app::model::{AuditEvent, AuditFilter};
use waymark_core::{ItemId, PlanId, UserId};

use crate::api::ApiError;
use crate::api::extract::{ApiQuery, attachment, day_or, instant};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;

/// Events in one page of `GET /api/audit`.
pub const AUDIT_PAGE_SIZE: usize = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/audit", get(audit_events))
        .route("/api/audit.csv", get(audit_csv))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    /// Only this person's events (their id).
    #[param(minimum = 1)]
    person: Option<i64>,
    /// Only events about this plan.
    #[param(minimum = 1)]
    plan: Option<i64>,
    /// Only events about this item.
    #[param(minimum = 1)]
    item: Option<i64>,
    /// Only events on this day, UTC (ISO date).
    #[param(schema_with = crate::api::openapi::query_day)]
    day: Option<String>,
    /// Only actions starting with this: "item.", "sign_in", "plan.marking".
    #[param(max_length = 100)]
    action: Option<String>,
    /// The page, from 1 (the default); 50 events a page.
    #[param(minimum = 1)]
    page: Option<i64>,
}

/// The largest offset a page may start at: the databases' OFFSET is a 64-bit integer.
const MAX_OFFSET: usize = i64::MAX as usize;

/// The longest `action` prefix a filter takes, as the document says.
const MAX_ACTION_CHARS: usize = 100;

impl AuditQuery {
    /// The page asked for, from 1.
    fn page(&self) -> Result<usize, AppError> {
        match usize::try_from(self.page.unwrap_or(1)) {
            Ok(page) if page >= 1 => Ok(page),
            _ => Err(AppError::invalid("page", "Pages are numbered from 1")),
        }
    }

    fn filter(&self, today: chrono::NaiveDate) -> Result<AuditFilter, AppError> {
        // Ids start at 1, as the document says: a smaller one names nothing and is refused
        // rather than answered with an empty list.
        for (name, id) in [
            ("person", self.person),
            ("plan", self.plan),
            ("item", self.item),
        ] {
            if id.is_some_and(|id| id < 1) {
                return Err(AppError::invalid(name, "Give an id from 1"));
            }
        }
        if self
            .action
            .as_deref()
            .is_some_and(|a| a.chars().count() > MAX_ACTION_CHARS)
        {
            return Err(AppError::invalid(
                "action",
                format!("Give at most {MAX_ACTION_CHARS} characters of an action"),
            ));
        }
        let day = match self.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(text) => Some(day_or("day", Some(text), today)?),
            None => None,
        };
        Ok(AuditFilter {
            org: None,
            user: self.person.map(UserId),
            plan: self.plan.map(PlanId),
            item: self.item.map(ItemId),
            day,
            action: self
                .action
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string),
            offset: 0,
            limit: None,
        })
    }
}

/// One event of the audit trail.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AuditEventJson {
    id: i64,
    /// RFC 3339, UTC.
    at: String,
    /// Who: "Ada Admin <ada@force.example>".
    actor: String,
    /// Their person id, where a person acted.
    person: Option<i64>,
    address: Option<String>,
    /// "item.edit", "plan.marking", "share.create", "sign_in.failed", …
    action: String,
    plan: Option<i64>,
    item: Option<i64>,
    /// What it was about, in words.
    subject: Option<String>,
    /// What changed, as the action records it (before and after, counts, reasons).
    #[schema(value_type = Option<Object>)]
    detail: Option<serde_json::Value>,
}

impl AuditEventJson {
    fn new(event: &AuditEvent) -> AuditEventJson {
        AuditEventJson {
            id: event.id,
            at: instant(event.at),
            actor: event.actor.clone(),
            person: event.user.map(|u| u.0),
            address: event.address.clone(),
            action: event.action.clone(),
            plan: event.plan.map(|p| p.0),
            item: event.item.map(|i| i.0),
            subject: event.subject.clone(),
            detail: event.detail.as_deref().map(|text| {
                serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::from(text))
            }),
        }
    }
}

/// A page of the audit trail.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AuditPageJson {
    /// Events matching the filters, in all.
    total: usize,
    page: usize,
    per_page: usize,
    /// Newest first.
    events: Vec<AuditEventJson>,
}

/// The organisation's audit trail, newest first, a page of 50 at a time. Administrators only.
#[utoipa::path(get, path = "/api/audit", tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, body = AuditPageJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Administrators only", body = ErrorJson),
        (status = 422, description = "A filter or page that is not one, named in `fields`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn audit_events(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPageJson>, ApiError> {
    let page = query.page()?;
    let mut filter = query.filter(state.today())?;
    // A page past the end is empty; the offset stays within the database's 64-bit integers.
    filter.offset = (page - 1).saturating_mul(AUDIT_PAGE_SIZE).min(MAX_OFFSET);
    filter.limit = Some(AUDIT_PAGE_SIZE);
    let (total, events) = state.app.audit_events(&viewer.actor, filter).await?;
    Ok(Json(AuditPageJson {
        total,
        page,
        per_page: AUDIT_PAGE_SIZE,
        events: events.iter().map(AuditEventJson::new).collect(),
    }))
}

/// Every event matching the filters, as CSV (cells a spreadsheet would run as a formula are
/// quoted). Administrators only; the download is itself audited.
#[utoipa::path(get, path = "/api/audit.csv", tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "The events as CSV, newest first", content_type = "text/csv", body = String),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Administrators only", body = ErrorJson),
        (status = 422, description = "A filter that is not one, named in `fields`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn audit_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Response, ApiError> {
    // The CSV holds every event, so `page` chooses nothing; it is still read as the list
    // reads it, so that the two refuse the same queries.
    query.page()?;
    let filter = query.filter(state.today())?;
    let bytes = state.app.audit_csv(&viewer.actor, filter).await?;
    Ok(attachment("text/csv; charset=utf-8", "audit.csv", bytes))
}
