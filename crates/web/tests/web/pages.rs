//! The pages as a person uses them: plan list, plan table, item page and adding an update.

use crate::helpers::{hidden_value, spawn_app};

#[tokio::test]
async fn home_lists_the_plan_with_its_counts() {
    let app = spawn_app().await;
    app.sign_in().await;
    let html = app.text("/").await;
    assert!(html.contains("Call handling improvement plan"));
    assert!(!html.contains("Other force"));
    // The one action was due on 31 January and "today" is 16 February.
    assert!(
        html.contains(&format!("/plans/{}?flag=overdue\">1</a>", app.plan)),
        "{html}"
    );
    // The owner's own actions, one click from My actions.
    assert!(
        html.contains("You own 1 open action, and <strong>1 is overdue</strong>."),
        "{html}"
    );
    assert!(html.contains("href=\"/my-actions\">See your actions, overdue first</a>"));
    // The twelve months of the RAG chart span two years: the figures name each month in full
    // and the chart puts the year under the first bar and under January.
    assert!(html.contains(">March 2014</th>"), "{html}");
    assert!(html.contains(">February 2015</th>"), "{html}");
    assert_eq!(html.matches(">2014</text>").count(), 1, "{html}");
    assert_eq!(html.matches(">2015</text>").count(), 1, "{html}");
    // Every count links to the list it counts, the ones at nought too.
    for flag in ["due_soon", "stale", "no_due_date", "data_quality"] {
        assert!(
            html.contains(&format!("/plans/{}?flag={flag}\">", app.plan)),
            "no link for {flag}"
        );
    }
}

#[tokio::test]
async fn the_plan_table_shows_reference_owner_due_rag_and_latest_update() {
    let app = spawn_app().await;
    app.sign_in().await;
    let html = app.text(&format!("/plans/{}", app.plan)).await;
    for expected in [
        "4.43a",
        "Issue guidance on repeat and vulnerable victims",
        "Head of Contact Management",
        "31 January 2015",
        "wm-rag--green\">Green</strong>",
        "21 November 2014, Supt Operations",
        "Guidance drafted following the review of practices.",
        "Overdue",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
}

#[tokio::test]
async fn adding_an_update_with_a_rag_change_shows_in_history_and_not_before_its_date() {
    let app = spawn_app().await;
    app.sign_in().await;
    let path = format!("/items/{}", app.action.0);
    let page = app.text(&path).await;
    let csrf = hidden_value(&page, "csrf");
    let response = app
        .client
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            (
                "text",
                "Guidance issued to all call handlers; compliance audit booked.",
            ),
            ("as_of", "2015-02-10"),
            ("rag", "Amber"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("{path}?added=1#updates"));
    let html = app.text(&location).await;
    assert!(html.contains("Your update has been added."));
    assert!(html.contains("<strong>10 February 2015</strong>, Olu Owner"));
    assert!(
        html.contains("wm-rag--amber\">Amber</strong></dd>"),
        "RAG should now be Amber"
    );
    // RAG history: Green then Amber, with who and why.
    assert!(html.contains("Progress update"));

    let before = app.text(&format!("{path}?as_at=2015-02-09")).await;
    assert!(!before.contains("compliance audit booked"));
    assert!(before.contains("wm-rag--green\">Green</strong></dd>"));
}

#[tokio::test]
async fn an_empty_update_is_refused_with_a_message_by_the_field() {
    let app = spawn_app().await;
    app.sign_in().await;
    let path = format!("/items/{}", app.action.0);
    let page = app.text(&path).await;
    let csrf = hidden_value(&page, "csrf");
    let response = app
        .client
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", "  "),
            ("as_of", "2099-01-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("<a href=\"#text\">Enter a progress update</a>"));
    // …and beside the field itself, as the GOV.UK pattern asks.
    assert!(html.contains("<p class=\"govuk-error-message\" id=\"text-error\">"));
    assert!(html.contains("govuk-textarea govuk-textarea--error"));
    assert!(
        html.contains("<a href=\"#as_of\">The date of the update must be today or in the past</a>")
    );
}

#[tokio::test]
async fn the_plan_can_be_shown_as_it_stood_on_an_earlier_day() {
    let app = spawn_app().await;
    app.sign_in().await;
    let html = app
        .text(&format!("/plans/{}?as_at=2014-11-01", app.plan))
        .await;
    assert!(html.contains("as it stood at the end of 1 November 2014"));
    assert!(html.contains("No items to show."));
}

#[tokio::test]
async fn my_actions_lists_what_the_posts_i_hold_own() {
    let app = spawn_app().await;
    app.sign_in().await;
    let html = app.text("/my-actions").await;
    assert!(html.contains("Actions owned by Head of Contact Management."));
    assert!(html.contains("<strong>1 is overdue.</strong>"));
    assert!(html.contains("Issue guidance on repeat and vulnerable victims"));
    assert!(html.contains(&format!("href=\"/items/{}#add-update\"", app.action.0)));
}

#[tokio::test]
async fn an_update_longer_than_ten_thousand_characters_is_refused() {
    let app = spawn_app().await;
    app.sign_in().await;
    let path = format!("/items/{}", app.action.0);
    let csrf = hidden_value(&app.text(&path).await, "csrf");
    let long = "x".repeat(10_001);
    let response = app
        .client
        .post(app.url(&path))
        .form(&[("csrf", csrf.as_str()), ("text", long.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("The progress update must be 10,000 characters or fewer"));
}

#[tokio::test]
async fn completed_actions_are_kept_apart_from_the_open_ones() {
    let app = spawn_app().await;
    app.sign_in().await;
    let before = app.text("/my-actions").await;
    assert!(before.contains("Your open actions, overdue first"));
    assert!(!before.contains("completed action"));

    let path = format!("/items/{}", app.action.0);
    let csrf = hidden_value(&app.text(&path).await, "csrf");
    let response = app
        .client
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", "Guidance issued and audited."),
            ("as_of", "2015-02-12"),
            ("complete", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);

    let after = app.text("/my-actions").await;
    assert!(after.contains("All your actions are complete."), "{after}");
    assert!(after.contains("Show 1 completed action<"), "{after}");
    assert!(
        !after.contains("is overdue"),
        "a completed action is not overdue"
    );
    let completed = after
        .split("Your completed actions")
        .nth(1)
        .unwrap_or_default();
    assert!(completed.contains("Issue guidance on repeat and vulnerable victims"));
    // The completing update proposes Blue, not the status the form had chosen.
    let item = app.text(&path).await;
    let before_text = item
        .split("Guidance issued and audited.")
        .next()
        .unwrap_or_default();
    let entry = &before_text[before_text.rfind("wm-update__meta").unwrap_or(0)..];
    assert!(entry.contains("wm-rag--blue"), "{entry}");

    // Choosing Amber for the completed action reopens it.
    let csrf = hidden_value(&item, "csrf");
    let response = app
        .client
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", "Audit found gaps; reopened."),
            ("as_of", "2015-02-14"),
            ("rag", "Amber"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let reopened = app.text("/my-actions").await;
    assert!(!reopened.contains("completed action"), "{reopened}");
    assert!(
        reopened.contains("wm-rag--amber\">Amber</strong>"),
        "{reopened}"
    );
}

#[tokio::test]
async fn moving_someone_on_passes_their_actions_to_the_successor() {
    let app = spawn_app().await;
    app.sign_in().await;
    // Only administrators may see the page.
    let refused = app.client.get(app.url("/people")).send().await.unwrap();
    assert_eq!(refused.status(), 403);

    let admin = crate::helpers::TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&admin, "admin@test.example").await.status(),
        303
    );
    let page = app.text_as(&admin, "/people").await;
    assert!(page.contains("<td class=\"govuk-table__cell\" data-label=\"Person\">Olu Owner</td>"));
    let csrf = hidden_value(&page, "csrf");
    let people = app.store.users(waymark_store::Scope::All).await.unwrap();
    let id = |email: &str| {
        people
            .iter()
            .find(|p| p.email == email)
            .unwrap()
            .id
            .0
            .to_string()
    };
    let posts = app.store.posts(people[0].org).await.unwrap();
    let post = posts[0].0.0.to_string();
    let response = admin
        .post(app.url("/people"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "move-on"),
            ("person", id("owner@test.example").as_str()),
            ("post", post.as_str()),
            ("successor", id("admin@test.example").as_str()),
            ("date", "2015-02-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);

    let mine = app.text("/my-actions").await;
    assert!(mine.contains("You do not hold a post today"));
    let theirs = app.text_as(&admin, "/my-actions").await;
    assert!(theirs.contains("Issue guidance on repeat and vulnerable victims"));
}

#[tokio::test]
async fn searching_a_word_from_an_update_finds_its_item() {
    let app = spawn_app().await;
    app.sign_in().await;
    let get = |q: &str| {
        let url = app.url(&format!("/plans/{}?q={q}", app.plan));
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = get("practices").await;
    assert!(html.contains("Issue guidance on repeat and vulnerable victims"));
    assert!(html.contains("Showing 1 item</strong>: containing “practices”."));
    let html = get("burglary").await;
    assert!(html.contains("No items match."));
}

#[tokio::test]
async fn what_changed_lists_rag_changes_updates_and_newly_overdue_items() {
    let app = spawn_app().await;
    app.sign_in().await;
    let csrf = app.csrf().await;
    let response = app
        .client
        .post(app.url(&format!("/api/items/{}/updates", app.action.0)))
        .header("x-csrf-token", csrf)
        .json(&serde_json::json!({"text": "Compliance audit shows 75%.", "rag": "Red", "as_of": "2015-02-12"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let html = app
        .text(&format!(
            "/plans/{}/changes?from=2015-01-20&to=2015-02-16",
            app.plan
        ))
        .await;
    assert!(html.contains("What changed between 20 January 2015 and 16 February 2015"));
    assert!(html.contains("RAG changes (1)"));
    assert!(html.contains("wm-rag--green\">Green</strong> to <strong class=\"wm-tag wm-rag--red\">Red</strong> on 12 February 2015"));
    assert!(html.contains("Newly overdue (1)"));
    assert!(html.contains("due 31 January 2015"));
    assert!(html.contains("Compliance audit shows 75%."));

    // From before the plan existed: its items are new, and what happened to them still shows.
    let html = app
        .text(&format!(
            "/plans/{}/changes?from=2014-01-01&to=2015-02-16",
            app.plan
        ))
        .await;
    assert!(html.contains("Compliance audit shows 75%."), "{html}");
    assert!(html.contains("Newly overdue (1)"), "{html}");
    assert!(!html.contains("RAG changes (0)"), "{html}");
}

#[tokio::test]
async fn only_owners_and_administrators_can_add_updates() {
    let app = spawn_app().await;
    let hash = waymark_app::password::hash_now(crate::helpers::PASSWORD).unwrap();
    let org = app.store.organisations().await.unwrap()[0].id;
    app.store
        .create_user(org, "reader@test.example", "Rita Reader", &hash, false)
        .await
        .unwrap();
    let reader = crate::helpers::TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&reader, "reader@test.example")
            .await
            .status(),
        303
    );
    let path = format!("/items/{}", app.action.0);
    let page = app.text_as(&reader, &path).await;
    assert!(
        page.contains("Only the owners of this item and the performance team can add updates.")
    );
    assert!(!page.contains("Add an update</h2>"));
    let csrf = hidden_value(&page, "csrf");
    let refused = reader
        .post(app.url(&path))
        .form(&[("csrf", csrf.as_str()), ("text", "Not mine to update")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn an_administrator_edits_an_item_and_the_old_wording_stays_in_history() {
    let app = spawn_app().await;
    let admin = crate::helpers::TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&admin, "admin@test.example").await.status(),
        303
    );
    let path = format!("/items/{}", app.action.0);
    let page = app.text_as(&admin, &path).await;
    assert!(
        page.contains("Change this item&#x27;s details")
            || page.contains("Change this item's details")
    );
    let csrf = hidden_value(&page, "csrf");
    let response = admin
        .post(app.url(&format!("{path}/edit")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("reference", "4.43a"),
            ("text", "Issue guidance on repeat and vulnerable victims"),
            (
                "owners",
                "Head of Contact Management / Head of Public Protection",
            ),
            ("strategic_lead", "ACC Local Policing"),
            ("due", "end June 2015"),
            ("description", ""),
            ("reason", "Timescale agreed at the Contact Management Board"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let page = app.text_as(&admin, &format!("{path}?edited=1")).await;
    assert!(page.contains("Your changes have been saved."));
    assert!(page.contains("end June 2015"));
    assert!(page.contains("Head of Public Protection"));
    let history = app
        .store
        .item_history(waymark_store::Scope::All, app.action)
        .await
        .unwrap();
    assert_eq!(history.versions.len(), 2);
    assert_eq!(
        history.versions[1].meta.reason.as_deref(),
        Some("Timescale agreed at the Contact Management Board")
    );
    // The owner (not an administrator) cannot edit.
    app.sign_in().await;
    let csrf = app.csrf().await;
    let refused = app
        .client
        .post(app.url(&format!("{path}/edit")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("reference", ""),
            ("text", "x"),
            ("owners", ""),
            ("strategic_lead", ""),
            ("due", ""),
            ("description", ""),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

/// The GOV.UK error pattern for a date field that was refused: the summary links to the field,
/// the message sits above it, and the field shows what was typed.
fn assert_date_field_refused(html: &str, field: &str, message: &str, typed: &str) {
    assert!(html.contains("<title>Error: "), "{html}");
    assert!(html.contains("govuk-error-summary"), "{html}");
    assert!(
        html.contains(&format!("<a href=\"#{field}\">{message}</a>")),
        "summary: {html}"
    );
    assert!(
        html.contains(&format!(
            "<p id=\"{field}-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {message}</p>"
        )),
        "message above the field: {html}"
    );
    assert!(
        html.contains("govuk-form-group govuk-form-group--error"),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "govuk-input--error\" id=\"{field}\" name=\"{field}\" type=\"text\" spellcheck=\"false\" autocomplete=\"off\" value=\"{typed}\" aria-describedby=\"{field}-hint {field}-error\""
        )),
        "the field shows what was typed: {html}"
    );
}

fn not_a_date(typed: &str) -> String {
    format!("Enter a real date, for example 31/03/2026 – “{typed}” is not a date")
}

#[tokio::test]
async fn a_plan_asked_for_on_a_day_that_is_not_a_date_shows_today_with_the_field_in_error() {
    let app = spawn_app().await;
    app.sign_in().await;
    for typed in ["31/02/2027", "banana"] {
        let response = app
            .client
            .get(app.url(&format!("/plans/{}?as_at={typed}", app.plan)))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{typed}");
        let html = response.text().await.unwrap();
        assert_date_field_refused(&html, "as_at", &not_a_date(typed), typed);
        // Today's plan, with its items; the earlier-day form is open to correct the date.
        assert!(html.contains("<h1 class=\"govuk-heading-l\">Call handling improvement plan</h1>"));
        assert!(html.contains("Issue guidance on repeat and vulnerable victims"));
        assert!(!html.contains("as it stood at the end of 16 February 2015"));
        assert!(html.contains("<details class=\"govuk-details wm-no-print\" open>"));
        // Links and forms carry the day shown (today, so none), never what was typed.
        assert!(!html.contains("as_at="), "{html}");
        assert!(!html.contains("name=\"as_at\" value=\""), "{html}");
    }

    // What was typed is shown back escaped, in the message and in the field.
    let html = app
        .text(&format!(
            "/plans/{}?as_at=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
            app.plan
        ))
        .await;
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{html}"
    );

    // A good day still works, and links carry it.
    let html = app
        .text(&format!("/plans/{}?as_at=01/02/2015", app.plan))
        .await;
    assert!(!html.contains("govuk-error-summary"));
    assert!(html.contains("as it stood at the end of 1 February 2015"));
    assert!(html.contains(&format!("/items/{}?as_at=2015-02-01", app.action.0)));
    assert!(html.contains("value=\"01/02/2015\""));
}

#[tokio::test]
async fn an_item_asked_for_on_a_day_that_is_not_a_date_shows_today_with_the_field_in_error() {
    let app = spawn_app().await;
    app.sign_in().await;
    let path = format!("/items/{}", app.action.0);
    let response = app
        .client
        .get(app.url(&format!("{path}?as_at=banana")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert_date_field_refused(&html, "as_at", &not_a_date("banana"), "banana");
    assert!(html.contains("Issue guidance on repeat and vulnerable victims"));
    assert!(html.contains("Guidance drafted following the review of practices."));
    assert!(!html.contains("As it stood at the end of"));

    // A day before the item existed: today's item, and the day kept in the field.
    let response = app
        .client
        .get(app.url(&format!("{path}?as_at=2014-01-01")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert_date_field_refused(
        &html,
        "as_at",
        "Enter a later date – this item did not exist yet at the end of 1 January 2014",
        "01/01/2014",
    );
    assert!(html.contains("Guidance drafted following the review of practices."));

    // The item's own earlier-day form reads a good day.
    let html = app.text(&format!("{path}?as_at=01/12/2014")).await;
    assert!(html.contains("As it stood at the end of 1 December 2014."));
    assert!(html.contains("value=\"01/12/2014\""));
    assert!(!html.contains("govuk-error-summary"));
}

#[tokio::test]
async fn what_changed_with_a_date_that_is_not_a_date_shows_the_other_range_with_the_field_in_error()
{
    let app = spawn_app().await;
    app.sign_in().await;
    let changes = format!("/plans/{}/changes", app.plan);

    let response = app
        .client
        .get(app.url(&format!("{changes}?from=banana&to=2015-02-10")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert_date_field_refused(&html, "from", &not_a_date("banana"), "banana");
    // The 30 days up to the good date.
    assert!(html.contains("What changed between 11 January 2015 and 10 February 2015"));
    assert!(html.contains("value=\"10/02/2015\""));
    assert!(html.contains("Call handling improvement plan"));
    assert!(html.contains("Newly overdue (1)"), "{html}");

    let html = app.text(&format!("{changes}?to=31/02/2015")).await;
    assert_date_field_refused(&html, "to", &not_a_date("31/02/2015"), "31/02/2015");
    assert!(html.contains("What changed between 17 January 2015 and 16 February 2015"));

    // The range the wrong way round: the field keeps the day typed.
    let html = app
        .text(&format!("{changes}?from=2015-02-16&to=2015-02-01"))
        .await;
    assert_date_field_refused(
        &html,
        "from",
        "Enter a date before the date in ‘To the end of’",
        "16/02/2015",
    );
    assert!(html.contains("What changed between 2 January 2015 and 1 February 2015"));
}

#[tokio::test]
async fn the_api_still_refuses_a_date_that_is_not_a_date_with_json() {
    let app = spawn_app().await;
    app.sign_in().await;
    let response = app
        .client
        .get(app.url(&format!("/api/plans/{}/items?as_at=banana", app.plan)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "as_at", "{body}");
}

/// A post holder with many actions gets them 100 at a time, overdue first, with the true
/// totals and the overdue count of the whole list; the completed list pages on its own.
#[tokio::test]
async fn my_actions_pages_a_long_list_with_its_totals() {
    use waymark_core::{FlexDate, ItemFields, PlanId};
    use waymark_store::{ChangeSet, NewItem, Scope};
    let app = spawn_app().await;
    let plan = app.store.plan(Scope::All, PlanId(app.plan)).await.unwrap();
    let mut changes = ChangeSet::new(plan.org, plan.id);
    // 230 more open actions (every tenth overdue on 16 February 2015), and 120 complete.
    for n in 0..350 {
        let due = if n % 10 == 0 {
            crate::helpers::day(2015, 1, 1)
        } else {
            crate::helpers::day(2016, 1, 1 + (n % 28) as u32)
        };
        changes.new_items.push(NewItem {
            parent: None,
            fields: ItemFields {
                reference: Some(format!("M{n:03}")),
                text: format!("Mass action number {n:03}"),
                owners: vec!["Head of Contact Management".into()],
                due: Some(FlexDate::exact(due)),
                complete: n >= 230,
                completed_on: (n >= 230).then(|| crate::helpers::day(2014, 12, 1)),
                ..ItemFields::default()
            },
            effective: crate::helpers::day(2014, 11, 21),
        });
    }
    app.store.apply_changes(&changes).await.unwrap();
    app.sign_in().await;

    let first = app.text("/my-actions").await;
    assert!(
        first.contains("Showing 1–100 of 231 open actions"),
        "{first}"
    );
    // 23 of the new ones and the fixture's own action are overdue; counted over every page.
    assert!(
        first.contains("<strong>24 are overdue.</strong>"),
        "{first}"
    );
    let open_part = |html: &str| html[..html.find("id=\"completed\"").unwrap()].to_string();
    assert_eq!(open_part(&first).matches("#add-update\"").count(), 100);
    assert!(first.contains("href=\"/my-actions?page=2\""));
    assert!(first.contains("Show 120 completed actions"));
    assert!(!first.contains("<details class=\"govuk-details\" id=\"completed\" open>"));
    // Overdue first: the first rows are the overdue ones.
    let first_row = first.find("Mass action number 000").unwrap();
    let not_overdue = first.find("Mass action number 001");
    assert!(not_overdue.is_none_or(|at| at > first_row));

    let third = app.text("/my-actions?page=3").await;
    assert!(
        third.contains("Showing 201–231 of 231 open actions"),
        "{third}"
    );
    assert_eq!(open_part(&third).matches("#add-update\"").count(), 31);
    // A page past the end shows the last page; a word for a number, the first.
    assert!(
        app.text("/my-actions?page=99")
            .await
            .contains("Showing 201–231 of 231")
    );
    assert!(
        app.text("/my-actions?page=two")
            .await
            .contains("Showing 1–100 of 231")
    );

    let completed = app.text("/my-actions?completed_page=2").await;
    assert!(completed.contains("<details class=\"govuk-details\" id=\"completed\" open>"));
    assert!(
        completed.contains("Showing 101–120 of 120 completed actions"),
        "{completed}"
    );
    assert!(completed.contains("href=\"/my-actions?completed_page=1#completed\""));
}

/// A long list of what changed shows its first 20 rows, its true total and a link to see it
/// alone, 100 a page, with the dates kept in every link.
#[tokio::test]
async fn what_changed_shows_the_start_of_a_long_list_and_pages_it_alone() {
    use waymark_core::PlanId;
    use waymark_store::{ChangeSet, ItemRef, NewUpdate, Scope};
    let app = spawn_app().await;
    let plan = app.store.plan(Scope::All, PlanId(app.plan)).await.unwrap();
    let mut changes = ChangeSet::new(plan.org, plan.id);
    for n in 0..250 {
        changes.updates.push(NewUpdate {
            item: ItemRef::Existing(app.action),
            as_of: crate::helpers::day(2015, 2, 1 + (n % 14) as u32),
            author_person: None,
            author_post: Some("Supt Operations".into()),
            text: format!("Weekly note number {n:03}"),
            proposed_rag: None,
            supersedes: None,
        });
    }
    app.store.apply_changes(&changes).await.unwrap();
    app.sign_in().await;
    let base = format!("/plans/{}/changes?from=2015-01-20&to=2015-02-16", app.plan);
    let all = app.text(&base).await;
    assert!(all.contains("New updates (250)"), "{all}");
    assert_eq!(all.matches("Weekly note number").count(), 20);
    assert!(all.contains("Showing 1–20 of 250 changes"), "{all}");
    let see_all = format!(
        "href=\"/plans/{}/changes?from=2015-01-20&#38;to=2015-02-16&#38;list=updates\"",
        app.plan
    );
    assert!(all.contains(&see_all), "{all}");
    assert!(all.contains("See all 250, 100 a page"));
    // The other lists are still on the page of all lists.
    assert!(all.contains("RAG changes (0)") && all.contains("Newly overdue (1)"));

    let alone = app.text(&format!("{base}&list=updates")).await;
    assert!(alone.contains("New updates (250)"));
    assert!(!alone.contains("Newly overdue"), "only the list asked for");
    assert_eq!(alone.matches("Weekly note number").count(), 100);
    assert!(alone.contains("Showing 1–100 of 250 changes"));
    assert!(alone.contains("list=updates&#38;page=3\""), "{alone}");
    assert!(alone.contains("Back to every list of what changed"));
    let last = app.text(&format!("{base}&list=updates&page=3")).await;
    assert_eq!(last.matches("Weekly note number").count(), 50);
    assert!(last.contains("Showing 201–250 of 250 changes"));
    // A list that is not one of the five shows them all.
    let unknown = app.text(&format!("{base}&list=everything")).await;
    assert!(unknown.contains("Newly overdue (1)") && unknown.contains("New updates (250)"));

    // The API pages every list alike, with the totals, and `next` reaches every update once.
    let api = |path: String| {
        let app = &app;
        async move {
            let response = app.client.get(app.url(&path)).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    let mut next = Some(format!(
        "/api/plans/{}/changes?from=2015-01-20&to=2015-02-16&limit=120",
        app.plan
    ));
    let mut seen = std::collections::BTreeSet::new();
    let mut answers = 0;
    while let Some(path) = next {
        let answer = api(path).await;
        answers += 1;
        assert_eq!(answer["totals"]["new_updates"], 250, "{answer}");
        assert_eq!(answer["totals"]["newly_overdue"], 1);
        assert_eq!(answer["limit"], 120);
        let updates = answer["new_updates"].as_array().unwrap();
        assert!(updates.len() <= 120);
        for update in updates {
            assert!(
                seen.insert(update["id"].as_i64().unwrap()),
                "twice: {update}"
            );
        }
        // The short lists are in the first answer only.
        let overdue = answer["newly_overdue"].as_array().unwrap().len();
        assert_eq!(overdue, usize::from(answers == 1), "{answer}");
        next = answer["next"].as_str().map(str::to_string);
    }
    assert_eq!((seen.len(), answers), (250, 3));
    let bad = app
        .client
        .get(app.url(&format!("/api/plans/{}/changes?limit=5000", app.plan)))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let bad: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(bad["fields"][0]["field"], "limit", "{bad}");
}
