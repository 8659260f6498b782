//! Comments on an item through the API: its comments (oldest first, each with the people and
//! posts it mentions) and adding one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_app::model::{Comment, Mentioned};
use waymark_core::ItemId;

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, instant};
use crate::auth::Viewer;
use crate::error::ErrorJson;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/items/{id}/comments",
        get(item_comments).post(add_comment),
    )
}

/// A person or post a comment mentions.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct MentionJson {
    /// The mention as written after its "@".
    label: String,
    /// The person mentioned; `null` for a post.
    user: Option<i64>,
    /// The post mentioned, by its title; `null` for a person.
    post: Option<String>,
}

/// One comment.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CommentJson {
    id: i64,
    item: i64,
    /// As written, plain text: mentions are `@` and the name.
    body: String,
    author: String,
    created_at: String,
    mentions: Vec<MentionJson>,
}

impl CommentJson {
    fn new(c: &Comment) -> CommentJson {
        CommentJson {
            id: c.id,
            item: c.item.0,
            body: c.body.clone(),
            author: c.author_name.clone(),
            created_at: instant(c.created_at),
            mentions: c
                .mentions
                .iter()
                .map(|m| match &m.who {
                    Mentioned::Person(user) => MentionJson {
                        label: m.label.clone(),
                        user: Some(user.0),
                        post: None,
                    },
                    Mentioned::Post(post) => MentionJson {
                        label: m.label.clone(),
                        user: None,
                        post: Some(post.clone()),
                    },
                })
                .collect(),
        }
    }
}

/// An item's comments.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ItemCommentsJson {
    item: i64,
    /// Whether you may comment.
    may_comment: bool,
    /// Oldest first.
    comments: Vec<CommentJson>,
}

/// A comment to add.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewCommentJson {
    /// The comment: `@Firstname Lastname`, `@email` or `@Post title` mentions a person or a
    /// post of the item's organisation.
    /// Some words, with no control characters but line breaks and tabs.
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    body: String,
}

/// An item's comments, oldest first.
#[utoipa::path(get, path = "/api/items/{id}/comments", tag = "items",
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    responses(
        (status = 200, description = "The item's comments", body = ItemCommentsJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such item, or not one you may see, or one entered with a later date that does not exist yet today", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn item_comments(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ItemCommentsJson>, ApiError> {
    let read = match state.app.item_comments(&viewer.actor, ItemId(id)).await {
        // An item entered with a later date is not there to read yet, as `GET /api/items/{id}`.
        Err(waymark_app::AppError::State(_)) => return Err(crate::error::AppError::NotFound.into()),
        other => other?,
    };
    Ok(Json(ItemCommentsJson {
        item: id,
        may_comment: read.may_comment,
        comments: read.comments.iter().map(CommentJson::new).collect(),
    }))
}

/// Adds a comment to an item: contributors and plan managers who may see it.
#[utoipa::path(post, path = "/api/items/{id}/comments", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    request_body = NewCommentJson,
    responses(
        (status = 201, description = "The comment added", body = CommentJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may only read this plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 422, description = "`body` refused: empty, over 5,000 characters, or with control characters", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn add_comment(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewCommentJson>,
) -> Result<Response, ApiError> {
    let comment = state
        .app
        .add_comment(&viewer.actor, ItemId(id), &body.body)
        .await?;
    Ok((StatusCode::CREATED, Json(CommentJson::new(&comment))).into_response())
}
