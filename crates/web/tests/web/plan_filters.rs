//! The plan page's filters (tag, "show only", RAG, owner, combined) and the RAG that parents derive
//! from their actions, on the plan and item pages.

use chrono::NaiveDate;
use waymark_core::{ItemId, PlanId, Tag, version_in_force};
use waymark_store::{ChangeSet, ItemRef, NewVersion, Scope};

use crate::helpers::{TestApp, day, hidden_value, spawn_app};

/// Tags the app's one action "Theme: Victims" and "HMICFRS: Recommendation", from 1 December 2014.
async fn tag_the_action(app: &TestApp) {
    let history = app
        .store
        .item_history(Scope::All, app.action)
        .await
        .unwrap();
    let current = version_in_force(&history.versions, NaiveDate::MAX, None).unwrap();
    let mut fields = current.fields.clone();
    fields.tags = vec![
        Tag {
            taxonomy: "Theme".into(),
            value: "Victims".into(),
        },
        Tag {
            taxonomy: "HMICFRS".into(),
            value: "Recommendation".into(),
        },
    ];
    let mut changes = ChangeSet::new(history.plan.org, PlanId(app.plan));
    changes.versions.push(NewVersion {
        item: app.action,
        parent: fields.parent.map(ItemRef::Existing),
        fields,
        effective: day(2014, 12, 1),
        reason: Some("Tagged".into()),
    });
    app.store.apply_changes(&changes).await.unwrap();
}

async fn get(app: &TestApp, path: &str) -> String {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// The recommendation above the app's action.
async fn parent_id(app: &TestApp) -> ItemId {
    let history = app
        .store
        .item_history(Scope::All, app.action)
        .await
        .unwrap();
    let current = version_in_force(&history.versions, NaiveDate::MAX, None).unwrap();
    current.fields.parent.unwrap()
}

#[tokio::test]
async fn the_plan_offers_its_tags_and_filters_by_one() {
    let app = spawn_app().await;
    tag_the_action(&app).await;
    app.sign_in().await;
    let plan = format!("/plans/{}", app.plan);
    let html = get(&app, &plan).await;
    assert!(html.contains("<select class=\"govuk-select\" id=\"tag\" name=\"tag\">"));
    assert!(html.contains("<option value=\"Theme: Victims\">Theme: Victims</option>"));
    assert!(html.contains("<option value=\"HMICFRS: Recommendation\">"));
    // Each row names its tags.
    assert!(html.contains("<span class=\"wm-item-tag\">Theme: Victims</span>"));

    let html = get(&app, &format!("{plan}?tag=Theme%3A+Victims")).await;
    assert!(html.contains("Issue guidance on repeat and vulnerable victims"));
    assert!(
        !html.contains("Give call handlers criteria to assess threat, harm and risk</a>"),
        "the untagged recommendation is left out"
    );
    assert!(html.contains("Showing 1 item</strong>: tagged “Theme: Victims”."));
    assert!(html.contains("<option value=\"Theme: Victims\" selected>"));

    let html = get(&app, &format!("{plan}?tag=Theme%3A+Roads")).await;
    assert!(html.contains("No items match."));
}

#[tokio::test]
async fn a_plan_without_tags_has_no_tag_filter() {
    let app = spawn_app().await;
    app.sign_in().await;
    let html = get(&app, &format!("/plans/{}", app.plan)).await;
    assert!(!html.contains("id=\"tag\""));
}

#[tokio::test]
async fn filters_combine_and_each_is_named() {
    let app = spawn_app().await;
    app.sign_in().await;
    let html = get(
        &app,
        &format!(
            "/plans/{}?flag=overdue&rag=green&owner=Head+of+Contact+Management",
            app.plan
        ),
    )
    .await;
    assert!(
        html.contains(
            "Showing 1 item</strong>: overdue, RAG status Green, owned by Head of Contact Management."
        ),
        "{html}"
    );
    assert!(html.contains("<option value=\"overdue\" selected>Overdue</option>"));
    assert!(html.contains("<option value=\"green\" selected>Green</option>"));
    // Nothing is due in the 30 days after 16 February 2015: the action was due on 31 January.
    let html = get(&app, &format!("/plans/{}?flag=due_soon", app.plan)).await;
    assert!(html.contains("Showing 0 items</strong>: due in the next 30 days."));
    // A word that is not a RAG status filters nothing rather than everything.
    let html = get(&app, &format!("/plans/{}?rag=purple", app.plan)).await;
    assert!(!html.contains("Showing"));
}

#[tokio::test]
async fn a_parent_without_its_own_rag_shows_the_rag_of_its_actions_as_derived() {
    let app = spawn_app().await;
    app.sign_in().await;
    let html = get(&app, &format!("/plans/{}", app.plan)).await;
    assert!(
        html.contains(
            "<strong class=\"wm-tag wm-tag--derived wm-rag--green\">Green</strong> <span class=\"wm-derived\">from 1 action</span>"
        ),
        "{html}"
    );

    let parent = parent_id(&app).await;
    let html = get(&app, &format!("/items/{}", parent.0)).await;
    assert!(html.contains("wm-tag--derived wm-rag--green\">Green</strong>"));
    assert!(html.contains("Worked out from the actions under this recommendation (1 Green)"));
    assert!(html.contains("Under this recommendation"));
    assert!(html.contains("Issue guidance on repeat and vulnerable victims</a>"));

    // After the action turns Red, the recommendation is Red too.
    let item = format!("/items/{}", app.action.0);
    let page = get(&app, &item).await;
    let csrf = hidden_value(&page, "csrf");
    let response = app
        .client
        .post(app.url(&item))
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", "Guidance withdrawn for legal review."),
            ("rag", "Red"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let html = get(&app, &format!("/plans/{}", app.plan)).await;
    assert!(html.contains("wm-tag--derived wm-rag--red\">Red</strong>"));
}

#[tokio::test]
async fn the_api_lists_each_items_tags_and_parents_derived_rag() {
    let app = spawn_app().await;
    tag_the_action(&app).await;
    app.sign_in().await;
    let items: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/plans/{}/items", app.plan)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let action = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == app.action.0)
        .unwrap();
    // The recommendation has no RAG of its own: the API gives the one derived from its action.
    let parent = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["parent"].is_null())
        .unwrap();
    assert_eq!(parent["rag"], serde_json::Value::Null);
    assert_eq!(parent["derived_rag"], "Green");
    assert_eq!(action["derived_rag"], serde_json::Value::Null);
    assert_eq!(
        action["tags"],
        serde_json::json!([
            {"taxonomy": "Theme", "value": "Victims"},
            {"taxonomy": "HMICFRS", "value": "Recommendation"}
        ])
    );
}

#[tokio::test]
async fn an_action_owner_is_pointed_to_their_own_overdue_actions() {
    let app = spawn_app().await;
    app.sign_in().await;
    let plan = format!("/plans/{}", app.plan);
    let html = get(&app, &plan).await;
    assert!(
        html.contains("You own 1 action in this plan, and <strong>1 is overdue</strong>."),
        "{html}"
    );
    assert!(html.contains(&format!(
        "<a class=\"govuk-link\" href=\"{plan}?mine=1&amp;flag=overdue\">Show your overdue action</a>"
    )));
    let html = get(&app, &format!("{plan}?mine=1&flag=overdue")).await;
    assert!(html.contains(
        "Showing 1 item</strong>: overdue, owned by your post (Head of Contact Management)."
    ));
    assert!(html.contains("Issue guidance on repeat and vulnerable victims"));

    // The administrator holds no post that owns an action here.
    let admin = TestApp::new_client();
    app.sign_in_as(&admin, "admin@test.example").await;
    let html = app.text_as(&admin, &plan).await;
    assert!(!html.contains("You own"));
}
