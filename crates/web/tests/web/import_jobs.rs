//! A large upload stored in the background (issue #15): the preview's confirmation starts a
//! job, whose page shows its progress (refreshing itself without JavaScript, polled by a
//! static script with it), can cancel it, and once stored offers its findings as CSV and
//! XLSX; nobody else may see it.

use reqwest::multipart::{Form, Part};

use crate::helpers::{TestApp, hidden_value, spawn_app};

/// A tracker of `rows` actions, the third without an owner.
fn tracker(rows: usize) -> Vec<u8> {
    let mut csv = String::from("Ref,Action,Owner,Due\n");
    for n in 1..=rows {
        let owner = if n == 3 {
            ""
        } else {
            "Head of Contact Management"
        };
        csv.push_str(&format!("{n},Action {n},{owner},31/03/2027\n"));
    }
    csv.into_bytes()
}

async fn upload(app: &TestApp, rows: usize) -> String {
    let page = app.text("/imports/new").await;
    let csrf = hidden_value(&page, "csrf");
    let form = Form::new()
        .text("csrf", csrf)
        .part("file", Part::bytes(tracker(rows)).file_name("big.csv"))
        .text("target", "new")
        .text("title", "Big tracker");
    let response = app
        .client
        .post(app.url("/imports/preview"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

async fn status(app: &TestApp, id: &str) -> serde_json::Value {
    let response = app
        .client
        .get(app.url(&format!("/import-jobs/{id}/status.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn until_finished(app: &TestApp, id: &str) -> serde_json::Value {
    for _ in 0..3000 {
        let status = status(app, id).await;
        if matches!(
            status["stage"].as_str(),
            Some("done" | "failed" | "cancelled")
        ) {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the job did not finish");
}

#[tokio::test]
async fn a_large_upload_is_stored_in_the_background_with_its_progress_on_a_page() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let html = upload(&app, 6_000).await;
    let token = hidden_value(&html, "csrf");
    let action_start = html.find("action=\"/imports/").unwrap();
    let action: String = html[action_start + 8..]
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert!(action.ends_with("/jobs"), "{action}");
    assert!(html.contains("stored in the background"), "{html}");
    let response = app
        .client
        .post(app.url(&action))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/import-jobs/"), "{location}");
    let id = location.trim_start_matches("/import-jobs/").to_string();

    let page = app.text(&location).await;
    assert!(page.contains("<script src=\"/assets/import-job.js\" defer></script>"));
    assert!(page.contains(&format!(
        "data-status-url=\"/import-jobs/{id}/status.json\""
    )));
    if page.contains("<h1 class=\"govuk-heading-l\" id=\"import-job-heading\">Importing</h1>") {
        // Without JavaScript the page refreshes itself while the job runs.
        assert!(
            page.contains("<noscript><meta http-equiv=\"refresh\" content=\"3\"></noscript>"),
            "{page}"
        );
        assert!(page.contains("<progress class=\"wm-progress\""), "{page}");
        assert!(page.contains(&format!("action=\"/import-jobs/{id}/cancel\"")));
    }
    let finished = until_finished(&app, &id).await;
    assert_eq!(finished["stage"], "done", "{finished}");
    assert_eq!(finished["fraction"], 1.0);
    assert_eq!(finished["result"]["items"]["added"], 6_000, "{finished}");

    let page = app.text(&location).await;
    assert!(page.contains("Import stored"), "{page}");
    assert!(
        page.contains("6,000 items added, with 0 dated updates"),
        "{page}"
    );
    assert!(!page.contains("http-equiv=\"refresh\""));
    assert!(page.contains(&format!("href=\"/import-jobs/{id}/findings.xlsx\"")));
    let csv = app.text(&format!("/import-jobs/{id}/findings.csv")).await;
    assert!(
        csv.starts_with("sheet,row,column,rows,kind,finding,message\n"),
        "{csv}"
    );
    assert!(csv.contains("\n,4,Owner,,missing_owner,"), "{csv}");
    let xlsx = app
        .client
        .get(app.url(&format!("/import-jobs/{id}/findings.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));

    // Cancelling a stored import leaves it stored.
    let csrf = app.csrf().await;
    let cancelled = app
        .client
        .post(app.url(&format!("/import-jobs/{id}/cancel")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 303);
    assert_eq!(status(&app, &id).await["stage"], "done");

    // Another force's person, and the same force's contributor, are told it is not there.
    for email in ["other@other.example", "owner@test.example"] {
        let client = TestApp::new_client();
        app.sign_in_as(&client, email).await;
        for path in [
            format!("/import-jobs/{id}"),
            format!("/import-jobs/{id}/status.json"),
            format!("/import-jobs/{id}/findings.csv"),
        ] {
            let response = client.get(app.url(&path)).send().await.unwrap();
            assert_eq!(response.status(), 404, "{email} {path}");
        }
    }
}

#[tokio::test]
async fn a_small_upload_is_still_stored_while_the_confirmation_waits() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let html = upload(&app, 10).await;
    assert!(html.contains("/confirm\" class=\"wm-no-print\">"), "{html}");
    assert!(!html.contains("stored in the background"));
}

#[tokio::test]
async fn a_job_cancelled_from_its_page_stores_nothing() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let plans_before = app.text("/api/plans").await;
    let html = upload(&app, 30_000).await;
    let csrf = hidden_value(&html, "csrf");
    let action_start = html.find("action=\"/imports/").unwrap();
    let action: String = html[action_start + 8..]
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let response = app
        .client
        .post(app.url(&action))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let id = location.trim_start_matches("/import-jobs/").to_string();
    let cancelled = app
        .client
        .post(app.url(&format!("/import-jobs/{id}/cancel")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 303);
    let finished = until_finished(&app, &id).await;
    assert_eq!(finished["stage"], "cancelled", "{finished}");
    let page = app.text(&location).await;
    assert!(page.contains("Import cancelled"), "{page}");
    assert!(page.contains("nothing was stored"), "{page}");
    assert_eq!(app.text("/api/plans").await, plans_before);
}
