//! `waymark indicators`: the demo's indicators in the JSON contract shared with
//! `GET /api/plans/{id}/indicators`, the text form, and a period that is not one.

use std::collections::BTreeSet;

use crate::helpers::{fresh_data_dir, json, start, succeed, waymark};

#[test]
fn the_demo_indicators_meet_the_json_contract() {
    let dir = fresh_data_dir("indicators");
    drop(start(&dir, "demo"));
    let plans = json(&dir, &["plans", "--json"]);
    let strategic = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "Police and crime plan: annual delivery plan")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();

    let rows = json(&dir, &["indicators", "--plan", &strategic, "--json"]);
    let rows = rows.as_array().unwrap();
    assert!(rows.len() >= 10, "a full set of demo indicators");
    let mut units = BTreeSet::new();
    let mut directions = BTreeSet::new();
    let mut measures = BTreeSet::new();
    let mut states = BTreeSet::new();
    let mut rags = BTreeSet::new();
    for row in rows {
        for key in [
            "title",
            "unit",
            "actual",
            "target_for_period",
            "annual_target",
            "rag",
            "state",
            "forecast",
            "on_track",
            "sentence",
        ] {
            assert!(row.get(key).is_some(), "missing {key} in {row}");
        }
        assert!(row["title"].is_string());
        assert!(!row["sentence"].as_str().unwrap().is_empty());
        for number in ["actual", "target_for_period", "annual_target", "forecast"] {
            assert!(
                row[number].is_null() || row[number].is_number(),
                "{number} in {row}"
            );
        }
        assert!(row["on_track"].is_null() || row["on_track"].is_boolean());
        // RAG is absent exactly when a state says why.
        assert_eq!(row["rag"].is_null(), !row["state"].is_null(), "{row}");
        units.insert(row["unit"].as_str().unwrap().to_string());
        directions.insert(row["direction"].as_str().unwrap().to_string());
        measures.insert(row["measure"].as_str().unwrap().to_string());
        if let Some(state) = row["state"].as_str() {
            states.insert(state.to_string());
        }
        if let Some(rag) = row["rag"].as_str() {
            rags.insert(rag.to_string());
        }
    }
    assert_eq!(
        units.into_iter().collect::<Vec<_>>(),
        ["count", "days", "money", "percent", "rate"]
    );
    assert_eq!(directions.len(), 2);
    assert_eq!(
        measures.into_iter().collect::<Vec<_>>(),
        ["change", "cumulative", "level"]
    );
    assert_eq!(
        states.into_iter().collect::<Vec<_>>(),
        ["no target", "not yet available"]
    );
    for rag in &rags {
        assert!(["Red", "Amber", "Green"].contains(&rag.as_str()), "{rag}");
    }
    // Money is a JSON number of pounds: whole pounds print as integers.
    let savings = rows
        .iter()
        .find(|r| r["title"] == "Deliver £2,400,000 of cashable savings")
        .unwrap();
    assert_eq!(savings["annual_target"], serde_json::json!(2_400_000));

    // The default is the latest quarter ended; asking for it by name gives the same answer.
    let quarter = rows
        .iter()
        .find(|r| r["title"] == "Disrupt 40 organised crime groups")
        .unwrap()["period"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(quarter.starts_with('Q'), "{quarter}");
    let named = json(
        &dir,
        &[
            "indicators",
            "--plan",
            &strategic,
            "--period",
            &quarter,
            "--json",
        ],
    );
    assert_eq!(&named, &serde_json::Value::Array(rows.clone()));

    // The improvement plan's contact-centre indicators report 13 four-week periods: by
    // default the latest ended by the quarter's end, and P6 when asked for it.
    let contact = json(&dir, &["indicators", "--plan", "1", "--json"]);
    let contact = contact.as_array().unwrap();
    assert_eq!(contact.len(), 3, "{contact:?}");
    for row in contact {
        assert!(row["period"].as_str().unwrap().starts_with('P'), "{row}");
    }
    let p6 = json(
        &dir,
        &[
            "indicators",
            "--plan",
            "1",
            "--period",
            "P6 2026-27",
            "--json",
        ],
    );
    let answer = p6
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Answer 90% of 101 calls within 3 minutes")
        .unwrap();
    assert_eq!(answer["period"], "P6 2026-27");
    assert_eq!(answer["actual"], 86.1);
    // 86.1% against 90%: short by less than the Amber band.
    assert_eq!(answer["rag"], "Amber", "{answer}");

    // The quarterly report for Q2 prints the four-week figure with its own period.
    let out = dir.join("q2.html");
    let wrote = waymark(&dir)
        .args(["report", "--plan", "1", "--period", "Q2 2026-27", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(wrote.status.success(), "{wrote:?}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("86.1% (P6)"), "{html}");
}

#[test]
fn text_output_and_errors() {
    let dir = fresh_data_dir("indicators-text");
    drop(start(&dir, "demo"));
    let output = waymark(&dir)
        .args(["indicators", "--plan", "2"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("Performance indicators for Q"), "{text}");
    assert!(text.contains("[No target]"));
    assert!(text.contains("[Not yet available]"));

    let bad = waymark(&dir)
        .args(["indicators", "--plan", "2", "--period", "next Tuesday"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a period"));

    // A period named that no indicator of the plan reports is refused with the periods each
    // reports; a month is not read as the quarter it falls in (issue #24).
    for (period, expected) in [
        (
            "P6 2026-27",
            "P6 2026-27 is a four-week period; this indicator reports quarters: \
             Q1 2026-27, Q2 2026-27, Q3 2026-27, Q4 2026-27",
        ),
        (
            "P6 2026-27",
            "P6 2026-27 is a four-week period; this indicator reports months: \
             April 2026, May 2026",
        ),
        (
            "August 2026",
            "August 2026 is a month; this indicator reports quarters: Q1 2026-27,",
        ),
    ] {
        let refused = waymark(&dir)
            .args(["indicators", "--plan", "2", "--period", period, "--json"])
            .output()
            .unwrap();
        assert!(!refused.status.success(), "{period}");
        assert!(refused.stdout.is_empty(), "{period}: no answer printed");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(expected), "{period}: {stderr}");
    }
    for period in ["P14 2026-27", "Q5 2026-27", "P0 2026-27"] {
        let refused = waymark(&dir)
            .args(["indicators", "--plan", "2", "--period", period])
            .output()
            .unwrap();
        assert!(!refused.status.success(), "{period}");
    }

    let missing = waymark(&dir)
        .args(["indicators", "--plan", "99", "--json"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("plan 99 was not found"));
}

/// A table kept in 13 four-week periods, imported into a plan: `--period "P6 2026-27"` prints
/// each indicator's P6 actual, target and RAG by the file's 5% rule, and the year to date by
/// its rule (sum for counts, mean for percentages), and a quarter is refused (issue #24).
#[test]
fn a_four_week_period_table_answers_for_p6() {
    let dir = fresh_data_dir("indicators-four-week");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../io/tests/fixtures");
    let tracker = fixtures.join("community-safety.csv");
    succeed(waymark(&dir).args(["import", tracker.to_str().unwrap(), "--new-plan", "Plan"]));
    let table = fixtures.join("four-week-periods.csv");
    let imported = succeed(waymark(&dir).args(["import", table.to_str().unwrap(), "--plan", "1"]));
    let said = String::from_utf8_lossy(&imported.stdout).to_string();
    assert!(
        said.contains("P6 2026-27"),
        "the periods found are reported: {said}"
    );

    let rows = json(
        &dir,
        &[
            "indicators",
            "--plan",
            "1",
            "--period",
            "P6 2026-27",
            "--json",
        ],
    );
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 8);
    let summary: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!([
                r["title"],
                r["direction"],
                r["period"],
                r["actual"],
                r["target_for_period"],
                r["rag"],
                r["year_to_date"]["rule"],
                r["year_to_date"]["value"],
                r["year_to_date"]["target"],
                r["year_to_date"]["rag"]
            ])
        })
        .collect();
    let expected = serde_json::json!([
        [
            "Residential burglary",
            "lower is better",
            "P6 2026-27",
            100,
            100,
            "Green",
            "sum of periods",
            598,
            600,
            "Green"
        ],
        [
            "Abandoned 999 calls",
            "lower is better",
            "P6 2026-27",
            4.2,
            4,
            "Amber",
            "mean of periods",
            4.01,
            4,
            "Amber"
        ],
        [
            "Vehicle crime",
            "lower is better",
            "P6 2026-27",
            211,
            200,
            "Red",
            "sum of periods",
            1204,
            1200,
            "Amber"
        ],
        [
            "999 calls answered within 10 seconds",
            "higher is better",
            "P6 2026-27",
            85.5,
            90,
            "Amber",
            "mean of periods",
            89.03,
            90,
            "Amber"
        ],
        [
            "Arrests",
            "higher is better",
            "P6 2026-27",
            379,
            400,
            "Red",
            "sum of periods",
            2385,
            2400,
            "Amber"
        ],
        [
            "Victim satisfaction",
            "higher is better",
            "P6 2026-27",
            78,
            80,
            "Amber",
            "mean of periods",
            79.67,
            80,
            "Amber"
        ],
        [
            "Violence with injury",
            "lower is better",
            "P6 2026-27",
            314,
            300,
            "Amber",
            "sum of periods",
            1813,
            1800,
            "Amber"
        ],
        [
            "Abandoned 101 calls",
            "lower is better",
            "P6 2026-27",
            10.51,
            10,
            "Red",
            "mean of periods",
            10.02,
            10,
            "Amber"
        ],
    ]);
    assert_eq!(serde_json::Value::Array(summary), expected);

    let refused = waymark(&dir)
        .args([
            "indicators",
            "--plan",
            "1",
            "--period",
            "Q2 2026-27",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(refused.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains(
            "Q2 2026-27 is a quarter; this indicator reports four-week periods: P1 2026-27,"
        ),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

/// An indicator table naming the plan's objectives the short way, imported into a plan that
/// writes them out in full: the JSON says which of the plan's objectives each was taken to be
/// and how, and only the one the plan has not is new (issue #15).
#[test]
fn an_indicator_table_finds_objectives_written_out_in_full() {
    let dir = fresh_data_dir("indicators-full-objectives");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../io/tests/fixtures");
    let plan = fixtures.join("objectives-in-full.csv");
    succeed(waymark(&dir).args(["import", plan.to_str().unwrap(), "--new-plan", "Plan"]));
    let table = fixtures.join("indicators-short-objectives.csv");
    let imported = json(
        &dir,
        &["import", table.to_str().unwrap(), "--plan", "1", "--json"],
    );
    assert_eq!(imported["objectives_created"], 1, "{imported}");
    assert_eq!(
        imported["objectives_new"],
        serde_json::json!(["Roads policing"])
    );
    let matched: Vec<(String, String, String)> = imported["objectives_matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["written"].as_str().unwrap().to_string(),
                m["item_text"].as_str().unwrap().to_string(),
                m["by"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        matched,
        vec![
            (
                "Strengthening neighbourhood policing".to_string(),
                "(1) To strengthen neighbourhood policing to respond to local needs and priorities"
                    .to_string(),
                "meaning".to_string()
            ),
            (
                "Protect vulnerable people".to_string(),
                "(2) To protect vulnerable people from harm and support victims of crime"
                    .to_string(),
                "meaning".to_string()
            ),
            (
                "Reduce crime and ASB".to_string(),
                "(3) To reduce crime and anti-social behaviour in our communities".to_string(),
                "meaning".to_string()
            ),
        ]
    );
    let again = json(
        &dir,
        &["import", table.to_str().unwrap(), "--plan", "1", "--json"],
    );
    assert_eq!(again["objectives_created"], 0, "{again}");
    assert_eq!(again["measurements"], 0, "{again}");
}

/// A mapping file's `[objectives]` says what the table's objectives are: "Roads policing" is
/// the plan's objective with reference 3 and "Reduce crime and ASB" a new one, over what
/// matching by meaning found; a name the plan has no objective for is refused, naming it, and
/// nothing is stored (issue #15).
#[test]
fn a_mapping_file_chooses_what_the_tables_objectives_are() {
    let dir = fresh_data_dir("indicators-objectives-mapping");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../io/tests/fixtures");
    let plan = fixtures.join("objectives-in-full.csv");
    succeed(waymark(&dir).args(["import", plan.to_str().unwrap(), "--new-plan", "Plan"]));
    let table = fixtures.join("indicators-short-objectives.csv");
    let wrong = dir.join("wrong.toml");
    std::fs::write(&wrong, "[objectives]\n\"Roads policing\" = \"9\"\n").unwrap();
    let refused = waymark(&dir)
        .args(["import", table.to_str().unwrap(), "--plan", "1"])
        .args(["--mapping", wrong.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains(
            "The objective \"Roads policing\" was given as \"9\", which is not an objective of \
             the plan"
        ),
        "{stderr}"
    );
    let mapping = dir.join("objectives.toml");
    std::fs::write(
        &mapping,
        "[objectives]\n\"Roads policing\" = \"3\"\n\"Reduce crime and ASB\" = \"new\"\n",
    )
    .unwrap();
    let imported = json(
        &dir,
        &[
            "import",
            table.to_str().unwrap(),
            "--plan",
            "1",
            "--mapping",
            mapping.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(imported["objectives_created"], 1, "{imported}");
    assert_eq!(
        imported["objectives_new"],
        serde_json::json!(["Reduce crime and ASB"])
    );
    let roads = imported["objectives_matched"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["written"] == "Roads policing")
        .unwrap_or_else(|| panic!("{imported}"));
    assert_eq!(
        roads["item_text"],
        "(3) To reduce crime and anti-social behaviour in our communities"
    );
    assert_eq!(roads["by"], "chosen");
    let items = json(&dir, &["items", "--plan", "1", "--json"]);
    let texts: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 7, "{items}");
    assert!(texts.contains(&"Reduce crime and ASB"), "{texts:?}");
    assert!(!texts.contains(&"Roads policing"), "{texts:?}");
}

/// An indicator table that says nothing of direction for two indicators: `waymark import`
/// refuses it, naming each and its row and how to answer, and stores nothing; a misspelt or
/// unreadable `--direction` is refused by name; answered, each is stored and judged the way
/// it was answered (issue #24).
#[test]
fn an_unstated_direction_is_answered_with_direction_or_refused() {
    let dir = fresh_data_dir("indicators-direction");
    let table = dir.join("no-direction.csv");
    std::fs::write(
        &table,
        "Performance 2026-27\nIndicator,Unit,Better,Target,Q1,Q2\n\
         Abandoned calls,%,,5,4.9,5.1\nArrests,Count,Higher,100,100,110\n\
         Repeat victims,Count,,40,38,45\n",
    )
    .unwrap();
    let file = table.to_str().unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec!["import", file, "--new-plan", "Performance"];
        args.extend_from_slice(extra);
        waymark(&dir).args(args).output().unwrap()
    };

    let refused = import(&[]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    for expected in [
        "give --direction \"NAME=higher\" or --direction \"NAME=lower\" for each indicator",
        "The file does not say which way is better for \"Abandoned calls\" (row 3), \
         \"Repeat victims\" (row 5)",
        "Nothing was imported.",
    ] {
        assert!(said.contains(expected), "{expected}: {said}");
    }
    let plans = json(&dir, &["plans", "--json"]);
    assert_eq!(plans, serde_json::json!([]), "nothing stored");

    // The dry run says what it would ask, and stores nothing either.
    let dry = succeed(waymark(&dir).args([
        "import",
        file,
        "--new-plan",
        "Performance",
        "--dry-run",
        "--json",
    ]));
    let dry: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(
        dry["directions_missing"],
        serde_json::json!(["Abandoned calls", "Repeat victims"]),
        "{dry}"
    );

    let one_answered = import(&["--direction", "Abandoned calls=lower"]);
    assert!(!one_answered.status.success());
    let said = String::from_utf8_lossy(&one_answered.stderr);
    assert!(
        said.contains("which way is better for \"Repeat victims\" (row 5):"),
        "{said}"
    );
    assert!(!said.contains("\"Abandoned calls\" (row 3)"), "{said}");

    let unreadable = import(&["--direction", "Abandoned calls=sideways"]);
    assert!(!unreadable.status.success());
    assert!(
        String::from_utf8_lossy(&unreadable.stderr)
            .contains("--direction Abandoned calls=sideways: \"sideways\" is not higher or lower")
    );
    let misspelt = import(&[
        "--direction",
        "Abandoned call=lower",
        "--direction",
        "Repeat victims=lower",
    ]);
    assert!(!misspelt.status.success());
    let said = String::from_utf8_lossy(&misspelt.stderr);
    assert!(
        said.contains(
            "No indicator of the file that leaves its direction unstated is called \
             \"Abandoned call\""
        ),
        "{said}"
    );
    let stated = import(&[
        "--direction",
        "Arrests=lower",
        "--direction",
        "Abandoned calls=lower",
        "--direction",
        "Repeat victims=lower",
    ]);
    assert!(
        !stated.status.success(),
        "Arrests states its direction: not overridden"
    );
    assert_eq!(json(&dir, &["plans", "--json"]), serde_json::json!([]));

    succeed(waymark(&dir).args([
        "import",
        file,
        "--new-plan",
        "Performance",
        "--direction",
        "abandoned calls=lower",
        "--direction",
        "Repeat victims=LOWER",
    ]));
    let rows = json(
        &dir,
        &[
            "indicators",
            "--plan",
            "1",
            "--period",
            "Q2 2026-27",
            "--json",
        ],
    );
    let read: Vec<serde_json::Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| serde_json::json!([r["title"], r["direction"], r["actual"], r["rag"]]))
        .collect();
    assert_eq!(
        read,
        [
            // 5.1% against 5%, lower is better: 2% worse, within the 5% band.
            serde_json::json!(["Abandoned calls", "lower is better", 5.1, "Amber"]),
            serde_json::json!(["Arrests", "higher is better", 110, "Green"]),
            // 45 against 40, lower is better: 12.5% worse.
            serde_json::json!(["Repeat victims", "lower is better", 45, "Red"]),
        ]
    );
}
