//! The JSON API: the same data and operations as the pages.

use crate::helpers::spawn_app;

#[tokio::test]
async fn items_meet_the_json_contract() {
    let app = spawn_app().await;
    app.sign_in().await;
    let answer: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/plans/{}/items", app.plan)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = answer["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let action = &items[1];
    assert_eq!(action["reference"], "4.43a");
    assert_eq!(
        action["owners"],
        serde_json::json!(["Head of Contact Management"])
    );
    assert_eq!(action["due"], "2015-01-31");
    assert_eq!(action["complete"], false);
    assert_eq!(action["rag"], "Green");
    assert_eq!(action["parent"], items[0]["id"]);
    assert_eq!(action["latest_update"]["date"], "2014-11-21");
    assert_eq!(action["latest_update"]["author"], "Supt Operations");
    // Due 31 January, last updated 21 November: overdue, and silent for over a month.
    assert_eq!(action["flags"], serde_json::json!(["overdue", "stale"]));
    assert_eq!(items[0]["parent"], serde_json::Value::Null);
}

#[tokio::test]
async fn an_update_posted_to_the_api_is_stored_and_changes_the_rag() {
    let app = spawn_app().await;
    app.sign_in().await;
    let csrf = app.csrf().await;
    let response = app
        .client
        .post(app.url(&format!("/api/items/{}/updates", app.action.0)))
        .header("x-csrf-token", csrf)
        .json(
            &serde_json::json!({"text": "Compliance is 75%.", "rag": "Red", "as_of": "2015-02-12"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let answer: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/plans/{}/items", app.plan)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = answer["items"].as_array().unwrap();
    assert_eq!(items[1]["rag"], "Red");
    assert_eq!(items[1]["latest_update"]["text"], "Compliance is 75%.");
    assert_eq!(items[1]["latest_update"]["date"], "2015-02-12");

    let earlier: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/plans/{}/items?as_at=2015-02-11", app.plan)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(earlier["items"][1]["rag"], "Green");
}

#[tokio::test]
async fn a_bad_update_gets_field_errors_as_json() {
    let app = spawn_app().await;
    app.sign_in().await;
    let csrf = app.csrf().await;
    let response = app
        .client
        .post(app.url(&format!("/api/items/{}/updates", app.action.0)))
        .header("x-csrf-token", csrf)
        .json(&serde_json::json!({"text": "", "rag": "Purple"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["text", "rag"]);
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let doc: serde_json::Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/session",
        "/api/plans",
        "/api/plans/{id}/items",
        "/api/plans/{id}/check",
        "/api/items/{id}/updates",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not described");
    }
    assert!(doc["paths"]["/api/items/{id}/updates"]["post"]["requestBody"].is_object());
    // "as at" is an optional query parameter, the plan id a required path one.
    let params = doc["paths"]["/api/plans/{id}/items"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let param = |name: &str| params.iter().find(|p| p["name"] == name).unwrap();
    assert_eq!(param("id")["in"], "path");
    assert_eq!(param("as_at")["in"], "query");
    assert_ne!(param("as_at")["required"], true);
    let item = &doc["components"]["schemas"]["ItemJson"]["properties"];
    for field in [
        "id",
        "reference",
        "text",
        "owners",
        "due",
        "complete",
        "rag",
        "latest_update",
        "flags",
        "parent",
    ] {
        assert!(item[field].is_object(), "ItemJson.{field} is not described");
    }
    // The list's filters and paging, and an answer that says its total and where the rest are.
    for name in [
        "flag", "rag", "q", "owner", "level", "tag", "mine", "sort", "limit", "cursor", "page",
    ] {
        assert_eq!(param(name)["in"], "query", "{name}");
    }
    // A number from 1 to 1,000, or empty (read as absent).
    assert_eq!(param("limit")["schema"]["oneOf"][0]["maximum"], 1000);
    assert_eq!(param("limit")["schema"]["oneOf"][1]["maxLength"], 0);
    let ok = &doc["paths"]["/api/plans/{id}/items"]["get"]["responses"];
    assert_eq!(
        ok["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ItemPageJson"
    );
    assert!(ok["400"].is_object());
    for schema in ["ItemPageJson", "SearchJson"] {
        let properties = &doc["components"]["schemas"][schema]["properties"];
        for field in ["items", "total", "limit", "offset", "next_cursor", "next"] {
            assert!(
                properties[field].is_object(),
                "{schema}.{field} is not described"
            );
        }
    }
    let search = doc["paths"]["/api/plans/{id}/search"]["get"]["parameters"]
        .as_array()
        .unwrap();
    for name in ["q", "sort", "limit", "cursor", "page"] {
        assert!(search.iter().any(|p| p["name"] == name), "search {name}");
    }
}
