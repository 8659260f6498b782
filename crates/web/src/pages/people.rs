//! People and posts (administrators): who may do what (each person's role for the whole
//! organisation, roles narrowed to one plan, and their clearance), adding people and resetting
//! passwords, and who holds which post since when. Moving a person on ends their holding and
//! can hand the post to someone else; the actions stay with the post. Every change is audited
//! by the application layer.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use waymark_app::people::{HoldingChange, PersonInput};
use waymark_core::{Marking, PlanId, PostId, Role, UserId};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, long_date, render};
use crate::state::AppState;
use waymark_app::text::parse_day;

pub fn router() -> Router<AppState> {
    Router::new().route("/people", get(show).post(change))
}

struct HoldingRow {
    post: String,
    person: String,
    since: String,
    until: String,
    current: bool,
}

struct PersonRow {
    id: i64,
    name: String,
    email: String,
    /// The role for the whole organisation, as the role select's value ("" for none).
    role: String,
    role_label: String,
    /// "Plan manager of Custody improvement plan".
    plan_roles: Vec<String>,
    clearance: String,
    is_me: bool,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    chrome: Chrome,
    holdings: Vec<HoldingRow>,
    people: Vec<PersonRow>,
    posts: Vec<(i64, String)>,
    plans: Vec<(i64, String)>,
    roles: Vec<(&'static str, &'static str, &'static str)>,
    today_iso: String,
    done: Option<String>,
    errors: Vec<(String, String)>,
    /// What the add-a-person form was sent with, kept after a mistake.
    add: AddValues,
}

#[derive(Default)]
struct AddValues {
    name: String,
    email: String,
    role: String,
    clearance: String,
}

impl PeoplePage {
    /// The add-a-person form's text fields: (name, label, input type, value, hint).
    fn add_fields(
        &self,
    ) -> Vec<(
        &'static str,
        &'static str,
        &'static str,
        String,
        &'static str,
    )> {
        vec![
            ("name", "Full name", "text", self.add.name.clone(), ""),
            (
                "email",
                "Email address",
                "email",
                self.add.email.clone(),
                "They sign in with it.",
            ),
            (
                "password",
                "Password",
                "password",
                String::new(),
                "At least 12 characters. Tell them in person or by phone; they can change it on their account page.",
            ),
        ]
    }

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
struct ChangeForm {
    action: String,
    post: Option<String>,
    new_post: Option<String>,
    person: Option<String>,
    successor: Option<String>,
    date: Option<String>,
    name: Option<String>,
    email: Option<String>,
    role: Option<String>,
    clearance: Option<String>,
    password: Option<String>,
    plan: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    let page = build(&state, &viewer, Vec::new()).await?;
    render(&PeoplePage {
        done: query.done.map(|d| {
            match d.as_str() {
                "assigned" => "The post has been assigned.",
                "added" => "The person has been added. Give them their password in person or by phone, not by email.",
                "roles" => "Their role has been changed.",
                "clearance" => "Their clearance has been changed.",
                "password" => "Their password has been changed. Tell them in person or by phone.",
                "plan-role" => "They now manage that plan.",
                _ => "The person has been moved on. Their actions stay with the post.",
            }
            .to_string()
        }),
        ..page
    })
}

async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ChangeForm>,
) -> Result<Response, AppError> {
    if !viewer.actor.is_administrator() {
        return Err(AppError::Forbidden);
    }
    match apply(&state, &viewer, &form).await {
        Ok(done) => Ok(Redirect::to(&format!("/people?done={done}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = build(&state, &viewer, errors).await?;
            if form.action == "add" {
                page.add = AddValues {
                    name: form.name.clone().unwrap_or_default(),
                    email: form.email.clone().unwrap_or_default(),
                    role: form.role.clone().unwrap_or_default(),
                    clearance: form.clearance.clone().unwrap_or_default(),
                };
            }
            let mut response = render(&page)?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

fn id_of(value: Option<&String>) -> Option<i64> {
    value.and_then(|v| v.trim().parse().ok())
}

fn role_of(value: Option<&String>) -> Result<Option<Role>, AppError> {
    match value
        .map(|v| v.trim())
        .filter(|v| !v.is_empty() && *v != "none")
    {
        None => Ok(None),
        Some(word) => Role::parse(word)
            .map(Some)
            .ok_or_else(|| AppError::invalid("role", "Choose a role")),
    }
}

fn clearance_of(value: Option<&String>) -> Result<Marking, AppError> {
    match value.map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(Marking::OfficialSensitive),
        Some(word) => Marking::parse(word)
            .filter(|m| *m != Marking::Secret)
            .ok_or_else(|| AppError::invalid("clearance", "Choose OFFICIAL or OFFICIAL-SENSITIVE")),
    }
}

async fn apply(
    state: &AppState,
    viewer: &Viewer,
    form: &ChangeForm,
) -> Result<&'static str, AppError> {
    let today = state.today();
    let actor = &viewer.actor;
    let date = match form
        .date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => today,
        Some(text) => {
            parse_day(text).ok_or_else(|| AppError::invalid("date", "Enter a real date"))?
        }
    };
    let person = |field: &str, value: Option<&String>| -> Result<UserId, AppError> {
        id_of(value)
            .map(UserId)
            .ok_or_else(|| AppError::invalid(field, "Choose a person"))
    };
    match form.action.as_str() {
        "assign" => {
            let change = HoldingChange::Assign {
                user: person("person", form.person.as_ref())?,
                post: id_of(form.post.as_ref()).map(PostId),
                new_post: form.new_post.clone(),
                since: date,
            };
            state.app.change_holding(actor, &change).await?;
            Ok("assigned")
        }
        "move-on" => {
            let change = HoldingChange::MoveOn {
                user: person("person", form.person.as_ref())?,
                post: id_of(form.post.as_ref())
                    .map(PostId)
                    .ok_or_else(|| AppError::invalid("post", "Choose a post"))?,
                until: date,
                successor: id_of(form.successor.as_ref()).map(UserId),
            };
            state.app.change_holding(actor, &change).await?;
            Ok("moved")
        }
        "add" => {
            let input = PersonInput {
                email: form.email.clone().unwrap_or_default(),
                name: form.name.clone().unwrap_or_default(),
                password: form.password.clone().unwrap_or_default(),
                role: role_of(form.role.as_ref())?
                    .ok_or_else(|| AppError::invalid("role", "Choose a role"))?,
                clearance: clearance_of(form.clearance.as_ref())?,
                org: None,
            };
            state.app.add_person(actor, &input).await?;
            Ok("added")
        }
        "roles" => {
            let user = person("person", form.person.as_ref())?;
            let role = role_of(form.role.as_ref())?;
            // Roles narrowed to plans are kept as they are.
            let read = state.app.people(actor, None).await?;
            let plan_roles: Vec<(PlanId, Role)> = read
                .people
                .iter()
                .find(|p| p.user.id == user)
                .map(|p| {
                    p.roles
                        .iter()
                        .filter_map(|g| g.plan.map(|plan| (plan, g.role)))
                        .collect()
                })
                .unwrap_or_default();
            state.app.set_roles(actor, user, role, &plan_roles).await?;
            Ok("roles")
        }
        "plan-role" => {
            let user = person("person", form.person.as_ref())?;
            let plan = id_of(form.plan.as_ref())
                .map(PlanId)
                .ok_or_else(|| AppError::invalid("plan", "Choose a plan"))?;
            let read = state.app.people(actor, None).await?;
            let current = read.people.iter().find(|p| p.user.id == user);
            let org_role = current.and_then(|p| p.org_role());
            let mut plan_roles: Vec<(PlanId, Role)> = current
                .map(|p| {
                    p.roles
                        .iter()
                        .filter_map(|g| g.plan.map(|plan| (plan, g.role)))
                        .filter(|(p, _)| *p != plan)
                        .collect()
                })
                .unwrap_or_default();
            plan_roles.push((plan, Role::PlanManager));
            state
                .app
                .set_roles(actor, user, org_role, &plan_roles)
                .await?;
            Ok("plan-role")
        }
        "clearance" => {
            let user = person("person", form.person.as_ref())?;
            state
                .app
                .set_clearance(actor, user, clearance_of(form.clearance.as_ref())?)
                .await?;
            Ok("clearance")
        }
        "password" => {
            let user = person("person", form.person.as_ref())?;
            state
                .app
                .set_password(actor, user, form.password.as_deref().unwrap_or_default())
                .await?;
            Ok("password")
        }
        _ => Err(AppError::invalid("action", "Choose what to do")),
    }
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    errors: Vec<(String, String)>,
) -> Result<PeoplePage, AppError> {
    let today = state.today();
    let read = state.app.people(&viewer.actor, None).await?;
    let plans: Vec<(i64, String)> = state
        .app
        .visible_plans(&viewer.actor)
        .await?
        .into_iter()
        .filter(|v| v.plan.org == read.org)
        .map(|v| (v.plan.id.0, v.plan.title))
        .collect();
    let plan_title = |id: PlanId| {
        plans
            .iter()
            .find(|(p, _)| *p == id.0)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| format!("plan {}", id.0))
    };
    let me = viewer.actor.user().map(|u| u.id);
    let people = read
        .people
        .iter()
        .map(|person| {
            let role = person.org_role();
            PersonRow {
                id: person.user.id.0,
                name: person.user.name.clone(),
                email: person.user.email.clone(),
                role: role.map(|r| r.as_str().to_string()).unwrap_or_default(),
                role_label: role.map(Role::label).unwrap_or("No role").to_string(),
                plan_roles: person
                    .roles
                    .iter()
                    .filter_map(|g| {
                        g.plan
                            .map(|plan| format!("{} of {}", g.role.label(), plan_title(plan)))
                    })
                    .collect(),
                clearance: person.user.clearance.label().to_string(),
                is_me: me == Some(person.user.id),
            }
        })
        .collect();
    let holdings = read
        .holdings
        .into_iter()
        .map(|h| HoldingRow {
            post: h.post_title,
            person: h.user_name,
            since: long_date(h.since),
            until: h.until.map(long_date).unwrap_or_default(),
            current: h.until.is_none_or(|until| until > today),
        })
        .collect();
    Ok(PeoplePage {
        chrome: Chrome::for_viewer(viewer, "people"),
        holdings,
        people,
        posts: read
            .posts
            .into_iter()
            .map(|(id, title)| (id.0, title))
            .collect(),
        plans,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.label(), r.summary()))
            .collect(),
        today_iso: today.format("%Y-%m-%d").to_string(),
        done: None,
        errors,
        add: AddValues::default(),
    })
}
