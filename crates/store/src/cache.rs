//! A per-server cache of "as at" plan views. A view is reused only while the plan's revision in
//! the database (bumped in the same transaction as every change set) is the one it was built
//! from, so the cache can never serve a plan older than what is committed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use waymark_core::PlanId;

use crate::read::PlanView;

/// Views kept before the cache starts again; a 100-item view is tens of kilobytes.
const MAX_VIEWS: usize = 512;

type Key = (PlanId, NaiveDate, Option<DateTime<Utc>>);
/// A view and the plan revision it was built from.
type Entry = (i64, Arc<PlanView>);

#[derive(Debug, Clone, Default)]
pub(crate) struct ViewCache {
    views: Arc<Mutex<HashMap<Key, Entry>>>,
}

impl ViewCache {
    pub fn get(&self, key: &Key, revision: i64) -> Option<Arc<PlanView>> {
        let views = self.views.lock().ok()?;
        match views.get(key) {
            Some((stored, view)) if *stored == revision => Some(Arc::clone(view)),
            _ => None,
        }
    }

    pub fn put(&self, key: Key, revision: i64, view: Arc<PlanView>) {
        if let Ok(mut views) = self.views.lock() {
            if views.len() >= MAX_VIEWS {
                views.clear();
            }
            views.insert(key, (revision, view));
        }
    }
}
