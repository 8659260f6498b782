//! People and posts (administrators): who holds which post and since when. Moving a person on
//! ends their holding and can hand the post to someone else; the actions stay with the post.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use waymark_core::{PostId, UserId};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, long_date, render};
use crate::service::parse_day;
use crate::state::AppState;

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

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    chrome: Chrome,
    holdings: Vec<HoldingRow>,
    people: Vec<(i64, String, String)>,
    posts: Vec<(i64, String)>,
    today_iso: String,
    done: Option<String>,
    errors: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

#[derive(Deserialize)]
struct ChangeForm {
    action: String,
    post: Option<String>,
    new_post: Option<String>,
    person: Option<String>,
    successor: Option<String>,
    date: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    let page = build(&state, &viewer, Vec::new()).await?;
    render(&PeoplePage {
        done: query.done.map(|d| match d.as_str() {
            "assigned" => "The post has been assigned.".to_string(),
            _ => "The person has been moved on. Their actions stay with the post.".to_string(),
        }),
        ..page
    })
}

async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ChangeForm>,
) -> Result<Response, AppError> {
    if !viewer.user.is_admin {
        return Err(AppError::Forbidden);
    }
    match apply(&state, &viewer, &form).await {
        Ok(done) => Ok(Redirect::to(&format!("/people?done={done}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut response = render(&build(&state, &viewer, errors).await?)?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

async fn apply(
    state: &AppState,
    viewer: &Viewer,
    form: &ChangeForm,
) -> Result<&'static str, AppError> {
    let org = viewer.user.org;
    let today = state.clock.today();
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
    let people = state.store.users(viewer.scope()).await?;
    let person_in_org = |field: &str, value: Option<&String>| -> Result<UserId, AppError> {
        let id: i64 = value
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| AppError::invalid(field, "Choose a person"))?;
        people
            .iter()
            .find(|p| p.id.0 == id)
            .map(|p| p.id)
            .ok_or_else(|| AppError::invalid(field, "Choose a person from your organisation"))
    };
    let posts = state.store.posts(org).await?;
    let post_in_org = |value: Option<&String>| -> Option<PostId> {
        let id: i64 = value?.parse().ok()?;
        posts.iter().find(|(p, _)| p.0 == id).map(|(p, _)| *p)
    };
    match form.action.as_str() {
        "assign" => {
            let user = person_in_org("person", form.person.as_ref())?;
            let post = match (
                post_in_org(form.post.as_ref()),
                form.new_post.as_deref().map(str::trim),
            ) {
                (_, Some(title)) if !title.is_empty() => {
                    state.store.ensure_post(org, title).await?
                }
                (Some(post), _) => post,
                _ => {
                    return Err(AppError::invalid(
                        "post",
                        "Choose a post or enter a new one",
                    ));
                }
            };
            state.store.assign_post(org, post, user, date).await?;
            Ok("assigned")
        }
        "move-on" => {
            let user = person_in_org("person", form.person.as_ref())?;
            let post = post_in_org(form.post.as_ref())
                .ok_or_else(|| AppError::invalid("post", "Choose a post"))?;
            state.store.end_post_holding(org, post, user, date).await?;
            if form.successor.as_deref().is_some_and(|s| !s.is_empty()) {
                let successor = person_in_org("successor", form.successor.as_ref())?;
                state.store.assign_post(org, post, successor, date).await?;
            }
            Ok("moved")
        }
        _ => Err(AppError::invalid("action", "Choose what to do")),
    }
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    errors: Vec<(String, String)>,
) -> Result<PeoplePage, AppError> {
    if !viewer.user.is_admin {
        return Err(AppError::Forbidden);
    }
    let today = state.clock.today();
    let holdings = state
        .store
        .post_holdings(viewer.user.org)
        .await?
        .into_iter()
        .map(|h| HoldingRow {
            post: h.post_title,
            person: h.user_name,
            since: long_date(h.since),
            until: h.until.map(long_date).unwrap_or_default(),
            current: h.until.is_none_or(|until| until > today),
        })
        .collect();
    let people = state
        .store
        .users(viewer.scope())
        .await?
        .into_iter()
        .map(|u| (u.id.0, u.name, u.email))
        .collect();
    let posts = state
        .store
        .posts(viewer.user.org)
        .await?
        .into_iter()
        .map(|(id, title)| (id.0, title))
        .collect();
    Ok(PeoplePage {
        chrome: Chrome::for_viewer(viewer, "people"),
        holdings,
        people,
        posts,
        today_iso: today.format("%Y-%m-%d").to_string(),
        done: None,
        errors,
    })
}
