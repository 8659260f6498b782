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
        Part::bytes(vec![b'a'; 65 * 1024 * 1024]).file_name("tracker.csv"),
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
        html.contains("tracker.csv is larger than 64 MB, the largest file Waymark imports."),
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

/// Uploads past the old 2 MB form limit import through the browser up to the route's 64 MB;
/// past it, 413 with the file and the limit named.
#[tokio::test]
async fn trackers_up_to_sixty_four_megabytes_import_through_the_browser() {
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

    let response = post_tracker(&app, "too-large.csv", 65 * MB).await;
    assert_eq!(response.status(), 413);
    let html = response.text().await.unwrap();
    assert!(html.contains("The file is too large"), "{html}");
    assert!(
        html.contains("too-large.csv is larger than 64 MB, the largest file Waymark imports. Nothing was stored."),
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
        Part::bytes(tracker_of_size(65 * MB)).file_name("too-large.csv"),
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
            .contains("larger than 64 MB"),
        "{body}"
    );
}

/// The tracker a month on: 1.1 has a new owner, 1.2 is gone and 1.3 is new.
const TRACKER_LATER: &str = "Improvement plan for call handling\n\
Ref,Action,Owner,Due Date,Latest Update,RAG\n\
1.1,Publish the call handling standard,Control Room Inspector,31/03/2015,8 Jan 2015 - Draft agreed.,Green\n\
1.3,Review repeat callers each week,Head of Contact Management,30/04/2015,,Amber\n";

/// Uploads `content` for preview into `target` and returns the preview page.
async fn preview_page(app: &crate::helpers::TestApp, content: &str, target: &str) -> String {
    let csrf = upload_csrf(app).await;
    let form = Form::new()
        .text("csrf", csrf)
        .part(
            "file",
            Part::bytes(content.as_bytes().to_vec()).file_name("tracker.csv"),
        )
        .text("target", target.to_string())
        .text("title", "Call handling tracker");
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

/// The plan a confirmed import sent the browser to (`/plans/7?…`).
fn plan_of(location: &str) -> i64 {
    location
        .trim_start_matches("/plans/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Confirms the preview on `page` with the extra form fields; the address it sends to.
async fn confirm_page(app: &crate::helpers::TestApp, page: &str, extra: &[(&str, &str)]) -> String {
    let csrf = hidden_value(page, "csrf");
    let action = page
        .split("action=\"/imports/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(extra);
    let confirmed = app
        .client
        .post(app.url(&format!("/imports/{action}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 303);
    confirmed.headers()["location"]
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_reimport_preview_lists_what_it_adds_changes_and_no_longer_finds_and_may_close_it() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let first = preview_page(&app, TRACKER, "new").await;
    let location = confirm_page(&app, &first, &[]).await;
    let plan = plan_of(&location);

    let page = preview_page(&app, TRACKER_LATER, &plan.to_string()).await;
    for expected in [
        "would add 1 item, change 1, leave 0 unchanged",
        r#"id="added">Items the file adds (1)"#,
        "Review repeat callers each week",
        r#"id="changed">Items the file changes (1)"#,
        r#"data-label="What changes">owners</td>"#,
        r#"id="missing">Items the file no longer has (1)"#,
        "Audit repeat caller flags",
        r#"data-label="Status">Open</td>"#,
        "The 1 open item the file no longer has",
        r#"name="close_missing" type="checkbox" value="yes""#,
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    // Nothing is stored by the preview.
    let api = |path: String| {
        let app = &app;
        async move {
            let body: serde_json::Value = app
                .client
                .get(app.url(&path))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body
        }
    };
    let items = api(format!("/api/plans/{plan}/items")).await;
    assert_eq!(items["total"], 2, "{items}");

    // Confirmed with the box ticked: the missing action is closed, not deleted.
    confirm_page(&app, &page, &[("close_missing", "yes")]).await;
    let items = api(format!("/api/plans/{plan}/items")).await;
    let by_text = |text: &str| {
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["text"] == text)
            .cloned()
            .unwrap_or_else(|| panic!("{text} not in {items}"))
    };
    assert_eq!(items["total"], 3);
    assert_eq!(by_text("Audit repeat caller flags")["complete"], true);
    assert_eq!(
        by_text("Publish the call handling standard")["complete"],
        false
    );
    assert_eq!(
        by_text("Publish the call handling standard")["owners"],
        serde_json::json!(["Control Room Inspector"])
    );
    assert_eq!(
        by_text("Review repeat callers each week")["complete"],
        false
    );
    let closed = by_text("Audit repeat caller flags")["id"].as_i64().unwrap();
    let history = app.text(&format!("/items/{closed}")).await;
    assert!(
        history.contains("Closed on importing tracker.csv, which no longer has it"),
        "{history}"
    );

    // The same file again: nothing to add or change, and nothing open left to close.
    let again = preview_page(&app, TRACKER_LATER, &plan.to_string()).await;
    assert!(
        again.contains("would add 0 items, change 0, leave 2 unchanged"),
        "{again}"
    );
    assert!(again.contains(r#"data-label="Status">Already complete</td>"#));
    assert!(!again.contains("name=\"close_missing\""));
}

/// The tracker a month on where its rows say done: 1.1 "Complete", 1.2 gone.
const TRACKER_DONE: &str = "Improvement plan for call handling\n\
Ref,Action,Owner,Due Date,Latest Update,RAG\n\
1.1,Publish the call handling standard,Control Room Inspector,31/03/2015,8 Jan 2015 - Draft agreed.,Complete\n";

#[tokio::test]
async fn a_reimport_leaves_open_what_the_plans_closure_rule_says_needs_sign_off() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let first = preview_page(&app, TRACKER, "new").await;
    let plan = plan_of(&confirm_page(&app, &first, &[]).await);
    let csrf = app.csrf().await;
    let rule = app
        .client
        .post(app.url(&format!("/plans/{plan}/closure-rules")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("depth", "0"),
            ("requires_evidence", "yes"),
            ("requires_sign_off", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(rule.status(), 303);

    let page = preview_page(&app, TRACKER_DONE, &plan.to_string()).await;
    for expected in [
        "Left open: closing needs sign-off",
        "The row says &#34;Publish the call handling standard&#34; is complete, but this \
         plan closes an item at the action level only with evidence and sign-off by a plan \
         manager: it stays open.",
        // What it still changes is its owner; the RAG stays as it was.
        r#"data-label="What changes">owners</td>"#,
        "would add 0 items, change 1, leave 0 unchanged",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    confirm_page(&app, &page, &[("close_missing", "yes")]).await;
    let items: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/plans/{plan}/items")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let by_text = |text: &str| {
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["text"] == text)
            .cloned()
            .unwrap_or_else(|| panic!("{text} not in {items}"))
    };
    // Both stay open with their RAG as it was; the owner the row changed is still taken.
    let standard = by_text("Publish the call handling standard");
    assert_eq!(standard["complete"], false, "{standard}");
    assert_eq!(standard["rag"], "Green", "{standard}");
    assert_eq!(
        standard["owners"],
        serde_json::json!(["Control Room Inspector"])
    );
    assert_eq!(by_text("Audit repeat caller flags")["complete"], false);
}

#[tokio::test]
async fn the_api_preview_lists_the_reimport_and_its_confirmation_may_close_what_is_gone() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let first = preview_page(&app, TRACKER, "new").await;
    let location = confirm_page(&app, &first, &[]).await;
    let plan = location
        .trim_start_matches("/plans/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let csrf = app.csrf().await;
    let upload = |content: &'static str| {
        let form = Form::new()
            .part(
                "file",
                Part::bytes(content.as_bytes().to_vec()).file_name("tracker.csv"),
            )
            .text("target", plan.clone());
        app.client
            .post(app.url("/api/imports"))
            .header("x-csrf-token", &csrf)
            .multipart(form)
            .send()
    };
    let preview: serde_json::Value = upload(TRACKER_LATER).await.unwrap().json().await.unwrap();
    let result = &preview["result"]["items"];
    assert_eq!(result["missing"], 1, "{preview}");
    assert_eq!(
        result["missing_items"][0]["text"],
        "Audit repeat caller flags"
    );
    assert_eq!(result["missing_items"][0]["complete"], false);
    assert_eq!(
        result["additions"][0]["text"],
        "Review repeat callers each week"
    );
    assert_eq!(result["additions"][0]["row"], 4);
    assert_eq!(
        result["changes"][0]["fields"],
        serde_json::json!(["owners"])
    );
    assert_eq!(result["closed"], 0);

    let confirmed: serde_json::Value = app
        .client
        .post(app.url(&format!(
            "/api/imports/{}/confirm",
            preview["token"].as_str().unwrap()
        )))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"close_missing": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(confirmed["items"]["closed"], 1, "{confirmed}");
    assert_eq!(confirmed["dry_run"], false);

    // A confirmation with no body keeps what is gone open, as before.
    let preview: serde_json::Value = upload(TRACKER).await.unwrap().json().await.unwrap();
    let kept: serde_json::Value = app
        .client
        .post(app.url(&format!(
            "/api/imports/{}/confirm",
            preview["token"].as_str().unwrap()
        )))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(kept["items"]["closed"], 0, "{kept}");
    assert_eq!(kept["items"]["missing"], 1, "{kept}");
}

/// The tracker again with 1.1's owner left blank: the preview says the plan keeps its owner,
/// and the import keeps it.
const TRACKER_BLANK_OWNER: &str = "Improvement plan for call handling\n\
Ref,Action,Owner,Due Date,Latest Update,RAG\n\
1.1,Publish the call handling standard,,31/03/2015,8 Jan 2015 - Draft agreed.,Green\n\
1.2,Audit repeat caller flags,Force Crime Registrar,,21 Nov 2014 - First audit done.,Purple\n";

#[tokio::test]
async fn a_reimport_preview_says_an_empty_cell_keeps_what_the_plan_holds() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let first = preview_page(&app, TRACKER, "new").await;
    let location = confirm_page(&app, &first, &[]).await;
    let plan = plan_of(&location);
    let page = preview_page(&app, TRACKER_BLANK_OWNER, &plan.to_string()).await;
    for expected in [
        "would add 0 items, change 0, leave 2 unchanged",
        r#"<th scope="row" class="govuk-table__header">Empty cell: the plan&#39;s value kept</th>"#,
        r#"<td class="govuk-table__cell" data-label="Column">Owner</td>"#,
        "The cell is empty, so the plan keeps &#34;Head of Contact Management&#34;: an empty cell does not clear what Waymark holds",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    confirm_page(&app, &page, &[]).await;
    let items: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/plans/{plan}/items")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        items["items"][0]["owners"],
        serde_json::json!(["Head of Contact Management"]),
        "{items}"
    );
}

/// An indicator table uploaded into a plan that writes its objectives out in full: the preview
/// lists each objective the table names beside the plan's objective it was taken to be, and
/// how, before anything is stored (issue #15).
#[tokio::test]
async fn an_indicator_preview_shows_which_of_the_plans_objectives_each_is() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../io/tests/fixtures");
    let plan_csv = std::fs::read_to_string(fixtures.join("objectives-in-full.csv")).unwrap();
    let first = preview_page(&app, &plan_csv, "new").await;
    let location = confirm_page(&app, &first, &[]).await;
    let plan = plan_of(&location);
    let table = std::fs::read_to_string(fixtures.join("indicators-short-objectives.csv")).unwrap();
    let page = preview_page(&app, &table, &plan.to_string()).await;
    for expected in [
        "This is a table of performance indicators",
        "and 1 new objective.",
        r#"id="objectives""#,
        r#"<td class="govuk-table__cell" data-label="In the file">Reduce crime and ASB</td>"#,
        r#"<input type="hidden" name="objective_written_2" value="Reduce crime and ASB">"#,
        "By meaning: 2 of 3 words",
        r#"<input type="hidden" name="objective_written_3" value="Roads policing">"#,
        r#"<input type="hidden" name="objective_shown_3" value="new">"#,
        r#"<option value="new" selected>A new objective</option>"#,
        "Objective matched to the plan&#39;s",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    let reduce = selected_objective(&page, 2);
    assert_eq!(
        reduce,
        "(3) To reduce crime and anti-social behaviour in our communities"
    );
}

/// The text of the option selected in the preview's select of objective `n`.
fn selected_objective(page: &str, n: usize) -> String {
    let select = page
        .split(&format!(r#"name="objective_{n}">"#))
        .nth(1)
        .unwrap()
        .split("</select>")
        .next()
        .unwrap();
    select
        .split(" selected>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string()
}

/// The preview's choice of what an objective of an indicator table is: "Preview again" with
/// "Roads policing" taken to be the plan's third objective shows it so and counts no new
/// objective; the confirmation attaches the indicator to that objective and adds no item
/// (issue #15).
#[tokio::test]
async fn an_objective_match_changed_in_the_preview_is_what_the_import_stores() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../io/tests/fixtures");
    let plan_csv = std::fs::read_to_string(fixtures.join("objectives-in-full.csv")).unwrap();
    let first = preview_page(&app, &plan_csv, "new").await;
    let plan = plan_of(&confirm_page(&app, &first, &[]).await);
    let get = |path: String| {
        let client = app.client.clone();
        let url = app.url(&path);
        async move {
            client
                .get(url)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let items = get(format!("/api/plans/{plan}/items")).await;
    let items_before = items["items"].as_array().unwrap().len();
    assert_eq!(items_before, 6, "{items}");
    let third = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["text"] == "(3) To reduce crime and anti-social behaviour in our communities")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let table = std::fs::read_to_string(fixtures.join("indicators-short-objectives.csv")).unwrap();
    let page = preview_page(&app, &table, &plan.to_string()).await;
    assert!(page.contains("and 1 new objective."), "{page}");
    let token = page
        .split("action=\"/imports/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let csrf = hidden_value(&page, "csrf");
    let third_text = third.to_string();
    let corrected = app
        .client
        .post(app.url(&format!("/imports/{token}/preview")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("objective_written_3", "Roads policing"),
            ("objective_shown_3", "new"),
            ("objective_3", third_text.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(corrected.status(), 200);
    let corrected = corrected.text().await.unwrap();
    assert!(corrected.contains("and 0 new objectives."), "{corrected}");
    assert_eq!(
        selected_objective(&corrected, 3),
        "(3) To reduce crime and anti-social behaviour in our communities"
    );
    assert!(
        corrected.contains(r#"<td class="govuk-table__cell" data-label="How">As you chose</td>"#),
        "{corrected}"
    );
    // The mapping download carries the choice, by the objective's reference.
    let mapping = app
        .client
        .get(app.url(&format!("/imports/{token}/mapping.toml")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        mapping.contains("[objectives]\n\"Roads policing\" = \"3\"\n"),
        "{mapping}"
    );

    let location = confirm_page(&app, &corrected, &[]).await;
    assert_eq!(location, format!("/plans/{plan}/indicators?imported=1"));
    let items = get(format!("/api/plans/{plan}/items")).await;
    assert_eq!(
        items["items"].as_array().unwrap().len(),
        items_before,
        "{items}"
    );
    let indicators = get(format!("/api/plans/{plan}/indicators")).await;
    let roads = indicators
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "People killed or seriously injured on the roads")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let detail = get(format!("/api/indicators/{roads}")).await;
    assert_eq!(detail["objective"], third, "{detail}");
}

/// An indicator table that does not say which way is better for one indicator: the preview
/// asks (a select by the indicator, naming its row), a confirmation without an answer is
/// refused with the preview, naming the indicator and row, and stores nothing; answered, the
/// indicator is stored the way the person said (issue #24).
#[tokio::test]
async fn an_unstated_direction_is_asked_in_the_preview_and_carried_to_the_confirmation() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let table = "Performance 2026-27\nIndicator,Unit,Better,Target,Q1,Q2\n\
                 Arrests,Count,Higher,100,100,110\nAbandoned calls,%,,5,4.9,5.1\n";
    let page = preview_page(&app, table, "new").await;
    for expected in [
        r#"id="direction""#,
        "Which way is better for this indicator",
        r#"<input type="hidden" name="direction_title_0" value="Abandoned calls">"#,
        r#"<label class="govuk-label" for="direction_0">Abandoned calls <span class="govuk-hint govuk-!-display-inline">(row 4)</span></label>"#,
        r#"<option value="lower">Lower is better</option>"#,
        "Which way is better is not stated",
        r#"<td class="govuk-table__cell" data-label="Better">Higher is better</td>"#,
        r#"<td class="govuk-table__cell" data-label="Better">Not stated: answer below</td>"#,
        r#"<td class="govuk-table__cell" data-label="Year to date">Mean of periods (by its unit)</td>"#,
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    assert!(
        !page.contains("direction_title_1"),
        "Arrests states its direction"
    );

    let csrf = hidden_value(&page, "csrf");
    let action = page
        .split("action=\"/imports/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let plans_before: serde_json::Value = app
        .client
        .get(app.url("/api/plans"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Left at "Choose": refused, with the preview and the indicator and its row named.
    let refused = app
        .client
        .post(app.url(&format!("/imports/{action}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("direction_title_0", "Abandoned calls"),
            ("direction_0", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains(
            "The file does not say which way is better for &#34;Abandoned calls&#34; (row 4)"
        ),
        "{refused}"
    );
    assert!(refused.contains(r##"<a href="#direction">"##), "{refused}");
    // A value no select offers is refused too, by the select.
    let odd = app
        .client
        .post(app.url(&format!("/imports/{action}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("direction_title_0", "Abandoned calls"),
            ("direction_0", "sideways"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(odd.status(), 422);
    assert!(
        odd.text()
            .await
            .unwrap()
            .contains("Choose whether higher or lower is better for &#34;Abandoned calls&#34;")
    );
    let plans_after: serde_json::Value = app
        .client
        .get(app.url("/api/plans"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(plans_before, plans_after, "nothing stored");

    let location = confirm_page(
        &app,
        &page,
        &[
            ("direction_title_0", "Abandoned calls"),
            ("direction_0", "lower"),
        ],
    )
    .await;
    assert!(location.ends_with("/indicators?imported=1"), "{location}");
    let plan = plan_of_indicators(&location);
    let indicators: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/plans/{plan}/indicators?period=Q2%202026-27")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let read: Vec<(&str, &str, &str)> = indicators
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["title"].as_str().unwrap(),
                i["direction"].as_str().unwrap(),
                i["rag"].as_str().unwrap_or("none"),
            )
        })
        .collect();
    // 5.1% abandoned against 5%, lower is better: 2% worse, within the 5% band.
    assert_eq!(
        read,
        [
            ("Arrests", "higher is better", "Green"),
            ("Abandoned calls", "lower is better", "Amber"),
        ],
        "{indicators}"
    );
}

/// The JSON API's preview lists the indicators lacking a direction, and its confirmation
/// takes them by title: unanswered it is refused (422) naming the indicator and row (issue #24).
#[tokio::test]
async fn the_api_confirmation_takes_directions_by_title() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let csrf = app.csrf().await;
    let table = "Performance 2026-27\nIndicator,Unit,Target,Q1\nRepeat victims,Count,40,38\n";
    let form = Form::new()
        .part(
            "file",
            Part::bytes(table.as_bytes().to_vec()).file_name("repeat.csv"),
        )
        .text("title", "Repeat victims");
    let preview: serde_json::Value = app
        .client
        .post(app.url("/api/imports"))
        .header("X-CSRF-Token", &csrf)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        preview["result"]["indicators"]["directions_missing"],
        serde_json::json!([{"indicator": "Repeat victims", "row": 3}]),
        "{preview}"
    );
    assert_eq!(
        preview["result"]["indicators"]["indicators"][0]["direction"],
        serde_json::Value::Null
    );
    let token = preview["token"].as_str().unwrap().to_string();
    let confirm = |body: serde_json::Value| {
        app.client
            .post(app.url(&format!("/api/imports/{token}/confirm")))
            .header("X-CSRF-Token", &csrf)
            .json(&body)
            .send()
    };
    // The preview as it stands, an indicator whose direction nobody has given, refuses a
    // confirmation that does not give it: 409, naming `directions`.
    let refused = confirm(serde_json::json!({})).await.unwrap();
    assert_eq!(refused.status(), 409);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains(r#""field":"directions""#), "{refused}");
    assert!(
        refused.contains(r#"which way is better for \"Repeat victims\" (row 3)"#),
        "{refused}"
    );
    let misspelt = confirm(serde_json::json!({"directions": {"Repeat victim": "lower"}}))
        .await
        .unwrap();
    // A title that names no indicator awaiting an answer names nothing: 404, naming
    // `directions`.
    assert_eq!(misspelt.status(), 404);
    let misspelt = misspelt.text().await.unwrap();
    assert!(misspelt.contains(r#""field":"directions""#), "{misspelt}");
    assert!(
        misspelt.contains(
            r#"is called \"Repeat victim\": those that do not say are \"Repeat victims\""#
        ),
        "{misspelt}"
    );
    // A direction that is not higher or lower is refused by the schema, before the token.
    let worded = confirm(serde_json::json!({"directions": {"Repeat victims": "Lower"}}))
        .await
        .unwrap();
    assert_eq!(worded.status(), 422);
    let stored = confirm(serde_json::json!({"directions": {"repeat victims": "lower"}}))
        .await
        .unwrap();
    assert_eq!(stored.status(), 200);
    let stored: serde_json::Value = stored.json().await.unwrap();
    assert_eq!(stored["indicators"]["indicators_created"], 1, "{stored}");
}

/// An indicator imported from a table whose notes say the year to date of percentages is the
/// mean of the periods: its page shows the year to date at P6 by that rule, its target and
/// RAG (4.2% against 4%, lower is better: exactly 5% worse, Amber), and says whence the rule
/// (issue #24).
#[tokio::test]
async fn the_indicator_page_shows_the_year_to_date_by_the_tables_rule() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../io/tests/fixtures");
    let table = std::fs::read_to_string(fixtures.join("ytd-mean-for-rates.csv")).unwrap();
    let page = preview_page(&app, &table, "new").await;
    assert!(
        page.contains(
            r#"<td class="govuk-table__cell" data-label="Year to date">Mean of periods (from the table)</td>"#
        ),
        "{page}"
    );
    assert!(
        !page.contains(r#"id="direction""#),
        "every direction is stated"
    );
    let location = confirm_page(&app, &page, &[]).await;
    let plan = plan_of_indicators(&location);
    let indicators: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/plans/{plan}/indicators?period=P6%202026-27")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let abandoned = indicators
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Abandoned 999 calls")
        .unwrap();
    assert_eq!(
        abandoned["year_to_date"],
        serde_json::json!({
            "rule": "mean of periods", "rule_stated": true, "periods_reported": 6,
            "value": 4.2, "target": 4, "rag": "Amber"
        }),
        "{abandoned}"
    );
    let id = abandoned["id"].as_i64().unwrap();
    let html = app
        .text(&format!("/indicators/{id}?period=P6%202026-27"))
        .await;
    for expected in [
        r#"<dd class="govuk-summary-list__value" id="year-to-date">4.2%, the mean of 6 periods</dd>"#,
        r#"<dt class="govuk-summary-list__key">Target for the year to date</dt><dd class="govuk-summary-list__value">4%</dd>"#,
        r#"<dt class="govuk-summary-list__key">Year-to-date RAG status</dt><dd class="govuk-summary-list__value"><strong class="wm-tag wm-rag--amber">Amber</strong>"#,
        "The mean of the periods (as the table it was imported from states)",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
}

/// The plan a confirmed indicator import sent the browser to (`/plans/7/indicators?…`).
fn plan_of_indicators(location: &str) -> i64 {
    location
        .trim_start_matches("/plans/")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}
