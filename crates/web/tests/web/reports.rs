//! The reports page: preview and download, publish, and a published report that does not
//! change when later updates are added.

use crate::helpers::{hidden_value, spawn_app};

#[tokio::test]
async fn a_report_downloads_publishes_and_stays_frozen() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let page = app
        .client
        .get(app.url(&format!("/plans/{}/reports", app.plan)))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("No report of this plan has been published yet."));

    let pdf = app
        .client
        .get(app.url(&format!(
            "/plans/{}/reports/download?layout=tracker&format=pdf&as_at=2015-02-16",
            app.plan
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(
        pdf.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    let csrf = hidden_value(&html, "csrf");
    // Publishing first asks to confirm, and stores nothing until it is.
    let asked = app
        .client
        .post(app.url(&format!("/plans/{}/reports/publish", app.plan)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("layout", "tracker"),
            ("as_at", "2015-02-16"),
            ("period", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 200);
    let asked = asked.text().await.unwrap();
    assert!(
        asked.contains("Publish the As at 16 February 2015 report?"),
        "{asked}"
    );
    assert!(asked.contains("cannot be changed or deleted afterwards"));
    assert!(
        app.store
            .published_reports(waymark_store::Scope::All, waymark_core::PlanId(app.plan))
            .await
            .unwrap()
            .is_empty()
    );
    // An action owner may read and download reports, but not publish them.
    let owner = crate::helpers::TestApp::new_client();
    app.sign_in_as(&owner, "owner@test.example").await;
    let owner_page = app
        .text_as(&owner, &format!("/plans/{}/reports", app.plan))
        .await;
    assert!(
        !owner_page.contains("/reports/publish\""),
        "no Publish button for an owner"
    );
    let owner_csrf = hidden_value(&owner_page, "csrf");
    let refused = owner
        .post(app.url(&format!("/plans/{}/reports/publish", app.plan)))
        .form(&[
            ("csrf", owner_csrf.as_str()),
            ("layout", "tracker"),
            ("as_at", "2015-02-16"),
            ("confirm", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let published = app
        .client
        .post(app.url(&format!("/plans/{}/reports/publish", app.plan)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("layout", "tracker"),
            ("as_at", "2015-02-16"),
            ("period", ""),
            ("confirm", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 303);
    let html = app
        .text(&format!("/plans/{}/reports?published=1", app.plan))
        .await;
    assert!(html.contains("The report has been published."));
    let link = html
        .split("href=\"/reports/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let id = link.split('/').next().unwrap().to_string();
    let get_html = || {
        let url = app.url(&format!("/reports/{id}/html"));
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    let first = get_html().await;
    assert_eq!(first.status(), 200);
    assert!(
        first.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );
    let before = first.text().await.unwrap();
    assert!(before.contains("Issue guidance on repeat and vulnerable victims"));

    // A later update changes a fresh report but not the published one.
    let api_csrf = app.csrf().await;
    let response = app
        .client
        .post(app.url(&format!("/api/items/{}/updates", app.action.0)))
        .header("x-csrf-token", api_csrf)
        .json(&serde_json::json!({"text": "Entered after publication.", "as_of": "2015-02-14"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(get_html().await.text().await.unwrap(), before);
    let fresh = app
        .text(&format!(
            "/plans/{}/reports/download?layout=tracker&format=html&as_at=2015-02-16",
            app.plan
        ))
        .await;
    assert!(fresh.contains("Entered after publication."));
    assert!(!before.contains("Entered after publication."));
}

/// The `<form ...>` tags of a page that submit with GET (the default method).
fn get_forms(html: &str) -> Vec<String> {
    html.split("<form")
        .skip(1)
        .map(|form| form.split("</form>").next().unwrap_or_default().to_string())
        .filter(|form| {
            let tag = form.split('>').next().unwrap_or_default();
            !tag.contains(r#"method="post""#)
        })
        .collect()
}

#[tokio::test]
async fn the_report_form_keeps_its_csrf_token_out_of_urls() {
    let app = spawn_app().await;
    app.sign_in().await;
    let html = app.text(&format!("/plans/{}/reports", app.plan)).await;
    for form in get_forms(&html) {
        assert!(
            !form.contains("csrf"),
            "a GET form carries the token: {form}"
        );
    }
    assert!(
        html.contains(&format!(
            r#"<form method="post" action="/plans/{}/reports/download" novalidate>"#,
            app.plan
        )),
        "{html}"
    );
    let csrf = hidden_value(&html, "csrf");

    // "Preview or download" posts the form and is sent on to the download's GET address,
    // without the token.
    let fields = [
        ("csrf", csrf.as_str()),
        ("layout", "tracker"),
        ("period", ""),
        ("as_at", "16/02/2015"),
        ("format", "html"),
    ];
    let posted = app
        .client
        .post(app.url(&format!("/plans/{}/reports/download", app.plan)))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    let location = posted.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!(
            "/plans/{}/reports/download?layout=tracker&format=html&period=&as_at=16%2F02%2F2015",
            app.plan
        )
    );
    let preview = app.client.get(app.url(&location)).send().await.unwrap();
    assert_eq!(preview.status(), 200);
    assert!(
        preview.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );
    assert!(preview.text().await.unwrap().contains("<html"));

    // "Check acronyms" likewise returns to the page's GET address.
    let checked = app
        .client
        .post(app.url(&format!("/plans/{}/reports/check", app.plan)))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(checked.status(), 303);
    let location = checked.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!(
            "/plans/{}/reports?check=1&period=&as_at=16%2F02%2F2015#acronyms",
            app.plan
        )
    );
    let page = app.text(&location).await;
    assert!(page.contains("The report as at 16 February 2015"), "{page}");

    // Without the token, even a read-only post is refused, like every post.
    let forged = app
        .client
        .post(app.url(&format!("/plans/{}/reports/download", app.plan)))
        .form(&fields[1..])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}
