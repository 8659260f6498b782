//! Uploading a spreadsheet: the preview lists findings by row and stores nothing; confirming
//! stores it in one go.

use reqwest::multipart::{Form, Part};

use crate::helpers::{hidden_value, spawn_app};

const TRACKER: &str = "Improvement plan for call handling\n\
Ref,Action,Owner,Due Date,Latest Update,RAG\n\
1.1,Publish the call handling standard,Head of Contact Management,31/03/2015,8 Jan 2015 - Draft agreed.,Green\n\
1.2,Audit repeat caller flags,Force Crime Registrar,,21 Nov 2014 - First audit done.,Purple\n";

/// The upload form's fields, after a CSRF token where a browser sends it: first.
fn tracker_form(csrf: Option<&str>, target: &str) -> Form {
    let form = match csrf {
        Some(csrf) => Form::new().text("csrf", csrf.to_string()),
        None => Form::new(),
    };
    form.part(
        "file",
        Part::bytes(TRACKER.as_bytes().to_vec()).file_name("tracker.csv"),
    )
    .text("target", target.to_string())
    .text("title", "Call handling tracker")
}

/// The upload page's CSRF token, from its form (and never from its action address).
async fn upload_csrf(app: &crate::helpers::TestApp) -> String {
    let page = app.text("/imports/new").await;
    assert!(
        page.contains(r#"<form method="post" action="/imports/preview" enctype="multipart/form-data" novalidate>
  <input type="hidden" name="csrf" value=""#),
        "the token is the form's first field: {page}"
    );
    hidden_value(&page, "csrf")
}

async fn upload(app: &crate::helpers::TestApp, target: &str) -> reqwest::Response {
    let csrf = upload_csrf(app).await;
    app.client
        .post(app.url("/imports/preview"))
        .multipart(tracker_form(Some(&csrf), target))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_preview_lists_findings_by_row_and_stores_nothing_until_confirmed() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let response = upload(&app, "new").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Nothing has been stored yet."));
    assert!(html.contains("create the plan <strong>Call handling tracker</strong> with 2 items and 2 dated updates"), "{html}");
    assert!(html.contains("Missing due date"), "{html}");
    assert!(html.contains("Unknown RAG status"), "{html}");
    assert!(html.contains("Purple"));
    let plans_before = app
        .store
        .plans(waymark_store::Scope::All)
        .await
        .unwrap()
        .len();

    let csrf = hidden_value(&html, "csrf");
    let action = html
        .split("action=\"/imports/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let confirmed = app
        .client
        .post(app.url(&format!("/imports/{action}")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 303);
    let location = confirmed.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(location.ends_with("?imported=1"));
    assert_eq!(
        app.store
            .plans(waymark_store::Scope::All)
            .await
            .unwrap()
            .len(),
        plans_before + 1
    );
    let plan = app.text(&location).await;
    assert!(plan.contains("The file has been imported."));
    assert!(plan.contains("Publish the call handling standard"));

    // The confirmation works once.
    let again = app
        .client
        .post(app.url(&format!("/imports/{action}")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404);
}

#[tokio::test]
async fn an_upload_without_a_file_or_into_another_organisations_plan_is_refused() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let response = upload(&app, &app.other_plan.to_string()).await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn an_upload_needs_the_csrf_token_in_its_form_not_its_address() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let csrf = upload_csrf(&app).await;
    let post = |url: String, form: Form| {
        let request = app.client.post(app.url(&url)).multipart(form);
        async move { request.send().await.unwrap() }
    };
    let missing = post("/imports/preview".into(), tracker_form(None, "new")).await;
    assert_eq!(missing.status(), 403);
    let wrong = post(
        "/imports/preview".into(),
        tracker_form(Some("not the token"), "new"),
    )
    .await;
    assert_eq!(wrong.status(), 403);
    // The address's token, which logs and browser history would keep, no longer counts.
    let in_the_address = post(
        format!("/imports/preview?csrf={csrf}"),
        tracker_form(None, "new"),
    )
    .await;
    assert_eq!(in_the_address.status(), 403);
    let right = post("/imports/preview".into(), tracker_form(Some(&csrf), "new")).await;
    assert_eq!(right.status(), 200);
    assert!(
        right
            .text()
            .await
            .unwrap()
            .contains("Nothing has been stored yet.")
    );
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_as_too_large() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let csrf = upload_csrf(&app).await;
    let form = Form::new().text("csrf", csrf).part(
        "file",
        Part::bytes(vec![b'a'; 21 * 1024 * 1024]).file_name("tracker.csv"),
    );
    let response = app
        .client
        .post(app.url("/imports/preview"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("tracker.csv is larger than 20 MB, the largest file Waymark imports."),
        "{html}"
    );
}

/// A tracker with a finding on each of its 30 rows (no due date), one update pasted onto all of
/// them, and a header a spreadsheet would run as a formula.
fn long_tracker() -> String {
    let mut csv = String::from("Ref,Action,Owner,Due Date,Latest Update,=RAG\n");
    for n in 1..=30 {
        csv.push_str(&format!(
            "{n},Action number {n},Head of Contact Management,,Work continues with partners on this action.,Purple\n"
        ));
    }
    csv
}

async fn upload_long_tracker(app: &crate::helpers::TestApp) -> String {
    let csrf = upload_csrf(app).await;
    let form = Form::new()
        .text("csrf", csrf)
        .part(
            "file",
            Part::bytes(long_tracker().into_bytes()).file_name("long.csv"),
        )
        .text("target", "new")
        .text("title", "Long tracker");
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

#[tokio::test]
async fn the_preview_counts_findings_by_kind_and_lists_the_first_of_each() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let html = upload_long_tracker(&app).await;
    // 30 missing due dates, 30 unknown RAG words, and one finding for the pasted update.
    assert!(html.contains("What Waymark found (61)"), "{html}");
    for (kind, count) in [
        ("Missing due date", 30),
        ("Same update on several rows", 1),
        ("Unknown RAG status", 30),
    ] {
        assert!(
            html.contains(&format!(
                "<th scope=\"row\" class=\"govuk-table__header\">{kind}</th>\n      <td class=\"govuk-table__cell govuk-table__cell--numeric\">{count}</td>"
            )),
            "{kind}: {html}"
        );
    }
    assert!(html.contains("The first 10 of each kind are listed below."));
    assert_eq!(
        html.matches("data-label=\"Detail\">No due date</td>")
            .count(),
        10
    );
    assert!(html.contains("The same update text is on rows 2–31 (30 rows)"));
    let token = html
        .split("action=\"/imports/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    assert!(html.contains(&format!(
        "<a class=\"govuk-link\" href=\"/imports/{token}/findings.csv\" download>Download all 61 findings (CSV)</a>"
    )));
}

#[tokio::test]
async fn every_finding_downloads_as_csv_for_the_uploader_only() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let html = upload_long_tracker(&app).await;
    let token = html
        .split("action=\"/imports/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let path = format!("/imports/{token}/findings.csv");
    let response = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "Row,Rows,Table,Column,Kind,Finding,Detail");
    assert_eq!(lines.len(), 62, "{csv}");
    assert!(lines.contains(&"31,31,,Due Date,missing_due_date,Missing due date,No due date"));
    assert!(lines.iter().any(|line| {
        line.starts_with("2,2–31,,Latest Update,duplicate_update_text,Same update on several rows,")
    }));
    // The header "=RAG" is the file's own text, shown and never run by a spreadsheet.
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("31,31,,'=RAG,unknown_rag,Unknown RAG status,")),
        "{csv}"
    );

    // Another person of the same organisation, and one of another, are told there is none.
    for email in ["owner@test.example", "other@other.example"] {
        let client = crate::helpers::TestApp::new_client();
        app.sign_in_as(&client, email).await;
        let response = client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{email}");
    }
    // Someone not signed in is sent to sign in.
    let response = crate::helpers::TestApp::new_client()
        .get(app.url(&path))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    // Once the import is confirmed the upload is gone, and so is its download.
    let csrf = hidden_value(&html, "csrf");
    let confirmed = app
        .client
        .post(app.url(&format!("/imports/{token}/confirm")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 303);
    let response = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), 404);
}

/// A real tracker of `bytes` bytes: a thousand actions with owner and due date, each with a
/// description long enough to reach the size (well within the 32,767 characters of a cell).
fn tracker_of_size(bytes: usize) -> Vec<u8> {
    const ROWS: usize = 1000;
    let mut csv = String::from("Ref,Action,Owner,Due Date,Description\n");
    let per_row = bytes.saturating_sub(csv.len()) / ROWS;
    for n in 1..=ROWS {
        let start = csv.len();
        csv.push_str(&format!(
            "{n},Action number {n},Head of Contact Management,31/03/2027,\"Row {n}:"
        ));
        let end = start + per_row - 2;
        while csv.len() < end {
            csv.push_str(" padding");
        }
        csv.truncate(end);
        csv.push_str("\"\n");
    }
    while csv.len() < bytes {
        csv.push('\n');
    }
    csv.into_bytes()
}

async fn post_tracker(
    app: &crate::helpers::TestApp,
    name: &str,
    bytes: usize,
) -> reqwest::Response {
    let csrf = upload_csrf(app).await;
    let form = Form::new()
        .text("csrf", csrf)
        .part(
            "file",
            Part::bytes(tracker_of_size(bytes)).file_name(name.to_string()),
        )
        .text("target", "new")
        .text("title", name.to_string());
    app.client
        .post(app.url("/imports/preview"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

const MB: usize = 1024 * 1024;

/// Uploads past the old 2 MB form limit import through the browser up to the route's 20 MB;
/// past it, 413 with the file and the limit named.
#[tokio::test]
async fn trackers_up_to_twenty_megabytes_import_through_the_browser() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    for (name, bytes) in [
        ("small.csv", 19 * MB / 10),
        ("past-two.csv", 21 * MB / 10),
        ("large.csv", 19 * MB),
    ] {
        let response = post_tracker(&app, name, bytes).await;
        assert_eq!(response.status(), 200, "{name}");
        let html = response.text().await.unwrap();
        assert!(html.contains("with 1000 items"), "{name}: {html}");
        let token = html
            .split("action=\"/imports/")
            .nth(1)
            .and_then(|rest| rest.split("/confirm").next())
            .unwrap()
            .to_string();
        let csrf = hidden_value(&html, "csrf");
        let stored = app
            .client
            .post(app.url(&format!("/imports/{token}/confirm")))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(stored.status(), 303, "{name}");
        let location = stored.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/plans/"), "{name}: {location}");
    }

    let response = post_tracker(&app, "too-large.csv", 21 * MB).await;
    assert_eq!(response.status(), 413);
    let html = response.text().await.unwrap();
    assert!(html.contains("The file is too large"), "{html}");
    assert!(
        html.contains("too-large.csv is larger than 20 MB, the largest file Waymark imports. Nothing was stored."),
        "{html}"
    );
}

/// Through the API the same upload is a JSON 413.
#[tokio::test]
async fn an_api_upload_over_the_limit_is_a_json_413() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let csrf = app.csrf().await;
    let form = Form::new().part(
        "file",
        Part::bytes(tracker_of_size(21 * MB)).file_name("too-large.csv"),
    );
    let response = app
        .client
        .post(app.url("/api/imports"))
        .header("x-csrf-token", csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("larger than 20 MB"),
        "{body}"
    );
}
