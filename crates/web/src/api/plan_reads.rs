//! Finding things in a plan through the API: its items filtered as the plan page filters them,
//! a search of its items and their updates (both paged, with the total), and what changed
//! between two days (RAG changes, new updates, items completed, newly overdue and new).

use std::ops::Range;
use waymark_app::text::given;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use waymark_app::item_list::{ItemFilter, ListParams, Sort};
use waymark_app::model::PlanView;
use waymark_core::{ItemId, PlanId};

use crate::api::ApiError;
use crate::api::extract::{ApiPath, ApiQuery, day_or};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::pages::{as_at_or_today, encode_query};
use crate::state::AppState;
use crate::views::{ItemJson, iso};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/plans/{id}/items", get(items))
        .route("/api/plans/{id}/search", get(search))
        .route("/api/plans/{id}/changes", get(changes))
}

/// Items in one answer when `limit` is absent.
const DEFAULT_LIMIT: usize = 100;
/// The most items one answer gives: 1,000 items are about 700 KB of JSON.
const MAX_LIMIT: usize = 1000;

/// Which part of a list one answer gives: `limit` items from a `cursor` (the `next_cursor`
/// of the answer before) or from the start of a numbered `page`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PagingQuery {
    /// Items in the answer: 1 to 1,000; 100 when absent.
    #[param(schema_with = crate::api::openapi::query_limit)]
    limit: Option<String>,
    /// Where to go on from: the `next_cursor` of the answer before ("at-" and a position in
    /// the list; one past the end gives an empty answer). Used in place of `page` when both
    /// are given.
    #[param(schema_with = crate::api::openapi::query_cursor)]
    cursor: Option<String>,
    /// The page of `limit` items to give, from 1. A page past the end is empty, with the
    /// `total` still right.
    #[param(schema_with = crate::api::openapi::query_page)]
    page: Option<String>,
}

/// The filters of a plan's items, as the plan page has them.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ItemsQuery {
    /// The plan as it stood at the end of this day (ISO date); today when absent.
    #[param(schema_with = crate::api::openapi::query_day)]
    as_at: Option<String>,
    /// Only the items with this flag (`overdue`, `stale`, `no_due_date`, …), or `due_soon`
    /// (open actions due in the next 30 days) or `data_quality`.
    #[param(schema_with = crate::api::openapi::query_flag)]
    flag: Option<String>,
    /// Only the actions with this RAG status: `red`, `amber`, `green`, `blue`, or `none` for
    /// those not yet assessed.
    #[param(schema_with = crate::api::openapi::query_rag)]
    rag: Option<String>,
    /// Only the items containing every one of these words (in their wording, owners or
    /// updates): up to 200 characters.
    #[param(max_length = 200)]
    q: Option<String>,
    /// Only the items with this owner post, exactly as the item names it.
    owner: Option<String>,
    /// Only the items at this level of the plan's tree: 0 for the top.
    #[param(schema_with = crate::api::openapi::query_level)]
    level: Option<String>,
    /// Only the items with this tag, written "Taxonomy: Value" (or the value alone).
    tag: Option<String>,
    /// `true` for only the actions owned by the posts the caller holds today.
    #[param(schema_with = crate::api::openapi::query_true_or_false)]
    mine: Option<String>,
    /// `plan` (tree order; the default without `q`), `due` (soonest first), `rag` (worst
    /// first), `updated` (longest without an update first) or `relevance` (best match of `q`
    /// first: more of its words in the item's own wording, then those found only in updates;
    /// the default with `q`).
    #[param(schema_with = crate::api::openapi::query_sort)]
    sort: Option<String>,
}

/// One answer of a list of items: a part of it, how many there are in all, and where the
/// rest are.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ItemPageJson {
    /// The items, in the list's order.
    items: Vec<ItemJson>,
    /// How many items the whole list holds, over every answer.
    total: usize,
    /// The most items this answer could hold.
    limit: usize,
    /// The position in the list of the first item here, from 0.
    offset: usize,
    /// Pass as `cursor` to get the next items; null when this answer ends the list.
    next_cursor: Option<String>,
    /// The path and query of the next answer, every filter kept; null at the end.
    next: Option<String>,
}

/// The items of a search, as a list of items is given, with the words searched for.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SearchJson {
    query: String,
    /// The ids of the items in this answer, in the order asked for (best match first unless
    /// `sort` says otherwise).
    ids: Vec<i64>,
    /// The items of this answer as they stand today, as `GET /api/plans/{id}/items` gives them.
    items: Vec<ItemJson>,
    /// How many items match, over every answer: every match, none capped.
    total: usize,
    limit: usize,
    offset: usize,
    next_cursor: Option<String>,
    next: Option<String>,
}

/// A plan's items as they stood at the end of a day, filtered as the plan page filters them
/// and sorted (tree order by default), `limit` at a time with the `total`: follow `next`
/// (or pass `next_cursor` as `cursor`) until it is null to read them all.
#[utoipa::path(get, path = "/api/plans/{id}/items", tag = "plans",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), ItemsQuery, PagingQuery),
    responses((status = 200, body = ItemPageJson),
        (status = 400, description = "A query parameter cannot be read: each is named in `fields` (`limit`, `cursor`, `page`, `rag`, `flag`, `level`, `sort`, `q`, `as_at`)", body = ErrorJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn items(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ItemsQuery>,
    ApiQuery(paging): ApiQuery<PagingQuery>,
) -> Result<Json<ItemPageJson>, ApiError> {
    let mut problems = Vec::new();
    let as_at = match as_at_or_today(query.as_at.as_deref(), state.today()) {
        Ok(day) => day,
        Err(_) => {
            problems.push(("as_at".to_string(), "Give a date as YYYY-MM-DD".to_string()));
            state.today()
        }
    };
    let mine = match query.mine.as_deref().map(str::trim) {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            problems.push(("mine".to_string(), "Give true or false".to_string()));
            false
        }
    };
    let (filter, wrong) = ItemFilter::read(&ListParams {
        flag: query.flag.clone(),
        rag: query.rag.clone(),
        q: query.q.clone(),
        owner: query.owner.clone(),
        level: query.level.clone(),
        tag: query.tag.clone(),
        mine,
        sort: query.sort.clone(),
    });
    problems.extend(wrong);
    let window = Window::read(&paging, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::BadQuery(problems).into());
    }
    let list = state
        .app
        .list_items(&viewer.actor, PlanId(id), as_at, filter)
        .await?;
    let part = window.of(list.kept.len());
    let kept = [
        ("as_at", query.as_at),
        ("flag", query.flag),
        ("rag", query.rag),
        ("q", query.q),
        ("owner", query.owner),
        ("level", query.level),
        ("tag", query.tag),
        ("mine", query.mine),
        ("sort", query.sort),
    ];
    let (next_cursor, next) = next_links(&format!("/api/plans/{id}/items"), &kept, &part);
    Ok(Json(ItemPageJson {
        items: ItemJson::of_list(&list, &list.kept[part.rows.clone()]),
        total: part.total,
        limit: part.limit,
        offset: part.rows.start,
        next_cursor,
        next,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchQuery {
    /// The words to find, each somewhere in an item's wording, owners or updates: 1 to 200
    /// characters.
    /// (The pattern is `openapi::NOT_ONLY_SPACES`, written out: an attribute takes a literal,
    /// and `schema_with` would drop `required`.)
    #[serde(default)]
    #[param(
        required = true,
        min_length = 1,
        max_length = 200,
        pattern = "[^\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"
    )]
    q: String,
    /// `relevance` (the default: more of the words in the item's own wording first, then the
    /// items found only through their updates, each in plan order), or `plan`, `due`, `rag`,
    /// `updated` as for `GET /api/plans/{id}/items`.
    #[param(schema_with = crate::api::openapi::query_sort)]
    sort: Option<String>,
}

/// Searches a plan's items and their updates for every word of `q`, among the items the
/// caller may see: every match, best first, `limit` at a time with the `total`.
#[utoipa::path(get, path = "/api/plans/{id}/search", tag = "plans",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), SearchQuery, PagingQuery),
    responses(
        (status = 200, body = SearchJson),
        (status = 400, description = "`limit`, `cursor`, `page` or `sort` cannot be read: each is named in `fields`", body = ErrorJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`q` is missing, blank or too long", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<SearchQuery>,
    ApiQuery(paging): ApiQuery<PagingQuery>,
) -> Result<Json<SearchJson>, ApiError> {
    let mut problems = Vec::new();
    let window = Window::read(&paging, &mut problems);
    if let Some(sort) = query.sort.as_deref().map(str::trim)
        && !sort.is_empty()
        && Sort::parse(sort).is_none()
    {
        problems.push((
            "sort".to_string(),
            "Sort by relevance, plan, due, rag or updated".to_string(),
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::BadQuery(problems).into());
    }
    // As the document counts it: the words as sent, spaces around them included.
    if query.q.chars().count() > 200 {
        return Err(AppError::BadQuery(vec![(
            "q".to_string(),
            "Give the words to search for in 200 characters or fewer".to_string(),
        )])
        .into());
    }
    let q = query.q.clone();
    let list = state
        .app
        .search_items(&viewer.actor, PlanId(id), &q, query.sort.clone())
        .await?;
    let part = window.of(list.kept.len());
    let kept = [("q", Some(query.q)), ("sort", query.sort)];
    let (next_cursor, next) = next_links(&format!("/api/plans/{id}/search"), &kept, &part);
    let items = ItemJson::of_list(&list, &list.kept[part.rows.clone()]);
    Ok(Json(SearchJson {
        query: q.trim().to_string(),
        ids: items.iter().map(|item| item.id).collect(),
        items,
        total: part.total,
        limit: part.limit,
        offset: part.rows.start,
        next_cursor,
        next,
    }))
}

/// Where an answer starts and how many it holds, as asked.
struct Window {
    limit: usize,
    /// From a cursor, or a page's first row.
    offset: usize,
}

/// The part of a list of `total` an answer gives.
struct Part {
    rows: Range<usize>,
    limit: usize,
    total: usize,
}

impl Window {
    /// Reads `limit`, `cursor` and `page`, adding a problem for each that cannot be read.
    fn read(paging: &PagingQuery, problems: &mut Vec<(String, String)>) -> Window {
        let limit = match given(&paging.limit) {
            None => DEFAULT_LIMIT,
            Some(text) => match text.parse::<usize>() {
                Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => limit,
                _ => {
                    problems.push((
                        "limit".into(),
                        format!(
                            "Give a limit from 1 to 1,000; \"{}\" is not one",
                            quoted(&text)
                        ),
                    ));
                    DEFAULT_LIMIT
                }
            },
        };
        let cursor = given(&paging.cursor);
        let page = given(&paging.page);
        // A page that cannot be read is refused even beside a cursor, which is used instead.
        let page = match (&cursor, page) {
            (Some(_), Some(page)) if !page.parse::<i64>().is_ok_and(|p| p >= 1) => {
                problems.push((
                    "page".into(),
                    format!(
                        "Give a page number from 1; \"{}\" is not one",
                        quoted(&page)
                    ),
                ));
                None
            }
            (_, page) => page,
        };
        let offset = match (cursor, page) {
            (Some(cursor), _) => match decode_cursor(&cursor) {
                Some(offset) => offset,
                None => {
                    problems.push((
                        "cursor".into(),
                        "Give the next_cursor of an earlier answer, as it was given".into(),
                    ));
                    0
                }
            },
            // A page is a 64-bit number from 1, as the document says; a page past the end
            // is empty.
            (None, Some(page)) => match page.parse::<i64>().map(usize::try_from) {
                Ok(Ok(page)) if page >= 1 => limit.saturating_mul(page - 1),
                _ => {
                    problems.push((
                        "page".into(),
                        format!(
                            "Give a page number from 1; \"{}\" is not one",
                            quoted(&page)
                        ),
                    ));
                    0
                }
            },
            (None, None) => 0,
        };
        Window { limit, offset }
    }

    fn of(&self, total: usize) -> Part {
        let start = self.offset.min(total);
        Part {
            rows: start..start.saturating_add(self.limit).min(total),
            limit: self.limit,
            total,
        }
    }
}

/// A cursor names the position in the list that the next answer starts at. It is a position,
/// not a bookmark of an item: a list that changes between answers may move items across it.
fn encode_cursor(offset: usize) -> String {
    format!("at-{offset}")
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    cursor.strip_prefix("at-")?.parse().ok()
}

/// What a refusal quotes of a value: its start.
fn quoted(text: &str) -> String {
    text.chars().take(40).collect()
}

/// The cursor and link of the answer after `part`, keeping the filters; none at the end.
fn next_links(
    path: &str,
    kept: &[(&str, Option<String>)],
    part: &Part,
) -> (Option<String>, Option<String>) {
    if part.rows.end >= part.total || part.rows.is_empty() {
        return (None, None);
    }
    let cursor = encode_cursor(part.rows.end);
    let mut link = format!("{path}?");
    for (name, value) in kept {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            link.push_str(&format!("{name}={}&", encode_query(value)));
        }
    }
    if part.limit != DEFAULT_LIMIT {
        link.push_str(&format!("limit={}&", part.limit));
    }
    link.push_str(&format!("cursor={cursor}"));
    (Some(cursor), Some(link))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ChangesQuery {
    /// One end of the window (ISO date); 30 days before `to` when absent. Given after `to`, the two are
    /// read the other way round.
    #[param(schema_with = crate::api::openapi::query_day)]
    from: Option<String>,
    /// The day to compare to (ISO date); today when absent.
    #[param(schema_with = crate::api::openapi::query_day)]
    to: Option<String>,
}

/// An item as a change names it.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ChangedItemJson {
    id: i64,
    reference: Option<String>,
    text: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RagMoveJson {
    item: ChangedItemJson,
    from: Option<String>,
    to: Option<String>,
    /// The day it took effect (ISO).
    on: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UpdateSinceJson {
    id: i64,
    item: ChangedItemJson,
    as_of: String,
    author: Option<String>,
    text: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct DatedItemJson {
    item: ChangedItemJson,
    /// When it was completed, its due day, or when it was added (ISO), as the list says.
    on: Option<String>,
}

/// How long each list of what changed is in all; the answer gives one part of each.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ChangeTotalsJson {
    rag_changes: usize,
    new_updates: usize,
    completed: usize,
    newly_overdue: usize,
    new_items: usize,
}

/// What changed in a plan between the end of `from` and the end of `to`: each list's part from
/// `offset`, at most `limit` long, and each list's `totals`.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ChangesJson {
    from: String,
    to: String,
    totals: ChangeTotalsJson,
    /// The most entries of each list in this answer.
    limit: usize,
    /// Where each list's part starts.
    offset: usize,
    /// The next page, while any list has more.
    next: Option<String>,
    rag_changes: Vec<RagMoveJson>,
    /// Updates dated after `from` and on or before `to`, newest first.
    new_updates: Vec<UpdateSinceJson>,
    /// Completed, with the day each was completed.
    completed: Vec<DatedItemJson>,
    /// Overdue at `to` and not at `from`, with the day each was due.
    newly_overdue: Vec<DatedItemJson>,
    /// Added, with the day each took effect.
    new_items: Vec<DatedItemJson>,
}

/// What changed in a plan between two days, among the items the caller may see. Each of the
/// five lists is paged alike: `limit` entries of each (100 when absent) from the `page` (or
/// `cursor`), with every list's total in `totals`; follow `next` until it is null.
#[utoipa::path(get, path = "/api/plans/{id}/changes", tag = "plans",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), ChangesQuery, PagingQuery),
    responses(
        (status = 200, body = ChangesJson),
        (status = 400, description = "`limit`, `cursor` or `page` cannot be read: each is named in `fields`", body = ErrorJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`from` or `to` is not a date", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn changes(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ChangesQuery>,
    ApiQuery(paging): ApiQuery<PagingQuery>,
) -> Result<Json<ChangesJson>, ApiError> {
    let mut problems = Vec::new();
    let window = Window::read(&paging, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::BadQuery(problems).into());
    }
    let to = day_or("to", query.to.as_deref(), state.today())?;
    let default_from = to.checked_sub_days(Days::new(30)).unwrap_or(to);
    let from = day_or("from", query.from.as_deref(), default_from)?;
    // The window's two ends, read the right way round whichever is given first; one day is a
    // window in which nothing changed.
    let (from, to) = if from <= to { (from, to) } else { (to, from) };
    let read = state
        .app
        .plan_changes(&viewer.actor, PlanId(id), from, to)
        .await?;
    let after = &read.after.view;
    let before = &read.before.view;
    let named = |item: ItemId| changed_item(after, before, item);
    let changes = &read.changes;
    // Every list's part starts at the same place; the longest says whether there is more.
    let part_of = |total: usize| window.of(total).rows;
    let dated = |list: &[(ItemId, Option<NaiveDate>)]| -> Vec<DatedItemJson> {
        list[part_of(list.len())]
            .iter()
            .map(|(item, on)| DatedItemJson {
                item: named(*item),
                on: on.map(iso),
            })
            .collect()
    };
    let totals = ChangeTotalsJson {
        rag_changes: changes.rag_changes.len(),
        new_updates: changes.new_updates.len(),
        completed: changes.completed.len(),
        newly_overdue: changes.newly_overdue.len(),
        new_items: changes.new_items.len(),
    };
    let longest = [
        totals.rag_changes,
        totals.new_updates,
        totals.completed,
        totals.newly_overdue,
        totals.new_items,
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    let part = window.of(longest);
    let kept = [("from", Some(iso(from))), ("to", Some(iso(to)))];
    let (_, next) = next_links(&format!("/api/plans/{id}/changes"), &kept, &part);
    Ok(Json(ChangesJson {
        from: iso(from),
        to: iso(to),
        limit: part.limit,
        offset: part.rows.start,
        next,
        rag_changes: changes.rag_changes[part_of(totals.rag_changes)]
            .iter()
            .map(|m| RagMoveJson {
                item: named(m.item),
                from: m.from.map(|r| r.word().to_string()),
                to: m.to.map(|r| r.word().to_string()),
                on: iso(m.on),
            })
            .collect(),
        new_updates: changes.new_updates[part_of(totals.new_updates)]
            .iter()
            .map(|u| UpdateSinceJson {
                id: u.id.0,
                item: named(u.item),
                as_of: iso(u.as_of),
                author: u.author(),
                text: u.text.clone(),
            })
            .collect(),
        completed: dated(&changes.completed),
        newly_overdue: dated(&changes.newly_overdue),
        new_items: changes.new_items[part_of(totals.new_items)]
            .iter()
            .map(|item| DatedItemJson {
                item: named(*item),
                on: after.item(*item).map(|i| iso(i.exists_from)),
            })
            .collect(),
        totals,
    }))
}

/// An item's reference and wording as it stood at the later day (or the earlier, for one no
/// longer in the plan).
fn changed_item(after: &PlanView, before: &PlanView, item: ItemId) -> ChangedItemJson {
    let state = after.item(item).or_else(|| before.item(item));
    ChangedItemJson {
        id: item.0,
        reference: state.and_then(|s| s.fields.reference.clone()),
        text: state.map(|s| s.fields.text.clone()).unwrap_or_default(),
    }
}
