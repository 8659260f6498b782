//! A plan's items filtered and sorted: by flag, RAG, owner, level, tag, the actor's own
//! actions and the words of a search (ranked when sorted by relevance). The plan page and the
//! JSON API (`/api/plans/{id}/items` and `/search`) all read their lists here, so they cannot
//! disagree; they page the answer with [`waymark_core::Page`].

use std::sync::Arc;

use crate::text::given;
use chrono::{Days, NaiveDate};
use waymark_core::{Flag, PlanId, Rag, Tag, rollup_tree, search_terms, terms_in};
use waymark_store::ItemState;

use crate::App;
use crate::access::PlanRead;
use crate::actor::Actor;
use crate::api_reads::MAX_SEARCH_CHARS;
use crate::error::{FieldError, Result};

/// The filters as a page's query string or an API call gives them, unread.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub flag: Option<String>,
    pub rag: Option<String>,
    pub q: Option<String>,
    pub owner: Option<String>,
    pub level: Option<String>,
    pub tag: Option<String>,
    pub mine: bool,
    pub sort: Option<String>,
}

/// What a "show only" value keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    Flag(Flag),
    /// Open actions due in the next 30 days.
    DueSoon,
    /// Updates out of order or pasted onto several items.
    DataQuality,
}

impl Show {
    pub fn parse(value: &str) -> Option<Show> {
        match value {
            "due_soon" => Some(Show::DueSoon),
            "data_quality" => Some(Show::DataQuality),
            name => Flag::from_name(name).map(Show::Flag),
        }
    }

    pub fn keeps(self, item: &ItemState, as_at: NaiveDate) -> bool {
        match self {
            Show::Flag(flag) => item.flags.contains(&flag),
            Show::DataQuality => {
                item.flags.contains(&Flag::UpdateOutOfOrder)
                    || item.flags.contains(&Flag::DuplicateUpdateText)
            }
            Show::DueSoon => {
                let soon = as_at + Days::new(30);
                item.children.is_empty()
                    && !item.fields.complete
                    && item
                        .fields
                        .due
                        .as_ref()
                        .is_some_and(|d| d.date >= as_at && d.date <= soon)
            }
        }
    }
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// The order of the plan document.
    Plan,
    /// Soonest due first, those without a due date last.
    Due,
    /// Worst RAG first (a parent by the RAG rolled up from its actions).
    Rag,
    /// Longest without an update first.
    Updated,
    /// Best match of the search first: the items whose own wording holds more of the words,
    /// then those found only through their updates, each in plan order.
    Relevance,
}

impl Sort {
    pub fn parse(value: &str) -> Option<Sort> {
        match value {
            "plan" => Some(Sort::Plan),
            "due" => Some(Sort::Due),
            "rag" => Some(Sort::Rag),
            "updated" => Some(Sort::Updated),
            "relevance" => Some(Sort::Relevance),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Plan => "plan",
            Sort::Due => "due",
            Sort::Rag => "rag",
            Sort::Updated => "updated",
            Sort::Relevance => "relevance",
        }
    }
}

/// The filters, read.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemFilter {
    pub show: Option<Show>,
    /// `Some(None)` keeps the actions not yet assessed.
    pub rag: Option<Option<Rag>>,
    /// The words to find, trimmed; empty for none.
    pub q: String,
    pub owner: String,
    pub level: Option<usize>,
    /// A tag as pages write it: "Theme: Victims".
    pub tag: String,
    pub mine: bool,
    pub sort: Sort,
}

impl ItemFilter {
    /// The filters `params` name, with each value that cannot be read left out, and a problem
    /// for each of those by the parameter's name. Pages show the rest (as they always have);
    /// the API refuses the call.
    pub fn read(params: &ListParams) -> (ItemFilter, Vec<FieldError>) {
        let mut problems: Vec<FieldError> = Vec::new();
        let show = given(&params.flag).and_then(|value| {
            let show = Show::parse(&value);
            if show.is_none() {
                problems.push((
                    "flag".into(),
                    "Give a flag: overdue, due_soon, stale, no_due_date, data_quality or another flag's name".into(),
                ));
            }
            show
        });
        let rag = given(&params.rag).and_then(|value| {
            if value.eq_ignore_ascii_case("none") {
                return Some(None);
            }
            match Rag::parse(&value) {
                Ok(Some(rag)) => Some(Some(rag)),
                _ => {
                    problems.push((
                        "rag".into(),
                        "Give a RAG status: red, amber, green, blue or none".into(),
                    ));
                    None
                }
            }
        });
        let mut q = given(&params.q).unwrap_or_default();
        if q.chars().count() > MAX_SEARCH_CHARS {
            problems.push((
                "q".into(),
                format!("Search for {MAX_SEARCH_CHARS} characters or fewer"),
            ));
            q.clear();
        }
        let level = given(&params.level).and_then(|value| {
            // A 32-bit number from 0, as the API's document states it.
            let level = value
                .parse::<i32>()
                .ok()
                .and_then(|level| usize::try_from(level).ok());
            if level.is_none() {
                problems.push((
                    "level".into(),
                    "Give a level as a number, 0 for the top level".into(),
                ));
            }
            level
        });
        let sort = match given(&params.sort) {
            Some(value) => Sort::parse(&value).unwrap_or_else(|| {
                problems.push((
                    "sort".into(),
                    "Sort by plan, due, rag, updated or relevance".into(),
                ));
                Sort::Plan
            }),
            // A search is best read best match first.
            None if !q.is_empty() => Sort::Relevance,
            None => Sort::Plan,
        };
        let filter = ItemFilter {
            show,
            rag,
            q,
            owner: given(&params.owner).unwrap_or_default(),
            level,
            tag: given(&params.tag).unwrap_or_default(),
            mine: params.mine,
            sort,
        };
        (filter, problems)
    }

    /// Whether anything is left out or the order is not the plan's: the list is then flat.
    pub fn narrows_or_reorders(&self) -> bool {
        self.show.is_some()
            || self.rag.is_some()
            || !self.q.is_empty()
            || !self.owner.is_empty()
            || self.level.is_some()
            || !self.tag.is_empty()
            || self.mine
            || (self.sort != Sort::Plan && !(self.sort == Sort::Relevance && self.q.is_empty()))
    }
}

/// A plan's items, filtered and sorted.
#[derive(Debug, Clone)]
pub struct ItemList {
    pub read: PlanRead,
    pub filter: ItemFilter,
    /// Positions in `read.view.items` of the items kept, in the order asked for.
    pub kept: Arc<Vec<usize>>,
    /// The words of the search, for marking them in what is shown.
    pub terms: Vec<String>,
}

impl App {
    /// The items of a plan as it stood at the end of `as_at` that the actor may see and that
    /// `filter` keeps, in its order. Every match of a search is here (none is capped).
    pub async fn list_items(
        &self,
        actor: &Actor,
        plan: PlanId,
        as_at: NaiveDate,
        filter: ItemFilter,
    ) -> Result<ItemList> {
        let read = self.plan_view(actor, plan, as_at).await?;
        let terms = search_terms(&filter.q);
        // The same list of the same view is worked out once: paging through a search's
        // results, or many people reading the same filtered list, reads the kept order.
        let detail = match filter.mine {
            true => format!("{filter:?} {:?}", actor.posts),
            false => format!("{filter:?}"),
        };
        if let Some(kept) = self.memos.get::<Vec<usize>>(&read.view, &detail) {
            return Ok(ItemList {
                read,
                filter,
                kept,
                terms,
            });
        }
        let found = if filter.q.is_empty() {
            None
        } else {
            Some(self.search(actor, plan, &filter.q).await?)
        };
        let view = &read.view;
        let posts = &actor.posts;
        let mine = filter.mine && !posts.is_empty();
        let is_mine = |item: &ItemState| action_owned_by(item, posts);
        let mut kept: Vec<usize> = (0..view.items.len())
            .filter(|&i| {
                let item = &view.items[i];
                filter.show.is_none_or(|s| s.keeps(item, as_at))
                    && filter
                        .rag
                        .is_none_or(|r| item.children.is_empty() && item.fields.shown_rag() == r)
                    && found.as_ref().is_none_or(|ids| ids.contains(&item.id))
                    && (filter.owner.is_empty() || item.fields.owners.contains(&filter.owner))
                    && filter.level.is_none_or(|l| item.depth == l)
                    && (filter.tag.is_empty()
                        || item.fields.tags.iter().any(|t| tag_label(t) == filter.tag))
                    && (!mine || is_mine(item))
            })
            .collect();
        // Stable sorts: ties stay in plan order.
        match filter.sort {
            Sort::Plan => {}
            Sort::Due => kept.sort_by_key(|&i| {
                let due = view.items[i].fields.due.as_ref().map(|d| d.date);
                (due.is_none(), due)
            }),
            Sort::Rag => {
                let depths: Vec<usize> = view.items.iter().map(|i| i.depth).collect();
                let shown: Vec<Option<Rag>> =
                    view.items.iter().map(|i| i.fields.shown_rag()).collect();
                let rollups = rollup_tree(&depths, &shown);
                let effective = |i: usize| {
                    let item = &view.items[i];
                    match (item.fields.shown_rag(), rollups.get(i).copied().flatten()) {
                        (Some(own), _) => Some(own),
                        (None, Some(rollup)) if !item.children.is_empty() => rollup.rag(),
                        _ => None,
                    }
                };
                kept.sort_by_key(|&i| effective(i).map_or(4, |r| r.severity()));
            }
            Sort::Updated => {
                kept.sort_by_key(|&i| view.items[i].latest_update.as_ref().map(|u| u.as_of))
            }
            Sort::Relevance if !terms.is_empty() => {
                kept.sort_by_cached_key(|&i| std::cmp::Reverse(own_terms(&view.items[i], &terms)))
            }
            Sort::Relevance => {}
        }
        let kept = Arc::new(kept);
        self.memos.put(&read.view, &detail, kept.clone());
        Ok(ItemList {
            read,
            filter,
            kept,
            terms,
        })
    }
}

/// Whether `item` is an action (nothing under it) that one of `posts` owns, by the owners in
/// force (case aside): what "my actions" means everywhere.
pub fn action_owned_by(item: &ItemState, posts: &[String]) -> bool {
    item.children.is_empty()
        && item
            .fields
            .owners
            .iter()
            .any(|owner| posts.iter().any(|post| post.eq_ignore_ascii_case(owner)))
}

/// How many of the search's words an item's own wording holds (reference, text, description
/// and owners); an item found only through its updates or an old wording holds none.
pub fn own_terms(item: &ItemState, terms: &[String]) -> usize {
    let fields = &item.fields;
    let own = [
        fields.reference.as_deref().unwrap_or(""),
        fields.text.as_str(),
        fields.description.as_deref().unwrap_or(""),
    ]
    .into_iter()
    .chain(fields.owners.iter().map(String::as_str));
    // Each part read on its own, as the words of them joined would be, without the copy.
    terms
        .iter()
        .filter(|term| {
            own.clone()
                .any(|part| terms_in(part, std::slice::from_ref(term)) > 0)
        })
        .count()
}

/// A tag as pages and filters write it: "Theme: Victims", or the value alone.
pub fn tag_label(tag: &Tag) -> String {
    let taxonomy = tag.taxonomy.trim();
    if taxonomy.is_empty() {
        tag.value.trim().to_string()
    } else {
        format!("{taxonomy}: {}", tag.value.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_are_named_and_left_out() {
        let (filter, problems) = ItemFilter::read(&ListParams {
            rag: Some("Purple".into()),
            level: Some("top".into()),
            sort: Some("colour".into()),
            flag: Some("overdue".into()),
            ..ListParams::default()
        });
        let names: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, vec!["rag", "level", "sort"]);
        assert_eq!(filter.rag, None);
        assert_eq!(filter.show, Some(Show::Flag(Flag::Overdue)));
    }

    #[test]
    fn a_search_sorts_by_relevance_unless_told_otherwise() {
        let read = |q: &str, sort: Option<&str>| {
            ItemFilter::read(&ListParams {
                q: Some(q.into()),
                sort: sort.map(str::to_string),
                ..ListParams::default()
            })
            .0
            .sort
        };
        assert_eq!(read("custody", None), Sort::Relevance);
        assert_eq!(read("custody", Some("due")), Sort::Due);
        assert_eq!(read("  ", None), Sort::Plan);
    }
}
