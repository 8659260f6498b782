//! Waymark's domain: organisations, plans, the item tree with its dated history, updates, RAG,
//! the dates users write, and the data-quality flags computed "as at" a day.
//!
//! This crate owns the rules and nothing else. It does no I/O, has no async, and depends on no
//! database, HTTP or serialisation crate: callers hand it values and it returns values (and lists
//! of problems rather than stopping at the first one). Other crates convert to and from their own
//! row, wire and view types.

pub mod access;
pub mod date;
pub mod flags;
pub mod history;
pub mod ids;
pub mod indicator;
pub mod item;
pub mod organisation;
pub mod paging;
pub mod plan;
pub mod programme;
pub mod rag;
pub mod rollup;
pub mod search_text;
pub mod text;
pub mod update;

pub use access::{
    AccessLevel, PlanAccess, Role, RoleGrant, Share, ShareAccess, Subject, effective_markings,
    item_visible, plan_access, visible_items,
};
pub use date::{DateError, FlexDate, parse_date};
pub use flags::{Flag, FlagSubject, flags_as_at};
pub use history::{ChangeMeta, ItemVersion, RagChange, rag_history, version_in_force};
pub use ids::{ItemId, OrgId, PlanId, PostId, UpdateId, UserId};
pub use item::{Classification, Descriptor, ItemFields, Marking, Tag};
pub use organisation::{Organisation, OrganisationKind, Post, split_owners};
pub use paging::{Page, PageLink};
pub use plan::{Plan, PlanKind, UpdateCycle};
pub use rag::{Rag, RagError};
pub use rollup::{RagRollup, rollup_tree};
pub use search_text::{highlight, search_terms, terms_in, word_matches};
pub use update::{Update, latest_update, visible_updates};
