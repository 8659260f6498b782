//! The JSON API as scripts use it: personal API tokens (created, used without CSRF, revoked),
//! a plan built and edited entirely through the API with `If-Match` (stale edits 409, missing
//! ones 400), what a contributor may and may not do, another organisation seeing nothing,
//! people, partners, sharing and the audit trail, imports, indicators, reports, and an OpenAPI
//! document that lists every route.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use waymark_core::PlanId;
use waymark_core::indicator::{
    Calendar, Direction, Figure, Indicator, IndicatorId, MeasureType, Measurement, Period, Unit,
    Wording,
};
use waymark_store::{NewIndicator, NewMeasurement, Scope};

use crate::helpers::{PASSWORD, TestApp, spawn_app};

/// An answer: its status, its ETag (unquoted), and its body as JSON (null when it has none).
struct Answer {
    status: StatusCode,
    etag: Option<String>,
    /// Where a created thing is (`Location`).
    location: Option<String>,
    body: Value,
}

impl Answer {
    async fn of(response: reqwest::Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        let etag = headers
            .get("etag")
            .map(|v| v.to_str().unwrap().trim_matches('"').to_string());
        let location = headers
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            etag,
            location,
            body,
        }
    }

    fn version(&self) -> i64 {
        self.etag.as_deref().unwrap().parse().unwrap()
    }
}

/// A script: no cookies, a personal API token.
struct Script<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    token: String,
}

impl Script<'_> {
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.app.url(path))
            .bearer_auth(&self.token)
    }

    async fn get(&self, path: &str) -> Answer {
        Answer::of(self.request(Method::GET, path).send().await.unwrap()).await
    }

    async fn send(&self, method: Method, path: &str, body: Value) -> Answer {
        Answer::of(self.request(method, path).json(&body).send().await.unwrap()).await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, body).await
    }

    async fn patch(&self, path: &str, if_match: Option<i64>, body: Value) -> Answer {
        let mut request = self.request(Method::PATCH, path).json(&body);
        if let Some(version) = if_match {
            request = request.header("if-match", format!("\"{version}\""));
        }
        Answer::of(request.send().await.unwrap()).await
    }
}

/// Signs `email` in with a cookie session, creates a personal API token through the API (the
/// session's CSRF token in its header), and answers a script using it.
async fn script_for<'a>(app: &'a TestApp, email: &str) -> Script<'a> {
    let browser = TestApp::new_client();
    assert_eq!(app.sign_in_as(&browser, email).await.status(), 303);
    let session: Value = browser
        .get(app.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let created = Answer::of(
        browser
            .post(app.url("/api/tokens"))
            .header("x-csrf-token", session["csrf_token"].as_str().unwrap())
            .json(&json!({"name": "Nightly export"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["name"], "Nightly export");
    let token = created.body["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("wmk_"), "{token}");
    Script {
        app,
        client: reqwest::Client::new(),
        token,
    }
}

fn field_names(answer: &Answer) -> Vec<String> {
    answer.body["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no fields in {}", answer.body))
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_token_acts_for_its_person_without_csrf_until_it_is_revoked() {
    let app = spawn_app().await;
    let script = script_for(&app, "admin@test.example").await;

    let session = script.get("/api/session").await;
    assert_eq!(session.status, 200);
    assert_eq!(session.body["user"]["email"], "admin@test.example");
    assert_eq!(session.body["user"]["role"], "admin");
    assert_eq!(session.body["csrf_token"], "");

    // A write with the token alone: no cookie, no CSRF token.
    let created = script
        .post("/api/plans", json!({"title": "Custody improvement plan"}))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["title"], "Custody improvement plan");

    let tokens = script.get("/api/tokens").await;
    assert_eq!(tokens.status, 200);
    let listed = &tokens.body.as_array().unwrap()[0];
    assert_eq!(listed["name"], "Nightly export");
    assert_eq!(listed["active"], true);
    assert!(listed["last_used_at"].is_string(), "{listed}");
    assert!(
        listed.get("token").is_none(),
        "a listed token never shows its value"
    );

    // A token does not revoke itself: a script tidying its tokens would lock itself out.
    let itself = script
        .post(&format!("/api/tokens/{}/revoke", listed["id"]), json!({}))
        .await;
    assert_eq!(itself.status, 409, "{}", itself.body);
    assert_eq!(field_names(&itself), vec!["id"]);
    assert_eq!(script.get("/api/plans").await.status, 200, "still usable");

    // Another of the person's tokens revokes it.
    let second = script.post("/api/tokens", json!({"name": "Tidying"})).await;
    assert_eq!(second.status, 201, "{}", second.body);
    let tidier = Script {
        app: &app,
        client: reqwest::Client::new(),
        token: second.body["token"].as_str().unwrap().to_string(),
    };
    let revoked = tidier
        .post(&format!("/api/tokens/{}/revoke", listed["id"]), json!({}))
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.body);
    for answer in [
        script.get("/api/plans").await,
        script.post("/api/plans", json!({"title": "Refused"})).await,
    ] {
        assert_eq!(answer.status, 401, "{}", answer.body);
        assert_eq!(answer.body["error"], "you need to sign in");
    }
    let unknown = Script {
        app: &app,
        client: reqwest::Client::new(),
        token: "wmk_0000".into(),
    };
    assert_eq!(unknown.get("/api/plans").await.status, 401);
}

#[tokio::test]
async fn a_cookie_session_write_needs_the_csrf_token() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let refused = Answer::of(
        app.client
            .post(app.url("/api/plans"))
            .json(&json!({"title": "Forged plan"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.body["error"], "you cannot do that");
    let wrong = Answer::of(
        app.client
            .post(app.url("/api/plans"))
            .header("x-csrf-token", "not-the-token")
            .json(&json!({"title": "Forged plan"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(wrong.status, 403);
    let csrf = app.csrf().await;
    let allowed = Answer::of(
        app.client
            .post(app.url("/api/plans"))
            .header("x-csrf-token", csrf)
            .json(&json!({"title": "Plan made in the browser"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(allowed.status, 201, "{}", allowed.body);
    let titles: Vec<Value> = app
        .client
        .get(app.url("/api/plans"))
        .send()
        .await
        .unwrap()
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p["title"].clone())
        .collect();
    assert_eq!(
        titles,
        vec![
            json!("Call handling improvement plan"),
            json!("Plan made in the browser")
        ]
    );
}

#[tokio::test]
async fn a_plan_is_built_and_edited_entirely_through_the_api() {
    let app = spawn_app().await;
    let script = script_for(&app, "admin@test.example").await;

    let plan = script
        .post(
            "/api/plans",
            json!({
                "title": "Custody improvement plan",
                "kind": "improvement",
                "period": "2014-15",
                "level_names": ["Recommendation", "Action", "Task"],
                "owner_posts": ["Chief Superintendent Custody"],
                "source": "Inspection of custody",
                "update_cycle": "monthly",
                "marking": "OFFICIAL"
            }),
        )
        .await;
    assert_eq!(plan.status, 201, "{}", plan.body);
    assert_eq!(
        plan.body["level_names"],
        json!(["Recommendation", "Action", "Task"])
    );
    assert_eq!(plan.body["access"], "manage");
    assert_eq!(plan.body["shared"], false);
    assert_eq!(plan.body["archived"], false);
    assert_eq!(plan.body["marking"], "OFFICIAL");
    assert_eq!(plan.body["version"].as_i64(), Some(plan.version()));
    let id = plan.body["id"].as_i64().unwrap();
    assert_eq!(
        plan.location.as_deref(),
        Some(format!("/api/plans/{id}").as_str())
    );

    let recommendation = script
        .post(
            &format!("/api/plans/{id}/items"),
            json!({"reference": "R1", "text": "Improve detainee risk assessment"}),
        )
        .await;
    assert_eq!(recommendation.status, 201, "{}", recommendation.body);
    assert_eq!(recommendation.body["level"], "Recommendation");
    assert_eq!(recommendation.body["parent"], Value::Null);
    let r1 = recommendation.body["id"].as_i64().unwrap();
    assert_eq!(
        recommendation.location.as_deref(),
        Some(format!("/api/items/{r1}").as_str())
    );
    let action = script
        .post(
            &format!("/api/plans/{id}/items"),
            json!({
                "parent": r1, "reference": "R1.1", "text": "Train custody sergeants",
                "owners": ["Head of Contact Management"], "due": "2015-03-31", "rag": "Amber"
            }),
        )
        .await;
    assert_eq!(action.status, 201, "{}", action.body);
    assert_eq!(action.body["level"], "Action");
    assert_eq!(action.body["parent"], r1);
    assert_eq!(action.body["rag"], "Amber");
    assert_eq!(action.body["due"], "2015-03-31");
    assert_eq!(action.body["owners"], json!(["Head of Contact Management"]));
    let a1 = action.body["id"].as_i64().unwrap();
    let task = script
        .post(
            &format!("/api/plans/{id}/items"),
            json!({"parent": a1, "reference": "R1.1a", "text": "Run the first course"}),
        )
        .await;
    assert_eq!(task.status, 201, "{}", task.body);
    assert_eq!(task.body["level"], "Task");
    assert_eq!(task.body["depth"], 2);
    let t1 = task.body["id"].as_i64().unwrap();
    let refused = script
        .post(
            &format!("/api/plans/{id}/items"),
            json!({"parent": app.action.0, "text": "Under another plan's item"}),
        )
        .await;
    // The parent named is not there in this plan: not found, naming the field.
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert_eq!(field_names(&refused), vec!["parent"]);

    // The list is unchanged in form, and holds the tree in order.
    let items = script.get(&format!("/api/plans/{id}/items")).await;
    let references: Vec<&Value> = items.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["reference"])
        .collect();
    assert_eq!(references, vec!["R1", "R1.1", "R1.1a"]);

    // Read with its version, then patched with it: the marking reaches what is under it.
    let read = script.get(&format!("/api/items/{a1}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["version"].as_i64(), Some(read.version()));
    assert_eq!(read.body["may_edit"], true);
    assert_eq!(read.body["children"], json!([t1]));
    assert_eq!(read.body["marking"], "OFFICIAL");
    let patched = script
        .patch(
            &format!("/api/items/{a1}"),
            Some(read.version()),
            json!({"rag": "Red", "due": "2015-04-30", "marking": "OFFICIAL-SENSITIVE",
                   "reason": "Course postponed"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["rag"], "Red");
    assert_eq!(patched.body["due"], "2015-04-30");
    assert_eq!(
        patched.body["text"], "Train custody sergeants",
        "unnamed fields stay"
    );
    assert_eq!(patched.body["marking"], "OFFICIAL-SENSITIVE");
    assert_eq!(patched.body["own_marking"], "OFFICIAL-SENSITIVE");
    assert_ne!(patched.version(), read.version());
    assert_eq!(patched.body["version"].as_i64(), Some(patched.version()));
    let under = script.get(&format!("/api/items/{t1}")).await;
    assert_eq!(under.body["marking"], "OFFICIAL-SENSITIVE");
    assert_eq!(under.body["own_marking"], Value::Null);

    // Someone else's change comes first: the stale edit gets 409 with their change.
    let started_from = patched.version();
    let other = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&other, "admin@test.example").await.status(),
        303
    );
    let other_csrf: Value = other
        .get(app.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first = Answer::of(
        other
            .patch(app.url(&format!("/api/items/{a1}")))
            .header("x-csrf-token", other_csrf["csrf_token"].as_str().unwrap())
            .header("if-match", format!("\"{started_from}\""))
            .json(&json!({"text": "Train every custody sergeant"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let stale = script
        .patch(
            &format!("/api/items/{a1}"),
            Some(started_from),
            json!({"text": "Train custody sergeants and inspectors"}),
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(
        stale.body["current_version"].as_i64(),
        Some(first.version())
    );
    assert_eq!(stale.version(), first.version());
    assert_eq!(stale.body["changed_by"], "Ada Admin");
    let current = stale.body["current"].as_array().unwrap();
    assert!(
        current.contains(&json!({"field": "Wording", "value": "Train every custody sergeant"})),
        "{current:?}"
    );
    assert!(current.contains(&json!({"field": "RAG status", "value": "Red"})));
    let kept = script.get(&format!("/api/items/{a1}")).await;
    assert_eq!(kept.body["text"], "Train every custody sergeant");

    // No If-Match at all: 400 naming the header, and nothing changes.
    let unconditional = script
        .patch(
            &format!("/api/items/{a1}"),
            None,
            json!({"text": "Overwritten"}),
        )
        .await;
    assert_eq!(unconditional.status, 400, "{}", unconditional.body);
    assert_eq!(field_names(&unconditional), vec!["If-Match"]);
    assert!(
        unconditional.body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("the ETag of the GET"),
        "{}",
        unconditional.body
    );
    let wildcard = Answer::of(
        script
            .request(Method::PATCH, &format!("/api/items/{a1}"))
            .header("if-match", "*")
            .json(&json!({"text": "Overwritten"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(wildcard.status, 400);
    assert_eq!(field_names(&wildcard), vec!["If-Match"]);
    let unknown_field = script
        .patch(
            &format!("/api/items/{a1}"),
            Some(first.version()),
            json!({"txet": "typo"}),
        )
        .await;
    assert_eq!(unknown_field.status, 422);
    assert_eq!(field_names(&unknown_field), vec!["body"]);
    assert_eq!(
        script.get(&format!("/api/items/{a1}")).await.body["text"],
        "Train every custody sergeant"
    );

    // The plan's own fields, the same way.
    let plan_now = script.get(&format!("/api/plans/{id}")).await;
    let renamed = script
        .patch(
            &format!("/api/plans/{id}"),
            Some(plan_now.version()),
            json!({"title": "Custody and detention improvement plan", "marking": "OFFICIAL-SENSITIVE"}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(
        renamed.body["title"],
        "Custody and detention improvement plan"
    );
    assert_eq!(renamed.body["marking"], "OFFICIAL-SENSITIVE");
    assert_eq!(
        renamed.body["source"], "Inspection of custody",
        "unnamed fields stay"
    );
    let stale_plan = script
        .patch(
            &format!("/api/plans/{id}"),
            Some(plan_now.version()),
            json!({"title": "Custody plan"}),
        )
        .await;
    assert_eq!(stale_plan.status, 409);
    assert!(
        stale_plan.body["current"].as_array().unwrap().contains(
            &json!({"field": "Title", "value": "Custody and detention improvement plan"})
        )
    );
    assert_eq!(
        script
            .patch(&format!("/api/plans/{id}"), None, json!({"title": "x"}))
            .await
            .status,
        400
    );

    // Move, reorder, close, assign owners, search.
    let moved = script
        .post(&format!("/api/items/{t1}/move"), json!({"parent": null}))
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(moved.body["version"].as_i64(), Some(moved.version()));
    let top = script.get(&format!("/api/items/{t1}")).await;
    assert_eq!(top.body["depth"], 0);
    assert_eq!(top.body["parent"], Value::Null);
    assert_eq!(
        top.body["marking"], "OFFICIAL-SENSITIVE",
        "now from the plan"
    );
    let reordered = script
        .post(
            &format!("/api/items/{t1}/reorder"),
            json!({"direction": "up"}),
        )
        .await;
    assert_eq!(reordered.status, 204, "{}", reordered.body);
    let order: Vec<Value> = script.get(&format!("/api/plans/{id}/items")).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["reference"].clone())
        .collect();
    assert_eq!(order, vec![json!("R1.1a"), json!("R1"), json!("R1.1")]);
    assert_eq!(
        script
            .post(&format!("/api/items/{a1}/close"), json!({}))
            .await
            .status,
        204
    );
    let closed = script.get(&format!("/api/items/{a1}")).await;
    assert_eq!(closed.body["complete"], true);
    assert_eq!(closed.body["rag"], "Blue");
    assert_eq!(closed.body["completed_on"], "2015-02-16");
    let assigned = script
        .post(
            &format!("/api/plans/{id}/owners"),
            json!({"items": [r1, t1], "owners": "Head of Custody / Head of Crime"}),
        )
        .await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    assert_eq!(assigned.body["changed"], 2);
    let elsewhere = script
        .post(
            &format!("/api/plans/{id}/owners"),
            json!({"items": [9_000_000], "owners": "Head of Custody"}),
        )
        .await;
    assert_eq!(elsewhere.status, 404, "{}", elsewhere.body);
    assert_eq!(field_names(&elsewhere), vec!["items"]);
    assert_eq!(
        script.get(&format!("/api/items/{r1}")).await.body["owners"],
        json!(["Head of Custody", "Head of Crime"])
    );
    let found = script
        .get(&format!("/api/plans/{id}/search?q=sergeant"))
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.body["ids"], json!([a1]));
    assert_eq!(
        found.body["items"][0]["text"],
        "Train every custody sergeant"
    );
    assert_eq!(
        script
            .get(&format!("/api/plans/{id}/search?q="))
            .await
            .status,
        422
    );

    // Archived, the plan reads but does not change; restored, it changes again.
    assert_eq!(
        script
            .post(&format!("/api/plans/{id}/archive"), json!({}))
            .await
            .status,
        204
    );
    let archived = script.get(&format!("/api/plans/{id}")).await;
    assert_eq!(archived.body["archived"], true);
    let frozen = script
        .patch(
            &format!("/api/plans/{id}"),
            Some(archived.version()),
            json!({"title": "Changed while archived"}),
        )
        .await;
    // A conflict with the plan as it is, not bad input: 409, the reason named.
    assert_eq!(frozen.status, 409, "{}", frozen.body);
    assert_eq!(frozen.body["fields"][0]["field"], "form");
    assert_eq!(
        frozen.body["fields"][0]["message"],
        "This plan is archived: restore it before changing it"
    );
    assert_eq!(
        script
            .post(&format!("/api/plans/{id}/restore"), json!({}))
            .await
            .status,
        204
    );
    assert_eq!(
        script.get(&format!("/api/plans/{id}")).await.body["archived"],
        false
    );
}

#[tokio::test]
async fn a_contributor_updates_the_items_its_posts_own_and_changes_nothing_else() {
    let app = spawn_app().await;
    let script = script_for(&app, "owner@test.example").await;

    let plan = script.get(&format!("/api/plans/{}", app.plan)).await;
    assert_eq!(plan.status, 200);
    assert_eq!(plan.body["access"], "contribute");

    let create = script
        .post("/api/plans", json!({"title": "A contributor's plan"}))
        .await;
    assert_eq!(create.status, 403, "{}", create.body);
    assert_eq!(create.body["error"], "you cannot do that");
    let add = script
        .post(
            &format!("/api/plans/{}/items", app.plan),
            json!({"text": "A contributor's item"}),
        )
        .await;
    assert_eq!(add.status, 403);

    let action = script.get(&format!("/api/items/{}", app.action.0)).await;
    assert_eq!(action.body["may_update"], true);
    assert_eq!(action.body["may_edit"], false);
    assert_eq!(
        action.body["history"]["updates"][0]["author"],
        "Supt Operations"
    );
    let patch = script
        .patch(
            &format!("/api/items/{}", app.action.0),
            Some(action.version()),
            json!({"text": "Reworded by its owner"}),
        )
        .await;
    assert_eq!(patch.status, 403, "{}", patch.body);

    let owned = script
        .post(
            &format!("/api/items/{}/updates", app.action.0),
            json!({"text": "Guidance issued to all call handlers.", "rag": "Green"}),
        )
        .await;
    assert_eq!(owned.status, 201, "{}", owned.body);
    let parent = action.body["parent"].as_i64().unwrap();
    let not_owned = script
        .post(
            &format!("/api/items/{parent}/updates"),
            json!({"text": "Not mine to update."}),
        )
        .await;
    assert_eq!(not_owned.status, 403, "{}", not_owned.body);

    let after = script.get(&format!("/api/items/{}", app.action.0)).await;
    assert_eq!(
        after.body["text"],
        "Issue guidance on repeat and vulnerable victims"
    );
    assert_eq!(
        after.body["latest_update"]["text"],
        "Guidance issued to all call handlers."
    );
    assert_eq!(after.body["updates"], 2);
    let updates = after.body["history"]["updates"].as_array().unwrap();
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[1]["author"], "Olu Owner");
    assert_eq!(script.get("/api/people").await.status, 403);
    assert_eq!(script.get("/api/audit").await.status, 403);
    assert_eq!(script.get("/api/organisations").await.status, 403);
    assert_eq!(
        script
            .get(&format!("/api/plans/{}/shares", app.plan))
            .await
            .status,
        403
    );
}

/// One indicator in the fixture's plan, owned by the contributor's post, with a figure for Q2.
async fn with_indicator(app: &TestApp) -> i64 {
    let plan = app.store.plan(Scope::All, PlanId(app.plan)).await.unwrap();
    let stored = app
        .store
        .create_indicator(&NewIndicator {
            org: plan.org,
            plan: plan.id,
            indicator: Indicator {
                annual_target: Some(Figure::whole(80)),
                objective: Some(app.action),
                ..Indicator::new(
                    IndicatorId(0),
                    "Increase satisfaction with the overall service provided",
                    Wording::new("overall satisfaction with the service provided"),
                    Unit::Percent,
                    Direction::HigherIsBetter,
                    MeasureType::Level,
                    Calendar::Quarterly,
                )
            },
            owner_post: Some("Head of Contact Management".into()),
            position: 0,
        })
        .await
        .unwrap();
    app.store
        .record_measurements(
            Scope::Org(plan.org),
            &[NewMeasurement {
                indicator: stored.indicator.id,
                measurement: Measurement::new(
                    Period::parse("Q2 2014-15").unwrap(),
                    Figure::from_hundredths(8010),
                ),
                entered_by: "Performance analyst".into(),
                entered_at: None,
                reason: None,
            }],
        )
        .await
        .unwrap();
    stored.indicator.id.0
}

#[tokio::test]
async fn another_organisation_finds_none_of_a_plan_through_the_api() {
    let app = spawn_app().await;
    let indicator = with_indicator(&app).await;
    let script = script_for(&app, "other@other.example").await;
    let plan = app.plan;
    let item = app.action.0;
    for path in [
        format!("/api/plans/{plan}"),
        format!("/api/plans/{plan}/items"),
        format!("/api/plans/{plan}/check"),
        format!("/api/plans/{plan}/indicators"),
        format!("/api/plans/{plan}/search?q=guidance"),
        format!("/api/plans/{plan}/changes"),
        format!("/api/plans/{plan}/report?layout=tracker&format=html"),
        format!("/api/plans/{plan}/reports"),
        format!("/api/plans/{plan}/shares"),
        format!("/api/items/{item}"),
        format!("/api/indicators/{indicator}"),
    ] {
        let answer = script.get(&path).await;
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
        assert_eq!(answer.body["error"], "not found", "{path}");
    }
    let listed = script.get("/api/plans").await;
    let titles: Vec<&Value> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["title"])
        .collect();
    assert_eq!(
        titles,
        vec!["Other force's confidential plan"],
        "only its own plan"
    );
    for (path, body) in [
        (
            format!("/api/items/{item}/updates"),
            json!({"text": "Hello"}),
        ),
        (format!("/api/plans/{plan}/items"), json!({"text": "Hello"})),
        (format!("/api/items/{item}/close"), json!({})),
        (
            format!("/api/indicators/{indicator}/measurements"),
            json!({"period": "Q3 2014-15", "actual": 1}),
        ),
    ] {
        let answer = script.post(&path, body).await;
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
    }
    let patch = script
        .patch(&format!("/api/items/{item}"), Some(1), json!({"text": "x"}))
        .await;
    assert_eq!(patch.status, 404);
}

#[tokio::test]
async fn a_measurement_is_recorded_and_one_replacing_it_needs_a_reason() {
    let app = spawn_app().await;
    let indicator = with_indicator(&app).await;
    let script = script_for(&app, "owner@test.example").await;

    let read = script.get(&format!("/api/indicators/{indicator}")).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(
        read.body["title"],
        "Increase satisfaction with the overall service provided"
    );
    assert_eq!(read.body["unit"], "percent");
    assert_eq!(read.body["calendar"], "quarterly");
    assert_eq!(read.body["annual_target"], 80);
    assert_eq!(read.body["owner_holder"], "Olu Owner");
    assert_eq!(read.body["may_record"], true);
    assert_eq!(
        read.body["measurements"],
        json!([{"period": "Q2 2014-15", "actual": 80.1, "not_yet_available": false,
                "same_period_last_year": null}])
    );

    let path = format!("/api/indicators/{indicator}/measurements");
    let recorded = script
        .post(&path, json!({"period": "Q3 2014-15", "actual": 80.4}))
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    assert_eq!(recorded.body["period"], "Q3 2014-15");
    assert_eq!(recorded.body["actual"], 80.4);
    let without_reason = script
        .post(&path, json!({"period": "Q3 2014-15", "actual": 81}))
        .await;
    // A month for a quarterly indicator: the indicator, as it is, reports quarters (409).
    let month = script
        .post(&path, json!({"period": "August 2014", "actual": 80}))
        .await;
    assert_eq!(month.status, 409, "{}", month.body);
    assert_eq!(field_names(&month), vec!["period"]);
    // The figure already recorded refuses a replacement that does not say why: 409.
    assert_eq!(without_reason.status, 409, "{}", without_reason.body);
    assert_eq!(field_names(&without_reason), vec!["reason"]);
    assert!(
        without_reason.body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already has a figure (80.4%"),
        "{}",
        without_reason.body
    );
    let replaced = script
        .post(
            &path,
            json!({"period": "Q3 2014-15", "actual": "81", "reason": "Late survey returns"}),
        )
        .await;
    assert_eq!(replaced.status, 201, "{}", replaced.body);
    let bad = script
        .post(&path, json!({"period": "September 2014", "actual": "lots"}))
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(field_names(&bad), vec!["period", "actual"]);

    let after = script.get(&format!("/api/indicators/{indicator}")).await;
    assert_eq!(after.body["measurements"][1]["actual"], 81);
    let history = after.body["history"].as_array().unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[2]["reason"], "Late survey returns");
    assert_eq!(history[2]["entered_by"], "Olu Owner");
    assert_eq!(history[2]["supersedes"], history[1]["id"]);
}

#[tokio::test]
async fn an_administrator_manages_people_partners_and_sharing_and_reads_the_audit_trail() {
    let app = spawn_app().await;
    let admin = script_for(&app, "admin@test.example").await;

    let people = admin.get("/api/people").await;
    assert_eq!(people.status, 200, "{}", people.body);
    let owner = people.body["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == "owner@test.example")
        .unwrap()
        .clone();
    assert_eq!(owner["role"], "contributor");
    assert_eq!(owner["name"], "Olu Owner");
    assert_eq!(
        people.body["holdings"][0]["post_title"],
        "Head of Contact Management"
    );
    assert_eq!(people.body["holdings"][0]["person_name"], "Olu Owner");
    assert_eq!(people.body["holdings"][0]["since"], "2014-04-01");

    let added = admin
        .post(
            "/api/people",
            json!({"email": "Nia@Test.example", "name": "Nia New", "password": PASSWORD,
                   "role": "viewer"}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.body["email"], "nia@test.example");
    assert_eq!(added.body["role"], "viewer");
    assert_eq!(added.body["clearance"], "OFFICIAL-SENSITIVE");
    let nia = added.body["id"].as_i64().unwrap();
    let refused = admin
        .post(
            "/api/people",
            json!({"email": "not an email", "name": "", "password": PASSWORD, "role": "boss"}),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(field_names(&refused), vec!["role"]);
    let roles = admin
        .send(
            Method::PUT,
            &format!("/api/people/{nia}/roles"),
            json!({"role": "viewer", "plan_roles": [{"plan": app.plan, "role": "manager"}]}),
        )
        .await;
    assert_eq!(roles.status, 204, "{}", roles.body);
    let clearance = admin
        .send(
            Method::PUT,
            &format!("/api/people/{nia}/clearance"),
            json!({"clearance": "OFFICIAL"}),
        )
        .await;
    assert_eq!(clearance.status, 204, "{}", clearance.body);
    let posted = admin
        .post(
            &format!("/api/people/{nia}/posts"),
            json!({"new_post": "Custody Inspector", "since": "2015-01-05"}),
        )
        .await;
    assert_eq!(posted.status, 204, "{}", posted.body);
    let people = admin.get("/api/people").await;
    let nia_now = people.body["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == nia)
        .unwrap()
        .clone();
    assert_eq!(nia_now["role"], "viewer");
    assert_eq!(
        nia_now["plan_roles"],
        json!([{"plan": app.plan, "role": "manager"}])
    );
    assert_eq!(nia_now["clearance"], "OFFICIAL");
    assert!(
        people.body["holdings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["post_title"] == "Custody Inspector" && h["person"] == nia)
    );
    let self_demotion = admin
        .send(
            Method::PUT,
            &format!(
                "/api/people/{}/roles",
                admin.get("/api/session").await.body["user"]["id"]
            ),
            json!({"role": "viewer"}),
        )
        .await;
    // Refused by who the caller is, not by what they sent: a conflict, named by the field.
    assert_eq!(self_demotion.status, 409, "{}", self_demotion.body);
    assert_eq!(field_names(&self_demotion), vec!["role"]);

    let organisations = admin.get("/api/organisations").await;
    let codes: Vec<&Value> = organisations
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["code"])
        .collect();
    assert_eq!(codes, vec!["TST", "OTH"]);
    let council = admin
        .post(
            "/api/organisations",
            json!({"code": "oxcc", "name": "Oxfordshire County Council", "kind": "council"}),
        )
        .await;
    assert_eq!(council.status, 201, "{}", council.body);
    assert_eq!(council.body["code"], "OXCC");
    assert_eq!(council.body["kind"], "local-authority");

    // Shared with the other force by code, the plan reads there; revoked, it is gone again.
    let other = script_for(&app, "other@other.example").await;
    assert_eq!(
        other.get(&format!("/api/plans/{}", app.plan)).await.status,
        404
    );
    let shared = admin
        .post(
            &format!("/api/plans/{}/shares", app.plan),
            json!({"with": "OTH", "access": "read", "ceiling": "OFFICIAL"}),
        )
        .await;
    assert_eq!(shared.status, 201, "{}", shared.body);
    assert_eq!(shared.body["access"], "read");
    assert_eq!(shared.body["active"], true);
    assert_eq!(shared.body["items"], Value::Null);
    let seen = other.get(&format!("/api/plans/{}", app.plan)).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.body["shared"], true);
    assert_eq!(seen.body["access"], "read");
    assert_eq!(seen.body["ceiling"], "OFFICIAL");
    let by_id = admin
        .post(
            &format!("/api/plans/{}/shares", app.plan),
            json!({"with": council.body["id"], "items": [app.action.0]}),
        )
        .await;
    assert_eq!(by_id.status, 201, "{}", by_id.body);
    assert_eq!(by_id.body["items"], json!([app.action.0]));
    let unknown = admin
        .post(
            &format!("/api/plans/{}/shares", app.plan),
            json!({"with": "NOPE"}),
        )
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(field_names(&unknown), vec!["with"]);
    // An id that names no organisation, or an item not of the plan: 404 naming the field;
    // the plan's own organisation: 409.
    let own_org = admin.get(&format!("/api/plans/{}", app.plan)).await.body["organisation"].clone();
    for (body, field, status) in [
        (json!({"with": 9_000_000_000_i64}), "with", 404),
        (json!({"with": "OTH", "items": [9_000_000]}), "items", 404),
        (json!({"with": own_org}), "with", 409),
    ] {
        let refused = admin
            .post(&format!("/api/plans/{}/shares", app.plan), body.clone())
            .await;
        assert_eq!(refused.status, status, "{body}: {}", refused.body);
        assert_eq!(field_names(&refused), vec![field], "{body}");
    }
    let listed = admin.get(&format!("/api/plans/{}/shares", app.plan)).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 2);
    let revoked = admin
        .post(
            &format!("/api/shares/{}/revoke", shared.body["id"]),
            json!({"reason": "Project finished"}),
        )
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.body);
    assert_eq!(
        other.get(&format!("/api/plans/{}", app.plan)).await.status,
        404
    );
    let listed = admin.get(&format!("/api/plans/{}/shares", app.plan)).await;
    let first = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == shared.body["id"])
        .unwrap();
    assert_eq!(first["active"], false);
    assert_eq!(first["revoke_reason"], "Project finished");
    assert_eq!(first["revoked_by"], "Ada Admin");

    let audit = admin.get("/api/audit?action=share.").await;
    assert_eq!(audit.status, 200, "{}", audit.body);
    assert_eq!(audit.body["total"], 3);
    assert_eq!(audit.body["page"], 1);
    assert_eq!(audit.body["per_page"], 50);
    let events = audit.body["events"].as_array().unwrap();
    assert_eq!(events[0]["action"], "share.revoke");
    assert_eq!(events[0]["detail"]["reason"], "Project finished");
    assert_eq!(events[0]["actor"], "Ada Admin <admin@test.example>");
    assert_eq!(events[0]["plan"], app.plan);
    assert_eq!(events[2]["detail"]["with"], "OTH");
    let by_person = admin.get(&format!("/api/audit?person={nia}")).await;
    assert_eq!(by_person.body["total"], 0, "Nia has done nothing yet");
    let beyond = admin.get("/api/audit?action=share.&page=2").await;
    assert_eq!(beyond.body["total"], 3);
    assert_eq!(beyond.body["events"], json!([]));
    assert_eq!(admin.get("/api/audit?page=0").await.status, 422);
    assert_eq!(admin.get("/api/audit?day=yesterday-ish").await.status, 422);
    let csv = admin
        .request(Method::GET, "/api/audit.csv?action=share.")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("When (UTC),Who,Address,Action"), "{csv}");
    assert_eq!(
        csv.lines().filter(|l| l.contains(",share.")).count(),
        3,
        "{csv}"
    );
}

const TRACKER: &str = "Improvement plan for call handling\n\
Ref,Action,Owner,Due Date,Latest Update,RAG\n\
1.1,Publish the call handling standard,Head of Contact Management,31/03/2015,8 Jan 2015 - Draft agreed.,Green\n\
1.2,Audit repeat caller flags,Force Crime Registrar,,21 Nov 2014 - First audit done.,Purple\n";

#[tokio::test]
async fn an_import_is_previewed_and_stored_only_once_confirmed() {
    let app = spawn_app().await;
    let script = script_for(&app, "admin@test.example").await;
    let form = Form::new()
        .part(
            "file",
            Part::bytes(TRACKER.as_bytes().to_vec()).file_name("tracker.csv"),
        )
        .text("target", "")
        .text("title", "Call handling tracker");
    let preview = Answer::of(
        script
            .request(Method::POST, "/api/imports")
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.body["file_name"], "tracker.csv");
    assert_eq!(preview.body["target_plan"], Value::Null);
    assert_eq!(preview.body["target_title"], "Call handling tracker");
    let result = &preview.body["result"];
    assert_eq!(result["kind"], "items");
    assert_eq!(result["dry_run"], true);
    assert_eq!(result["plan"], Value::Null);
    assert_eq!(result["items"]["items"], 2);
    assert_eq!(result["items"]["updates"], 2);
    let kinds: Vec<&str> = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"missing_due_date"), "{kinds:?}");
    assert!(kinds.contains(&"unknown_rag"), "{kinds:?}");
    assert_eq!(
        script
            .get("/api/plans")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing stored before the confirmation"
    );

    let token = preview.body["token"].as_str().unwrap();
    let confirmed = script
        .post(&format!("/api/imports/{token}/confirm"), json!({}))
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.body["dry_run"], false);
    assert_eq!(confirmed.body["plan_title"], "Call handling tracker");
    let plan = confirmed.body["plan"].as_i64().unwrap();
    let items = script.get(&format!("/api/plans/{plan}/items")).await;
    let texts: Vec<&Value> = items.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["text"])
        .collect();
    assert!(
        texts.contains(&&json!("Publish the call handling standard")),
        "{texts:?}"
    );
    let again = script
        .post(&format!("/api/imports/{token}/confirm"), json!({}))
        .await;
    assert_eq!(again.status, 404, "a token is spent once");

    let empty = Answer::of(
        script
            .request(Method::POST, "/api/imports")
            .multipart(Form::new().text("target", ""))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(empty.status, 422);
    assert_eq!(field_names(&empty), vec!["file"]);
}

/// What the import operations refuse is stated in their schemas, and refused as stated
/// (422, before the token is looked up); what depends on the upload is answered by what it
/// found: a sheet that is not there is a 404 naming its field (issue #23).
#[tokio::test]
async fn the_import_operations_answer_their_refusals_as_their_schemas_state_them() {
    let app = spawn_app().await;
    let script = script_for(&app, "admin@test.example").await;
    let doc = script.get("/api/openapi.json").await.body;
    let schemas = &doc["components"]["schemas"];
    let form = &schemas["UploadForm"];
    assert_eq!(
        form["properties"]["header_row"]["oneOf"][0]["minimum"], 1,
        "{form}"
    );
    assert_eq!(form["additionalProperties"], false, "{form}");
    assert_eq!(form["required"], json!(["file"]), "{form}");
    assert_eq!(
        form["properties"]["each_sheet"]["enum"],
        json!(["true", "false", "", true, false])
    );
    // Every part is text: a free-text field has no type, a number's field takes its text.
    assert!(form["properties"]["title"]["type"].is_null(), "{form}");
    assert_eq!(
        form["properties"]["target"]["oneOf"][0]["pattern"],
        "^(new|[0-9]{1,15})?$"
    );
    assert!(
        form["anyOf"].is_null(),
        "each_sheet is read before sheet and target, so no rule binds them: {form}"
    );
    let corrections = &schemas["CorrectionsJson"];
    assert_eq!(
        corrections["properties"]["header_row"]["oneOf"][0]["minimum"], 1,
        "{corrections}"
    );
    assert_eq!(
        corrections["properties"]["objectives"]["propertyNames"]["minLength"],
        1
    );
    assert!(
        corrections["properties"]["columns"]["additionalProperties"]["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("strategic_lead"))
    );
    let directions = &schemas["ConfirmJson"]["properties"]["directions"];
    assert_eq!(
        directions["additionalProperties"]["enum"],
        json!(["higher", "lower"])
    );
    assert_eq!(directions["propertyNames"]["minLength"], 1);

    // The tracker, with the form's other fields as given.
    let upload = |fields: &[(&'static str, &'static str)]| {
        let tracker = Part::bytes(TRACKER.as_bytes().to_vec()).file_name("tracker.csv");
        let mut form = Form::new().part("file", tracker);
        for (field, value) in fields {
            form = form.text(*field, *value);
        }
        script.request(Method::POST, "/api/imports").multipart(form)
    };
    // The form's values the schema refuses: each a 422 naming its field.
    for (fields, named) in [
        (vec![("header_row", "0")], "header_row"),
        (vec![("header_row", "2.5")], "header_row"),
        (vec![("each_sheet", "yes")], "each_sheet"),
        (vec![("target", " 1")], "target"),
        (vec![("map", "Owner=owners")], "map"),
        (vec![("colour", "blue")], "colour"),
    ] {
        let refused = Answer::of(upload(&fields).send().await.unwrap()).await;
        assert_eq!(refused.status, 422, "{fields:?}: {}", refused.body);
        assert_eq!(field_names(&refused), vec![named], "{fields:?}");
    }

    // A readable tracker: a sheet it has not is a 404 naming `sheet`; the preview keeps its
    // corrections as they were.
    let preview = Answer::of(upload(&[]).send().await.unwrap()).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.body["readable"], true);
    let token = preview.body["token"].as_str().unwrap().to_string();
    let no_sheet = script
        .post(
            &format!("/api/imports/{token}/corrections"),
            json!({"sheet": "Custody"}),
        )
        .await;
    assert_eq!(no_sheet.status, 404, "{}", no_sheet.body);
    assert_eq!(field_names(&no_sheet), vec!["sheet"]);
    // A file of one table, no sheet of items, refuses being imported sheet by sheet.
    let one_table = script
        .post(
            &format!("/api/imports/{token}/corrections"),
            json!({"each_sheet": true}),
        )
        .await;
    assert_eq!(one_table.status, 409, "{}", one_table.body);
    assert_eq!(field_names(&one_table), vec!["sheet"]);
    // The body's form is checked before the token: a token that names nothing still gets
    // the 422 of a body its schema refuses.
    for token in [token.as_str(), "no-such-token"] {
        for (body, named) in [
            (json!({"header_row": 0}), "header_row"),
            (json!({"objectives": {"": ""}}), "objectives"),
            (json!({"objectives": {"Roads policing": " "}}), "objectives"),
            (json!({"columns": {"Ref": "title"}}), "columns"),
            (json!({"sheet": "Custody", "each_sheet": true}), "sheet"),
        ] {
            let refused = script
                .post(&format!("/api/imports/{token}/corrections"), body.clone())
                .await;
            assert_eq!(refused.status, 422, "{body}: {}", refused.body);
            assert_eq!(field_names(&refused), vec![named], "{body}");
        }
        let refused = script
            .post(
                &format!("/api/imports/{token}/confirm"),
                json!({"directions": {"": "higher"}}),
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(field_names(&refused), vec!["directions"]);
    }
    let gone = script
        .post(
            "/api/imports/no-such-token/corrections",
            json!({"header_row": 2}),
        )
        .await;
    assert_eq!(gone.status, 404, "{}", gone.body);
    // The tracker itself still imports as previewed.
    let stored = script
        .post(&format!("/api/imports/{token}/confirm"), json!({}))
        .await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert_eq!(stored.body["items"]["added"], 2, "{}", stored.body);
}

/// A file Waymark cannot read (what a schema's binary file is, to a test tool: a PNG) is not
/// a refused request: the preview reports what the upload holds, a file that cannot be read
/// and why; corrections are kept and previewed again, and the confirmation is refused by
/// the upload as it is (409, naming `file`). Nothing is stored (issue #23).
#[tokio::test]
async fn a_file_that_cannot_be_read_is_previewed_as_such_and_its_confirmation_refused() {
    let app = spawn_app().await;
    let script = script_for(&app, "admin@test.example").await;
    let plans_before = script.get("/api/plans").await.body;
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    let form = Form::new()
        .part("file", Part::bytes(png).file_name("file.png"))
        .text("header_row", "1");
    let unreadable = Answer::of(
        script
            .request(Method::POST, "/api/imports")
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(unreadable.status, 200, "{}", unreadable.body);
    assert_eq!(unreadable.body["readable"], false);
    assert_eq!(unreadable.body["file_name"], "file.png");
    assert_eq!(unreadable.body["target_title"], "file");
    assert_eq!(unreadable.body["header_row"], 1);
    assert_eq!(unreadable.body["result"]["kind"], "unreadable");
    assert_eq!(unreadable.body["result"]["dry_run"], true);
    let finding = &unreadable.body["result"]["findings"][0];
    assert_eq!(finding["kind"], "unreadable_file", "{finding}");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("must be a spreadsheet"),
        "{finding}"
    );
    let token = unreadable.body["token"].as_str().unwrap().to_string();
    let corrected = script
        .post(
            &format!("/api/imports/{token}/corrections"),
            json!({"header_row": 2}),
        )
        .await;
    assert_eq!(corrected.status, 200, "{}", corrected.body);
    assert_eq!(corrected.body["readable"], false);
    assert_eq!(corrected.body["header_row"], 2);
    let confirmed = script
        .post(&format!("/api/imports/{token}/confirm"), json!({}))
        .await;
    assert_eq!(confirmed.status, 409, "{}", confirmed.body);
    assert_eq!(field_names(&confirmed), vec!["file"]);
    assert!(
        confirmed.body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("The upload's file cannot be imported"),
        "{}",
        confirmed.body
    );
    // In the background, the job reads the file and fails, saying why.
    let started = script
        .post(&format!("/api/imports/{token}/jobs"), json!({}))
        .await;
    assert_eq!(started.status, 202, "{}", started.body);
    let status_url = started.body["status_url"].as_str().unwrap().to_string();
    let mut last = started.body;
    for _ in 0..500 {
        if last["stage"] == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        last = script.get(&status_url).await.body;
    }
    assert_eq!(last["stage"], "failed", "{last}");
    assert!(
        last["error"]
            .as_str()
            .unwrap()
            .contains("must be a spreadsheet"),
        "{last}"
    );
    assert_eq!(script.get("/api/plans").await.body, plans_before);

    // A file marked SECRET is another matter: Waymark must not hold it, so it is refused and
    // not kept (no token).
    let secret = format!("Protective marking: SECRET\n{TRACKER}");
    let form = Form::new().part(
        "file",
        Part::bytes(secret.into_bytes()).file_name("secret.csv"),
    );
    let refused = Answer::of(
        script
            .request(Method::POST, "/api/imports")
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(field_names(&refused), vec!["file"]);
    assert!(refused.body["token"].is_null(), "{}", refused.body);
    assert!(
        refused.body.to_string().contains("marked SECRET"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn what_changed_and_reports_are_read_through_the_api() {
    let app = spawn_app().await;
    let script = script_for(&app, "admin@test.example").await;
    let changes = script
        .get(&format!(
            "/api/plans/{}/changes?from=2014-11-01&to=2015-02-16",
            app.plan
        ))
        .await;
    assert_eq!(changes.status, 200, "{}", changes.body);
    assert_eq!(changes.body["from"], "2014-11-01");
    let new_items = changes.body["new_items"].as_array().unwrap();
    assert_eq!(new_items.len(), 2);
    assert_eq!(new_items[1]["item"]["reference"], "4.43a");
    assert_eq!(new_items[1]["on"], "2014-11-21");
    assert_eq!(
        changes.body["new_updates"][0]["text"],
        "Guidance drafted following the review of practices."
    );
    assert_eq!(changes.body["newly_overdue"][0]["item"]["id"], app.action.0);
    let backwards = script
        .get(&format!(
            "/api/plans/{}/changes?from=2015-02-16&to=2014-11-01",
            app.plan
        ))
        .await;
    // Given the wrong way round, the window is read the right way round.
    assert_eq!(backwards.status, 200, "{}", backwards.body);
    assert_eq!(backwards.body["from"], "2014-11-01");
    assert_eq!(backwards.body["to"], "2015-02-16");
    assert_eq!(backwards.body["totals"], changes.body["totals"]);

    let file = script
        .request(
            Method::GET,
            &format!("/api/plans/{}/report?layout=tracker&format=html", app.plan),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "text/html; charset=utf-8");
    assert!(
        file.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        file.text()
            .await
            .unwrap()
            .contains("Issue guidance on repeat and vulnerable victims")
    );
    let bad_layout = script
        .get(&format!("/api/plans/{}/report?layout=poster", app.plan))
        .await;
    assert_eq!(bad_layout.status, 422);
    assert_eq!(field_names(&bad_layout), vec!["layout"]);

    let published = script
        .post(
            &format!("/api/plans/{}/reports", app.plan),
            json!({"layout": "tracker", "as_at": "2015-02-16"}),
        )
        .await;
    assert_eq!(published.status, 201, "{}", published.body);
    assert_eq!(published.body["layout"], "tracker");
    assert_eq!(published.body["as_at"], "2015-02-16");
    assert_eq!(published.body["version"], 1);
    assert_eq!(published.body["published_by"], "Ada Admin");
    assert_eq!(
        published.body["formats"],
        json!(["docx", "html", "pdf", "xlsx"])
    );
    let id = published.body["id"].as_i64().unwrap();
    let html = script
        .request(Method::GET, &format!("/api/reports/{id}/html"))
        .send()
        .await
        .unwrap();
    assert_eq!(html.status(), 200);
    assert!(
        html.text()
            .await
            .unwrap()
            .contains("Issue guidance on repeat and vulnerable victims")
    );
    assert_eq!(
        script.get(&format!("/api/reports/{id}/odt")).await.status,
        404
    );
    let withdrawn = script
        .post(
            &format!("/api/reports/{id}/withdraw"),
            json!({"reason": "Published against the wrong day"}),
        )
        .await;
    assert_eq!(withdrawn.status, 204, "{}", withdrawn.body);
    let listed = script
        .get(&format!("/api/plans/{}/reports", app.plan))
        .await;
    assert_eq!(
        listed.body[0]["withdrawn"]["reason"],
        "Published against the wrong day"
    );
    assert_eq!(listed.body[0]["withdrawn"]["by"], "Ada Admin");

    let contributor = script_for(&app, "owner@test.example").await;
    let refused = contributor
        .post(
            &format!("/api/plans/{}/reports", app.plan),
            json!({"layout": "tracker"}),
        )
        .await;
    assert_eq!(refused.status, 403);
}

/// A background import through the API: started from a preview's token (202 with its id and
/// status URL), read until stored, its findings as CSV and XLSX; cancelled, it stores
/// nothing; another force's person gets 404 (issue #15).
#[tokio::test]
async fn an_import_runs_as_a_job_through_the_api() {
    let app = spawn_app().await;
    let script = script_for(&app, "admin@test.example").await;
    let preview_of = |rows: usize| {
        let mut csv = String::from("Ref,Action,Owner,Due\n");
        for n in 1..=rows {
            let due = if n == 2 { "31/02/2027" } else { "31/03/2027" };
            csv.push_str(&format!(
                "{n},Action {n},Head of Contact Management,{due}\n"
            ));
        }
        Form::new()
            .part("file", Part::bytes(csv.into_bytes()).file_name("jobs.csv"))
            .text("target", "")
            .text("title", format!("Job of {rows}"))
    };
    let preview = |rows: usize| {
        let form = preview_of(rows);
        let request = script.request(Method::POST, "/api/imports").multipart(form);
        async move {
            let answer = Answer::of(request.send().await.unwrap()).await;
            assert_eq!(answer.status, 200, "{}", answer.body);
            answer.body["token"].as_str().unwrap().to_string()
        }
    };
    let plans_before = script
        .get("/api/plans")
        .await
        .body
        .as_array()
        .unwrap()
        .len();

    let token = preview(3_000).await;
    let started = script
        .post(&format!("/api/imports/{token}/jobs"), json!({}))
        .await;
    assert_eq!(started.status, 202, "{}", started.body);
    let id = started.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        started.body["status_url"],
        json!(format!("/api/import-jobs/{id}"))
    );
    let mut last = started.body.clone();
    let mut fractions = vec![last["fraction"].as_f64().unwrap()];
    for _ in 0..3000 {
        last = script.get(&format!("/api/import-jobs/{id}")).await.body;
        fractions.push(last["fraction"].as_f64().unwrap());
        if last["stage"] == "done" || last["stage"] == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(last["stage"], "done", "{last}");
    assert!(fractions.windows(2).all(|w| w[1] >= w[0]), "{fractions:?}");
    assert_eq!(last["result"]["items"]["added"], 3_000);
    assert_eq!(last["result"]["dry_run"], false);
    assert_eq!(
        last["findings_csv_url"],
        json!(format!("/api/import-jobs/{id}/findings.csv"))
    );
    let csv = script
        .get(&format!("/api/import-jobs/{id}/findings.csv"))
        .await;
    assert_eq!(csv.status, 200);
    let csv = csv.body.as_str().unwrap().to_string();
    assert!(
        csv.starts_with("sheet,row,column,rows,kind,finding,message\n"),
        "{csv}"
    );
    assert!(csv.contains("\n,3,Due,,unparseable_date,"), "{csv}");
    let xlsx = script
        .request(Method::GET, &format!("/api/import-jobs/{id}/findings.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(
        script
            .get("/api/plans")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        plans_before + 1
    );
    // The token is spent once stored.
    let again = script
        .post(&format!("/api/imports/{token}/jobs"), json!({}))
        .await;
    assert_eq!(again.status, 404);

    // Cancelled at once: nothing is stored.
    let token = preview(3_000).await;
    let started = script
        .post(&format!("/api/imports/{token}/jobs"), json!({}))
        .await;
    let id = started.body["id"].as_str().unwrap().to_string();
    let cancelling = script
        .post(&format!("/api/import-jobs/{id}/cancel"), json!({}))
        .await;
    assert_eq!(cancelling.status, 200, "{}", cancelling.body);
    assert_eq!(cancelling.body["cancel_requested"], true);
    let mut last = cancelling.body;
    for _ in 0..3000 {
        if last["stage"] == "cancelled" || last["stage"] == "done" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        last = script.get(&format!("/api/import-jobs/{id}")).await.body;
    }
    assert_eq!(last["stage"], "cancelled", "{last}");
    assert_eq!(
        script
            .get("/api/plans")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        plans_before + 1
    );
    let findings = script
        .get(&format!("/api/import-jobs/{id}/findings.csv"))
        .await;
    // The job as it is (cancelled: nothing stored) refuses its findings.
    assert_eq!(findings.status, 409, "{}", findings.body);
    assert_eq!(field_names(&findings), vec!["job"]);

    // Another force's person is told there is no such job.
    let other = script_for(&app, "other@other.example").await;
    assert_eq!(
        other.get(&format!("/api/import-jobs/{id}")).await.status,
        404
    );
    assert_eq!(
        other
            .post(&format!("/api/import-jobs/{id}/cancel"), json!({}))
            .await
            .status,
        404
    );
}

/// The corrections endpoint's `objectives`: an indicator table's objective as the file writes
/// it taken to be one of the plan's (by its reference), so the preview counts no new
/// objective and the confirmation attaches the indicator to that one; a name the plan has no
/// objective for is refused (issue #15).
#[tokio::test]
async fn an_objective_corrected_through_the_api_is_what_the_import_stores() {
    let app = spawn_app().await;
    let script = script_for(&app, "admin@test.example").await;
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../io/tests/fixtures");
    let upload = |name: &str, target: String| {
        let bytes = std::fs::read(fixtures.join(name)).unwrap();
        let form = Form::new()
            .part("file", Part::bytes(bytes).file_name(name.to_string()))
            .text("target", target);
        let request = script.request(Method::POST, "/api/imports").multipart(form);
        async move { Answer::of(request.send().await.unwrap()).await }
    };
    let plan_preview = upload("objectives-in-full.csv", String::new()).await;
    assert_eq!(plan_preview.status, 200, "{}", plan_preview.body);
    let token = plan_preview.body["token"].as_str().unwrap();
    let stored = script
        .post(&format!("/api/imports/{token}/confirm"), json!({}))
        .await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    let plan = stored.body["plan"].as_i64().unwrap();
    let items = script.get(&format!("/api/plans/{plan}/items")).await.body;
    let items_before = items["items"].as_array().unwrap().len();
    let third = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["text"] == "(3) To reduce crime and anti-social behaviour in our communities")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let preview = upload("indicators-short-objectives.csv", plan.to_string()).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.body["result"]["kind"], "indicators");
    assert_eq!(
        preview.body["result"]["indicators"]["objectives_created"], 1,
        "{}",
        preview.body
    );
    assert_eq!(
        preview.body["result"]["indicators"]["objectives_new"],
        json!(["Roads policing"])
    );
    let token = preview.body["token"].as_str().unwrap().to_string();

    let refused = script
        .post(
            &format!("/api/imports/{token}/corrections"),
            json!({"objectives": {"Roads policing": "Objective that is not there"}}),
        )
        .await;
    // It names an objective the plan does not have: nothing by that name, 404 naming the field.
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert_eq!(field_names(&refused), vec!["objectives"]);
    assert!(
        refused
            .body
            .to_string()
            .contains("Objective that is not there"),
        "{}",
        refused.body
    );

    let corrected = script
        .post(
            &format!("/api/imports/{token}/corrections"),
            json!({"objectives": {"Roads policing": "3"}}),
        )
        .await;
    assert_eq!(corrected.status, 200, "{}", corrected.body);
    let counts = &corrected.body["result"]["indicators"];
    assert_eq!(counts["objectives_created"], 0, "{counts}");
    assert_eq!(counts["objectives_new"], json!([]), "{counts}");

    let confirmed = script
        .post(&format!("/api/imports/{token}/confirm"), json!({}))
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let items = script.get(&format!("/api/plans/{plan}/items")).await.body;
    assert_eq!(items["items"].as_array().unwrap().len(), items_before);
    let indicators = script
        .get(&format!("/api/plans/{plan}/indicators"))
        .await
        .body;
    let roads = indicators
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "People killed or seriously injured on the roads")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let detail = script.get(&format!("/api/indicators/{roads}")).await.body;
    assert_eq!(detail["objective"], third, "{detail}");
}

/// Every route the API serves, as the OpenAPI document names it, with its method.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/session"),
    ("get", "/api/plans"),
    ("post", "/api/plans"),
    ("get", "/api/plans/{id}"),
    ("patch", "/api/plans/{id}"),
    ("post", "/api/plans/{id}/archive"),
    ("post", "/api/plans/{id}/restore"),
    ("get", "/api/plans/{id}/items"),
    ("post", "/api/plans/{id}/items"),
    ("get", "/api/plans/{id}/check"),
    ("get", "/api/plans/{id}/indicators"),
    ("get", "/api/plans/{id}/programme"),
    ("get", "/api/plans/{id}/programme/facts"),
    ("post", "/api/plans/{id}/programme/bases"),
    ("post", "/api/plans/{id}/programme/cost"),
    ("post", "/api/plans/{id}/programme/funding"),
    ("post", "/api/plans/{id}/programme/funding/withdraw"),
    ("post", "/api/plans/{id}/programme/savings"),
    ("post", "/api/plans/{id}/programme/savings/withdraw"),
    ("get", "/api/plans/{id}/programme/report"),
    ("get", "/api/plans/{id}/programme/reports"),
    ("post", "/api/plans/{id}/programme/reports"),
    ("get", "/api/plans/{id}/search"),
    ("get", "/api/plans/{id}/changes"),
    ("post", "/api/plans/{id}/owners"),
    ("get", "/api/plans/{id}/report"),
    ("get", "/api/plans/{id}/reports"),
    ("post", "/api/plans/{id}/reports"),
    ("get", "/api/plans/{id}/narrative"),
    ("post", "/api/plans/{id}/narrative"),
    ("get", "/api/plans/{id}/narrative/requests"),
    ("post", "/api/plans/{id}/narrative/requests"),
    ("get", "/api/plans/{id}/shares"),
    ("post", "/api/plans/{id}/shares"),
    ("get", "/api/items/{id}"),
    ("patch", "/api/items/{id}"),
    ("post", "/api/items/{id}/updates"),
    ("post", "/api/items/{id}/move"),
    ("post", "/api/items/{id}/reorder"),
    ("post", "/api/items/{id}/close"),
    ("post", "/api/items/{id}/reopen"),
    ("post", "/api/items/{id}/archive"),
    ("post", "/api/items/{id}/restore"),
    ("get", "/api/items/{id}/evidence"),
    ("post", "/api/items/{id}/evidence"),
    ("post", "/api/items/{id}/evidence/file"),
    ("get", "/api/plans/{id}/closure-rules"),
    ("post", "/api/plans/{id}/closure-rules"),
    ("get", "/api/evidence/{id}/file"),
    ("post", "/api/evidence/{id}/withdraw"),
    ("post", "/api/items/{id}/closure"),
    ("post", "/api/items/{id}/closure/decision"),
    ("get", "/api/items/{id}/comments"),
    ("post", "/api/items/{id}/comments"),
    ("get", "/api/indicators/{id}"),
    ("post", "/api/indicators/{id}/measurements"),
    ("post", "/api/imports"),
    ("post", "/api/imports/{token}/confirm"),
    ("post", "/api/imports/{token}/corrections"),
    ("post", "/api/imports/{token}/jobs"),
    ("get", "/api/import-jobs/{id}"),
    ("post", "/api/import-jobs/{id}/cancel"),
    ("get", "/api/import-jobs/{id}/findings.csv"),
    ("get", "/api/import-jobs/{id}/findings.xlsx"),
    ("get", "/api/reports/{id}/{format}"),
    ("post", "/api/reports/{id}/withdraw"),
    ("get", "/api/people"),
    ("post", "/api/people"),
    ("put", "/api/people/{id}/roles"),
    ("put", "/api/people/{id}/clearance"),
    ("put", "/api/people/{id}/password"),
    ("post", "/api/people/{id}/posts"),
    ("post", "/api/people/{id}/posts/{post}/leave"),
    ("get", "/api/organisations"),
    ("post", "/api/organisations"),
    ("post", "/api/shares/{id}/revoke"),
    ("get", "/api/audit"),
    ("get", "/api/audit.csv"),
    ("get", "/api/tokens"),
    ("post", "/api/tokens"),
    ("post", "/api/tokens/{id}/revoke"),
];

#[tokio::test]
async fn the_openapi_document_lists_every_route_with_every_answer() {
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in ROUTES {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} is not described"
        );
    }
    let described: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        described,
        ROUTES.len(),
        "every operation described is in ROUTES"
    );

    let mut operation_ids = std::collections::HashSet::new();
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap() {
            let name = format!("{method} {path}");
            assert!(
                operation_ids.insert(operation["operationId"].as_str().unwrap().to_string()),
                "{name}: its operationId is not unique"
            );
            let responses = operation["responses"].as_object().unwrap();
            for status in ["401", "500"] {
                assert!(
                    responses.contains_key(status),
                    "{name} does not list {status}"
                );
            }
            if method != "get" {
                assert!(responses.contains_key("403"), "{name} does not list 403");
                let security = operation["security"].as_array().unwrap();
                assert!(
                    security.contains(&json!({"session": [], "csrf": []})),
                    "{name}: a cookie session's write needs the CSRF token"
                );
                assert!(security.contains(&json!({"bearer": []})), "{name}");
            }
        }
    }
    assert_eq!(doc["security"], json!([{"bearer": []}, {"session": []}]));
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "waymark_session");
    assert_eq!(schemes["csrf"]["name"], "X-CSRF-Token");

    let error = &doc["components"]["schemas"]["ErrorJson"];
    assert_eq!(error["required"], json!(["error"]));
    for field in [
        "fields",
        "current_version",
        "changed_by",
        "current",
        "reference",
    ] {
        assert!(error["properties"][field].is_object(), "ErrorJson.{field}");
    }
    let patch_item = &doc["paths"]["/api/items/{id}"]["patch"];
    for status in ["200", "400", "403", "404", "409", "422"] {
        assert!(
            patch_item["responses"][status].is_object(),
            "PATCH /api/items/{{id}} does not list {status}"
        );
    }
    assert!(patch_item["responses"]["200"]["headers"]["ETag"].is_object());
    let if_match = patch_item["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "If-Match")
        .unwrap();
    assert_eq!(if_match["in"], "header");
    assert_eq!(if_match["required"], true);
    let page = doc["paths"]["/api/audit"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "page")
        .unwrap();
    assert_eq!(page["schema"]["minimum"], 1);
    let detail = &doc["components"]["schemas"]["ItemDetailJson"];
    assert!(detail.is_object(), "ItemDetailJson is described");
}

/// Query parameters and bodies are refused or read as `/api/openapi.json` states them.
#[tokio::test]
async fn parameters_are_read_as_the_document_states_them() {
    let app = spawn_app().await;
    let script = script_for(&app, "admin@test.example").await;
    let plan = app.plan;

    // An empty value reads as absent, as the document's `oneOf` with "" says.
    for path in [
        format!("/api/plans/{plan}/items?as_at=&limit=&page=&level=&rag=&flag=&sort=&mine="),
        format!("/api/plans/{plan}/check?as_at="),
        format!("/api/plans/{plan}/changes?from=&to=&page="),
        "/api/audit?day=&action=".to_string(),
    ] {
        let answer = script.get(&path).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    }

    // Outside the stated ranges: refused, naming the parameter.
    for (path, status, field) in [
        ("/api/audit?plan=0".to_string(), 422, "plan"),
        ("/api/audit?person=-1".to_string(), 422, "person"),
        ("/api/audit?page=0".to_string(), 422, "page"),
        (
            format!("/api/audit?action={}", "a".repeat(101)),
            422,
            "action",
        ),
        ("/api/audit.csv?page=0".to_string(), 422, "page"),
        (
            format!("/api/plans/{plan}/items?page=9223372036854775808"),
            400,
            "page",
        ),
        (format!("/api/plans/{plan}/items?level=-1"), 400, "level"),
        (
            format!("/api/plans/{plan}/items?level=2147483648"),
            400,
            "level",
        ),
        (format!("/api/plans/{plan}/items?limit=1001"), 400, "limit"),
    ] {
        let answer = script.get(&path).await;
        assert_eq!(answer.status, status, "{path}: {}", answer.body);
        assert!(
            field_names(&answer).contains(&field.to_string()),
            "{path}: {}",
            answer.body
        );
    }
    // The last page there can be is empty, not a database failure.
    let answer = script.get("/api/audit?page=9223372036854775807").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["events"], json!([]));

    // A body is an object, as every request body the document describes.
    for body in [json!([]), json!([null, null]), json!("text")] {
        let answer = script.post("/api/tokens", body.clone()).await;
        assert_eq!(answer.status, 422, "{body}: {}", answer.body);
        assert_eq!(field_names(&answer), vec!["body"], "{body}");
    }
}

/// The document says a plan has at most six level names; seven are refused as the field's
/// error, blank or not, rather than dropped for the kind's own (found by schemathesis).
#[tokio::test]
async fn more_level_names_than_the_document_allows_are_refused() {
    let app = spawn_app().await;
    let script = script_for(&app, "admin@test.example").await;
    let refused = script
        .post(
            "/api/plans",
            json!({"title": "Seven levels", "level_names": ["", "", "", "", "", "", ""]}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(field_names(&refused), vec!["level_names".to_string()]);
    let blank = script
        .post(
            "/api/plans",
            json!({"title": "Blank levels", "level_names": ["", ""]}),
        )
        .await;
    assert_eq!(blank.status, 201, "{}", blank.body);
    assert_eq!(
        blank.body["level_names"],
        json!(["Recommendation", "Action"])
    );
}
