//! Creating a plan and changing its own fields (title, kind, period, level names, owner posts,
//! source, update cycle and protective marking); archiving it after asking, and restoring it.
//! The edit form carries the version it started from: a stale edit shows the plan as it is now
//! beside what the person typed, which stays in the form.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use waymark_app::Conflict;
use waymark_app::plans::PlanInput;
use waymark_core::{PlanId, PlanKind};

use super::{DESCRIPTORS, message_for, with_status};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/new", get(new_form).post(create))
        .route("/plans/{id}/edit", get(edit_form).post(edit))
        .route("/plans/{id}/archive", get(confirm_archive).post(archive))
        .route("/plans/{id}/restore", post(restore))
}

/// The kinds a plan may be, with what each is for and the levels it starts with.
const KINDS: [(&str, &str, &str); 5] = [
    (
        "improvement",
        "Improvement plan",
        "Answers an inspection's recommendations.",
    ),
    (
        "strategic",
        "Strategic plan",
        "The force's aims and objectives over several years.",
    ),
    (
        "delivery",
        "Delivery plan",
        "This year's actions towards the strategic plan.",
    ),
    (
        "collaboration",
        "Collaboration programme",
        "A programme several forces or partners share.",
    ),
    ("policing", "Policing plan", "The police and crime plan."),
];

/// The value of the "Another kind" radio, whose name is typed beside it.
const OTHER_KIND: &str = "other";

/// The update cycles offered: (value, words).
const CYCLES: [(&str, &str); 3] = [
    ("weekly", "Every week"),
    ("monthly", "Every month"),
    ("quarterly", "Every quarter"),
];

/// The plan form as sent; every field is text, read by the application layer.
#[derive(Deserialize, Default, Clone)]
struct PlanForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    kind_other: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    level_names: String,
    #[serde(default)]
    owner_posts: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    update_cycle: String,
    #[serde(default)]
    marking: String,
    #[serde(default)]
    descriptor: String,
    /// The version the edit form was shown with.
    #[serde(default)]
    version: Option<i64>,
}

impl PlanForm {
    /// The form's values for a plan as it is.
    fn of(input: PlanInput) -> PlanForm {
        let built_in = KINDS.iter().any(|(value, _, _)| *value == input.kind);
        PlanForm {
            kind: if built_in {
                input.kind.clone()
            } else {
                OTHER_KIND.into()
            },
            kind_other: if built_in { String::new() } else { input.kind },
            title: input.title,
            period: input.period,
            level_names: input.level_names,
            owner_posts: input.owner_posts,
            source: input.source,
            update_cycle: input.update_cycle,
            marking: input.marking,
            descriptor: input.descriptor,
            version: None,
        }
    }

    /// What the application layer reads, or the one mistake only the form can make: choosing
    /// "Another kind" without naming it.
    fn input(&self) -> Result<PlanInput, AppError> {
        let kind = if self.kind == OTHER_KIND {
            let named = self.kind_other.trim();
            if named.is_empty() {
                return Err(AppError::invalid("kind_other", "Enter the kind of plan"));
            }
            named.to_string()
        } else {
            self.kind.clone()
        };
        Ok(PlanInput {
            title: self.title.clone(),
            kind,
            period: self.period.clone(),
            level_names: self.level_names.clone(),
            owner_posts: self.owner_posts.clone(),
            source: self.source.clone(),
            update_cycle: self.update_cycle.clone(),
            marking: self.marking.clone(),
            descriptor: self.descriptor.clone(),
        })
    }

    /// What the person typed for one of a conflict's fields, in the words the plan shows.
    fn typed(&self, label: &str) -> String {
        let lines = |text: &str| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match label {
            "Title" => self.title.trim().to_string(),
            "Kind" => match self.kind.as_str() {
                OTHER_KIND => self.kind_other.trim().to_string(),
                kind => kind.to_string(),
            },
            "Period" => self.period.trim().to_string(),
            "Levels" => lines(&self.level_names),
            "Owner posts" => lines(&self.owner_posts),
            "Source" => self.source.trim().to_string(),
            "Update cycle" => self.update_cycle.trim().to_string(),
            "Protective marking" => match self.descriptor.trim() {
                "" => self.marking.trim().to_string(),
                descriptor => format!("{} {descriptor}", self.marking.trim()),
            },
            _ => String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "plan_form.html")]
struct PlanFormPage {
    chrome: Chrome,
    /// The plan being changed, by id and title as saved; `None` when creating one.
    plan: Option<(i64, String)>,
    form: PlanForm,
    version: i64,
    errors: Vec<(String, String)>,
    conflict: Option<Conflict>,
    /// A conflict's fields side by side: (label, as saved now, as typed).
    compared: Vec<(String, String, String)>,
}

impl PlanFormPage {
    /// The message for `field`, or "" when it is fine.
    fn error(&self, field: &str) -> &str {
        message_for(&self.errors, field).unwrap_or_default()
    }

    /// The kinds with their hints: (radio id, value, label, what it is for and its levels).
    /// The first radio has the field's own id, which the error summary links to.
    fn kinds(&self) -> Vec<(String, &'static str, &'static str, String)> {
        KINDS
            .iter()
            .enumerate()
            .map(|(index, (value, label, purpose))| {
                let levels = PlanKind::parse(value).default_levels().join(", then ");
                let id = if index == 0 {
                    "kind".to_string()
                } else {
                    format!("kind-{value}")
                };
                (id, *value, *label, format!("{purpose} Levels: {levels}."))
            })
            .collect()
    }

    fn other_kind(&self) -> &'static str {
        OTHER_KIND
    }

    /// The update cycles, with a cycle of days the plan already has kept as a choice.
    fn cycles(&self) -> Vec<(String, String)> {
        let mut cycles: Vec<(String, String)> = CYCLES
            .iter()
            .map(|(value, words)| (value.to_string(), words.to_string()))
            .collect();
        let current = self.form.update_cycle.trim();
        if !current.is_empty() && !CYCLES.iter().any(|(value, _)| *value == current) {
            cycles.push((current.to_string(), format!("Every {current}")));
        }
        cycles
    }

    fn cycle_selected(&self, value: &str) -> bool {
        match self.form.update_cycle.trim() {
            "" => value == "monthly",
            current => current == value,
        }
    }

    fn sensitive(&self) -> bool {
        self.form
            .marking
            .trim()
            .eq_ignore_ascii_case("OFFICIAL-SENSITIVE")
    }

    fn descriptors(&self) -> [&'static str; 3] {
        DESCRIPTORS
    }

    fn action(&self) -> String {
        match &self.plan {
            Some((id, _)) => format!("/plans/{id}/edit"),
            None => "/plans/new".into(),
        }
    }
}

fn page(viewer: &Viewer, plan: Option<(i64, String)>, form: PlanForm) -> PlanFormPage {
    PlanFormPage {
        chrome: Chrome::for_viewer(viewer, "plans"),
        plan,
        version: form.version.unwrap_or_default(),
        form,
        errors: Vec::new(),
        conflict: None,
        compared: Vec::new(),
    }
}

async fn new_form(viewer: Viewer) -> Result<Response, AppError> {
    if !viewer.actor.may_create_plans() {
        return Err(AppError::Forbidden);
    }
    let form = PlanForm {
        kind: "improvement".into(),
        marking: "OFFICIAL".into(),
        ..PlanForm::default()
    };
    Ok(render(&page(&viewer, None, form))?.into_response())
}

async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<PlanForm>,
) -> Result<Response, AppError> {
    // The application layer refuses anyone else too; asked first here so that they are not
    // shown the form's mistakes.
    if !viewer.actor.may_create_plans() {
        return Err(AppError::Forbidden);
    }
    let created = match form.input() {
        Ok(input) => state
            .app
            .create_plan(&viewer.actor, None, &input)
            .await
            .map_err(AppError::from),
        Err(error) => Err(error),
    };
    match created {
        Ok(plan) => Ok(Redirect::to(&format!("/plans/{}?done=created", plan.id.0)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = PlanFormPage {
                errors,
                ..page(&viewer, None, form)
            };
            Ok(with_status(
                render(&page)?,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(other) => Err(other),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (plan, version) = state.app.plan_for_edit(&viewer.actor, PlanId(id)).await?;
    let form = PlanForm {
        version: Some(version),
        ..PlanForm::of(PlanInput::of(&plan))
    };
    let page = PlanFormPage {
        chrome: Chrome::for_viewer(&viewer, "plans").marked(plan.marking),
        ..page(&viewer, Some((id, plan.title.clone())), form)
    };
    Ok(render(&page)?.into_response())
}

async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<PlanForm>,
) -> Result<Response, AppError> {
    let edited = match form.input() {
        Ok(input) => state
            .app
            .edit_plan(
                &viewer.actor,
                PlanId(id),
                &input,
                form.version.unwrap_or_default(),
            )
            .await
            .map_err(AppError::from),
        Err(error) => Err(error),
    };
    let (errors, conflict) = match edited {
        Ok(_) => return Ok(Redirect::to(&format!("/plans/{id}?done=edited")).into_response()),
        Err(AppError::Invalid(errors)) => (errors, None),
        Err(AppError::Conflict(conflict)) => (Vec::new(), Some(*conflict)),
        Err(other) => return Err(other),
    };
    // The plan as it is now (and the check that the person may still change it), around what
    // they typed.
    let (plan, version) = state.app.plan_for_edit(&viewer.actor, PlanId(id)).await?;
    let status = if conflict.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let compared = conflict
        .iter()
        .flat_map(|c| c.current.iter())
        .map(|(label, now)| (label.clone(), now.clone(), form.typed(label)))
        .collect();
    // A conflict's form carries the version it was shown with now, so saving again works;
    // a mistake's keeps the version the person started from.
    let version = match &conflict {
        Some(conflict) => conflict.current_version,
        None => form.version.unwrap_or(version),
    };
    let page = PlanFormPage {
        chrome: Chrome::for_viewer(&viewer, "plans").marked(plan.marking),
        version,
        errors,
        conflict,
        compared,
        ..page(&viewer, Some((id, plan.title.clone())), form)
    };
    Ok(with_status(render(&page)?, status))
}

#[derive(Template)]
#[template(path = "plan_archive.html")]
struct ConfirmArchivePage {
    chrome: Chrome,
    id: i64,
    title: String,
}

/// Asks before archiving: an archived plan leaves the list of plans in use and can no longer
/// be changed until it is restored.
async fn confirm_archive(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (plan, _) = state.app.plan_for_edit(&viewer.actor, PlanId(id)).await?;
    Ok(render(&ConfirmArchivePage {
        chrome: Chrome::for_viewer(&viewer, "plans").marked(plan.marking),
        id,
        title: plan.title,
    })?
    .into_response())
}

async fn archive(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state
        .app
        .set_plan_archived(&viewer.actor, PlanId(id), true)
        .await?;
    Ok(Redirect::to(&format!("/plans/{id}?done=archived")).into_response())
}

async fn restore(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state
        .app
        .set_plan_archived(&viewer.actor, PlanId(id), false)
        .await?;
    Ok(Redirect::to(&format!("/plans/{id}?done=restored")).into_response())
}
