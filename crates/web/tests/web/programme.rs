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
