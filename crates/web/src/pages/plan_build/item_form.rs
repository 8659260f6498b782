//! Adding an item to a plan, at the top level or under any of its items, with every field an
//! item has. The page says which level the new item will be at for each place it can go.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use waymark_app::PlanRead;
use waymark_app::items::ItemInput;
use waymark_core::{ItemId, PlanId};

use super::{DESCRIPTORS, message_for, with_status};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, first_line, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}/items/new", get(new_form).post(add))
}

/// The RAG choices a new item may start with: (radio id, value, words, meaning). Blue is
/// complete, which an item becomes by being closed.
const RAG_CHOICES: [(&str, &str, &str, &str); 4] = [
    ("rag", "", "Not assessed", "No RAG status yet"),
    ("rag-Green", "Green", "Green", "On plan"),
    (
        "rag-Amber",
        "Amber",
        "Amber",
        "Progressing more slowly than planned",
    ),
    (
        "rag-Red",
        "Red",
        "Red",
        "Not achieved, or timescale unknown",
    ),
];

#[derive(Deserialize)]
struct NewItemQuery {
    parent: Option<String>,
}

/// The add-an-item form as sent.
#[derive(Deserialize, Default, Clone)]
struct ItemForm {
    /// The parent item's id, or "" for the top level.
    #[serde(default)]
    parent: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    strategic_lead: String,
    #[serde(default)]
    owners: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    rag: String,
    #[serde(default)]
    marking: String,
    #[serde(default)]
    descriptor: String,
}

impl ItemForm {
    /// The parent chosen: `None` for the top level.
    fn parent(&self) -> Result<Option<ItemId>, AppError> {
        match self.parent.trim() {
            "" => Ok(None),
            text => text
                .parse()
                .map(|id| Some(ItemId(id)))
                .map_err(|_| AppError::invalid("parent", "Choose where the item goes")),
        }
    }

    fn input(&self) -> ItemInput {
        ItemInput {
            reference: Some(self.reference.clone()),
            text: Some(self.text.clone()),
            description: Some(self.description.clone()),
            strategic_lead: Some(self.strategic_lead.clone()),
            owners: Some(self.owners.clone()),
            start: Some(self.start.clone()),
            due: Some(self.due.clone()),
            rag: Some(self.rag.clone()),
            marking: Some(self.marking.clone()),
            descriptor: Some(self.descriptor.clone()),
            reason: None,
        }
    }
}

/// A place the new item can go.
struct Place {
    /// The parent's id, or "" for the top level.
    value: String,
    /// "Under Recommendation 4.43: Give call handlers … (an Action)".
    label: String,
    /// "an Action under Recommendation 4.43", for the sentence above the form.
    becomes: String,
}

#[derive(Template)]
#[template(path = "item_new.html")]
struct NewItemPage {
    chrome: Chrome,
    plan_id: i64,
    plan_title: String,
    places: Vec<Place>,
    form: ItemForm,
    errors: Vec<(String, String)>,
}

impl NewItemPage {
    fn error(&self, field: &str) -> &str {
        message_for(&self.errors, field).unwrap_or_default()
    }

    /// What the place chosen makes the new item: "an Action under Recommendation 4.43".
    fn becomes(&self) -> &str {
        self.places
            .iter()
            .find(|p| p.value == self.form.parent.trim())
            .or(self.places.first())
            .map(|p| p.becomes.as_str())
            .unwrap_or_default()
    }

    fn rag_choices(&self) -> &'static [(&'static str, &'static str, &'static str, &'static str)] {
        &RAG_CHOICES
    }

    fn descriptors(&self) -> [&'static str; 3] {
        DESCRIPTORS
    }
}

/// "an Action", "a Recommendation".
fn with_article(level: &str) -> String {
    let vowel = level
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {level}", if vowel { "an" } else { "a" })
}

/// The top level and every item of the plan, each with the level a new item there is at.
fn places(read: &PlanRead) -> Vec<Place> {
    let plan = &read.view.plan;
    let top = with_article(plan.level_name(0));
    let mut places = vec![Place {
        value: String::new(),
        label: format!("At the top level of the plan ({top})"),
        becomes: format!("{top} at the top level of the plan"),
    }];
    for item in &read.view.items {
        let level = plan.level_name(item.depth);
        let named = match &item.fields.reference {
            Some(reference) => format!("{level} {reference}"),
            None => level.to_string(),
        };
        let child = with_article(plan.level_name(item.depth + 1));
        places.push(Place {
            value: item.id.0.to_string(),
            label: format!(
                "Under {named}: {} ({child})",
                first_line(&item.fields.text, 70)
            ),
            becomes: format!("{child} under {named}"),
        });
    }
    places
}

fn page(viewer: &Viewer, read: &PlanRead, form: ItemForm) -> NewItemPage {
    NewItemPage {
        chrome: Chrome::for_viewer(viewer, "plans").marked(read.highest),
        plan_id: read.view.plan.id.0,
        plan_title: read.view.plan.title.clone(),
        places: places(read),
        form,
        errors: Vec::new(),
    }
}

async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<NewItemQuery>,
) -> Result<Response, AppError> {
    let read = state.app.plan_to_build(&viewer.actor, PlanId(id)).await?;
    let form = ItemForm {
        parent: query.parent.unwrap_or_default(),
        ..ItemForm::default()
    };
    Ok(render(&page(&viewer, &read, form))?.into_response())
}

async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ItemForm>,
) -> Result<Response, AppError> {
    let added = match form.parent() {
        Ok(parent) => state
            .app
            .add_item(&viewer.actor, PlanId(id), parent, &form.input())
            .await
            .map_err(AppError::from),
        Err(error) => Err(error),
    };
    match added {
        Ok(item) => Ok(Redirect::to(&format!("/items/{}?done=created", item.0)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let read = state.app.plan_to_build(&viewer.actor, PlanId(id)).await?;
            let page = NewItemPage {
                errors,
                ..page(&viewer, &read, form)
            };
            Ok(with_status(
                render(&page)?,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_take_the_article_they_are_read_with() {
        assert_eq!(with_article("Action"), "an Action");
        assert_eq!(with_article("Recommendation"), "a Recommendation");
        assert_eq!(with_article("Objective"), "an Objective");
        assert_eq!(with_article("Milestone"), "a Milestone");
    }
}
