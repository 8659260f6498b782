//! Plans built and changed in the browser: a plan made from nothing by its manager, stale
//! edits answered with the other change, a contributor refused every change, and the export.

use crate::helpers::{TestApp, hidden_value, spawn_app};
use waymark_core::ItemId;

/// Posts `fields` to `path` as `client`, with the session's CSRF token first as the forms do.
async fn post<K: AsRef<str>, V: AsRef<str>>(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(K, V)],
) -> reqwest::Response {
    let csrf = hidden_value(&app.text_as(client, "/my-actions").await, "csrf");
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())));
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

/// A form with nothing but its CSRF token.
const NO_FIELDS: &[(&str, &str)] = &[];

/// Borrowed pairs as owned ones, so that forms of both kinds can go in one list.
fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// Where a 303 sends the browser.
fn location(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), 303, "{response:?}");
    response.headers()["location"].to_str().unwrap().to_string()
}

/// The id in a location such as "/plans/7?done=created" or "/items/12?done=created".
fn id_in(location: &str) -> i64 {
    location
        .split(['/', '?'])
        .nth(2)
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in {location}"))
}

/// Asserts that each of `texts` appears in `html`, each after the one before.
fn assert_in_order(html: &str, texts: &[&str]) {
    let mut from = 0;
    for text in texts {
        match html[from..].find(text) {
            Some(at) => from += at + text.len(),
            None => panic!("{text:?} not found after the texts before it in {html}"),
        }
    }
}

/// The rows of an item page's "Changes to this …" table, newest first, as
/// (date, change, by, reason).
fn history_rows(html: &str) -> Vec<[String; 4]> {
    let table = html
        .split("id=\"history\"")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap_or_else(|| panic!("no history in {html}"));
    table
        .split("<tr class=\"govuk-table__row\">")
        .skip(2)
        .map(|row| {
            let cells: Vec<String> = row
                .split("<td class=\"govuk-table__cell\"")
                .skip(1)
                .map(|cell| {
                    let text = cell.split_once('>').map(|(_, t)| t).unwrap_or_default();
                    text.split("</td>").next().unwrap_or_default().to_string()
                })
                .collect();
            [
                cells[0].clone(),
                cells[1].clone(),
                cells[2].clone(),
                cells[3].clone(),
            ]
        })
        .collect()
}

fn row(date: &str, change: &str, by: &str, reason: &str) -> [String; 4] {
    [date.into(), change.into(), by.into(), reason.into()]
}

/// The fields of the add-an-item form, with `extra` over them.
fn item_fields<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("parent", ""),
        ("reference", ""),
        ("text", ""),
        ("description", ""),
        ("owners", ""),
        ("strategic_lead", ""),
        ("start", ""),
        ("due", ""),
        ("rag", ""),
        ("marking", ""),
        ("descriptor", ""),
    ];
    for (name, value) in extra {
        match fields.iter_mut().find(|(field, _)| field == name) {
            Some(field) => field.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

/// The fields of an item's edit form as the page would send them, with `extra` over them.
fn edit_fields<'a>(page: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
    let value =
        |id: &str| {
            let marker = format!("id=\"{id}\" name=\"");
            let at = page.find(&marker).unwrap_or_else(|| panic!("no {id}")) + marker.len();
            let rest = &page[at..];
            if let Some(value) = rest.split("value=\"").nth(1).filter(|_| {
                rest.find("value=\"").unwrap_or(usize::MAX) < rest.find('>').unwrap_or(0)
            }) {
                value.split('"').next().unwrap_or_default().to_string()
            } else {
                // A textarea: its text follows the tag.
                let text = rest.split_once('>').map(|(_, t)| t).unwrap_or_default();
                text.split("</textarea>")
                    .next()
                    .unwrap_or_default()
                    .to_string()
            }
        };
    let mut fields: Vec<(String, String)> = [
        ("reference", "edit-reference"),
        ("text", "edit-text"),
        ("owners", "edit-owners"),
        ("strategic_lead", "edit-strategic_lead"),
        ("start", "edit-start"),
        ("due", "edit-due"),
        ("description", "edit-description"),
        ("reason", "edit-reason"),
    ]
    .iter()
    .map(|(name, id)| (name.to_string(), value(id)))
    .collect();
    fields.push(("version".into(), hidden_value(page, "version")));
    for (name, value) in extra {
        if let Some(field) = fields.iter_mut().find(|(field, _)| field == name) {
            field.1 = value.to_string();
        }
    }
    fields
}

const PLAN_FORM: [(&str, &str); 9] = [
    ("title", "Custody improvement plan"),
    ("kind", "improvement"),
    ("kind_other", ""),
    ("period", "2015-16"),
    ("level_names", ""),
    (
        "owner_posts",
        "Plan owner: Chief Superintendent Criminal Justice",
    ),
    ("source", "Inspection of custody suites"),
    ("update_cycle", "monthly"),
    ("marking", "OFFICIAL-SENSITIVE"),
];

#[tokio::test]
async fn a_plan_manager_builds_a_plan_from_nothing_in_the_browser() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let admin = &app.client;

    // The form: each kind of plan with the levels it starts with.
    let form = app.text("/plans/new").await;
    assert!(form.contains("<h1 class=\"govuk-heading-l\">Create a plan</h1>"));
    assert!(form.contains("Answers an inspection"));
    assert!(form.contains("Levels: Recommendation, then Action."));
    assert!(form.contains("Levels: Strategic aim, then Objective, then Action."));
    assert!(form.contains(
        "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">Kind of plan</legend>"
    ));

    // A plan without a title is refused by the field, with what was typed kept.
    let mut fields = PLAN_FORM.to_vec();
    fields[0].1 = "  ";
    let refused = post(&app, admin, "/plans/new", &fields).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("<title>Error: Create a plan"), "{html}");
    assert!(html.contains("<a href=\"#title\">Enter the plan"), "{html}");
    assert!(html.contains("id=\"title-error\""), "{html}");
    assert!(
        html.contains("value=\"Inspection of custody suites\""),
        "{html}"
    );

    // Another kind must be named.
    let mut fields = PLAN_FORM.to_vec();
    fields[1].1 = "other";
    let refused = post(&app, admin, "/plans/new", &fields).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("<a href=\"#kind_other\">Enter the kind of plan</a>")
    );

    let created = post(&app, admin, "/plans/new", &PLAN_FORM).await;
    let plan_page = location(&created);
    assert!(plan_page.ends_with("?done=created"), "{plan_page}");
    let plan = id_in(&plan_page);
    let html = app.text(&plan_page).await;
    assert!(html.contains("The plan has been created. Add its first item."));
    assert!(html.contains("<h1 class=\"govuk-heading-l\">Custody improvement plan</h1>"));
    assert!(html.contains("Improvement plan, 2015-16"));
    assert!(html.contains("In response to: Inspection of custody suites"));
    assert!(html.contains("Plan owner: Chief Superintendent Criminal Justice"));
    assert!(html.contains("aria-label=\"Protective marking\">OFFICIAL-SENSITIVE</div>"));
    assert!(html.contains("No items to show."));
    assert!(html.contains(&format!("href=\"/plans/{plan}/items/new\"")));

    // A recommendation at the top level.
    let form = app.text(&format!("/plans/{plan}/items/new")).await;
    assert!(
        form.contains("It will be a Recommendation at the top level of the plan."),
        "{form}"
    );
    let added = post(
        &app,
        admin,
        &format!("/plans/{plan}/items/new"),
        &item_fields(&[
            ("reference", "1"),
            ("text", "Improve the checks on detainees at risk"),
        ]),
    )
    .await;
    let rec_page = location(&added);
    let rec = id_in(&rec_page);
    let html = app.text(&rec_page).await;
    assert!(html.contains("The item has been added to the plan."));
    assert!(html.contains("<span class=\"govuk-caption-l\">Recommendation 1</span>"));
    assert!(html.contains("wm-rag--grey\">Not assessed</strong>"));

    // Two actions under it; the form says what the new item will be.
    let form = app
        .text(&format!("/plans/{plan}/items/new?parent={rec}"))
        .await;
    assert!(
        form.contains("It will be an Action under Recommendation 1."),
        "{form}"
    );
    assert!(form.contains(&format!(
        "<option value=\"{rec}\" selected>Under Recommendation 1: Improve the checks on detainees at risk (an Action)</option>"
    )));
    // A mistake keeps what was typed.
    let refused = post(
        &app,
        admin,
        &format!("/plans/{plan}/items/new"),
        &item_fields(&[
            ("parent", &rec.to_string()),
            ("reference", "1.1"),
            ("due", "the thirty-third of Smarch"),
        ]),
    )
    .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("<a href=\"#text\">Enter the item"), "{html}");
    assert_eq!(
        html.matches("<a href=\"#text\">").count(),
        1,
        "said once: {html}"
    );
    assert!(html.contains("<a href=\"#due\">"), "{html}");
    assert!(html.contains("value=\"1.1\""), "{html}");
    assert!(
        html.contains("value=\"the thirty-third of Smarch\""),
        "{html}"
    );
    assert!(html.contains(&format!("<option value=\"{rec}\" selected>")));

    let rec_text = rec.to_string();
    let first = post(
        &app,
        admin,
        &format!("/plans/{plan}/items/new"),
        &item_fields(&[
            ("parent", &rec_text),
            ("reference", "1.1"),
            ("text", "Review the risk assessment form"),
            ("owners", "Custody Inspector"),
            ("due", "31/03/2016"),
            ("rag", "Green"),
        ]),
    )
    .await;
    let first = id_in(&location(&first));
    let second = post(
        &app,
        admin,
        &format!("/plans/{plan}/items/new"),
        &item_fields(&[
            ("parent", &rec_text),
            ("reference", "1.2"),
            ("text", "Train custody staff in the new checks"),
            ("due", "by June 2016"),
            ("rag", "Amber"),
        ]),
    )
    .await;
    let second = id_in(&location(&second));
    let html = app.text(&format!("/plans/{plan}")).await;
    assert_in_order(
        &html,
        &[
            "<span class=\"wm-level\">Recommendation</span>",
            "Improve the checks on detainees at risk</a>",
            "Review the risk assessment form</a>",
            "<span class=\"wm-owner\">Custody Inspector</span>",
            "31 March 2016",
            "wm-rag--green\">Green</strong>",
            "Train custody staff in the new checks</a>",
            "by June 2016",
            "wm-rag--amber\">Amber</strong>",
        ],
    );
    let html = app.text(&format!("/items/{first}")).await;
    assert!(html.contains("<span class=\"govuk-caption-l\">Action 1.1</span>"));

    // Edit one: the new wording, and the change in the history with its reason.
    let page = app.text(&format!("/items/{first}")).await;
    let fields = edit_fields(
        &page,
        &[
            ("text", "Review and reissue the risk assessment form"),
            ("strategic_lead", "Supt Custody"),
            ("reason", "Wording agreed at the custody board"),
        ],
    );
    let edited = post(&app, admin, &format!("/items/{first}/edit"), &fields).await;
    assert_eq!(location(&edited), format!("/items/{first}?edited=1"));
    let html = app.text(&format!("/items/{first}")).await;
    assert!(html.contains(
        "<h1 class=\"govuk-heading-l\">Review and reissue the risk assessment form</h1>"
    ));
    assert!(html.contains("Supt Custody"));
    assert_eq!(
        history_rows(&html),
        vec![
            row(
                "16 February 2015",
                "Changed the wording and strategic lead",
                "Ada Admin",
                "Wording agreed at the custody board"
            ),
            row("16 February 2015", "Added to the plan", "Ada Admin", ""),
        ]
    );

    // Move the second to the top level: it becomes a recommendation.
    let page = app.text(&format!("/items/{second}")).await;
    assert!(page.contains("Manage this action"));
    assert!(page.contains(&format!(
        "<option value=\"{rec}\" selected>Recommendation 1: Improve the checks on detainees at risk (where it is now)</option>"
    )));
    let version = hidden_value(&page, "version");
    let moved = post(
        &app,
        admin,
        &format!("/items/{second}/move"),
        &[("parent", ""), ("version", &version)],
    )
    .await;
    assert_eq!(location(&moved), format!("/items/{second}?done=moved"));
    let html = app.text(&format!("/items/{second}?done=moved")).await;
    assert!(html.contains("The item has been moved, with any items under it."));
    assert!(html.contains("<span class=\"govuk-caption-l\">Recommendation 1.2</span>"));
    assert!(html.contains("Move up</button>"));
    assert!(
        !html.contains("Move down</button>"),
        "it is last at the top level"
    );
    let plan_html = app.text(&format!("/plans/{plan}")).await;
    assert_in_order(
        &plan_html,
        &[
            "Improve the checks on detainees at risk</a>",
            "Review and reissue the risk assessment form</a>",
            "wm-depth-0\" data-label=\"Item\">",
            "Train custody staff in the new checks</a>",
        ],
    );

    // Reorder: up before the first recommendation, then down again.
    let up = post(
        &app,
        admin,
        &format!("/items/{second}/reorder"),
        &[("direction", "up")],
    )
    .await;
    assert_eq!(location(&up), format!("/items/{second}?done=moved-up"));
    let plan_html = app.text(&format!("/plans/{plan}")).await;
    assert_in_order(
        &plan_html,
        &[
            "Train custody staff in the new checks</a>",
            "Improve the checks on detainees at risk</a>",
            "Review and reissue the risk assessment form</a>",
        ],
    );
    let down = post(
        &app,
        admin,
        &format!("/items/{second}/reorder"),
        &[("direction", "down")],
    )
    .await;
    assert_eq!(location(&down), format!("/items/{second}?done=moved-down"));
    let plan_html = app.text(&format!("/plans/{plan}")).await;
    assert_in_order(
        &plan_html,
        &[
            "Improve the checks on detainees at risk</a>",
            "Review and reissue the risk assessment form</a>",
            "Train custody staff in the new checks</a>",
        ],
    );

    // And back under the recommendation, after the other action.
    let version = hidden_value(&app.text(&format!("/items/{second}")).await, "version");
    let back = post(
        &app,
        admin,
        &format!("/items/{second}/move"),
        &[("parent", &rec_text), ("version", &version)],
    )
    .await;
    assert_eq!(back.status(), 303);
    let html = app.text(&format!("/items/{second}")).await;
    assert!(html.contains("<span class=\"govuk-caption-l\">Action 1.2</span>"));

    // Close and reopen the first action: Blue while complete, its own RAG again after.
    let closed = post(&app, admin, &format!("/items/{first}/close"), NO_FIELDS).await;
    assert_eq!(location(&closed), format!("/items/{first}?done=closed"));
    let html = app.text(&format!("/items/{first}?done=closed")).await;
    assert!(html.contains("The item has been closed as complete."));
    assert!(html.contains("wm-rag--blue\">Blue</strong></dd>"));
    assert!(html.contains("Yes, on 16 February 2015"));
    assert!(html.contains(">Reopen</button>"));
    let reopened = post(&app, admin, &format!("/items/{first}/reopen"), NO_FIELDS).await;
    assert_eq!(location(&reopened), format!("/items/{first}?done=reopened"));
    let html = app.text(&format!("/items/{first}")).await;
    assert!(html.contains("wm-rag--green\">Green</strong></dd>"));
    assert!(html.contains(">Close as complete</button>"));

    // Archive the recommendation, after a page that names what goes with it.
    let confirm = app.text(&format!("/items/{rec}/archive")).await;
    assert!(confirm.contains("<h1 class=\"govuk-heading-l\">Archive this recommendation?</h1>"));
    assert!(confirm.contains("The 2 items under it are archived with it"));
    assert!(confirm.contains("Action 1.1: Review and reissue the risk assessment form"));
    assert!(confirm.contains("Action 1.2: Train custody staff in the new checks"));
    let archived = post(
        &app,
        admin,
        &format!("/items/{rec}/archive"),
        &[("plan", &plan.to_string())],
    )
    .await;
    assert_eq!(
        location(&archived),
        format!("/plans/{plan}?done=item-archived")
    );
    let html = app.text(&format!("/plans/{plan}?done=item-archived")).await;
    assert!(html.contains("The item has been archived, with any items under it."));
    assert!(html.contains("No items to show."));
    let archived_list = html.split("id=\"archived-items\"").nth(1).unwrap();
    assert!(archived_list.contains("Improve the checks on detainees at risk"));
    assert!(
        !archived_list.contains("Review and reissue"),
        "only the archived root is listed: its actions come back with it"
    );
    assert!(archived_list.contains(&format!("action=\"/items/{rec}/restore\"")));

    // Restore it: all three are back.
    let restored = post(&app, admin, &format!("/items/{rec}/restore"), NO_FIELDS).await;
    assert_eq!(location(&restored), format!("/items/{rec}?done=restored"));
    let html = app.text(&format!("/plans/{plan}")).await;
    assert!(!html.contains("id=\"archived-items\""));
    assert_in_order(
        &html,
        &[
            "Improve the checks on detainees at risk</a>",
            "Review and reissue the risk assessment form</a>",
            "Train custody staff in the new checks</a>",
        ],
    );

    // Owners for both actions at once. Choosing none, or no posts, is refused by the field.
    let refused = post(
        &app,
        admin,
        &format!("/plans/{plan}/owners"),
        &[("owners", "Head of Custody")],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "<a href=\"#pick-{rec}\">Choose the items to assign</a>"
        )),
        "{html}"
    );
    assert!(html.contains("value=\"Head of Custody\""));
    let (first_text, second_text) = (first.to_string(), second.to_string());
    let refused = post(
        &app,
        admin,
        &format!("/plans/{plan}/owners"),
        &[("items", first_text.as_str()), ("owners", " ")],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("<a href=\"#assign-owners\">Enter the owner posts</a>"));
    assert!(
        html.contains(&format!("value=\"{first}\" checked")),
        "{html}"
    );

    let assigned = post(
        &app,
        admin,
        &format!("/plans/{plan}/owners"),
        &[
            ("items", first_text.as_str()),
            ("items", second_text.as_str()),
            ("owners", "Head of Custody / Custody Inspector"),
        ],
    )
    .await;
    assert_eq!(location(&assigned), format!("/plans/{plan}?assigned=2"));
    let html = app.text(&format!("/plans/{plan}?assigned=2")).await;
    assert!(html.contains("Owners assigned to 2 items."));
    assert_in_order(
        &html,
        &[
            "Review and reissue the risk assessment form</a>",
            "<span class=\"wm-owner\">Head of Custody</span><span class=\"wm-owner\">Custody Inspector</span>",
            "Train custody staff in the new checks</a>",
            "<span class=\"wm-owner\">Head of Custody</span><span class=\"wm-owner\">Custody Inspector</span>",
        ],
    );

    // Every change the second action went through, each a dated version with its reason.
    let html = app.text(&format!("/items/{second}")).await;
    let day = "16 February 2015";
    assert_eq!(
        history_rows(&html),
        vec![
            row(day, "Changed the owners", "Ada Admin", "Owners assigned"),
            row(day, "Restored", "Ada Admin", "Restored"),
            row(day, "Archived", "Ada Admin", "Archived"),
            row(day, "Moved under Recommendation 1", "Ada Admin", "Moved"),
            row(
                day,
                "Moved among the items beside it",
                "Ada Admin",
                "Reordered"
            ),
            row(
                day,
                "Moved among the items beside it",
                "Ada Admin",
                "Reordered"
            ),
            row(day, "Moved to the top level", "Ada Admin", "Moved"),
            row(day, "Added to the plan", "Ada Admin", ""),
        ]
    );
    let html = app.text(&format!("/items/{first}")).await;
    let changes: Vec<String> = history_rows(&html)
        .into_iter()
        .map(|[_, change, _, reason]| format!("{change} ({reason})"))
        .collect();
    assert_eq!(
        changes,
        [
            "Changed the owners (Owners assigned)",
            "Restored (Restored)",
            "Archived (Archived)",
            "Reopened (Reopened)",
            "Closed as complete (Closed)",
            "Changed the wording and strategic lead (Wording agreed at the custody board)",
            "Added to the plan ()",
        ]
    );

    // The plan's own details: changed, then archived after asking, then restored.
    let form = app.text(&format!("/plans/{plan}/edit")).await;
    assert!(form.contains("value=\"Custody improvement plan\""));
    assert!(form.contains("value=\"OFFICIAL-SENSITIVE\" checked"));
    assert!(form.contains("value=\"improvement\" checked"));
    let version = hidden_value(&form, "version");
    let mut fields = PLAN_FORM.to_vec();
    fields[3].1 = "2015-17";
    fields[4].1 = "Recommendation\nAction\nMilestone";
    fields.push(("version", &version));
    let edited = post(&app, admin, &format!("/plans/{plan}/edit"), &fields).await;
    assert_eq!(location(&edited), format!("/plans/{plan}?done=edited"));
    let html = app.text(&format!("/plans/{plan}?done=edited")).await;
    assert!(html.contains("details have been saved."));
    assert!(html.contains("Improvement plan, 2015-17"));

    let confirm = app.text(&format!("/plans/{plan}/archive")).await;
    assert!(confirm.contains("<h1 class=\"govuk-heading-l\">Archive this plan?</h1>"));
    let archived = post(&app, admin, &format!("/plans/{plan}/archive"), NO_FIELDS).await;
    assert_eq!(location(&archived), format!("/plans/{plan}?done=archived"));
    let html = app.text(&format!("/plans/{plan}?done=archived")).await;
    assert!(html.contains("This plan is archived"));
    assert!(html.contains(">Restore this plan</button>"));
    assert!(!html.contains("Add an item</a>"));
    assert!(
        !html.contains("id=\"pick-"),
        "an archived plan cannot be changed"
    );
    let html = app.text(&format!("/items/{first}")).await;
    assert!(!html.contains("Manage this action"));
    let restored = post(&app, admin, &format!("/plans/{plan}/restore"), NO_FIELDS).await;
    assert_eq!(location(&restored), format!("/plans/{plan}?done=restored"));
    let html = app.text(&format!("/plans/{plan}?done=restored")).await;
    assert!(html.contains("The plan has been restored."));
    assert!(html.contains("Add an item</a>"));
}

#[tokio::test]
async fn a_stale_edit_shows_the_other_change_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let admin = &app.client;
    let path = format!("/items/{}", app.action.0);

    // Both forms are opened at the same version; the first save wins.
    let page = app.text(&path).await;
    let first = edit_fields(
        &page,
        &[
            (
                "text",
                "Issue guidance on repeat, vulnerable and intimidated victims",
            ),
            ("reason", "Agreed with the victims' champion"),
        ],
    );
    let stale = edit_fields(
        &page,
        &[
            ("text", "Issue guidance on repeat victims only"),
            ("due", "end of April 2015"),
        ],
    );
    let saved = post(&app, admin, &format!("{path}/edit"), &first).await;
    assert_eq!(saved.status(), 303);

    let refused = post(&app, admin, &format!("{path}/edit"), &stale).await;
    assert_eq!(refused.status(), 409);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("Someone else changed this item first"),
        "{html}"
    );
    // (When it was saved is the real clock's, not the test's "today".)
    assert!(html.contains("Ada Admin saved a change on "));
    // The summary at the top of the page points to it; its RAG is word and colour.
    assert!(html.contains("<title>Error: "), "{html}");
    assert!(
        html.contains("<a href=\"#conflict\">Someone else changed this item after you opened it")
    );
    // The item's own RAG status and the conflict's, both as word and colour.
    let rag_row = "<dt class=\"govuk-summary-list__key\">RAG status</dt><dd class=\"govuk-summary-list__value\"><strong class=\"wm-tag wm-rag--green\">Green</strong></dd>";
    assert_eq!(html.matches(rag_row).count(), 2, "{html}");
    // The other change, as it is now…
    assert!(html.contains(
        "<dt class=\"govuk-summary-list__key\">Wording</dt><dd class=\"govuk-summary-list__value\">Issue guidance on repeat, vulnerable and intimidated victims</dd>"
    ));
    // …and what was typed, kept in the open form, which now carries the current version.
    assert!(html.contains("<details class=\"govuk-details wm-no-print\" open>"));
    assert!(html.contains(">Issue guidance on repeat victims only</textarea>"));
    assert!(html.contains("value=\"end of April 2015\""));
    let current = hidden_value(&html, "version");
    assert_ne!(current, hidden_value(&page, "version"));

    // Saving again from that page works.
    let again = edit_fields(&html, &[]);
    let saved = post(&app, admin, &format!("{path}/edit"), &again).await;
    assert_eq!(saved.status(), 303);
    let html = app.text(&path).await;
    assert!(
        html.contains("<h1 class=\"govuk-heading-l\">Issue guidance on repeat victims only</h1>")
    );

    // A move from a page opened before a change is refused the same way.
    let moved = post(
        &app,
        admin,
        &format!("{path}/move"),
        &[("parent", ""), ("version", &current)],
    )
    .await;
    assert_eq!(moved.status(), 409);
    let html = moved.text().await.unwrap();
    assert!(html.contains(
        "<a href=\"#move-parent\">Ada Admin changed this item after you opened the page, so it has not been moved."
    ), "{html}");

    // The plan's own form: the second save from the same version shows the plan now beside
    // what was typed.
    let edit = format!("/plans/{}/edit", app.plan);
    let form = app.text(&edit).await;
    let version = hidden_value(&form, "version");
    let plan_fields = |title: &'static str, period: &'static str| {
        vec![
            ("title", title),
            ("kind", "improvement"),
            ("period", period),
            ("level_names", "Recommendation\nAction"),
            ("owner_posts", "Plan owner: Chief Superintendent"),
            ("source", "Inspection of call handling"),
            ("update_cycle", "monthly"),
            ("marking", "OFFICIAL"),
            ("descriptor", ""),
        ]
    };
    let mut fields = plan_fields("Call handling and contact plan", "2014-15");
    fields.push(("version", &version));
    let saved = post(&app, admin, &edit, &fields).await;
    assert_eq!(saved.status(), 303);
    let mut fields = plan_fields("Contact management plan", "2014-16");
    fields.push(("version", &version));
    let refused = post(&app, admin, &edit, &fields).await;
    assert_eq!(refused.status(), 409);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("Someone else changed this plan first"),
        "{html}"
    );
    assert!(
        html.contains("Ada Admin &#60;admin@test.example&#62; saved a change on "),
        "{html}"
    );
    assert_in_order(
        &html,
        &[
            "<tr class=\"govuk-table__row wm-differs\">",
            "Title",
            "Differs",
            "Call handling and contact plan",
            "Contact management plan",
            "Period",
            "2014-15",
            "2014-16",
        ],
    );
    assert!(
        html.contains(
            "id=\"title\" name=\"title\" type=\"text\" value=\"Contact management plan\""
        )
    );
    assert_ne!(hidden_value(&html, "version"), version);
    let again = post(
        &app,
        admin,
        &edit,
        &[
            plan_fields("Contact management plan", "2014-16").as_slice(),
            &[("version", hidden_value(&html, "version").as_str())],
        ]
        .concat(),
    )
    .await;
    assert_eq!(again.status(), 303);
    let html = app.text(&format!("/plans/{}", app.plan)).await;
    assert!(html.contains("<h1 class=\"govuk-heading-l\">Contact management plan</h1>"));
}

#[tokio::test]
async fn a_contributor_is_refused_every_change_to_the_plan_and_sees_no_manager_buttons() {
    let app = spawn_app().await;
    app.sign_in().await;
    let owner = &app.client;
    let plan = app.plan;
    let action = app.action.0;
    let history = app
        .store
        .item_history(waymark_store::Scope::All, app.action)
        .await
        .unwrap();
    let rec = history.versions[0].fields.parent.unwrap().0;

    let plan_page = app.text(&format!("/plans/{plan}")).await;
    for manager_only in [
        "id=\"pick-",
        "Assign owners",
        "Add an item</a>",
        "Change the plan",
        "Archived items",
        "/owners\"",
    ] {
        assert!(
            !plan_page.contains(manager_only),
            "the plan page offers {manager_only:?}"
        );
    }
    assert!(plan_page.contains("Issue guidance on repeat and vulnerable victims"));
    let rec_page = app.text(&format!("/items/{rec}")).await;
    for manager_only in [
        "Manage this",
        "Move up",
        "Move down",
        "Close as complete",
        "/move\"",
        "/archive\"",
        "Add an item under this one",
    ] {
        assert!(
            !rec_page.contains(manager_only),
            "the item page offers {manager_only:?}"
        );
    }
    // On the action their post owns they may close it, as an update can, and nothing more.
    let action_page = app.text(&format!("/items/{action}")).await;
    assert!(action_page.contains("Close as complete</button>"));
    for manager_only in [
        "Move up",
        "/move\"",
        "/archive\"",
        "Add an item under this one",
    ] {
        assert!(
            !action_page.contains(manager_only),
            "the action page offers {manager_only:?}"
        );
    }

    for path in [
        "/plans/new".to_string(),
        format!("/plans/{plan}/edit"),
        format!("/plans/{plan}/archive"),
        format!("/plans/{plan}/items/new"),
        format!("/plans/{plan}/items/new?parent={rec}"),
        format!("/items/{rec}/archive"),
        format!("/items/{action}/archive"),
    ] {
        let response = owner.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 403, "GET {path}");
    }

    let action_text = action.to_string();
    let plan_text = plan.to_string();
    let admin_page = rec_page_as_admin(&app, rec).await;
    let refusals: Vec<(String, Vec<(String, String)>)> = vec![
        ("/plans/new".into(), owned(&PLAN_FORM)),
        (
            format!("/plans/{plan}/edit"),
            owned(&[PLAN_FORM.as_slice(), &[("version", "1")]].concat()),
        ),
        (format!("/plans/{plan}/archive"), vec![]),
        (format!("/plans/{plan}/restore"), vec![]),
        (
            format!("/plans/{plan}/items/new"),
            owned(&item_fields(&[("text", "An action of my own")])),
        ),
        (
            format!("/plans/{plan}/owners"),
            owned(&[("items", &action_text), ("owners", "Head of Crime")]),
        ),
        (
            format!("/items/{action}/move"),
            owned(&[("parent", ""), ("version", "1")]),
        ),
        (
            format!("/items/{action}/reorder"),
            owned(&[("direction", "up")]),
        ),
        (
            format!("/items/{rec}/reorder"),
            owned(&[("direction", "down")]),
        ),
        (format!("/items/{rec}/close"), vec![]),
        (format!("/items/{rec}/reopen"), vec![]),
        (
            format!("/items/{rec}/archive"),
            owned(&[("plan", &plan_text)]),
        ),
        (
            format!("/items/{action}/archive"),
            owned(&[("plan", &plan_text)]),
        ),
        (format!("/items/{rec}/restore"), vec![]),
        (
            format!("/items/{rec}/edit"),
            edit_fields(&admin_page, &[("text", "Wording of my own")]),
        ),
    ];
    for (path, fields) in &refusals {
        let response = post(&app, owner, path, fields).await;
        assert_eq!(response.status(), 403, "POST {path}");
    }

    // Nothing changed: the plan still has its two items, as they were.
    let history = app
        .store
        .item_history(waymark_store::Scope::All, ItemId(rec))
        .await
        .unwrap();
    assert_eq!(history.versions.len(), 1);
    let html = app.text(&format!("/plans/{plan}")).await;
    assert!(html.contains("<h1 class=\"govuk-heading-l\">Call handling improvement plan</h1>"));
    assert!(html.contains("Give call handlers criteria to assess threat, harm and risk"));

    // Closing their own action is theirs to do.
    let closed = post(&app, owner, &format!("/items/{action}/close"), NO_FIELDS).await;
    assert_eq!(location(&closed), format!("/items/{action}?done=closed"));
}

/// The item page as an administrator sees it, for the fields of its edit form.
async fn rec_page_as_admin(app: &TestApp, item: i64) -> String {
    let admin = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&admin, "admin@test.example").await.status(),
        303
    );
    app.text_as(&admin, &format!("/items/{item}")).await
}

#[tokio::test]
async fn a_plan_downloads_with_its_marking_on_the_first_line() {
    let app = spawn_app().await;
    app.sign_in().await;
    let plan = app.plan;

    let response = app
        .client
        .get(app.url(&format!("/plans/{plan}/export?format=csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=\"plan-{plan}-2015-02-16.csv\"").as_str()
    );
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("Protective marking: OFFICIAL"));
    assert!(
        lines.next().unwrap().starts_with("Level,Ref,Item,"),
        "{csv}"
    );
    assert!(csv.contains("Issue guidance on repeat and vulnerable victims"));
    assert!(csv.contains("Head of Contact Management"));

    // A spreadsheet by default, as the plan page's link asks for.
    let response = app
        .client
        .get(app.url(&format!("/plans/{plan}/export?format=xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".xlsx\"")
    );
    assert!(response.bytes().await.unwrap().starts_with(b"PK"));

    // As it stood at the end of an earlier day, before the items existed.
    let response = app
        .client
        .get(app.url(&format!(
            "/plans/{plan}/export?format=json&as_at=2014-11-01"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=\"plan-{plan}-2014-11-01.json\"").as_str()
    );
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["marking"], "OFFICIAL");
    assert!(!json.to_string().contains("Issue guidance"), "{json}");

    // An OFFICIAL-SENSITIVE plan says so on the CSV's first line.
    let admin = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&admin, "admin@test.example").await.status(),
        303
    );
    let created = post(&app, &admin, "/plans/new", &PLAN_FORM).await;
    let sensitive = id_in(&location(&created));
    let csv = app
        .text_as(&admin, &format!("/plans/{sensitive}/export?format=csv"))
        .await;
    assert_eq!(
        csv.lines().next(),
        Some("Protective marking: OFFICIAL-SENSITIVE")
    );

    let response = app
        .client
        .get(app.url(&format!("/plans/{plan}/export?format=pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let response = app
        .client
        .get(app.url(&format!("/plans/{}/export?format=csv", app.other_plan)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "another force's plan");
}
