//! Evidence and closure in the browser: an uploaded file is kept under no name of its own and
//! served back as an attachment, of a type chosen from an allowlist, never sniffed; a plan
//! manager's rule makes closing a proposal, which its proposer cannot sign off.

use crate::helpers::{TestApp, hidden_value, spawn_app};

#[tokio::test]
async fn an_uploaded_file_is_served_back_as_a_safe_attachment_and_closure_awaits_another_person() {
    let app = spawn_app().await;
    let admin = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&admin, "admin@test.example").await.status(),
        303
    );
    let page_url = app.url(&format!("/items/{}/evidence", app.action.0));
    let html = admin
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Evidence and closure"), "{html}");
    let csrf = hidden_value(&html, "csrf");

    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("title", "Audit <b>notes</b>")
        .text("marking", "OFFICIAL")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"<script>alert(1)</script>".to_vec())
                .file_name("../../etc/\"notes\".html"),
        );
    let added = admin.post(&page_url).multipart(form).send().await.unwrap();
    assert_eq!(added.status(), 303);
    let html = admin
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Audit &#60;b&#62;notes&#60;/b&#62;"),
        "escaped: {html}"
    );
    assert!(!html.contains("<b>notes</b>"));
    let start = html.find("/evidence/").unwrap();
    let href: String = html[start..].chars().take_while(|c| *c != '"').collect();
    let file = admin.get(app.url(&href)).send().await.unwrap();
    assert_eq!(file.status(), 200);
    let headers = file.headers().clone();
    assert_eq!(headers["content-type"], "application/octet-stream");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"notes.html\""
    );
    assert_eq!(
        file.bytes().await.unwrap().as_ref(),
        b"<script>alert(1)</script>"
    );

    // Actions need sign-off; the administrator proposes, and may not sign off their own.
    let rule = admin
        .post(app.url(&format!("/plans/{}/closure-rules", app.plan)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("depth", "1"),
            ("requires_evidence", "yes"),
            ("requires_sign_off", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(rule.status(), 303);
    let proposed = admin
        .post(app.url(&format!("/items/{}/closure", app.action.0)))
        .form(&[("csrf", csrf.as_str()), ("note", "Done")])
        .send()
        .await
        .unwrap();
    assert_eq!(proposed.status(), 303);
    let html = admin
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Closure proposed, awaiting sign-off"));
    assert!(html.contains("You proposed this closure"));
    let own = admin
        .post(app.url(&format!("/items/{}/closure/decision", app.action.0)))
        .form(&[("csrf", csrf.as_str()), ("decision", "sign_off")])
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 422);

    let api = admin
        .get(app.url(&format!("/api/items/{}/evidence", app.action.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200);
    let json: serde_json::Value = api.json().await.unwrap();
    assert_eq!(json["status"], "Closure proposed, awaiting sign-off");
    assert_eq!(json["complete"], false);
    assert_eq!(json["evidence"][0]["kind"], "file");
}
