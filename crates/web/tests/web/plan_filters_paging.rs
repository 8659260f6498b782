//! Paging of a plan's filtered items (issue #14): the plan page a hundred rows at a time with
//! the true total and links that keep the filters, the API's `total` and cursor walk, search
//! with every match reachable and ranked, and the words marked in escaped text.

use std::collections::HashSet;

use serde_json::Value;
use waymark_core::{ItemFields, PlanId, Rag};
use waymark_store::{ChangeSet, ItemRef, NewItem, NewUpdate, Scope};

use crate::helpers::{TestApp, day, spawn_app};

/// Adds 250 top-level actions to the app's plan, 130 of which say "recruit" in some form:
/// 0–49 "recruit" and "cadets" in their text (the first with a `<script>` in it), 50–109
/// "recruitment" in their text and "cadets" in an update, 110–129 both words only in an
/// update; 130–249 neither. The 130 are Amber, the rest Green.
async fn plan_of_250(app: &TestApp) {
    let plan = app.store.plan(Scope::All, PlanId(app.plan)).await.unwrap();
    let mut changes = ChangeSet::new(plan.org, plan.id);
    for n in 0..250 {
        let text = match n {
            0 => "Recruit cadets <script>alert(1)</script> for area 0".to_string(),
            1..50 => format!("Recruit cadets for area {n}"),
            50..110 => format!("Recruitment in area {n}"),
            _ => format!("Patrol area {n}"),
        };
        changes.new_items.push(NewItem {
            parent: None,
            fields: ItemFields {
                reference: Some(format!("P{n}")),
                text,
                rag: Some(if n < 130 { Rag::Amber } else { Rag::Green }),
                ..ItemFields::default()
            },
            effective: day(2014, 12, 1),
        });
        let update = match n {
            50..110 => Some("Cadets joined the scheme"),
            110..130 => Some("Recruiting cadets has started"),
            _ => None,
        };
        if let Some(text) = update {
            changes.updates.push(NewUpdate {
                item: ItemRef::New(n),
                as_of: day(2014, 12, 2),
                author_person: None,
                author_post: None,
                text: text.into(),
                proposed_rag: None,
                supersedes: None,
            });
        }
    }
    app.store.apply_changes(&changes).await.unwrap();
}

async fn get_json(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn get_html(app: &TestApp, path: &str) -> String {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

fn references(answer: &Value) -> Vec<String> {
    answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["reference"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn the_api_walks_a_filtered_list_by_cursor_reaching_every_item_once() {
    let app = spawn_app().await;
    app.sign_in().await;
    plan_of_250(&app).await;
    let plan = app.plan;

    let (status, first) = get_json(&app, &format!("/api/plans/{plan}/items?q=recruit")).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["total"], 130);
    assert_eq!(first["limit"], 100);
    assert_eq!(first["items"].as_array().unwrap().len(), 100);

    let mut seen = Vec::new();
    let mut path = format!("/api/plans/{plan}/items?rag=amber&limit=30");
    let mut answers = 0;
    loop {
        let (status, answer) = get_json(&app, &path).await;
        assert_eq!(status, 200, "{path}: {answer}");
        assert_eq!(answer["total"], 130, "{path}");
        seen.extend(references(&answer));
        answers += 1;
        match answer["next"].as_str() {
            Some(next) => {
                assert!(
                    next.contains("rag=amber") && next.contains("limit=30"),
                    "{next}"
                );
                path = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(answers, 5);
    assert_eq!(seen.len(), 130);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), 130);
    let expected: Vec<String> = (0..130).map(|n| format!("P{n}")).collect();
    assert_eq!(seen, expected, "tree order");

    // By page: page 2 of 100 holds the last 30; a page past the end is empty, total intact.
    let (_, second) = get_json(&app, &format!("/api/plans/{plan}/items?rag=amber&page=2")).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 30);
    assert_eq!(second["offset"], 100);
    assert_eq!(second["next"], Value::Null);
    let (_, beyond) = get_json(&app, &format!("/api/plans/{plan}/items?rag=amber&page=9")).await;
    assert_eq!(beyond["items"].as_array().unwrap().len(), 0);
    assert_eq!(beyond["total"], 130);
}

#[tokio::test]
async fn bad_api_parameters_are_400s_naming_them() {
    let app = spawn_app().await;
    app.sign_in().await;
    let plan = app.plan;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
        ("page=0", "page"),
        ("cursor=xyz", "cursor"),
        ("rag=purple", "rag"),
        ("level=top", "level"),
        ("sort=colour", "sort"),
        ("flag=late", "flag"),
        ("as_at=yesterday", "as_at"),
        ("mine=yes", "mine"),
    ] {
        let (status, body) = get_json(&app, &format!("/api/plans/{plan}/items?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["fields"][0]["field"], field, "{query}: {body}");
    }
    let (status, body) =
        get_json(&app, &format!("/api/plans/{plan}/search?q=call&limit=5000")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["fields"][0]["field"], "limit");
}

#[tokio::test]
async fn search_ranks_own_wording_first_and_pages_every_match() {
    let app = spawn_app().await;
    app.sign_in().await;
    plan_of_250(&app).await;
    let plan = app.plan;

    // Both words in the item's own text (0–49), then one (50–109), then only in an update.
    let mut seen = Vec::new();
    let mut path = format!("/api/plans/{plan}/search?q=recruit%20cadets");
    loop {
        let (status, answer) = get_json(&app, &path).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["total"], 130);
        seen.extend(references(&answer));
        match answer["next"].as_str() {
            Some(next) => path = next.to_string(),
            None => break,
        }
    }
    let expected: Vec<String> = (0..130).map(|n| format!("P{n}")).collect();
    assert_eq!(seen, expected);

    let (_, one_word) = get_json(
        &app,
        &format!("/api/plans/{plan}/search?q=cadets&limit=1000"),
    )
    .await;
    assert_eq!(one_word["total"], 130);
    let order = references(&one_word);
    // "cadets" is in the text of 0–49 only; the rest are found through their updates.
    assert_eq!(order[..50], expected[..50]);
    assert_eq!(order[50..], expected[50..]);
    let (_, in_plan_order) = get_json(
        &app,
        &format!("/api/plans/{plan}/search?q=cadets&sort=plan&limit=1000"),
    )
    .await;
    assert_eq!(references(&in_plan_order), expected);

    let (_, updated_only) =
        get_json(&app, &format!("/api/plans/{plan}/search?q=joined&limit=3")).await;
    assert_eq!(updated_only["total"], 60);
    assert_eq!(updated_only["ids"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn the_plan_page_shows_a_hundred_rows_a_page_with_the_true_total() {
    let app = spawn_app().await;
    app.sign_in().await;
    plan_of_250(&app).await;
    let plan = app.plan;

    let first = get_html(&app, &format!("/plans/{plan}?q=recruit")).await;
    assert!(first.contains("Showing 1–100 of 130 items"), "{first}");
    assert_eq!(
        first.matches("class=\"govuk-table__row").count(),
        101,
        "header and 100 rows"
    );
    assert!(first.contains("govuk-pagination"));
    assert!(
        first.contains(&format!("href=\"/plans/{plan}?q=recruit&#38;page=2\"")),
        "{first}"
    );

    let second = get_html(&app, &format!("/plans/{plan}?q=recruit&page=2")).await;
    assert!(second.contains("Showing 101–130 of 130 items"), "{second}");
    assert_eq!(second.matches("class=\"govuk-table__row").count(), 31);
    assert!(second.contains("containing “recruit”"));
    assert!(second.contains(&format!("href=\"/plans/{plan}?q=recruit&#38;page=1\"")));

    // Past the end: the last page, with the total intact.
    let beyond = get_html(&app, &format!("/plans/{plan}?rag=amber&page=7")).await;
    assert!(beyond.contains("Showing 101–130 of 130 items"), "{beyond}");

    // Unfiltered, the plan is paged by rows in tree order, with the whole plan's count.
    let whole = get_html(&app, &format!("/plans/{plan}?page=3")).await;
    assert!(whole.contains("Showing 201–252 of 252 items"), "{whole}");
}

#[tokio::test]
async fn found_words_are_marked_in_escaped_text() {
    let app = spawn_app().await;
    app.sign_in().await;
    plan_of_250(&app).await;
    let plan = app.plan;
    let page = get_html(&app, &format!("/plans/{plan}?q=recruit%20cadets")).await;
    assert!(!page.contains("<script>alert"), "the text is escaped");
    assert!(
        page.contains("<mark>Recruit</mark> <mark>cadets</mark> &#60;script&#62;alert(1)&#60;/script&#62; for area 0"),
        "{page}"
    );
    // Stemmed matches in the text and in the update shown.
    assert!(page.contains("<mark>Recruitment</mark> in area 50"));
    assert!(page.contains("<mark>Cadets</mark> joined the scheme"));
    // Those found only through their updates rank last, on page 2.
    let second = get_html(&app, &format!("/plans/{plan}?q=recruit%20cadets&page=2")).await;
    assert!(second.contains("<mark>Recruiting</mark> <mark>cadets</mark> has started"));
    assert!(second.contains("Patrol area 129"));
}
