//! Uploaded files waiting between an import's preview and its confirmation.

use chrono::Utc;
use sqlx::Row;
use waymark_core::{OrgId, PlanId, UserId};

use crate::Store;
use crate::error::Result;
use crate::rows::instant_text;

/// A file someone uploaded and has previewed but not yet imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUpload {
    pub org: OrgId,
    pub user: UserId,
    pub file_name: String,
    pub content: Vec<u8>,
    /// Re-import into this plan; `None` creates a new plan.
    pub plan: Option<PlanId>,
    pub new_title: Option<String>,
    pub new_kind: Option<String>,
}

impl Store {
    pub async fn save_upload(&self, token_hash: &str, upload: &PendingUpload) -> Result<()> {
        sqlx::query(
            "INSERT INTO pending_uploads (token_hash, org_id, user_id, file_name, content, plan_id, \
             new_title, new_kind, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(token_hash.to_string())
        .bind(upload.org.0)
        .bind(upload.user.0)
        .bind(upload.file_name.clone())
        .bind(upload.content.clone())
        .bind(upload.plan.map(|p| p.0))
        .bind(upload.new_title.clone())
        .bind(upload.new_kind.clone())
        .bind(instant_text(Utc::now()))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The pending upload with this token, only for the person who uploaded it.
    pub async fn pending_upload(
        &self,
        token_hash: &str,
        user: UserId,
    ) -> Result<Option<PendingUpload>> {
        let row = sqlx::query(
            "SELECT org_id, user_id, file_name, content, plan_id, new_title, new_kind \
             FROM pending_uploads WHERE token_hash = $1 AND user_id = $2",
        )
        .bind(token_hash.to_string())
        .bind(user.0)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(PendingUpload {
                org: OrgId(row.try_get("org_id")?),
                user: UserId(row.try_get("user_id")?),
                file_name: row.try_get("file_name")?,
                content: row.try_get("content")?,
                plan: row.try_get::<Option<i64>, _>("plan_id")?.map(PlanId),
                new_title: row.try_get("new_title")?,
                new_kind: row.try_get("new_kind")?,
            })
        })
        .transpose()
    }

    pub async fn delete_upload(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM pending_uploads WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
