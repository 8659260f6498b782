//! Imports in the background: a previewed upload confirmed as a job that reads the file,
//! checks its rows and stores them in one transaction while the person watches its progress,
//! and can cancel it until it commits. The job runs `App::confirm_upload` itself (the same
//! reading, the same change set, the same single transaction), told of each step: rows read
//! into items come from `io::build_preview_with_progress` (the hook the CLI's progress bar
//! uses) and rows stored from the store's `WriteWatch`, which also stops the write between
//! batches and before the commit when the job is cancelled. A cancelled or failed job stores
//! nothing, and its upload stays to be confirmed again.
//!
//! Jobs live in this process only (`ImportJobs`, held by the `App`): a server restart
//! forgets them, and as the write is one transaction, a job cut short by a stop stores
//! nothing either. A job is seen and cancelled only by the person who started it and the
//! administrators of their organisation; anyone else is told it is not found. Finished jobs
//! are forgotten after [`KEPT_FOR`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use waymark_core::{OrgId, UserId};
use waymark_store::{StoreError, WriteWatch};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};
use crate::imports::{ImportChoices, ImportResult, RowsProgress};

/// How long a finished job is kept for its page and its findings.
pub const KEPT_FOR: chrono::Duration = chrono::Duration::hours(6);

/// How long a background job may spend reading and checking its file. Longer than an
/// upload's request may take, since nobody waits on a connection for it; the read limits
/// still bound its memory.
pub const READ_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Where a job has got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStage {
    /// Reading the file (waiting for a turn included).
    Reading,
    /// Reading its rows into items and checking them: `rows_done` of `rows_total`.
    Checking,
    /// Writing the rows in the import's transaction: `rows_done` of `rows_total`.
    Storing,
    /// Committed: the result is there.
    Done,
    /// Refused or failed: nothing was stored; `error` says why.
    Failed,
    /// Cancelled before it committed: nothing was stored.
    Cancelled,
}

impl JobStage {
    pub fn name(self) -> &'static str {
        match self {
            JobStage::Reading => "reading",
            JobStage::Checking => "checking",
            JobStage::Storing => "storing",
            JobStage::Done => "done",
            JobStage::Failed => "failed",
            JobStage::Cancelled => "cancelled",
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(
            self,
            JobStage::Done | JobStage::Failed | JobStage::Cancelled
        )
    }
}

/// A job as its page and the API show it.
#[derive(Debug, Clone)]
pub struct ImportJobStatus {
    pub id: String,
    pub file_name: String,
    /// Who started it.
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub stage: JobStage,
    /// Rows checked or stored so far, of `rows_total`, in the stage it is at.
    pub rows_done: usize,
    pub rows_total: usize,
    /// How far the whole job has got, 0 to 1: reading and checking the first 40%, storing
    /// the rest. It never goes back.
    pub fraction: f64,
    /// Cancellation was asked for and the job has not stopped yet.
    pub cancel_requested: bool,
    /// Why a failed job failed, in words for the person.
    pub error: Option<String>,
    /// What a finished import stored.
    pub result: Option<ImportResult>,
}

impl ImportJobStatus {
    /// The stage in words: "Storing 40,000 of 200,000 rows".
    pub fn words(&self) -> String {
        if self.cancel_requested && !self.stage.is_finished() {
            return "Cancelling: nothing will be stored".into();
        }
        match self.stage {
            JobStage::Reading => "Reading the file".into(),
            JobStage::Checking => format!(
                "Checking row {} of {}",
                thousands(self.rows_done),
                thousands(self.rows_total)
            ),
            JobStage::Storing => format!(
                "Storing {} of {} rows",
                thousands(self.rows_done),
                thousands(self.rows_total)
            ),
            JobStage::Done => "Stored".into(),
            JobStage::Failed => "Failed: nothing was stored".into(),
            JobStage::Cancelled => "Cancelled: nothing was stored".into(),
        }
    }

    /// The progress as a whole percentage, for a progress bar.
    pub fn percent(&self) -> u32 {
        (self.fraction * 100.0).floor().clamp(0.0, 100.0) as u32
    }
}

/// 100000 as "100,000".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every job of this process, by id.
#[derive(Default)]
pub(crate) struct ImportJobs {
    jobs: Mutex<HashMap<String, JobHandle>>,
}

impl std::fmt::Debug for ImportJobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ImportJobs")
    }
}

/// One job, shared by its task and its readers.
#[derive(Clone)]
pub(crate) struct JobHandle(Arc<Job>);

struct Job {
    id: String,
    /// The upload it confirms, by its token's hash: one job an upload at a time.
    upload: String,
    org: OrgId,
    user: UserId,
    started_by: String,
    file_name: String,
    started_at: DateTime<Utc>,
    cancel: AtomicBool,
    /// Part of the import has committed (a workbook's sheets each stored as a plan of its
    /// own, one transaction a sheet): it can no longer be cancelled.
    committed: AtomicBool,
    /// For tests: fail the write once this many rows are stored.
    fail_after_rows: Option<usize>,
    state: Mutex<JobState>,
}

struct JobState {
    stage: JobStage,
    rows_done: usize,
    rows_total: usize,
    fraction: f64,
    error: Option<String>,
    result: Option<ImportResult>,
    finished_at: Option<DateTime<Utc>>,
}

/// The message a stopped write carries when the job was cancelled.
const CANCELLED: &str = "the import was cancelled";

impl JobHandle {
    fn state(&self) -> std::sync::MutexGuard<'_, JobState> {
        // A reader that panicked holding the lock leaves the state as it was: use it.
        self.0
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Moves the job on to `stage` with `done` of `total` rows, its fraction only ever rising.
    fn advance(&self, stage: JobStage, done: usize, total: usize) {
        let fraction = match stage {
            JobStage::Reading => 0.0,
            JobStage::Checking => 0.4 * ratio(done, total),
            JobStage::Storing => 0.4 + 0.6 * ratio(done, total),
            JobStage::Done => 1.0,
            JobStage::Failed | JobStage::Cancelled => 0.0,
        };
        let mut state = self.state();
        if state.stage.is_finished() {
            return;
        }
        state.stage = stage;
        state.rows_done = done;
        state.rows_total = total;
        state.fraction = state.fraction.max(fraction);
    }

    fn cancelled(&self) -> bool {
        self.0.cancel.load(Ordering::SeqCst) && !self.0.committed.load(Ordering::SeqCst)
    }

    /// Says that part of the import has committed, after which a cancellation is refused.
    pub(crate) fn committed(&self) {
        self.0.committed.store(true, Ordering::SeqCst);
    }

    /// Stops the import here if the job was cancelled.
    pub(crate) fn go_on(&self) -> Result<()> {
        if self.cancelled() {
            return Err(AppError::Store(StoreError::Stopped(CANCELLED.into())));
        }
        Ok(())
    }

    /// Told of the rows read into items.
    pub(crate) fn rows_progress(&self) -> RowsProgress {
        let job = self.clone();
        Arc::new(move |done, total| job.advance(JobStage::Checking, done, total))
    }

    /// Told of the rows stored, and stopping the write when the job is cancelled.
    pub(crate) fn write_watch(&self) -> WriteWatch {
        let job = self.clone();
        WriteWatch::new(move |written, total| {
            job.advance(JobStage::Storing, written, total);
            if job.cancelled() {
                return Err(CANCELLED.into());
            }
            match job.0.fail_after_rows {
                Some(rows) if written >= rows => {
                    Err(format!("a failure injected after {written} rows"))
                }
                _ => Ok(()),
            }
        })
    }

    fn visible_to(&self, actor: &Actor) -> bool {
        let own = actor.user().is_some_and(|user| user.id == self.0.user);
        let administers = actor.org() == Some(self.0.org) && actor.is_administrator();
        own || administers
    }

    /// Ends the job with what the import answered.
    fn finish(&self, outcome: Result<ImportResult>, now: DateTime<Utc>) {
        let cancelled = self.cancelled();
        let mut state = self.state();
        state.finished_at = Some(now);
        match outcome {
            Ok(result) => {
                state.stage = JobStage::Done;
                state.fraction = 1.0;
                state.rows_done = state.rows_total;
                state.result = Some(result);
            }
            Err(_) if cancelled => state.stage = JobStage::Cancelled,
            Err(error) => {
                state.stage = JobStage::Failed;
                state.error = Some(failure_message(&error));
            }
        }
    }

    fn status(&self) -> ImportJobStatus {
        let job = &self.0;
        let state = self.state();
        ImportJobStatus {
            id: job.id.clone(),
            file_name: job.file_name.clone(),
            started_by: job.started_by.clone(),
            started_at: job.started_at,
            finished_at: state.finished_at,
            stage: state.stage,
            rows_done: state.rows_done,
            rows_total: state.rows_total,
            fraction: state.fraction,
            cancel_requested: self.cancelled(),
            error: state.error.clone(),
            result: state.result.clone(),
        }
    }
}

fn ratio(done: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        (done as f64 / total as f64).clamp(0.0, 1.0)
    }
}

/// What a failed job tells the person: a refusal's own words, and for anything else that
/// nothing was stored (the cause is logged).
fn failure_message(error: &AppError) -> String {
    match error {
        AppError::Invalid(_) | AppError::State(_) | AppError::Unknown(_) => error.messages(),
        AppError::File(file) => file.to_string(),
        AppError::Store(StoreError::Stopped(message)) => {
            format!("The import stopped before it was stored ({message}).")
        }
        AppError::NotFound | AppError::Missing { .. } => {
            "The upload or the plan it was going into is no longer there.".into()
        }
        AppError::Forbidden => "You may no longer import into that plan.".into(),
        other => {
            tracing::error!(error = %other, "a background import failed");
            "Waymark could not store the import. Try again in a minute; if it fails again, \
             tell your administrator."
                .into()
        }
    }
}

impl App {
    /// Confirms a previewed upload as a job in the background and answers at once with its
    /// status; the job's id then reads it ([`App::import_job`]). Only the person who
    /// previewed the upload may, as only they may confirm it. An upload that already has a
    /// job running answers that job.
    pub async fn start_import_job(
        &self,
        actor: &Actor,
        token: &str,
        choices: ImportChoices,
    ) -> Result<ImportJobStatus> {
        self.start_import_job_inner(actor, token, choices, None)
            .await
    }

    /// [`App::start_import_job`] whose write fails once `rows` rows are stored: for tests of
    /// what a failure mid-way leaves (nothing).
    #[doc(hidden)]
    pub async fn start_import_job_failing_after(
        &self,
        actor: &Actor,
        token: &str,
        choices: ImportChoices,
        rows: usize,
    ) -> Result<ImportJobStatus> {
        self.start_import_job_inner(actor, token, choices, Some(rows))
            .await
    }

    async fn start_import_job_inner(
        &self,
        actor: &Actor,
        token: &str,
        choices: ImportChoices,
        fail_after_rows: Option<usize>,
    ) -> Result<ImportJobStatus> {
        let upload = self.pending_upload(actor, token).await?;
        let user = actor.user().ok_or(AppError::NotFound)?;
        let upload_hash = crate::sessions::token_hash(token);
        let now = self.clock.now();
        let job = {
            let mut jobs = self
                .import_jobs
                .jobs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            jobs.retain(|_, job| {
                job.state()
                    .finished_at
                    .is_none_or(|finished| now - finished < KEPT_FOR)
            });
            if let Some(running) = jobs
                .values()
                .find(|job| job.0.upload == upload_hash && !job.state().stage.is_finished())
            {
                return Ok(running.status());
            }
            let job = JobHandle(Arc::new(Job {
                id: crate::sessions::new_token()?,
                upload: upload_hash,
                org: upload.org,
                user: user.id,
                started_by: user.name.clone(),
                file_name: upload.file_name.clone(),
                started_at: now,
                cancel: AtomicBool::new(false),
                committed: AtomicBool::new(false),
                fail_after_rows,
                state: Mutex::new(JobState {
                    stage: JobStage::Reading,
                    rows_done: 0,
                    rows_total: 0,
                    fraction: 0.0,
                    error: None,
                    result: None,
                    finished_at: None,
                }),
            }));
            jobs.insert(job.0.id.clone(), job.clone());
            job
        };
        let status = job.status();
        let (app, actor, token) = (self.clone(), actor.clone(), token.to_string());
        let clock = self.clock.clone();
        tokio::spawn(async move {
            let running = job.clone();
            // Its own task, so that a panic in the import ends the job as failed rather than
            // leaving it running for ever.
            let work = tokio::spawn(async move {
                app.confirm_upload_watched(&actor, &token, choices, Some(&running))
                    .await
            });
            let outcome = match work.await {
                Ok(outcome) => outcome,
                Err(stopped) => Err(AppError::from(stopped)),
            };
            job.finish(outcome, clock.now());
        });
        Ok(status)
    }

    /// A job's status, for the person who started it or their organisation's administrator;
    /// anyone else is told it is not found.
    pub fn import_job(&self, actor: &Actor, id: &str) -> Result<ImportJobStatus> {
        Ok(self.visible_job(actor, id)?.status())
    }

    /// Asks a job to stop before it commits, and answers its status: cancelling, or (once it
    /// has stopped) cancelled. A job that has already finished, or that has committed part
    /// of its file (a workbook's sheets stored one by one), is left as it is: what committed
    /// stays stored.
    pub fn cancel_import_job(&self, actor: &Actor, id: &str) -> Result<ImportJobStatus> {
        let job = self.visible_job(actor, id)?;
        if !job.state().stage.is_finished() && !job.0.committed.load(Ordering::SeqCst) {
            job.0.cancel.store(true, Ordering::SeqCst);
        }
        Ok(job.status())
    }

    /// Every finding of a finished job's import, each naming its sheet, row and column.
    pub fn import_job_findings(&self, actor: &Actor, id: &str) -> Result<Vec<waymark_io::Finding>> {
        let job = self.visible_job(actor, id)?;
        let state = job.state();
        match &state.result {
            Some(result) => Ok(result.findings()),
            // The job as it stands (not stored, or never to be) refuses it.
            None => Err(AppError::state(
                "job",
                "The findings can be downloaded once the import has been stored",
            )),
        }
    }

    fn visible_job(&self, actor: &Actor, id: &str) -> Result<JobHandle> {
        let jobs = self
            .import_jobs
            .jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        jobs.get(id)
            .filter(|job| job.visible_to(actor))
            .cloned()
            .ok_or(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
