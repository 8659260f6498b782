//! Editing the demo programme's facts as its manager, on the edit page and through the API:
//! each write is stored, the cost is shared again in whole pence that sum exactly to it (each
//! share within a penny of its exact proportion), mistakes come back by their field, and
//! nobody but a plan manager of the lead organisation edits.

use serde_json::{Value, json};
use waymark_app::{Actor, App, Clock};
use waymark_store::Scope;

use crate::helpers::{TestApp, hidden_value, spawn_app};

const DEMO_PASSWORD: &str = "waymark-demo-2026";
const MANAGER: &str = "rowan.hale@nottinghamshire.example";
const PARTNER: &str = "chris.dunn@derbyshire.example";
const COUNCIL: &str = "kim.lee@northshire-council.example";

async fn sign_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = TestApp::new_client();
    let page = client.get(app.url("/sign-in")).send().await.unwrap();
    let csrf = hidden_value(&page.text().await.unwrap(), "csrf");
    let response = client
        .post(app.url("/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", DEMO_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{email} signs in");
    client
}

/// The demo, and the id of its programme.
async fn demo_programme(app: &TestApp) -> i64 {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    App::new(app.store.clone(), Clock::fixed(today))
        .ensure_demo(&Actor::operator(), today)
        .await
        .unwrap();
    app.store
        .plans(Scope::All)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.kind == waymark_core::PlanKind::Collaboration)
        .unwrap()
        .id
        .0
}

async fn json_as(app: &TestApp, client: &reqwest::Client, path: &str) -> Value {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

async fn session_csrf(app: &TestApp, client: &reqwest::Client) -> String {
    json_as(app, client, "/api/session").await["csrf_token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The participants' shares in pence sum exactly to what they share (the cost less any
/// external part), and each lies within a penny of its exact proportion of its basis.
fn assert_shares_exact(programme: &Value, shared: i64) {
    let participants = programme["participants"].as_array().unwrap();
    let bases: Vec<i128> = participants
        .iter()
        .map(|p| i128::from(p["basis"]["value"].as_i64().unwrap()))
        .collect();
    let shares: Vec<i64> = participants
        .iter()
        .map(|p| p["share_pence"].as_i64().unwrap())
        .collect();
    assert_eq!(shares.iter().sum::<i64>(), shared, "{programme}");
    let total: i128 = bases.iter().sum();
    for (basis, share) in bases.iter().zip(&shares) {
        // |share − shared × basis / total| < 1, in whole numbers.
        let exact_times_total = i128::from(shared) * basis;
        let difference = (i128::from(*share) * total - exact_times_total).abs();
        assert!(
            difference < total,
            "share {share} is not within a penny of {shared} × {basis} / {total}"
        );
    }
}

fn participant<'a>(programme: &'a Value, code: &str) -> &'a Value {
    programme["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["organisation"] == code)
        .unwrap()
}

#[tokio::test]
async fn the_manager_edits_bases_cost_funding_and_savings_on_the_page_and_shares_follow() {
    let app = spawn_app().await;
    let plan = demo_programme(&app).await;
    let manager = sign_in(&app, MANAGER).await;
    let summary = format!("/api/plans/{plan}/programme?year=2009/10");

    // Linked from the home page and the programme's page.
    let home = app.text_as(&manager, "/").await;
    assert!(home.contains(&format!("href=\"/plans/{plan}/programme/edit\"")));
    let page = app
        .text_as(&manager, &format!("/plans/{plan}/programme?year=2009/10"))
        .await;
    assert!(page.contains(&format!(
        "href=\"/plans/{plan}/programme/edit?year=2009/10\""
    )));

    let edit = app
        .text_as(
            &manager,
            &format!("/plans/{plan}/programme/edit?year=2009/10"),
        )
        .await;
    assert!(edit.contains("Edit the programme, 2009/10"), "{edit}");
    assert!(edit.contains("Collaboration programme team"));
    let csrf = hidden_value(&edit, "csrf");
    let before = json_as(&app, &manager, &summary).await;
    let derbyshire_org = app
        .store
        .organisations()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.code == "DER")
        .unwrap()
        .id
        .0
        .to_string();

    // Derbyshire's grant for 2009/10 becomes £100,000,000.01: shares are re-computed.
    let response = manager
        .post(app.url(&format!("/plans/{plan}/programme/edit/basis")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("basis_organisation", derbyshire_org.as_str()),
            ("basis_year", "2009/10"),
            ("basis_kind", "police-grant"),
            ("basis_figure", "£100,000,000.01"),
            ("basis_as_of", "1 April 2009"),
            ("basis_source", "Police grant report 2009/10"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/plans/{plan}/programme/edit?year=2009%2F10&done=basis").as_str()
    );
    let after = json_as(&app, &manager, &summary).await;
    let derbyshire = participant(&after, "DER");
    assert_eq!(derbyshire["basis"]["value"], 10_000_000_001_i64);
    assert_eq!(derbyshire["basis"]["source"], "Police grant report 2009/10");
    assert_eq!(derbyshire["basis"]["as_of"], "2009-04-01");
    assert_eq!(derbyshire["basis"]["illustrative"], false);
    assert_ne!(
        derbyshire["share_pence"],
        participant(&before, "DER")["share_pence"]
    );
    assert_shares_exact(&after, 120_000_000);

    // The cost becomes £1,000,000.03 with the Home Office paying 75% first: the forces share
    // the £250,000.01 left (75% of 100,000,003 pence is 75,000,002.25, so the forces' part
    // is 25,000,001 pence once the external part is rounded).
    let response = manager
        .post(app.url(&format!("/plans/{plan}/programme/edit/cost")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("cost_year", "2009/10"),
            ("cost_label", ""),
            ("cost_total", "£1,000,000.03"),
            ("cost_method", "police-grant"),
            ("cost_external_funder", "Home Office"),
            ("cost_external_share", "75%"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let after = json_as(&app, &manager, &summary).await;
    assert_eq!(after["cost"]["total_pence"], 100_000_003);
    assert_eq!(after["cost"]["label"], "Collaboration programme team");
    let external = after["cost"]["external_pence"].as_i64().unwrap();
    assert!((75_000_002..=75_000_003).contains(&external), "{external}");
    assert_shares_exact(&after, 100_000_003 - external);

    // A funding line not known yet stays not known: counted, not zeroed.
    let unknown_before = after["funding_by_year"]["2010/11"]["unknown_cells"]
        .as_u64()
        .unwrap_or(0);
    let known_before = after["funding_by_year"]["2010/11"]["known_pence"]
        .as_i64()
        .unwrap_or(0);
    for amount in ["tbc", "£150k"] {
        let response = manager
            .post(app.url(&format!("/plans/{plan}/programme/edit/funding")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("funding_project", ""),
                ("funding_source", "Home Office"),
                ("funding_year", "2010/11"),
                ("funding_amount", amount),
                ("funding_recurrence", "one-off"),
                ("funding_certainty", "expected"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{amount}");
    }
    let funded = json_as(&app, &manager, &summary).await;
    let year = &funded["funding_by_year"]["2010/11"];
    assert_eq!(year["unknown_cells"].as_u64().unwrap(), unknown_before + 1);
    assert_eq!(
        year["known_pence"].as_i64().unwrap(),
        known_before + 15_000_000
    );

    // The page lists the line with its withdraw button; withdrawing takes it out of the count.
    let edit = app
        .text_as(
            &manager,
            &format!("/plans/{plan}/programme/edit?year=2010/11"),
        )
        .await;
    assert!(edit.contains("Not known (tbc)"), "{edit}");
    let facts = json_as(
        &app,
        &manager,
        &format!("/api/plans/{plan}/programme/facts?year=2010/11"),
    )
    .await;
    let tbc = facts["funding"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["written"] == "tbc" && l["year"] == "2010/11")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert!(edit.contains(&format!("name=\"line\" value=\"{tbc}\"")));
    let response = manager
        .post(app.url(&format!("/plans/{plan}/programme/edit/funding/withdraw")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("line", tbc.to_string().as_str()),
            ("year", "2010/11"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let withdrawn = json_as(&app, &manager, &summary).await;
    assert_eq!(
        withdrawn["funding_by_year"]["2010/11"]["unknown_cells"]
            .as_u64()
            .unwrap(),
        unknown_before
    );

    // A one-off saving counts in its own year only; a recurring one each year from its first.
    for (recurrence, amount) in [("one-off", "£40k"), ("recurring", "£250k")] {
        let response = manager
            .post(app.url(&format!("/plans/{plan}/programme/edit/savings")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("saving_project", ""),
                ("saving_year", "2011/12"),
                ("saving_kind", "cashable"),
                ("saving_recurrence", recurrence),
                ("saving_stage", "realised"),
                ("saving_amount", amount),
                ("saving_until", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{recurrence}");
    }
    let first = json_as(
        &app,
        &manager,
        &format!("/api/plans/{plan}/programme?year=2011/12"),
    )
    .await;
    let next = json_as(
        &app,
        &manager,
        &format!("/api/plans/{plan}/programme?year=2012/13"),
    )
    .await;
    assert_eq!(first["savings"]["realised_pence"], 29_000_000);
    assert_eq!(next["savings"]["realised_pence"], 25_000_000);
}

#[tokio::test]
async fn mistakes_come_back_by_their_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let plan = demo_programme(&app).await;
    let manager = sign_in(&app, MANAGER).await;
    let summary = format!("/api/plans/{plan}/programme?year=2009/10");
    let before = json_as(&app, &manager, &summary).await;
    let edit = app
        .text_as(
            &manager,
            &format!("/plans/{plan}/programme/edit?year=2009/10"),
        )
        .await;
    let csrf = hidden_value(&edit, "csrf");

    let response = manager
        .post(app.url(&format!("/plans/{plan}/programme/edit/basis")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("basis_organisation", "999999"),
            ("basis_year", "2009/10"),
            ("basis_kind", "police-grant"),
            ("basis_figure", "lots"),
            ("basis_as_of", "someday"),
            ("basis_source", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") || page.contains("<html"));
    assert!(page.contains("<title>Error: Edit the programme, 2009/10"));
    assert!(page.contains("There is a problem"));
    for field in [
        "basis_organisation",
        "basis_figure",
        "basis_as_of",
        "basis_source",
    ] {
        assert!(page.contains(&format!("href=\"#{field}\"")), "{field}");
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    // What was typed is kept.
    assert!(page.contains("value=\"lots\""));

    let response = manager
        .post(app.url(&format!("/plans/{plan}/programme/edit/savings")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("saving_year", "2009/10"),
            ("saving_kind", "cashable"),
            ("saving_recurrence", "one-off"),
            ("saving_stage", "planned"),
            ("saving_amount", "£10k"),
            ("saving_until", "2011/12"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("href=\"#saving_until\""));
    assert!(page.contains("A one-off saving counts in its own year only"));

    // Without the CSRF token the form is refused.
    let response = manager
        .post(app.url(&format!("/plans/{plan}/programme/edit/cost")))
        .form(&[
            ("cost_year", "2009/10"),
            ("cost_total", "£1"),
            ("cost_method", "equal"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    // The API names the same fields.
    let token = session_csrf(&app, &manager).await;
    let response = manager
        .post(app.url(&format!("/api/plans/{plan}/programme/cost")))
        .header("x-csrf-token", &token)
        .json(&json!({"year": "2009/10", "total": "tbc", "method": "by magic"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let error: Value = response.json().await.unwrap();
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["total", "method"], "{error}");

    assert_eq!(json_as(&app, &manager, &summary).await, before);
}

#[tokio::test]
async fn the_api_answers_404_for_what_the_programme_lacks_and_409_for_what_its_year_refuses() {
    let app = spawn_app().await;
    let plan = demo_programme(&app).await;
    let manager = sign_in(&app, MANAGER).await;
    let token = session_csrf(&app, &manager).await;
    let summary = format!("/api/plans/{plan}/programme?year=2009/10");
    let before = json_as(&app, &manager, &summary).await;
    let post = |path: &str, body: Value| {
        manager
            .post(app.url(&format!("/api/plans/{plan}/programme/{path}")))
            .header("x-csrf-token", &token)
            .json(&body)
            .send()
    };
    let fields = |error: &Value| -> Vec<String> {
        error["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_string())
            .collect()
    };
    // A funding line for a project the programme lacks, all else as the document allows.
    let response = post(
        "funding",
        json!({"project": 999_999, "source": "Home Office", "year": "2009/10",
            "amount": "£10k", "recurrence": "one-off", "certainty": "secured"}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 404);
    let error: Value = response.json().await.unwrap();
    assert_eq!(fields(&error), ["project"], "{error}");
    // The same for a saving, and a basis for an organisation that is not a participant.
    let response = post(
        "savings",
        json!({"project": 999_999, "year": "2009/10", "kind": "cashable",
            "recurrence": "recurring", "stage": "planned", "amount": "£10k", "until": "2011/12"}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 404);
    let error: Value = response.json().await.unwrap();
    assert_eq!(fields(&error), ["project"], "{error}");
    let response = post(
        "bases",
        json!({"organisation": 999_999, "year": "2009/10", "kind": "fixed-percentage",
            "figure": "22.5%", "as_of": "", "source": "The agreement"}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 404);
    let error: Value = response.json().await.unwrap();
    assert_eq!(fields(&error), ["organisation"], "{error}");
    // Beside a field the document refuses, the answer is the 422 naming both.
    let response = post(
        "funding",
        json!({"project": 999_999, "source": "", "year": "2009/10",
            "amount": "£10k", "recurrence": "one-off", "certainty": "secured"}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 422);
    let error: Value = response.json().await.unwrap();
    assert_eq!(fields(&error), ["project", "source"], "{error}");
    // Fixed amounts with none entered and none agreed for the year: the year refuses them.
    let response = post(
        "cost",
        json!({"year": "2031/32", "total": "£1m", "method": "fixed-amounts", "amounts": []}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 409);
    let error: Value = response.json().await.unwrap();
    assert_eq!(fields(&error), ["method"], "{error}");
    assert_eq!(json_as(&app, &manager, &summary).await, before);
}

#[tokio::test]
async fn the_api_edits_the_same_facts_and_answers_them_with_the_shares_recomputed() {
    let app = spawn_app().await;
    let plan = demo_programme(&app).await;
    let manager = sign_in(&app, MANAGER).await;
    let token = session_csrf(&app, &manager).await;
    let post = |path: String, body: Value| {
        let request = manager
            .post(app.url(&path))
            .header("x-csrf-token", &token)
            .json(&body);
        async move { request.send().await.unwrap() }
    };

    let facts = json_as(
        &app,
        &manager,
        &format!("/api/plans/{plan}/programme/facts?year=2009/10"),
    )
    .await;
    assert_eq!(facts["participants"].as_array().unwrap().len(), 5);
    assert_eq!(facts["bases"].as_array().unwrap().len(), 5);
    assert_eq!(facts["cost"]["total_pence"], 120_000_000);
    let leicestershire = facts["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "LEI")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // Net revenue expenditure for 2010/11 for every force, then a cost shared by it.
    let nre = [
        ("DER", "£160m"),
        ("LEI", "£171.3m"),
        ("LIN", "£110m"),
        ("NTH", "£120,000,000"),
        ("NOT", "£210.7m"),
    ];
    for (code, figure) in nre {
        let org = facts["participants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == code)
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let response = post(
            format!("/api/plans/{plan}/programme/bases"),
            json!({"organisation": org, "year": "2010/11", "kind": "net-revenue-expenditure",
                   "figure": figure, "source": "Budget book 2010/11"}),
        )
        .await;
        assert_eq!(response.status(), 200, "{code}");
    }
    let response = post(
        format!("/api/plans/{plan}/programme/cost"),
        json!({"year": "2010/11", "label": "Programme team", "total": "£1,234,567.89",
               "method": "net-revenue-expenditure"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["year"], "2010/11");
    assert_eq!(answer["cost"]["total_pence"], 123_456_789);
    assert_eq!(
        answer["cost"]["method"],
        "proportional:net-revenue-expenditure"
    );
    let bases = answer["bases"].as_array().unwrap();
    assert!(bases.iter().any(|b| b["organisation"] == leicestershire
        && b["kind"] == "net-revenue-expenditure"
        && b["value"] == 17_130_000_000_i64));
    let programme = &answer["programme"];
    assert_eq!(programme["cost"]["total_pence"], 123_456_789);
    let participants = programme["participants"].as_array().unwrap();
    assert!(
        participants
            .iter()
            .all(|p| p["basis"]["kind"] == "net-revenue-expenditure")
    );
    assert_shares_exact(programme, 123_456_789);
    // The statement a treasurer checks names the remainder's placing.
    assert!(
        !programme["cost"]["statement"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Shared equally instead: 123,456,789 pence in five is 24,691,357 r 4, so four
    // participants pay a penny more and the sum is exact.
    let response = post(
        format!("/api/plans/{plan}/programme/cost"),
        json!({"year": "2010/11", "total": "£1,234,567.89", "method": "equal"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    let mut shares: Vec<i64> = answer["programme"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["share_pence"].as_i64().unwrap())
        .collect();
    shares.sort_unstable();
    assert_eq!(
        shares,
        [24_691_357, 24_691_358, 24_691_358, 24_691_358, 24_691_358]
    );
    assert_eq!(answer["cost"]["label"], "Programme team");

    // A funding line and a saving, answered with their ids; then withdrawn.
    let response = post(
        format!("/api/plans/{plan}/programme/funding"),
        json!({"source": "Home Office", "year": "2010/11", "amount": "£800k + £260k",
               "recurrence": "recurring", "certainty": "secured"}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let answer: Value = response.json().await.unwrap();
    let line = answer["funding"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["amount_pence"] == 106_000_000 && l["year"] == "2010/11")
        .unwrap()
        .clone();
    assert_eq!(line["recurrence"], "recurring");
    assert_eq!(line["certainty"], "secured");
    assert_eq!(line["project"], Value::Null);
    let known = answer["programme"]["funding_by_year"]["2010/11"]["known_pence"]
        .as_i64()
        .unwrap();

    let response = post(
        format!("/api/plans/{plan}/programme/savings"),
        json!({"year": "2010/11", "kind": "cashable", "recurrence": "recurring",
               "stage": "realised", "amount": "£300k", "until": "2011/12"}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let answer: Value = response.json().await.unwrap();
    let saving = answer["savings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["amount_pence"] == 30_000_000)
        .unwrap()
        .clone();
    assert_eq!(saving["until"], "2011/12");
    assert_eq!(saving["counts_in_year"], true);
    let realised = answer["programme"]["savings"]["realised_pence"]
        .as_i64()
        .unwrap();
    assert!(realised >= 30_000_000);
    // Counted through its last year, not after.
    let later = json_as(
        &app,
        &manager,
        &format!("/api/plans/{plan}/programme/facts?year=2012/13"),
    )
    .await;
    let later_saving = later["savings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == saving["id"])
        .unwrap();
    assert_eq!(later_saving["counts_in_year"], false);

    let response = post(
        format!("/api/plans/{plan}/programme/funding/withdraw"),
        json!({"line": line["id"]}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert!(
        !answer["funding"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == line["id"])
    );
    assert_eq!(
        answer["programme"]["funding_by_year"]["2010/11"]["known_pence"]
            .as_i64()
            .unwrap_or(0),
        known - 106_000_000
    );
    let response = post(
        format!("/api/plans/{plan}/programme/savings/withdraw"),
        json!({"line": saving["id"]}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(
        answer["programme"]["savings"]["realised_pence"]
            .as_i64()
            .unwrap(),
        realised - 30_000_000
    );
    // Withdrawn once: a second withdrawal answers the same, and changes nothing.
    for (path, id) in [("savings", &saving["id"]), ("funding", &line["id"])] {
        let response = post(
            format!("/api/plans/{plan}/programme/{path}/withdraw"),
            json!({ "line": id }),
        )
        .await;
        assert_eq!(response.status(), 200, "{path}");
        let again: Value = response.json().await.unwrap();
        assert_eq!(again["year"], "2010/11");
        assert_eq!(
            again["programme"]["savings"]["realised_pence"]
                .as_i64()
                .unwrap(),
            realised - 30_000_000
        );
        assert_eq!(
            again["programme"]["funding_by_year"]["2010/11"]["known_pence"]
                .as_i64()
                .unwrap_or(0),
            known - 106_000_000
        );
        assert!(
            !again[path]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["id"] == *id)
        );
    }
    // A line the programme never had is still not found.
    let response = post(
        format!("/api/plans/{plan}/programme/funding/withdraw"),
        json!({"line": 987_654_321}),
    )
    .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn only_the_leads_plan_manager_edits_a_programme() {
    let app = spawn_app().await;
    let plan = demo_programme(&app).await;
    let edit = format!("/plans/{plan}/programme/edit?year=2009/10");
    let facts = format!("/api/plans/{plan}/programme/facts?year=2009/10");

    // Derbyshire's collaboration lead reads the programme but does not edit it, and is not
    // offered the link.
    let partner = sign_in(&app, PARTNER).await;
    let page = app
        .text_as(&partner, &format!("/plans/{plan}/programme?year=2009/10"))
        .await;
    assert!(!page.contains("/programme/edit"));
    assert!(!app.text_as(&partner, "/").await.contains("/programme/edit"));
    for path in [&edit, &facts] {
        let response = partner.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 403, "{path}");
    }
    let token = session_csrf(&app, &partner).await;
    let response = partner
        .post(app.url(&format!("/api/plans/{plan}/programme/cost")))
        .header("x-csrf-token", &token)
        .json(&json!({"year": "2009/10", "total": "£1", "method": "equal"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let csrf = token;
    let response = partner
        .post(app.url(&format!("/plans/{plan}/programme/edit/cost")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("cost_year", "2009/10"),
            ("cost_total", "£1"),
            ("cost_method", "equal"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    // The council takes no part: it learns nothing of the programme.
    let council = sign_in(&app, COUNCIL).await;
    for path in [&edit, &facts] {
        let response = council.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let manager = sign_in(&app, MANAGER).await;
    let after = json_as(
        &app,
        &manager,
        &format!("/api/plans/{plan}/programme?year=2009/10"),
    )
    .await;
    assert_eq!(after["cost"]["total_pence"], 120_000_000);
}

#[tokio::test]
async fn new_fixed_amounts_are_entered_per_participant_on_the_page_and_through_the_api() {
    let app = spawn_app().await;
    let plan = demo_programme(&app).await;
    let manager = sign_in(&app, MANAGER).await;
    let organisations = app.store.organisations().await.unwrap();
    let id_of = |code: &str| organisations.iter().find(|o| o.code == code).unwrap().id.0;
    // The page offers fixed amounts and a field for each participant's.
    let edit = app
        .text_as(
            &manager,
            &format!("/plans/{plan}/programme/edit?year=2011/12"),
        )
        .await;
    assert!(edit.contains("value=\"fixed-amounts\""), "{edit}");
    for code in ["DER", "LEI", "LIN", "NTH", "NOT"] {
        assert!(
            edit.contains(&format!("name=\"cost_amount_{}\"", id_of(code))),
            "{code}"
        );
    }
    let csrf = hidden_value(&edit, "csrf");
    let amounts = [
        ("DER", "£200k"),
        ("LEI", "£200,000"),
        ("LIN", "£150k"),
        ("NTH", "150000"),
        ("NOT", "£300k"),
    ];
    let names: Vec<(String, &str)> = amounts
        .iter()
        .map(|(code, amount)| (format!("cost_amount_{}", id_of(code)), *amount))
        .collect();
    let mut form: Vec<(&str, &str)> = vec![
        ("csrf", csrf.as_str()),
        ("cost_year", "2011/12"),
        ("cost_label", ""),
        ("cost_total", "£1m"),
        ("cost_method", "fixed-amounts"),
        ("cost_external_funder", ""),
        ("cost_external_share", ""),
    ];
    form.extend(names.iter().map(|(n, a)| (n.as_str(), *a)));
    let response = manager
        .post(app.url(&format!("/plans/{plan}/programme/edit/cost")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let summary = json_as(
        &app,
        &manager,
        &format!("/api/plans/{plan}/programme?year=2011/12"),
    )
    .await;
    assert_eq!(summary["cost"]["total_pence"], 100_000_000, "{summary}");
    for (code, pence) in [
        ("DER", 20_000_000),
        ("LEI", 20_000_000),
        ("LIN", 15_000_000),
        ("NTH", 15_000_000),
        ("NOT", 30_000_000),
    ] {
        assert_eq!(participant(&summary, code)["share_pence"], pence, "{code}");
    }
    // The page shows the amounts entered, to keep or change.
    let edit = app
        .text_as(
            &manager,
            &format!("/plans/{plan}/programme/edit?year=2011/12"),
        )
        .await;
    assert!(edit.contains("value=\"£300,000\""), "{edit}");

    // Amounts that do not add up to the cost are refused by their field, and nothing changes.
    let mut short = form.clone();
    let not_name = format!("cost_amount_{}", id_of("NOT"));
    for pair in short.iter_mut() {
        if pair.0 == not_name {
            pair.1 = "£200k";
        }
    }
    let response = manager
        .post(app.url(&format!("/plans/{plan}/programme/edit/cost")))
        .form(&short)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("href=\"#cost_amounts\""), "{page}");
    assert!(page.contains("The amounts add up to £900,000"), "{page}");

    // The API enters them the same way, and refuses them by the same fields.
    let token = session_csrf(&app, &manager).await;
    let response = manager
        .post(app.url(&format!("/api/plans/{plan}/programme/cost")))
        .header("x-csrf-token", &token)
        .json(
            &json!({"year": "2011/12", "total": "£1m", "method": "fixed-amounts",
            "amounts": [
                {"organisation": id_of("DER"), "amount": "£400k"},
                {"organisation": id_of("NOT"), "amount": "£600k"},
            ]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    let programme = &answer["programme"];
    assert_eq!(participant(programme, "DER")["share_pence"], 40_000_000);
    assert_eq!(participant(programme, "NOT")["share_pence"], 60_000_000);
    assert_eq!(participant(programme, "LEI")["share_pence"], 0);
    let response = manager
        .post(app.url(&format!("/api/plans/{plan}/programme/cost")))
        .header("x-csrf-token", &token)
        .json(
            &json!({"year": "2011/12", "total": "£1m", "method": "fixed-amounts",
            "amounts": [
                {"organisation": id_of("DER"), "amount": "lots"},
                {"organisation": id_of("NOT"), "amount": "£600k"},
            ]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let error: Value = response.json().await.unwrap();
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, [format!("amount_{}", id_of("DER"))], "{error}");
}
