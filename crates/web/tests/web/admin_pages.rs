//! The pages of access: people and roles, organisations, sharing, the audit trail and the
//! account page with its tokens, as an administrator uses them and as others are refused.

use crate::helpers::{TestApp, hidden_value, spawn_app};

async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    page: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = app.text_as(client, page).await;
    let csrf = hidden_value(&html, "csrf");
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

#[tokio::test]
async fn an_administrator_adds_a_partner_and_shares_a_plan_which_the_partner_then_sees() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let added = post_form(
        &app,
        &app.client,
        "/organisations",
        "/organisations",
        &[
            ("code", "OXCC"),
            ("name", "Oxbridge County Council"),
            ("kind", "local-authority"),
        ],
    )
    .await;
    assert_eq!(added.status(), 303);
    let page = app.text("/organisations").await;
    assert!(page.contains("Oxbridge County Council"));
    assert!(page.contains("Local authority"));
    // A partner person, added on the people page of their own organisation by the operator's
    // CLI in real life; here straight into the store.
    let partner_org = app
        .store
        .organisation_by_code("OXCC")
        .await
        .unwrap()
        .unwrap();
    let hash = waymark_app::password::hash_now(crate::helpers::PASSWORD).unwrap();
    app.store
        .create_user(
            partner_org.id,
            "kim@oxbridge.example",
            "Kim Lee",
            &hash,
            false,
        )
        .await
        .unwrap();
    let partner = TestApp::new_client();
    app.sign_in_as(&partner, "kim@oxbridge.example").await;
    let plan_path = format!("/plans/{}", app.plan);
    assert_eq!(
        partner
            .get(app.url(&plan_path))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "not shared yet"
    );

    let sharing = format!("/plans/{}/sharing", app.plan);
    let page = app.text(&sharing).await;
    assert!(page.contains("The plan is not shared with any other organisation."));
    let shared = post_form(
        &app,
        &app.client,
        &sharing,
        &sharing,
        &[
            ("with", &partner_org.id.0.to_string()),
            ("access", "read"),
            ("ceiling", "OFFICIAL"),
            ("scope", "all"),
        ],
    )
    .await;
    assert_eq!(shared.status(), 303);
    let page = app.text(&format!("{sharing}?done=shared")).await;
    assert!(page.contains("The plan has been shared."));
    assert!(page.contains("Oxbridge County Council (OXCC)"));
    assert!(page.contains("The whole plan"));

    let seen = app.text_as(&partner, &plan_path).await;
    assert!(seen.contains("Call handling improvement plan"));
    assert!(seen.contains("belongs to another organisation and is shared with yours"));
    assert!(!seen.contains("Change the plan&#x27;s details") && !seen.contains("/sharing\""));
    assert_eq!(
        partner
            .get(app.url(&sharing))
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "a partner cannot reshare"
    );

    // Revoked: gone again, and the share stays listed as revoked with the reason.
    let page = app.text(&sharing).await;
    let share_id = page
        .split("action=\"/shares/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let revoked = post_form(
        &app,
        &app.client,
        &format!("/shares/{share_id}/revoke"),
        &sharing,
        &[("reason", "The joint review has ended")],
    )
    .await;
    assert_eq!(revoked.status(), 303);
    assert_eq!(
        partner
            .get(app.url(&plan_path))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let page = app.text(&sharing).await;
    assert!(page.contains("Revoked on"));
    assert!(page.contains("The joint review has ended"));

    // The audit trail lists it all, filtered to sharing, and downloads as CSV.
    let audit = app.text("/audit?kind=share.").await;
    assert!(audit.contains("Plan shared"), "{audit}");
    assert!(audit.contains("Share revoked"));
    assert!(audit.contains("Ada Admin") && audit.contains("admin@test.example"));
    assert!(audit.contains("Showing 1–2 of 2 events."), "{audit}");
    let csv = app
        .client
        .get(app.url("/audit.csv?kind=share."))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("audit-trail.csv")
    );
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("When (UTC),Who,Address,Action,Plan,Item,What,Detail"));
    assert_eq!(text.lines().count(), 3, "{text}");
}

#[tokio::test]
async fn administrators_give_roles_and_others_reach_none_of_the_administration() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let people = app.text("/people").await;
    assert!(people.contains("Olu Owner"));
    assert!(people.contains("Contributor"));
    let owner_id = people
        .split("name=\"person\" value=\"")
        .find_map(|rest| {
            let id = rest.split('"').next()?;
            people
                .contains(&format!("id=\"role-{id}\""))
                .then(|| id.to_string())
        })
        .unwrap();
    let made_viewer = post_form(
        &app,
        &app.client,
        "/people",
        "/people",
        &[
            ("action", "roles"),
            ("person", &owner_id),
            ("role", "viewer"),
        ],
    )
    .await;
    assert_eq!(made_viewer.status(), 303);
    let people = app.text("/people?done=roles").await;
    assert!(people.contains("Their role has been changed."));
    // The owner, now a viewer, may no longer add updates to the action their post owns.
    let owner = TestApp::new_client();
    app.sign_in_as(&owner, "owner@test.example").await;
    let item = app
        .text_as(&owner, &format!("/items/{}", app.action.0))
        .await;
    assert!(
        !item.contains("Add an update</h2>"),
        "a viewer is not offered the form"
    );
    // Adding a person with a short password is refused by field.
    let refused = post_form(
        &app,
        &app.client,
        "/people",
        "/people",
        &[
            ("action", "add"),
            ("name", "Nia New"),
            ("email", "nia@test.example"),
            ("password", "short"),
            ("role", "contributor"),
            ("clearance", "OFFICIAL"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("The password must be at least 12 characters long"));
    assert!(html.contains("value=\"Nia New\""), "what was typed is kept");

    for path in ["/people", "/organisations", "/audit", "/audit.csv"] {
        let response = owner.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 403, "{path}");
    }
    let nav = app.text_as(&owner, "/").await;
    assert!(!nav.contains("href=\"/audit\""));
    assert!(!nav.contains("href=\"/people\""));
}

#[tokio::test]
async fn the_account_page_makes_a_token_once_and_revokes_it() {
    let app = spawn_app().await;
    app.sign_in().await;
    let page = app.text("/account").await;
    assert!(page.contains("Olu Owner"));
    assert!(page.contains("Head of Contact Management"));
    assert!(page.contains("Contributor"));
    let made = post_form(
        &app,
        &app.client,
        "/account/tokens",
        "/account",
        &[("name", "Monthly figures script")],
    )
    .await;
    assert_eq!(made.status(), 200);
    let html = made.text().await.unwrap();
    let token = html
        .split("<code class=\"wm-token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(token.starts_with("wmk_"));
    // The token signs a script in to the API, with the person's role and no CSRF token.
    let script = reqwest::Client::new();
    let session = script
        .get(app.url("/api/session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 200);
    let session: serde_json::Value = session.json().await.unwrap();
    assert_eq!(session["user"]["name"], "Olu Owner");
    assert_eq!(session["user"]["role"], "contributor");
    let updated = script
        .post(app.url(&format!("/api/items/{}/updates", app.action.0)))
        .bearer_auth(&token)
        .json(&serde_json::json!({"text": "Posted by the script.", "rag": "Amber"}))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 201);
    // The page no longer shows its value; revoking it ends the script's access.
    let page = app.text("/account").await;
    assert!(!page.contains(&token));
    assert!(page.contains("Monthly figures script"));
    let id = page
        .split("action=\"/account/tokens/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let revoked = post_form(
        &app,
        &app.client,
        &format!("/account/tokens/{id}/revoke"),
        "/account",
        &[],
    )
    .await;
    assert_eq!(revoked.status(), 303);
    let refused = script
        .get(app.url("/api/session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    // A wrong current password is refused by field.
    let wrong = post_form(
        &app,
        &app.client,
        "/account/password",
        "/account",
        &[
            ("current", "not it at all"),
            ("password", "a perfectly good one"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Enter your current password correctly")
    );
}
