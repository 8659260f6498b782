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

#[tokio::test]
async fn the_api_sets_closure_rules_and_keeps_an_uploaded_file_as_evidence() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let csrf = app.csrf().await;
    let rules_url = app.url(&format!("/api/plans/{}/closure-rules", app.plan));
    let none: serde_json::Value = app
        .client
        .get(&rules_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none["rules"], serde_json::json!([]));
    assert_eq!(none["may_manage"], true);

    // The level-1 items (actions) need evidence and the board's sign-off.
    let set = app
        .client
        .post(&rules_url)
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({
            "depth": 1, "requires_evidence": true, "requires_sign_off": true,
            "board": "Force Improvement Board",
            "members": ["Deputy Chief Constable", "Head of Performance"],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let set: serde_json::Value = set.json().await.unwrap();
    let rule = &set["rules"][0];
    assert_eq!(rule["depth"], 1);
    assert_eq!(rule["board"], "Force Improvement Board");
    assert_eq!(
        rule["members"],
        serde_json::json!(["Deputy Chief Constable", "Head of Performance"])
    );
    assert!(
        rule["rule"]
            .as_str()
            .unwrap()
            .starts_with("evidence and sign-off by the Force Improvement Board"),
        "{rule}"
    );
    // A level the plan cannot have is refused by name; without the CSRF header, forbidden.
    let bad = app
        .client
        .post(&rules_url)
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"depth": 40, "requires_sign_off": true}))
        .send()
        .await
        .unwrap();
    // The plan has no level 40: not found, naming the field.
    assert_eq!(bad.status(), 404);
    let bad: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(bad["fields"][0]["field"], "depth", "{bad}");
    let forged = app
        .client
        .post(&rules_url)
        .json(&serde_json::json!({"depth": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    // Closing straight away is refused now; a file kept as evidence comes back byte for byte.
    let file_url = app.url(&format!("/api/items/{}/evidence/file", app.action.0));
    let upload = |form: reqwest::multipart::Form| {
        app.client
            .post(&file_url)
            .header("x-csrf-token", &csrf)
            .multipart(form)
            .send()
    };
    let bytes = b"Repeat caller audit: 42 of 42 flags checked.\n".to_vec();
    let kept = upload(
        reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes.clone()).file_name("audit notes.txt"),
            )
            .text("marking", "OFFICIAL"),
    )
    .await
    .unwrap();
    assert_eq!(kept.status(), 201);
    let kept: serde_json::Value = kept.json().await.unwrap();
    assert_eq!(kept["kind"], "file");
    assert_eq!(
        kept["title"], "audit notes.txt",
        "the file's name when no title"
    );
    assert_eq!(kept["size_bytes"], bytes.len());
    assert_eq!(kept["content_type"], "text/plain; charset=utf-8");
    let back = app
        .client
        .get(app.url(&format!("/api/evidence/{}/file", kept["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), 200);
    assert_eq!(back.bytes().await.unwrap().to_vec(), bytes);
    // Marked above the person's clearance: forbidden (403), naming the field; a part the
    // form does not have: refused (422), not dropped. Neither keeps anything.
    let session: serde_json::Value = app
        .client
        .get(app.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lowered = app
        .client
        .put(app.url(&format!("/api/people/{}/clearance", session["user"]["id"])))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"clearance": "OFFICIAL"}))
        .send()
        .await
        .unwrap();
    assert!(lowered.status().is_success(), "{}", lowered.status());
    let above = upload(
        reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes.clone()).file_name("a.txt"),
            )
            .text("marking", "OFFICIAL-SENSITIVE"),
    )
    .await
    .unwrap();
    let status = above.status();
    let above: serde_json::Value = above.json().await.unwrap();
    assert_eq!(status, 403, "{above}");
    assert_eq!(above["fields"][0]["field"], "marking", "{above}");
    let extra = upload(
        reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes.clone()).file_name("a.txt"),
            )
            .text("url", "https://example.org/"),
    )
    .await
    .unwrap();
    assert_eq!(extra.status(), 422);
    let extra: serde_json::Value = extra.json().await.unwrap();
    assert_eq!(extra["fields"][0]["field"], "form", "{extra}");
    // No file part: refused, naming the field.
    let empty = upload(reqwest::multipart::Form::new().text("title", "Nothing"))
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);
    let empty: serde_json::Value = empty.json().await.unwrap();
    assert_eq!(empty["fields"][0]["field"], "file", "{empty}");

    let read: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/items/{}/evidence", app.action.0)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["evidence"].as_array().unwrap().len(), 1);
    assert!(
        read["rule"]
            .as_str()
            .unwrap()
            .contains("Force Improvement Board")
    );
}
