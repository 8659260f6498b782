//! Uploading a spreadsheet: the preview lists findings by row and stores nothing; confirming
//! stores it in one go.

use reqwest::multipart::{Form, Part};

use crate::helpers::{hidden_value, spawn_app};

const TRACKER: &str = "Improvement plan for call handling\n\
Ref,Action,Owner,Due Date,Latest Update,RAG\n\
1.1,Publish the call handling standard,Head of Contact Management,31/03/2015,8 Jan 2015 - Draft agreed.,Green\n\
1.2,Audit repeat caller flags,Force Crime Registrar,,21 Nov 2014 - First audit done.,Purple\n";

async fn upload(app: &crate::helpers::TestApp, target: &str) -> reqwest::Response {
    let page = app.text("/imports/new").await;
    let action = page
        .split("action=\"/imports/preview?csrf=")
        .nth(1)
        .unwrap();
    let csrf = action.split('"').next().unwrap().to_string();
    let form = Form::new()
        .part(
            "file",
            Part::bytes(TRACKER.as_bytes().to_vec()).file_name("tracker.csv"),
        )
        .text("target", target.to_string())
        .text("title", "Call handling tracker");
    app.client
        .post(app.url(&format!("/imports/preview?csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_preview_lists_findings_by_row_and_stores_nothing_until_confirmed() {
    let app = spawn_app().await;
    app.sign_in().await;
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
    app.sign_in().await;
    let response = upload(&app, &app.other_plan.to_string()).await;
    assert_eq!(response.status(), 404);
}
