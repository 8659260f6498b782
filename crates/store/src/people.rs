//! People, sessions and post holders. Password hashing and token generation happen in `web`;
//! the store only keeps what it is given.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use waymark_core::{OrgId, PostId, UserId};

use crate::error::{Result, StoreError};
use crate::rows::{date_text, instant_text, parse_day, parse_instant};
use crate::{Scope, Store};

/// A person who signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub org: OrgId,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
}

/// A stored session, found by the hash of its cookie token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    /// The name of the user's organisation, which every page shows.
    pub organisation_name: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Who holds (or held) a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostHolding {
    pub post: PostId,
    pub post_title: String,
    pub user: UserId,
    pub user_name: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Store {
    /// Adds a person. The email is unique across organisations; it is stored lower-case.
    pub async fn create_user(
        &self,
        org: OrgId,
        email: &str,
        name: &str,
        password_hash: &str,
        is_admin: bool,
    ) -> Result<User> {
        let email = email.trim().to_lowercase();
        let row = sqlx::query(
            "INSERT INTO users (org_id, email, name, password_hash, is_admin, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(org.0)
        .bind(email.clone())
        .bind(name.to_string())
        .bind(password_hash.to_string())
        .bind(i64::from(is_admin))
        .bind(instant_text(Utc::now()))
        .fetch_one(self.pool())
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db)
                if db.constraint() == Some("users_unique_email")
                    || db.message().contains("users.email") =>
            {
                StoreError::Invalid(format!("a user with the email {email} already exists"))
            }
            _ => StoreError::Database(e),
        })?;
        Ok(User {
            id: UserId(row.try_get("id")?),
            org,
            email,
            name: name.to_string(),
            is_admin,
        })
    }

    /// The user with this email and their password hash, for signing in.
    pub async fn user_for_sign_in(&self, email: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT id, org_id, email, name, is_admin, password_hash FROM users WHERE email = $1",
        )
        .bind(email.trim().to_lowercase())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    pub async fn users(&self, scope: Scope) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT id, org_id, email, name, is_admin FROM users ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        let users = rows.iter().map(user_from_row).collect::<Result<Vec<_>>>()?;
        Ok(users.into_iter().filter(|u| scope.allows(u.org)).collect())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash.to_string())
        .bind(user.0)
        .bind(csrf_token.to_string())
        .bind(instant_text(Utc::now()))
        .bind(instant_text(expires_at))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The live session with this token hash, if any.
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT u.id, u.org_id, u.email, u.name, u.is_admin, s.csrf_token, s.expires_at, \
             o.name AS organisation_name \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             JOIN organisations o ON o.id = u.org_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash.to_string())
        .bind(instant_text(Utc::now()))
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(Session {
                user: user_from_row(&row)?,
                organisation_name: row.try_get("organisation_name")?,
                csrf_token: row.try_get("csrf_token")?,
                expires_at: parse_instant(&row.try_get::<String, _>("expires_at")?)?,
            })
        })
        .transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The post with this title in the organisation, created if new.
    pub async fn ensure_post(&self, org: OrgId, title: &str) -> Result<PostId> {
        let title = title.trim().to_string();
        let existing = sqlx::query("SELECT id FROM posts WHERE org_id = $1 AND title = $2")
            .bind(org.0)
            .bind(title.clone())
            .fetch_optional(self.pool())
            .await?;
        if let Some(row) = existing {
            return Ok(PostId(row.try_get("id")?));
        }
        let row = sqlx::query("INSERT INTO posts (org_id, title) VALUES ($1, $2) RETURNING id")
            .bind(org.0)
            .bind(title)
            .fetch_one(self.pool())
            .await?;
        Ok(PostId(row.try_get("id")?))
    }

    /// Records that a person holds a post from `since`.
    pub async fn assign_post(
        &self,
        org: OrgId,
        post: PostId,
        user: UserId,
        since: NaiveDate,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO post_holders (org_id, post_id, user_id, since) VALUES ($1, $2, $3, $4)",
        )
        .bind(org.0)
        .bind(post.0)
        .bind(user.0)
        .bind(date_text(since))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Every holding in the organisation, current and past.
    pub async fn post_holdings(&self, org: OrgId) -> Result<Vec<PostHolding>> {
        let rows = sqlx::query(
            "SELECT h.post_id, p.title, h.user_id, u.name, h.since, h.until \
             FROM post_holders h JOIN posts p ON p.id = h.post_id JOIN users u ON u.id = h.user_id \
             WHERE h.org_id = $1 ORDER BY p.title, h.since",
        )
        .bind(org.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PostHolding {
                    post: PostId(row.try_get("post_id")?),
                    post_title: row.try_get("title")?,
                    user: UserId(row.try_get("user_id")?),
                    user_name: row.try_get("name")?,
                    since: parse_day(&row.try_get::<String, _>("since")?)?,
                    until: row
                        .try_get::<Option<String>, _>("until")?
                        .map(|d| parse_day(&d))
                        .transpose()?,
                })
            })
            .collect()
    }
}

fn user_from_row(row: &sqlx::any::AnyRow) -> Result<User> {
    Ok(User {
        id: UserId(row.try_get("id")?),
        org: OrgId(row.try_get("org_id")?),
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
    })
}

impl Store {
    /// Titles of the posts a person holds on `day`.
    pub async fn posts_held(&self, user: UserId, day: NaiveDate) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT p.title FROM post_holders h JOIN posts p ON p.id = h.post_id \
             WHERE h.user_id = $1 AND h.since <= $2 AND (h.until IS NULL OR h.until > $2) \
             ORDER BY p.title",
        )
        .bind(user.0)
        .bind(date_text(day))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| row.try_get::<String, _>("title").map_err(StoreError::from))
            .collect()
    }

    /// Ends a person's holding of a post on `until` (they have moved on); the post and its
    /// actions stay. Refused where the person does not hold the post.
    pub async fn end_post_holding(
        &self,
        org: OrgId,
        post: PostId,
        user: UserId,
        until: NaiveDate,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE post_holders SET until = $1 \
             WHERE org_id = $2 AND post_id = $3 AND user_id = $4 AND until IS NULL",
        )
        .bind(date_text(until))
        .bind(org.0)
        .bind(post.0)
        .bind(user.0)
        .execute(self.pool())
        .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::Invalid(
                "that person does not currently hold that post".into(),
            ));
        }
        Ok(())
    }

    /// Every post in the organisation, by title.
    pub async fn posts(&self, org: OrgId) -> Result<Vec<(PostId, String)>> {
        let rows = sqlx::query("SELECT id, title FROM posts WHERE org_id = $1 ORDER BY title")
            .bind(org.0)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| Ok((PostId(row.try_get("id")?), row.try_get("title")?)))
            .collect()
    }
}
