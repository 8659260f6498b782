//! Writing for a report period in the browser: the page offers the generated sentences as the
//! summary's draft, saving keeps the written text (and prints it in the period's report, said
//! to be written and by whom), and a contributor may not write the summary.

use crate::helpers::{TestApp, hidden_value, spawn_app};

const PERIOD: &str = "Q3 2014-15";

#[tokio::test]
async fn a_written_summary_is_saved_from_its_page_and_printed_in_the_report() {
    let app = spawn_app().await;
    let admin = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&admin, "admin@test.example").await.status(),
        303
    );
    let page_url = app.url(&format!("/plans/{}/narrative?period=Q3+2014-15", app.plan));
    let page = admin.get(&page_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Writing for the Q3 2014-15 report"), "{html}");
    assert!(html.contains(r#"name="subject" value="summary""#));
    let csrf = hidden_value(&html, "csrf");

    let saved = admin
        .post(app.url(&format!("/plans/{}/narrative", app.plan)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("period", PERIOD),
            ("subject", "summary"),
            ("text", "Call handling met its targets this quarter."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    let location = saved.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("saved=1"), "{location}");

    let html = admin
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Call handling met its targets this quarter."));
    assert!(html.contains("Written by Ada Admin on "));

    let report = admin
        .get(app.url(&format!(
            "/plans/{}/reports/download?layout=quarterly&format=html&period=Q3+2014-15",
            app.plan
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 200);
    let report = report.text().await.unwrap();
    assert!(report.contains("<p>Call handling met its targets this quarter.</p>"));
    assert!(report.contains("Written by Ada Admin on "));
    assert!(!report.contains("no summary has been written for this period"));

    // A contributor may read the page but not write the summary.
    let owner = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&owner, "owner@test.example").await.status(),
        303
    );
    let html = owner
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains(r#"name="subject" value="summary""#));
    assert!(html.contains("Call handling met its targets this quarter."));
    let csrf = hidden_value(&html, "csrf");
    let refused = owner
        .post(app.url(&format!("/plans/{}/narrative", app.plan)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("period", PERIOD),
            ("subject", "summary"),
            ("text", "Mine."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);

    // A period that is not one is named on the page, with what was typed kept.
    let csrf = hidden_value(
        &admin
            .get(&page_url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "csrf",
    );
    let bad = admin
        .post(app.url(&format!("/plans/{}/narrative", app.plan)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("period", "Quarter three"),
            ("subject", "summary"),
            ("text", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
}

/// The CSRF token of `client`'s session, for its API writes.
async fn session_csrf(app: &TestApp, client: &reqwest::Client) -> String {
    let session: serde_json::Value = client
        .get(app.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    session["csrf_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn commentary_is_asked_for_on_the_page_shown_on_my_actions_and_answered_through_the_api() {
    let app = spawn_app().await;
    let admin = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&admin, "admin@test.example").await.status(),
        303
    );
    let owner = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&owner, "owner@test.example").await.status(),
        303
    );
    let admin_csrf = session_csrf(&app, &admin).await;
    // The objective (the top-level item) is given to the owner's post.
    let items: serde_json::Value = admin
        .get(app.url(&format!("/api/plans/{}/items", app.plan)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let objective = items["items"][0]["id"].as_i64().unwrap();
    let assigned = admin
        .post(app.url(&format!("/api/plans/{}/owners", app.plan)))
        .header("x-csrf-token", &admin_csrf)
        .json(&serde_json::json!({"items": [objective], "owners": ["Head of Contact Management"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(assigned.status(), 200, "{}", assigned.text().await.unwrap());

    let page_url = app.url(&format!("/plans/{}/narrative?period=Q3+2014-15", app.plan));
    let html = admin
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Ask the owners for their commentary"),
        "{html}"
    );
    assert!(html.contains("Nobody has been asked for commentary on Q3 2014-15 yet."));
    let csrf = hidden_value(&html, "csrf");
    let ask_url = app.url(&format!("/plans/{}/narrative/ask", app.plan));

    // A date already past is refused on the page, with what was typed kept.
    let past = admin
        .post(&ask_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("period", PERIOD),
            ("due", "13/02/2015"),
            ("note", "For the March board"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), 422);
    let html = past.text().await.unwrap();
    assert!(html.contains("must be today or later"), "{html}");
    assert!(
        html.contains(r##"href="#ask-due""##),
        "the error summary links the field"
    );
    assert!(html.contains(r#"value="13/02/2015""#));
    assert!(html.contains(">For the March board</textarea>"));

    let asked = admin
        .post(&ask_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("period", PERIOD),
            ("due", "06/03/2015"),
            ("note", "For the March board"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 303);
    let location = asked.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("asked=1&unowned=0"), "{location}");
    let html = admin
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Commentary for Q3 2014-15 asked of the owners of 1 indicator"));
    let table = html.split("id=\"asked-heading\"").nth(1).unwrap();
    assert!(table.contains("Give call handlers criteria to assess threat, harm and risk"));
    assert!(table.contains(
        "<td class=\"govuk-table__cell\" data-label=\"Asked of\">Head of Contact Management</td>"
    ));
    assert!(table.contains("6 March 2015"));
    assert!(table.contains("Not yet written"));
    assert!(html.contains("Asked of Head of Contact Management by 6 March 2015"));

    // The owner sees it on My actions, with the note, linked to where it is written.
    let mine = app.text_as(&owner, "/my-actions").await;
    assert!(mine.contains("Commentary asked of you"), "{mine}");
    assert!(
        mine.contains(&format!(
            "href=\"/plans/{}/narrative?period=Q3%202014-15#objective-{objective}\"",
            app.plan
        )),
        "{mine}"
    );
    assert!(mine.contains("Write the Q3 2014-15 commentary on Give call handlers"));
    assert!(mine.contains("Needed by 6 March 2015."));
    assert!(mine.contains("For the March board"));

    // The owner, a contributor, may not ask.
    let owner_page = app
        .text_as(
            &owner,
            &format!("/plans/{}/narrative?period=Q3+2014-15", app.plan),
        )
        .await;
    assert!(!owner_page.contains("Ask for commentary</button>"));
    let refused = owner
        .post(&ask_url)
        .form(&[
            ("csrf", hidden_value(&owner_page, "csrf").as_str()),
            ("period", PERIOD),
            ("due", "06/03/2015"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);

    // Through the API: waiting, then written once the owner writes it.
    let requests_url = app.url(&format!(
        "/api/plans/{}/narrative/requests?period=Q3+2014-15",
        app.plan
    ));
    let waiting: serde_json::Value = owner
        .get(&requests_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(waiting["period"], PERIOD);
    let request = &waiting["requests"][0];
    assert_eq!(request["kind"], "objective");
    assert_eq!(request["subject_id"], objective);
    assert_eq!(
        request["owners"],
        serde_json::json!(["Head of Contact Management"])
    );
    assert_eq!(request["due"], "2015-03-06");
    assert_eq!(request["note"], "For the March board");
    assert_eq!(request["asked_by"], "Ada Admin");
    assert_eq!(request["status"], "waiting");

    let owner_csrf = session_csrf(&app, &owner).await;
    let written = owner
        .post(app.url(&format!("/api/plans/{}/narrative", app.plan)))
        .header("x-csrf-token", &owner_csrf)
        .json(&serde_json::json!({"period": PERIOD, "kind": "objective", "subject_id": objective, "text": "Criteria issued to all call handlers."}))
        .send()
        .await
        .unwrap();
    assert_eq!(written.status(), 201);
    let answered: serde_json::Value = admin
        .get(&requests_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answered["requests"][0]["status"], "written");
    assert_eq!(answered["requests"][0]["written_by"], "Olu Owner");
    assert!(
        !app.text_as(&owner, "/my-actions")
            .await
            .contains("Commentary asked of you")
    );

    // Asking again through the API is a reminder with a new date; a past date is refused.
    let post_ask = |due: &'static str| {
        admin
            .post(app.url(&format!("/api/plans/{}/narrative/requests", app.plan)))
            .header("x-csrf-token", &admin_csrf)
            .json(&serde_json::json!({"period": PERIOD, "due": due}))
            .send()
    };
    let stale = post_ask("2015-02-01").await.unwrap();
    assert_eq!(stale.status(), 422);
    let stale: serde_json::Value = stale.json().await.unwrap();
    assert!(stale.to_string().contains("\"due\""), "{stale}");
    let again = post_ask("2015-03-20").await.unwrap();
    assert_eq!(again.status(), 201);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["due"], "2015-03-20");
    assert_eq!(again["requests"].as_array().unwrap().len(), 1);
    assert_eq!(again["without_owner"], serde_json::json!([]));
    let reminded: serde_json::Value = admin
        .get(&requests_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reminded["requests"][0]["status"], "waiting");
    assert_eq!(reminded["requests"][0]["due"], "2015-03-20");
}
