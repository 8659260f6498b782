//! The OpenAPI 3 description of the JSON API, generated from the handlers' annotations so it
//! cannot drift from the code, served at `/api/openapi.json` without sign-in. Every operation
//! is registered here, in one list; a test walks the router's routes against it.

use axum::Json;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{
    KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::api::schema_rules::FieldRules;
use crate::error::ErrorJson;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Waymark API",
        description = "Plans, items, updates, indicators, imports, reports, people, sharing and \
                       the audit trail: everything the pages do. Scripts authenticate with a \
                       personal API token (`Authorization: Bearer wmk_…`, created with \
                       POST /api/tokens or `waymark token create --email E`), \
                       which acts with its person's roles and needs no CSRF token. A browser's \
                       session cookie also authenticates API calls; its writes send the \
                       session's CSRF token (from GET /api/session) in `X-CSRF-Token`. Edits \
                       (PATCH) name the version they started from in `If-Match`, the `ETag` of \
                       the GET they read: without one they get 400, and a stale one 409 with \
                       the thing as it now is. Every error is an ErrorJson. Dates are ISO \
                       (2015-02-16), instants RFC 3339 in UTC, field names snake_case."
    ),
    modifiers(&SecuritySchemes, &ErrorResponses, &FieldRules),
    security(("bearer" = []), ("session" = [])),
    paths(
        crate::api::session,
        crate::api::plans,
        crate::api::plan_reads::items,
        crate::api::check,
        crate::api::create_update,
        crate::api::indicators::indicators,
        crate::api::programme::programme,
        crate::api::programme_edit::programme_facts,
        crate::api::programme_edit::set_basis,
        crate::api::programme_edit::set_cost,
        crate::api::programme_edit::add_funding,
        crate::api::programme_edit::withdraw_funding,
        crate::api::programme_edit::add_saving,
        crate::api::programme_edit::withdraw_saving,
        crate::api::plans::create_plan,
        crate::api::plans::plan,
        crate::api::plans::patch_plan,
        crate::api::plans::archive_plan,
        crate::api::plans::restore_plan,
        crate::api::items::add_item,
        crate::api::items::item,
        crate::api::items::patch_item,
        crate::api::items::move_item,
        crate::api::items::reorder_item,
        crate::api::items::close_item,
        crate::api::items::reopen_item,
        crate::api::items::archive_item,
        crate::api::items::restore_item,
        crate::api::items::assign_owners,
        crate::api::plan_reads::search,
        crate::api::plan_reads::changes,
        crate::api::measurements::indicator,
        crate::api::measurements::record_measurement,
        crate::api::imports::preview,
        crate::api::imports::correct,
        crate::api::imports::confirm,
        crate::api::import_jobs::start_job,
        crate::api::import_jobs::job,
        crate::api::import_jobs::cancel_job,
        crate::api::import_jobs::findings_csv,
        crate::api::import_jobs::findings_xlsx,
        crate::api::reports::report_file,
        crate::api::reports::publish_report,
        crate::api::reports::published_reports,
        crate::api::reports::published_file,
        crate::api::reports::withdraw_report,
        crate::api::programme_reports::draft,
        crate::api::programme_reports::published,
        crate::api::programme_reports::publish,
        crate::api::narrative::narratives,
        crate::api::narrative::save_narrative,
        crate::api::narrative::commentary_requests,
        crate::api::narrative::ask_for_commentary,
        crate::api::evidence::item_evidence,
        crate::api::evidence::add_link,
        crate::api::evidence::add_file,
        crate::api::evidence::closure_rules,
        crate::api::evidence::set_closure_rule,
        crate::api::evidence::evidence_file,
        crate::api::evidence::withdraw_evidence,
        crate::api::evidence::propose_closure,
        crate::api::evidence::decide_closure,
        crate::api::comments::item_comments,
        crate::api::comments::add_comment,
        crate::api::people::people,
        crate::api::people::add_person,
        crate::api::people::set_roles,
        crate::api::people::set_clearance,
        crate::api::people::set_password,
        crate::api::people::assign_post,
        crate::api::people::leave_post,
        crate::api::organisations::organisations,
        crate::api::organisations::add_organisation,
        crate::api::shares::plan_shares,
        crate::api::shares::share_plan,
        crate::api::shares::revoke_share,
        crate::api::audit::audit_events,
        crate::api::audit::audit_csv,
        crate::api::tokens::tokens,
        crate::api::tokens::create_token,
        crate::api::tokens::revoke_token
    ),
    components(
        schemas(ErrorJson),
        responses(NotSignedIn, ServerError)
    )
)]
pub struct ApiDoc;

/// Not signed in: no session cookie, or an API token that is unknown or revoked.
#[derive(utoipa::ToResponse)]
#[allow(dead_code)] // Describes a response; `AppError::into_json_response` writes it.
pub(crate) struct NotSignedIn(ErrorJson);

/// The service failed: the cause is logged under `reference`, which an administrator can look
/// up.
#[derive(utoipa::ToResponse)]
#[allow(dead_code)] // Describes a response; `AppError::into_json_response` writes it.
pub(crate) struct ServerError(ErrorJson);

/// The ways to authenticate: a personal API token, or a browser's session cookie with its
/// CSRF token on writes.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("wmk_ followed by 64 hex digits")
                    .description(Some(
                        "A personal API token: it acts with its person's roles, and needs no \
                         CSRF token. Revoked tokens get 401.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "The session cookie set by signing in at /sign-in.",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's CSRF token, from GET /api/session: a cookie session's writes \
                 send it (403 without it); API token calls need none.",
            ))),
        );
    }
}

/// The answers every operation of a kind can give, whatever its handler: added to each
/// operation that does not describe them itself, so that the document lists every status an
/// operation can answer with. Each rule names the code that gives the answer.
struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                (false, &mut item.get),
                (false, &mut item.head),
                (true, &mut item.post),
                (true, &mut item.put),
                (true, &mut item.patch),
                (true, &mut item.delete),
            ];
            for (writes, operation) in operations {
                if let Some(operation) = operation.as_mut() {
                    add_error_responses(operation, writes);
                }
            }
        }
    }
}

fn add_error_responses(operation: &mut Operation, writes: bool) {
    let parameters: Vec<ParameterIn> = operation
        .parameters
        .iter()
        .flatten()
        .filter_map(|parameter| match parameter {
            RefOr::T(parameter) => Some(parameter.parameter_in.clone()),
            RefOr::Ref(_) => None,
        })
        .collect();
    let has_path = parameters.iter().any(|p| matches!(p, ParameterIn::Path));
    let has_query = parameters.iter().any(|p| matches!(p, ParameterIn::Query));
    let has_body = operation.request_body.is_some();
    // A stalled JSON body is 408; a stalled multipart upload is the import's own 422.
    let has_json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|body| match body {
            RefOr::T(body) => body.content.keys().any(|kind| kind == "application/json"),
            RefOr::Ref(_) => false,
        });
    let anonymous = operation.security.as_ref().is_some_and(|requirements| {
        requirements.iter().any(|r| {
            serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
        })
    });
    let responses = &mut operation.responses.responses;
    let mut add = |status: &str, response: RefOr<utoipa::openapi::Response>| {
        responses.entry(status.to_string()).or_insert(response);
    };
    // `auth::Viewer`: no session cookie, or an unknown or revoked token.
    if !anonymous {
        add("401", RefOr::Ref(Ref::from_response_name("NotSignedIn")));
    }
    // `api::extract::ApiPath`: an id that is not a number names nothing; the use case's
    // `NotFound` for one the caller may not see.
    if has_path {
        add(
            "404",
            error(
                "Nothing by that id, or nothing you may see (an id that is not a number names nothing)",
            ),
        );
    }
    if writes {
        // `security::csrf_guard`: a cookie session's write without its X-CSRF-Token.
        add(
            "403",
            error("You may not do this; or a cookie session sent no X-CSRF-Token"),
        );
        // `waymark_app`'s `Invalid`: the use case refuses what was asked, field by field.
        add(
            "422",
            error("Refused as it stands: each field or reason is named in `fields`"),
        );
        // `waymark_app`'s `Unknown`: a field names a thing that is not there (a parent item,
        // a post, a person, an organisation's code).
        add(
            "404",
            error(
                "Nothing by that id, or a field names a thing that is not there or not one you may see (named in `fields`)",
            ),
        );
        // `waymark_app`'s `State`: what was asked is well formed but the thing as it is now
        // refuses it (the plan archived, the share already revoked, the code taken).
        add(
            "409",
            error(
                "The thing as it is now refuses this (for example, its plan is archived): the reason is named in `fields`",
            ),
        );
    }
    // `api::extract::ApiQuery`: a query string that cannot be read (a parameter given twice,
    // or one of the wrong type) is refused naming `query`.
    if has_query {
        add(
            "422",
            error(
                "The query string cannot be read (a parameter given twice, or not of its type), named `query` in `fields`; or a value refused, named in `fields`",
            ),
        );
    }
    if has_body {
        // `api::extract::ApiJson`: a body that is not JSON of this shape.
        add(
            "422",
            error(
                "The body cannot be read as JSON of this shape (named `body` in `fields`), or a field is refused (named in `fields`)",
            ),
        );
    }
    if has_json_body {
        // `server::ServeLimits::request_timeout`: the body stalled.
        add(
            "408",
            error(
                "The body did not arrive in full within the server's request timeout (120 s unless set with `waymark serve --request-timeout`)",
            ),
        );
    }
    add("500", RefOr::Ref(Ref::from_response_name("ServerError")));
}

/// An error answer with the `ErrorJson` body.
fn error(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorJson")))
                    .build(),
            )
            .build(),
    )
}

/// The schema of a query day (`as_at`, `from`, `to`, `day`): an ISO date, or empty, which
/// reads as absent. (A day written as people write them, such as `8 Jan 2015`, is also read.)
pub(crate) fn query_day() -> Schema {
    or_empty(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
    )
}

/// The schema of a query `cursor`: a `next_cursor` as answers give it, or empty.
pub(crate) fn query_cursor() -> Schema {
    or_empty(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^at-[0-9]{1,18}$")),
    )
}

/// The schema of a query `page`: a whole number from 1, or empty, which reads as absent.
pub(crate) fn query_page() -> Schema {
    or_empty(
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1)),
    )
}

/// The schema of a query `limit`: 1 to 1,000, or empty, which reads as absent (100).
pub(crate) fn query_limit() -> Schema {
    or_empty(
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(1))
            .maximum(Some(1000)),
    )
}

/// The schema of a query `level`: a 32-bit number from 0, or empty, which reads as absent.
pub(crate) fn query_level() -> Schema {
    or_empty(
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(0)),
    )
}

/// The schema of a query flag that is `true` or `false`, or empty, which reads as `false`.
pub(crate) fn query_true_or_false() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["true", "false", ""]))
        .into()
}

/// The schema of a query `flag`: a data-quality flag's name, `due_soon` or `data_quality`.
pub(crate) fn query_flag() -> Schema {
    let mut names: Vec<&str> = waymark_core::Flag::ALL.iter().map(|f| f.name()).collect();
    names.extend(["due_soon", "data_quality"]);
    query_choice(&names)
}

/// The schema of a query `rag`.
pub(crate) fn query_rag() -> Schema {
    query_choice(&["red", "amber", "green", "blue", "none"])
}

/// The schema of a list's `sort`.
pub(crate) fn query_sort() -> Schema {
    query_choice(&["plan", "due", "rag", "updated", "relevance"])
}

/// The schema of a report's `layout`.
pub(crate) fn query_report_layout() -> Schema {
    query_choice(&["quarterly", "tracker", "progress"])
}

/// The schema of a report's `format`.
pub(crate) fn query_report_format() -> Schema {
    query_choice(&["pdf", "html", "docx", "xlsx"])
}

/// The financial years a period's pattern names: "2000-01" to "2098-99", each with the
/// year that follows it, as `Period::parse` requires.
fn financial_years(separator: &str) -> String {
    (2000..2099)
        .map(|start| format!("{start}{separator}{:02}", (start + 1) % 100))
        .collect::<Vec<_>>()
        .join("|")
}

/// The pattern of a reporting period as Waymark writes it: "Q2 2026-27", "P6 2026-27",
/// "September 2026" or a whole year, "2026-27". (Other spellings people write, such as
/// "2026-27 Q2" or "Sept 2026", are read too.)
fn period_pattern() -> String {
    let months =
        "January|February|March|April|May|June|July|August|September|October|November|December";
    let years = financial_years("-");
    format!("^(((Q[1-4]|P([1-9]|1[0-3])) )?({years})|({months}) 20[0-9][0-9])$")
}

/// The pattern of a financial year as a programme names it: "2024/25" (or "2024-25").
fn financial_year_pattern() -> String {
    format!("^({}|{})$", financial_years("/"), financial_years("-"))
}

/// The roles a request names, and the markings (clearances are markings too).
const ROLES: [&str; 4] = ["admin", "manager", "contributor", "viewer"];
const MARKINGS: [&str; 2] = ["OFFICIAL", "OFFICIAL-SENSITIVE"];

/// The schema of a reporting period in a body or a required query parameter.
pub(crate) fn report_period() -> Schema {
    text(period_pattern()).into()
}

/// The schema of an optional query period: a reporting period, or empty, which reads as absent.
pub(crate) fn query_period() -> Schema {
    or_empty(text(period_pattern()))
}

/// As [`report_period`], or empty or null, which read as absent.
pub(crate) fn report_period_or_null() -> Schema {
    or_empty_or_null(text(period_pattern()))
}

/// The schema of a financial year as a programme names it: "2024/25" (or "2024-25").
pub(crate) fn financial_year() -> Schema {
    text(financial_year_pattern()).into()
}

/// As [`financial_year`], or empty or null, which read as absent, in a body.
pub(crate) fn financial_year_or_null() -> Schema {
    or_empty_or_null(text(financial_year_pattern()))
}

/// As [`financial_year`], or empty, which reads as absent, in a query.
pub(crate) fn query_financial_year() -> Schema {
    or_empty(text(financial_year_pattern()))
}

/// A day (ISO) no later than today, or empty or null, which read as today.
pub(crate) fn day_until_today_or_empty() -> Schema {
    or_empty_or_null(crate::api::dated::day_until_today())
}

/// A day (ISO) no earlier than today.
pub(crate) fn day_from_today() -> Schema {
    crate::api::dated::day_from_today().into()
}

/// A quarter, four-week period or month begun by today.
pub(crate) fn period_begun() -> Schema {
    crate::api::dated::period_begun().into()
}

/// Spaces as the server trims them, any number of them (see [`NOT_ONLY_SPACES`]).
fn spaces() -> String {
    format!("[{}*", &NOT_ONLY_SPACES[2..])
}

/// Money as `core::programme::parse_money` reads it to an amount of £0 or more, in the plain
/// forms people write: "£1,350,000", "£150k", "1.2m", "£2bn", "nil". (The parser reads more,
/// such as sums and notes; those are not part of the contract.) Small enough for whole pence.
fn money_core(nil: bool) -> String {
    let fraction = "(\\.[0-9]{0,2})?";
    let plain = format!("([0-9]{{1,12}}|[0-9]{{1,3}}(,[0-9]{{3}}){{1,3}}){fraction}");
    let thousands = format!("([0-9]{{1,6}}|[0-9]{{1,3}},[0-9]{{3}}){fraction}");
    let billions = format!("[0-9]{{1,3}}{fraction}");
    let s = spaces();
    let amount = format!("£?{s}({plain}|{thousands}{s}[kKmM]|{billions}{s}[bB][nN])");
    if nil {
        // The words `parse_money` reads as £0.
        format!("{amount}|[nN][iI][lL]|[nN][oO][nN][eE]|£? ?-|[–—]")
    } else {
        amount
    }
}

/// A percentage more than 0 and at most 100 with at most two decimals, as the server reads
/// a fixed share ("22.5", "7", "100.00"), before its "%".
fn percent_core() -> &'static str {
    "(100(\\.0{0,2})?|(0?0?[1-9]|0?[1-9][0-9])(\\.[0-9]{0,2})?|0{1,3}\\.(0[1-9]|[1-9][0-9]?))"
}

/// `core`, with the spaces around it that the server trims, as the whole string.
fn trimmed(core: &str) -> String {
    let s = spaces();
    format!("^{s}({core}){s}$")
}

/// A percentage with or without its "%" ("22.5%", "7"), as a fixed-percentage basis reads.
pub(crate) fn percent_pattern() -> String {
    let s = spaces();
    trimmed(&format!("{}{s}%*", percent_core()))
}

/// As [`percent_pattern`], with its "%" (how an external share says it is a percentage).
pub(crate) fn percent_sign_pattern() -> String {
    let s = spaces();
    trimmed(&format!("{}{s}%+", percent_core()))
}

/// Money of £0 or more, as [`money_core`].
pub(crate) fn money_pattern() -> String {
    trimmed(&money_core(true))
}

/// Money written as an amount, without the words for nothing: more than £0 where it has a
/// digit that is not 0 (two decimals at most, so a penny at least; see [`basis_figure`]).
pub(crate) fn money_amount_pattern() -> String {
    trimmed(&money_core(false))
}

/// Words for an amount not known yet ("tbc", "xxx"), kept not known.
fn unknown_money_core() -> String {
    "[tT][bB][aAcCdD]|[xX]{2,12}|\\?{1,2}|[uU][nN][kK][nN][oO][wW][nN]".to_string()
}

/// Only spaces, or nothing: a field left blank.
pub(crate) fn blank_pattern() -> String {
    format!("^{}$", spaces())
}

/// Money of £0 or more (a programme's cost, a saving a year).
pub(crate) fn programme_money() -> Schema {
    text(money_pattern()).into()
}

/// A funding line's amount: money of £0 or more, or not known yet ("tbc").
pub(crate) fn funding_amount() -> Schema {
    text(trimmed(&format!(
        "{}|{}",
        money_core(true),
        unknown_money_core()
    )))
    .into()
}

/// A basis figure: money more than £0, or a percentage (which one `kind` says): either has
/// a digit that is not 0.
pub(crate) fn basis_figure() -> Schema {
    let either = text(format!("{}|{}", money_amount_pattern(), percent_pattern()));
    crate::api::schema_rules::with_keywords(
        either,
        serde_json::json!({"allOf": [{"pattern": "[1-9]"}]}),
    )
    .into()
}

/// An external funder's part: a percentage with its "%", money of £0 or more, or blank.
pub(crate) fn external_share() -> Schema {
    text(format!(
        "{}|{}|{}",
        percent_sign_pattern(),
        money_pattern(),
        blank_pattern()
    ))
    .into()
}

/// A line of 1 to 200 characters once the spaces around it are trimmed, as the server counts
/// (a source): spaces around it are not counted.
pub(crate) fn programme_line() -> Schema {
    text(trimmed_line_pattern(200, false)).into()
}

/// As [`programme_line`], or blank (a cost's name, an external funder).
pub(crate) fn line_or_blank() -> Schema {
    text(trimmed_line_pattern(200, true)).into()
}

/// A board's name: 120 characters or fewer once trimmed, blank or null for a plan manager.
pub(crate) fn board_or_blank() -> Schema {
    or_null(text(trimmed_line_pattern(120, true)))
}

/// Text whose first and last characters that are not spaces are at most `most` characters
/// apart: `most` once trimmed, as the server counts (`text::required_line`).
fn trimmed_line_pattern(most: usize, blank: bool) -> String {
    let s = spaces();
    let word = NOT_ONLY_SPACES;
    let between = most.saturating_sub(2);
    let line = format!("{word}([\\s\\S]{{0,{between}}}{word})?");
    let line = if blank { format!("({line})?") } else { line };
    format!("^{s}{line}{s}$")
}

/// A basis: what a participant's share is in proportion to.
pub(crate) fn basis_kind() -> Schema {
    choice(&BASIS_KINDS).into()
}

/// How a cost is shared: in proportion to a basis (by its word, or as the facts write it,
/// "proportional:police-grant"), equally, or in fixed amounts.
pub(crate) fn share_method() -> Schema {
    let proportional: Vec<String> = BASIS_KINDS
        .iter()
        .map(|kind| format!("proportional:{kind}"))
        .collect();
    let mut methods = BASIS_KINDS.to_vec();
    methods.extend(proportional.iter().map(String::as_str));
    methods.extend(["equal", "fixed-amounts"]);
    choice(&methods).into()
}

pub(crate) const BASIS_KINDS: [&str; 3] = [
    "police-grant",
    "net-revenue-expenditure",
    "fixed-percentage",
];

/// Whether an amount comes once or every year.
pub(crate) fn recurrence() -> Schema {
    choice(&["one-off", "recurring"]).into()
}

/// Whether funding is agreed or still hoped for.
pub(crate) fn certainty() -> Schema {
    choice(&["secured", "expected"]).into()
}

/// Whether a saving releases money.
pub(crate) fn saving_kind() -> Schema {
    choice(&["cashable", "non-cashable"]).into()
}

/// Whether a saving is planned or realised.
pub(crate) fn saving_stage() -> Schema {
    choice(&["planned", "realised"]).into()
}

/// As [`financial_year`], or blank (a recurring saving's last year).
pub(crate) fn financial_year_or_blank() -> Schema {
    text(format!("{}|{}", financial_year_pattern(), blank_pattern())).into()
}

/// A day (ISO), or blank, in a body whose field is text.
pub(crate) fn day_or_blank() -> Schema {
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
        )
        .item(text(blank_pattern()))
        .into()
}

/// A day (ISO) in a body, or empty or null, which read as absent.
pub(crate) fn day_or_empty() -> Schema {
    or_empty_or_null(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
    )
}

/// Some words: 1 to 2,000 characters, at least one of them not a space (an item's wording,
/// a reason).
pub(crate) fn some_words() -> Schema {
    words_of_at_most(2000).into()
}

/// 1 to 200 characters, at least one of them not a space (a title, a name).
pub(crate) fn words_200() -> Schema {
    words_of_at_most(200).into()
}

/// 1 to 500 characters, at least one of them not a space (a reason).
pub(crate) fn words_500() -> Schema {
    words_of_at_most(500).into()
}

/// 1 to 10,000 characters, at least one of them not a space (an update).
pub(crate) fn words_10000() -> Schema {
    words_of_at_most(10_000).into()
}

/// A plan's kind (one of Waymark's or a word of the plan's own, 40 characters or fewer), or
/// null or empty for the default.
pub(crate) fn plan_kind_or_null() -> Schema {
    or_null(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(40)),
    )
}

/// A plan's level names, top level first: at most six, each one line of 60 characters or
/// fewer (blank ones are dropped).
pub(crate) fn level_names() -> Schema {
    level_names_array().into()
}

/// As [`level_names`], or null for the kind's own.
pub(crate) fn level_names_or_null() -> Schema {
    OneOfBuilder::new()
        .item(level_names_array())
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

fn level_names_array() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(text("^[^\\n]*$").max_length(Some(60)))
        .max_items(Some(waymark_app::plans::MOST_LEVELS))
}

/// The posts answerable for a plan, each one line of 200 characters or fewer.
pub(crate) fn owner_posts() -> Schema {
    owner_posts_array().into()
}

/// As [`owner_posts`], or null for none.
pub(crate) fn owner_posts_or_null() -> Schema {
    OneOfBuilder::new()
        .item(owner_posts_array())
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

fn owner_posts_array() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new().items(text("^[^\\n]*$").max_length(Some(200)))
}

/// Owner posts to give: a list of one or more posts, or one string with posts separated by
/// " / " as trackers write them; each with some words.
pub(crate) fn some_owners() -> Schema {
    OneOfBuilder::new()
        .item(
            utoipa::openapi::schema::ArrayBuilder::new()
                .items(words_of_at_most(200))
                .min_items(Some(1)),
        )
        .item(words_of_at_most(2000))
        .into()
}

/// 1 to `most` characters, at least one of them not a space.
fn words_of_at_most(most: usize) -> ObjectBuilder {
    text(trimmed_line_pattern(most, false))
}

/// Some character that is not a space as the server trims text (Unicode's White_Space, as
/// Rust's `char::is_whitespace`), spelled out: `\S` differs between pattern engines (Python's
/// counts U+0085 and U+001C–U+001F as spaces, ECMAScript's does not).
pub(crate) const NOT_ONLY_SPACES: &str = "[^\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";

/// An email address as Waymark reads one: a name, "@", and a domain with a dot inside it; no
/// spaces or control characters.
pub(crate) fn email_address() -> Schema {
    // The start of a character class: neither "@", a space nor a control character.
    let part = "[^@\\s\\u0000-\\u001F\\u007F-\\u009F";
    let name = format!("{part}]+");
    let domain = format!("{part}.]{part}]*\\.{part}]*{part}.]");
    text(format!("^{name}@{domain}$"))
        .max_length(Some(254))
        .into()
}

/// A new password: 12 to 256 characters, and not one of the commonest passwords.
pub(crate) fn new_password() -> Schema {
    let length = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(waymark_app::password::MIN_PASSWORD_CHARS))
        .max_length(Some(256));
    crate::api::schema_rules::with_keywords(
        length,
        serde_json::json!({"not": {"pattern": crate::api::schema_rules::common_password_pattern()}}),
    )
    .into()
}

/// A clearance: the most sensitive marking a person may see.
pub(crate) fn clearance_word() -> Schema {
    choice(&MARKINGS).into()
}

/// How a share lets the other organisation in, or empty or null for read.
pub(crate) fn share_access_or_null() -> Schema {
    or_empty_or_null(choice(&["read", "contribute"]))
}

/// One or more ids, or null.
pub(crate) fn some_ids_or_null() -> Schema {
    OneOfBuilder::new()
        .item(
            utoipa::openapi::schema::ArrayBuilder::new()
                .items(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
                )
                .min_items(Some(1)),
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

/// A marking as a multipart form names it, or empty for the default.
pub(crate) fn marking_or_empty() -> Schema {
    or_empty(choice(&MARKINGS))
}

/// A marking as a request names it (a thing's marking, a person's clearance, a share's
/// ceiling), or empty or null for the default (OFFICIAL, or what the thing takes from its plan).
pub(crate) fn marking_or_null() -> Schema {
    or_empty_or_null(choice(&MARKINGS))
}

/// A marking's descriptor, or null.
pub(crate) fn descriptor_or_null() -> Schema {
    or_empty_or_null(choice(&["PERSONAL", "COMMERCIAL", "LOCSEN"]))
}

/// What a piece of writing for a period is about.
pub(crate) fn narrative_kind() -> Schema {
    choice(&["summary", "objective", "indicator"]).into()
}

/// A RAG an item is given (Blue comes from closing it), or null for not assessed.
pub(crate) fn item_rag_or_null() -> Schema {
    or_null(choice(&["Red", "Amber", "Green"]))
}

/// The RAG an update proposes, or null for none.
pub(crate) fn update_rag_or_null() -> Schema {
    or_null(choice(&["Red", "Amber", "Green", "Blue"]))
}

/// How often a plan's items are updated (weekly, monthly, quarterly or every so many
/// days; empty for the default), or null for the default.
pub(crate) fn update_cycle_or_null() -> Schema {
    or_null(update_cycle())
}

fn update_cycle() -> ObjectBuilder {
    text("^(|weekly|monthly|quarterly|[1-9][0-9]{0,8}( days)?)$")
}

/// What kind of organisation one is, or null for a partner.
pub(crate) fn organisation_kind_or_null() -> Schema {
    or_null(choice(&[
        "force",
        "pcc-office",
        "local-authority",
        "partner",
    ]))
}

/// A report's layout in a body, or null for quarterly.
pub(crate) fn report_layout_or_null() -> Schema {
    or_empty_or_null(choice(&["quarterly", "tracker", "progress"]))
}

/// The schema of a role as a request names it.
pub(crate) fn role_word() -> Schema {
    choice(&ROLES).into()
}

/// A role as a request names it, or null for none.
pub(crate) fn role_or_null() -> Schema {
    or_null(choice(&ROLES))
}

/// A string matching `pattern`.
fn text(pattern: impl Into<String>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern.into()))
}

/// One of `values`, exactly.
fn choice(values: &[&str]) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
}

/// One of `values`, or empty, which reads as absent.
fn query_choice(values: &[&str]) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied().chain([""])))
        .into()
}

/// The empty string.
fn empty() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(0))
}

/// `schema`, or the empty string: a query parameter given empty is read as absent.
fn or_empty(schema: ObjectBuilder) -> Schema {
    OneOfBuilder::new().item(schema).item(empty()).into()
}

/// `schema`, or null.
fn or_null(schema: ObjectBuilder) -> Schema {
    OneOfBuilder::new()
        .item(schema)
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

/// `schema`, the empty string or null: a body's field given either is read as absent.
fn or_empty_or_null(schema: ObjectBuilder) -> Schema {
    OneOfBuilder::new()
        .item(schema)
        .item(empty())
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

/// `GET /api/openapi.json`, with the day's patterns of what is judged against today.
pub async fn document(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
) -> Result<Json<serde_json::Value>, crate::error::AppError> {
    let mut document = serde_json::to_value(ApiDoc::openapi())
        .map_err(|e| crate::error::AppError::Internal(format!("the OpenAPI document: {e}")))?;
    crate::api::dated::fill(&mut document, state.app.today());
    Ok(Json(document))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    #[test]
    fn every_operation_lists_its_error_responses_each_with_the_error_body() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let resolve = |response: &serde_json::Value| -> serde_json::Value {
            match response["$ref"].as_str() {
                Some(reference) => {
                    let name = reference.trim_start_matches("#/components/responses/");
                    doc["components"]["responses"][name].clone()
                }
                None => response.clone(),
            }
        };
        let mut operations = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                operations += 1;
                let writes = method != "get" && method != "head";
                let parameters = operation["parameters"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let has = |place: &str| parameters.iter().any(|p| p["in"] == place);
                let responses = operation["responses"].as_object().unwrap();
                let mut expected = vec!["401", "500"];
                if has("path") {
                    expected.push("404");
                }
                if has("query") || writes {
                    expected.push("422");
                }
                if writes {
                    expected.push("403");
                }
                let body = &operation["requestBody"];
                if body.is_object() {
                    expected.push("422");
                }
                if body["content"]["application/json"].is_object() {
                    expected.push("408");
                }
                for status in expected {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} does not list {status}"
                    );
                }
                assert!(
                    responses.keys().any(|status| status.starts_with('2')),
                    "{method} {path} lists no success"
                );
                for (status, response) in responses {
                    if status.as_str() < "400" {
                        continue;
                    }
                    let response = resolve(response);
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorJson",
                        "{method} {path} {status}: {response}"
                    );
                    assert!(
                        response["description"]
                            .as_str()
                            .is_some_and(|d| !d.is_empty())
                    );
                }
            }
        }
        assert!(operations >= 49, "only {operations} operations");
    }

    #[test]
    fn every_path_parameter_is_declared_where_its_path_names_it() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        if std::env::var_os("WAYMARK_PRINT_OPENAPI").is_some() {
            println!("{}", serde_json::to_string_pretty(&doc).unwrap());
        }
        for (path, operations) in doc["paths"].as_object().unwrap() {
            let named: Vec<&str> = path
                .split('/')
                .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            for (method, operation) in operations.as_object().unwrap() {
                let declared: Vec<&str> = operation["parameters"]
                    .as_array()
                    .map(|params| {
                        params
                            .iter()
                            .filter(|p| p["in"] == "path")
                            .map(|p| p["name"].as_str().unwrap())
                            .collect()
                    })
                    .unwrap_or_default();
                assert_eq!(declared, named, "{method} {path}");
            }
        }
    }
}
