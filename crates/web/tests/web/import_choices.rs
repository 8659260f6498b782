//! The choices an import preview offers before anything is stored: which sheets of a workbook
//! of several plans to import (one, all as one plan, or each as a plan of its own), and what a
//! column holds where its header misled the reading, each previewed again, in the browser and
//! through the API.

use reqwest::multipart::{Form, Part};

use crate::helpers::{TestApp, hidden_value, spawn_app};

/// A workbook of a cover sheet and two plans, one a sheet.
fn two_plans_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheets: [(&str, &[&[&str]]); 3] = [
        (
            "Cover",
            &[
                &["Force improvement plans"],
                &["Owner:", "Chief Superintendent Operations"],
                &["Version:", "0.2"],
            ],
        ),
        (
            "Custody",
            &[
                &["Ref", "Action", "Owner", "Due"],
                &["1", "Review cell checks", "Custody Inspector", "31/03/2015"],
                &["2", "Train detention officers", "Custody Inspector", "soon"],
            ],
        ),
        (
            "Vetting",
            &[
                &["Ref", "Action", "Owner", "Due"],
                &[
                    "1",
                    "Clear the vetting backlog",
                    "Head of PSD",
                    "30/06/2015",
                ],
            ],
        ),
    ];
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// A tracker whose "Lead" column is read as the owner, and whose "Owner" column is then
/// dropped, until the person says otherwise.
const MISREAD: &str = "Ref,Action,Lead,Owner\n\
1,Clear the vetting backlog,Head of PSD,Vetting Manager\n\
2,Publish the vetting policy,Head of PSD,Head of Legal\n";

/// Uploads a file from the browser's form as a new plan titled `title`; the preview page.
async fn upload_page(app: &TestApp, name: &str, bytes: Vec<u8>, title: &str) -> String {
    let page = app.text("/imports/new").await;
    let form = Form::new()
        .text("csrf", hidden_value(&page, "csrf"))
        .part("file", Part::bytes(bytes).file_name(name.to_string()))
        .text("target", "new")
        .text("title", title.to_string());
    let response = app
        .client
        .post(app.url("/imports/preview"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

/// The preview's token, from its confirmation form.
fn token_of(page: &str) -> String {
    page.split("action=\"/imports/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string()
}

/// Posts the preview's correction form with `fields` (the CSRF token added first).
async fn correct(app: &TestApp, page: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let csrf = hidden_value(page, "csrf");
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    app.client
        .post(app.url(&format!("/imports/{}/preview", token_of(page))))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn confirm(app: &TestApp, page: &str) -> String {
    let csrf = hidden_value(page, "csrf");
    let response = app
        .client
        .post(app.url(&format!("/imports/{}/confirm", token_of(page))))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().to_string()
}

async fn api_json(app: &TestApp, path: &str) -> serde_json::Value {
    app.client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Each imported plan's title and its items' texts, titles in order (the test app's own plan
/// left out).
async fn plans_and_items(app: &TestApp) -> Vec<(String, Vec<String>)> {
    let plans = api_json(app, "/api/plans").await;
    let mut found = Vec::new();
    for plan in plans.as_array().unwrap() {
        if !plan["title"].as_str().unwrap().starts_with("Force plans") {
            continue;
        }
        let items = api_json(app, &format!("/api/plans/{}/items", plan["id"])).await;
        let texts = items["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["text"].as_str().unwrap().to_string())
            .collect();
        found.push((plan["title"].as_str().unwrap().to_string(), texts));
    }
    found.sort();
    found
}

#[tokio::test]
async fn a_workbook_of_several_plans_imports_one_sheet_or_each_as_a_plan_of_its_own() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let page = upload_page(&app, "plans.xlsx", two_plans_workbook(), "Force plans").await;
    for expected in [
        r#"<select class="govuk-select" id="sheet" name="sheet" aria-describedby="sheet-hint">"#,
        "This workbook has 2 sheets that hold items.",
        r#"<option value="together" selected>All sheets, as one plan</option>"#,
        r#"<option value="sheet:Custody">Only the sheet “Custody”</option>"#,
        r#"<option value="sheet:Vetting">Only the sheet “Vetting”</option>"#,
        r#"<option value="each">Each sheet as a plan of its own</option>"#,
        // Read as one plan by default: both sheets' items, each with its sheet.
        r#"<td class="govuk-table__cell" data-label="Sheet">Custody</td>"#,
        "Clear the vetting backlog",
        "with 3 items",
        // The findings name their sheet.
        r#"<td class="govuk-table__cell" data-label="Sheet">Custody</td>
      <td class="govuk-table__cell govuk-table__cell--numeric" data-label="Row">3</td>
      <td class="govuk-table__cell" data-label="Column">Due</td>"#,
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }

    // One sheet: only its items, its choice kept, and its plan alone stored.
    let response = correct(&app, &page, &[("sheet", "sheet:Vetting")]).await;
    assert_eq!(response.status(), 200);
    let vetting = response.text().await.unwrap();
    assert!(
        vetting.contains(r#"<option value="sheet:Vetting" selected>"#),
        "{vetting}"
    );
    assert!(
        vetting.contains("with 1 item and 0 dated updates"),
        "{vetting}"
    );
    assert!(!vetting.contains("Review cell checks"), "{vetting}");
    // The findings download reads the file as the preview last did: none from Custody.
    let csv = app
        .client
        .get(app.url(&format!("/imports/{}/findings.csv", token_of(&vetting))))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("Custody,3,Due"), "{csv}");
    let location = confirm(&app, &vetting).await;
    assert!(location.ends_with("?imported=1"), "{location}");
    assert_eq!(
        plans_and_items(&app).await,
        vec![(
            "Force plans".to_string(),
            vec!["Clear the vetting backlog".to_string()]
        )]
    );

    // Each sheet a plan of its own, titled after the sheet.
    let page = upload_page(&app, "plans.xlsx", two_plans_workbook(), "Force plans").await;
    let each = correct(&app, &page, &[("sheet", "each")])
        .await
        .text()
        .await
        .unwrap();
    for expected in [
        "Importing would create 2 plans, one for each sheet:",
        r#"<td class="govuk-table__cell" data-label="New plan">Force plans: Custody</td>"#,
        r#"<td class="govuk-table__cell" data-label="New plan">Force plans: Vetting</td>"#,
        r#"<option value="each" selected>"#,
    ] {
        assert!(each.contains(expected), "{expected}: {each}");
    }
    assert_eq!(confirm(&app, &each).await, "/");
    let plans = plans_and_items(&app).await;
    assert_eq!(plans.len(), 3, "{plans:?}");
    assert_eq!(
        plans[1],
        (
            "Force plans: Custody".to_string(),
            vec![
                "Review cell checks".to_string(),
                "Train detention officers".to_string()
            ]
        )
    );
    assert_eq!(
        plans[2],
        (
            "Force plans: Vetting".to_string(),
            vec!["Clear the vetting backlog".to_string()]
        )
    );
    // The cover's owner applies to each.
    let all = api_json(&app, "/api/plans").await;
    let custody = all
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "Force plans: Custody")
        .unwrap();
    assert_eq!(
        custody["owner_posts"],
        serde_json::json!(["Owner: Chief Superintendent Operations"]),
        "{custody}"
    );
}

#[tokio::test]
async fn a_sheet_the_workbook_has_no_items_on_is_refused_and_the_preview_kept() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let page = upload_page(&app, "plans.xlsx", two_plans_workbook(), "Force plans").await;
    let response = correct(&app, &page, &[("sheet", "sheet:Cover")]).await;
    assert_eq!(response.status(), 422);
    let refused = response.text().await.unwrap();
    assert!(refused.contains("There is a problem"), "{refused}");
    assert!(
        refused.contains(
            r##"<a href="#sheet">plans.xlsx has no sheet of items called &#34;Cover&#34;; its sheets of items are: &#34;Custody&#34;, &#34;Vetting&#34;</a>"##
        ),
        "{refused}"
    );
    assert!(refused.contains(r#"<option value="together" selected>"#));
    // Without its CSRF token the correction is refused.
    let forged = app
        .client
        .post(app.url(&format!("/imports/{}/preview", token_of(&page))))
        .form(&[("sheet", "each")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}

#[tokio::test]
async fn a_column_read_wrongly_is_corrected_in_the_preview_and_imported_as_corrected() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let page = upload_page(
        &app,
        "vetting.csv",
        MISREAD.as_bytes().to_vec(),
        "Vetting tracker",
    )
    .await;
    for expected in [
        "What each column holds",
        r#"<input type="hidden" name="header_2" value="Lead">"#,
        r#"<input type="hidden" name="shown_2" value="owner">"#,
        r#"<input type="hidden" name="shown_3" value="own">"#,
        r#"<label class="govuk-label govuk-visually-hidden" for="field_2">What the column Lead holds</label>"#,
        r#"<option value="owner" selected>Owner</option>"#,
        r#"<option value="strategic_lead">Strategic lead</option>"#,
        r#"<td class="govuk-table__cell" data-label="Owners">Head of PSD</td>"#,
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    let fields = |lead: &'static str, owner: &'static str| {
        vec![
            ("sheet", "together"),
            ("header_0", "Ref"),
            ("shown_0", "reference"),
            ("field_0", "reference"),
            ("header_1", "Action"),
            ("shown_1", "text"),
            ("field_1", "text"),
            ("header_2", "Lead"),
            ("shown_2", "owner"),
            ("field_2", lead),
            ("header_3", "Owner"),
            ("shown_3", "own"),
            ("field_3", owner),
        ]
    };
    // A correction that leaves the file without item text is refused, and the preview kept.
    let mut no_text = fields("owner", "ignore");
    no_text[6] = ("field_1", "ignore");
    let unreadable = correct(&app, &page, &no_text).await;
    assert_eq!(unreadable.status(), 422);
    let unreadable = unreadable.text().await.unwrap();
    assert!(
        unreadable.contains(
            r##"<li><a href="#reading">vetting.csv: no table has a header row Waymark recognises"##
        ),
        "{unreadable}"
    );
    assert!(unreadable.contains(r#"<input type="hidden" name="shown_1" value="text">"#));

    let refused = correct(&app, &page, &fields("boss", "owner")).await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains(
            r##"<a href="#field_2">Choose what the column &#34;Lead&#34; holds from the list</a>"##
        ),
        "{refused}"
    );

    let corrected = correct(&app, &page, &fields("strategic_lead", "owner"))
        .await
        .text()
        .await
        .unwrap();
    for expected in [
        r#"<input type="hidden" name="shown_2" value="strategic_lead">"#,
        r#"<input type="hidden" name="shown_3" value="owner">"#,
        r#"<td class="govuk-table__cell" data-label="Owners">Vetting Manager</td>"#,
        r#"<td class="govuk-table__cell" data-label="Owners">Head of Legal</td>"#,
    ] {
        assert!(corrected.contains(expected), "{expected}: {corrected}");
    }
    // A later correction keeps the earlier ones: the Ref column ignored, Lead still the lead.
    let mut later = fields("strategic_lead", "owner");
    later[3] = ("field_0", "ignore");
    later[8] = ("shown_2", "strategic_lead");
    later[11] = ("shown_3", "owner");
    let again = correct(&app, &corrected, &later)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        again.contains(r#"<input type="hidden" name="shown_0" value="ignore">"#),
        "{again}"
    );
    assert!(again.contains(r#"<input type="hidden" name="shown_2" value="strategic_lead">"#));

    // The choices download as a mapping file the command line reads.
    let toml = app
        .client
        .get(app.url(&format!("/imports/{}/mapping.toml", token_of(&again))))
        .send()
        .await
        .unwrap();
    assert_eq!(
        toml.headers()["content-type"],
        "application/toml; charset=utf-8"
    );
    let toml = toml.text().await.unwrap();
    assert!(
        toml.starts_with(
            "# What was corrected in the import preview of vetting.csv: use it with\n"
        ),
        "{toml}"
    );
    assert!(
        toml.ends_with(
            "[columns]\nLead = \"strategic_lead\"\nOwner = \"owner\"\nRef = \"ignore\"\n"
        ),
        "{toml}"
    );

    let location = confirm(&app, &again).await;
    let plan = location
        .trim_start_matches("/plans/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let items = api_json(&app, &format!("/api/plans/{plan}/items")).await;
    let first = &items["items"][0];
    assert_eq!(
        first["owners"],
        serde_json::json!(["Vetting Manager"]),
        "{first}"
    );
    assert_eq!(first["strategic_lead"], "Head of PSD", "{first}");
    assert_eq!(first["reference"], serde_json::Value::Null, "{first}");
}

#[tokio::test]
async fn the_api_preview_takes_the_sheet_and_corrections_and_confirms_what_it_last_showed() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let csrf = app.csrf().await;
    let form = Form::new()
        .part(
            "file",
            Part::bytes(MISREAD.as_bytes().to_vec()).file_name("vetting.csv"),
        )
        .text("map", "Lead=strategic_lead")
        .text("map", "Owner=owner");
    let preview: serde_json::Value = app
        .client
        .post(app.url("/api/imports"))
        .header("x-csrf-token", &csrf)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let columns: Vec<(&str, &str)> = preview["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["header"].as_str().unwrap(), c["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        columns,
        vec![
            ("Ref", "reference"),
            ("Action", "text"),
            ("Lead", "strategic_lead"),
            ("Owner", "owner")
        ],
        "{preview}"
    );
    assert_eq!(preview["sheets"], serde_json::json!([]));

    let token = preview["token"].as_str().unwrap();
    let bad = app
        .client
        .post(app.url(&format!("/api/imports/{token}/corrections")))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"columns": {"Ref": "serial"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let bad: serde_json::Value = bad.json().await.unwrap();
    assert!(
        bad.to_string()
            .contains("\\\"serial\\\" is not something column \\\"Ref\\\" can hold"),
        "{bad}"
    );

    let corrected: serde_json::Value = app
        .client
        .post(app.url(&format!("/api/imports/{token}/corrections")))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"columns": {"Ref": "ignore"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(corrected["columns"][0]["field"], "ignore", "{corrected}");
    assert_eq!(
        corrected["columns"][2]["field"], "strategic_lead",
        "the upload's own corrections are kept: {corrected}"
    );
    let confirmed: serde_json::Value = app
        .client
        .post(app.url(&format!("/api/imports/{token}/confirm")))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let plan = confirmed["plan"].as_i64().unwrap();
    let items = api_json(&app, &format!("/api/plans/{plan}/items")).await;
    assert_eq!(
        items["items"][1]["owners"],
        serde_json::json!(["Head of Legal"])
    );
    assert_eq!(items["items"][1]["strategic_lead"], "Head of PSD");

    // A workbook through the API: each sheet as a plan of its own.
    let form = Form::new()
        .part(
            "file",
            Part::bytes(two_plans_workbook()).file_name("plans.xlsx"),
        )
        .text("each_sheet", "true");
    let preview: serde_json::Value = app
        .client
        .post(app.url("/api/imports"))
        .header("x-csrf-token", &csrf)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        preview["sheets"],
        serde_json::json!(["Custody", "Vetting"]),
        "{preview}"
    );
    assert_eq!(preview["each_sheet"], true);
    assert_eq!(preview["result"]["kind"], "sheets");
    let sheets = preview["result"]["sheets"].as_array().unwrap();
    assert_eq!(sheets[0]["sheet"], "Custody");
    assert_eq!(sheets[0]["result"]["plan_title"], "Custody");
    assert_eq!(sheets[0]["result"]["items"]["items"], 2);
    assert_eq!(sheets[1]["result"]["plan_title"], "Vetting");
    let finding = preview["result"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "unparseable_date")
        .cloned()
        .unwrap_or_else(|| panic!("{preview}"));
    assert_eq!(finding["table"], "Custody");
    assert_eq!(finding["row"], 3);
    let token = preview["token"].as_str().unwrap();
    let confirmed: serde_json::Value = app
        .client
        .post(app.url(&format!("/api/imports/{token}/confirm")))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(confirmed["kind"], "sheets", "{confirmed}");
    assert_eq!(confirmed["dry_run"], false);
    assert!(confirmed["sheets"][1]["result"]["plan"].as_i64().is_some());

    // The header row, given with the upload.
    let form = Form::new()
        .part(
            "file",
            Part::bytes(TWO_HEADERS.as_bytes().to_vec()).file_name("calls.csv"),
        )
        .text("header_row", "1");
    let preview: serde_json::Value = app
        .client
        .post(app.url("/api/imports"))
        .header("x-csrf-token", &csrf)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(preview["header_row"], 1, "{preview}");
    assert_eq!(preview["columns"][0]["header"], "Area for improvement");
    assert_eq!(preview["columns"][0]["row"], 1);

    // Each sheet as a plan of its own says which sheets and where they go: a sheet and a
    // target given beside it are not read, as the form's schema says.
    let form = Form::new()
        .part(
            "file",
            Part::bytes(two_plans_workbook()).file_name("plans.xlsx"),
        )
        .text("sheet", "Custody")
        .text("target", app.plan.to_string())
        .text("each_sheet", "true");
    let both = app
        .client
        .post(app.url("/api/imports"))
        .header("x-csrf-token", &csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(both.status(), 200);
    let both: serde_json::Value = both.json().await.unwrap();
    assert_eq!(both["each_sheet"], true, "{both}");
}

/// A tracker whose summary table above names fewer fields than the real header below it.
const TWO_HEADERS: &str = "Area for improvement,Lead\n\
Improve call handling,ACC Operations\n\
Ref,Action,Owner,Due Date\n\
1,Publish the call handling standard,Head of Contact Management,31/03/2015\n";

#[tokio::test]
async fn the_header_row_can_be_chosen_in_the_preview_and_given_back_to_waymark() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let page = upload_page(&app, "calls.csv", TWO_HEADERS.as_bytes().to_vec(), "Calls").await;
    assert!(
        page.contains("Waymark read the column headers on row 3."),
        "{page}"
    );
    assert!(page.contains(r#"name="header_row" type="text" inputmode="numeric" value="""#));
    assert!(page.contains(r#"<input type="hidden" name="header_0" value="Ref">"#));

    let top = correct(&app, &page, &[("sheet", "together"), ("header_row", "1")])
        .await
        .text()
        .await
        .unwrap();
    for expected in [
        "Waymark read the column headers on row 1.",
        r#"inputmode="numeric" value="1""#,
        r#"<input type="hidden" name="header_0" value="Area for improvement">"#,
        r#"<td class="govuk-table__cell wm-depth-0" data-label="Item">Improve call handling</td>"#,
    ] {
        assert!(top.contains(expected), "{expected}: {top}");
    }
    let refused = correct(&app, &top, &[("header_row", "first")]).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains(r##"<a href="#header_row">Give the header&#39;s row as a number"##)
    );

    // Left blank, the row Waymark finds is read again.
    let found = correct(&app, &top, &[("header_row", "")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        found.contains("Waymark read the column headers on row 3."),
        "{found}"
    );
    assert!(found.contains(r#"<input type="hidden" name="header_0" value="Ref">"#));
}

/// Choices confirmed for a tracker are remembered for its source: the next upload of a copy
/// with the same headers is read with them, the preview says whose they were and when, and a
/// button reads the file without them (issue #15).
#[tokio::test]
async fn the_choices_confirmed_for_a_source_are_applied_to_its_next_upload_and_said() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let page = upload_page(&app, "vetting.csv", MISREAD.as_bytes().to_vec(), "Vetting").await;
    assert!(!page.contains("Using the choices saved"), "{page}");
    let corrected = correct(
        &app,
        &page,
        &[
            ("sheet", "together"),
            ("header_2", "Lead"),
            ("shown_2", "owner"),
            ("field_2", "strategic_lead"),
            ("header_3", "Owner"),
            ("shown_3", "own"),
            ("field_3", "owner"),
        ],
    )
    .await;
    assert_eq!(corrected.status(), 200);
    let corrected = corrected.text().await.unwrap();
    confirm(&app, &corrected).await;

    let next_quarter = "Ref,Action,Lead,Owner\n\
        1,Clear the vetting backlog,Head of PSD,Vetting Manager\n\
        3,Audit the vetting decisions,Head of PSD,Head of Audit\n";
    let next = upload_page(
        &app,
        "vetting-q3.csv",
        next_quarter.as_bytes().to_vec(),
        "Vetting Q3",
    )
    .await;
    let today = chrono::Utc::now().date_naive().format("%-d %B").to_string();
    for expected in [
        // The year is said too where it is not the server's working year.
        format!("Using the choices saved from the import of {today}"),
        " by Ada Admin</p>".to_string(),
        "the same sheets and headers as vetting.csv".to_string(),
        r#"<button type="submit" form="without-saved-choices""#.to_string(),
        r#"<input type="hidden" name="shown_2" value="strategic_lead">"#.to_string(),
        r#"<input type="hidden" name="shown_3" value="owner">"#.to_string(),
        r#"<td class="govuk-table__cell" data-label="Owners">Head of Audit</td>"#.to_string(),
    ] {
        assert!(next.contains(&expected), "{expected}: {next}");
    }
    // The confirmation is still the page's first form.
    assert!(
        next.split("action=\"/imports/")
            .nth(1)
            .unwrap()
            .contains("/confirm\""),
        "{next}"
    );

    let csrf = hidden_value(&next, "csrf");
    let plain = app
        .client
        .post(app.url(&format!(
            "/imports/{}/without-saved-choices",
            token_of(&next)
        )))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 200);
    let plain = plain.text().await.unwrap();
    assert!(!plain.contains("Using the choices saved"), "{plain}");
    assert!(
        plain.contains(r#"<input type="hidden" name="shown_2" value="owner">"#),
        "{plain}"
    );
    // Without a CSRF token the form is refused.
    let forged = app
        .client
        .post(app.url(&format!(
            "/imports/{}/without-saved-choices",
            token_of(&next)
        )))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    // Confirmed as it is now, the plan's owners are the Lead column's.
    let location = confirm(&app, &plain).await;
    let plan = location
        .trim_start_matches("/plans/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let items = api_json(&app, &format!("/api/plans/{plan}/items")).await;
    assert_eq!(
        items["items"][0]["owners"],
        serde_json::json!(["Head of PSD"]),
        "{items}"
    );
}

/// A file read "without the saved choices" and confirmed as it is leaves the choices saved
/// for its source as they were: the next upload of the same tracker is read with them again,
/// saying whose they were. Only a confirmation with choices of its own replaces them
/// (issue #15).
#[tokio::test]
async fn confirming_a_file_read_without_the_saved_choices_keeps_them_for_its_source() {
    let app = spawn_app().await;
    app.sign_in_admin().await;
    let page = upload_page(&app, "vetting.csv", MISREAD.as_bytes().to_vec(), "Vetting").await;
    let corrected = correct(
        &app,
        &page,
        &[
            ("sheet", "together"),
            ("header_2", "Lead"),
            ("shown_2", "owner"),
            ("field_2", "strategic_lead"),
            ("header_3", "Owner"),
            ("shown_3", "own"),
            ("field_3", "owner"),
        ],
    )
    .await
    .text()
    .await
    .unwrap();
    confirm(&app, &corrected).await;

    let copy = "Ref,Action,Lead,Owner\n\
        1,Clear the vetting backlog,Head of PSD,Vetting Manager\n";
    let next = upload_page(
        &app,
        "vetting-q2.csv",
        copy.as_bytes().to_vec(),
        "Vetting Q2",
    )
    .await;
    assert!(
        next.contains("Using the choices saved from the import of"),
        "{next}"
    );
    let csrf = hidden_value(&next, "csrf");
    let plain = app
        .client
        .post(app.url(&format!(
            "/imports/{}/without-saved-choices",
            token_of(&next)
        )))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!plain.contains("Using the choices saved"), "{plain}");
    confirm(&app, &plain).await;

    // The third copy is read with the first import's choices, still said to be its.
    let third = upload_page(
        &app,
        "vetting-q3.csv",
        copy.as_bytes().to_vec(),
        "Vetting Q3",
    )
    .await;
    for expected in [
        "Using the choices saved from the import of",
        "the same sheets and headers as vetting.csv",
        r#"<input type="hidden" name="shown_2" value="strategic_lead">"#,
        r#"<input type="hidden" name="shown_3" value="owner">"#,
    ] {
        assert!(third.contains(expected), "{expected}: {third}");
    }

    // Confirmed with choices of its own (Lead read as the owner after all), they replace the
    // saved ones.
    let plain = app
        .client
        .post(app.url(&format!(
            "/imports/{}/without-saved-choices",
            token_of(&third)
        )))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let own = correct(
        &app,
        &plain,
        &[
            ("sheet", "together"),
            ("header_2", "Lead"),
            ("shown_2", "owner"),
            ("field_2", "owner"),
            ("header_3", "Owner"),
            ("shown_3", "own"),
            ("field_3", "ignore"),
        ],
    )
    .await
    .text()
    .await
    .unwrap();
    confirm(&app, &own).await;
    let fourth = upload_page(
        &app,
        "vetting-q4.csv",
        copy.as_bytes().to_vec(),
        "Vetting Q4",
    )
    .await;
    assert!(
        fourth.contains("the same sheets and headers as vetting-q3.csv"),
        "{fourth}"
    );
    assert!(
        fourth.contains(r#"<input type="hidden" name="shown_3" value="ignore">"#),
        "{fourth}"
    );
}
