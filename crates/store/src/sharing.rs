//! Plans shared with other organisations, and personal API tokens. The rules of who sees what
//! are `waymark_core::access`'s; this module keeps shares (revoked, never deleted, so who could
//! see what and when stays known) and tokens (stored as hashes, like sessions).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use waymark_core::{
    ItemId, Marking, OrgId, Organisation, OrganisationKind, PlanId, Role, RoleGrant, Share,
    ShareAccess, UserId,
};

use crate::audit::{NewAuditEvent, record_audit_on};
use crate::error::{Result, StoreError};
use crate::people::{User, user_from_row};
use crate::rows::{date_text, instant_text, parse_instant};
use crate::{Backend, Scope, Store};

/// A share to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShare {
    pub plan: PlanId,
    pub with_org: OrgId,
    pub access: ShareAccess,
    pub ceiling: Marking,
    /// Chosen items with what is under them; `None` is the whole plan.
    pub items: Option<Vec<ItemId>>,
    pub created_by: String,
}

/// A share as stored, active or revoked.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredShare {
    pub share: Share,
    /// The plan's organisation.
    pub org: OrgId,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
}

impl StoredShare {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A personal API token as listed: never its value, which is shown once.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: i64,
    pub user: UserId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const SHARE_COLUMNS: &str = "id, org_id, plan_id, with_org_id, access, ceiling, items, \
    created_at, created_by, revoked_at, revoked_by, revoke_reason";

impl Store {
    /// Shares a plan of `org`'s with another organisation, with its audit record.
    pub async fn create_share(&self, new: &NewShare, audit: &NewAuditEvent) -> Result<StoredShare> {
        let plan = self.plan(Scope::All, new.plan).await?;
        if plan.org == new.with_org {
            return Err(StoreError::Invalid(
                "a plan is already visible to its own organisation".into(),
            ));
        }
        self.organisation(new.with_org).await?;
        let items = new
            .items
            .as_ref()
            .map(|ids| serde_json::to_string(&ids.iter().map(|i| i.0).collect::<Vec<_>>()))
            .transpose()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO plan_shares (org_id, plan_id, with_org_id, access, ceiling, items, \
             created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(plan.org.0)
        .bind(plan.id.0)
        .bind(new.with_org.0)
        .bind(new.access.as_str())
        .bind(new.ceiling.label())
        .bind(items)
        .bind(instant_text(now))
        .bind(new.created_by.clone())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        // Views shared with partners change with their shares: count it as a change of plan.
        sqlx::query("UPDATE plans SET revision = revision + 1 WHERE id = $1")
            .bind(plan.id.0)
            .execute(&mut *tx)
            .await?;
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(StoredShare {
            share: Share {
                id,
                plan: plan.id,
                with_org: new.with_org,
                access: new.access,
                ceiling: new.ceiling,
                items: new.items.clone(),
            },
            org: plan.org,
            created_at: parse_instant(&instant_text(now))?,
            created_by: Some(new.created_by.clone()),
            revoked_at: None,
            revoked_by: None,
            revoke_reason: None,
        })
    }

    /// Revokes an active share, with its audit record. The row stays, revoked.
    pub async fn revoke_share(
        &self,
        id: i64,
        revoked_by: &str,
        reason: Option<&str>,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE plan_shares SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 \
             WHERE id = $4 AND revoked_at IS NULL",
        )
        .bind(instant_text(Utc::now()))
        .bind(revoked_by.to_string())
        .bind(reason.map(str::to_string))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "share", id });
        }
        sqlx::query(
            "UPDATE plans SET revision = revision + 1 WHERE id = \
             (SELECT plan_id FROM plan_shares WHERE id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One share, active or revoked.
    pub async fn share(&self, id: i64) -> Result<StoredShare> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SHARE_COLUMNS} FROM plan_shares WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound { what: "share", id })?;
        share_from_row(&row)
    }

    /// Every share of a plan, active and revoked, newest first.
    pub async fn shares_of_plan(&self, plan: PlanId) -> Result<Vec<StoredShare>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SHARE_COLUMNS} FROM plan_shares WHERE plan_id = $1 ORDER BY id DESC"
        )))
        .bind(plan.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(share_from_row).collect()
    }

    /// The active shares made with an organisation: what its people may see of others' plans.
    pub async fn active_shares_with(&self, org: OrgId) -> Result<Vec<Share>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SHARE_COLUMNS} FROM plan_shares WHERE with_org_id = $1 \
             AND revoked_at IS NULL ORDER BY id"
        )))
        .bind(org.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| share_from_row(row).map(|stored| stored.share))
            .collect()
    }

    /// Creates a personal API token for `user`, stored by the hash of its value.
    pub async fn create_token(
        &self,
        user: &User,
        name: &str,
        token_hash: &str,
        audit: &NewAuditEvent,
    ) -> Result<ApiToken> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO api_tokens (org_id, user_id, name, token_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user.org.0)
        .bind(user.id.0)
        .bind(name.trim().to_string())
        .bind(token_hash.to_string())
        .bind(instant_text(now))
        .fetch_one(&mut *tx)
        .await?;
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(ApiToken {
            id: row.try_get("id")?,
            user: user.id,
            name: name.trim().to_string(),
            created_at: parse_instant(&instant_text(now))?,
            last_used_at: None,
            revoked_at: None,
        })
    }

    /// A person's tokens, newest first, revoked ones included.
    pub async fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens \
             WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes one of a person's tokens, with its audit record.
    pub async fn revoke_token(&self, user: UserId, id: i64, audit: &NewAuditEvent) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 \
             AND revoked_at IS NULL",
        )
        .bind(instant_text(Utc::now()))
        .bind(id)
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "token", id });
        }
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Notes that a token was used now, unless that was noted less than a minute ago: a
    /// script's calls do not each write.
    async fn note_token_used(&self, token: i64, last_used_at: Option<String>) -> Result<()> {
        let now = Utc::now();
        let stale = match last_used_at {
            Some(text) => parse_instant(&text)? < now - chrono::Duration::minutes(1),
            None => true,
        };
        const NOTE: &str = "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2";
        match (stale, &self.writer) {
            (false, _) => {}
            // On SQLite a pooled write would wait for the writer's lock (seconds, under a
            // stream of writes, and then fail): the writer's next batch notes it.
            (true, Some(writer)) => {
                writer
                    .note(crate::writer::Note {
                        sql: NOTE,
                        at: instant_text(now),
                        key: crate::writer::NoteKey::Id(token),
                    })
                    .await?
            }
            (true, None) => {
                sqlx::query(NOTE)
                    .bind(instant_text(now))
                    .bind(token)
                    .execute(self.pool())
                    .await?;
            }
        }
        Ok(())
    }

    /// The person an unrevoked token belongs to, and the token's id; notes when it was used
    /// (at most once a minute, so a script's calls do not each write).
    pub async fn user_for_token(&self, token_hash: &str) -> Result<Option<(User, i64)>> {
        let row = sqlx::query(
            "SELECT t.id AS token_id, t.last_used_at, u.id AS user_id FROM api_tokens t \
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let token: i64 = row.try_get("token_id")?;
        let user = self.user(UserId(row.try_get("user_id")?)).await?;
        self.note_token_used(token, row.try_get("last_used_at")?)
            .await?;
        Ok(Some((user, token)))
    }
}

/// Who holds an unrevoked API token, read in one query: the person, the token's id, their
/// roles, the titles of the posts they hold on the day asked, and their organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenHolder {
    pub user: User,
    pub token: i64,
    pub roles: Vec<RoleGrant>,
    pub posts: Vec<String>,
    pub organisation: Organisation,
}

/// The token, its person and organisation joined; roles and posts as JSON arrays (ordered as
/// `roles_of` and `posts_held` order them). `$1` is the token's hash, `$2` the day.
const TOKEN_HOLDER_SQLITE: &str = "SELECT t.id AS token_id, t.last_used_at, u.id, u.org_id, \
     u.email, u.name, u.clearance, o.code AS org_code, o.name AS org_name, o.grant_share_ppm, \
     o.kind AS org_kind, \
     (SELECT json_group_array(json_array(r.role, r.plan_id) ORDER BY r.id) \
        FROM user_roles r WHERE r.user_id = u.id) AS roles, \
     (SELECT json_group_array(p.title ORDER BY p.title) FROM post_holders h \
        JOIN posts p ON p.id = h.post_id \
        WHERE h.user_id = u.id AND h.since <= $2 AND (h.until IS NULL OR h.until > $2)) AS posts \
     FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.org_id \
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL";

const TOKEN_HOLDER_POSTGRES: &str = "SELECT t.id AS token_id, t.last_used_at, u.id, u.org_id, \
     u.email, u.name, u.clearance, o.code AS org_code, o.name AS org_name, o.grant_share_ppm, \
     o.kind AS org_kind, \
     (SELECT COALESCE(json_agg(json_build_array(r.role, r.plan_id) ORDER BY r.id), '[]'::json)::text \
        FROM user_roles r WHERE r.user_id = u.id) AS roles, \
     (SELECT COALESCE(json_agg(p.title ORDER BY p.title), '[]'::json)::text FROM post_holders h \
        JOIN posts p ON p.id = h.post_id \
        WHERE h.user_id = u.id AND h.since <= $2 AND (h.until IS NULL OR h.until > $2)) AS posts \
     FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.org_id \
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL";

impl Store {
    /// The holder of an unrevoked token as [`TokenHolder`], in one query where
    /// `user_for_token`, `roles_of`, `posts_held` and `organisation` take five; notes when the
    /// token was used, at most once a minute, as `user_for_token` does.
    pub async fn token_holder(
        &self,
        token_hash: &str,
        day: NaiveDate,
    ) -> Result<Option<TokenHolder>> {
        let sql = match self.backend() {
            Backend::Sqlite => TOKEN_HOLDER_SQLITE,
            Backend::Postgres => TOKEN_HOLDER_POSTGRES,
        };
        let row = sqlx::query(sql)
            .bind(token_hash.to_string())
            .bind(date_text(day))
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let token: i64 = row.try_get("token_id")?;
        let user = user_from_row(&row)?;
        let roles_json: String = row.try_get("roles")?;
        let roles = serde_json::from_str::<Vec<(String, Option<i64>)>>(&roles_json)
            .map_err(|_| StoreError::Corrupt(format!("roles {roles_json:?}")))?
            .into_iter()
            .map(|(word, plan)| {
                Ok(RoleGrant {
                    role: Role::parse(&word)
                        .ok_or_else(|| StoreError::Corrupt(format!("role {word:?}")))?,
                    plan: plan.map(PlanId),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let posts_json: String = row.try_get("posts")?;
        let posts = serde_json::from_str::<Vec<String>>(&posts_json)
            .map_err(|_| StoreError::Corrupt(format!("posts {posts_json:?}")))?;
        let organisation = Organisation {
            id: user.org,
            code: row.try_get("org_code")?,
            name: row.try_get("org_name")?,
            grant_share_ppm: row.try_get("grant_share_ppm")?,
            kind: OrganisationKind::parse(&row.try_get::<String, _>("org_kind")?)
                .unwrap_or_default(),
        };
        self.note_token_used(token, row.try_get("last_used_at")?)
            .await?;
        Ok(Some(TokenHolder {
            user,
            token,
            roles,
            posts,
            organisation,
        }))
    }
}

fn share_from_row(row: &sqlx::any::AnyRow) -> Result<StoredShare> {
    let access: String = row.try_get("access")?;
    let ceiling: String = row.try_get("ceiling")?;
    let items = row
        .try_get::<Option<String>, _>("items")?
        .map(|text| {
            serde_json::from_str::<Vec<i64>>(&text)
                .map(|ids| ids.into_iter().map(ItemId).collect::<Vec<_>>())
                .map_err(|_| StoreError::Corrupt(format!("shared items {text:?}")))
        })
        .transpose()?;
    let instant = |column: &str| -> Result<Option<DateTime<Utc>>> {
        row.try_get::<Option<String>, _>(column)?
            .map(|t| parse_instant(&t))
            .transpose()
    };
    Ok(StoredShare {
        share: Share {
            id: row.try_get("id")?,
            plan: PlanId(row.try_get("plan_id")?),
            with_org: OrgId(row.try_get("with_org_id")?),
            access: ShareAccess::parse(&access)
                .ok_or_else(|| StoreError::Corrupt(format!("share access {access:?}")))?,
            ceiling: Marking::parse(&ceiling)
                .ok_or_else(|| StoreError::Corrupt(format!("share ceiling {ceiling:?}")))?,
            items,
        },
        org: OrgId(row.try_get("org_id")?),
        created_at: instant("created_at")?.unwrap_or_default(),
        created_by: row.try_get("created_by")?,
        revoked_at: instant("revoked_at")?,
        revoked_by: row.try_get("revoked_by")?,
        revoke_reason: row.try_get("revoke_reason")?,
    })
}

fn token_from_row(row: &sqlx::any::AnyRow) -> Result<ApiToken> {
    let instant = |column: &str| -> Result<Option<DateTime<Utc>>> {
        row.try_get::<Option<String>, _>(column)?
            .map(|t| parse_instant(&t))
            .transpose()
    };
    Ok(ApiToken {
        id: row.try_get("id")?,
        user: UserId(row.try_get("user_id")?),
        name: row.try_get("name")?,
        created_at: instant("created_at")?.unwrap_or_default(),
        last_used_at: instant("last_used_at")?,
        revoked_at: instant("revoked_at")?,
    })
}
