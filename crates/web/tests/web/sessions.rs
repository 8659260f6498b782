//! Sessions and sign-in as a browser meets them: the cookies' attributes, a new session id at
//! every sign-in, the growing wait after failed sign-ins (429), signing out everywhere, and
//! passwords changed by the person or reset by an administrator.

use reqwest::header::{RETRY_AFTER, SET_COOKIE};

use crate::helpers::{PASSWORD, TestApp, hidden_value, spawn_app};

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn session_of(cookies: &[String]) -> String {
    cookies
        .iter()
        .find_map(|c| c.strip_prefix("waymark_session="))
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_string()
}

/// Whether a bare session cookie, sent alone, is signed in.
async fn signed_in_with(app: &TestApp, token: &str) -> bool {
    let response = reqwest::Client::new()
        .get(app.url("/api/session"))
        .header("cookie", format!("waymark_session={token}"))
        .send()
        .await
        .unwrap();
    response.status() == 200
}

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
async fn cookies_are_http_only_and_strict_and_each_sign_in_gets_a_new_session() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/sign-in")).send().await.unwrap();
    let csrf_cookie = set_cookies(&page).join("\n");
    assert!(csrf_cookie.starts_with("waymark_csrf="), "{csrf_cookie}");
    assert!(
        csrf_cookie.contains("; HttpOnly; SameSite=Strict;"),
        "{csrf_cookie}"
    );
    // The test server is plain http, as the demo's is: no Secure (see `auth::set_cookie`).
    assert!(!csrf_cookie.contains("Secure"));

    let first = app.sign_in_as(&app.client, "owner@test.example").await;
    let cookies = set_cookies(&first);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("waymark_session="))
        .unwrap();
    assert!(
        session.contains("; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200"),
        "{session}"
    );
    let first = session_of(&cookies);
    assert!(signed_in_with(&app, &first).await);

    // Signing in again, in the same browser, gets a new id and ends the old one.
    let second = session_of(&set_cookies(
        &app.sign_in_as(&app.client, "owner@test.example").await,
    ));
    assert_ne!(first, second);
    assert!(!signed_in_with(&app, &first).await);
    assert!(signed_in_with(&app, &second).await);

    // Signing out ends it on the server, not only in the browser.
    let account = app.text("/account").await;
    let csrf = hidden_value(&account, "csrf");
    let out = app
        .client
        .post(app.url("/sign-out"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert!(!signed_in_with(&app, &second).await);
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_answered_429_with_the_wait() {
    let app = spawn_app().await;
    let html = app.text("/sign-in").await;
    let csrf = hidden_value(&html, "csrf");
    let attempt = |email: &'static str, password: &'static str| {
        let request = app.client.post(app.url("/sign-in")).form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ]);
        async move { request.send().await.unwrap() }
    };
    for _ in 0..5 {
        assert_eq!(
            attempt("owner@test.example", "wrong password")
                .await
                .status(),
            401
        );
    }
    let throttled = attempt("owner@test.example", PASSWORD).await;
    assert_eq!(throttled.status(), 429);
    assert_eq!(throttled.headers()[RETRY_AFTER], "2");
    let html = throttled.text().await.unwrap();
    assert!(
        html.contains("Too many attempts, try again in 2 seconds"),
        "{html}"
    );
    // Another account signs in from the same address.
    let admin = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&admin, "admin@test.example").await.status(),
        303
    );
    // After the wait, the right password works.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(attempt("owner@test.example", PASSWORD).await.status(), 303);
    let throttled = app
        .store
        .audit_events(&waymark_store::AuditFilter {
            action: Some("sign_in.throttled".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .1;
    assert_eq!(throttled.len(), 1);
}

#[tokio::test]
async fn signing_out_everywhere_ends_the_persons_other_sessions() {
    let app = spawn_app().await;
    let laptop = TestApp::new_client();
    let phone = TestApp::new_client();
    let admin = TestApp::new_client();
    for (client, email) in [
        (&laptop, "owner@test.example"),
        (&phone, "owner@test.example"),
        (&admin, "admin@test.example"),
    ] {
        assert_eq!(app.sign_in_as(client, email).await.status(), 303);
    }
    let account = app.text_as(&laptop, "/account").await;
    assert!(account.contains("action=\"/account/sign-out-everywhere\""));
    let done = post_form(
        &app,
        &laptop,
        "/account/sign-out-everywhere",
        "/account",
        &[],
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/sign-in");
    for client in [&laptop, &phone] {
        let page = client.get(app.url("/")).send().await.unwrap();
        assert_eq!(page.status(), 303, "signed out");
    }
    assert_eq!(admin.get(app.url("/")).send().await.unwrap().status(), 200);
    let audited = app
        .store
        .audit_events(&waymark_store::AuditFilter {
            action: Some("sign_out.everywhere".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .1;
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].actor, "Olu Owner <owner@test.example>");
}

#[tokio::test]
async fn a_common_password_is_refused_and_a_change_ends_the_other_sessions() {
    let app = spawn_app().await;
    let here = TestApp::new_client();
    let there = TestApp::new_client();
    app.sign_in_as(&here, "owner@test.example").await;
    app.sign_in_as(&there, "owner@test.example").await;
    let common = post_form(
        &app,
        &here,
        "/account/password",
        "/account",
        &[("current", PASSWORD), ("password", "q1w2e3r4t5y6")],
    )
    .await;
    assert_eq!(common.status(), 422);
    let html = common.text().await.unwrap();
    assert!(
        html.contains("This password is one of the most commonly used passwords"),
        "{html}"
    );
    let changed = post_form(
        &app,
        &here,
        "/account/password",
        "/account",
        &[
            ("current", PASSWORD),
            ("password", "violet tractor lantern"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(here.get(app.url("/")).send().await.unwrap().status(), 200);
    assert_eq!(there.get(app.url("/")).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn an_administrator_resets_a_password_and_others_may_not() {
    let app = spawn_app().await;
    let owner = TestApp::new_client();
    app.sign_in_as(&owner, "owner@test.example").await;
    app.sign_in_admin().await;
    let (person, _) = app
        .store
        .user_for_sign_in("owner@test.example")
        .await
        .unwrap()
        .unwrap();
    let id = person.id.0.to_string();
    let reset = post_form(
        &app,
        &app.client,
        "/people",
        "/people",
        &[
            ("action", "password"),
            ("person", &id),
            ("password", "a freshly reset passphrase"),
        ],
    )
    .await;
    assert_eq!(reset.status(), 303);
    // Their session ended; the new password signs them in.
    assert_eq!(owner.get(app.url("/")).send().await.unwrap().status(), 303);
    let signed = owner
        .post(app.url("/sign-in"))
        .form(&[
            (
                "csrf",
                hidden_value(&app.text_as(&owner, "/sign-in").await, "csrf").as_str(),
            ),
            ("email", "owner@test.example"),
            ("password", "a freshly reset passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    // The owner, a contributor, may not reset anyone's: 403.
    let csrf = hidden_value(&app.text_as(&owner, "/account").await, "csrf");
    let refused = owner
        .post(app.url("/people"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "password"),
            ("person", &id),
            ("password", "an attacker's passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}
