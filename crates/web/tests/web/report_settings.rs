//! The organisation's report settings on the reports page: administrators save them (with a
//! logo), every report then uses them, mistakes are named by field, and nobody else may change
//! them.

use reqwest::multipart::{Form, Part};
use waymark_core::OrgId;
use waymark_store::Scope;

use crate::helpers::{TestApp, hidden_value, spawn_app};

const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\x9c\x63\x90\x2d\xd8\xf1\x1f\x00\x04\x38\x02\x45\xc4\x1d\x2b\xc2\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

/// The form's words, after whatever `form` already has (a browser sends the CSRF token first).
fn words(form: Form) -> Form {
    form.text(
        "organisation_name",
        "Test Constabulary and Police Authority",
    )
    .text("author", "Head of Performance and Planning")
    .text("meeting", "Police and Crime Panel, 12 June 2015")
    .text("paper_title", "")
    .text("purpose", "To report progress at the end of the year.")
    .text(
        "background",
        "The plan answers the inspection of call handling.",
    )
    .text(
        "recommendations",
        "Note the progress made.\r\nAgree the actions carried forward.",
    )
    .text("for", "decision")
    .text("sponsor", "Deputy Chief Constable")
    .text("paper_author", "")
}

/// Posts the settings form as a browser would: the page's CSRF token first, then the words,
/// then whatever `more` adds.
async fn post_settings(
    app: &TestApp,
    client: &reqwest::Client,
    more: impl FnOnce(Form) -> Form,
) -> reqwest::Response {
    let page = app
        .text_as(client, &format!("/plans/{}/reports", app.plan))
        .await;
    let csrf = hidden_value(&page, "csrf");
    client
        .post(app.url(&format!("/plans/{}/reports/settings", app.plan)))
        .multipart(more(words(Form::new().text("csrf", csrf))))
        .send()
        .await
        .unwrap()
}

async fn org(app: &TestApp) -> OrgId {
    app.store
        .organisation_by_code("TST")
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn an_administrator_saves_the_settings_and_reports_use_them() {
    let app = spawn_app().await;
    let admin = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&admin, "admin@test.example").await.status(),
        303
    );
    let page = app
        .text_as(&admin, &format!("/plans/{}/reports", app.plan))
        .await;
    assert!(page.contains(r#"<h2 class="govuk-heading-m" id="settings">Report settings</h2>"#));
    assert!(page.contains("Leave blank to use Test Constabulary."));
    assert!(page.contains(r#"enctype="multipart/form-data""#));

    let logo = Part::bytes(PNG.to_vec())
        .file_name("crest.png")
        .mime_str("image/png")
        .unwrap();
    let saved = post_settings(&app, &admin, |form| form.part("logo", logo)).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        saved.headers()["location"],
        format!("/plans/{}/reports?settings=saved#settings", app.plan).as_str()
    );

    let page = app
        .text_as(
            &admin,
            &format!("/plans/{}/reports?settings=saved", app.plan),
        )
        .await;
    assert!(page.contains("The report settings have been saved."));
    assert!(page.contains(r#"value="Deputy Chief Constable""#));
    assert!(
        page.contains("Note the progress made.\nAgree the actions carried forward.</textarea>")
    );
    assert!(page.contains("The current logo is a PNG logo, 1 KB"));
    assert!(page.contains("by Ada Admin"));

    // The stored version, with who saved it.
    let stored = app
        .store
        .report_settings(Scope::All, org(&app).await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.entered_by.as_deref(), Some("Ada Admin"));
    assert_eq!(stored.fields.paper_title, None, "a blank field is unset");
    assert_eq!(stored.fields.logo.as_ref().unwrap().bytes, PNG);

    // Every report uses them: the cover name, the author, the logo and the cover paper.
    let html = admin
        .get(app.url(&format!(
            "/plans/{}/reports/download?layout=progress&format=html&as_at=2015-02-16",
            app.plan
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for words in [
        "Test Constabulary and Police Authority",
        "Head of Performance and Planning",
        "Police and Crime Panel, 12 June 2015",
        "For: Decision",
        "Agree the actions carried forward.",
        "Deputy Chief Constable",
        "data:image/png;base64,",
    ] {
        assert!(html.contains(words), "the report lacks {words:?}");
    }

    // Saving again without a file keeps the logo; the checkbox removes it.
    let kept = post_settings(&app, &admin, |form| form.text("for", "information")).await;
    assert_eq!(kept.status(), 303);
    let now = app
        .store
        .report_settings(Scope::All, org(&app).await)
        .await
        .unwrap()
        .unwrap();
    assert!(now.fields.logo.is_some());
    assert!(!now.fields.for_decision);
    let removed = post_settings(&app, &admin, |form| form.text("remove_logo", "yes")).await;
    assert_eq!(removed.status(), 303);
    let history = app
        .store
        .report_settings_history(Scope::All, org(&app).await)
        .await
        .unwrap();
    assert_eq!(history.len(), 3, "each save is kept");
    assert!(history[0].fields.logo.is_none());
}

#[tokio::test]
async fn mistakes_are_named_by_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let admin = TestApp::new_client();
    app.sign_in_as(&admin, "admin@test.example").await;
    let gif = Part::bytes(b"GIF89a\x01\x00".to_vec()).file_name("crest.gif");
    let response = post_settings(&app, &admin, |form| {
        form.text("sponsor", "x".repeat(201)).part("logo", gif)
    })
    .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>Error: "));
    assert!(
        html.contains(r##"<a href="#sponsor">The sponsor must be 200 characters or fewer</a>"##)
    );
    assert!(html.contains(r##"<a href="#logo">The logo must be a PNG or SVG file</a>"##));
    assert!(html.contains(r#"id="logo-error""#));
    assert!(html.contains(r#"aria-describedby="sponsor-hint sponsor-error""#));
    // What was typed is shown again.
    assert!(html.contains(r#"value="Police and Crime Panel, 12 June 2015""#));
    assert!(
        app.store
            .report_settings(Scope::All, org(&app).await)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn only_administrators_change_the_settings() {
    let app = spawn_app().await;
    app.sign_in().await;
    let page = app.text(&format!("/plans/{}/reports", app.plan)).await;
    assert!(page.contains("Only administrators can change the report settings."));
    assert!(!page.contains("Save report settings"));
    let refused = post_settings(&app, &app.client, |form| form).await;
    assert_eq!(refused.status(), 403);

    // Without the CSRF token in the form even an administrator is refused: with none, with a
    // wrong one, or with the right one only in the address.
    let admin = TestApp::new_client();
    app.sign_in_as(&admin, "admin@test.example").await;
    let csrf = hidden_value(
        &app.text_as(&admin, &format!("/plans/{}/reports", app.plan))
            .await,
        "csrf",
    );
    for (query, form) in [
        (String::new(), words(Form::new())),
        (
            String::new(),
            words(Form::new().text("csrf", "not the token")),
        ),
        (format!("?csrf={csrf}"), words(Form::new())),
    ] {
        let forged = admin
            .post(app.url(&format!("/plans/{}/reports/settings{query}", app.plan)))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 403, "{query}");
    }
    assert!(
        app.store
            .report_settings(Scope::All, org(&app).await)
            .await
            .unwrap()
            .is_none()
    );
}
