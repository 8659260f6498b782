//! `demo`, `plans --json`, `items --json`, `check --json`, `--version` and errors.

use chrono::{Days, Local};

use crate::helpers::{client, fresh_data_dir, json, sign_in, start, succeed, waymark};

#[tokio::test]
async fn demo_serves_the_plan_list_and_each_plans_table() {
    let dir = fresh_data_dir("demo");
    let server = start(&dir, "demo");
    let client = client();
    let home = client
        .get(format!("{}/", server.address))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 303, "the home page asks for sign-in");
    sign_in(&client, &server.address, "sam.okafor@northshire.example").await;
    let home = client
        .get(format!("{}/", server.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Responding to the public: inspection improvement plan"));
    assert!(home.contains("Police and crime plan: annual delivery plan"));
    for plan in [1, 2] {
        let page = client
            .get(format!("{}/plans/{plan}", server.address))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(
            html.contains("<th scope=\"col\" class=\"govuk-table__header wm-col-rag\">RAG</th>")
        );
        assert!(
            html.contains("wm-rag--red\">Red</strong>"),
            "plan {plan} has a Red action"
        );
    }
}

/// Someone who tries an import on a fresh data folder before the demo: the dry run stores
/// nothing, and the demo still brings its plans even after a real import made an organisation.
#[test]
fn a_dry_run_stores_nothing_and_the_demo_follows_an_import() {
    let dir = fresh_data_dir("import-then-demo");
    let tracker = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../io/tests/fixtures/community-safety.csv");
    let tracker = tracker.to_str().unwrap();
    let dry = json(&dir, &["import", tracker, "--dry-run", "--json"]);
    assert!(dry["items"].as_u64().unwrap() > 0, "{dry}");
    assert_eq!(json(&dir, &["plans", "--json"]), serde_json::json!([]));
    let plans_of = |dir| {
        json(dir, &["plans", "--json"])
            .as_array()
            .unwrap()
            .iter()
            .map(|plan| plan["title"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(plans_of(&dir).is_empty(), "the dry run stored a plan");

    json(
        &dir,
        &[
            "import",
            tracker,
            "--new-plan",
            "Community safety",
            "--json",
        ],
    );
    drop(start(&dir, "demo"));
    let titles = plans_of(&dir);
    assert!(
        titles.contains(&"Community safety".to_string()),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Responding to the public: inspection improvement plan".to_string()),
        "the demo's plans came after the import: {titles:?}"
    );
}

#[test]
fn plans_and_items_meet_the_json_contract() {
    let dir = fresh_data_dir("contract");
    drop(start(&dir, "demo"));
    let plans = json(&dir, &["plans", "--json"]);
    let plans = plans.as_array().unwrap();
    // The force's two plans, and seed 003's collaboration programme of five other forces.
    assert_eq!(plans.len(), 3);
    assert_eq!(plans[2]["kind"], "collaboration");
    for plan in plans {
        assert!(plan["id"].is_i64());
        assert!(plan["title"].is_string());
        assert!(plan["kind"].is_string());
        assert!(plan["period"].is_string());
    }
    assert_eq!(plans[0]["kind"], "improvement");

    let items = json(&dir, &["items", "--plan", "1", "--json"]);
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 19, "7 recommendations and 12 actions");
    for item in items {
        for key in [
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
            assert!(item.get(key).is_some(), "missing {key} in {item}");
        }
        assert!(item["owners"].is_array());
        assert!(item["flags"].is_array());
        if let Some(rag) = item["rag"].as_str() {
            assert!(["Red", "Amber", "Green", "Blue"].contains(&rag));
        }
    }
    let call_back = items.iter().find(|i| i["reference"] == "1.2").unwrap();
    assert_eq!(call_back["rag"], "Red");
    assert_eq!(
        call_back["owners"],
        serde_json::json!([
            "Contact Management Systems Lead",
            "Head of Contact Management"
        ])
    );
    assert_eq!(call_back["flags"], serde_json::json!(["overdue", "stale"]));
    let parent = items
        .iter()
        .find(|i| i["id"] == call_back["parent"])
        .unwrap();
    assert_eq!(parent["reference"], "AFI 1");
    assert_eq!(parent["parent"], serde_json::Value::Null);
    let latest = &call_back["latest_update"];
    let expected = Local::now()
        .date_naive()
        .checked_sub_days(Days::new(45))
        .unwrap();
    assert_eq!(latest["date"], expected.format("%Y-%m-%d").to_string());
    assert_eq!(latest["author"], "Contact Management Systems Lead");
    assert!(
        latest["text"]
            .as_str()
            .unwrap()
            .starts_with("Go-live postponed")
    );

    let checks = json(&dir, &["check", "--plan", "1", "--json"]);
    let flagged: Vec<(&str, Vec<&str>)> = checks
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["flags"].as_array().unwrap().is_empty())
        .map(|c| {
            (
                c["reference"].as_str().unwrap(),
                c["flags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert!(
        flagged.contains(&("4.1", vec!["update_out_of_order"])),
        "{flagged:?}"
    );
    assert!(
        flagged.contains(&("5.1", vec!["no_due_date", "duplicate_update_text"])),
        "{flagged:?}"
    );
    assert!(
        flagged.contains(&("5.2", vec!["duplicate_update_text"])),
        "{flagged:?}"
    );
    assert!(
        flagged.contains(&("2.2", vec!["no_due_date", "stale"])),
        "{flagged:?}"
    );
}

#[tokio::test]
async fn as_at_hides_what_was_entered_after_the_day() {
    let dir = fresh_data_dir("as-at");
    let server = start(&dir, "demo");
    let today = Local::now().date_naive();
    let iso = |days_ago: u64| {
        today
            .checked_sub_days(Days::new(days_ago))
            .unwrap()
            .format("%Y-%m-%d")
            .to_string()
    };

    // Action 1.1 went Amber 40 days ago; its latest update is 9 days old.
    let items = json(
        &dir,
        &["items", "--plan", "1", "--as-at", &iso(50), "--json"],
    );
    let action = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["reference"] == "1.1")
        .unwrap()
        .clone();
    assert_eq!(action["rag"], "Green");
    assert_eq!(action["latest_update"]["date"], iso(120));
    let items = json(&dir, &["items", "--plan", "1", "--json"]);
    let action = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["reference"] == "1.1")
        .unwrap()
        .clone();
    assert_eq!(action["rag"], "Amber");
    assert_eq!(action["latest_update"]["date"], iso(9));

    // An update with a RAG change entered today, dated today: not there as at yesterday.
    let client = client();
    let csrf = sign_in(&client, &server.address, "sam.okafor@northshire.example").await;
    let response = client
        .post(format!("{}/api/items/{}/updates", server.address, action["id"]))
        .header("x-csrf-token", csrf)
        .json(&serde_json::json!({"text": "Third intake approved by the chief officer group.", "rag": "Green"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let find = |items: serde_json::Value| {
        items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["reference"] == "1.1")
            .unwrap()
            .clone()
    };
    let now = find(json(&dir, &["items", "--plan", "1", "--json"]));
    assert_eq!(now["rag"], "Green");
    assert_eq!(
        now["latest_update"]["text"],
        "Third intake approved by the chief officer group."
    );
    let yesterday = find(json(
        &dir,
        &["items", "--plan", "1", "--as-at", &iso(1), "--json"],
    ));
    assert_eq!(yesterday["rag"], "Amber");
    assert_eq!(yesterday["latest_update"]["date"], iso(9));

    // Flags follow the day too: action 1.2 was not overdue before its due date 20 days ago.
    let check = |day: &str| {
        json(&dir, &["check", "--plan", "1", "--as-at", day, "--json"])
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["reference"] == "1.2")
            .unwrap()["flags"]
            .clone()
    };
    assert_eq!(check(&iso(30)), serde_json::json!([]));
    assert_eq!(check(&iso(0)), serde_json::json!(["overdue", "stale"]));
}

#[test]
fn version_and_errors() {
    let dir = fresh_data_dir("errors");
    let version = waymark(&dir).arg("--version").output().unwrap();
    assert!(version.status.success());
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("waymark "));

    let missing = waymark(&dir)
        .args(["items", "--plan", "99", "--json"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("plan 99 was not found"));

    let bad_date = waymark(&dir)
        .args(["items", "--plan", "1", "--as-at", "soonish", "--json"])
        .output()
        .unwrap();
    assert!(!bad_date.status.success());
    assert!(
        String::from_utf8_lossy(&bad_date.stderr).contains("--as-at \"soonish\" is not a date")
    );

    let bad_url = waymark(&dir)
        .args(["--database-url", "mysql://x", "plans", "--json"])
        .output()
        .unwrap();
    assert!(!bad_url.status.success());
    assert!(String::from_utf8_lossy(&bad_url.stderr).contains("is not sqlite: or postgres:"));
}

#[test]
fn serve_names_its_timeouts_and_connection_bounds_with_their_defaults() {
    let dir = fresh_data_dir("serve-help");
    let help = succeed(waymark(&dir).args(["serve", "--help"]));
    let help = String::from_utf8_lossy(&help.stdout).to_string();
    // Each option's entry: its line and the description under it, up to the next option.
    let mut entries: Vec<String> = Vec::new();
    for line in help.lines().map(str::trim) {
        match entries.last_mut() {
            Some(entry) if !line.starts_with('-') => {
                entry.push(' ');
                entry.push_str(line);
            }
            _ => entries.push(line.to_string()),
        }
    }
    for (setting, default) in [
        ("--header-read-timeout <SECS>", "[default: 10]"),
        ("--request-timeout <SECS>", "[default: 300]"),
        ("--idle-timeout <SECS>", "[default: 5]"),
        ("--max-connections <N>", "[default: 900]"),
        ("--max-connections-per-address <N>", "[default: 128]"),
    ] {
        let entry = entries
            .iter()
            .find(|entry| entry.starts_with(setting))
            .unwrap_or_else(|| panic!("{setting} missing: {help}"));
        assert!(entry.ends_with(default), "{entry}");
    }

    let contradictory = waymark(&dir)
        .args(["serve", "--bind", "127.0.0.1:0", "--idle-timeout", "30"])
        .output()
        .unwrap();
    assert!(!contradictory.status.success());
    assert!(
        String::from_utf8_lossy(&contradictory.stderr)
            .contains("--idle-timeout (30) must not be longer than --header-read-timeout (10)")
    );
    let zero = waymark(&dir)
        .args(["serve", "--max-connections", "0"])
        .output()
        .unwrap();
    assert!(!zero.status.success());
}

#[test]
fn backup_writes_a_database_that_opens_with_the_same_plans() {
    let dir = fresh_data_dir("backup");
    drop(start(&dir, "demo"));
    let copy = dir.join("copy.db");
    succeed(waymark(&dir).args(["backup", "--out"]).arg(&copy));
    let restored = fresh_data_dir("restored");
    std::fs::copy(&copy, restored.join("waymark.db")).unwrap();
    assert_eq!(
        json(&restored, &["plans", "--json"]),
        json(&dir, &["plans", "--json"])
    );
    let again = waymark(&dir)
        .args(["backup", "--out"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "an existing file must not be overwritten"
    );
}

/// A dry run of a tracker with a finding on each of its 40 rows: the text counts each kind and
/// shows its first five, `--all` every finding, `--json` every finding with the pasted update's
/// rows as runs.
#[test]
fn import_text_sums_up_findings_by_kind_unless_asked_for_all() {
    let dir = fresh_data_dir("import-findings");
    let tracker = dir.join("tracker.csv");
    let mut csv = String::from("Action,Owner,Due,RAG,Latest update\n");
    for n in 1..=40 {
        csv.push_str(&format!(
            "Action {n},Head of Unit,,Green,No update this period: work continues with partners.\n"
        ));
    }
    std::fs::write(&tracker, csv).unwrap();
    let tracker = tracker.to_str().unwrap();
    let text = |extra: &[&str]| {
        let mut args = vec!["import", tracker, "--dry-run"];
        args.extend(extra);
        String::from_utf8(succeed(waymark(&dir).args(&args)).stdout).unwrap()
    };

    let summary = text(&[]);
    assert!(summary.contains("with 41 findings."), "{summary}");
    assert!(
        summary.contains("Findings, by kind, with the first 5 of each (35 more with --all; --json gives them all):"),
        "{summary}"
    );
    assert!(
        summary
            .contains("  Missing due date (missing_due_date): 40\n    row 2, Due: No due date\n")
    );
    assert!(summary.contains("    … and 35 more\n"), "{summary}");
    assert!(!summary.contains("row 7, Due"), "{summary}");
    assert!(summary.contains(
        "  Same update on several rows (duplicate_update_text): 1\n    row 2, Latest update: The same update text is on rows 2–41 (40 rows): \"No update this period: work continues with partners.\"\n"
    ), "{summary}");

    let all = text(&["--all"]);
    assert_eq!(
        all.matches("No due date (missing_due_date)").count(),
        40,
        "{all}"
    );
    assert!(all.contains("  row 41, Due: No due date (missing_due_date)\n"));

    let printed = text(&["--json"]);
    // A finding, its rows too, takes one line.
    assert!(
        printed.lines().any(|line| line.starts_with(
            "    {\"row\": 2, \"column\": \"Latest update\", \"kind\": \"duplicate_update_text\""
        ) && line.ends_with("\"rows\": [[2, 41]]},")),
        "{printed}"
    );
    assert_eq!(
        printed
            .lines()
            .filter(|line| line.contains("\"kind\": \"missing_due_date\""))
            .count(),
        40
    );
    let json: serde_json::Value = serde_json::from_str(&printed).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 41);
    let pasted: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["kind"] == "duplicate_update_text")
        .collect();
    assert_eq!(pasted.len(), 1);
    assert_eq!(pasted[0]["row"], 2);
    assert_eq!(pasted[0]["rows"], serde_json::json!([[2, 41]]));
}

/// A re-import names what it adds, changes and no longer finds; `--close-missing` closes the
/// last (a dry run only says it would), and the JSON has the lists.
#[test]
fn a_reimport_lists_its_changes_and_closes_what_is_gone_when_asked() {
    let dir = fresh_data_dir("reimport-lists");
    let first = dir.join("first.csv");
    std::fs::write(
        &first,
        "Ref,Action,Owner,Due\n\
         1.1,Publish the call handling standard,Head of Contact,31/03/2015\n\
         1.2,Audit repeat caller flags,Force Crime Registrar,31/03/2015\n",
    )
    .unwrap();
    let later = dir.join("later.csv");
    std::fs::write(
        &later,
        "Ref,Action,Owner,Due\n\
         1.1,Publish the call handling standard,Control Room Inspector,31/03/2015\n\
         1.3,Review repeat callers each week,Head of Contact,30/04/2015\n",
    )
    .unwrap();
    succeed(waymark(&dir).args(["import", first.to_str().unwrap(), "--new-plan", "Calls"]));
    let later = later.to_str().unwrap();
    let text = |extra: &[&str]| {
        let mut args = vec!["import", later, "--plan", "1"];
        args.extend(extra);
        String::from_utf8(succeed(waymark(&dir).args(&args)).stdout).unwrap()
    };

    let dry = text(&["--dry-run"]);
    assert!(
        dry.contains("  added   1.3 Review repeat callers each week\n"),
        "{dry}"
    );
    assert!(
        dry.contains("  changed 1.1 Publish the call handling standard: owners\n"),
        "{dry}"
    );
    assert!(
        dry.contains(
            "1 items of the plan are not in the file; they are kept open (--close-missing closes them); nothing is deleted:\n  missing 1.2 Audit repeat caller flags\n"
        ),
        "{dry}"
    );
    let would = text(&["--dry-run", "--close-missing", "--json"]);
    let would: serde_json::Value = serde_json::from_str(&would).unwrap();
    assert_eq!(would["closed"], 1, "{would}");
    assert_eq!(
        would["missing_items"][0]["text"],
        "Audit repeat caller flags"
    );
    assert_eq!(would["additions"][0]["row"], 3);

    let done = text(&["--close-missing"]);
    assert!(
        done.contains("1 items of the plan are not in the file; 1 open ones were closed"),
        "{done}"
    );
    let items = json(&dir, &["items", "--plan", "1", "--json"]);
    let audit = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["text"] == "Audit repeat caller flags")
        .cloned()
        .unwrap_or_else(|| panic!("{items}"));
    assert_eq!(audit["complete"], true, "{audit}");

    // `--close-missing` is a re-import's: without `--plan` it is refused.
    let refused = waymark(&dir)
        .args(["import", later, "--close-missing"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
}

/// A workbook of two plans and a cover sheet: `--sheet` imports one, `--all-sheets` each as a
/// plan named by its sheet, and a sheet that is not one of items is refused with the names of
/// those there are.
#[test]
fn sheets_of_a_workbook_import_one_at_a_time_or_each_as_its_own_plan() {
    let dir = fresh_data_dir("sheets");
    let path = dir.join("plans.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let rows: [(&str, &[&[&str]]); 3] = [
        (
            "Cover",
            &[
                &["Force improvement plans"],
                &["Owner:", "Chief Superintendent Operations"],
            ],
        ),
        (
            "Custody",
            &[
                &["Ref", "Action", "Owner", "Due"],
                &["1", "Review cell checks", "Custody Inspector", "31/03/2015"],
                &[
                    "2",
                    "Train detention officers",
                    "Custody Inspector",
                    "30/04/2015",
                ],
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
    for (name, cells) in rows {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in cells.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save(&path).unwrap();
    let file = path.to_str().unwrap();

    let refused = waymark(&dir)
        .args(["import", file, "--sheet", "Cover"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(
        error.contains("its sheets of items are: \"Custody\", \"Vetting\""),
        "{error}"
    );

    succeed(waymark(&dir).args([
        "import",
        file,
        "--sheet",
        "vetting",
        "--new-plan",
        "Vetting plan",
    ]));
    let plans = json(&dir, &["plans", "--json"]);
    assert_eq!(plans.as_array().unwrap().len(), 1, "{plans}");
    assert_eq!(plans[0]["title"], "Vetting plan");
    let items = json(&dir, &["items", "--plan", "1", "--json"]);
    let texts: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, vec!["Clear the vetting backlog"]);

    succeed(waymark(&dir).args(["import", file, "--all-sheets"]));
    let plans = json(&dir, &["plans", "--json"]);
    let titles: Vec<&str> = plans
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(
        titles.contains(&"Custody") && titles.contains(&"Vetting"),
        "{titles:?}"
    );
    let custody = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "Custody")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let items = json(&dir, &["items", "--plan", &custody, "--json"]);
    assert_eq!(items.as_array().unwrap().len(), 2, "{items}");
}

/// `--map "Header=field"` reads a column as the person says over what its header says; a
/// correction that names no field is refused, naming it.
#[test]
fn map_corrects_what_a_column_holds() {
    let dir = fresh_data_dir("map");
    let path = dir.join("vetting.csv");
    std::fs::write(
        &path,
        "Ref,Action,Lead,Owner\n1,Clear the vetting backlog,Head of PSD,Vetting Manager\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let refused = waymark(&dir)
        .args(["import", file, "--map", "Lead=boss"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(error.contains("--map Lead=boss"), "{error}");
    assert!(
        error.contains("\"Lead=boss\" does not map a column"),
        "{error}"
    );

    succeed(waymark(&dir).args([
        "import",
        file,
        "--map",
        "Lead=strategic_lead",
        "--map",
        "owner=owner",
    ]));
    let items = json(&dir, &["items", "--plan", "1", "--json"]);
    assert_eq!(
        items[0]["owners"],
        serde_json::json!(["Vetting Manager"]),
        "{items}"
    );
    assert_eq!(items[0]["strategic_lead"], "Head of PSD", "{items}");
}

/// In a workbook of several sheets, every finding names its sheet: in the text output and in
/// the JSON.
#[test]
fn findings_of_a_workbook_of_several_sheets_name_their_sheet() {
    let dir = fresh_data_dir("finding-sheets");
    let path = dir.join("plans.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let rows: [(&str, &[&[&str]]); 2] = [
        (
            "Custody",
            &[
                &["Ref", "Action", "Owner", "Due"],
                &["1", "Review cell checks", "Custody Inspector", "soonish"],
            ],
        ),
        (
            "Vetting",
            &[
                &["Ref", "Action", "Owner", "Due"],
                &["1", "Clear the vetting backlog", "", "30/06/2015"],
            ],
        ),
    ];
    for (name, cells) in rows {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in cells.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save(&path).unwrap();
    let file = path.to_str().unwrap();

    let text = succeed(waymark(&dir).args(["import", file, "--dry-run", "--all"]));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("  Custody, row 2, Due: \"soonish\" is not a date Waymark recognises"),
        "{text}"
    );
    assert!(text.contains("  Vetting, row 2, Owner: No owner"), "{text}");

    let json = json(&dir, &["import", file, "--dry-run", "--json"]);
    let placed: Vec<(&str, u64, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["row"].as_u64() != Some(0))
        .map(|f| {
            (
                f["table"].as_str().unwrap_or("(none)"),
                f["row"].as_u64().unwrap(),
                f["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        placed,
        vec![
            ("Custody", 2, "unparseable_date"),
            ("Vetting", 2, "missing_owner")
        ]
    );
}

#[test]
fn a_tracker_whose_rows_name_forces_and_percentages_is_imported_as_a_tracker() {
    let dir = fresh_data_dir("import-not-a-register");
    succeed(waymark(&dir).args(["org", "add", "--code", "NSP", "--name", "Northshire Police"]));
    let tracker = dir.join("tracker.csv");
    // Row 2 names forces in one short cell and a percentage in another: the shape of a
    // contributions sheet's heading, in a tracker's data.
    std::fs::write(
        &tracker,
        "Ref,Action,Owner,Due,RAG,Latest update\n\
         1,All forces,Head of Contact,31/03/2027,Amber,75% compliant\n\
         2,Review the call script,Head of Contact,30/06/2027,Green,Drafted\n",
    )
    .unwrap();
    let tracker = tracker.to_str().unwrap();
    for kind in [None, Some("improvement")] {
        let mut args = vec![
            "import",
            tracker,
            "--new-plan",
            "Call handling",
            "--organisation",
            "NSP",
            "--dry-run",
            "--json",
        ];
        if let Some(kind) = kind {
            args.extend(["--kind", kind]);
        }
        let read = json(&dir, &args);
        assert_ne!(read["kind"], "programme", "{kind:?}: {read}");
        assert_eq!(read["items"], 2, "{kind:?}: {read}");
    }
}
