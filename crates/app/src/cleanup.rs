//! Clean-up: uploads previewed and never confirmed, and sessions past their expiry, are
//! deleted, by `waymark clean` and on a timer inside `waymark serve`. Each run that removes
//! anything is audited in counts. Only the operator (the server's owner) runs it.

use std::time::Duration;

use chrono::Utc;
use serde::Serialize;

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};

/// How long an upload waits for its confirmation before clean-up deletes it, by default.
pub const UNCONFIRMED_UPLOAD_HOURS: u64 = 24;

/// What one clean-up removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CleanUp {
    pub uploads: u64,
    pub sessions: u64,
}

impl std::fmt::Display for CleanUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: u64, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        write!(
            f,
            "Clean-up: {}, {} removed",
            plural(self.uploads, "upload"),
            plural(self.sessions, "session")
        )
    }
}

impl App {
    /// Deletes uploads previewed more than `upload_age` ago and never confirmed, and expired
    /// sessions; audits the counts when anything was removed.
    pub async fn clean_up(&self, actor: &Actor, upload_age: Duration) -> Result<CleanUp> {
        if !actor.is_operator() {
            return Err(AppError::Forbidden);
        }
        let now = Utc::now();
        let age = chrono::Duration::from_std(upload_age)
            .map_err(|_| AppError::invalid("upload_age", "The age is too long"))?;
        let removed = CleanUp {
            uploads: self.store().delete_uploads_before(now - age).await?,
            sessions: self.store().delete_expired_sessions(now).await?
                + self
                    .store()
                    .delete_idle_sessions(now - self.session_rules().idle)
                    .await?,
        };
        self.store()
            .delete_old_sign_in_failures(
                now - chrono::Duration::hours(crate::throttle::FORGET_AFTER_HOURS),
            )
            .await?;
        if removed != CleanUp::default() {
            let mut audit = actor.audit("clean_up");
            audit.subject = Some(removed.to_string());
            audit.detail = Some(serde_json::json!({
                "uploads": removed.uploads, "sessions": removed.sessions,
            }));
            self.store().record_audit(&audit).await?;
            tracing::info!(
                uploads = removed.uploads,
                sessions = removed.sessions,
                "cleaned up"
            );
        }
        Ok(removed)
    }

    /// Cleans up every `every` for as long as the server runs; a failed run is logged and the
    /// next one tries again.
    pub async fn keep_clean(&self, every: Duration, upload_age: Duration) {
        let operator = Actor::operator();
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            if let Err(error) = self.clean_up(&operator, upload_age).await {
                tracing::warn!(%error, "clean-up failed");
            }
        }
    }
}
