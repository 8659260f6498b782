//! The one way to write plan content: a change set applied in a single transaction. Imports,
//! page edits, API calls and the demo all build a `ChangeSet`, so every multi-row change is
//! atomic and every item change becomes a dated version.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use waymark_core::{ItemFields, ItemId, OrgId, PlanId, Rag, UpdateId};

use crate::audit::NewAuditEvent;

/// Refers to an item that already exists or to one created earlier in the same change set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemRef {
    Existing(ItemId),
    /// Index into `ChangeSet::new_items`.
    New(usize),
}

/// An item to create. `fields.parent` is ignored; `parent` says where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewItem {
    pub parent: Option<ItemRef>,
    pub fields: ItemFields,
    /// The day the item comes into existence: its earliest dated evidence.
    pub effective: NaiveDate,
}

/// A new version of an existing item's fields (a complete set, not a patch).
#[derive(Debug, Clone, PartialEq)]
pub struct NewVersion {
    pub item: ItemId,
    /// Where the item goes; `fields.parent` is ignored.
    pub parent: Option<ItemRef>,
    pub fields: ItemFields,
    /// The day the change takes effect.
    pub effective: NaiveDate,
    pub reason: Option<String>,
}

/// A progress update to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUpdate {
    pub item: ItemRef,
    pub as_of: NaiveDate,
    pub author_person: Option<String>,
    pub author_post: Option<String>,
    pub text: String,
    pub proposed_rag: Option<Rag>,
    /// The entry this one corrects.
    pub supersedes: Option<UpdateId>,
}

/// Everything one user action changes in one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSet {
    pub org: OrgId,
    pub plan: PlanId,
    /// Who made the change, as shown in history ("Import of tracker.xlsx by J. Smith").
    pub author: Option<String>,
    /// Entry time for every row written; `None` means now.
    pub entered_at: Option<DateTime<Utc>>,
    pub new_items: Vec<NewItem>,
    pub versions: Vec<NewVersion>,
    pub updates: Vec<NewUpdate>,
    /// Items whose latest version (by entry) must still be the one named, or the change set
    /// is refused with a conflict: an edit made from a form that someone else's change has
    /// overtaken.
    pub expected_versions: Vec<(ItemId, i64)>,
    /// The audit record written in the same transaction; its plan is filled in.
    pub audit: Option<NewAuditEvent>,
    /// Told how many rows have been written after each batch and just before the commit, and
    /// able to stop the write there: a background import's progress and cancellation.
    pub watch: Option<WriteWatch>,
}

/// What a large write tells as it goes: `(rows written, rows in all)` after each batch of
/// rows and once more before the commit. An `Err` from it stops the write, which is rolled
/// back whole and answers `StoreError::Stopped` with its message.
#[derive(Clone)]
pub struct WriteWatch(Arc<dyn Fn(usize, usize) -> Result<(), String> + Send + Sync>);

impl WriteWatch {
    pub fn new(watch: impl Fn(usize, usize) -> Result<(), String> + Send + Sync + 'static) -> Self {
        WriteWatch(Arc::new(watch))
    }

    /// Tells the watch how far the write has got; its refusal as the store's error.
    pub(crate) fn tell(&self, written: usize, total: usize) -> crate::Result<()> {
        (self.0)(written, total).map_err(crate::StoreError::Stopped)
    }
}

impl std::fmt::Debug for WriteWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteWatch")
    }
}

/// A watch says nothing of what is written: two change sets that differ only in it are the
/// same change.
impl PartialEq for WriteWatch {
    fn eq(&self, _: &WriteWatch) -> bool {
        true
    }
}

impl Eq for WriteWatch {}

impl ChangeSet {
    pub fn new(org: OrgId, plan: PlanId) -> Self {
        ChangeSet {
            org,
            plan,
            author: None,
            entered_at: None,
            new_items: Vec::new(),
            versions: Vec::new(),
            updates: Vec::new(),
            expected_versions: Vec::new(),
            audit: None,
            watch: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.new_items.is_empty() && self.versions.is_empty() && self.updates.is_empty()
    }
}

/// What applying a change set created.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Applied {
    /// The id given to each of `new_items`, in order.
    pub item_ids: Vec<ItemId>,
    pub update_ids: Vec<UpdateId>,
    pub versions_written: usize,
}
