//! Comments (migration 0023): a discussion on an item, apart from its dated progress updates,
//! kept as written (never edited or deleted), with the people and posts each one mentions.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use waymark_core::{ItemId, OrgId, Plan, PlanId, UserId};

use crate::audit::{NewAuditEvent, record_audit_on};
use crate::error::{Result, StoreError};
use crate::rows::{instant_text, parse_instant};
use crate::{Scope, Store};

/// Whom a mention names: a person of the organisation, or one of its posts (by title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mentioned {
    Person(UserId),
    Post(String),
}

/// A mention in a comment: whom it names, and its text as written after the "@".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub who: Mentioned,
    pub label: String,
}

/// A comment on an item, with its mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: i64,
    pub org: OrgId,
    pub plan: PlanId,
    pub item: ItemId,
    pub author_name: String,
    pub author_user: Option<UserId>,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub mentions: Vec<Mention>,
}

/// A comment to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    pub item: ItemId,
    pub author_name: String,
    pub author_user: Option<UserId>,
    pub body: String,
    pub mentions: Vec<Mention>,
}

const COMMENT_COLUMNS: &str =
    "id, org_id, plan_id, item_id, author_name, author_user, body, created_at";

impl Store {
    /// Keeps a comment on an item of `plan` with its mentions and audit record, in one
    /// transaction. The item must be the plan's.
    pub async fn add_comment(
        &self,
        plan: &Plan,
        new: &NewComment,
        audit: &NewAuditEvent,
    ) -> Result<Comment> {
        let created_at = parse_instant(&instant_text(Utc::now()))?;
        let mut tx = self.begin_write().await?;
        crate::write::item_of_plan(&mut tx, plan, new.item).await?;
        let row = sqlx::query(
            "INSERT INTO item_comments (org_id, plan_id, item_id, author_name, author_user, \
             body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(plan.org.0)
        .bind(plan.id.0)
        .bind(new.item.0)
        .bind(new.author_name.clone())
        .bind(new.author_user.map(|u| u.0))
        .bind(new.body.clone())
        .bind(instant_text(created_at))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        for mention in &new.mentions {
            let (user, post) = match &mention.who {
                Mentioned::Person(user) => (Some(user.0), None),
                Mentioned::Post(post) => (None, Some(post.clone())),
            };
            sqlx::query(
                "INSERT INTO comment_mentions (comment_id, org_id, user_id, post, label) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(plan.org.0)
            .bind(user)
            .bind(post)
            .bind(mention.label.clone())
            .execute(&mut *tx)
            .await?;
        }
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(Comment {
            id,
            org: plan.org,
            plan: plan.id,
            item: new.item,
            author_name: new.author_name.clone(),
            author_user: new.author_user,
            body: new.body.clone(),
            created_at,
            mentions: new.mentions.clone(),
        })
    }

    /// An item's comments, oldest first, with their mentions.
    pub async fn item_comments(&self, scope: Scope, item: ItemId) -> Result<Vec<Comment>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COMMENT_COLUMNS} FROM item_comments WHERE item_id = $1 ORDER BY id"
        )))
        .bind(item.0)
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<Comment> = Vec::new();
        for row in &rows {
            let comment = comment_from_row(row)?;
            if scope.allows(comment.org) {
                out.push(comment);
            }
        }
        if out.is_empty() {
            return Ok(out);
        }
        // Every mention of the item's comments in one query, not one per comment.
        let mentions = sqlx::query(
            "SELECT m.comment_id, m.user_id, m.post, m.label FROM comment_mentions m \
             JOIN item_comments c ON c.id = m.comment_id WHERE c.item_id = $1 ORDER BY m.id",
        )
        .bind(item.0)
        .fetch_all(self.pool())
        .await?;
        for row in &mentions {
            let id: i64 = row.try_get("comment_id")?;
            let mention = mention_from_row(row, id)?;
            if let Some(comment) = out.iter_mut().find(|c| c.id == id) {
                comment.mentions.push(mention);
            }
        }
        Ok(out)
    }

    /// The comments of `org` that mention `user` or one of `posts` (titles, any case),
    /// newest first, at most `limit`.
    pub async fn comments_mentioning(
        &self,
        org: OrgId,
        user: Option<UserId>,
        posts: &[String],
        limit: usize,
    ) -> Result<Vec<Comment>> {
        let rows = sqlx::query(
            "SELECT comment_id, user_id, post FROM comment_mentions WHERE org_id = $1 \
             AND (user_id = $2 OR post IS NOT NULL) ORDER BY comment_id DESC",
        )
        .bind(org.0)
        .bind(user.map(|u| u.0).unwrap_or(-1))
        .fetch_all(self.pool())
        .await?;
        let posts: Vec<String> = posts.iter().map(|p| p.trim().to_lowercase()).collect();
        let mut ids: Vec<i64> = Vec::new();
        for row in &rows {
            let id: i64 = row.try_get("comment_id")?;
            let by_user = user.is_some_and(|u| {
                row.try_get::<Option<i64>, _>("user_id")
                    .ok()
                    .flatten()
                    .is_some_and(|m| m == u.0)
            });
            let by_post = row
                .try_get::<Option<String>, _>("post")?
                .is_some_and(|p| posts.contains(&p.trim().to_lowercase()));
            if (by_user || by_post) && !ids.contains(&id) {
                ids.push(id);
                if ids.len() >= limit {
                    break;
                }
            }
        }
        let mut out = Vec::new();
        for id in ids {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COMMENT_COLUMNS} FROM item_comments WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
            if let Some(row) = row {
                let mut comment = comment_from_row(&row)?;
                if comment.org != org {
                    continue;
                }
                comment.mentions = self.comment_mentions(comment.id).await?;
                out.push(comment);
            }
        }
        Ok(out)
    }

    async fn comment_mentions(&self, comment: i64) -> Result<Vec<Mention>> {
        let rows = sqlx::query(
            "SELECT user_id, post, label FROM comment_mentions WHERE comment_id = $1 ORDER BY id",
        )
        .bind(comment)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| mention_from_row(row, comment))
            .collect()
    }
}

fn mention_from_row(row: &AnyRow, comment: i64) -> Result<Mention> {
    let user: Option<i64> = row.try_get("user_id")?;
    let post: Option<String> = row.try_get("post")?;
    let who = match (user, post) {
        (Some(user), _) => Mentioned::Person(UserId(user)),
        (None, Some(post)) => Mentioned::Post(post),
        (None, None) => {
            return Err(StoreError::Corrupt(format!(
                "a mention of comment {comment} names nobody"
            )));
        }
    };
    Ok(Mention {
        who,
        label: row.try_get("label")?,
    })
}

fn comment_from_row(row: &AnyRow) -> Result<Comment> {
    Ok(Comment {
        id: row.try_get("id")?,
        org: OrgId(row.try_get("org_id")?),
        plan: PlanId(row.try_get("plan_id")?),
        item: ItemId(row.try_get("item_id")?),
        author_name: row.try_get("author_name")?,
        author_user: row.try_get::<Option<i64>, _>("author_user")?.map(UserId),
        body: row.try_get("body")?,
        created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
        mentions: Vec::new(),
    })
}
