//! The OpenAPI 3 description of the JSON API, generated from the handlers' annotations so it
//! cannot drift from the code, served at `/api/openapi.json` without sign-in. Every operation
//! is registered here, in one list; a test walks the router's routes against it.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

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
                       the GET they read: without one they get 428, and a stale one 409 with \
                       the thing as it now is. Every error is an ErrorJson. Dates are ISO \
                       (2015-02-16), instants RFC 3339 in UTC, field names snake_case."
    ),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("session" = [])),
    paths(
        crate::api::session,
        crate::api::plans,
        crate::api::plan_reads::items,
        crate::api::check,
        crate::api::create_update,
        crate::api::indicators::indicators,
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
        crate::api::reports::report_file,
        crate::api::reports::publish_report,
        crate::api::reports::published_reports,
        crate::api::reports::published_file,
        crate::api::reports::withdraw_report,
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

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

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
