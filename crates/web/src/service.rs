//! The operations behind both the pages and the API, so that they behave the same.

use chrono::NaiveDate;
use waymark_core::{ItemId, Rag, version_in_force};
use waymark_store::{ChangeSet, ItemRef, NewUpdate, NewVersion};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::state::AppState;

/// What a person submits when adding an update.
#[derive(Debug, Clone, Default)]
pub struct UpdateInput {
    pub as_of: Option<String>,
    pub text: String,
    pub rag: Option<String>,
    pub complete: bool,
}

/// Adds a progress update to an item, and where it changes the RAG or completes the item, a new
/// version of the item effective on the update's date. One transaction.
pub async fn add_update(
    state: &AppState,
    viewer: &Viewer,
    item: ItemId,
    input: UpdateInput,
) -> Result<i64, AppError> {
    let today = state.clock.today();
    let mut errors = Vec::new();
    let text = input.text.trim().to_string();
    if text.is_empty() {
        errors.push(("text".to_string(), "Enter a progress update".to_string()));
    } else if text.chars().count() > MAX_UPDATE_CHARS {
        errors.push((
            "text".to_string(),
            "The progress update must be 10,000 characters or fewer".to_string(),
        ));
    }
    let as_of = match input
        .as_of
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => today,
        Some(written) => match parse_day(written) {
            Some(day) if day > today => {
                errors.push((
                    "as_of".into(),
                    "The date of the update must be today or in the past".into(),
                ));
                today
            }
            Some(day) => day,
            None => {
                errors.push((
                    "as_of".into(),
                    "Enter the date of the update as a real date, for example 23/11/2026".into(),
                ));
                today
            }
        },
    };
    let rag = match input
        .rag
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(word) => match Rag::parse(word) {
            Ok(rag) => rag,
            Err(error) => {
                errors.push(("rag".into(), error.to_string()));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }

    let history = state.store.item_history(viewer.scope(), item).await?;
    let current =
        version_in_force(&history.versions, NaiveDate::MAX, None).ok_or(AppError::NotFound)?;
    if !may_update(state, viewer, &current.fields).await? {
        return Err(AppError::Forbidden);
    }
    let mut changes = ChangeSet::new(viewer.user.org, history.plan.id);
    changes.author = Some(viewer.user.name.clone());
    changes.updates.push(NewUpdate {
        item: ItemRef::Existing(item),
        as_of,
        author_person: Some(viewer.user.name.clone()),
        author_post: None,
        text,
        // An update that completes the item proposes Blue, whatever radio was left chosen.
        proposed_rag: if input.complete { Some(Rag::Blue) } else { rag },
        supersedes: None,
    });
    let mut fields = current.fields.clone();
    // Choosing Red, Amber or Green for a completed item reopens it: the form says "choose
    // another status to change it", and a completed item shows Blue.
    let reopens = fields.complete && !input.complete && rag.is_some_and(|r| r != Rag::Blue);
    let rag_changes = rag.is_some_and(|r| r != Rag::Blue && (Some(r) != fields.rag || reopens));
    let completes = (input.complete || rag == Some(Rag::Blue)) && !fields.complete;
    if rag_changes || completes {
        if rag_changes {
            fields.rag = rag;
        }
        if reopens {
            fields.complete = false;
            fields.completed_on = None;
        }
        if completes {
            fields.complete = true;
            fields.completed_on = Some(as_of);
        }
        changes.versions.push(NewVersion {
            item,
            parent: fields.parent.map(ItemRef::Existing),
            fields,
            effective: as_of,
            reason: Some("Progress update".into()),
        });
    }
    let applied = state.store.apply_changes(&changes).await?;
    applied
        .update_ids
        .first()
        .map(|id| id.0)
        .ok_or_else(|| AppError::Internal("update was not stored".into()))
}

/// Whether the viewer may add updates to an item: they hold one of its owner posts today, or
/// they administer the organisation. Roles will widen this to named editors.
pub async fn may_update(
    state: &AppState,
    viewer: &Viewer,
    fields: &waymark_core::ItemFields,
) -> Result<bool, AppError> {
    if viewer.user.is_admin {
        return Ok(true);
    }
    let posts = state
        .store
        .posts_held(viewer.user.id, state.clock.today())
        .await?;
    Ok(fields
        .owners
        .iter()
        .any(|owner| posts.iter().any(|post| post.eq_ignore_ascii_case(owner))))
}

/// Whether the viewer may edit an item's fields: administrators, until roles name editors.
pub fn may_edit(viewer: &Viewer) -> bool {
    viewer.user.is_admin
}

/// What an editor submits when changing an item's fields.
#[derive(Debug, Clone, Default)]
pub struct EditInput {
    pub reference: String,
    pub text: String,
    pub owners: String,
    pub strategic_lead: String,
    pub due: String,
    pub description: String,
    pub reason: String,
}

/// Changes an item's fields as a new version effective today, keeping the old one in history.
pub async fn edit_item(
    state: &AppState,
    viewer: &Viewer,
    item: ItemId,
    input: EditInput,
) -> Result<(), AppError> {
    if !may_edit(viewer) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let text = input.text.trim().to_string();
    if text.is_empty() {
        errors.push((
            "edit-text".to_string(),
            "Enter the item's wording".to_string(),
        ));
    }
    let due = match input.due.trim() {
        "" => None,
        written => match waymark_core::parse_date(written) {
            Ok(date) => Some(date),
            Err(error) => {
                errors.push(("edit-due".to_string(), error.to_string()));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let history = state.store.item_history(viewer.scope(), item).await?;
    let current =
        version_in_force(&history.versions, NaiveDate::MAX, None).ok_or(AppError::NotFound)?;
    let mut fields = current.fields.clone();
    let optional = |value: &str| Some(value.trim().to_string()).filter(|v| !v.is_empty());
    fields.reference = optional(&input.reference);
    fields.text = text;
    fields.owners = waymark_core::split_owners(&input.owners);
    fields.strategic_lead = optional(&input.strategic_lead);
    fields.due = due;
    fields.description = optional(&input.description);
    if fields.changed_fields(&current.fields).is_empty() {
        return Ok(());
    }
    let mut changes = ChangeSet::new(viewer.user.org, history.plan.id);
    changes.author = Some(viewer.user.name.clone());
    changes.versions.push(NewVersion {
        item,
        parent: fields.parent.map(ItemRef::Existing),
        fields,
        effective: state.clock.today(),
        reason: optional(&input.reason).or_else(|| Some("Edited".into())),
    });
    state.store.apply_changes(&changes).await?;
    Ok(())
}

/// A progress update is a paragraph or a few, not a document: 10,000 characters is about four
/// pages of A4.
const MAX_UPDATE_CHARS: usize = 10_000;

/// Reads a date typed into a form: ISO, or the forms users write ("8 Jan 2015").
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .or_else(|| {
            waymark_core::parse_date(text)
                .ok()
                .filter(|d| !d.is_vague())
                .map(|d| d.date)
        })
}
