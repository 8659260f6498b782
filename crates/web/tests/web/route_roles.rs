//! Every route × every kind of person: the routes are read from the router's source and from
//! `/api/openapi.json`, each (method, path) has one row in `ROWS` with the target its path
//! parameters name and the rule of who may use it, and each row is sent by each actor and the
//! answer's class (allowed, refused, sign-in needed) compared with the rule's. A route with no
//! row, or a row with no route, fails the test; so does any mismatch, all of them listed.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use waymark_core::{Marking, OrganisationKind, Role};
use waymark_store::NewPerson;

use crate::helpers::{PASSWORD, TestApp, spawn_app};

/// Who may use a route.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Anyone signed in (their own account, the pages every person has).
    SignedIn,
    /// Anyone who may read the target's plan.
    Reader,
    /// Anyone who may change the target item's updates and RAG (its owner's post, or a manager).
    Updater,
    /// A plan manager of the target's plan (or of the organisation when there is no target).
    Manager,
    /// The organisation's administrator.
    Admin,
}

/// What a row's path parameters name.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    None,
    /// The test force's plan.
    OwnPlan,
    /// The contributor's action in the own plan.
    Item,
    /// Another force's plan: every row with `OwnPlan` is also sent with it.
    OtherPlan,
    /// An OFFICIAL-SENSITIVE item of the own plan: every row with `Item` is also sent with it.
    Sensitive,
    /// A person of the test force (the viewer), for the people routes.
    Person,
    /// A thing that does not exist (an indicator, report, share, token or import no one made):
    /// every signed-in actor is refused, and nobody learns more than "sign in".
    Missing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Actor {
    Nobody,
    Viewer,
    Contributor,
    Manager,
    Admin,
    /// A council's person (a viewer) whose council has a read share of the own plan up to
    /// OFFICIAL.
    PartnerWithShare,
    /// A council's person: their organisation has no share of the test force's plan.
    PartnerWithoutShare,
    /// A contributor of another force.
    OtherForce,
}

const ACTORS: [Actor; 8] = [
    Actor::Nobody,
    Actor::Viewer,
    Actor::Contributor,
    Actor::Manager,
    Actor::Admin,
    Actor::PartnerWithShare,
    Actor::PartnerWithoutShare,
    Actor::OtherForce,
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    Allowed,
    Refused,
    SignInNeeded,
    Other(u16),
}

struct Row {
    method: &'static str,
    path: &'static str,
    target: Target,
    /// A form (`a=b&c=d`, pages) or JSON (API) body that a permitted request could send.
    body: &'static str,
    rule: Rule,
}

const fn row(
    method: &'static str,
    path: &'static str,
    target: Target,
    body: &'static str,
    rule: Rule,
) -> Row {
    Row {
        method,
        path,
        target,
        body,
        rule,
    }
}

use Rule::{Admin, Manager, Public, Reader, SignedIn, Updater};
use Target::{Item, Missing, OwnPlan, Person};
const NO: Target = Target::None;

const ROWS: &[Row] = &[
    // Assets, health, sign-in and the API's description.
    row("GET", "/assets/app.css", NO, "", Public),
    row("GET", "/assets/app.js", NO, "", Public),
    row("GET", "/assets/favicon.svg", NO, "", Public),
    row("GET", "/assets/govuk-frontend.min.css", NO, "", Public),
    row("GET", "/assets/govuk-frontend.min.js", NO, "", Public),
    row("GET", "/health", NO, "", Public),
    row("GET", "/sign-in", NO, "", Public),
    row(
        "POST",
        "/sign-in",
        NO,
        "email=x%40y.example&password=wrong",
        Public,
    ),
    row("POST", "/sign-out", NO, "", SignedIn),
    row("GET", "/api/openapi.json", NO, "", Public),
    // Pages every signed-in person has.
    row("GET", "/", NO, "", SignedIn),
    row("GET", "/my-actions", NO, "", SignedIn),
    row("GET", "/account", NO, "", SignedIn),
    row(
        "POST",
        "/account/password",
        NO,
        "current=a+long+test+password&new=another+long+password&confirm=another+long+password",
        SignedIn,
    ),
    row("POST", "/account/tokens", NO, "name=Nightly", SignedIn),
    row("POST", "/account/tokens/{id}/revoke", Missing, "", SignedIn),
    row("GET", "/api/session", NO, "", SignedIn),
    row("GET", "/api/plans", NO, "", SignedIn),
    row("GET", "/api/tokens", NO, "", SignedIn),
    row("POST", "/api/tokens", NO, r#"{"name":"Nightly"}"#, SignedIn),
    row("POST", "/api/tokens/{id}/revoke", Missing, "", SignedIn),
    // Reading a plan.
    row("GET", "/plans/{id}", OwnPlan, "", Reader),
    row("GET", "/plans/{id}/changes", OwnPlan, "", Reader),
    row("GET", "/plans/{id}/export", OwnPlan, "", Reader),
    row("GET", "/plans/{id}/indicators", OwnPlan, "", Reader),
    row("GET", "/plans/{id}/reports", OwnPlan, "", Reader),
    row(
        "GET",
        "/plans/{id}/reports/download",
        OwnPlan,
        "layout=tracker&format=html",
        Reader,
    ),
    row(
        "POST",
        "/plans/{id}/reports/download",
        OwnPlan,
        "layout=tracker&format=html",
        Reader,
    ),
    row(
        "POST",
        "/plans/{id}/reports/check",
        OwnPlan,
        "layout=tracker",
        Reader,
    ),
    row("GET", "/items/{id}", Item, "", Reader),
    row("GET", "/api/plans/{id}", OwnPlan, "", Reader),
    row("GET", "/api/plans/{id}/items", OwnPlan, "", Reader),
    row("GET", "/api/plans/{id}/check", OwnPlan, "", Reader),
    row(
        "GET",
        "/api/plans/{id}/search",
        OwnPlan,
        "q=guidance",
        Reader,
    ),
    row("GET", "/api/plans/{id}/changes", OwnPlan, "", Reader),
    row("GET", "/api/plans/{id}/indicators", OwnPlan, "", Reader),
    row(
        "GET",
        "/api/plans/{id}/report",
        OwnPlan,
        "layout=tracker&format=html",
        Reader,
    ),
    row("GET", "/api/plans/{id}/reports", OwnPlan, "", Reader),
    row("GET", "/api/items/{id}", Item, "", Reader),
    row("GET", "/indicators/{id}", Missing, "", Reader),
    row("GET", "/api/indicators/{id}", Missing, "", Reader),
    row("GET", "/reports/{id}/{format}", Missing, "", Reader),
    row("GET", "/api/reports/{id}/{format}", Missing, "", Reader),
    // Updates and RAG on an owned item.
    row("POST", "/items/{id}", Item, "text=Progress+made", Updater),
    row(
        "POST",
        "/api/items/{id}/updates",
        Item,
        r#"{"text":"Progress made"}"#,
        Updater,
    ),
    row("POST", "/indicators/{id}", Missing, "", Updater),
    row(
        "POST",
        "/api/indicators/{id}/measurements",
        Missing,
        "{}",
        Updater,
    ),
    // A plan's structure, imports, publishing, sharing.
    row("GET", "/plans/new", NO, "", Manager),
    row("POST", "/plans/new", NO, "title=New+plan", Manager),
    row("GET", "/plans/{id}/edit", OwnPlan, "", Manager),
    row(
        "POST",
        "/plans/{id}/edit",
        OwnPlan,
        "title=Renamed",
        Manager,
    ),
    row("GET", "/plans/{id}/archive", OwnPlan, "", Manager),
    row("POST", "/plans/{id}/archive", OwnPlan, "", Manager),
    row("POST", "/plans/{id}/restore", OwnPlan, "", Manager),
    row("GET", "/plans/{id}/items/new", OwnPlan, "", Manager),
    row(
        "POST",
        "/plans/{id}/items/new",
        OwnPlan,
        "text=New+item",
        Manager,
    ),
    row("POST", "/plans/{id}/owners", OwnPlan, "", Manager),
    row(
        "POST",
        "/plans/{id}/reports/publish",
        OwnPlan,
        "layout=tracker",
        Manager,
    ),
    row("POST", "/plans/{id}/reports/settings", OwnPlan, "", Manager),
    // Reading the glossary is reading the plan's report; changing it is the manager's.
    row("GET", "/plans/{id}/reports/glossary", OwnPlan, "", Reader),
    row(
        "POST",
        "/plans/{id}/reports/glossary",
        OwnPlan,
        "acronym=PCC&meaning=Police",
        Manager,
    ),
    row(
        "POST",
        "/plans/{id}/reports/glossary/remove",
        OwnPlan,
        "acronym=PCC",
        Manager,
    ),
    row("GET", "/plans/{id}/sharing", OwnPlan, "", Manager),
    row("POST", "/plans/{id}/sharing", OwnPlan, "", Manager),
    row("POST", "/items/{id}/edit", Item, "text=Edited", Manager),
    row("POST", "/items/{id}/move", Item, "", Manager),
    row("POST", "/items/{id}/reorder", Item, "", Manager),
    // Closing and reopening is progress: the owner's post may, as with an update.
    row("POST", "/items/{id}/close", Item, "", Updater),
    row("POST", "/items/{id}/reopen", Item, "", Updater),
    row("GET", "/items/{id}/archive", Item, "", Manager),
    row("POST", "/items/{id}/archive", Item, "", Manager),
    row("POST", "/items/{id}/restore", Item, "", Manager),
    row("POST", "/reports/{id}/withdraw", Missing, "", Manager),
    row("POST", "/shares/{id}/revoke", Missing, "", Manager),
    // The upload form lists only the plans the person manages (none for a viewer, a partner or
    // another force's contributor); the preview and its confirmation are the manager's.
    row("GET", "/imports/new", NO, "", SignedIn),
    row("POST", "/imports/preview", NO, "", Manager),
    row("POST", "/imports/{token}/confirm", Missing, "", Manager),
    row("GET", "/imports/{token}/findings.csv", Missing, "", Manager),
    row("POST", "/api/plans", NO, r#"{"title":"New plan"}"#, Manager),
    row(
        "PATCH",
        "/api/plans/{id}",
        OwnPlan,
        r#"{"title":"Renamed"}"#,
        Manager,
    ),
    row("POST", "/api/plans/{id}/archive", OwnPlan, "{}", Manager),
    row("POST", "/api/plans/{id}/restore", OwnPlan, "{}", Manager),
    row(
        "POST",
        "/api/plans/{id}/items",
        OwnPlan,
        r#"{"text":"New item"}"#,
        Manager,
    ),
    row("POST", "/api/plans/{id}/owners", OwnPlan, "{}", Manager),
    row("POST", "/api/plans/{id}/reports", OwnPlan, "{}", Manager),
    row("GET", "/api/plans/{id}/shares", OwnPlan, "", Manager),
    row(
        "POST",
        "/api/plans/{id}/shares",
        OwnPlan,
        r#"{"with":"CNL","access":"read","ceiling":"OFFICIAL"}"#,
        Manager,
    ),
    row(
        "PATCH",
        "/api/items/{id}",
        Item,
        r#"{"text":"Edited"}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/items/{id}/move",
        Item,
        r#"{"parent":null}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/items/{id}/reorder",
        Item,
        r#"{"direction":"up"}"#,
        Manager,
    ),
    row("POST", "/api/items/{id}/close", Item, "{}", Updater),
    row("POST", "/api/items/{id}/reopen", Item, "{}", Updater),
    row("POST", "/api/items/{id}/archive", Item, "{}", Manager),
    row("POST", "/api/items/{id}/restore", Item, "{}", Manager),
    row(
        "POST",
        "/api/reports/{id}/withdraw",
        Missing,
        r#"{"reason":"Wrong figures"}"#,
        Manager,
    ),
    row("POST", "/api/shares/{id}/revoke", Missing, "{}", Manager),
    row("POST", "/api/imports", NO, "", Manager),
    row(
        "POST",
        "/api/imports/{token}/confirm",
        Missing,
        "{}",
        Manager,
    ),
    // People, roles, partners and the audit trail.
    row("GET", "/people", NO, "", Admin),
    row("POST", "/people", NO, "", Admin),
    row("GET", "/organisations", NO, "", Admin),
    row("POST", "/organisations", NO, "", Admin),
    row("GET", "/audit", NO, "", Admin),
    row("GET", "/audit.csv", NO, "", Admin),
    row("GET", "/api/people", NO, "", Admin),
    row(
        "POST",
        "/api/people",
        NO,
        r#"{"email":"new@test.example","name":"Nia New","password":"a long new password","role":"viewer"}"#,
        Admin,
    ),
    row("PUT", "/api/people/{id}/roles", Person, "{}", Admin),
    row(
        "PUT",
        "/api/people/{id}/clearance",
        Person,
        r#"{"clearance":"OFFICIAL"}"#,
        Admin,
    ),
    row(
        "PUT",
        "/api/people/{id}/password",
        Person,
        r#"{"password":"another long password"}"#,
        Admin,
    ),
    row(
        "POST",
        "/api/people/{id}/posts",
        Person,
        r#"{"new_post":"Duty Inspector"}"#,
        Admin,
    ),
    row(
        "POST",
        "/api/people/{id}/posts/{post}/leave",
        Person,
        r#"{"until":"2015-02-16"}"#,
        Admin,
    ),
    row("GET", "/api/organisations", NO, "", Admin),
    row(
        "POST",
        "/api/organisations",
        NO,
        r#"{"code":"NEWC","name":"New Council","kind":"council"}"#,
        Admin,
    ),
    row("GET", "/api/audit", NO, "", Admin),
    row("GET", "/api/audit.csv", NO, "", Admin),
];

/// What `actor` should get from `row`, or `None` when it is not sent: a permitted write (it
/// would change what the other rows see; the other tests cover them).
fn expected(row: &Row, target: Target, actor: Actor) -> Class {
    use Actor as A;
    let rule = row.rule;
    if let Rule::Public = rule {
        return Class::Allowed;
    }
    if actor == A::Nobody {
        return Class::SignInNeeded;
    }
    if target == Missing {
        return Class::Refused;
    }
    if target == Target::OtherPlan {
        // Another force's plan: its own contributor reads it; nobody else learns it exists.
        return match (actor, rule) {
            (A::OtherForce, Rule::Reader) => Class::Allowed,
            _ => Class::Refused,
        };
    }
    // Above the viewer's clearance and the share's ceiling: not found.
    if target == Target::Sensitive && matches!(actor, A::Viewer | A::PartnerWithShare) {
        return Class::Refused;
    }
    if actor == A::PartnerWithShare {
        // A read share: the shared plan is read, nothing else of the force's is reached.
        return match (rule, target) {
            (Rule::SignedIn, _) => Class::Allowed,
            (Rule::Reader, OwnPlan | Item | Target::Sensitive) => Class::Allowed,
            _ => Class::Refused,
        };
    }
    let outsider = matches!(actor, A::PartnerWithoutShare | A::OtherForce);
    if outsider && matches!(target, OwnPlan | Item | Target::Sensitive | Person) {
        return Class::Refused;
    }
    let allowed = match rule {
        Rule::Public | Rule::SignedIn => true,
        Rule::Reader => true,
        Rule::Updater => {
            matches!(actor, A::Manager | A::Admin) || (actor == A::Contributor && target == Item)
        }
        Rule::Manager => matches!(actor, A::Manager | A::Admin),
        Rule::Admin => actor == A::Admin,
    };
    if allowed {
        Class::Allowed
    } else {
        Class::Refused
    }
}

fn classify(status: StatusCode, location: Option<&str>) -> Class {
    match status.as_u16() {
        200..=299 => Class::Allowed,
        303 if location.is_some_and(|l| l.starts_with("/sign-in")) => Class::SignInNeeded,
        300..=399 => Class::Allowed,
        401 => Class::SignInNeeded,
        403 | 404 => Class::Refused,
        other => Class::Other(other),
    }
}

/// Every `(METHOD, path)` the router's source registers with `.route(…)`.
fn source_routes() -> BTreeSet<(String, String)> {
    let mut files = vec![];
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut routes = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let bytes = source.as_bytes();
        let mut from = 0;
        while let Some(found) = source[from..].find(".route(") {
            let start = from + found + ".route(".len();
            // The call's arguments, to the parenthesis that closes it.
            let mut depth = 1;
            let mut end = start;
            while depth > 0 {
                match bytes[end] {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
                end += 1;
            }
            let args = &source[start..end - 1];
            from = end;
            let Some(open) = args.find('"') else { continue };
            let path = args[open + 1..].split('"').next().unwrap().to_string();
            // Method calls at the arguments' own depth: `get(…)`, `.post(…)`, `routing::put(…)`.
            let mut depth = 0;
            let a = args.as_bytes();
            for (i, c) in a.iter().enumerate() {
                match c {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ if depth == 0 => {
                        for method in ["get", "post", "patch", "put", "delete"] {
                            let boundary =
                                i == 0 || !(a[i - 1].is_ascii_alphanumeric() || a[i - 1] == b'_');
                            if boundary && args[i..].starts_with(&format!("{method}(")) {
                                routes.insert((method.to_uppercase(), path.clone()));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    routes
}

/// Tables a refused write may still change. None: not even the audit trail or the sessions
/// move when a write is refused.
const CHANGE_ON_ANY_REQUEST: &[&str] = &[];

/// Every table's row count and a checksum of its rows, read straight from the SQLite file.
async fn snapshot(db: &sqlx::SqlitePool) -> Vec<(String, i64, u64)> {
    use sqlx::Row;
    use std::hash::{Hash, Hasher};
    let tables: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(db)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<String, _>(0))
    .collect();
    let mut out = vec![];
    for table in tables {
        let columns: Vec<String> = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{table}')"
        )))
        .fetch_all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| format!("quote(\"{}\")", r.get::<String, _>(0)))
        .collect();
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT count(*), coalesce(group_concat({}, '|'), '') FROM (SELECT * FROM \"{table}\" ORDER BY 1)",
            columns.join(" || ',' || ")
        )))
        .fetch_one(db)
        .await
        .unwrap();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        row.get::<String, _>(1).hash(&mut hasher);
        out.push((table, row.get::<i64, _>(0), hasher.finish()));
    }
    out
}

/// A signed-in actor's means: a cookie session with its CSRF token for pages, a bearer token
/// for the API.
struct Means {
    client: reqwest::Client,
    csrf: String,
    token: Option<String>,
}

async fn means_for(app: &TestApp, email: Option<&str>) -> Means {
    let client = TestApp::new_client();
    let Some(email) = email else {
        return Means {
            client,
            csrf: String::new(),
            token: None,
        };
    };
    let signed_in = app.sign_in_as(&client, email).await;
    assert_eq!(signed_in.status(), 303, "{email}");
    let session: Value = client
        .get(app.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = session["csrf_token"].as_str().unwrap().to_string();
    let created: Value = client
        .post(app.url("/api/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"name": "route roles"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Means {
        client,
        csrf,
        token: Some(created["token"].as_str().unwrap().to_string()),
    }
}

async fn add_person(
    app: &TestApp,
    org: waymark_core::OrgId,
    email: &str,
    role: Role,
    clearance: Marking,
) -> i64 {
    let hash = waymark_app::password::hash_now(PASSWORD).unwrap();
    let user = app
        .store
        .create_person(
            &NewPerson {
                org,
                email: email.into(),
                name: email.into(),
                password_hash: hash,
                role,
                clearance,
            },
            None,
        )
        .await
        .unwrap();
    user.id.0
}

#[tokio::test]
async fn every_route_answers_every_kind_of_person_as_its_rule_says() {
    let started = std::time::Instant::now();
    let app = spawn_app().await;

    // Completeness: the source's routes, the OpenAPI document's operations and the table.
    let mut problems = vec![];
    let table: BTreeSet<(String, String)> = ROWS
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(table.len(), ROWS.len(), "a (method, path) has two rows");
    let source = source_routes();
    let document: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut openapi = BTreeSet::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                openapi.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    for route in source.difference(&table) {
        problems.push(format!(
            "{} {} is routed in the source but has no row",
            route.0, route.1
        ));
    }
    for route in openapi.difference(&table) {
        problems.push(format!(
            "{} {} is in the OpenAPI document but has no row",
            route.0, route.1
        ));
    }
    for route in table.difference(&source) {
        problems.push(format!("{} {} has a row but no route", route.0, route.1));
    }
    assert!(
        problems.is_empty(),
        "{} routes and rows disagree:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let paths: BTreeSet<&String> = source.iter().map(|(_, p)| p).collect();
    println!(
        "{} paths, {} method+path pairs in the source, {} operations in the OpenAPI document",
        paths.len(),
        source.len(),
        openapi.len()
    );

    // The people.
    let tst = app
        .store
        .organisation_by_code("TST")
        .await
        .unwrap()
        .unwrap()
        .id;
    let viewer = add_person(
        &app,
        tst,
        "viewer@test.example",
        Role::Viewer,
        Marking::Official,
    )
    .await;
    add_person(
        &app,
        tst,
        "manager@test.example",
        Role::PlanManager,
        Marking::OfficialSensitive,
    )
    .await;
    let council = app
        .store
        .create_organisation_of_kind("CNL", "Test City Council", OrganisationKind::LocalAuthority)
        .await
        .unwrap();
    add_person(
        &app,
        council.id,
        "partner@council.example",
        Role::Viewer,
        Marking::Official,
    )
    .await;
    let shire = app
        .store
        .create_organisation_of_kind(
            "SHC",
            "Shire County Council",
            OrganisationKind::LocalAuthority,
        )
        .await
        .unwrap();
    add_person(
        &app,
        shire.id,
        "partner@shire.example",
        Role::Viewer,
        Marking::OfficialSensitive,
    )
    .await;
    let mut means = std::collections::BTreeMap::new();
    for actor in ACTORS {
        let email = match actor {
            Actor::Nobody => None,
            Actor::Viewer => Some("viewer@test.example"),
            Actor::Contributor => Some("owner@test.example"),
            Actor::Manager => Some("manager@test.example"),
            Actor::Admin => Some("admin@test.example"),
            Actor::PartnerWithShare => Some("partner@shire.example"),
            Actor::PartnerWithoutShare => Some("partner@council.example"),
            Actor::OtherForce => Some("other@other.example"),
        };
        means.insert(actor, means_for(&app, email).await);
    }
    // The admin shares the plan with the shire council and adds an OFFICIAL-SENSITIVE item.
    let admin = reqwest::Client::new();
    let admin_token = means[&Actor::Admin].token.clone().unwrap();
    let shared = admin
        .post(app.url(&format!("/api/plans/{}/shares", app.plan)))
        .bearer_auth(&admin_token)
        .json(&serde_json::json!({"with": "SHC", "access": "read", "ceiling": "OFFICIAL"}))
        .send()
        .await
        .unwrap();
    assert_eq!(shared.status(), 201, "{}", shared.text().await.unwrap());
    const SENSITIVE: &str = "Covert source handling review for Operation Nightjar";
    let added = admin
        .post(app.url(&format!("/api/plans/{}/items", app.plan)))
        .bearer_auth(&admin_token)
        .json(&serde_json::json!({"text": SENSITIVE, "marking": "OFFICIAL-SENSITIVE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.unwrap();
    let sensitive = added["id"].as_i64().unwrap();
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.db_path.display()))
        .await
        .unwrap();
    let secrets = ["Other force's confidential plan", SENSITIVE];

    let mut mismatches = vec![];
    let mut sent = 0;
    let mut unproven: Vec<String> = vec![];
    let probes = ROWS.iter().flat_map(|row| {
        let variant = match row.target {
            OwnPlan => Some(Target::OtherPlan),
            Item => Some(Target::Sensitive),
            _ => None,
        };
        std::iter::once((row, row.target)).chain(variant.map(|v| (row, v)))
    });
    for (row, target) in probes {
        let id = match target {
            Target::None => 0,
            OwnPlan => app.plan,
            Target::OtherPlan => app.other_plan,
            Item => app.action.0,
            Target::Sensitive => sensitive,
            Person => viewer,
            Missing => 999_999,
        };
        let path = row
            .path
            .replace("{id}", &id.to_string())
            .replace("{format}", "pdf")
            .replace("{post}", "1")
            .replace("{token}", "no-such-import");
        let method = Method::from_bytes(row.method.as_bytes()).unwrap();
        for actor in ACTORS {
            let expect = expected(row, target, actor);
            if expect == Class::Allowed && method != Method::GET {
                continue;
            }
            let m = &means[&actor];
            let write = method != Method::GET;
            let mut path = path.clone();
            if method == Method::GET && !row.body.is_empty() {
                path = format!("{path}?{}", row.body);
            }
            let mut request = m.client.request(method.clone(), app.url(&path));
            if path.starts_with("/api/") {
                if let Some(token) = &m.token {
                    // A bearer token, and no cookie: a fresh client.
                    request = reqwest::Client::new()
                        .request(method.clone(), app.url(&path))
                        .bearer_auth(token);
                }
                if method != Method::GET {
                    request = request
                        .header("content-type", "application/json")
                        .header("if-match", "\"1\"")
                        .body(if row.body.is_empty() { "{}" } else { row.body });
                }
            } else if method != Method::GET {
                let mut body = format!("csrf={}", m.csrf);
                if !row.body.is_empty() {
                    body = format!("{body}&{}", row.body);
                }
                request = request
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body);
            }
            let before = if write {
                Some(snapshot(&db).await)
            } else {
                None
            };
            let response = request.send().await.unwrap();
            sent += 1;
            let status = response.status();
            let location = response
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_string());
            let text: String = response.text().await.unwrap_or_default();
            let mut got = classify(status, location.as_deref());
            if let Some(before) = before {
                let after = snapshot(&db).await;
                let changed: Vec<&str> = before
                    .iter()
                    .zip(&after)
                    .filter(|(b, a)| b != a && !CHANGE_ON_ANY_REQUEST.contains(&b.0.as_str()))
                    .map(|(b, _)| b.0.as_str())
                    .collect();
                if before.len() != after.len() || !changed.is_empty() {
                    mismatches.push(format!(
                        "{:<6} {:<40} {:<10} {:<20} refused write changed {changed:?}",
                        row.method,
                        row.path,
                        format!("{target:?}"),
                        format!("{actor:?}")
                    ));
                }
            }
            let mut text = text;
            // A form that only redirects to the page that reads (the report form's buttons) is
            // judged by that page: follow a redirect the rule says should have been refused.
            if expect == Class::Refused && got == Class::Allowed && status == 303 {
                let next = location.clone().unwrap_or_default();
                let followed = m.client.get(app.url(&next)).send().await.unwrap();
                got = classify(followed.status(), None);
                text = followed.text().await.unwrap_or_default();
            }
            // Nobody's write without a session has no CSRF token either: a 403 before the
            // sign-in check tells them nothing and changes nothing, as a security officer wants.
            let nobody_refused = write && expect == Class::SignInNeeded && got == Class::Refused;
            // A sample body the form or JSON reader rejects (400, 422) before the access check:
            // nothing is done, but the rule is not proven; listed, not counted.
            if write && expect == Class::Refused && matches!(got, Class::Other(400 | 422)) {
                unproven.push(format!(
                    "{} {} {target:?} {actor:?} ({status})",
                    row.method, row.path
                ));
            } else if got != expect && !nobody_refused {
                mismatches.push(format!(
                    "{:<6} {:<40} {:<10} {:<20} {:<14} {:?} ({status})",
                    row.method,
                    row.path,
                    format!("{target:?}"),
                    format!("{actor:?}"),
                    format!("{expect:?}"),
                    got
                ));
            }
            for secret in secrets {
                let entitled = match secret {
                    SENSITIVE => {
                        matches!(actor, Actor::Contributor | Actor::Manager | Actor::Admin)
                    }
                    _ => actor == Actor::OtherForce,
                };
                if !entitled && text.contains(secret) {
                    {
                        mismatches.push(format!(
                            "{:<6} {:<40} {:<20} shows {secret:?}",
                            row.method,
                            row.path,
                            format!("{actor:?}")
                        ));
                    }
                }
            }
        }
    }
    println!(
        "{} rows, {} actors, {sent} requests in {:?}",
        ROWS.len(),
        ACTORS.len(),
        started.elapsed()
    );
    println!(
        "{} refused writes rejected by the body's reader before the access check:\n{}",
        unproven.len(),
        unproven.join("\n")
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\nmethod path                                     target     actor                expected       got\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
