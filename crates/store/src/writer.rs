//! Group commit for SQLite: one task owns one connection and is the only writer of change sets. Each waiting batch is written in one transaction, so concurrent requests
//! share one fsync (`synchronous = FULL` is kept) instead of queueing one by one on SQLite's
//! busy lock and its back-off sleeps. Every change set gets its own savepoint, so one that fails
//! (a conflict, a constraint) is rolled back alone and the others in its batch are stored; each
//! caller is answered only once its batch has committed.
//!
//! PostgreSQL keeps pooled writes: its row locks let writers to different plans proceed side by
//! side, concurrent commits already share WAL flushes, and several servers share one database,
//! where one batch holding many plans' row locks could deadlock with another server's.

use std::collections::BTreeSet;

use chrono::Utc;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Connection, Executor, Transaction};
use tokio::sync::{mpsc, oneshot};
use waymark_core::{ItemId, Plan};

use crate::Store;
use crate::changes::{Applied, ChangeSet, ItemRef};
use crate::error::{Result, StoreError};
use crate::rows::instant_text;
use crate::write::{DerivedIndexes, UpdateIds};

mod updates;

/// Jobs waiting beyond this many are left for the next batch, so that one batch's
/// transaction, and the wait of its first caller, stay short.
const MAX_BATCH: usize = 256;
/// Requests that may wait for the writer before callers wait to hand theirs over.
const QUEUE_DEPTH: usize = 4096;
/// Rows written (items, versions, updates) between asks for a checkpoint. Each writes a
/// page or two to the WAL with its audit row and indexes, so this keeps the WAL near
/// SQLite's own default of a checkpoint every 1,000 pages; an import asks after its batch.
const ROWS_PER_CHECKPOINT: usize = 256;

/// A handle on the writer task; clones share it.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Job>,
}

enum Job {
    Changes {
        plan: Box<Plan>,
        changes: Box<ChangeSet>,
        reply: oneshot::Sender<Result<Applied>>,
    },
    Close {
        reply: oneshot::Sender<()>,
    },
    /// A note of use (when a token or session was last used), written with the next batch
    /// rather than on a pooled connection, where it would wait on the writer's lock for
    /// seconds under a stream of writes. Answered once its batch has committed.
    Note {
        note: Note,
        reply: oneshot::Sender<()>,
    },
    /// A search waiting for the search backlog's documents to be rebuilt (migration 0027),
    /// which its batch does before it commits. Answered once that batch has committed.
    Search {
        reply: oneshot::Sender<Result<()>>,
    },
}

/// One statement of the form `UPDATE … SET column = $1 WHERE key = $2`: a note of use.
#[derive(Debug)]
pub(crate) struct Note {
    pub(crate) sql: &'static str,
    pub(crate) at: String,
    pub(crate) key: NoteKey,
}

/// The row a note is for: a token's id, or a session's token hash.
#[derive(Debug)]
pub(crate) enum NoteKey {
    Id(i64),
    Text(String),
}

impl Job {
    /// The rows a job writes, at least one.
    fn rows(&self) -> usize {
        match self {
            Job::Changes { changes, .. } => {
                1 + changes.new_items.len() + changes.versions.len() + changes.updates.len()
            }
            Job::Close { .. } | Job::Note { .. } | Job::Search { .. } => 0,
        }
    }
}

/// Why a batch was not committed, as each of its callers is told.
struct BatchFailure {
    message: String,
    /// The database was busy, locked or unreachable (`StoreError::is_unavailable`).
    unavailable: bool,
}

/// What a job came to, kept until its batch commits: `None` where it was never written.
enum Outcome {
    Changes(oneshot::Sender<Result<Applied>>, Option<Result<Applied>>),
}

impl Outcome {
    fn failed(&self) -> bool {
        match self {
            Outcome::Changes(_, result) => result.as_ref().is_some_and(|r| r.is_err()),
        }
    }

    /// Answers the caller: its own result once the batch has committed; where the batch
    /// failed, that failure for everything that would have been stored.
    fn answer(self, failure: Option<&BatchFailure>) {
        fn settle<T>(result: Option<Result<T>>, failure: Option<&BatchFailure>) -> Result<T> {
            match (result, failure) {
                (Some(Err(error)), _) => Err(error),
                (Some(Ok(value)), None) => Ok(value),
                (_, Some(failure)) if failure.unavailable => {
                    Err(StoreError::Unavailable(failure.message.clone()))
                }
                (_, failure) => Err(StoreError::NotCommitted(
                    failure
                        .map_or("the batch was not written", |f| f.message.as_str())
                        .to_string(),
                )),
            }
        }
        match self {
            Outcome::Changes(reply, result) => {
                let _ = reply.send(settle(result, failure));
            }
        }
    }
}

impl Writer {
    /// Starts the writer on `conn`, a connection of its own (not the pool's, which readers use).
    /// `store` is the store without a writer, for the write functions it shares with PostgreSQL.
    /// `checkpointer` is a third connection, which copies the WAL back into the database
    /// while the writer goes on writing (see `checkpoints`).
    pub(crate) fn start(store: Store, conn: AnyConnection, checkpointer: AnyConnection) -> Writer {
        let (queue, jobs) = mpsc::channel(QUEUE_DEPTH);
        // One ask waiting is enough: a checkpoint copies every frame committed before it.
        let (ask, asked) = mpsc::channel(1);
        let checkpointing = tokio::spawn(checkpoints(checkpointer, asked));
        tokio::spawn(run(store, conn, jobs, (ask, checkpointing)));
        Writer { queue }
    }

    /// Writes a change set to `plan` in the next batch; answers once that batch has committed.
    pub(crate) async fn apply_changes(&self, plan: Plan, changes: ChangeSet) -> Result<Applied> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Changes {
            plan: Box::new(plan),
            changes: Box::new(changes),
            reply,
        })
        .await?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Writes a note of use in the next batch; answers once that batch has committed.
    pub(crate) async fn note(&self, note: Note) -> Result<()> {
        let (reply, done) = oneshot::channel();
        self.send(Job::Note { note, reply }).await?;
        done.await.map_err(|_| StoreError::WriterStopped)
    }

    /// Rebuilds the search documents of the items in the search backlog in the next batch;
    /// answers once that batch has committed.
    pub(crate) async fn catch_up_search(&self) -> Result<()> {
        let (reply, done) = oneshot::channel();
        self.send(Job::Search { reply }).await?;
        done.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Finishes the jobs already queued, then closes the writer's connection.
    pub(crate) async fn close(&self) {
        let (reply, done) = oneshot::channel();
        if self.send(Job::Close { reply }).await.is_ok() {
            let _ = done.await;
        }
    }

    async fn send(&self, job: Job) -> Result<()> {
        self.queue
            .send(job)
            .await
            .map_err(|_| StoreError::WriterStopped)
    }
}

/// Checkpoints the WAL each time the writer asks, on a connection of its own, until the writer
/// stops. The writer's connection has SQLite's automatic checkpoints turned off: left on, the
/// commit that crosses 1,000 WAL pages copies them all into the database and syncs it before
/// its callers are answered, and the batches queued behind it wait too. A PASSIVE checkpoint
/// here runs beside the writer's next batches (WAL lets one writer and checkpointing proceed
/// together) and, like the automatic one, leaves pages a reader still needs for later.
async fn checkpoints(mut conn: AnyConnection, mut asked: mpsc::Receiver<()>) {
    while asked.recv().await.is_some() {
        if let Err(error) = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
            tracing::warn!(%error, "checkpointing the WAL");
        }
    }
    if let Err(error) = conn.close().await {
        tracing::warn!(%error, "closing the checkpointer's connection");
    }
}

async fn run(
    store: Store,
    mut conn: AnyConnection,
    mut queue: mpsc::Receiver<Job>,
    (checkpoint, checkpointing): (mpsc::Sender<()>, tokio::task::JoinHandle<()>),
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let mut since_checkpoint = 0;
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        // A close ends the batch it is in: what was queued before it is still written.
        let close_at = jobs.iter().position(|job| matches!(job, Job::Close { .. }));
        let rest = match close_at {
            Some(at) => jobs.split_off(at),
            None => Vec::new(),
        };
        if !jobs.is_empty() {
            since_checkpoint += jobs.iter().map(Job::rows).sum::<usize>();
            let batch = std::mem::take(&mut jobs);
            write_batch(&store, &mut conn, batch).await;
            // Where the checkpointer is still busy with the last ask, this one is not needed.
            if since_checkpoint >= ROWS_PER_CHECKPOINT && checkpoint.try_send(()).is_ok() {
                since_checkpoint = 0;
            }
        }
        let mut rest = rest.into_iter();
        if let Some(Job::Close { reply }) = rest.next() {
            queue.close();
            // Jobs queued after the close are dropped, so their callers hear that the writer
            // has stopped rather than waiting for ever.
            drop(rest);
            if let Err(error) = conn.close().await {
                tracing::warn!(%error, "closing the writer's connection");
            }
            // Without its sender the checkpointer finishes and closes its connection.
            drop(checkpoint);
            let _ = checkpointing.await;
            let _ = reply.send(());
            return;
        }
    }
}

/// Writes every job of `batch` in one transaction, each in its own savepoint, then answers
/// each caller with its own result: after the commit, or with the commit's failure.
async fn write_batch(store: &Store, conn: &mut AnyConnection, batch: Vec<Job>) {
    // Progress updates alone (what a stream of requests mostly sends) go in two round trips.
    let batch = match updates::write_updates_alone(conn, batch).await {
        Ok(()) => return,
        Err(batch) => batch,
    };
    write_batch_per_job(store, conn, batch).await;
}

/// [`write_batch`] job by job, each in its own savepoint: for any batch.
async fn write_batch_per_job(store: &Store, conn: &mut AnyConnection, batch: Vec<Job>) {
    let mut outcomes = Vec::with_capacity(batch.len());
    let (notes, batch): (Vec<Job>, Vec<Job>) = batch
        .into_iter()
        .partition(|job| matches!(job, Job::Note { .. } | Job::Search { .. }));
    let searched = notes.iter().any(|job| matches!(job, Job::Search { .. }));
    let mut jobs = batch.into_iter();
    let committed: Result<()> = async {
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let mut batch = BatchState::default();
        for (number, job) in jobs.by_ref().enumerate() {
            let (outcome, broken) = write_job(store, &mut tx, job, number, &mut batch).await;
            outcomes.extend(outcome);
            if let Some(error) = broken {
                return Err(error);
            }
        }
        // A note that fails is only logged: SQLite undoes the one statement, not the batch.
        for job in &notes {
            if let Job::Note { note, .. } = job {
                let query = sqlx::query(note.sql).bind(note.at.as_str());
                let query = match &note.key {
                    NoteKey::Id(id) => query.bind(*id),
                    NoteKey::Text(text) => query.bind(text.as_str()),
                };
                let written = query.execute(&mut *tx).await;
                if let Err(error) = written {
                    tracing::warn!(%error, "a note of use was not written");
                }
            }
        }
        // The search documents of every item the batch's progress updates touched, once. A
        // change set rolled back to its savepoint left its items' rows as they were, so their
        // documents come out as before.
        if !batch.reindex.is_empty() {
            let items: Vec<ItemId> = batch.reindex.into_iter().collect();
            crate::search::reindex_items(&mut tx, store.backend(), &items).await?;
        }
        // A search waits on this batch: the documents of the items in the search backlog
        // (listed by batches of updates alone, `updates`), after this batch's own.
        if searched {
            sqlx::query(crate::search::SQLITE_CATCH_UP.as_str())
                .execute(&mut *tx)
                .await?;
        }
        // COMMIT also releases the last change set's savepoint.
        tx.commit().await?;
        Ok(())
    }
    .await;
    // Jobs not reached because the transaction broke are answered with its failure.
    outcomes.extend(jobs.filter_map(unwritten));
    let failure = committed.err().map(|error| {
        tracing::error!(%error, "a batch of writes was not committed");
        BatchFailure {
            message: error.to_string(),
            unavailable: error.is_unavailable(),
        }
    });
    for outcome in outcomes {
        outcome.answer(failure.as_ref());
    }
    for job in notes {
        match job {
            Job::Note { reply, .. } => {
                let _ = reply.send(());
            }
            Job::Search { reply } => {
                let _ = reply.send(match &failure {
                    None => Ok(()),
                    Some(failure) if failure.unavailable => {
                        Err(StoreError::Unavailable(failure.message.clone()))
                    }
                    Some(failure) => Err(StoreError::NotCommitted(failure.message.clone())),
                });
            }
            _ => {}
        }
    }
}

/// What a batch carries from one change set to the next.
#[derive(Default)]
struct BatchState {
    /// The release of the change set before's savepoint, run at the start of the next change
    /// set's first round trip instead of in a round trip of its own.
    release: String,
    /// Items whose search documents are rebuilt once, before the batch commits.
    reindex: BTreeSet<ItemId>,
    /// The next update id, once a change set of the batch has read it.
    ids: UpdateIds,
}

/// Writes job `number` of its batch inside its own savepoint, rolled back where the job
/// fails, so the others of its batch are kept. The error is a savepoint statement's own
/// failure, which leaves the whole transaction unusable.
///
/// Each savepoint has its own name: a release folded into the next change set's first round
/// trip that failed would otherwise leave the earlier savepoint open under the same name, and
/// a rollback of the later change set would undo the earlier one's rows too. With its own
/// name the later change set's rollback fails instead, and that ends the batch.
async fn write_job(
    store: &Store,
    tx: &mut Transaction<'_, Any>,
    job: Job,
    number: usize,
    batch: &mut BatchState,
) -> (Option<Outcome>, Option<StoreError>) {
    let savepoint = format!("change_set_{number}");
    let outcome = match job {
        Job::Changes {
            plan,
            changes,
            reply,
        } => {
            // The entry time is taken here, in the order of writing, so that within a plan
            // entry times rise with ids.
            let entered_at = instant_text(changes.entered_at.unwrap_or_else(Utc::now));
            // Progress updates alone leave their search documents to the end of the batch.
            let updates_only = changes.new_items.is_empty() && changes.versions.is_empty();
            let indexes = match updates_only {
                true => DerivedIndexes::Batch,
                false => DerivedIndexes::Now,
            };
            // The savepoint opens in the same round trip as the change set's first statements,
            // after the release of the one before. Where it could not be opened, the rollback
            // to it below fails too, and that failure ends the batch, as a failed savepoint
            // did when it was run alone.
            let opening = format!(
                "{}SAVEPOINT {savepoint}; ",
                std::mem::take(&mut batch.release)
            );
            let result = store
                .write_changes_after(
                    tx,
                    &opening,
                    &plan,
                    &changes,
                    &entered_at,
                    indexes,
                    &mut batch.ids,
                )
                .await;
            if result.is_ok() && updates_only {
                batch.reindex.extend(changes.updates.iter().filter_map(
                    |update| match update.item {
                        ItemRef::Existing(item) => Some(item),
                        ItemRef::New(_) => None,
                    },
                ));
            }
            Outcome::Changes(reply, Some(result))
        }
        // `run` takes closes out of a batch before writing it, and `write_batch` notes.
        Job::Close { reply } => {
            let _ = reply.send(());
            return (None, None);
        }
        Job::Note { .. } | Job::Search { .. } => return (None, None),
    };
    if !outcome.failed() {
        batch.release = format!("RELEASE SAVEPOINT {savepoint}; ");
        return (Some(outcome), None);
    }
    let end = format!("ROLLBACK TO SAVEPOINT {savepoint}; RELEASE SAVEPOINT {savepoint}");
    match sqlx::raw_sql(AssertSqlSafe(end)).execute(&mut **tx).await {
        Ok(_) => (Some(outcome), None),
        Err(error) => (Some(outcome), Some(error.into())),
    }
}

/// A job that was never written, as an outcome: the batch's failure is its answer.
fn unwritten(job: Job) -> Option<Outcome> {
    match job {
        Job::Note { .. } | Job::Search { .. } => None,
        Job::Changes { reply, .. } => Some(Outcome::Changes(reply, None)),
        Job::Close { reply } => {
            let _ = reply.send(());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::NaiveDate;
    use sqlx::{Connection, Row};
    use waymark_core::{Classification, ItemFields, PlanKind, UpdateCycle, UpdateId};

    use super::*;
    use crate::changes::{NewItem, NewUpdate};
    use crate::{NewPlan, Scope};

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
    }

    async fn plan_with_items(store: &Store, code: &str, count: usize) -> (Plan, Vec<ItemId>) {
        let org = store.create_organisation(code, code).await.unwrap();
        let plan = store
            .create_plan(&NewPlan {
                org: org.id,
                kind: PlanKind::Improvement,
                title: format!("{code} plan"),
                period: None,
                level_names: PlanKind::Improvement.default_levels(),
                owner_posts: Vec::new(),
                source: None,
                update_cycle: UpdateCycle::Monthly,
                marking: Classification::OFFICIAL,
            })
            .await
            .unwrap();
        let mut changes = ChangeSet::new(org.id, plan.id);
        for n in 0..count {
            changes.new_items.push(NewItem {
                parent: None,
                fields: ItemFields {
                    text: format!("{code} action {n}"),
                    ..ItemFields::default()
                },
                effective: day(),
            });
        }
        let ids = store.apply_changes(&changes).await.unwrap().item_ids;
        (plan, ids)
    }

    fn update_job(
        plan: &Plan,
        item: ItemId,
        text: &str,
    ) -> (Job, oneshot::Receiver<Result<Applied>>) {
        let mut changes = ChangeSet::new(plan.org, plan.id);
        changes.updates.push(NewUpdate {
            item: ItemRef::Existing(item),
            as_of: day(),
            author_person: Some("Tester".into()),
            author_post: None,
            text: text.into(),
            proposed_rag: None,
            supersedes: None,
        });
        let (reply, answer) = oneshot::channel();
        let job = Job::Changes {
            plan: Box::new(plan.clone()),
            changes: Box::new(changes),
            reply,
        };
        (job, answer)
    }

    /// One batch of progress updates: the first reads the highest update id, the rest are
    /// written with their checks in one round trip each. An update to another plan's item in
    /// the middle is refused as not found and leaves no row; every other is stored under the
    /// id it was answered with, and found by search.
    #[tokio::test]
    async fn updates_written_in_one_round_trip_each_get_their_own_ids_and_checks() {
        let path = std::env::temp_dir().join(format!(
            "waymark-writer-{}-{}.db",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let store = Store::open_sqlite_file(&path).await.unwrap();
        let (plan, items) = plan_with_items(&store, "ONE", 3).await;
        let (_, foreign) = plan_with_items(&store, "TWO", 1).await;
        let mut conn = AnyConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let bare = Store {
            writer: None,
            ..store.clone()
        };
        let mut jobs = Vec::new();
        let mut answers = Vec::new();
        for n in 0..6 {
            let (item, text) = match n {
                3 => (foreign[0], "kestrel to the wrong plan".to_string()),
                _ => (items[n % 3], format!("kestrel note {n}")),
            };
            let (job, answer) = update_job(&plan, item, &text);
            jobs.push(job);
            answers.push((item, text, answer));
        }
        write_batch(&bare, &mut conn, jobs).await;

        let mut ids = Vec::new();
        for (n, (item, text, answer)) in answers.into_iter().enumerate() {
            let result = answer.await.unwrap();
            if n == 3 {
                assert!(
                    matches!(result, Err(StoreError::NotFound { what: "item", .. })),
                    "{result:?}"
                );
                let history = store.item_history(Scope::All, item).await.unwrap();
                assert!(history.updates.is_empty(), "{:?}", history.updates);
                continue;
            }
            let applied = result.unwrap();
            assert_eq!(applied.update_ids.len(), 1);
            let history = store.item_history(Scope::All, item).await.unwrap();
            let stored = history
                .updates
                .iter()
                .find(|u| u.id == applied.update_ids[0])
                .unwrap();
            assert_eq!(stored.text, text);
            ids.push(applied.update_ids[0]);
        }
        let mut distinct = ids.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 5, "{ids:?}");
        let found = store
            .search(Scope::Org(plan.org), plan.id, "kestrel")
            .await
            .unwrap();
        assert_eq!(found.len(), 3, "each of the plan's three items: {found:?}");
        // The batch listed its items in the search backlog; the search had them rebuilt.
        let pending: i64 = sqlx::query("SELECT COUNT(*) AS n FROM search_backlog")
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(pending, 0);
        conn.close().await.unwrap();
        store.close().await;
        let _ = std::fs::remove_file(&path);
    }

    /// A fresh database file's path for a test.
    fn temp_db(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!(
            "waymark-writer-{name}-{}-{}.db",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ))
    }

    /// Two plans' items, one of them archived, on a new database: the same ids every time.
    struct Fixture {
        store: Store,
        conn: AnyConnection,
        path: std::path::PathBuf,
        plan: Plan,
        items: Vec<ItemId>,
        archived: ItemId,
        foreign: ItemId,
    }

    async fn fixture(name: &str) -> Fixture {
        let path = temp_db(name);
        let store = Store::open_sqlite_file(&path).await.unwrap();
        let (plan, items) = plan_with_items(&store, "ONE", 4).await;
        let (_, foreign) = plan_with_items(&store, "TWO", 1).await;
        let archived = items[3];
        let mut archive = ChangeSet::new(plan.org, plan.id);
        archive.versions.push(crate::changes::NewVersion {
            item: archived,
            parent: None,
            fields: ItemFields {
                text: "ONE action 3".into(),
                archived: true,
                ..ItemFields::default()
            },
            effective: day(),
            reason: None,
        });
        store.apply_changes(&archive).await.unwrap();
        let conn = AnyConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        Fixture {
            store,
            conn,
            path,
            plan,
            items: items[..3].to_vec(),
            archived,
            foreign: foreign[0],
        }
    }

    /// One job of a mixed batch, as the test describes it.
    #[derive(Clone, Copy, Debug)]
    enum Kind {
        Valid(usize),
        Foreign,
        Missing,
        Archived,
        /// Corrects an update that does not exist: refused by the foreign key.
        SupersedesMissing,
        /// An edit made from a version that is no longer the latest.
        Stale,
    }

    fn job_of(f: &Fixture, kind: Kind, text: &str) -> (Job, oneshot::Receiver<Result<Applied>>) {
        let item = match kind {
            Kind::Valid(n) => f.items[n % f.items.len()],
            Kind::Foreign => f.foreign,
            Kind::Missing => ItemId(987_654),
            Kind::Archived => f.archived,
            Kind::SupersedesMissing | Kind::Stale => f.items[0],
        };
        let (job, answer) = update_job(&f.plan, item, text);
        let Job::Changes {
            plan,
            mut changes,
            reply,
        } = job
        else {
            unreachable!()
        };
        changes.audit = Some(crate::NewAuditEvent {
            org: None,
            user: None,
            actor: "Tester".into(),
            address: Some("127.0.0.1".into()),
            action: "item.update".into(),
            plan: None,
            item: Some(item),
            subject: Some(text.into()),
            detail: Some(serde_json::json!({ "text_chars": text.len() })),
        });
        match kind {
            Kind::SupersedesMissing => changes.updates[0].supersedes = Some(UpdateId(876_543)),
            Kind::Stale => {
                changes.expected_versions.push((item, -1));
                changes.versions.push(crate::changes::NewVersion {
                    item,
                    parent: None,
                    fields: ItemFields {
                        text: "edited".into(),
                        ..ItemFields::default()
                    },
                    effective: day(),
                    reason: None,
                });
            }
            _ => {}
        }
        let job = Job::Changes {
            plan,
            changes,
            reply,
        };
        (job, answer)
    }

    /// An answer without its update ids, which may differ between the two paths.
    fn answer_kind(result: &Result<Applied>) -> String {
        match result {
            Ok(applied) => format!("ok, {} update(s)", applied.update_ids.len()),
            Err(StoreError::NotFound { what, id }) => format!("{what} {id} not found"),
            Err(StoreError::Conflict { what, id, .. }) => format!("conflict on {what} {id}"),
            Err(StoreError::Database(_)) => "database error".into(),
            Err(other) => format!("{other}"),
        }
    }

    /// What a database holds after a batch, ids aside: every update's item and text, each
    /// plan's revision, the audit records' subjects, each search document.
    async fn contents(conn: &mut AnyConnection) -> Vec<String> {
        // The documents as a search sees them: the backlog's rebuilt first.
        sqlx::query(crate::search::SQLITE_CATCH_UP.as_str())
            .execute(&mut *conn)
            .await
            .unwrap();
        let mut all = Vec::new();
        for sql in [
            "SELECT item_id || ' ' || text || ' ' || COALESCE(supersedes_id, '-') AS line \
             FROM updates ORDER BY id",
            "SELECT id || ' ' || revision AS line FROM plans ORDER BY id",
            "SELECT action || ' ' || COALESCE(subject, '') || ' ' || COALESCE(plan_id, '') \
             || ' ' || COALESCE(org_id, '') || ' ' || COALESCE(detail, '') AS line \
             FROM audit_events ORDER BY id",
            "SELECT rowid || ' ' || body || ' ' || scope AS line FROM search_docs ORDER BY rowid",
        ] {
            for row in sqlx::query(sql).fetch_all(&mut *conn).await.unwrap() {
                all.push(format!(
                    "{:?}",
                    row.try_get::<Option<String>, _>("line").unwrap()
                ));
            }
        }
        all
    }

    /// Batches mixing valid updates with updates to another plan's item, to no item, to an
    /// archived item, correcting an update that does not exist, and edits from a stale
    /// version: each job gets the same answer from `write_batch` (which writes progress
    /// updates alone in one transaction of two round trips) as from the per-job path, and
    /// the two databases end up holding the same.
    #[tokio::test]
    async fn a_batch_of_updates_alone_answers_each_job_as_the_per_job_path_does() {
        let mut fast = fixture("fast").await;
        let mut slow = fixture("slow").await;
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        for round in 0..24 {
            let size = 1 + next(12) as usize;
            // Every fourth round may hold a stale edit, which sends the batch job by job, and
            // every third a correction of no update, which rolls the batch back to go job by
            // job; the others are written in the one transaction.
            let stale = round % 4 == 0;
            let supersedes = round % 3 == 1;
            let kinds: Vec<Kind> = (0..size)
                .map(|_| match next(9) {
                    0..=3 => Kind::Valid(next(3) as usize),
                    4 => Kind::Foreign,
                    5 => Kind::Missing,
                    6 => Kind::Archived,
                    7 if supersedes => Kind::SupersedesMissing,
                    8 if stale => Kind::Stale,
                    _ => Kind::Valid(next(3) as usize),
                })
                .collect();
            let mut answers = Vec::new();
            for (f, per_job) in [(&mut fast, false), (&mut slow, true)] {
                let (jobs, receivers): (Vec<Job>, Vec<_>) = kinds
                    .iter()
                    .enumerate()
                    .map(|(n, kind)| job_of(f, *kind, &format!("kestrel round {round} job {n}")))
                    .unzip();
                let bare = Store {
                    writer: None,
                    ..f.store.clone()
                };
                match per_job {
                    false => write_batch(&bare, &mut f.conn, jobs).await,
                    true => write_batch_per_job(&bare, &mut f.conn, jobs).await,
                }
                let mut kinds_answered = Vec::new();
                for receiver in receivers {
                    kinds_answered.push(answer_kind(&receiver.await.unwrap()));
                }
                answers.push(kinds_answered);
            }
            assert_eq!(answers[0], answers[1], "round {round}: {kinds:?}");
            assert_eq!(
                contents(&mut fast.conn).await,
                contents(&mut slow.conn).await,
                "round {round}: {kinds:?}"
            );
        }
        // Updates written either way are found by search at once.
        let found = fast
            .store
            .search(Scope::Org(fast.plan.org), fast.plan.id, "kestrel")
            .await
            .unwrap();
        assert!(!found.is_empty());
        for f in [fast, slow] {
            f.conn.close().await.unwrap();
            f.store.close().await;
            let _ = std::fs::remove_file(&f.path);
        }
    }
}
