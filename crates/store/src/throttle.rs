//! Failed sign-ins counted per key (`account:EMAIL`, `address:IP`), so that the growing wait
//! between attempts holds across servers and restarts. The rule of how long to wait is the
//! application layer's (`app::throttle`); this only keeps the counts.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::Store;
use crate::error::Result;
use crate::rows::{instant_text, parse_instant};

/// The failures counted against one key, and when the last one was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInFailures {
    pub failures: i64,
    pub last_failed_at: DateTime<Utc>,
}

impl Store {
    /// The failures counted against `key`, unless its last failure was before `forgotten_before`
    /// (then it counts from nothing).
    pub async fn sign_in_failures(
        &self,
        key: &str,
        forgotten_before: DateTime<Utc>,
    ) -> Result<Option<SignInFailures>> {
        let row = sqlx::query(
            "SELECT failures, last_failed_at FROM sign_in_failures \
             WHERE key = $1 AND last_failed_at > $2",
        )
        .bind(key.to_string())
        .bind(instant_text(forgotten_before))
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(SignInFailures {
                failures: row.try_get("failures")?,
                last_failed_at: parse_instant(&row.try_get::<String, _>("last_failed_at")?)?,
            })
        })
        .transpose()
    }

    /// Counts one more failure against `key` at `now` (the first again when the last was
    /// before `forgotten_before`); answers the count.
    pub async fn note_sign_in_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        forgotten_before: DateTime<Utc>,
    ) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO sign_in_failures (key, failures, last_failed_at) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN sign_in_failures.last_failed_at <= $3 THEN 1 \
                        ELSE sign_in_failures.failures + 1 END, \
             last_failed_at = $2 \
             RETURNING failures",
        )
        .bind(key.to_string())
        .bind(instant_text(now))
        .bind(instant_text(forgotten_before))
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("failures")?)
    }

    /// Forgets the failures counted against `key`.
    pub async fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
            .bind(key.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes the counts whose last failure was before `before`; answers how many.
    pub async fn delete_old_sign_in_failures(&self, before: DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sign_in_failures WHERE last_failed_at <= $1")
            .bind(instant_text(before))
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
