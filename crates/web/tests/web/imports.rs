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
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("The upload is too large. Files must be smaller than 20 MB."),
        "{html}"
    );
}
