//! Per-server caches of what is derived from a plan's history: "as at" views and monthly RAG
//! mixes. A value is reused only while the plan's revision in the database (bumped in the same
//! transaction as every change set) is the one it was built from, so a cache can never serve a
//! plan older than what is committed.
//!
//! A cache is bounded by an estimate of the memory its values hold, not by their number: a
//! 100-item plan view is about a hundred kilobytes, a 100,000-item one a hundred megabytes.
//! When it is full, the least recently used quarter of its values goes.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use waymark_core::PlanId;

use crate::read::{PlanView, RagMix};

/// Memory the cached views may hold, estimated by `PlanView::approx_bytes`.
const VIEW_BUDGET_BYTES: usize = 384 * 1024 * 1024;
/// Memory the cached monthly RAG mixes may hold.
const MIX_BUDGET_BYTES: usize = 16 * 1024 * 1024;

/// What a cached value costs in memory, roughly.
pub(crate) trait Cost {
    fn approx_bytes(&self) -> usize;
}

impl Cost for PlanView {
    fn approx_bytes(&self) -> usize {
        PlanView::approx_bytes(self)
    }
}

impl Cost for Vec<RagMix> {
    fn approx_bytes(&self) -> usize {
        std::mem::size_of::<Self>() + self.len() * std::mem::size_of::<RagMix>()
    }
}

/// A plan on a day, as known at an instant (`None` = now).
pub(crate) type ViewKey = (PlanId, NaiveDate, Option<DateTime<Utc>>);
/// A plan over a list of days.
pub(crate) type MixKey = (PlanId, Vec<NaiveDate>);
pub(crate) type ViewCache = RevisionCache<ViewKey, PlanView>;
pub(crate) type MixCache = RevisionCache<MixKey, Vec<RagMix>>;

impl Default for ViewCache {
    fn default() -> Self {
        RevisionCache::with_budget(VIEW_BUDGET_BYTES)
    }
}

impl Default for MixCache {
    fn default() -> Self {
        RevisionCache::with_budget(MIX_BUDGET_BYTES)
    }
}

#[derive(Debug)]
struct Entry<V> {
    /// The plan revision the value was built from.
    revision: i64,
    value: Arc<V>,
    bytes: usize,
    /// When it was last used, on the cache's own clock of uses.
    used: u64,
}

#[derive(Debug)]
struct Entries<K, V> {
    entries: HashMap<K, Entry<V>>,
    bytes: usize,
    clock: u64,
}

#[derive(Debug)]
pub(crate) struct RevisionCache<K, V> {
    views: Arc<Mutex<Entries<K, V>>>,
    budget: usize,
}

impl<K, V> Clone for RevisionCache<K, V> {
    fn clone(&self) -> Self {
        RevisionCache {
            views: Arc::clone(&self.views),
            budget: self.budget,
        }
    }
}

impl<K: Hash + Eq + Clone, V: Cost> RevisionCache<K, V> {
    pub fn with_budget(budget: usize) -> Self {
        RevisionCache {
            views: Arc::new(Mutex::new(Entries {
                entries: HashMap::new(),
                bytes: 0,
                clock: 0,
            })),
            budget,
        }
    }

    pub fn get(&self, key: &K, revision: i64) -> Option<Arc<V>> {
        let mut views = self.views.lock().ok()?;
        views.clock += 1;
        let now = views.clock;
        let entry = views.entries.get_mut(key)?;
        if entry.revision != revision {
            return None;
        }
        entry.used = now;
        Some(Arc::clone(&entry.value))
    }

    /// Whether the values held have reached the size eviction brings the cache back to.
    pub fn nearly_full(&self) -> bool {
        self.views
            .lock()
            .map_or(true, |views| views.bytes >= self.budget * 3 / 4)
    }

    pub fn put(&self, key: K, revision: i64, view: Arc<V>) {
        let bytes = view.approx_bytes();
        if bytes > self.budget / 4 {
            // One view that would push out most of the others is not worth keeping.
            return;
        }
        let Ok(mut views) = self.views.lock() else {
            return;
        };
        views.clock += 1;
        let used = views.clock;
        if let Some(old) = views.entries.insert(
            key,
            Entry {
                revision,
                value: view,
                bytes,
                used,
            },
        ) {
            views.bytes -= old.bytes;
        }
        views.bytes += bytes;
        if views.bytes > self.budget {
            views.evict_to(self.budget * 3 / 4);
        }
    }
}

impl<K: Hash + Eq + Clone, V> Entries<K, V> {
    /// Drops the least recently used values until at most `target` bytes remain.
    fn evict_to(&mut self, target: usize) {
        let mut by_use: Vec<(u64, K, usize)> = self
            .entries
            .iter()
            .map(|(key, entry)| (entry.used, key.clone(), entry.bytes))
            .collect();
        by_use.sort_unstable_by_key(|(used, _, _)| *used);
        for (_, key, bytes) in by_use {
            if self.bytes <= target {
                break;
            }
            self.entries.remove(&key);
            self.bytes -= bytes;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark_core::{OrgId, Plan, PlanKind, UpdateCycle};

    fn view(id: i64) -> Arc<PlanView> {
        Arc::new(PlanView::new(
            Plan {
                id: PlanId(id),
                org: OrgId(1),
                kind: PlanKind::Improvement,
                title: "A plan".into(),
                period: None,
                level_names: Vec::new(),
                owner_posts: Vec::new(),
                source: None,
                update_cycle: UpdateCycle::Monthly,
                marking: Default::default(),
                archived: false,
            },
            day(),
            None,
            Vec::new(),
        ))
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2015, 1, 31).unwrap()
    }

    #[test]
    fn a_view_is_served_only_for_the_revision_it_was_built_from() {
        let cache = ViewCache::default();
        let key = (PlanId(1), day(), None);
        cache.put(key, 3, view(1));
        assert!(cache.get(&key, 3).is_some());
        assert!(cache.get(&key, 4).is_none());
        assert!(cache.get(&(PlanId(2), day(), None), 3).is_none());
    }

    #[test]
    fn a_full_cache_drops_the_least_recently_used_views() {
        let one = view(1).approx_bytes();
        let cache = ViewCache::with_budget(one * 8);
        for id in 0..8 {
            cache.put((PlanId(id), day(), None), 1, view(id));
        }
        // Plan 0 is used again, so plan 1 is now the least recently used.
        assert!(cache.get(&(PlanId(0), day(), None), 1).is_some());
        cache.put((PlanId(8), day(), None), 1, view(8));
        assert!(cache.get(&(PlanId(0), day(), None), 1).is_some());
        assert!(cache.get(&(PlanId(1), day(), None), 1).is_none());
        assert!(cache.get(&(PlanId(8), day(), None), 1).is_some());
        let views = cache.views.lock().unwrap();
        assert!(views.bytes <= one * 8);
        assert_eq!(
            views.bytes,
            views.entries.values().map(|e| e.bytes).sum::<usize>()
        );
    }
}
