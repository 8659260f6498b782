//! The organisation's glossary: the reports page lists the acronyms a report uses without
//! defining, each with a link that opens the glossary's form with the term filled in; saving
//! returns to the check and reports use the new term. Administrators change and remove terms
//! (the starter list's too); nobody else may, and no other organisation sees them.

use chrono::{TimeZone, Utc};
use waymark_core::OrgId;
use waymark_store::{ChangeSet, ItemRef, NewUpdate, Scope};

use crate::helpers::{TestApp, day, hidden_value, spawn_app};

async fn org(app: &TestApp) -> OrgId {
    app.store
        .organisation_by_code("TST")
        .await
        .unwrap()
        .unwrap()
        .id
}

/// An update on the test action that uses an acronym no glossary defines, and one the starter
/// list does.
async fn update_with_acronyms(app: &TestApp) {
    let mut changes = ChangeSet::new(org(app).await, waymark_core::PlanId(app.plan));
    changes.entered_at = Some(Utc.with_ymd_and_hms(2015, 1, 10, 9, 0, 0).unwrap());
    changes.updates.push(NewUpdate {
        item: ItemRef::Existing(app.action),
        as_of: day(2015, 1, 9),
        author_person: None,
        author_post: Some("Supt Operations".into()),
        text: "The XYZQ team briefed every PCSO on the guidance.".into(),
        proposed_rag: None,
        supersedes: None,
    });
    app.store.apply_changes(&changes).await.unwrap();
}

async fn get_text(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The first link in `html` that starts with `prefix`, unescaped.
fn link(html: &str, prefix: &str) -> String {
    let start = html
        .find(&format!("href=\"{prefix}"))
        .unwrap_or_else(|| panic!("no link to {prefix}"))
        + "href=\"".len();
    html[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

#[tokio::test]
async fn an_acronym_a_report_uses_without_defining_is_added_from_the_reports_page() {
    let app = spawn_app().await;
    update_with_acronyms(&app).await;
    let admin = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&admin, "admin@test.example").await.status(),
        303
    );
    let check = app.url(&format!(
        "/plans/{}/reports?check=1&layout=quarterly&period=&as_at=2015-02-16",
        app.plan
    ));
    let (status, page) = get_text(&admin, &check).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"id="acronyms""#));
    assert!(page.contains(
        "The report as at 16 February 2015 uses 1 acronym that the glossary does not define"
    ));
    assert!(page.contains("<dt class=\"govuk-summary-list__key\">XYZQ</dt>"));
    assert!(
        !page.contains("<dt class=\"govuk-summary-list__key\">PCSO</dt>"),
        "PCSO is in the starter list"
    );
    assert!(
        page.contains(r#"id="as_at" name="as_at" type="text" spellcheck="false" autocomplete="off" value="16/02/2015""#),
        "the form keeps the day checked"
    );

    // One click: the glossary's form with the term filled in.
    let add = link(
        &page,
        &format!("/plans/{}/reports/glossary?term=XYZQ", app.plan),
    );
    let (status, form) = get_text(&admin, &app.url(&add)).await;
    assert_eq!(status, 200);
    assert!(
        form.contains(
            r#"name="term" type="text" spellcheck="false" autocomplete="off" value="XYZQ""#
        )
    );
    assert_eq!(hidden_value(&form, "from"), "reports");
    assert_eq!(hidden_value(&form, "as_at"), "2015-02-16");
    let csrf = hidden_value(&form, "csrf");
    let glossary_url = app.url(&format!("/plans/{}/reports/glossary", app.plan));

    // A missing meaning is named beside its field.
    let response = admin
        .post(&glossary_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("term", "XYZQ"),
            ("meaning", "  "),
            ("original", ""),
            ("from", "reports"),
            ("period", ""),
            ("as_at", "2015-02-16"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>Error: Glossary"));
    assert!(html.contains(r##"<a href="#meaning">Enter what the term means"##));
    assert!(html.contains(r#"id="meaning-error""#));
    assert!(html.contains(r#"value="XYZQ""#), "the term is kept");

    let response = admin
        .post(&glossary_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("term", "XYZQ"),
            ("meaning", "Example quality unit"),
            ("original", ""),
            ("from", "reports"),
            ("period", ""),
            ("as_at", "2015-02-16"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!(
            "/plans/{}/reports?check=1&period=&as_at=2015-02-16&glossary=saved#acronyms",
            app.plan
        )
    );
    let (_, page) = get_text(&admin, &app.url(&location)).await;
    assert!(page.contains("The glossary has been changed."));
    assert!(page.contains("The report as at 16 February 2015 defines every acronym it uses."));

    // Kept with who, and used by the report.
    let terms = app
        .store
        .glossary_terms(Scope::All, org(&app).await)
        .await
        .unwrap();
    assert_eq!(terms.len(), 1);
    assert_eq!(terms[0].entered_by.as_deref(), Some("Ada Admin"));
    let (status, report) = get_text(
        &admin,
        &app.url(&format!(
            "/plans/{}/reports/download?layout=quarterly&format=html&as_at=2015-02-16",
            app.plan
        )),
    )
    .await;
    assert_eq!(status, 200);
    assert!(report.contains("Example quality unit"));
    assert!(report.contains("Police Community Support Officer"));
}

#[tokio::test]
async fn administrators_change_and_remove_terms_and_nobody_else_may() {
    let app = spawn_app().await;
    update_with_acronyms(&app).await;
    let admin = TestApp::new_client();
    app.sign_in_as(&admin, "admin@test.example").await;
    let glossary_url = app.url(&format!("/plans/{}/reports/glossary", app.plan));
    let (status, page) = get_text(&admin, &glossary_url).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"<th scope="row" class="govuk-table__header">PCSO</th>"#));
    assert!(page.contains("Starter list"));
    let csrf = hidden_value(&page, "csrf");

    // Change a starter term: the form is filled in with its words.
    let (_, form) = get_text(&admin, &format!("{glossary_url}?term=bcu")).await;
    assert!(form.contains("Change BCU"));
    assert_eq!(hidden_value(&form, "original"), "BCU");
    let response = admin
        .post(&glossary_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("term", "BCU"),
            ("meaning", "Borough Command Unit"),
            ("original", "BCU"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let (_, page) = get_text(&admin, &format!("{glossary_url}?saved=BCU")).await;
    assert!(page.contains("BCU is in the glossary."));
    assert!(page.contains("Borough Command Unit"));
    assert!(
        page.contains(r#"<strong class="govuk-tag govuk-tag--blue">Test Constabulary</strong>"#)
    );

    // Remove a starter term: reports then list it as not defined.
    let response = admin
        .post(app.url(&format!("/plans/{}/reports/glossary/remove", app.plan)))
        .form(&[("csrf", csrf.as_str()), ("term", "PCSO")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let (_, page) = get_text(&admin, &glossary_url).await;
    assert!(!page.contains(r#"<th scope="row" class="govuk-table__header">PCSO</th>"#));
    assert!(page.contains("Changes to the glossary"));
    let (_, reports) = get_text(
        &admin,
        &app.url(&format!(
            "/plans/{}/reports?check=1&period=&as_at=2015-02-16",
            app.plan
        )),
    )
    .await;
    assert!(reports.contains("<dt class=\"govuk-summary-list__key\">PCSO</dt>"));

    // An action owner sees the glossary but may not change it.
    let owner = TestApp::new_client();
    app.sign_in_as(&owner, "owner@test.example").await;
    let (status, page) = get_text(&owner, &glossary_url).await;
    assert_eq!(status, 200);
    assert!(page.contains("Only administrators can change the glossary."));
    assert!(!page.contains(r#"id="term-form""#));
    let owner_csrf = hidden_value(&page, "csrf");
    let response = owner
        .post(&glossary_url)
        .form(&[
            ("csrf", owner_csrf.as_str()),
            ("term", "ABC"),
            ("meaning", "Anything"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    // Another organisation cannot see it.
    let other = TestApp::new_client();
    app.sign_in_as(&other, "other@other.example").await;
    let (status, _) = get_text(&other, &glossary_url).await;
    assert_eq!(status, 404);
}
