//! A plan's performance indicators: the table for a period, one indicator's page with its chart
//! and history, recording a figure through the form (and its errors), the JSON API, and that
//! another organisation sees none of it. The fixture has no indicators; each test adds them
//! through the store.

use chrono::{TimeZone, Utc};
use waymark_core::indicator::{
    Calendar, Direction, Figure, Indicator, IndicatorId, MeasureType, Measurement, Period, Unit,
    Wording,
};
use waymark_core::{PlanId, Rag};
use waymark_store::{NewIndicator, NewMeasurement, Scope};

use crate::helpers::{TestApp, hidden_value, spawn_app};

struct Fixture {
    satisfaction: IndicatorId,
    confiscation: IndicatorId,
    diagnostic: IndicatorId,
    survey: IndicatorId,
}

fn period(text: &str) -> Period {
    Period::parse(text).unwrap()
}

fn indicator(
    title: &str,
    wording: Wording,
    unit: Unit,
    measure: MeasureType,
    calendar: Calendar,
    target: Option<Figure>,
) -> Indicator {
    Indicator {
        annual_target: target,
        ..Indicator::new(
            IndicatorId(0),
            title,
            wording,
            unit,
            Direction::HigherIsBetter,
            measure,
            calendar,
        )
    }
}

/// Four indicators in the fixture's plan, with figures up to the end of December 2014 ("today"
/// is 16 February 2015, so the latest quarter ended is Q3 2014-15).
async fn with_indicators(app: &TestApp) -> Fixture {
    let store = &app.store;
    let plan = store.plan(Scope::All, PlanId(app.plan)).await.unwrap();
    let mut ids = Vec::new();
    let specs = [
        indicator(
            "Increase satisfaction with the overall service provided",
            Wording::new("overall satisfaction with the service provided"),
            Unit::Percent,
            MeasureType::Level,
            Calendar::Quarterly,
            Some(Figure::whole(80)),
        ),
        indicator(
            "The minimum value of confiscation orders",
            Wording::new("the value of confiscation orders"),
            Unit::Money,
            MeasureType::Cumulative,
            Calendar::Monthly,
            Some(Figure::from_pence(300_000_000)),
        ),
        indicator(
            "Intelligence reports submitted",
            Wording::new("the number of intelligence reports submitted"),
            Unit::Count,
            MeasureType::Level,
            Calendar::Quarterly,
            None,
        ),
        indicator(
            "Agree the police deal with the issues that matter",
            Wording::new("the share of people who agree the police deal with what matters"),
            Unit::Percent,
            MeasureType::Level,
            Calendar::Quarterly,
            Some(Figure::from_hundredths(3610)),
        ),
    ];
    for (position, spec) in specs.into_iter().enumerate() {
        let objective = (position == 0).then_some(app.action);
        let stored = store
            .create_indicator(&NewIndicator {
                org: plan.org,
                plan: plan.id,
                indicator: Indicator { objective, ..spec },
                owner_post: Some("Head of Contact Management".into()),
                position: position as i64,
            })
            .await
            .unwrap();
        ids.push(stored.indicator.id);
    }
    let entered = Utc.with_ymd_and_hms(2015, 1, 12, 10, 30, 0).unwrap();
    let record = |indicator: IndicatorId, measurement: Measurement| NewMeasurement {
        indicator,
        measurement,
        entered_by: "Performance analyst".into(),
        entered_at: Some(entered),
        reason: None,
    };
    store
        .record_measurements(
            Scope::Org(plan.org),
            &[
                record(
                    ids[0],
                    Measurement::new(period("Q2 2014-15"), Figure::from_hundredths(8010))
                        .with_last_year(Figure::from_hundredths(7710)),
                ),
                record(
                    ids[0],
                    Measurement::new(period("Q3 2014-15"), Figure::from_hundredths(8040)),
                ),
                record(
                    ids[1],
                    Measurement::new(period("November 2014"), Figure::from_pence(190_000_000)),
                ),
                record(
                    ids[1],
                    Measurement::new(period("December 2014"), Figure::from_pence(210_974_700)),
                ),
                record(
                    ids[2],
                    Measurement::new(period("Q3 2014-15"), Figure::whole(1_204)),
                ),
                record(ids[3], Measurement::not_yet_available(period("Q3 2014-15"))),
            ],
        )
        .await
        .unwrap();
    Fixture {
        satisfaction: ids[0],
        confiscation: ids[1],
        diagnostic: ids[2],
        survey: ids[3],
    }
}

async fn text(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn the_table_shows_every_indicator_for_the_latest_quarter_with_rag_as_word_and_colour() {
    let app = spawn_app().await;
    with_indicators(&app).await;
    app.sign_in().await;

    let (status, plan_page) = text(&app, &format!("/plans/{}", app.plan)).await;
    assert_eq!(status, 200);
    assert!(plan_page.contains(&format!("href=\"/plans/{}/indicators\"", app.plan)));

    let (status, html) = text(&app, &format!("/plans/{}/indicators", app.plan)).await;
    assert_eq!(status, 200, "{html}");
    for expected in [
        "Performance indicators, Q3 2014-15",
        // Grouped under the objective the indicator serves.
        "4.43a Issue guidance on repeat and vulnerable victims",
        "Increase satisfaction with the overall service provided",
        "80.4%",
        "wm-rag--green\">Green</strong>",
        "which exceeds the target of 80%",
        // The monthly indicator shows the quarter's last month, against the pro-rata target.
        "Figures for December 2014",
        "£2,109,747",
        "£2,250,000",
        "of £3,000,000 for the year",
        "wm-rag--amber\">Amber</strong>",
        "wm-rag--grey\">No target</strong>",
        "wm-rag--grey\">Not yet available</strong>",
        "<option value=\"Q3 2014-15\" selected>",
        "<option value=\"Q2 2014-15\">",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    // The plan's quarterly indicators have no December: the list offers only periods every
    // indicator reports, so no choice is one the page would refuse (issue #24).
    assert!(!html.contains("<option value=\"December 2014\">"));
    assert!(!html.contains("<option value=\"P6 2014-15\">"));
    assert!(!html.contains(" style="), "the CSP forbids inline styles");

    let (status, q2) = text(
        &app,
        &format!("/plans/{}/indicators?period=Q2+2014-15", app.plan),
    )
    .await;
    assert_eq!(status, 200);
    assert!(q2.contains("Performance indicators, Q2 2014-15"));
    assert!(
        q2.contains("80.1%") && q2.contains("77.1%"),
        "actual and last year"
    );

    // A period the indicators do not report (a four-week period, a month of a quarterly
    // one): refused in the error summary with the periods reported; the page shows the
    // default period under its own name, never the neighbouring period's figures (issue #24).
    for asked in ["P6+2014-15", "August+2014"] {
        let (status, refused) = text(
            &app,
            &format!("/plans/{}/indicators?period={asked}", app.plan),
        )
        .await;
        assert_eq!(status, 422, "{asked}");
        assert!(
            refused.contains("<title>Error: Performance indicators, Q3 2014-15"),
            "{refused}"
        );
        assert!(
            refused.contains("this indicator reports quarters: Q1 2014-15, Q2 2014-15"),
            "{refused}"
        );
    }

    // A period that is not one: the page for the latest quarter, with the GOV.UK error pattern.
    let (status, bad) = text(
        &app,
        &format!("/plans/{}/indicators?period=Q5+2014-15", app.plan),
    )
    .await;
    assert_eq!(status, 422);
    let message = "Choose a period from the list – “Q5 2014-15” is not a period";
    assert!(
        bad.contains("<title>Error: Performance indicators, Q3 2014-15"),
        "{bad}"
    );
    assert!(
        bad.contains(&format!("<a href=\"#period\">{message}</a>")),
        "{bad}"
    );
    assert!(
        bad.contains("govuk-form-group govuk-form-group--error"),
        "{bad}"
    );
    assert!(
        bad.contains(&format!(
            "<p id=\"period-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {message}</p>"
        )),
        "{bad}"
    );
    assert!(
        bad.contains("govuk-select govuk-select--error\" id=\"period\" name=\"period\" aria-describedby=\"period-error\""),
        "{bad}"
    );
    assert!(
        bad.contains("<option value=\"Q3 2014-15\" selected>"),
        "{bad}"
    );
    assert!(bad.contains("Increase satisfaction with the overall service provided"));
}

#[tokio::test]
async fn an_indicator_page_has_a_chart_with_a_text_alternative_and_the_history() {
    let app = spawn_app().await;
    let fixture = with_indicators(&app).await;
    app.sign_in().await;
    let (status, html) = text(&app, &format!("/indicators/{}", fixture.confiscation.0)).await;
    assert_eq!(status, 200, "{html}");
    for expected in [
        "The minimum value of confiscation orders",
        "role=\"img\"",
        "<title id=\"chart-title\">The minimum value of confiscation orders, 2014-15</title>",
        "Figures for 2 of the 12 periods of 2014-15; the latest is £2,109,747 for December 2014",
        "<polyline",
        "Target profiled to date",
        "The figures in the chart",
        "Performance analyst",
        "12 January 2015 at",
        // The owner is shown by post, with the person holding it.
        "Head of Contact Management (Olu Owner)",
        "name=\"csrf\"",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    assert!(!html.contains(" style="), "the CSP forbids inline styles");

    let (status, diagnostic) = text(&app, &format!("/indicators/{}", fixture.diagnostic.0)).await;
    assert_eq!(status, 200);
    assert!(diagnostic.contains("No target: a diagnostic indicator"));
}

#[tokio::test]
async fn recording_a_figure_appends_it_and_mistakes_are_explained() {
    let app = spawn_app().await;
    let fixture = with_indicators(&app).await;
    app.sign_in().await;
    let path = format!("/indicators/{}", fixture.confiscation.0);
    let (_, page) = text(&app, &path).await;
    let csrf = hidden_value(&page, "csrf");

    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = fields;
        form.push(("csrf", csrf.clone()));
        app.client.post(app.url(&path)).form(&form).send()
    };

    // Every mistake at once, each explained in the error summary and beside its field.
    let response = post(vec![
        ("period", "Q3 2014-15".into()),
        ("actual", "two million".into()),
    ])
    .await
    .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("govuk-error-summary"));
    assert!(html.contains("href=\"#period\""));
    assert!(html.contains("This indicator is reported monthly"));
    assert!(html.contains("href=\"#actual\""));
    assert!(html.contains("Enter the figure as a number"));
    assert!(
        html.contains("value=\"two million\""),
        "what was typed is kept"
    );

    for (fields, message) in [
        (
            vec![
                ("period", "March 2015".to_string()),
                ("actual", "1".to_string()),
            ],
            "March 2015 has not started yet",
        ),
        (
            vec![("period", "January 2015".to_string())],
            "Enter the figure, or select not yet available",
        ),
        (
            vec![
                ("period", "January 2015".to_string()),
                ("actual", "1".to_string()),
                ("not_yet_available", "yes".to_string()),
            ],
            "not both",
        ),
        (
            vec![("period", "".to_string()), ("actual", "1".to_string())],
            "Enter the period the figure is for",
        ),
    ] {
        let response = post(fields).await.unwrap();
        assert_eq!(response.status(), 422);
        assert!(
            response.text().await.unwrap().contains(message),
            "{message}"
        );
    }
    let scope = Scope::All;
    assert_eq!(
        app.store
            .measurement_history(scope, fixture.confiscation)
            .await
            .unwrap()
            .len(),
        2,
        "nothing invalid is stored"
    );

    let response = post(vec![
        ("period", "January 2015".into()),
        ("actual", "£2,400,000".into()),
        ("same_period_last_year", "1,950,000.50".into()),
    ])
    .await
    .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!("{path}?period=January+2015&recorded=1#history")
    );
    let history = app
        .store
        .measurement_history(scope, fixture.confiscation)
        .await
        .unwrap();
    let latest = history.last().unwrap();
    assert_eq!(latest.entered_by, "Olu Owner");
    assert_eq!(
        latest.measurement,
        Measurement::new(period("January 2015"), Figure::from_pence(240_000_000))
            .with_last_year(Figure::from_pence(195_000_050))
    );
    let (_, after) = text(&app, location.trim_end_matches("#history")).await;
    assert!(after.contains("The figure for January 2015 has been recorded."));
    assert!(after.contains("£2,400,000"));
    assert!(after.contains("Olu Owner"));

    // Not yet available is a figure of its own: the fixture's Q3 is one, so entering it again
    // stores nothing; the figure that arrives later replaces it (saying why) and both are kept.
    let survey = format!("/indicators/{}", fixture.survey.0);
    let before = app
        .store
        .measurement_history(scope, fixture.survey)
        .await
        .unwrap()
        .len();
    for fields in [
        vec![
            ("period", "Q3 2014-15".to_string()),
            ("not_yet_available", "yes".to_string()),
        ],
        vec![
            ("period", "Q3 2014-15".to_string()),
            ("actual", "36.4%".to_string()),
            ("reason", "The survey's results arrived".to_string()),
        ],
    ] {
        let mut form = fields;
        form.push(("csrf", csrf.clone()));
        let response = app
            .client
            .post(app.url(&survey))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
    }
    let survey_history = app
        .store
        .measurement_history(scope, fixture.survey)
        .await
        .unwrap();
    assert_eq!(survey_history.len(), before + 1, "{survey_history:?}");
    let (nya, figure) = (&survey_history[before - 1], &survey_history[before]);
    assert_eq!(
        nya.measurement.actual,
        waymark_core::indicator::Actual::NotYetAvailable
    );
    assert_eq!(figure.supersedes, Some(nya.id));
    assert_eq!(
        figure.reason.as_deref(),
        Some("The survey's results arrived")
    );
    let (_, survey_page) = text(&app, &survey).await;
    assert!(survey_page.contains("Replaced by a later entry"));
    assert!(survey_page.contains("36.4%"));

    // Without the session's CSRF token nothing is stored.
    let forged = app
        .client
        .post(app.url(&path))
        .form(&[
            ("period", "January 2015"),
            ("actual", "1"),
            ("csrf", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}

#[tokio::test]
async fn the_api_returns_the_json_contract() {
    let app = spawn_app().await;
    let fixture = with_indicators(&app).await;
    app.sign_in().await;
    let response = app
        .client
        .get(app.url(&format!(
            "/api/plans/{}/indicators?period=Q3%202014-15",
            app.plan
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let find = |id: IndicatorId| {
        rows.iter()
            .find(|row| row["id"] == serde_json::json!(id.0))
            .unwrap()
            .clone()
    };
    let satisfaction = find(fixture.satisfaction);
    assert_eq!(satisfaction["unit"], "percent");
    assert_eq!(satisfaction["actual"], serde_json::json!(80.4));
    assert_eq!(satisfaction["target_for_period"], serde_json::json!(80));
    assert_eq!(satisfaction["rag"], Rag::Green.word());
    assert!(satisfaction["state"].is_null());
    assert!(satisfaction["on_track"].is_boolean());
    assert!(satisfaction["sentence"].as_str().unwrap().contains("80.4%"));

    let confiscation = find(fixture.confiscation);
    assert_eq!(confiscation["unit"], "money");
    assert_eq!(confiscation["period"], "December 2014");
    assert_eq!(confiscation["actual"], serde_json::json!(2_109_747));
    assert_eq!(
        confiscation["target_for_period"],
        serde_json::json!(2_250_000)
    );
    assert_eq!(confiscation["annual_target"], serde_json::json!(3_000_000));
    assert_eq!(confiscation["rag"], "Amber");
    assert!(confiscation["forecast"].is_number());

    let diagnostic = find(fixture.diagnostic);
    assert!(diagnostic["rag"].is_null());
    assert_eq!(diagnostic["state"], "no target");
    assert!(diagnostic["on_track"].is_null());
    let survey = find(fixture.survey);
    assert!(survey["actual"].is_null());
    assert_eq!(survey["state"], "not yet available");

    let bad = app
        .client
        .get(app.url(&format!("/api/plans/{}/indicators?period=soon", app.plan)))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "period");
}

/// A period named that is not one of an indicator's own periods is refused with the periods it
/// reports, never answered with a neighbouring period (issue #24).
#[tokio::test]
async fn the_api_refuses_a_period_an_indicator_does_not_report() {
    let app = spawn_app().await;
    with_indicators(&app).await;
    app.sign_in().await;
    let get = |period: &'static str| {
        let url = app.url(&format!(
            "/api/plans/{}/indicators?period={}",
            app.plan,
            period.replace(' ', "%20").replace('/', "%2F")
        ));
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    // P6 is a four-week period: the quarterly and the monthly indicators both refuse it, as
    // they are (409).
    let refused = get("P6 2014-15").await;
    assert_eq!(refused.status(), 409);
    let body: serde_json::Value = refused.json().await.unwrap();
    let messages: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["field"], "period");
            f["message"].as_str().unwrap()
        })
        .collect();
    assert!(
        messages.iter().any(|m| m.starts_with(
            "P6 2014-15 is a four-week period; this indicator reports quarters: \
             Q1 2014-15, Q2 2014-15, Q3 2014-15, Q4 2014-15 (indicators: \
             Increase satisfaction with the overall service provided"
        )),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with(
            "P6 2014-15 is a four-week period; this indicator reports months: April 2014, "
        ) && m
            .contains("March 2015 (indicator: The minimum value of confiscation orders)")),
        "{messages:?}"
    );
    // A month is not a quarter: August does not stand for Q1 (nor September for Q2).
    for month in ["August 2014", "September 2014"] {
        let refused = get(month).await;
        assert_eq!(refused.status(), 409, "{month}");
        let body = refused.text().await.unwrap();
        assert!(body.contains("this indicator reports quarters"), "{body}");
        assert!(!body.contains("months"), "{body}");
    }
    // Every form of a quarter and the year is answered exactly.
    for quarter in ["Q2 2014-15", "2014-15 Q2", "Quarter 2 2014/15"] {
        let answered = get(quarter).await;
        assert_eq!(answered.status(), 200, "{quarter}");
        let rows: serde_json::Value = answered.json().await.unwrap();
        let periods: Vec<&str> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["period"].as_str().unwrap())
            .collect();
        assert_eq!(
            periods,
            ["Q2 2014-15", "September 2014", "Q2 2014-15", "Q2 2014-15"]
        );
    }
    let year = get("2014-15").await;
    assert_eq!(year.status(), 200);
    // Out of range is not a period at all.
    for bad in ["P14 2014-15", "Q5 2014-15", "Q0 2014-15"] {
        assert_eq!(get(bad).await.status(), 422, "{bad}");
    }
}

#[tokio::test]
async fn another_organisation_sees_no_indicators() {
    let app = spawn_app().await;
    let fixture = with_indicators(&app).await;
    let other = TestApp::new_client();
    assert_eq!(
        app.sign_in_as(&other, "other@other.example").await.status(),
        303
    );
    for path in [
        format!("/plans/{}/indicators", app.plan),
        format!("/indicators/{}", fixture.satisfaction.0),
        format!("/api/plans/{}/indicators", app.plan),
    ] {
        let response = other.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let page = app
        .text_as(&other, &format!("/plans/{}/indicators", app.other_plan))
        .await;
    assert!(page.contains("This plan has no performance indicators yet."));
    let csrf = hidden_value(&page, "csrf");
    let response = other
        .post(app.url(&format!("/indicators/{}", fixture.satisfaction.0)))
        .form(&[
            ("period", "Q3 2014-15"),
            ("actual", "1"),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn the_table_for_a_period_downloads_as_csv_with_figures_as_numbers() {
    let app = spawn_app().await;
    with_indicators(&app).await;
    app.sign_in().await;
    let (_, page) = text(
        &app,
        &format!("/plans/{}/indicators?period=Q3+2014-15", app.plan),
    )
    .await;
    let csv_href = format!(
        "/plans/{}/indicators?period=Q3+2014-15&#38;format=csv",
        app.plan
    );
    assert!(page.contains(&csv_href), "the page offers its download");

    let (status, csv) = text(
        &app,
        &format!(
            "/plans/{}/indicators?period=Q3+2014-15&format=csv",
            app.plan
        ),
    )
    .await;
    assert_eq!(status, 200, "{csv}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "Protective marking: OFFICIAL");
    assert!(
        lines[1].starts_with(
            "Objective,Indicator,Period,Unit,Better,Target for the period,Target for the year,Actual,"
        ),
        "{csv}"
    );
    // Satisfaction: 80.4% against 80 in Q3, a number and not "80.4%"; confiscation in pounds,
    // answered for its own month (December 2014).
    let satisfaction = lines
        .iter()
        .find(|line| line.contains("Increase satisfaction"))
        .expect("satisfaction row");
    assert!(
        satisfaction.contains(",Q3 2014-15,%,Higher,80,80,80.4,"),
        "{satisfaction}"
    );
    let confiscation = lines
        .iter()
        .find(|line| line.contains("confiscation orders"))
        .expect("confiscation row");
    assert!(
        confiscation.contains(",December 2014,£,Higher,"),
        "{confiscation}"
    );
    assert!(confiscation.contains(",2109747,"), "{confiscation}");
    assert_eq!(lines.len(), 2 + 4, "a row per indicator: {csv}");

    let response = app
        .client
        .get(app.url(&format!("/plans/{}/indicators?format=xlsx", app.plan)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
}
