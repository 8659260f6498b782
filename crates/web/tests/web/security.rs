//! Security applied to every route: headers, sign-in required, CSRF on writes, organisation
//! scope.

use crate::helpers::spawn_app;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/sign-in",
        "/",
        "/api/plans",
        "/assets/app.css",
        "/assets/favicon.svg",
        "/no-such-page",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let headers = response.headers();
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
    }
    let icon = app
        .client
        .get(app.url("/assets/favicon.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    assert!(
        app.text("/sign-in")
            .await
            .contains("href=\"/assets/favicon.svg\"")
    );
}

#[tokio::test]
async fn pages_ask_for_sign_in_and_the_api_refuses_with_401() {
    let app = spawn_app().await;
    let page = app
        .client
        .get(app.url(&format!("/plans/{}", app.plan)))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303);
    assert_eq!(
        page.headers()["location"],
        format!("/sign-in?next=/plans/{}", app.plan)
    );
    for path in [
        "/api/plans",
        "/api/session",
        &format!("/api/plans/{}/items", app.plan),
    ] {
        let api = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(api.status(), 401, "{path}");
        let body: serde_json::Value = api.json().await.unwrap();
        assert_eq!(body["error"], "you need to sign in");
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused_without_saying_which_part_was_wrong() {
    let app = spawn_app().await;
    let page = app.text("/sign-in").await;
    let csrf = crate::helpers::hidden_value(&page, "csrf");
    for email in ["owner@test.example", "nobody@test.example"] {
        let response = app
            .client
            .post(app.url("/sign-in"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", "wrong password"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        let html = response.text().await.unwrap();
        assert!(html.contains("Enter a correct email address and password"));
    }
}

#[tokio::test]
async fn writes_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    app.sign_in().await;
    let path = format!("/items/{}", app.action.0);
    let form = app
        .client
        .post(app.url(&path))
        .form(&[("text", "Forged update"), ("csrf", "not the token")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 403);
    let api = app
        .client
        .post(app.url(&format!("/api/items/{}/updates", app.action.0)))
        .json(&serde_json::json!({"text": "Forged update"}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 403);
    let history = app
        .store
        .item_history(waymark_store::Scope::All, app.action)
        .await
        .unwrap();
    assert_eq!(history.updates.len(), 1, "a forged update was stored");
}

#[tokio::test]
async fn nobody_sees_another_organisations_plans() {
    let app = spawn_app().await;
    app.sign_in().await;
    let plans: Vec<serde_json::Value> = app
        .client
        .get(app.url("/api/plans"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0]["title"], "Call handling improvement plan");
    for path in [
        format!("/plans/{}", app.other_plan),
        format!("/api/plans/{}/items", app.other_plan),
    ] {
        let response = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    // The other organisation's user cannot see or write to this plan's items.
    let other = crate::helpers::TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&other, "other@other.example").await.status(),
        303
    );
    let item = other
        .get(app.url(&format!("/items/{}", app.action.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(item.status(), 404);
}

#[tokio::test]
async fn only_a_demo_server_lists_accounts_on_the_sign_in_page() {
    let plain = crate::helpers::spawn_app().await;
    let page = plain.text("/sign-in").await;
    assert!(!page.contains("Demonstration"));
    assert!(!page.contains(crate::helpers::PASSWORD));

    let demo = crate::helpers::spawn_app_with_demo(Some(waymark_web::DemoSignIn {
        password: crate::helpers::PASSWORD.into(),
        accounts: vec![waymark_web::DemoAccount {
            email: "owner@test.example".into(),
            name: "Olu Owner".into(),
            role: "action owner, Head of Contact Management".into(),
        }],
    }))
    .await;
    let page = demo.text("/sign-in").await;
    assert!(page.contains("This is a demonstration"));
    assert!(
        page.contains("<strong>Olu Owner</strong><br>action owner, Head of Contact Management")
    );
    assert!(page.contains("Sign in<span class=\"govuk-visually-hidden\"> as Olu Owner</span>"));
    // The account's own button signs in with what the page holds.
    let response = demo
        .client
        .post(demo.url("/sign-in"))
        .form(&[
            ("csrf", crate::helpers::hidden_value(&page, "csrf").as_str()),
            ("next", "/my-actions"),
            (
                "email",
                crate::helpers::hidden_value(&page, "email").as_str(),
            ),
            (
                "password",
                crate::helpers::hidden_value(&page, "password").as_str(),
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/my-actions");
}

/// `next` survives sign-in only as a path on this server: tricks that browsers read as
/// another host, and control characters (once a 500 after the session was made), go to `/`.
#[tokio::test]
async fn sign_in_sends_people_only_to_paths_on_this_server() {
    let app = crate::helpers::spawn_app().await;
    for (next, expected) in [
        ("/%09/evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\r/evil.example", "/"),
        ("/\u{b}/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/my-actions", "/my-actions"),
    ] {
        let client = crate::helpers::TestApp::new_client();
        let page = client
            .get(format!(
                "{}?{}",
                app.url("/sign-in"),
                serde_urlencoded::to_string([("next", next)]).unwrap()
            ))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            crate::helpers::hidden_value(&page, "next"),
            expected,
            "{next:?}"
        );
        let csrf = crate::helpers::hidden_value(&page, "csrf");
        let response = client
            .post(app.url("/sign-in"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "admin@test.example"),
                ("password", crate::helpers::PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(response.headers()["location"], expected, "{next:?}");
    }
}

/// Signing in again in a signed-in browser works, and ends the earlier session.
#[tokio::test]
async fn signing_in_again_replaces_the_earlier_session() {
    let app = crate::helpers::spawn_app().await;
    let session_of = |response: &reqwest::Response| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("waymark_session="))
            .and_then(|v| v.split(';').next())
            .unwrap()
            .to_string()
    };
    let first = app.sign_in_as(&app.client, "owner@test.example").await;
    assert_eq!(first.status(), 303);
    let earlier = session_of(&first);
    let again = app.sign_in_as(&app.client, "admin@test.example").await;
    assert_eq!(again.status(), 303);
    assert_ne!(session_of(&again), earlier);
    let with_earlier = reqwest::Client::new()
        .get(app.url("/api/session"))
        .header("cookie", format!("waymark_session={earlier}"))
        .send()
        .await
        .unwrap();
    assert_eq!(with_earlier.status(), 401);
    let session: serde_json::Value = app
        .client
        .get(app.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        session.to_string().contains("admin@test.example"),
        "{session}"
    );
}

#[tokio::test]
async fn a_method_a_path_does_not_have_is_405_with_allow_before_any_sign_in() {
    let app = spawn_app().await;
    // Signed out, with no CSRF token: the answer is about the method, not who asks.
    let trace = reqwest::Method::from_bytes(b"TRACE").unwrap();
    for (method, path, allowed) in [
        (trace.clone(), "/api/plans", "GET,HEAD,POST"),
        (reqwest::Method::DELETE, "/api/plans", "GET,HEAD,POST"),
        (reqwest::Method::PUT, "/api/items/1/updates", "POST"),
        (trace, "/sign-in", "GET,HEAD,POST"),
        (reqwest::Method::DELETE, "/", "GET,HEAD"),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method} {path}");
        let mut allow: Vec<&str> = response.headers()["allow"]
            .to_str()
            .unwrap()
            .split(',')
            .map(str::trim)
            .collect();
        allow.sort_unstable();
        let mut expected: Vec<&str> = allowed.split(',').collect();
        expected.sort_unstable();
        assert_eq!(allow, expected, "{method} {path}");
        assert_eq!(
            response.headers()["x-frame-options"],
            "DENY",
            "{method} {path}"
        );
        let is_api = path.starts_with("/api/");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            content_type.starts_with(if is_api {
                "application/json"
            } else {
                "text/html"
            }),
            "{method} {path}: {content_type}"
        );
        let body = response.text().await.unwrap();
        if is_api {
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(json["error"].is_string(), "{body}");
        }
    }
}

/// Another process holding the database's write lock (a backup tool, a stuck script): a write
/// waits out SQLite's busy timeout and is answered 503 "try again", not 500 or a hang, and pages
/// that only read are still served meanwhile.
#[tokio::test]
async fn a_locked_database_answers_try_again_and_reads_go_on() {
    use sqlx::Connection;
    let app = spawn_app().await;
    app.sign_in().await;
    let csrf = app.csrf().await;
    let url = format!("sqlite://{}", app.db_path.display());
    let mut holder = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE; UPDATE plans SET revision = revision WHERE id = 0")
        .execute(&mut holder)
        .await
        .unwrap();

    let started = std::time::Instant::now();
    let response = app
        .client
        .post(app.url(&format!("/api/items/{}/updates", app.action.0)))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"text": "Written while the database is locked."}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let body = response.text().await.unwrap();
    assert!(body.contains("busy or cannot be reached"), "{body}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));

    let page = app
        .client
        .get(app.url(&format!("/items/{}", app.action.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "reads go on while the lock is held");
    let page = page.text().await.unwrap();
    assert!(!page.contains("Written while the database is locked."));

    sqlx::raw_sql("ROLLBACK")
        .execute(&mut holder)
        .await
        .unwrap();
    let response = app
        .client
        .post(app.url(&format!("/api/items/{}/updates", app.action.0)))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"text": "Written once the lock is gone."}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "writes work again");
}
