//! `waymark import` of a programme register in a layout of its own, and `waymark programme
//! --json` reading it back: project counts by area and status, funding by year with unknown
//! amounts counted, savings for the year, and the team's cost shared in proportion to grant to
//! the penny; and the demo's seed 003 programme.

use std::path::Path;

use crate::helpers::{fresh_data_dir, json, start, succeed, waymark};

/// A register laid out as nobody has seen it: a contributions sheet first, with the team's cost
/// above its table; then projects with the area as a column, money in thousands.
fn write_register(path: &Path) {
    write_register_edited(path, |_| {});
}

/// As [`write_register`], with the project sheet's rows (header first) edited first.
fn write_register_edited(path: &Path, edit: impl FnOnce(&mut Vec<Vec<String>>)) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheets: [(&str, &[&[&str]]); 2] = [
        (
            "Who pays",
            &[
                &["Central team budget", "£950k"],
                &["Method", "Split in proportion to police grant"],
                &[],
                &["Member", "Grant 2025/26 (£m)"],
                &["Alpha Police", "101.3"],
                &["Beta Constabulary", "77.7"],
                &["Gamma Police", "52"],
            ],
        ),
        (
            "Projects 2025-26",
            &[
                &[
                    "No.",
                    "Theme",
                    "Project name",
                    "Project status",
                    "Led by",
                    "Partners",
                    "Type of collaboration",
                    "PSA",
                    "2024/25 (£000)",
                    "2025/26 (£000)",
                    "Target saving",
                    "Savings achieved",
                ],
                &[
                    "1",
                    "Protective services",
                    "Major crime unit",
                    "Live",
                    "Alpha Police",
                    "All",
                    "Joint unit",
                    "23, 24",
                    "400",
                    "450 + 50",
                    "£300k",
                    "£120k",
                ],
                &[
                    "2",
                    "Protective services",
                    "Firearms training",
                    "Proposed 2026/27",
                    "Beta Constabulary",
                    "Alpha Police; Beta Constabulary",
                    "Lead force",
                    "24",
                    "",
                    "TBC",
                    "",
                    "",
                ],
                &[
                    "3",
                    "Support services",
                    "Shared vetting",
                    "Complete",
                    "Gamma Police",
                    "All",
                    "Service contract",
                    "24",
                    "75",
                    "xxx",
                    "£50,000",
                    "£55,000",
                ],
                &[
                    "4",
                    "Support services",
                    "Joint fleet",
                    "Stopped",
                    "Alpha Police",
                    "All",
                    "",
                    "",
                    "",
                    "12.5",
                    "",
                    "",
                ],
            ],
        ),
    ];
    let mut edit = Some(edit);
    for (name, rows) in sheets {
        let mut rows: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(|c| c.to_string()).collect())
            .collect();
        if name.starts_with("Projects")
            && let Some(edit) = edit.take()
        {
            edit(&mut rows);
        }
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_register_in_a_new_layout_imports_and_reads_back_to_the_penny() {
    let dir = fresh_data_dir("programme");
    let file = dir.join("collaboration register.xlsx");
    write_register(&file);
    let imported = json(&dir, &["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(imported["kind"], "programme", "{imported}");
    let plan = imported["plan"].as_i64().unwrap();
    let read = json(
        &dir,
        &[
            "programme",
            "--plan",
            &plan.to_string(),
            "--year",
            "2025/26",
            "--json",
        ],
    );
    assert_eq!(read["projects_by_area"]["Protective services"], 2, "{read}");
    assert_eq!(read["projects_by_area"]["Support services"], 2);
    for (status, count) in [
        ("current", 1),
        ("proposed", 1),
        ("complete", 1),
        ("stopped", 1),
    ] {
        assert_eq!(read["projects_by_status"][status], count, "{status}");
    }
    // 2025/26: £500,000 + £12,500 known; "TBC" and "xxx" counted as unknown.
    assert_eq!(
        read["funding_by_year"]["2025/26"]["known_pence"],
        51_250_000
    );
    assert_eq!(read["funding_by_year"]["2025/26"]["unknown_cells"], 2);
    assert_eq!(
        read["funding_by_year"]["2024/25"]["known_pence"],
        47_500_000
    );
    assert_eq!(read["savings"]["target_pence"], 35_000_000);
    assert_eq!(read["savings"]["realised_pence"], 17_500_000);
    assert_eq!(read["cost"]["total_pence"], 95_000_000);
    assert_eq!(read["cost"]["method"], "proportional:police-grant");
    // £950,000 in proportion to £101.3m, £77.7m and £52m (£231m): within a penny each, exact
    // in sum.
    let participants = read["participants"].as_array().unwrap();
    assert_eq!(participants.len(), 3);
    let mut sum = 0;
    for participant in participants {
        let share = participant["share_pence"].as_i64().unwrap();
        let grant = participant["basis"]["value"].as_i64().unwrap();
        let exact = 95_000_000_i128 * i128::from(grant);
        let diff = i128::from(share) * 23_100_000_000 - exact;
        assert!(diff.abs() < 23_100_000_000, "{participant}");
        sum += share;
    }
    assert_eq!(sum, 95_000_000);
    // The report writes from the same figures.
    let report = dir.join("report.html");
    succeed(waymark(&dir).args([
        "programme",
        "--plan",
        &plan.to_string(),
        "--year",
        "2025/26",
        "--report",
        report.to_str().unwrap(),
    ]));
    let html = std::fs::read_to_string(report).unwrap();
    assert!(html.contains("Annual collaboration report 2025/26"));
    assert!(html.contains("£950,000"));
}

#[test]
fn the_demo_has_seed_003s_programme_with_its_team_cost_shared() {
    let dir = fresh_data_dir("programme-demo");
    drop(start(&dir, "demo"));
    let plans = json(&dir, &["plans", "--json"]);
    let programme = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "collaboration")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let read = json(
        &dir,
        &[
            "programme",
            "--plan",
            &programme.to_string(),
            "--year",
            "2009/10",
            "--json",
        ],
    );
    assert_eq!(read["participants"].as_array().unwrap().len(), 5);
    assert_eq!(read["cost"]["total_pence"], 120_000_000);
    let shares: i64 = read["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["share_pence"].as_i64().unwrap())
        .sum();
    assert_eq!(shares, 120_000_000);
    assert!(
        read["participants"][0]["basis"]["illustrative"]
            .as_bool()
            .unwrap()
    );
    assert_eq!(read["projects_by_area"]["Protective services"], 15);
    assert_eq!(read["projects_by_area"]["Productivity"], 11);
    assert_eq!(read["projects_by_area"]["Business support"], 11);
    assert_eq!(read["projects_by_status"]["current"], 21);
    assert_eq!(read["projects_by_status"]["proposed"], 16);
    // Seed 003's table: EMSOU's £1.5m and Regional Crime Training's £0.17m in 2009/10, and
    // ANPR's "xxx".
    assert_eq!(
        read["funding_by_year"]["2009/10"]["known_pence"],
        167_000_000
    );
    assert_eq!(read["funding_by_year"]["2009/10"]["unknown_cells"], 1);
    // Joint procurement £0.5m, Home Office support £0.34m, ANPR "800k plus 260k", EMSOU £2.3m.
    assert_eq!(
        read["funding_by_year"]["2006/07"]["known_pence"],
        420_000_000
    );
    assert_eq!(read["savings"]["target_pence"], 120_000_000);
}

#[test]
fn a_register_imported_again_into_its_programme_changes_only_what_changed() {
    let dir = fresh_data_dir("programme_again");
    let file = dir.join("collaboration register.xlsx");
    write_register(&file);
    let imported = json(&dir, &["import", file.to_str().unwrap(), "--json"]);
    let plan = imported["plan"].as_i64().unwrap().to_string();
    // A quarter on: firearms training is live, joint fleet has £20k for 2024/25, and shared
    // vetting is no longer in the register.
    let later = dir.join("collaboration register Q2.xlsx");
    write_register_edited(&later, |rows| {
        rows.retain(|row| row[2] != "Shared vetting");
        for row in rows.iter_mut() {
            match row[2].as_str() {
                "Firearms training" => row[3] = "Live".into(),
                "Joint fleet" => row[8] = "20".into(),
                _ => {}
            }
        }
    });
    let later = later.to_str().unwrap();
    let dry = json(
        &dir,
        &["import", later, "--plan", &plan, "--dry-run", "--json"],
    );
    assert_eq!(dry["dry_run"], true, "{dry}");
    let again = &dry["reimport"];
    assert_eq!(again["projects_added"], 0, "{dry}");
    assert_eq!(again["projects_changed"], 2);
    assert_eq!(again["projects_unchanged"], 1);
    assert_eq!(
        again["projects_missing"],
        serde_json::json!(["Shared vetting"])
    );
    assert_eq!(again["funding_added"], 1);
    let stored = json(&dir, &["import", later, "--plan", &plan, "--json"]);
    assert_eq!(stored["plan"].as_i64().unwrap().to_string(), plan);
    assert_eq!(stored["reimport"], dry["reimport"]);
    let read = json(
        &dir,
        &["programme", "--plan", &plan, "--year", "2024/25", "--json"],
    );
    // £400k for the major crime unit, £75k for shared vetting (kept), and joint fleet's £20k.
    assert_eq!(
        read["funding_by_year"]["2024/25"]["known_pence"], 49_500_000,
        "{read}"
    );
    assert_eq!(read["projects_by_status"]["current"], 2);
    assert_eq!(read["projects_by_status"].get("proposed"), None);
    // The same file again changes nothing.
    let out = succeed(waymark(&dir).args(["import", later, "--plan", &plan]));
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.contains("0 added, 0 changed, 3 unchanged"), "{out}");
    assert!(out.contains("Nothing has changed since the register was last imported."));
    assert!(out.contains("Shared vetting: no longer in the register (kept)"));
}

#[test]
fn the_annual_report_is_published_from_the_command_line_and_a_second_is_its_next_version() {
    let dir = fresh_data_dir("programme_publish");
    let file = dir.join("collaboration register.xlsx");
    write_register(&file);
    let imported = json(&dir, &["import", file.to_str().unwrap(), "--json"]);
    let plan = imported["plan"].as_i64().unwrap().to_string();
    let listed = succeed(waymark(&dir).args(["programme", "--plan", &plan, "--published"]));
    assert!(
        String::from_utf8_lossy(&listed.stdout)
            .contains("No annual collaboration report of this programme has been published yet.")
    );
    let paper = dir.join("annual.html");
    let publish = |year: &str| {
        let output = succeed(waymark(&dir).args([
            "programme",
            "--plan",
            &plan,
            "--year",
            year,
            "--report",
            paper.to_str().unwrap(),
            "--publish",
        ]));
        String::from_utf8(output.stdout).unwrap()
    };
    let said = publish("2025/26");
    assert!(
        said.contains("Published the 2025/26 annual collaboration report as report"),
        "{said}"
    );
    assert!(said.contains("version 1 (docx, html, pdf, xlsx)"), "{said}");
    let first = std::fs::read_to_string(&paper).unwrap();
    assert!(first.contains("Annual collaboration report 2025/26"));
    assert!(first.contains("£950,000"));
    assert!(first.contains("Published "));
    assert!(publish("2025/26").contains("version 2"));
    let listed = json(
        &dir,
        &["programme", "--plan", &plan, "--published", "--json"],
    );
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{listed}");
    assert_eq!(rows[0]["version"], 2);
    assert_eq!(rows[1]["version"], 1);
    assert_eq!(rows[0]["period"], "2025/26");
    assert_eq!(rows[0]["layout"], "collaboration");
    assert_eq!(rows[0]["published_by"], "command line");
    // --publish needs --report.
    let refused = waymark(&dir)
        .args(["programme", "--plan", &plan, "--publish"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
}
