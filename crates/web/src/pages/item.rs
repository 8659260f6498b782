//! One item: every field, its children, its update history newest first, its RAG history, its
//! versions, and the form to add an update. Plan managers also get the forms that change it
//! (edit, move, reorder, close, reopen, archive), which post to `plan_build`.

pub(crate) mod history;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use waymark_core::{ItemId, Rag, RagRollup, rollup_tree};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, DateField, RagView, first_line, long_date, render, with_errors};
use crate::state::AppState;
use crate::views::{RollupView, flag_message, iso, tag_label};
use waymark_app::comments::{Segment, segments};
use waymark_app::items::{ItemInput, UpdateInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/items/{id}", get(show).post(add))
        .route("/items/{id}/edit", axum::routing::post(edit))
        .route("/items/{id}/comments", axum::routing::post(comment))
}

#[derive(Deserialize)]
struct ItemQuery {
    as_at: Option<String>,
    added: Option<String>,
    edited: Option<String>,
    /// What was just done to the item, for the success banner: "moved", "closed", …
    done: Option<String>,
}

#[derive(Deserialize)]
struct EditForm {
    reference: String,
    text: String,
    owners: String,
    strategic_lead: String,
    #[serde(default)]
    start: Option<String>,
    due: String,
    description: String,
    reason: String,
    #[serde(default)]
    marking: Option<String>,
    #[serde(default)]
    descriptor: Option<String>,
    /// The version the form was shown with: a later change by someone else is a conflict.
    #[serde(default)]
    version: Option<i64>,
}

#[derive(Deserialize)]
struct UpdateForm {
    as_of: Option<String>,
    text: String,
    rag: Option<String>,
    complete: Option<String>,
}

struct UpdateRow {
    date: String,
    author: String,
    text: String,
    rag: Option<RagView>,
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    body: String,
}

/// A comment as the page shows it: its body in pieces, each escaped by the template, the
/// mentions (true) highlighted.
struct CommentRow {
    date: String,
    author: String,
    pieces: Vec<(String, bool)>,
}

struct RagRow {
    date: String,
    from: RagView,
    to: RagView,
    author: String,
    reason: String,
}

struct Child {
    id: i64,
    level: String,
    reference: String,
    text: String,
    rag: RagView,
    /// For a child that is itself a parent with no RAG of its own: its derived RAG.
    rollup: Option<RollupView>,
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage {
    chrome: Chrome,
    id: i64,
    plan_id: i64,
    plan_title: String,
    level: String,
    reference: String,
    text: String,
    description: String,
    strategic_lead: String,
    owners: Vec<String>,
    start: String,
    due: String,
    complete: bool,
    completed_on: String,
    rag: RagView,
    /// For a parent with no RAG of its own: the RAG derived from its actions.
    rollup: Option<RollupView>,
    tags: Vec<String>,
    flags: Vec<String>,
    children: Vec<Child>,
    updates: Vec<UpdateRow>,
    /// Comments, oldest first (newest last).
    comments: Vec<CommentRow>,
    can_comment: bool,
    /// What was typed into the comment form, kept after a mistake.
    form_comment: String,
    rag_history: Vec<RagRow>,
    as_at_long: String,
    is_today: bool,
    /// What the "as it stood at the end of" field shows: the day, or what was typed if refused.
    as_at_value: String,
    today_iso: String,
    added: bool,
    edited: bool,
    errors: Vec<(String, String)>,
    form_text: String,
    form_as_of: String,
    form_rag: String,
    can_update: bool,
    can_edit: bool,
    edit_owners: String,
    edit_due: String,
    /// The latest version's number, which the edit form carries.
    version: i64,
    /// The item's effective marking, and its own (empty: as the plan).
    marking: String,
    own_marking: String,
    own_descriptor: String,
    /// Someone else's change that came first, shown above the edit form.
    conflict: Option<waymark_app::Conflict>,
    /// What the person typed into the edit form, kept after a mistake or a conflict.
    edit_values: Option<EditValues>,
    edit_start: String,
    /// The success banner's words, after a change.
    done: Option<String>,
    /// Where a plan manager may move it: (parent id or "" for the top level, words, whether
    /// it is there now).
    move_choices: Vec<(String, String, bool)>,
    /// Whether there is an item before or after it among its siblings.
    can_move_up: bool,
    can_move_down: bool,
    /// Archiving is for the plan's own organisation's managers (not a partner's).
    can_archive: bool,
    /// Every version of the item, newest first.
    history: Vec<history::VersionRow>,
    /// A collaboration project's own facts: (label, value), for the year the page is as at.
    project: Vec<(String, String)>,
}

/// The edit form's fields as typed.
struct EditValues {
    reference: String,
    text: String,
    owners: String,
    strategic_lead: String,
    start: String,
    due: String,
    description: String,
    reason: String,
}

fn form_values(form: &EditForm) -> EditValues {
    EditValues {
        reference: form.reference.clone(),
        text: form.text.clone(),
        owners: form.owners.clone(),
        strategic_lead: form.strategic_lead.clone(),
        start: form.start.clone().unwrap_or_default(),
        due: form.due.clone(),
        description: form.description.clone(),
        reason: form.reason.clone(),
    }
}

impl ItemPage {
    /// Whether a RAG radio starts checked: the word last submitted, else the current RAG.
    fn rag_checked(&self, option: &str) -> bool {
        self.form_rag.eq_ignore_ascii_case(option)
    }

    /// The colour of a RAG word shown in words elsewhere (a conflict's fields), so that it is
    /// shown as word and colour like every other RAG.
    fn rag_class_of(&self, word: &str) -> &'static str {
        RagView::new(Rag::parse(word).ok().flatten()).class
    }

    /// Whether the edit form opens by itself: after a mistake or a conflict.
    fn editing(&self) -> bool {
        self.conflict.is_some()
            || self
                .errors
                .iter()
                .any(|(field, _)| field.starts_with("edit-"))
    }

    /// An edit field's value: what the person typed, else the item as it is.
    fn edit_value(&self, field: &str) -> String {
        if let Some(typed) = &self.edit_values {
            return match field {
                "reference" => typed.reference.clone(),
                "text" => typed.text.clone(),
                "owners" => typed.owners.clone(),
                "strategic_lead" => typed.strategic_lead.clone(),
                "start" => typed.start.clone(),
                "due" => typed.due.clone(),
                "description" => typed.description.clone(),
                "reason" => typed.reason.clone(),
                _ => String::new(),
            };
        }
        match field {
            "reference" => self.reference.clone(),
            "text" => self.text.clone(),
            "owners" => self.edit_owners.clone(),
            "strategic_lead" => self.strategic_lead.clone(),
            "start" => self.edit_start.clone(),
            "due" => self.edit_due.clone(),
            "description" => self.description.clone(),
            _ => String::new(),
        }
    }

    /// The message for `field`, or "" when it is fine.
    fn error(&self, field: &str) -> &str {
        self.error_for(field).unwrap_or_default()
    }

    /// The message for a field that was refused, shown beside it as well as in the summary.
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
    }
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ItemQuery>,
) -> Result<Response, AppError> {
    let today = state.today();
    // A date that cannot be read, or a day before the item existed, shows the item as it is
    // today with the field in error.
    let mut as_at = DateField::read("as_at", query.as_at.as_deref(), today);
    let page = match build(&state, &viewer, ItemId(id), as_at.day).await {
        Err(AppError::Invalid(fields)) if fields.iter().any(|(field, _)| field == "as_at") => {
            let message = fields
                .into_iter()
                .map(|(_, message)| message)
                .collect::<Vec<_>>()
                .join(" ");
            as_at.refuse(message, today);
            build(&state, &viewer, ItemId(id), today).await?
        }
        other => other?,
    };
    let errors = DateField::summary(&[&as_at]);
    let has_errors = !errors.is_empty();
    let html = render(&ItemPage {
        added: query.added.is_some(),
        edited: query.edited.is_some(),
        done: done_message(query.done.as_deref()),
        as_at_value: as_at.value,
        errors,
        ..page
    })?;
    Ok(with_errors(html, has_errors))
}

async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<UpdateForm>,
) -> Result<Response, AppError> {
    let input = UpdateInput {
        as_of: form.as_of.clone(),
        text: form.text.clone(),
        rag: form.rag.clone(),
        complete: form.complete.is_some(),
    };
    match state
        .app
        .add_update(&viewer.actor, ItemId(id), input)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!("/items/{id}?added=1#updates")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let today = state.today();
            let page = build(&state, &viewer, ItemId(id), today).await?;
            let mut response = render(&ItemPage {
                errors,
                form_text: form.text,
                form_as_of: form.as_of.unwrap_or_default(),
                form_rag: form.rag.unwrap_or_default(),
                ..page
            })?
            .into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

/// Adds a comment; a mistake shows the page again with the comment as typed, as 422.
async fn comment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    match state
        .app
        .add_comment(&viewer.actor, ItemId(id), &form.body)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!("/items/{id}?done=commented#comments")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = build(&state, &viewer, ItemId(id), state.today()).await?;
            // The comment form's field is named apart from the update form's on the same page.
            let errors = errors
                .into_iter()
                .map(|(field, message)| (format!("comment-{field}"), message))
                .collect();
            let mut response = render(&ItemPage {
                errors,
                form_comment: form.body,
                ..page
            })?
            .into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<EditForm>,
) -> Result<Response, AppError> {
    let input = ItemInput {
        reference: Some(form.reference.clone()),
        text: Some(form.text.clone()),
        owners: Some(form.owners.clone()),
        strategic_lead: Some(form.strategic_lead.clone()),
        start: form.start.clone(),
        due: Some(form.due.clone()),
        description: Some(form.description.clone()),
        reason: Some(form.reason.clone()),
        marking: form.marking.clone(),
        descriptor: form.descriptor.clone(),
        ..ItemInput::default()
    };
    let edited = state
        .app
        .edit_item(&viewer.actor, ItemId(id), &input, form.version)
        .await
        .map_err(AppError::from);
    match edited {
        Ok(_) => Ok(Redirect::to(&format!("/items/{id}?edited=1")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = build(&state, &viewer, ItemId(id), state.today()).await?;
            // The edit form's fields are named apart from the update form's on the same page.
            let errors = errors
                .into_iter()
                .map(|(field, message)| (format!("edit-{field}"), message))
                .collect();
            let mut response = render(&ItemPage {
                errors,
                edit_values: Some(form_values(&form)),
                ..page
            })?
            .into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(AppError::Conflict(conflict)) => {
            // The other change is shown beside what the person typed, which is kept.
            let page = build(&state, &viewer, ItemId(id), state.today()).await?;
            // The error summary at the top of the page points to it, as for any mistake.
            let errors = vec![(
                "conflict".to_string(),
                "Someone else changed this item after you opened it: check their change and save yours again".to_string(),
            )];
            let mut response = render(&ItemPage {
                conflict: Some(*conflict),
                edit_values: Some(form_values(&form)),
                errors,
                ..page
            })?
            .into_response();
            *response.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

/// The item page as it is today with the errors of a form that posted from it (`errors` named
/// by the fields' ids), answered with `status`: 422 for a mistake, 409 for someone else's
/// change that came first.
pub(crate) async fn show_with_errors(
    state: &AppState,
    viewer: &Viewer,
    id: ItemId,
    errors: Vec<(String, String)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = build(state, viewer, id, state.today()).await?;
    let mut response = render(&ItemPage { errors, ..page })?.into_response();
    *response.status_mut() = status;
    Ok(response)
}

/// A collaboration project's status, lead, participants, model, area and funding for the year,
/// from the programme as the viewer sees it; nothing for an item of another kind of plan.
async fn project_facts(
    state: &AppState,
    viewer: &Viewer,
    plan: &waymark_core::Plan,
    id: ItemId,
    as_at: chrono::NaiveDate,
) -> Vec<(String, String)> {
    if plan.kind != waymark_core::PlanKind::Collaboration {
        return Vec::new();
    }
    let Ok(year) = waymark_core::indicator::FinancialYear::containing(as_at) else {
        return Vec::new();
    };
    let Ok(summary) = state
        .app
        .programme_summary(&viewer.actor, plan.id, year)
        .await
    else {
        return Vec::new();
    };
    let Some(project) = summary.projects.iter().find(|p| p.item == id) else {
        return Vec::new();
    };
    let names = |orgs: &[waymark_core::Organisation]| {
        orgs.iter()
            .map(|o| o.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let year_words = waymark_core::programme::year_label(year);
    let funding = &project.funding;
    let mut rows = vec![
        ("Project area".to_string(), project.area.clone()),
        ("Project status".to_string(), project.facts.status.label()),
        (
            "Lead organisation".to_string(),
            project
                .lead
                .as_ref()
                .map_or_else(|| "Not recorded".to_string(), |o| o.name.clone()),
        ),
        (
            "Participants".to_string(),
            if project.participants.is_empty() {
                "All the programme's participants".to_string()
            } else {
                names(&project.participants)
            },
        ),
    ];
    if let Some(model) = &project.facts.model {
        rows.push(("Collaboration model".to_string(), model.label().to_string()));
    }
    if funding.lines > 0 {
        let known = waymark_core::programme::format_pence(funding.known_pence);
        rows.push((
            format!("Funding {year_words}"),
            match funding.unknown_count {
                0 => known,
                n if n == funding.lines => "Not known".to_string(),
                1 => format!("{known}, and 1 amount not known"),
                n => format!("{known}, and {n} amounts not known"),
            },
        ));
    }
    if project.facts.lead_only {
        rows.push((
            "Shared".to_string(),
            "Kept to the lead organisation".to_string(),
        ));
    }
    rows
}

/// The success banner's words for what was just done to the item.
fn done_message(done: Option<&str>) -> Option<String> {
    let words = match done? {
        "created" => "The item has been added to the plan.",
        "moved" => "The item has been moved, with any items under it.",
        "moved-up" => "The item has been moved up.",
        "moved-down" => "The item has been moved down.",
        "closed" => "The item has been closed as complete.",
        "reopened" => "The item has been reopened.",
        "restored" => "The item has been restored to the plan, with any items archived with it.",
        "commented" => "Your comment has been added.",
        _ => return None,
    };
    Some(words.to_string())
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    id: ItemId,
    as_at: chrono::NaiveDate,
) -> Result<ItemPage, AppError> {
    let today = state.today();
    let read = state.app.item(&viewer.actor, id, as_at).await?;
    let history = &read.history;
    let view = read.plan.view.clone();
    let item = read.state().ok_or(AppError::NotFound)?;
    let fields = &item.fields;
    let mut newest_first: Vec<&waymark_core::Update> = item.updates.iter().collect();
    newest_first.sort_by_key(|u| std::cmp::Reverse((u.as_of, u.entered_at, u.id)));
    let updates: Vec<UpdateRow> = newest_first
        .into_iter()
        .map(|u| UpdateRow {
            date: long_date(u.as_of),
            author: u.author().unwrap_or_default(),
            text: u.text.clone(),
            rag: u.proposed_rag.map(|r| RagView::new(Some(r))),
        })
        .collect();
    let comments_read = state.app.comments_on(&read).await?;
    let comments = comments_read
        .comments
        .iter()
        .map(|c| CommentRow {
            date: long_date(c.created_at.date_naive()),
            author: c.author_name.clone(),
            pieces: segments(&c.body, &c.mentions)
                .into_iter()
                .map(|piece| match piece {
                    Segment::Text(text) => (text, false),
                    Segment::Mention(text) => (text, true),
                })
                .collect(),
        })
        .collect();
    let rag_history = history
        .rag_history
        .iter()
        .rev()
        .filter(|change| change.effective <= as_at)
        .map(|change| RagRow {
            date: long_date(change.effective),
            from: RagView::new(change.from),
            to: RagView::new(change.to),
            author: change.author.clone().unwrap_or_default(),
            reason: change.reason.clone().unwrap_or_default(),
        })
        .collect();
    // Parents' RAG rolled up from the actions beneath them, over the whole plan's tree.
    let depths: Vec<usize> = view.items.iter().map(|i| i.depth).collect();
    let shown: Vec<Option<Rag>> = view.items.iter().map(|i| i.fields.shown_rag()).collect();
    let rollups = rollup_tree(&depths, &shown);
    let rollup_of = |wanted: ItemId| -> Option<RagRollup> {
        let index = view.items.iter().position(|i| i.id == wanted)?;
        let candidate = &view.items[index];
        if candidate.children.is_empty() || candidate.fields.shown_rag().is_some() {
            return None;
        }
        rollups.get(index).copied().flatten()
    };
    let children = item
        .children
        .iter()
        .filter_map(|child| view.item(*child))
        .map(|child| Child {
            id: child.id.0,
            level: view.plan.level_name(child.depth).to_string(),
            reference: child.fields.reference.clone().unwrap_or_default(),
            text: child.fields.text.clone(),
            rag: RagView::new(child.fields.shown_rag()),
            rollup: rollup_of(child.id).map(|r| RollupView::new(&r)),
        })
        .collect();
    // Where it may move, for those who may move it: the top level, or under any item at a
    // level above its own (a recommendation for an action, an objective or action for a
    // sub-action). A plan of 10,000 actions offers its few hundred parents, not every item.
    let mut move_choices = Vec::new();
    if read.may_edit {
        move_choices.push((
            String::new(),
            "The top level of the plan".to_string(),
            fields.parent.is_none(),
        ));
    }
    move_choices.extend(
        view.items
            .iter()
            .filter(|other| read.may_edit && other.depth < item.depth && other.id != id)
            .map(|other| {
                let level = view.plan.level_name(other.depth);
                let named = match &other.fields.reference {
                    Some(reference) => format!("{level} {reference}"),
                    None => level.to_string(),
                };
                (
                    other.id.0.to_string(),
                    format!("{named}: {}", first_line(&other.fields.text, 70)),
                    fields.parent == Some(other.id),
                )
            }),
    );
    let siblings: Vec<ItemId> = match fields.parent.and_then(|p| view.item(p)) {
        Some(parent) => parent.children.clone(),
        None => view
            .items
            .iter()
            .filter(|i| i.depth == 0)
            .map(|i| i.id)
            .collect(),
    };
    let place = siblings.iter().position(|s| *s == id);
    let project = project_facts(state, viewer, &view.plan, id, as_at).await;
    Ok(ItemPage {
        project,
        chrome: Chrome::for_viewer(viewer, "plans").marked(read.plan.marking_of(id)),
        done: None,
        can_move_up: place.is_some_and(|p| p > 0),
        can_move_down: place.is_some_and(|p| p + 1 < siblings.len()),
        move_choices,
        can_archive: read.may_edit && read.plan.access.share.is_none(),
        history: history::version_rows(&history.versions, &view, as_at),
        edit_start: fields
            .start
            .as_ref()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        id: id.0,
        plan_id: view.plan.id.0,
        plan_title: view.plan.title.clone(),
        level: view.plan.level_name(item.depth).to_string(),
        reference: fields.reference.clone().unwrap_or_default(),
        text: fields.text.clone(),
        description: fields.description.clone().unwrap_or_default(),
        strategic_lead: fields.strategic_lead.clone().unwrap_or_default(),
        owners: fields.owners.clone(),
        start: fields
            .start
            .as_ref()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        due: fields.due_as_written().unwrap_or_default(),
        complete: fields.complete,
        completed_on: fields.completed_on.map(long_date).unwrap_or_default(),
        rag: RagView::new(fields.shown_rag()),
        rollup: rollup_of(id).map(|r| RollupView::new(&r)),
        tags: fields.tags.iter().map(tag_label).collect(),
        flags: item
            .flags
            .iter()
            .map(|f| flag_message(*f, item, as_at))
            .collect(),
        children,
        updates,
        comments,
        can_comment: comments_read.may_comment && as_at == today,
        form_comment: String::new(),
        rag_history,
        as_at_long: long_date(as_at),
        is_today: as_at == today,
        as_at_value: as_at.format("%d/%m/%Y").to_string(),
        today_iso: iso(today),
        added: false,
        edited: false,
        errors: Vec::new(),
        form_text: String::new(),
        form_as_of: String::new(),
        form_rag: fields.rag.map(Rag::word).unwrap_or_default().to_string(),
        can_update: read.may_update,
        can_edit: read.may_edit,
        version: read.version,
        marking: read.plan.marking_of(id).label(),
        own_marking: fields
            .marking
            .map(|m| m.marking.label().to_string())
            .unwrap_or_default(),
        own_descriptor: fields
            .marking
            .and_then(|m| m.descriptor)
            .map(|d| d.label().to_string())
            .unwrap_or_default(),
        conflict: None,
        edit_values: None,
        edit_owners: fields.owners.join(" / "),
        edit_due: fields.due_as_written().unwrap_or_default(),
    })
}
