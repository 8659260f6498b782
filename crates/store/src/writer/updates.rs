//! A batch of progress updates alone, written in two round trips to the writer's connection
//! whatever its size: the first opens the transaction and reads the highest update id; the
//! second writes every job's row, plan revision and audit record, lists the items touched in
//! the search backlog (a search rebuilds their documents first), and commits (one fsync). The per-job path (`write_batch`) costs a
//! round trip per job and three more, each a hand-off to sqlx's thread for the connection
//! and back; under a stream of updates those hand-offs, not SQLite, were the writer's limit.
//!
//! Each job is checked as the per-job path checks it (`Store::write_small_changes`): its
//! item must be an item of the job's plan and organisation, or the job is answered as not
//! found and writes nothing. The check is a condition of the one `INSERT … SELECT`, so a
//! refused job leaves no row; every other statement keys on the rows that statement wrote,
//! which `RETURNING` names, so each answer maps back to its job. Anything else that goes
//! wrong (a constraint, a busy database) rolls the whole transaction back, and the batch is
//! written again by the per-job path, which gives each job its own answer.
//!
//! The statements' text is fixed (the jobs are bound as JSON arrays), so SQLite prepares them
//! once per connection.

use std::sync::LazyLock;

use chrono::Utc;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};
use waymark_core::UpdateId;

use super::{Job, NoteKey, Outcome};
use crate::changes::{Applied, ItemRef};
use crate::error::{Result, StoreError};
use crate::rows::{date_text, instant_text};

/// Opens the transaction (taking the write lock) and reads the highest update id.
const OPEN: &str = "BEGIN IMMEDIATE; SELECT COALESCE(MAX(id), 0) AS top FROM updates";

/// Every job's update row where its item is its plan's, the plans' revisions (one per change
/// set written, as the per-job path counts them), the audit records of the change sets
/// written, their items listed in the search backlog (their documents are rebuilt before the
/// next search, migration 0027), and the commit. `$1`: the update rows, `[id, org, plan,
/// item, as_of, entered_at, author_person, author_post, text, proposed_rag, supersedes, the
/// change set's plan, the change set's organisation]`; `$2`: the audit records, `[update id,
/// at, org, user, actor, address, action, plan, item, subject, detail]`; `$3` and `$4`: the
/// first and last update ids the batch may use.
static WRITE: LazyLock<String> = LazyLock::new(|| write_sql(""));

/// [`WRITE`] where a search waits on the batch: the backlog's documents are rebuilt before
/// the commit.
static WRITE_CATCHING_UP: LazyLock<String> =
    LazyLock::new(|| write_sql(&format!("{}; ", crate::search::SQLITE_CATCH_UP.as_str())));

fn write_sql(before_commit: &str) -> String {
    format!(
        "INSERT INTO updates (id, org_id, plan_id, item_id, as_of, entered_at, author_person, \
           author_post, text, proposed_rag, supersedes_id) \
         SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, \
           j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, \
           j.value ->> 10 \
         FROM json_each($1) j \
         WHERE EXISTS (SELECT 1 FROM items i WHERE i.id = j.value ->> 3 \
           AND i.plan_id = j.value ->> 11 AND i.org_id = j.value ->> 12) \
         ORDER BY j.key \
         RETURNING id AS stored; \
         UPDATE plans SET revision = revision + (SELECT COUNT(*) FROM updates u \
           WHERE u.id BETWEEN $3 AND $4 AND u.plan_id = plans.id) \
         WHERE id IN (SELECT plan_id FROM updates WHERE id BETWEEN $3 AND $4); \
         INSERT INTO audit_events (at, org_id, user_id, actor, address, action, plan_id, \
           item_id, subject, detail) \
         SELECT a.value ->> 1, a.value ->> 2, a.value ->> 3, a.value ->> 4, a.value ->> 5, \
           a.value ->> 6, a.value ->> 7, a.value ->> 8, a.value ->> 9, a.value ->> 10 \
         FROM json_each($2) a \
         WHERE (a.value ->> 0) IN (SELECT id FROM updates WHERE id BETWEEN $3 AND $4) \
         ORDER BY a.key; \
         INSERT OR IGNORE INTO search_backlog (item_id) \
           SELECT item_id FROM updates WHERE id BETWEEN $3 AND $4; \
         {before_commit}COMMIT"
    )
}

/// True where the per-job path would write `job` with `write_small_changes`' one-statement
/// rows: a change set of exactly one progress update to an existing item, nothing else.
fn takes(job: &Job) -> bool {
    match job {
        Job::Changes { changes, .. } => {
            changes.new_items.is_empty()
                && changes.versions.is_empty()
                && changes.expected_versions.is_empty()
                && changes.updates.len() == 1
                && matches!(changes.updates[0].item, ItemRef::Existing(_))
        }
        Job::Note { .. } | Job::Search { .. } => true,
        Job::Close { .. } => false,
    }
}

/// Writes `batch` in two round trips and answers every caller, where the batch is progress
/// updates alone (and notes of use); otherwise, or where the transaction fails, gives the
/// batch back, untouched and unanswered, for the per-job path.
pub(super) async fn write_updates_alone(
    conn: &mut AnyConnection,
    batch: Vec<Job>,
) -> std::result::Result<(), Vec<Job>> {
    if !batch.iter().all(takes) || !batch.iter().any(|job| matches!(job, Job::Changes { .. })) {
        return Err(batch);
    }
    let stored = match write(conn, &batch).await {
        Ok(stored) => stored,
        Err(error) => {
            // The per-job path writes the batch again from the start, in a new transaction.
            // An error from COMMIT may have ended the transaction already; then this
            // ROLLBACK fails, which is as good.
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
            tracing::debug!(%error, "a batch of updates goes to the per-job path");
            return Err(batch);
        }
    };
    // Each job was offered the next id in order from the highest read when the batch opened.
    let mut offered = 0;
    for job in batch {
        match job {
            Job::Changes { changes, reply, .. } => {
                offered += 1;
                let id = stored.top + offered;
                let answer = if stored.ids.binary_search(&id).is_ok() {
                    Ok(Applied {
                        versions_written: 0,
                        item_ids: Vec::new(),
                        update_ids: vec![UpdateId(id)],
                    })
                } else {
                    let item = match changes.updates[0].item {
                        ItemRef::Existing(item) => item.0,
                        ItemRef::New(_) => 0,
                    };
                    Err(StoreError::NotFound {
                        what: "item",
                        id: item,
                    })
                };
                Outcome::Changes(reply, Some(answer)).answer(None);
            }
            Job::Note { reply, .. } => {
                let _ = reply.send(());
            }
            Job::Search { reply } => {
                let _ = reply.send(Ok(()));
            }
            Job::Close { reply } => {
                let _ = reply.send(());
            }
        }
    }
    Ok(())
}

/// What a batch stored: the highest update id before it, and the ids it wrote, ascending.
struct Stored {
    top: i64,
    ids: Vec<i64>,
}

/// The two round trips.
async fn write(conn: &mut AnyConnection, batch: &[Job]) -> Result<Stored> {
    // `fetch_all`: sqlx's `fetch_one` reads only the first statement's rows (BEGIN has none).
    let opened = sqlx::query(OPEN).fetch_all(&mut *conn).await?;
    let top: i64 = match opened.first() {
        Some(row) => row.try_get("top")?,
        None => return Err(StoreError::Corrupt("no highest update id".into())),
    };
    // Notes of use, each in a statement of its own as in the per-job path; one that fails is
    // only logged, SQLite undoing the one statement.
    for job in batch {
        if let Job::Note { note, .. } = job {
            let query = sqlx::query(note.sql).bind(note.at.as_str());
            let query = match &note.key {
                NoteKey::Id(id) => query.bind(*id),
                NoteKey::Text(text) => query.bind(text.as_str()),
            };
            if let Err(error) = query.execute(&mut *conn).await {
                tracing::warn!(%error, "a note of use was not written");
            }
        }
    }
    let mut rows = Vec::with_capacity(batch.len());
    let mut audits = Vec::with_capacity(batch.len());
    let mut id = top;
    for job in batch {
        let Job::Changes { plan, changes, .. } = job else {
            continue;
        };
        id += 1;
        let update = &changes.updates[0];
        let ItemRef::Existing(item) = update.item else {
            return Err(StoreError::Invalid("an update to a new item".into()));
        };
        // The entry time is taken here, in the order of writing, as the per-job path takes it.
        let entered_at = instant_text(changes.entered_at.unwrap_or_else(Utc::now));
        rows.push(json!([
            id,
            plan.org.0,
            plan.id.0,
            item.0,
            date_text(update.as_of),
            entered_at,
            update.author_person,
            update.author_post,
            update.text,
            update.proposed_rag.map(|r| r.word()),
            update.supersedes.map(|s| s.0),
            changes.plan.0,
            changes.org.0,
        ]));
        if let Some(audit) = &changes.audit {
            audits.push(json!([
                id,
                instant_text(Utc::now()),
                plan.org.0,
                audit.user.map(|u| u.0),
                audit.actor,
                audit.address,
                audit.action,
                plan.id.0,
                audit.item.map(|i| i.0),
                audit.subject,
                audit.detail.as_ref().map(|d| d.to_string()),
            ]));
        }
    }
    let searched = batch.iter().any(|job| matches!(job, Job::Search { .. }));
    let sql = match searched {
        true => WRITE_CATCHING_UP.as_str(),
        false => WRITE.as_str(),
    };
    let stored = sqlx::query(sql)
        .bind(Value::Array(rows).to_string())
        .bind(Value::Array(audits).to_string())
        .bind(top + 1)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    // RETURNING gives no order: the ids are sorted to be looked up.
    let mut ids = stored
        .iter()
        .map(|row| row.try_get::<i64, _>("stored"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    Ok(Stored { top, ids })
}
