//! What is worked out from a plan's view once and read by many requests: a list's filtered and
//! sorted order (a search ranks thousands of matches), a page's counts over the whole plan. A
//! view never changes once made (a write makes a new one), so an answer worked out from it
//! holds for as long as the view lives.
//!
//! Entries are keyed by the view's address and hold a weak reference to it, as
//! [`crate::access::NarrowedViews`] does: the weak reference keeps the allocation, never the
//! contents, so the address names the same view for as long as the entry lives.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use crate::model::PlanView;

/// Answers kept before the memo starts again: a few per plan and page in use.
const MEMOS_KEPT: usize = 256;

#[derive(Debug, Default)]
pub(crate) struct ViewMemos {
    entries: Mutex<HashMap<MemoKey, Memo>>,
}

#[derive(Debug, Hash, PartialEq, Eq)]
struct MemoKey {
    view: usize,
    kind: TypeId,
    /// What else the answer depends on, in words (a list's filters).
    detail: String,
}

#[derive(Debug)]
struct Memo {
    /// Held so that the key's address is not reused while the entry lives.
    _view: Weak<PlanView>,
    value: Arc<dyn Any + Send + Sync>,
}

impl ViewMemos {
    /// The answer kept for `view`, `T` and `detail`, if there is one.
    pub(crate) fn get<T: Any + Send + Sync>(
        &self,
        view: &Arc<PlanView>,
        detail: &str,
    ) -> Option<Arc<T>> {
        let key = MemoKey {
            view: Arc::as_ptr(view) as usize,
            kind: TypeId::of::<T>(),
            detail: detail.to_string(),
        };
        let entries = self.entries.lock().ok()?;
        entries.get(&key)?.value.clone().downcast::<T>().ok()
    }

    /// Keeps `value` as the answer for `view`, `T` and `detail`.
    pub(crate) fn put<T: Any + Send + Sync>(
        &self,
        view: &Arc<PlanView>,
        detail: &str,
        value: Arc<T>,
    ) {
        let key = MemoKey {
            view: Arc::as_ptr(view) as usize,
            kind: TypeId::of::<T>(),
            detail: detail.to_string(),
        };
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MEMOS_KEPT {
                entries.clear();
            }
            entries.insert(
                key,
                Memo {
                    _view: Arc::downgrade(view),
                    value,
                },
            );
        }
    }

    /// The answer for `view`, `T` and `detail`, worked out by `make` the first time.
    pub(crate) fn get_or_make<T: Any + Send + Sync>(
        &self,
        view: &Arc<PlanView>,
        detail: &str,
        make: impl FnOnce() -> T,
    ) -> Arc<T> {
        if let Some(found) = self.get::<T>(view, detail) {
            return found;
        }
        let value = Arc::new(make());
        self.put(view, detail, value.clone());
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use waymark_core::{Classification, OrgId, Plan, PlanId, PlanKind, UpdateCycle};

    fn view(title: &str) -> Arc<PlanView> {
        let kind = PlanKind::Improvement;
        let plan = Plan {
            id: PlanId(1),
            org: OrgId(1),
            level_names: kind.default_levels(),
            kind,
            title: title.to_string(),
            period: None,
            owner_posts: Vec::new(),
            source: None,
            update_cycle: UpdateCycle::Monthly,
            marking: Classification::OFFICIAL,
            archived: false,
        };
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default();
        Arc::new(PlanView::new(plan, day, None, Vec::new()))
    }

    #[test]
    fn an_answer_is_made_once_per_view_and_detail() {
        let memos = ViewMemos::default();
        let first = view("Plan");
        let mut made = 0;
        for _ in 0..3 {
            let answer = memos.get_or_make(&first, "rag=amber", || {
                made += 1;
                first.plan.title.len()
            });
            assert_eq!(*answer, 4);
        }
        assert_eq!(made, 1);
        // Another detail, or another view of the same plan (after a write), is its own answer.
        assert_eq!(*memos.get_or_make(&first, "rag=red", || 7usize), 7);
        let second = view("Plan, changed");
        assert!(memos.get::<usize>(&second, "rag=amber").is_none());
        // Another type under the same key is not mistaken for it.
        assert!(memos.get::<String>(&first, "rag=amber").is_none());
    }

    #[test]
    fn a_dropped_view_is_never_answered_for_by_a_new_one() {
        let memos = ViewMemos::default();
        let old = view("Old");
        memos.put(&old, "", Arc::new(1usize));
        let old_address = Arc::as_ptr(&old) as usize;
        drop(old);
        // The entry's weak reference keeps the old allocation, so no new view takes its
        // address while the answer is kept.
        for _ in 0..100 {
            let new = view("New");
            assert_ne!(Arc::as_ptr(&new) as usize, old_address);
            assert!(memos.get::<usize>(&new, "").is_none());
        }
    }
}
