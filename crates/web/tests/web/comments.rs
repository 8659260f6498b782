//! Comments in the browser and the API: the form posts with its CSRF token, the page shows the
//! body escaped with the mentions highlighted, the person mentioned finds it on My actions,
//! and the API adds and lists comments.

use crate::helpers::{TestApp, hidden_value, sign_in_demo, spawn_app};

#[tokio::test]
async fn a_comment_is_shown_escaped_with_its_mentions_and_reaches_the_person_mentioned() {
    let app = spawn_app().await;
    let owner = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&owner, "owner@test.example").await.status(),
        303
    );
    let item_url = app.url(&format!("/items/{}", app.action.0));
    let html = app
        .text_as(&owner, &format!("/items/{}", app.action.0))
        .await;
    assert!(html.contains("id=\"comments\"") && html.contains("No comments yet."));
    assert!(html.contains("action=\"/items/"), "the form is offered");
    let csrf = hidden_value(&html, "csrf");
    let comments_url = format!("{item_url}/comments");

    // Without the CSRF token the form is refused.
    let forged = owner
        .post(&comments_url)
        .form(&[("body", "Forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    // An empty comment is refused with the page again.
    let empty = owner
        .post(&comments_url)
        .form(&[("csrf", csrf.as_str()), ("body", "   ")])
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);
    assert!(empty.text().await.unwrap().contains("Enter a comment"));

    let body = "Can @Ada Admin check? @head of contact management will book it. \
                @nobody <script>alert(1)</script>";
    let added = owner
        .post(&comments_url)
        .form(&[("csrf", csrf.as_str()), ("body", body)])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 303);
    let location = added.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("?done=commented#comments"), "{location}");
    let html = app.text_as(&owner, &location).await;
    assert!(html.contains("Your comment has been added."));
    assert!(
        html.contains("<strong class=\"wm-mention\">@Ada Admin</strong>"),
        "{html}"
    );
    assert!(html.contains("<strong class=\"wm-mention\">@head of contact management</strong>"));
    assert!(html.contains(" will book it. @nobody &#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("Olu Owner"));

    // The administrator, mentioned by name, finds it on My actions.
    let admin = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&admin, "admin@test.example").await.status(),
        303
    );
    let mine = app.text_as(&admin, "/my-actions").await;
    assert!(mine.contains("Mentioned in comments"));
    assert!(
        mine.contains(&format!("href=\"/items/{}#comments\"", app.action.0)),
        "{mine}"
    );
    assert!(
        mine.contains("&#60;script&#62;"),
        "the excerpt is escaped too"
    );

    // The API: a comment added, then listed after the page's.
    let session: serde_json::Value = admin
        .get(app.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["csrf_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let api_url = app.url(&format!("/api/items/{}/comments", app.action.0));
    let created = admin
        .post(&api_url)
        .header("x-csrf-token", token.as_str())
        .json(&serde_json::json!({"body": "Checked, thanks @Olu Owner"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: serde_json::Value = created.json().await.unwrap();
    assert_eq!(created["author"], "Ada Admin");
    assert_eq!(created["mentions"][0]["label"], "Olu Owner");
    let too_long = admin
        .post(&api_url)
        .header("x-csrf-token", token.as_str())
        .json(&serde_json::json!({"body": "x".repeat(5_001)}))
        .send()
        .await
        .unwrap();
    assert_eq!(too_long.status(), 422);
    let listed: serde_json::Value = admin
        .get(&api_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["may_comment"], true);
    let comments = listed["comments"].as_array().cloned().unwrap_or_default();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0]["body"], body);
    assert_eq!(
        comments[0]["mentions"][1]["post"],
        "Head of Contact Management"
    );
    assert_eq!(comments[1]["body"], "Checked, thanks @Olu Owner");
}

#[tokio::test]
async fn the_demo_has_a_discussion_that_reaches_the_post_and_the_person_it_mentions() {
    let app = spawn_app().await;
    app.load_demo().await;
    // Priya Shah holds the post Sam mentions, and Priya mentions Jo Whitfield: both find
    // the discussion on My actions.
    let priya = sign_in_demo(&app, "priya.shah@northshire.example").await;
    let mine = app.text_as(&priya, "/my-actions").await;
    assert!(mine.contains("Sam Okafor"), "{mine}");
    assert!(
        mine.contains("the crime recording audit report is linked under"),
        "{mine}"
    );
    let jo = sign_in_demo(&app, "jo.whitfield@northshire.example").await;
    let mentioned = app.text_as(&jo, "/my-actions").await;
    assert!(mentioned.contains("can you confirm the"), "{mentioned}");

    // The recommendation's page shows the three comments in order, mentions marked.
    let item = mine
        .split("id=\"mentions\"")
        .nth(1)
        .unwrap()
        .split("href=\"/items/")
        .nth(1)
        .and_then(|rest| rest.split(['"', '#']).next())
        .unwrap()
        .to_string();
    let page = app.text_as(&priya, &format!("/items/{item}")).await;
    let sam = page.find("Could the board take this").unwrap();
    let reply = page.find("it is on the board").unwrap();
    let confirmed = page.find("all six districts were sampled").unwrap();
    assert!(sam < reply && reply < confirmed);
    assert!(page.contains("@Head of Performance and Planning"), "{page}");
}
