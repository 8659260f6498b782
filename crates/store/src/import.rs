//! Creating a plan together with its first items and updates, in one transaction, so that an
//! import that fails part-way leaves no empty plan behind. The rows are written by the same
//! `write_changes` as `apply_changes`.

use chrono::Utc;
use sqlx::Connection;
use waymark_core::Plan;

use crate::changes::{Applied, ChangeSet, ItemRef};
use crate::error::{Result, StoreError};
use crate::rows::instant_text;
use crate::write::DerivedIndexes;
use crate::{Backend, NewPlan, Store};

impl Store {
    /// Creates a plan and applies `changes` to it in one transaction: the plan and all of its
    /// content are stored, or none of it. The items' search documents and owner index rows are
    /// left to `catch_up_indexes` (the plan is in the index backlog until then, and the reads
    /// that need them catch up first), so a large import commits without waiting for them. `changes.org` and `changes.plan` are ignored; the
    /// change set may only create items (there are no existing ones to refer to).
    pub async fn create_plan_with_changes(
        &self,
        plan: &NewPlan,
        changes: &ChangeSet,
    ) -> Result<(Plan, Applied)> {
        if !changes.versions.is_empty()
            || changes
                .new_items
                .iter()
                .any(|item| matches!(item.parent, Some(ItemRef::Existing(_))))
            || changes
                .updates
                .iter()
                .any(|update| matches!(update.item, ItemRef::Existing(_)))
        {
            return Err(StoreError::Invalid(
                "a new plan's change set can only create items".into(),
            ));
        }
        if changes
            .updates
            .iter()
            .any(|update| update.supersedes.is_some())
        {
            return Err(StoreError::Invalid(
                "a new plan's updates cannot supersede earlier ones".into(),
            ));
        }
        let entered_at = instant_text(changes.entered_at.unwrap_or_else(Utc::now));
        // Every row written here refers only to the organisation (checked below), the plan and
        // ids this transaction allocates, so on SQLite the foreign-key checks (four lookups per
        // version and per update) are turned off for it: a fifth of a large import's time. The
        // connection is closed afterwards, never returned to the pool with them off.
        let mut conn = self.pool().acquire().await?;
        let mut tx = match self.backend() {
            Backend::Sqlite => {
                conn.close_on_drop();
                sqlx::query("PRAGMA foreign_keys = OFF; PRAGMA wal_autocheckpoint = 0")
                    .execute(&mut *conn)
                    .await?;
                conn.begin_with("BEGIN IMMEDIATE").await?
            }
            Backend::Postgres => conn.begin().await?,
        };
        if sqlx::query("SELECT id FROM organisations WHERE id = $1")
            .bind(plan.org.0)
            .fetch_optional(&mut *tx)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound {
                what: "organisation",
                id: plan.org.0,
            });
        }
        let created = crate::plan_edit::insert_plan(&mut tx, plan, &entered_at).await?;
        let applied = self
            .write_changes(
                &mut tx,
                &created,
                changes,
                &entered_at,
                DerivedIndexes::Later,
            )
            .await?;
        tx.commit().await?;
        Ok((created, applied))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::changes::NewItem;
    use sqlx::Row;
    use waymark_core::PlanId;
    use waymark_core::{ItemFields, PlanKind, UpdateCycle};

    /// The import's connection turns SQLite's foreign-key checks off; no connection the pool
    /// hands out afterwards may have them off.
    #[tokio::test]
    async fn no_pooled_connection_is_left_without_foreign_keys() {
        let path = std::env::temp_dir().join(format!(
            "waymark-import-fk-{}-{}.db",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let store = Store::open_sqlite_file(&path).await.unwrap();
        let org = store
            .create_organisation("FK", "Keys Police")
            .await
            .unwrap();
        let mut changes = ChangeSet::new(org.id, PlanId(0));
        changes.new_items.push(NewItem {
            parent: None,
            fields: ItemFields {
                text: "An action".into(),
                ..ItemFields::default()
            },
            effective: chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap(),
        });
        let plan = NewPlan {
            org: org.id,
            kind: PlanKind::Delivery,
            title: "Plan".into(),
            period: None,
            level_names: Vec::new(),
            owner_posts: Vec::new(),
            source: None,
            update_cycle: UpdateCycle::Monthly,
            marking: waymark_core::Classification::OFFICIAL,
        };
        for _ in 0..3 {
            store
                .create_plan_with_changes(&plan, &changes)
                .await
                .unwrap();
        }
        // Hold every connection the pool can give at once, so each is looked at.
        let mut held = Vec::new();
        for _ in 0..8 {
            let mut conn = store.pool().acquire().await.unwrap();
            let on: i64 = sqlx::query("PRAGMA foreign_keys")
                .fetch_one(&mut *conn)
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
            assert_eq!(on, 1);
            held.push(conn);
        }
        drop(held);
        store.close().await;
        let _ = std::fs::remove_file(&path);
    }

    /// A watch told of each batch can stop a new plan's import between batches: nothing of
    /// it is stored, not even the plan, and the watch heard rising counts until then.
    #[tokio::test]
    async fn a_stopped_watch_stores_nothing() {
        let path = std::env::temp_dir().join(format!(
            "waymark-import-watch-{}-{}.db",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let store = Store::open_sqlite_file(&path).await.unwrap();
        let org = store
            .create_organisation("WW", "Watch Police")
            .await
            .unwrap();
        let mut changes = ChangeSet::new(org.id, PlanId(0));
        for n in 0..12_000 {
            changes.new_items.push(NewItem {
                parent: None,
                fields: ItemFields {
                    text: format!("Action {n}"),
                    ..ItemFields::default()
                },
                effective: chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap(),
            });
        }
        let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let told = heard.clone();
        changes.watch = Some(crate::WriteWatch::new(move |written, total| {
            told.lock().unwrap().push((written, total));
            if written >= 20_000 {
                Err("stopped by the test".into())
            } else {
                Ok(())
            }
        }));
        let plan = NewPlan {
            org: org.id,
            kind: PlanKind::Delivery,
            title: "Watched plan".into(),
            period: None,
            level_names: Vec::new(),
            owner_posts: Vec::new(),
            source: None,
            update_cycle: UpdateCycle::Monthly,
            marking: waymark_core::Classification::OFFICIAL,
        };
        let stopped = store.create_plan_with_changes(&plan, &changes).await;
        assert!(
            matches!(&stopped, Err(StoreError::Stopped(message)) if message == "stopped by the test"),
            "{stopped:?}"
        );
        assert!(store.plans(crate::Scope::All).await.unwrap().is_empty());
        let heard = heard.lock().unwrap().clone();
        // Items in two batches, then versions: 24,000 rows in all, stopped at 22,000.
        assert_eq!(
            heard,
            vec![
                (0, 24_000),
                (10_000, 24_000),
                (12_000, 24_000),
                (22_000, 24_000)
            ]
        );
        store.close().await;
        let _ = std::fs::remove_file(&path);
    }
}
