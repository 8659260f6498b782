//! People, sessions and post holders. Password hashing and token generation happen in `web`;
//! the store only keeps what it is given.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use waymark_core::{Marking, OrgId, PostId, Role, RoleGrant, UserId};

use crate::audit::{NewAuditEvent, record_audit_on};
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
    /// The most sensitive marking the person may see.
    pub clearance: Marking,
}

/// A person to add, with their organisation-wide role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub org: OrgId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub clearance: Marking,
}

/// A stored session, found by the hash of its cookie token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    /// The name of the user's organisation, which every page shows.
    pub organisation_name: String,
    pub csrf_token: String,
    /// The absolute end: the session is not used past it, however busy.
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// When the session was last used, as noted (at most once a minute); its start before.
    pub last_seen_at: DateTime<Utc>,
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
    /// Adds a person; an administrator when `is_admin`, else a contributor. See
    /// [`Store::create_person`].
    pub async fn create_user(
        &self,
        org: OrgId,
        email: &str,
        name: &str,
        password_hash: &str,
        is_admin: bool,
    ) -> Result<User> {
        let person = NewPerson {
            org,
            email: email.to_string(),
            name: name.to_string(),
            password_hash: password_hash.to_string(),
            role: if is_admin {
                Role::Administrator
            } else {
                Role::Contributor
            },
            clearance: Marking::OfficialSensitive,
        };
        self.create_person(&person, None).await
    }

    /// Adds a person with their organisation-wide role, and the audit record of it, in one
    /// transaction. The email is unique across organisations; it is stored lower-case.
    pub async fn create_person(
        &self,
        person: &NewPerson,
        audit: Option<&NewAuditEvent>,
    ) -> Result<User> {
        let email = person.email.trim().to_lowercase();
        let now = instant_text(Utc::now());
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO users (org_id, email, name, password_hash, is_admin, clearance, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(person.org.0)
        .bind(email.clone())
        .bind(person.name.trim().to_string())
        .bind(person.password_hash.clone())
        .bind(i64::from(person.role == Role::Administrator))
        .bind(person.clearance.label())
        .bind(now.clone())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db)
                if db.constraint() == Some("users_unique_email")
                    || db.message().contains("users.email") =>
            {
                StoreError::StateRefused(format!("a user with the email {email} already exists"))
            }
            _ => StoreError::Database(e),
        })?;
        let id = UserId(row.try_get("id")?);
        sqlx::query(
            "INSERT INTO user_roles (org_id, user_id, role, plan_id, granted_at, granted_by) \
             VALUES ($1, $2, $3, NULL, $4, $5)",
        )
        .bind(person.org.0)
        .bind(id.0)
        .bind(person.role.as_str())
        .bind(now)
        .bind(audit.map(|a| a.actor.clone()))
        .execute(&mut *tx)
        .await?;
        if let Some(audit) = audit {
            let mut audit = audit.clone();
            audit.detail = Some(serde_json::json!({
                "after": {"email": email, "name": person.name.trim(), "role": person.role.as_str(),
                          "clearance": person.clearance.label()}
            }));
            record_audit_on(&mut tx, &audit).await?;
        }
        tx.commit().await?;
        Ok(User {
            id,
            org: person.org,
            email,
            name: person.name.trim().to_string(),
            clearance: person.clearance,
        })
    }

    /// The person with this id.
    pub async fn user(&self, id: UserId) -> Result<User> {
        let row = sqlx::query("SELECT id, org_id, email, name, clearance FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound {
                what: "person",
                id: id.0,
            })?;
        user_from_row(&row)
    }

    /// The roles a person holds, organisation-wide and per plan.
    pub async fn roles_of(&self, user: UserId) -> Result<Vec<RoleGrant>> {
        let rows =
            sqlx::query("SELECT role, plan_id FROM user_roles WHERE user_id = $1 ORDER BY id")
                .bind(user.0)
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(grant_from_row).collect()
    }

    /// Every role held in an organisation, by person.
    pub async fn roles_in(&self, org: OrgId) -> Result<Vec<(UserId, RoleGrant)>> {
        let rows = sqlx::query(
            "SELECT user_id, role, plan_id FROM user_roles WHERE org_id = $1 ORDER BY id",
        )
        .bind(org.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((UserId(row.try_get("user_id")?), grant_from_row(row)?)))
            .collect()
    }

    /// Replaces a person's roles, with the audit record of the change, in one transaction.
    pub async fn set_roles(
        &self,
        user: &User,
        grants: &[RoleGrant],
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let now = instant_text(Utc::now());
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
            .bind(user.id.0)
            .execute(&mut *tx)
            .await?;
        for grant in grants {
            sqlx::query(
                "INSERT INTO user_roles (org_id, user_id, role, plan_id, granted_at, granted_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(user.org.0)
            .bind(user.id.0)
            .bind(grant.role.as_str())
            .bind(grant.plan.map(|p| p.0))
            .bind(now.clone())
            .bind(audit.actor.clone())
            .execute(&mut *tx)
            .await?;
        }
        let is_admin = grants
            .iter()
            .any(|g| g.role == Role::Administrator && g.plan.is_none());
        sqlx::query("UPDATE users SET is_admin = $1 WHERE id = $2")
            .bind(i64::from(is_admin))
            .bind(user.id.0)
            .execute(&mut *tx)
            .await?;
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a person's clearance, with its audit record.
    pub async fn set_clearance(
        &self,
        user: UserId,
        clearance: Marking,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET clearance = $1 WHERE id = $2")
            .bind(clearance.label())
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a person's password hash and ends every session of theirs but `keep_session`
    /// (the hash of the session that changed it, when the person changed their own), in one
    /// transaction with its audit record, which counts the sessions ended.
    pub async fn set_password_hash(
        &self,
        user: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash.to_string())
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user.0)
            .bind(keep_session.unwrap_or_default().to_string())
            .execute(&mut *tx)
            .await?;
        let mut audit = audit.clone();
        audit.detail = Some(serde_json::json!({ "sessions_ended": ended.rows_affected() }));
        record_audit_on(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user with this email and their password hash, for signing in.
    pub async fn user_for_sign_in(&self, email: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT id, org_id, email, name, clearance, password_hash FROM users WHERE email = $1",
        )
        .bind(email.trim().to_lowercase())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    pub async fn users(&self, scope: Scope) -> Result<Vec<User>> {
        let rows =
            sqlx::query("SELECT id, org_id, email, name, clearance FROM users ORDER BY name")
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
        self.create_session_at(token_hash, user, csrf_token, Utc::now(), expires_at)
            .await
    }

    /// A session started at `now` (its first use) and ending at `expires_at` at the latest.
    pub async fn create_session_at(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, \
             last_seen_at) VALUES ($1, $2, $3, $4, $5, $4)",
        )
        .bind(token_hash.to_string())
        .bind(user.0)
        .bind(csrf_token.to_string())
        .bind(instant_text(now))
        .bind(instant_text(expires_at))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The session with this token hash, if it has not reached its absolute end (`expires_at`).
    /// Whether it has been idle too long is the caller's rule (`last_seen_at`).
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT u.id, u.org_id, u.email, u.name, u.clearance, s.csrf_token, s.expires_at, \
             s.created_at, COALESCE(s.last_seen_at, s.created_at) AS last_seen_at, \
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
                created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
                last_seen_at: parse_instant(&row.try_get::<String, _>("last_seen_at")?)?,
            })
        })
        .transpose()
    }

    /// Notes that a session was used at `now`.
    /// On SQLite the writer's next batch writes it, as for a token's use (`note_token_used`).
    pub async fn note_session_seen(&self, token_hash: &str, now: DateTime<Utc>) -> Result<()> {
        const NOTE: &str = "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2";
        if let Some(writer) = &self.writer {
            return writer
                .note(crate::writer::Note {
                    sql: NOTE,
                    at: instant_text(now),
                    key: crate::writer::NoteKey::Text(token_hash.to_string()),
                })
                .await;
        }
        sqlx::query(NOTE)
            .bind(instant_text(now))
            .bind(token_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends every session of a person but the one with `keep` (the hash of the session making
    /// the change, when it stays), with its audit record; answers how many were ended.
    pub async fn delete_sessions_of(
        &self,
        user: UserId,
        keep: Option<&str>,
        audit: &NewAuditEvent,
    ) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user.0)
            .bind(keep.unwrap_or_default().to_string())
            .execute(&mut *tx)
            .await?;
        let mut audit = audit.clone();
        audit.detail = Some(serde_json::json!({ "sessions_ended": done.rows_affected() }));
        record_audit_on(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// Deletes the sessions not used since `before` (idle too long); answers how many.
    pub async fn delete_idle_sessions(&self, before: DateTime<Utc>) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE COALESCE(last_seen_at, created_at) <= $1")
                .bind(instant_text(before))
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected())
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

pub(crate) fn user_from_row(row: &sqlx::any::AnyRow) -> Result<User> {
    Ok(User {
        id: UserId(row.try_get("id")?),
        org: OrgId(row.try_get("org_id")?),
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        clearance: Marking::parse(&row.try_get::<String, _>("clearance")?)
            .ok_or_else(|| StoreError::Corrupt("a person's clearance".into()))?,
    })
}

fn grant_from_row(row: &sqlx::any::AnyRow) -> Result<RoleGrant> {
    let word: String = row.try_get("role")?;
    Ok(RoleGrant {
        role: Role::parse(&word).ok_or_else(|| StoreError::Corrupt(format!("role {word:?}")))?,
        plan: row
            .try_get::<Option<i64>, _>("plan_id")?
            .map(waymark_core::PlanId),
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
            return Err(StoreError::StateRefused(
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

/// A change of who holds a post, made in one transaction with its audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostChange {
    /// A person takes up a post (an existing one, or one created by its title) from a day.
    Assign {
        org: OrgId,
        post: PostRef,
        user: UserId,
        since: NaiveDate,
    },
    /// A person leaves a post on a day, and a successor may take it up the same day.
    MoveOn {
        org: OrgId,
        post: PostId,
        user: UserId,
        until: NaiveDate,
        successor: Option<UserId>,
    },
}

/// A post named by id, or by a title to create it under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostRef {
    Existing(PostId),
    Titled(String),
}

impl Store {
    /// Applies a change of post holding and records it, all or nothing.
    pub async fn change_post_holding(
        &self,
        change: &PostChange,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        match change {
            PostChange::Assign {
                org,
                post,
                user,
                since,
            } => {
                let post = match post {
                    PostRef::Existing(id) => *id,
                    PostRef::Titled(title) => {
                        let title = title.trim().to_string();
                        let existing =
                            sqlx::query("SELECT id FROM posts WHERE org_id = $1 AND title = $2")
                                .bind(org.0)
                                .bind(title.clone())
                                .fetch_optional(&mut *tx)
                                .await?;
                        match existing {
                            Some(row) => PostId(row.try_get("id")?),
                            None => PostId(
                                sqlx::query(
                                    "INSERT INTO posts (org_id, title) VALUES ($1, $2) RETURNING id",
                                )
                                .bind(org.0)
                                .bind(title)
                                .fetch_one(&mut *tx)
                                .await?
                                .try_get("id")?,
                            ),
                        }
                    }
                };
                insert_holding(&mut tx, *org, post, *user, *since).await?;
            }
            PostChange::MoveOn {
                org,
                post,
                user,
                until,
                successor,
            } => {
                let ended = sqlx::query(
                    "UPDATE post_holders SET until = $1 \
                     WHERE org_id = $2 AND post_id = $3 AND user_id = $4 AND until IS NULL",
                )
                .bind(date_text(*until))
                .bind(org.0)
                .bind(post.0)
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
                if ended.rows_affected() == 0 {
                    return Err(StoreError::StateRefused(
                        "that person does not currently hold that post".into(),
                    ));
                }
                if let Some(successor) = successor {
                    insert_holding(&mut tx, *org, *post, *successor, *until).await?;
                }
            }
        }
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn insert_holding(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
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
    .execute(&mut **tx)
    .await?;
    Ok(())
}
