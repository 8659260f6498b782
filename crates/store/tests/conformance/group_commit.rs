//! Concurrent writes: many change sets applied at once (on SQLite, batched by the one writer
//! into one transaction with a savepoint each) are each stored or refused on their own, each
//! answered with its own ids, in the order they were written.

use std::collections::HashMap;

use tokio::task::JoinSet;
use waymark_core::{ItemId, UpdateId};
use waymark_store::{Applied, ChangeSet, ItemRef, NewItem, NewUpdate, NewVersion, Scope, Store};

use super::{action, day, seeded, stores};

/// A plan with one action, and the id of that action's first version.
async fn plan_with_one_action(store: &Store) -> (ChangeSet, ItemId, i64) {
    let (org, plan) = seeded(store).await;
    let mut changes = ChangeSet::new(org.id, plan.id);
    changes.new_items.push(NewItem {
        parent: None,
        fields: action("Review custody records", None, None, &["Custody lead"]),
        effective: day(2015, 1, 5),
    });
    let item = store.apply_changes(&changes).await.unwrap().item_ids[0];
    let history = store.item_history(Scope::All, item).await.unwrap();
    let version = history.versions.last().unwrap().seq;
    (ChangeSet::new(org.id, plan.id), item, version)
}

fn update(empty: &ChangeSet, item: ItemId, text: String) -> ChangeSet {
    let mut changes = empty.clone();
    changes.updates.push(NewUpdate {
        item: ItemRef::Existing(item),
        as_of: day(2015, 2, 1),
        author_person: Some("J. Smith".into()),
        author_post: None,
        text,
        proposed_rag: None,
        supersedes: None,
    });
    changes
}

fn edit(empty: &ChangeSet, item: ItemId, expected: i64, text: &str) -> ChangeSet {
    let mut changes = empty.clone();
    changes.versions.push(NewVersion {
        item,
        parent: None,
        fields: action(text, None, None, &["Custody lead"]),
        effective: day(2015, 2, 1),
        reason: None,
    });
    changes.expected_versions.push((item, expected));
    changes
}

/// Applies every change set at once, each from its own task; results in the order given.
async fn apply_all(
    store: &Store,
    all: Vec<ChangeSet>,
) -> Vec<Result<Applied, waymark_store::StoreError>> {
    let mut tasks = JoinSet::new();
    for (n, changes) in all.into_iter().enumerate() {
        let store = store.clone();
        tasks.spawn(async move { (n, store.apply_changes(&changes).await) });
    }
    let mut results: Vec<_> = tasks.join_all().await;
    results.sort_by_key(|(n, _)| *n);
    results.into_iter().map(|(_, result)| result).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_change_set_does_not_fail_the_others_applied_with_it() {
    for (backend, store) in stores().await {
        let (empty, item, version) = plan_with_one_action(&store).await;
        let mut all: Vec<ChangeSet> = (0..20)
            .map(|n| update(&empty, item, format!("Update {n}")))
            .collect();
        // Two edits from the same form: one is stored, the other is a conflict.
        all.insert(
            5,
            edit(&empty, item, version, "Review every custody record"),
        );
        all.insert(
            12,
            edit(&empty, item, version, "Review some custody records"),
        );
        // An update to an item that does not exist is refused.
        all.insert(8, update(&empty, ItemId(987_654), "Lost".into()));
        let results = apply_all(&store, all).await;

        let edits: Vec<&Result<Applied, _>> = [&results[5], &results[13]].into();
        let stored_edits = edits.iter().filter(|r| r.is_ok()).count();
        assert_eq!(stored_edits, 1, "{backend}: {edits:?}");
        assert!(
            edits
                .iter()
                .any(|r| matches!(r, Err(waymark_store::StoreError::Conflict { .. }))),
            "{backend}: {edits:?}"
        );
        assert!(
            matches!(
                results[8],
                Err(waymark_store::StoreError::NotFound { what: "item", .. })
            ),
            "{backend}: {:?}",
            results[8]
        );
        let history = store.item_history(Scope::All, item).await.unwrap();
        assert_eq!(history.updates.len(), 20, "{backend}");
        assert_eq!(history.versions.len(), 2, "{backend}");
        for (n, result) in results.iter().enumerate() {
            if ![5, 8, 13].contains(&n) {
                assert!(result.is_ok(), "{backend}: change set {n}: {result:?}");
            }
        }
        store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_change_sets_each_get_their_own_ids() {
    for (backend, store) in stores().await {
        let (empty, item, _) = plan_with_one_action(&store).await;
        let mut all = Vec::new();
        for n in 0..40 {
            let mut changes = update(&empty, item, format!("Update {n}"));
            if n % 4 == 0 {
                changes.new_items.push(NewItem {
                    parent: Some(ItemRef::Existing(item)),
                    fields: action(&format!("Sub-action {n}"), None, None, &[]),
                    effective: day(2015, 2, 1),
                });
                changes.updates.push(NewUpdate {
                    item: ItemRef::New(0),
                    ..update(&empty, item, format!("First note of sub-action {n}")).updates[0]
                        .clone()
                });
            }
            all.push(changes);
        }
        let results = apply_all(&store, all).await;

        let history = store.item_history(Scope::All, item).await.unwrap();
        let texts: HashMap<UpdateId, &str> = history
            .updates
            .iter()
            .map(|u| (u.id, u.text.as_str()))
            .collect();
        let mut new_items = Vec::new();
        for (n, result) in results.iter().enumerate() {
            let applied = result.as_ref().unwrap();
            assert_eq!(
                texts.get(&applied.update_ids[0]).copied(),
                Some(format!("Update {n}").as_str()),
                "{backend}: change set {n} was answered with another's id"
            );
            if n % 4 == 0 {
                let sub = applied.item_ids[0];
                let sub_history = store.item_history(Scope::All, sub).await.unwrap();
                assert_eq!(
                    sub_history.versions[0].fields.text,
                    format!("Sub-action {n}"),
                    "{backend}"
                );
                assert_eq!(
                    sub_history.updates[0].id, applied.update_ids[1],
                    "{backend}"
                );
                new_items.push(sub);
            }
        }
        new_items.sort();
        new_items.dedup();
        assert_eq!(new_items.len(), 10, "{backend}");
        store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_to_a_plan_keep_their_order() {
    for (backend, store) in stores().await {
        let (empty, item, _) = plan_with_one_action(&store).await;
        // One writer's updates, each awaited before the next, while others write at once.
        let chain = {
            let store = store.clone();
            let empty = empty.clone();
            tokio::spawn(async move {
                let mut ids = Vec::new();
                for n in 0..15 {
                    let changes = update(&empty, item, format!("Chained {n}"));
                    ids.push(store.apply_changes(&changes).await.unwrap().update_ids[0]);
                }
                ids
            })
        };
        let others = apply_all(
            &store,
            (0..30)
                .map(|n| update(&empty, item, format!("Other {n}")))
                .collect(),
        )
        .await;
        let chained = chain.await.unwrap();
        assert!(others.iter().all(Result::is_ok), "{backend}");
        assert!(
            chained.windows(2).all(|w| w[0] < w[1]),
            "{backend}: {chained:?}"
        );

        let mut updates = store.item_history(Scope::All, item).await.unwrap().updates;
        assert_eq!(updates.len(), 45, "{backend}");
        updates.sort_by_key(|u| u.id);
        // Entry times rise with ids, so "latest" by entry and by id agree.
        assert!(
            updates
                .windows(2)
                .all(|w| w[0].entered_at <= w[1].entered_at),
            "{backend}: entry times out of id order"
        );
        let chained_texts: Vec<&str> = updates
            .iter()
            .map(|u| u.text.as_str())
            .filter(|t| t.starts_with("Chained"))
            .collect();
        let expected: Vec<String> = (0..15).map(|n| format!("Chained {n}")).collect();
        assert_eq!(chained_texts, expected, "{backend}");
        store.close().await;
    }
}

/// The search documents of a batch's progress updates are rebuilt once, at the end of the
/// batch: every stored update's words are found, and a refused change set's are not.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_update_written_in_a_batch_is_found_by_search() {
    for (backend, store) in stores().await {
        let (empty, item, _) = plan_with_one_action(&store).await;
        let mut second = empty.clone();
        second.new_items.push(NewItem {
            parent: None,
            fields: action("Audit stop and search records", None, None, &[]),
            effective: day(2015, 1, 5),
        });
        let other = store.apply_changes(&second).await.unwrap().item_ids[0];
        let words = ["heron", "plover", "curlew", "dunlin", "godwit", "avocet"];
        let mut all: Vec<ChangeSet> = words
            .iter()
            .enumerate()
            .map(|(n, word)| {
                update(
                    &empty,
                    if n % 2 == 0 { item } else { other },
                    format!("Saw a {word}"),
                )
            })
            .collect();
        // An update of an item that does not exist: refused, and its words not indexed.
        let mut stray = update(&empty, other, "Saw a bittern".into());
        stray.updates[0].item = ItemRef::Existing(ItemId(987_654));
        all.insert(3, stray);
        let results = apply_all(&store, all).await;
        assert!(results[3].is_err(), "{backend}: {:?}", results[3]);
        let plan = store.item_history(Scope::All, item).await.unwrap().plan;
        for (n, word) in words.iter().enumerate() {
            let owner = if n % 2 == 0 { item } else { other };
            let found = store.search(Scope::All, plan.id, word).await.unwrap();
            assert_eq!(
                found.into_iter().collect::<Vec<_>>(),
                vec![owner],
                "{backend}: {word}"
            );
        }
        assert!(
            store
                .search(Scope::All, plan.id, "bittern")
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        store.close().await;
    }
}
