//! `waymark report` uses the organisation's glossary as edited on the web reports page, with a
//! `--settings` file's terms over it.

use chrono::Local;

use crate::helpers::{client, fresh_data_dir, sign_in, start, succeed, waymark};

#[tokio::test]
async fn report_uses_the_glossary_edited_on_the_web_under_a_settings_files_terms() {
    let dir = fresh_data_dir("glossary");
    let server = start(&dir, "demo");
    let client = client();
    let csrf = sign_in(&client, &server.address, "priya.shah@northshire.example").await;
    let response = client
        .post(format!("{}/plans/1/reports/glossary", server.address))
        .form(&[
            ("csrf", csrf.as_str()),
            ("term", "ACC"),
            ("meaning", "Assistant Chief Constable (Northshire wording)"),
            ("original", "ACC"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    drop(server);

    let today = Local::now().date_naive().to_string();
    let report = |extra: &[&str]| -> String {
        let out = dir.join("report.html");
        succeed(
            waymark(&dir)
                .args(["report", "--plan", "1", "--as-at", &today, "--out"])
                .arg(&out)
                .args(extra),
        );
        std::fs::read_to_string(&out).unwrap()
    };
    let html = report(&[]);
    assert!(html.contains("Assistant Chief Constable (Northshire wording)"));

    let settings = dir.join("settings.json");
    std::fs::write(
        &settings,
        r#"{"author": "Head of Performance", "glossary": {"ACC": "From the file"}}"#,
    )
    .unwrap();
    let html = report(&["--settings", settings.to_str().unwrap()]);
    assert!(html.contains("From the file"));
    assert!(!html.contains("(Northshire wording)"));
}

/// With neither --period nor --as-at, the report is of the plan as it stands today.
#[test]
fn a_report_without_a_period_is_as_at_today() {
    let dir = fresh_data_dir("report-today");
    drop(start(&dir, "demo"));
    let out = dir.join("today.html");
    succeed(
        waymark(&dir)
            .args(["report", "--plan", "1", "--layout", "tracker", "--out"])
            .arg(&out),
    );
    let today = waymark_core::date::format_long(Local::now().date_naive());
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains(&format!("As at {today}")), "{today}");
}
