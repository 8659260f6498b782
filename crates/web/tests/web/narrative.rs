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
