//! People through the API (administrators): everyone in the organisation with their roles,
//! clearance and posts; adding a person; replacing a person's roles; changing their clearance
//! or password; and who holds which post (giving a person a post, moving them on from one).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_app::model::User;
use waymark_app::people::{HoldingChange, Person, PersonInput};
use waymark_core::{Marking, PlanId, PostId, Role, UserId};

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, day_or};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;
use crate::views::iso;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/people", get(people).post(add_person))
        .route("/api/people/{id}/roles", put(set_roles))
        .route("/api/people/{id}/clearance", put(set_clearance))
        .route("/api/people/{id}/password", put(set_password))
        .route("/api/people/{id}/posts", post(assign_post))
        .route("/api/people/{id}/posts/{post}/leave", post(leave_post))
}

/// A person, with their roles and clearance.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PersonJson {
    id: i64,
    name: String,
    email: String,
    /// admin, manager, contributor or viewer: the role for every plan of the organisation;
    /// null for none.
    role: Option<String>,
    /// Roles narrowed to one plan each.
    plan_roles: Vec<PlanRoleJson>,
    /// The most sensitive marking the person may see.
    clearance: String,
}

/// A role narrowed to one plan.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanRoleJson {
    plan: i64,
    /// admin, manager, contributor or viewer.
    #[schema(schema_with = crate::api::openapi::role_word)]
    role: String,
}

impl PersonJson {
    fn new(person: &Person) -> PersonJson {
        let mut json = PersonJson::of_user(&person.user, person.org_role());
        json.plan_roles = person
            .roles
            .iter()
            .filter_map(|grant| {
                grant.plan.map(|plan| PlanRoleJson {
                    plan: plan.0,
                    role: grant.role.as_str().to_string(),
                })
            })
            .collect();
        json
    }

    fn of_user(user: &User, role: Option<Role>) -> PersonJson {
        PersonJson {
            id: user.id.0,
            name: user.name.clone(),
            email: user.email.clone(),
            role: role.map(|r| r.as_str().to_string()),
            plan_roles: Vec::new(),
            clearance: user.clearance.label().to_string(),
        }
    }
}

/// A post that owns actions: "Head of Contact Management".
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PostJson {
    id: i64,
    title: String,
}

/// Who held or holds a post, from when to when.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct HoldingJson {
    post: i64,
    post_title: String,
    person: i64,
    person_name: String,
    /// ISO dates; `until` null while they hold it.
    since: String,
    until: Option<String>,
}

/// The organisation's people, posts and who holds which post.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PeopleJson {
    people: Vec<PersonJson>,
    posts: Vec<PostJson>,
    holdings: Vec<HoldingJson>,
}

/// Everyone in the caller's organisation with their roles and clearance, its posts, and who
/// holds (and held) which. Administrators only.
#[utoipa::path(get, path = "/api/people", tag = "people",
    responses(
        (status = 200, body = PeopleJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Administrators only", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn people(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<PeopleJson>, ApiError> {
    let read = state.app.people(&viewer.actor, None).await?;
    Ok(Json(PeopleJson {
        people: read.people.iter().map(PersonJson::new).collect(),
        posts: read
            .posts
            .iter()
            .map(|(id, title)| PostJson {
                id: id.0,
                title: title.clone(),
            })
            .collect(),
        holdings: read
            .holdings
            .iter()
            .map(|h| HoldingJson {
                post: h.post.0,
                post_title: h.post_title.clone(),
                person: h.user.0,
                person_name: h.user_name.clone(),
                since: iso(h.since),
                until: h.until.map(iso),
            })
            .collect(),
    }))
}

fn role_of(word: &str, field: &str) -> Result<Role, AppError> {
    Role::parse(word).ok_or_else(|| {
        AppError::invalid(
            field,
            "Choose a role: admin, manager, contributor or viewer",
        )
    })
}

fn clearance_of(word: &str) -> Result<Marking, AppError> {
    Marking::parse(word)
        .filter(|m| *m != Marking::Secret)
        .ok_or_else(|| AppError::invalid("clearance", "Choose OFFICIAL or OFFICIAL-SENSITIVE"))
}

/// The body of `POST /api/people`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewPersonJson {
    #[schema(schema_with = crate::api::openapi::email_address)]
    email: String,
    /// 1 to 200 characters.
    #[schema(schema_with = crate::api::openapi::words_200)]
    name: String,
    /// Their first password, as the password rules require; give it to them in person.
    #[schema(schema_with = crate::api::openapi::new_password)]
    password: String,
    /// admin, manager, contributor or viewer: their role for every plan of the organisation.
    #[schema(schema_with = crate::api::openapi::role_word)]
    role: String,
    /// OFFICIAL or OFFICIAL-SENSITIVE; OFFICIAL-SENSITIVE when absent, as on the people page.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::marking_or_null)]
    clearance: Option<String>,
}

/// Adds a person to the caller's organisation, who can then sign in. Administrators only.
#[utoipa::path(post, path = "/api/people", tag = "people",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    request_body = NewPersonJson,
    responses(
        (status = 201, body = PersonJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Administrators only; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 422, description = "Fields refused, each named in `fields` (an email already in use among them)", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn add_person(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(body): ApiJson<NewPersonJson>,
) -> Result<Response, ApiError> {
    let role = role_of(&body.role, "role")?;
    let clearance = match body.clearance.as_deref().map(str::trim) {
        None | Some("") => Marking::OfficialSensitive,
        Some(word) => clearance_of(word)?,
    };
    let input = PersonInput {
        email: body.email,
        name: body.name,
        password: body.password,
        role,
        clearance,
        org: None,
    };
    let user = state.app.add_person(&viewer.actor, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(PersonJson::of_user(&user, Some(role))),
    )
        .into_response())
}

/// The body of `PUT /api/people/{id}/roles`: the person's roles, replacing those they had.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RolesJson {
    /// Their role for every plan of the organisation; null or absent for none.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::role_or_null)]
    role: Option<String>,
    /// Roles narrowed to plans of the organisation.
    #[serde(default)]
    plan_roles: Vec<PlanRoleJson>,
}

/// Replaces a person's roles. Administrators only, and not their own administrator role.
#[utoipa::path(put, path = "/api/people/{id}/roles", tag = "people",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Person id", minimum = 1)),
    request_body = RolesJson,
    responses(
        (status = 204, description = "Roles replaced"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Administrators only; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such person in your organisation", body = ErrorJson),
        (status = 422, description = "A role that is not one, a plan not of the organisation, or your own administration taken away", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn set_roles(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RolesJson>,
) -> Result<StatusCode, ApiError> {
    let org_role = match body.role.as_deref().map(str::trim) {
        None | Some("") | Some("none") => None,
        Some(word) => Some(role_of(word, "role")?),
    };
    let plan_roles = body
        .plan_roles
        .iter()
        .map(|grant| Ok((PlanId(grant.plan), role_of(&grant.role, "plan_roles")?)))
        .collect::<Result<Vec<_>, AppError>>()?;
    state
        .app
        .set_roles(&viewer.actor, UserId(id), org_role, &plan_roles)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The body of `PUT /api/people/{id}/clearance`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClearanceJson {
    /// OFFICIAL or OFFICIAL-SENSITIVE.
    #[schema(schema_with = crate::api::openapi::clearance_word)]
    clearance: String,
}

/// Changes the most sensitive marking a person may see. Administrators only.
#[utoipa::path(put, path = "/api/people/{id}/clearance", tag = "people",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Person id", minimum = 1)),
    request_body = ClearanceJson,
    responses(
        (status = 204, description = "Clearance changed"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Administrators only; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such person in your organisation", body = ErrorJson),
        (status = 422, description = "Not OFFICIAL or OFFICIAL-SENSITIVE", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn set_clearance(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ClearanceJson>,
) -> Result<StatusCode, ApiError> {
    let clearance = clearance_of(&body.clearance)?;
    state
        .app
        .set_clearance(&viewer.actor, UserId(id), clearance)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The body of `PUT /api/people/{id}/password`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordJson {
    #[schema(schema_with = crate::api::openapi::new_password)]
    password: String,
}

/// Sets a person's password (administrators, anyone's in your organisation); your own is changed
/// at /account/password with your current one.
#[utoipa::path(put, path = "/api/people/{id}/password", tag = "people",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Person id", minimum = 1)),
    request_body = PasswordJson,
    responses(
        (status = 204, description = "Password set"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "A cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such person in your organisation", body = ErrorJson),
        (status = 422, description = "The password does not meet the rules", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn set_password(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PasswordJson>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .set_password(&viewer.actor, UserId(id), &body.password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The body of `POST /api/people/{id}/posts`: a post to give the person, by id or a new title.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssignPostJson {
    /// An existing post's id.
    #[serde(default)]
    post: Option<i64>,
    /// Or the title of a new post (200 characters or fewer).
    #[serde(default)]
    #[schema(max_length = 200)]
    new_post: Option<String>,
    /// The day they take it up (ISO); today when absent, empty or null.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::day_or_empty)]
    since: Option<String>,
}

/// Gives a person a post from a day: the actions the post owns become theirs to update.
/// Administrators only.
#[utoipa::path(post, path = "/api/people/{id}/posts", tag = "people",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Person id", minimum = 1)),
    request_body = AssignPostJson,
    responses(
        (status = 204, description = "The post is theirs"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Administrators only; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 422, description = "No such person or post in your organisation, no post given, or a bad `since`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn assign_post(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AssignPostJson>,
) -> Result<StatusCode, ApiError> {
    let since = day_or("since", body.since.as_deref(), state.today())?;
    let change = HoldingChange::Assign {
        user: UserId(id),
        post: body.post.map(PostId),
        new_post: body.new_post,
        since,
    };
    state.app.change_holding(&viewer.actor, &change).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The body of `POST /api/people/{id}/posts/{post}/leave`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LeavePostJson {
    /// Their last day in the post (ISO); today when absent.
    #[serde(default)]
    #[schema(format = Date)]
    until: Option<String>,
    /// The person who takes the post up the next day, if anyone.
    #[serde(default)]
    successor: Option<i64>,
}

/// Moves a person on from a post, and hands it to a successor where one is named; the post's
/// actions stay with the post. Administrators only.
#[utoipa::path(post, path = "/api/people/{id}/posts/{post}/leave", tag = "people",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Person id", minimum = 1),
        ("post" = i64, Path, description = "Post id", minimum = 1)),
    request_body = LeavePostJson,
    responses(
        (status = 204, description = "Moved on"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Administrators only; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 422, description = "No such person, successor or post in your organisation, or a bad `until`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn leave_post(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, post)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<LeavePostJson>,
) -> Result<StatusCode, ApiError> {
    let until = day_or("until", body.until.as_deref(), state.today())?;
    let change = HoldingChange::MoveOn {
        user: UserId(id),
        post: PostId(post),
        until,
        successor: body.successor.map(UserId),
    };
    state.app.change_holding(&viewer.actor, &change).await?;
    Ok(StatusCode::NO_CONTENT)
}
