//! Uploaded files waiting between an import's preview and its confirmation.

use chrono::Utc;
use sqlx::Row;
use waymark_core::{OrgId, PlanId, UserId};

use crate::Store;
use crate::error::Result;
use crate::rows::{instant_text, parse_instant};

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
    /// What the person corrected in the preview, as the application layer writes it.
    pub corrections: Option<String>,
}

/// The choices remembered for a file's source (migration 0025): the corrections of the last
/// import confirmed with some, who confirmed it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedMapping {
    /// As the application layer writes them.
    pub corrections: String,
    /// The file that import read.
    pub file_name: String,
    pub saved_by: UserId,
    /// The person's name as it is now.
    pub saved_by_name: String,
    pub saved_at: chrono::DateTime<Utc>,
}

/// A file's source, as its remembered choices are kept: the organisation, the plan imported
/// into (`None`: an import as a new plan) and a fingerprint of the file's sheets and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    pub org: OrgId,
    pub plan: Option<PlanId>,
    pub fingerprint: String,
}

impl Store {
    /// Remembers `corrections` for `source`, of an import by `user` at `saved_at`, replacing
    /// what was remembered for it.
    pub async fn save_import_mapping(
        &self,
        source: &ImportSource,
        corrections: &str,
        file_name: &str,
        user: UserId,
        saved_at: chrono::DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO import_mappings (org_id, plan_key, fingerprint, corrections, file_name, \
             saved_by, saved_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (org_id, plan_key, fingerprint) DO UPDATE SET \
             corrections = EXCLUDED.corrections, file_name = EXCLUDED.file_name, \
             saved_by = EXCLUDED.saved_by, saved_at = EXCLUDED.saved_at",
        )
        .bind(source.org.0)
        .bind(source.plan.map_or(0, |p| p.0))
        .bind(source.fingerprint.clone())
        .bind(corrections.to_string())
        .bind(file_name.to_string())
        .bind(user.0)
        .bind(instant_text(saved_at))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The choices remembered for a source, if any.
    pub async fn import_mapping(&self, source: &ImportSource) -> Result<Option<SavedMapping>> {
        let row = sqlx::query(
            "SELECT m.corrections, m.file_name, m.saved_by, m.saved_at, u.name \
             FROM import_mappings m JOIN users u ON u.id = m.saved_by \
             WHERE m.org_id = $1 AND m.plan_key = $2 AND m.fingerprint = $3",
        )
        .bind(source.org.0)
        .bind(source.plan.map_or(0, |p| p.0))
        .bind(source.fingerprint.clone())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(SavedMapping {
                corrections: row.try_get("corrections")?,
                file_name: row.try_get("file_name")?,
                saved_by: UserId(row.try_get("saved_by")?),
                saved_by_name: row.try_get("name")?,
                saved_at: parse_instant(&row.try_get::<String, _>("saved_at")?)?,
            })
        })
        .transpose()
    }

    pub async fn save_upload(&self, token_hash: &str, upload: &PendingUpload) -> Result<()> {
        sqlx::query(
            "INSERT INTO pending_uploads (token_hash, org_id, user_id, file_name, content, plan_id, \
             new_title, new_kind, created_at, corrections) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
        .bind(upload.corrections.clone())
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
            "SELECT org_id, user_id, file_name, content, plan_id, new_title, new_kind, corrections \
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
                corrections: row.try_get("corrections")?,
            })
        })
        .transpose()
    }

    /// Replaces what the uploader corrected in an upload's preview; false when the upload is
    /// not theirs or is gone.
    pub async fn correct_upload(
        &self,
        token_hash: &str,
        user: UserId,
        corrections: Option<&str>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE pending_uploads SET corrections = $1 WHERE token_hash = $2 AND user_id = $3",
        )
        .bind(corrections.map(str::to_string))
        .bind(token_hash.to_string())
        .bind(user.0)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn delete_upload(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM pending_uploads WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes uploads previewed before `before` and never confirmed; returns how many.
    pub async fn delete_uploads_before(&self, before: chrono::DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM pending_uploads WHERE created_at < $1")
            .bind(instant_text(before))
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    /// Deletes sessions that expired before `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: chrono::DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(instant_text(now))
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An expired session is deleted, a live one kept.
    #[tokio::test]
    async fn expired_sessions_are_deleted() {
        let dir = std::env::temp_dir().join(format!("waymark-clean-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open_sqlite_file(&dir.join("waymark.db"))
            .await
            .unwrap();
        let org = store
            .create_organisation("TST", "Test Police")
            .await
            .unwrap();
        let user = store
            .create_user(org.id, "a@test.example", "A", "not a hash", false)
            .await
            .unwrap();
        let now = Utc::now();
        for (hash, expires) in [
            ("old", now - chrono::Duration::hours(1)),
            ("older", now - chrono::Duration::hours(30)),
            ("live", now + chrono::Duration::hours(1)),
        ] {
            store
                .create_session(hash, user.id, "csrf", expires)
                .await
                .unwrap();
        }
        assert_eq!(store.delete_expired_sessions(now).await.unwrap(), 2);
        assert!(store.session("live").await.unwrap().is_some());
        assert_eq!(store.delete_expired_sessions(now).await.unwrap(), 0);
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
