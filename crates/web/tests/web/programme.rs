//! The demo's collaboration programme in the browser and the API: a participant's person sees
//! its home page, matrix, JSON and report; a person of an organisation that does not take part
//! gets "not found" from each, and does not see it listed.

use waymark_store::Scope;

use crate::helpers::{sign_in_demo as sign_in, spawn_app};

#[tokio::test]
async fn a_participant_sees_the_programme_and_a_non_participant_sees_nothing_of_it() {
    let app = spawn_app().await;
    app.load_demo().await;
    let programme = app
        .store
        .plans(Scope::All)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.kind == waymark_core::PlanKind::Collaboration)
        .unwrap()
        .id
        .0;
    let pages = [
        format!("/plans/{programme}/programme?year=2009/10"),
        format!("/plans/{programme}/programme/matrix"),
        format!("/plans/{programme}/programme/report?year=2009/10&format=html"),
        format!("/api/plans/{programme}/programme?year=2009/10"),
    ];

    // Derbyshire takes part.
    let derbyshire = sign_in(&app, "chris.dunn@derbyshire.example").await;
    for path in &pages {
        let response = derbyshire.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    let home = app.text_as(&derbyshire, &pages[0]).await;
    for expected in [
        "Derbyshire Constabulary",
        "£1,200,000",
        "Protective services (15)",
        "Apportionment statement",
        // ANPR's Home Office funding in 2009/10 is "xxx": none known, not £0.
        "None known",
    ] {
        assert!(home.contains(expected), "{expected}");
    }
    // Asked for no year, the home page opens at the latest year with the participants' bases
    // and the team's cost (2009/10 in the demo), not at a later year whose every share would
    // say "not stated".
    let opened = app
        .text_as(&derbyshire, &format!("/plans/{programme}/programme"))
        .await;
    assert!(opened.contains("Programme, 2009/10"), "{opened}");
    assert!(opened.contains(r#"<option value="2009/10" selected>"#));
    assert!(opened.contains("£1,200,000"));
    let matrix = app.text_as(&derbyshire, &pages[1]).await;
    assert!(matrix.contains("Promoting safety") && matrix.contains("Organisational management"));
    let report = app.text_as(&derbyshire, &pages[2]).await;
    assert!(report.contains("Annual collaboration report 2009/10"));
    // Seed 003's funding table: ANPR's "xxx" years are counted as not known, never £0, and
    // each year's total says how many amounts it lacks.
    for expected in [
        "<tr><td>Home Office</td><td class=\"n\">£1,060,000</td><td class=\"n\">Not known</td>",
        "<td class=\"n\">£1,670,000 and 1 not known</td>",
        "<tr class=\"total\"><td>All years</td><td class=\"n\">£23,470,000</td><td>4 amounts not known</td></tr>",
        // The team's cost shared by grant, the parts and the pence adding up exactly.
        "<tr><td>Nottinghamshire Police</td><td class=\"n\">£131,200,000</td><td class=\"n\">28.25%</td><td class=\"n\">£338,945.10</td></tr>",
        "<tr class=\"total\"><td>Total</td><td class=\"n\"></td><td class=\"n\">100.00%</td><td class=\"n\">£1,200,000</td></tr>",
        // No savings are recorded in the seed: none recorded, not £0 against the target.
        "No savings are recorded for 2009/10, against a target of cashable savings of £1,200,000.",
        "Confidence &amp; satisfaction (1 project)",
    ] {
        assert!(report.contains(expected), "{expected} missing");
    }
    // A column no project fills (no RAG is assessed, no lead named) is left out.
    assert!(!report.contains("Not assessed"));
    let json: serde_json::Value =
        serde_json::from_str(&app.text_as(&derbyshire, &pages[3]).await).unwrap();
    assert_eq!(json["participants"].as_array().unwrap().len(), 5);
    assert_eq!(json["cost"]["total_pence"], 120_000_000);

    // The county council's partner takes no part: not found, and not listed.
    let council = sign_in(&app, "kim.lee@northshire-council.example").await;
    for path in &pages {
        let response = council.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let listed = app.text_as(&council, "/").await;
    assert!(!listed.contains("East Midlands collaboration programme"));
    let search = council
        .get(app.url(&format!("/api/plans/{programme}/search?q=witness")))
        .send()
        .await
        .unwrap();
    assert_eq!(search.status(), 404);
}

#[tokio::test]
async fn the_programme_director_publishes_the_annual_report_and_participants_download_it() {
    let app = spawn_app().await;
    app.load_demo().await;
    let programme = app
        .store
        .plans(Scope::All)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.kind == waymark_core::PlanKind::Collaboration)
        .unwrap()
        .id
        .0;
    let reports_page = format!("/plans/{programme}/programme/reports?year=2009/10");
    let director = sign_in(&app, "rowan.hale@nottinghamshire.example").await;
    // The programme's home links to its reports.
    let home = app
        .text_as(
            &director,
            &format!("/plans/{programme}/programme?year=2009/10"),
        )
        .await;
    assert!(home.contains(&format!(
        "href=\"/plans/{programme}/programme/reports?year=2009/10\""
    )));
    let page = app.text_as(&director, &reports_page).await;
    assert!(
        page.contains("No annual collaboration report of this programme has been published yet.")
    );
    assert!(page.contains("Publish the 2009/10 report"));
    // Publishing through the page.
    let csrf = crate::helpers::hidden_value(&page, "csrf");
    let response = director
        .post(app.url(&format!("/plans/{programme}/programme/reports")))
        .form(&[("csrf", csrf.as_str()), ("year", "2009/10")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let after = app
        .text_as(&director, response.headers()["location"].to_str().unwrap())
        .await;
    assert!(
        after.contains("The 2009/10 report has been published as version 1."),
        "{after}"
    );
    assert!(after.contains("by Rowan Hale"));

    // Publishing through the API, with the session's CSRF token: version 2 of the year.
    let session: serde_json::Value = director
        .get(app.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["csrf_token"].as_str().unwrap();
    let response = director
        .post(app.url(&format!("/api/plans/{programme}/programme/reports")))
        .header("x-csrf-token", token)
        .json(&serde_json::json!({"year": "2009/10"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let second: serde_json::Value = response.json().await.unwrap();
    assert_eq!(second["version"], 2);
    assert_eq!(second["period"], "2009/10");
    assert_eq!(second["layout"], "collaboration");
    assert_eq!(second["published_by"], "Rowan Hale");
    assert_eq!(
        second["formats"],
        serde_json::json!(["docx", "html", "pdf", "xlsx"])
    );

    // Derbyshire takes part: it lists both versions and downloads each, but may not publish.
    let derbyshire = sign_in(&app, "chris.dunn@derbyshire.example").await;
    let listed: serde_json::Value = serde_json::from_str(
        &app.text_as(
            &derbyshire,
            &format!("/api/plans/{programme}/programme/reports"),
        )
        .await,
    )
    .unwrap();
    let versions: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);
    let page = app.text_as(&derbyshire, &reports_page).await;
    assert!(!page.contains("Publish the 2009/10 report"));
    let id = second["id"].as_i64().unwrap();
    assert!(page.contains(&format!("href=\"/reports/{id}/pdf\"")));
    let pdf = derbyshire
        .get(app.url(&format!("/api/reports/{id}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    let html = app
        .text_as(&derbyshire, &format!("/reports/{id}/html"))
        .await;
    assert!(html.contains("Annual collaboration report 2009/10"));
    assert!(html.contains("£1,200,000"));
    let session: serde_json::Value = derbyshire
        .get(app.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let refused = derbyshire
        .post(app.url(&format!("/api/plans/{programme}/programme/reports")))
        .header("x-csrf-token", session["csrf_token"].as_str().unwrap())
        .json(&serde_json::json!({"year": "2009/10"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);

    // The director withdraws version 1 with a reason, from the programme's page: it stays
    // listed, marked withdrawn, for the participants too.
    let first = listed[1]["id"].as_i64().unwrap();
    let page = app.text_as(&director, &reports_page).await;
    let csrf = crate::helpers::hidden_value(&page, "csrf");
    let response = director
        .post(app.url(&format!("/reports/{first}/withdraw")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("from", "programme"),
            ("reason", "Superseded by version 2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/plans/{programme}/programme/reports?withdrawn=1#published").as_str()
    );
    let page = app.text_as(&derbyshire, &reports_page).await;
    assert!(page.contains("Withdrawn on"), "{page}");
    assert!(page.contains("by Rowan Hale: Superseded by version 2"));

    // The council takes no part: not found, for the list, the page and the files.
    let council = sign_in(&app, "kim.lee@northshire-council.example").await;
    for path in [
        format!("/api/plans/{programme}/programme/reports"),
        reports_page.clone(),
        format!("/reports/{id}/pdf"),
        format!("/api/reports/{id}/html"),
    ] {
        let response = council.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}
