//! Collaboration programmes through the application layer: a register imported as it is, its
//! figures, and who sees it (participants with their own roles; a non-participant nothing).

use waymark_app::AppError;
use waymark_app::imports::{ImportChoices, ImportResult, ImportTarget, parse_workbook};
use waymark_core::indicator::FinancialYear;
use waymark_io::PreviewOptions;
use waymark_io::table::{Format, Table, Workbook};

use crate::fixture::{Fixture, fixtures, today};

/// A register in a layout of its own: projects grouped under area headings, participants
/// written "All" or as a list, money as people write it, a contributions sheet of grants.
fn register() -> Workbook {
    Workbook {
        file: "northern register.xlsx".into(),
        format: Format::Xlsx,
        preamble: Vec::new(),
        tables: vec![
            Table::of_rows(
                "Register",
                &[
                    &["Northern collaboration programme register 2026/27"],
                    &[
                        "Initiative",
                        "Status",
                        "Lead force",
                        "Participating forces",
                        "Model",
                        "APACS",
                        "PSA",
                        "Funding 2025/26",
                        "Funding 2026/27",
                        "Savings target",
                        "Savings realised",
                        "Latest update",
                        "Lead only",
                    ],
                    &["Protective services"],
                    &[
                        "Regional witness protection",
                        "Current",
                        "Northshire Police",
                        "All",
                        "Joint unit",
                        "Promoting safety Serious crime & protection",
                        "23, 24",
                        "£150k",
                        "£250k + £40k",
                        "£100k",
                        "£60,000",
                        "Protected persons unit open",
                        "",
                    ],
                    &[
                        "Hi-tech crime lab",
                        "Proposed for 2027",
                        "Southshire",
                        "Northshire, Southshire",
                        "Lead force",
                        "Serious crime & protection",
                        "23",
                        "",
                        "xxx",
                        "tbc",
                        "",
                        "",
                        "",
                    ],
                    &["Business support"],
                    &[
                        "Shared payroll",
                        "Live",
                        "NCC",
                        "All",
                        "Service contract",
                        "Organisational management",
                        "24",
                        "",
                        "lots",
                        "£200k",
                        "£200k",
                        "Contract let",
                        "",
                    ],
                    &[
                        "Estates review",
                        "Current",
                        "Northshire Police",
                        "Northshire",
                        "",
                        "",
                        "",
                        "",
                        "£10k",
                        "",
                        "",
                        "",
                        "Yes",
                    ],
                ],
            ),
            Table::of_rows(
                "Contributions",
                &[
                    &["Organisation", "Police grant (£)", "Stated contribution"],
                    &["Northshire Police", "£93.4m", ""],
                    &["Southshire", "£61,250,000", ""],
                    &["NCC", "£20.35m", ""],
                    &["Total", "", ""],
                    &[],
                    &["Team cost 2026/27", "£1,200,000"],
                    &["Shared in proportion to", "police grant"],
                ],
            ),
        ],
    }
}

async fn import(f: &Fixture) -> waymark_core::PlanId {
    let admin = f.admin().await;
    let parsed = parse_workbook(register(), &PreviewOptions::new(today())).unwrap();
    let result = f
        .app
        .import_parsed(
            &admin,
            "northern register.xlsx",
            &parsed,
            &ImportTarget::New {
                org: None,
                title: None,
                kind: None,
            },
            false,
            ImportChoices::default(),
        )
        .await
        .unwrap();
    let ImportResult::Programme { plan, outcome, .. } = &result else {
        panic!("not read as a programme: {result:?}");
    };
    assert_eq!(outcome.projects, 4);
    assert_eq!(outcome.organisations_added, vec!["Southshire".to_string()]);
    assert!(
        outcome
            .findings
            .iter()
            .any(|f| f.row == 7 && f.column == "Funding 2026/27" && f.message.contains("lots")),
        "{:?}",
        outcome.findings
    );
    waymark_core::PlanId(plan.unwrap())
}

#[tokio::test]
async fn a_register_imports_with_its_counts_funding_savings_and_cost_shares() {
    for f in fixtures("app_programme_import").await {
        let plan = import(&f).await;
        let admin = f.admin().await;
        let year = FinancialYear::parse("2026/27").unwrap();
        let summary = f.app.programme_summary(&admin, plan, year).await.unwrap();
        assert_eq!(
            summary.plan.plan.kind,
            waymark_core::PlanKind::Collaboration
        );
        assert_eq!(summary.projects_by_area["Protective services"], 2);
        assert_eq!(summary.projects_by_area["Business support"], 2);
        assert_eq!(summary.projects_by_status["current"], 3);
        assert_eq!(summary.projects_by_status["proposed"], 1);
        // 2026/27: £290,000 + £10,000 known; "xxx" unknown; "lots" unreadable and left out.
        let funding = summary.funding_by_year[&year];
        assert_eq!(
            (funding.known_pence, funding.unknown_count),
            (30_000_000, 1)
        );
        assert_eq!(
            summary.funding_by_year[&FinancialYear::parse("2025/26").unwrap()].known_pence,
            15_000_000
        );
        assert_eq!(summary.progress.target, Some(30_000_000));
        assert_eq!(summary.progress.realised, 26_000_000);
        // £1.2m in proportion to grants of £93.4m, £61.25m and £20.35m (£175m in all).
        let shares: Vec<(String, i64)> = summary
            .participants
            .iter()
            .map(|p| (p.organisation.name.clone(), p.share_pence.unwrap()))
            .collect();
        assert_eq!(shares.iter().map(|(_, p)| p).sum::<i64>(), 120_000_000);
        for (participant, (name, pence)) in summary.participants.iter().zip(&shares) {
            let grant = i128::from(participant.basis.as_ref().unwrap().value);
            let exact = 120_000_000_i128 * grant;
            let diff = i128::from(*pence) * 17_500_000_000 - exact;
            assert!(diff.abs() < 17_500_000_000, "{name}: {pence}");
        }
        assert_eq!(shares[0], ("Northshire Police".to_string(), 64_045_714));
        let statement = &summary.cost.as_ref().unwrap().statement;
        assert!(
            statement.iter().any(|l| l.contains("remainder")),
            "{statement:?}"
        );
        // The framework matrix: APACS and PSA columns, a row per tagged project.
        assert_eq!(summary.matrix.taxonomies[0].name, "APACS");
        assert_eq!(summary.matrix.taxonomies[1].values, vec!["23", "24"]);
        assert_eq!(summary.matrix.rows.len(), 3);
    }
}

#[tokio::test]
async fn participants_see_the_programme_and_a_non_participant_sees_nothing_of_it() {
    for f in fixtures("app_programme_access").await {
        let plan = import(&f).await;
        let year = FinancialYear::parse("2026/27").unwrap();
        // The council takes part: its contributor sees the programme and its shared projects,
        // but not the project the lead keeps to itself, nor its money.
        let partner = f.partner().await;
        let summary = f.app.programme_summary(&partner, plan, year).await.unwrap();
        let names: Vec<&str> = summary.projects.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "Regional witness protection",
                "Hi-tech crime lab",
                "Shared payroll"
            ]
        );
        assert_eq!(summary.funding_by_year[&year].known_pence, 29_000_000);
        assert!(
            f.app
                .programmes(&partner)
                .await
                .unwrap()
                .iter()
                .any(|v| v.plan.id == plan)
        );
        let found = f.app.search(&partner, plan, "payroll").await.unwrap();
        assert_eq!(found.len(), 1);
        assert!(
            f.app
                .search(&partner, plan, "estates")
                .await
                .unwrap()
                .is_empty()
        );
        // Other Police does not take part: not found, everywhere.
        let outsider = f.outsider().await;
        assert!(matches!(
            f.app.programme_summary(&outsider, plan, year).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            f.app.search(&outsider, plan, "payroll").await,
            Err(AppError::NotFound)
        ));
        assert!(
            f.app
                .visible_plans(&outsider)
                .await
                .unwrap()
                .iter()
                .all(|v| v.plan.id != plan)
        );
        // The lead's own people see everything, the kept project too.
        let admin = f.admin().await;
        let all = f.app.programme_summary(&admin, plan, year).await.unwrap();
        assert_eq!(all.projects.len(), 4);
    }
}

#[tokio::test]
async fn the_collaboration_report_is_built_from_the_data_and_narrowed_like_the_pages() {
    for f in fixtures("app_programme_report").await {
        let plan = import(&f).await;
        let year = FinancialYear::parse("2026/27").unwrap();
        let admin = f.admin().await;
        let (name, html) = f
            .app
            .collaboration_report(&admin, plan, year, waymark_report::Format::Html)
            .await
            .unwrap();
        assert_eq!(name, "annual-collaboration-report-2026-27.html");
        let html = String::from_utf8(html).unwrap();
        for expected in [
            "Annual collaboration report 2026/27",
            "<h2>4. The cost share per organisation</h2>",
            "<td>Northshire Police</td><td class=\"n\">£93,400,000</td>",
            "£640,457.14",
            "<tr class=\"total\"><td>Total</td><td class=\"n\"></td><td class=\"n\">100.00%</td><td class=\"n\">£1,200,000</td></tr>",
            "<td>2026/27</td><td class=\"n\">£300,000</td><td>1 amount not known</td>",
            "Estates review",
        ] {
            assert!(
                html.contains(expected),
                "{expected} missing on {}",
                f.backend
            );
        }
        for format in [
            waymark_report::Format::Pdf,
            waymark_report::Format::Docx,
            waymark_report::Format::Xlsx,
        ] {
            let (_, bytes) = f
                .app
                .collaboration_report(&admin, plan, year, format)
                .await
                .unwrap();
            assert!(bytes.len() > 1000, "{format:?}");
        }
        // The partner's report leaves out what the lead keeps to itself.
        let partner = f.partner().await;
        let (_, html) = f
            .app
            .collaboration_report(&partner, plan, year, waymark_report::Format::Html)
            .await
            .unwrap();
        let html = String::from_utf8(html).unwrap();
        assert!(!html.contains("Estates review"));
        assert!(html.contains("<td>2026/27</td><td class=\"n\">£290,000</td>"));
        let outsider = f.outsider().await;
        assert!(matches!(
            f.app
                .collaboration_report(&outsider, plan, year, waymark_report::Format::Html)
                .await,
            Err(AppError::NotFound)
        ));
    }
}

#[tokio::test]
async fn a_participant_leaving_mid_year_pays_to_the_day_it_left_and_sees_the_programme_no_more() {
    for f in fixtures("app_programme_leave").await {
        let plan = import(&f).await;
        let year = FinancialYear::parse("2026/27").unwrap();
        let admin = f.admin().await;
        let left_on = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        // Only the lead's managers record the programme's facts.
        let leaving = waymark_app::model::ProgrammeChanges {
            participants: vec![waymark_core::programme::Participant {
                org: f.partner,
                is_lead: false,
                joined_on: None,
                left_on: Some(left_on),
            }],
            ..Default::default()
        };
        assert!(matches!(
            f.app
                .record_programme(&f.partner().await, plan, leaving.clone(), "leaving")
                .await,
            Err(AppError::Forbidden)
        ));
        f.app
            .record_programme(&admin, plan, leaving, "The council leaves on 30 September")
            .await
            .unwrap();
        let summary = f.app.programme_summary(&admin, plan, year).await.unwrap();
        let cost = summary.cost.as_ref().unwrap();
        assert_eq!(cost.year.segments.len(), 2);
        assert_eq!(cost.year.segments[0].days, 183);
        let total: i64 = cost.year.totals.iter().map(|(_, p)| p).sum();
        assert_eq!(total, 120_000_000);
        // The council pays its share of the 183 days it took part, and no more.
        let council = summary
            .participants
            .iter()
            .find(|p| p.organisation.id == f.partner)
            .unwrap();
        let first_stretch = cost.year.segments[0]
            .apportionment
            .share_of(f.partner)
            .unwrap();
        assert_eq!(council.share_pence, Some(first_stretch));
        assert!(first_stretch < 13_954_286);
        assert!(
            cost.statement
                .iter()
                .any(|l| l == "From 1 April 2026 to 30 September 2026 (183 days):"),
            "{:?}",
            cost.statement
        );
        // Its people no longer see the programme; the share is revoked, not deleted.
        assert!(matches!(
            f.app
                .programme_summary(&f.partner().await, plan, year)
                .await,
            Err(AppError::NotFound)
        ));
        let shares = f.app.plan_shares(&admin, plan).await.unwrap();
        assert!(
            shares
                .iter()
                .any(|s| s.share.with_org == f.partner && !s.is_active())
        );
    }
}

/// The register with its contributions stated as amounts, and no basis to share by.
fn register_with_contributions(rows: &[&[&str]]) -> Workbook {
    let mut workbook = register();
    workbook.tables[1] = Table::of_rows("Contributions", rows);
    workbook
}

async fn import_workbook(
    f: &Fixture,
    workbook: Workbook,
) -> (waymark_core::PlanId, Vec<waymark_io::Finding>) {
    let admin = f.admin().await;
    let parsed = parse_workbook(workbook, &PreviewOptions::new(today())).unwrap();
    let result = f
        .app
        .import_parsed(
            &admin,
            "northern register.xlsx",
            &parsed,
            &ImportTarget::New {
                org: None,
                title: None,
                kind: None,
            },
            false,
            ImportChoices::default(),
        )
        .await
        .unwrap();
    let ImportResult::Programme { plan, outcome, .. } = result else {
        panic!("not read as a programme");
    };
    (waymark_core::PlanId(plan.unwrap()), outcome.findings)
}

#[tokio::test]
async fn contributions_stated_as_amounts_are_fixed_shares_of_the_cost() {
    for f in fixtures("app_programme_fixed").await {
        let admin = f.admin().await;
        let year = FinancialYear::parse("2026/27").unwrap();
        // No cost row: the amounts are the cost, each participant paying its own.
        let (plan, _) = import_workbook(
            &f,
            register_with_contributions(&[
                &["Force", "Contribution 2026/27 (£)"],
                &["Northshire Police", "£600,000.01"],
                &["Southshire", "£400k"],
                &["NCC", "199,999.99"],
                &["Total", "£1.2m"],
            ]),
        )
        .await;
        let summary = f.app.programme_summary(&admin, plan, year).await.unwrap();
        let cost = summary.cost.as_ref().expect("a cost");
        assert_eq!(cost.cost.total, 120_000_000);
        assert_eq!(cost.cost.method.as_str(), "fixed");
        let shares: Vec<(String, i64)> = summary
            .participants
            .iter()
            .map(|p| (p.organisation.name.clone(), p.share_pence.unwrap()))
            .collect();
        assert_eq!(
            shares,
            [
                ("Northshire Police".to_string(), 60_000_001),
                ("Southshire".to_string(), 40_000_000),
                ("Northshire County Council".to_string(), 19_999_999),
            ]
        );
        // Saved again on the edit page with the amounts already agreed, the shares stand; a
        // cost the amounts do not add up to is refused by its field, and nothing changes.
        let keep = |total: &str| waymark_app::programme_edit::CostEntry {
            year: "2026/27".into(),
            total: total.into(),
            method: "fixed-amounts".into(),
            ..Default::default()
        };
        f.app
            .set_programme_cost(&admin, plan, &keep("£1,200,000"))
            .await
            .unwrap();
        let again = f.app.programme_summary(&admin, plan, year).await.unwrap();
        assert_eq!(again.cost.as_ref().unwrap().cost.method.as_str(), "fixed");
        assert_eq!(
            again
                .participants
                .iter()
                .map(|p| p.share_pence.unwrap())
                .collect::<Vec<_>>(),
            [60_000_001, 40_000_000, 19_999_999]
        );
        match f
            .app
            .set_programme_cost(&admin, plan, &keep("£1,300,000"))
            .await
        {
            // The amounts agreed are the year's as stored: they, not what was typed, refuse it.
            Err(AppError::State(problems)) => {
                assert_eq!(problems[0].0, "total", "{problems:?}");
                assert!(
                    problems[0]
                        .1
                        .starts_with("The amounts agreed add up to £1,200,000")
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }

        // A cost the amounts do not add up to is not shared, and the import says why.
        let (plan, findings) = import_workbook(
            &f,
            register_with_contributions(&[
                &["Force", "Contribution (£)"],
                &["Northshire Police", "£600k"],
                &["Southshire", "£400k"],
                &["NCC", "tbc"],
                &[],
                &["Team cost 2026/27", "£1,200,000"],
            ]),
        )
        .await;
        assert!(
            findings
                .iter()
                .any(|f| f.message.contains("cannot be shared")),
            "{findings:?}"
        );
        assert!(
            findings
                .iter()
                .any(|f| f.row == 4 && f.column == "Contribution (£)"),
            "the unknown amount is named by its row and column: {findings:?}"
        );
        let summary = f.app.programme_summary(&admin, plan, year).await.unwrap();
        assert!(summary.cost_problem.is_some());
    }
}

#[tokio::test]
async fn a_one_off_saving_counts_in_its_year_and_a_recurring_one_each_year_to_its_last() {
    use waymark_app::programme_edit::SavingEntry;
    for f in fixtures("app_programme_savings_years").await {
        let plan = import(&f).await;
        let admin = f.admin().await;
        let realised = |start: i32| {
            let app = &f.app;
            let admin = &admin;
            async move {
                let year = FinancialYear::starting(start).unwrap();
                app.programme_summary(admin, plan, year)
                    .await
                    .unwrap()
                    .progress
                    .realised
            }
        };
        let before: Vec<i64> = vec![
            realised(2027).await,
            realised(2028).await,
            realised(2029).await,
        ];
        for (recurrence, amount, until) in
            [("one-off", "£50k", ""), ("recurring", "£100k", "2028/29")]
        {
            f.app
                .add_saving(
                    &admin,
                    plan,
                    &SavingEntry {
                        project: None,
                        year: "2027/28".into(),
                        kind: "cashable".into(),
                        recurrence: recurrence.into(),
                        stage: "realised".into(),
                        amount: amount.into(),
                        until: until.into(),
                    },
                )
                .await
                .unwrap();
        }
        assert_eq!(realised(2027).await - before[0], 15_000_000);
        assert_eq!(realised(2028).await - before[1], 10_000_000);
        assert_eq!(realised(2029).await - before[2], 0);

        // The two years written the other way round name the same span: 2029/30 to 2030/31.
        let later: Vec<i64> = vec![
            realised(2028).await,
            realised(2029).await,
            realised(2030).await,
        ];
        f.app
            .add_saving(
                &admin,
                plan,
                &SavingEntry {
                    project: None,
                    year: "2030/31".into(),
                    kind: "cashable".into(),
                    recurrence: "recurring".into(),
                    stage: "realised".into(),
                    amount: "£20k".into(),
                    until: "2029/30".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(realised(2028).await - later[0], 0);
        assert_eq!(realised(2029).await - later[1], 2_000_000);
        assert_eq!(realised(2030).await - later[2], 2_000_000);
    }
}

/// The register a quarter on: the estates review complete, shared payroll's 2025/26
/// funding of £75k entered, and the hi-tech crime lab no longer in it.
fn register_a_quarter_on() -> Workbook {
    let mut workbook = register();
    let rows = &mut workbook.tables[0].rows;
    rows.retain(|r| r.cells.first().map(String::as_str) != Some("Hi-tech crime lab"));
    for row in rows.iter_mut() {
        match row.cells.first().map(String::as_str) {
            Some("Estates review") => row.cells[1] = "Complete".into(),
            Some("Shared payroll") => row.cells[7] = "£75k".into(),
            _ => {}
        }
    }
    for (number, row) in rows.iter_mut().enumerate() {
        row.number = number + 1;
    }
    workbook
}

async fn import_again(
    f: &Fixture,
    plan: waymark_core::PlanId,
    workbook: Workbook,
    dry_run: bool,
) -> (Option<i64>, waymark_app::programme_import::ReimportOutcome) {
    let admin = f.admin().await;
    let parsed = parse_workbook(workbook, &PreviewOptions::new(today())).unwrap();
    let result = f
        .app
        .import_parsed(
            &admin,
            "northern register.xlsx",
            &parsed,
            &ImportTarget::Existing(plan),
            dry_run,
            ImportChoices::default(),
        )
        .await
        .unwrap();
    let ImportResult::Programme {
        plan: written,
        outcome,
        ..
    } = result
    else {
        panic!("not read as a programme");
    };
    assert_eq!(outcome.dry_run, dry_run);
    (written, outcome.reimport.expect("a re-import's outcome"))
}

#[tokio::test]
async fn a_register_imported_again_updates_its_programme_and_reports_the_project_gone() {
    for f in fixtures("app_programme_reimport").await {
        let plan = import(&f).await;
        let admin = f.admin().await;
        let year = FinancialYear::parse("2026/27").unwrap();
        let last_year = FinancialYear::parse("2025/26").unwrap();

        // A dry run says what would change, and changes nothing.
        let (written, dry) = import_again(&f, plan, register_a_quarter_on(), true).await;
        assert_eq!(written, None);
        assert_eq!(dry.plan, plan.0);
        assert_eq!(
            (
                dry.projects_added,
                dry.projects_changed,
                dry.projects_unchanged
            ),
            (0, 2, 1)
        );
        assert_eq!(dry.projects_missing, vec!["Hi-tech crime lab".to_string()]);
        assert_eq!(
            (
                dry.funding_added,
                dry.funding_replaced,
                dry.funding_unchanged
            ),
            (1, 0, 3)
        );
        assert_eq!(
            (
                dry.savings_added,
                dry.savings_replaced,
                dry.savings_unchanged
            ),
            (0, 0, 4)
        );
        assert_eq!((dry.bases_changed, dry.costs_changed), (0, 0));
        assert!(
            dry.changes
                .contains(&"Estates review: status current \u{2192} complete".to_string()),
            "{:?}",
            dry.changes
        );
        let summary = f.app.programme_summary(&admin, plan, year).await.unwrap();
        assert_eq!(summary.funding_by_year[&last_year].known_pence, 15_000_000);
        assert_eq!(summary.projects_by_status.get("complete"), None);

        // Stored: the same counts, and the programme as the register now says.
        let (written, stored) = import_again(&f, plan, register_a_quarter_on(), false).await;
        assert_eq!(written, Some(plan.0));
        assert_eq!(stored, dry);
        let summary = f.app.programme_summary(&admin, plan, year).await.unwrap();
        // £150k for witness protection and the £75k now entered for shared payroll.
        assert_eq!(summary.funding_by_year[&last_year].known_pence, 22_500_000);
        let payroll = summary
            .projects
            .iter()
            .find(|p| p.name == "Shared payroll")
            .unwrap();
        let payroll_last_year = f
            .app
            .programme_summary(&admin, plan, last_year)
            .await
            .unwrap()
            .projects
            .into_iter()
            .find(|p| p.name == "Shared payroll")
            .unwrap();
        assert_eq!(payroll_last_year.funding.known_pence, 7_500_000);
        assert_eq!(payroll.facts.status.as_str(), "current");
        let estates = summary
            .projects
            .iter()
            .find(|p| p.name == "Estates review")
            .unwrap();
        assert_eq!(
            estates.facts.status,
            waymark_core::programme::ProjectStatus::Complete
        );
        // The project gone from the register is kept, not deleted.
        assert_eq!(summary.projects.len(), 4);
        assert!(
            summary
                .projects
                .iter()
                .any(|p| p.name == "Hi-tech crime lab")
        );
        assert_eq!(summary.projects_by_status["complete"], 1);
        assert_eq!(summary.projects_by_status["current"], 2);
        assert_eq!(summary.projects_by_status["proposed"], 1);
        // 2026/27 as it was: £290,000 + £10,000 known, "xxx" unknown.
        assert_eq!(
            (
                summary.funding_by_year[&year].known_pence,
                summary.funding_by_year[&year].unknown_count
            ),
            (30_000_000, 1)
        );
        assert_eq!(summary.progress.target, Some(30_000_000));

        // The same file again: nothing changes.
        let (_, again) = import_again(&f, plan, register_a_quarter_on(), false).await;
        assert!(again.is_unchanged(), "{again:?}");
        assert_eq!((again.projects_unchanged, again.funding_unchanged), (3, 4));
        assert_eq!(
            again.projects_missing,
            vec!["Hi-tech crime lab".to_string()]
        );
        let after = f
            .app
            .programme_summary(&admin, plan, last_year)
            .await
            .unwrap();
        assert_eq!(after.funding_by_year[&last_year].known_pence, 22_500_000);
    }
}

#[tokio::test]
async fn the_same_register_imported_twice_changes_nothing() {
    for f in fixtures("app_programme_reimport_same").await {
        let plan = import(&f).await;
        let admin = f.admin().await;
        let year = FinancialYear::parse("2026/27").unwrap();
        let before = f.app.programme_summary(&admin, plan, year).await.unwrap();
        let imports = || waymark_app::model::AuditFilter {
            plan: Some(plan),
            action: Some("import.".into()),
            ..Default::default()
        };
        let (audit_before, _) = f.app.audit_events(&admin, imports()).await.unwrap();
        assert_eq!(audit_before, 1);
        let (written, again) = import_again(&f, plan, register(), false).await;
        assert_eq!(written, Some(plan.0));
        assert!(again.is_unchanged(), "{again:?}");
        assert_eq!(
            (
                again.projects_unchanged,
                again.funding_unchanged,
                again.savings_unchanged
            ),
            (4, 4, 4)
        );
        assert!(again.projects_missing.is_empty());
        let after = f.app.programme_summary(&admin, plan, year).await.unwrap();
        assert_eq!(after.funding_by_year, before.funding_by_year);
        assert_eq!(after.participants, before.participants);
        assert_eq!(after.projects, before.projects);
        // Nothing was written, not even an audit record.
        let (audit_after, _) = f.app.audit_events(&admin, imports()).await.unwrap();
        assert_eq!(audit_after, audit_before);
    }
}

#[tokio::test]
async fn a_register_is_refused_into_a_plan_that_is_not_a_programme_and_by_a_participant() {
    for f in fixtures("app_programme_reimport_refused").await {
        let programme = import(&f).await;
        let admin = f.admin().await;
        let parsed = parse_workbook(register(), &PreviewOptions::new(today())).unwrap();
        let refused = f
            .app
            .import_parsed(
                &admin,
                "northern register.xlsx",
                &parsed,
                &ImportTarget::Existing(f.plan),
                true,
                ImportChoices::default(),
            )
            .await;
        let Err(AppError::State(problems)) = refused else {
            panic!("not refused: {refused:?}");
        };
        assert_eq!(problems[0].0, "target");
        assert!(
            problems[0].1.contains("not a collaboration programme"),
            "{problems:?}"
        );
        // A participant's person sees the programme but does not manage it.
        let partner = f.partner().await;
        let refused = f
            .app
            .import_parsed(
                &partner,
                "northern register.xlsx",
                &parsed,
                &ImportTarget::Existing(programme),
                false,
                ImportChoices::default(),
            )
            .await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    }
}

#[tokio::test]
async fn a_grant_changed_in_the_register_is_a_new_dated_basis_and_the_cost_is_shared_again() {
    for f in fixtures("app_programme_reimport_basis").await {
        let plan = import(&f).await;
        let admin = f.admin().await;
        let year = FinancialYear::parse("2026/27").unwrap();
        let mut workbook = register();
        workbook.tables[1].rows[2].cells[1] = "£65m".into();
        let (_, outcome) = import_again(&f, plan, workbook, false).await;
        assert_eq!(outcome.bases_changed, 1);
        assert_eq!(outcome.projects_unchanged, 4);
        assert!(
            outcome
                .changes
                .iter()
                .any(|c| c.starts_with("Southshire: police grant for 2026/27")),
            "{:?}",
            outcome.changes
        );
        let summary = f.app.programme_summary(&admin, plan, year).await.unwrap();
        let south = summary
            .participants
            .iter()
            .find(|p| p.organisation.name == "Southshire")
            .unwrap();
        let basis = south.basis.as_ref().unwrap();
        assert_eq!(basis.value, 6_500_000_000);
        assert_eq!(basis.as_of, Some(today()));
        // £1.2m in proportion to £93.4m, £65m and £20.35m (£178.75m): shares sum exactly.
        let shares: Vec<i64> = summary
            .participants
            .iter()
            .map(|p| p.share_pence.unwrap())
            .collect();
        assert_eq!(shares.iter().sum::<i64>(), 120_000_000);
        assert_eq!(south.share_pence, Some(43_636_364));
    }
}

#[tokio::test]
async fn withdrawing_a_funding_line_or_saving_twice_answers_the_same_and_writes_nothing_more() {
    for f in fixtures("app_programme_withdraw_twice").await {
        let plan = import(&f).await;
        let admin = f.admin().await;
        let year = FinancialYear::parse("2026/27").unwrap();
        let facts = f.app.programme_facts(&admin, plan).await.unwrap();
        // Witness protection's £250k + £40k for 2026/27, and its £60,000 realised.
        let at = facts
            .record
            .funding
            .iter()
            .position(|l| l.amount == Some(29_000_000))
            .unwrap();
        let line = facts.record.funding_ids[at];
        let at = facts
            .record
            .savings
            .iter()
            .position(|s| s.amount == 6_000_000)
            .unwrap();
        let saving = facts.record.saving_ids[at];
        let edits = || waymark_app::model::AuditFilter {
            plan: Some(plan),
            action: Some("programme.".into()),
            ..Default::default()
        };
        let withdraw_both = || async {
            (
                f.app
                    .withdraw_funding_line(&admin, plan, line)
                    .await
                    .unwrap(),
                f.app.withdraw_saving(&admin, plan, saving).await.unwrap(),
            )
        };
        assert_eq!(withdraw_both().await, (year, year));
        let (audited, _) = f.app.audit_events(&admin, edits()).await.unwrap();
        assert_eq!(audited, 2);
        let summary = f.app.programme_summary(&admin, plan, year).await.unwrap();
        assert_eq!(summary.funding_by_year[&year].known_pence, 1_000_000);
        assert_eq!(summary.progress.realised, 20_000_000);

        // Again: the same answer, nothing written, nothing audited.
        assert_eq!(withdraw_both().await, (year, year));
        let (audited, _) = f.app.audit_events(&admin, edits()).await.unwrap();
        assert_eq!(audited, 2);
        let again = f.app.programme_summary(&admin, plan, year).await.unwrap();
        assert_eq!(again.funding_by_year[&year].known_pence, 1_000_000);
        assert_eq!(again.progress.realised, 20_000_000);

        // A line the programme never had is still not found.
        assert!(matches!(
            f.app.withdraw_funding_line(&admin, plan, 987_654_321).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            f.app.withdraw_saving(&admin, plan, 987_654_321).await,
            Err(AppError::NotFound)
        ));
    }
}

#[tokio::test]
async fn new_fixed_amounts_are_entered_per_participant_and_refused_by_field_unless_they_add_up() {
    for f in fixtures("app_programme_fixed_entered").await {
        let plan = import(&f).await;
        let admin = f.admin().await;
        let year = FinancialYear::parse("2026/27").unwrap();
        let facts = f.app.programme_facts(&admin, plan).await.unwrap();
        let id = |name: &str| {
            facts
                .participants
                .iter()
                .find(|o| o.name == name)
                .unwrap()
                .id
                .0
        };
        let (north, south, council) = (
            id("Northshire Police"),
            id("Southshire"),
            id("Northshire County Council"),
        );
        let entry = |amounts: &[(i64, &str)], funder: &str, share: &str| {
            waymark_app::programme_edit::CostEntry {
                year: "2026/27".into(),
                total: "£1.2m".into(),
                method: "fixed-amounts".into(),
                external_funder: funder.into(),
                external_share: share.into(),
                amounts: amounts.iter().map(|(o, a)| (*o, a.to_string())).collect(),
                ..Default::default()
            }
        };
        f.app
            .set_programme_cost(
                &admin,
                plan,
                &entry(
                    &[(north, "£700k"), (south, "£300,000"), (council, "200k")],
                    "",
                    "",
                ),
            )
            .await
            .unwrap();
        let summary = f.app.programme_summary(&admin, plan, year).await.unwrap();
        let cost = summary.cost.as_ref().unwrap();
        assert_eq!(cost.cost.method.as_str(), "fixed");
        assert_eq!(cost.cost.total, 120_000_000);
        let shares: Vec<(String, i64)> = summary
            .participants
            .iter()
            .map(|p| (p.organisation.name.clone(), p.share_pence.unwrap()))
            .collect();
        assert_eq!(
            shares,
            [
                ("Northshire Police".to_string(), 70_000_000),
                ("Southshire".to_string(), 30_000_000),
                ("Northshire County Council".to_string(), 20_000_000),
            ]
        );

        // With the Home Office paying 25% (£300k) first, the amounts share the £900k left.
        f.app
            .set_programme_cost(
                &admin,
                plan,
                &entry(
                    &[(north, "£500k"), (south, "£250k"), (council, "£150k")],
                    "Home Office",
                    "25%",
                ),
            )
            .await
            .unwrap();
        let summary = f.app.programme_summary(&admin, plan, year).await.unwrap();
        assert_eq!(
            summary
                .participants
                .iter()
                .map(|p| p.share_pence.unwrap())
                .collect::<Vec<_>>(),
            [50_000_000, 25_000_000, 15_000_000]
        );

        // Amounts that do not add up to what is shared are refused by `amounts`; one that
        // cannot be read, or a participant the programme lacks, by its own field.
        let refused = f
            .app
            .set_programme_cost(
                &admin,
                plan,
                &entry(
                    &[(north, "£700k"), (south, "£300k"), (council, "£100k")],
                    "",
                    "",
                ),
            )
            .await;
        let Err(AppError::Invalid(problems)) = refused else {
            panic!("not refused: {refused:?}");
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "amounts");
        assert!(
            problems[0].1.contains("£1,100,000") && problems[0].1.contains("£1,200,000"),
            "{problems:?}"
        );
        let refused = f
            .app
            .set_programme_cost(
                &admin,
                plan,
                &entry(&[(north, "lots"), (south, "tbc"), (999_999, "£1k")], "", ""),
            )
            .await;
        let Err(AppError::Invalid(problems)) = refused else {
            panic!("not refused: {refused:?}");
        };
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                format!("amount_{north}").as_str(),
                format!("amount_{south}").as_str(),
                "amount_999999"
            ],
            "{problems:?}"
        );
        // Nothing refused was stored: the Home Office's 25% and the £900k shares stand.
        let summary = f.app.programme_summary(&admin, plan, year).await.unwrap();
        assert_eq!(
            summary
                .participants
                .iter()
                .map(|p| p.share_pence.unwrap())
                .collect::<Vec<_>>(),
            [50_000_000, 25_000_000, 15_000_000]
        );
    }
}

#[tokio::test]
async fn a_field_naming_what_the_programme_lacks_is_unknown_and_the_years_facts_refuse_by_state() {
    for f in fixtures("app_programme_unknown_state").await {
        let plan = import(&f).await;
        let admin = f.admin().await;
        let facts = f.app.programme_facts(&admin, plan).await.unwrap();
        let north = facts.participants[0].id.0;
        let funding =
            |project: Option<i64>, source: &str| waymark_app::programme_edit::FundingEntry {
                project,
                source: source.into(),
                year: "2026/27".into(),
                amount: "£50,000".into(),
                recurrence: "one-off".into(),
                certainty: "secured".into(),
            };
        let fields = |problems: &[(String, String)]| -> Vec<String> {
            problems.iter().map(|(field, _)| field.clone()).collect()
        };
        // A project the programme lacks, where all else is right: the field names nothing.
        let refused = f
            .app
            .add_funding_line(&admin, plan, &funding(Some(987_654_321), "Home Office"))
            .await;
        let Err(AppError::Unknown(problems)) = refused else {
            panic!("not unknown: {refused:?}");
        };
        assert_eq!(fields(&problems), ["project"]);
        // Beside a mistake in what was typed, every refusal is named together, as the page
        // shows them.
        let refused = f
            .app
            .add_funding_line(&admin, plan, &funding(Some(987_654_321), " "))
            .await;
        let Err(AppError::Invalid(problems)) = refused else {
            panic!("not invalid: {refused:?}");
        };
        assert_eq!(fields(&problems), ["project", "source"]);
        let saving = waymark_app::programme_edit::SavingEntry {
            project: Some(987_654_321),
            year: "2026/27".into(),
            kind: "cashable".into(),
            recurrence: "one-off".into(),
            stage: "planned".into(),
            amount: "£10k".into(),
            until: String::new(),
        };
        let refused = f.app.add_saving(&admin, plan, &saving).await;
        assert!(
            matches!(refused, Err(AppError::Unknown(ref p)) if fields(p) == ["project"]),
            "{refused:?}"
        );
        let basis = waymark_app::programme_edit::BasisEntry {
            organisation: 987_654_321,
            year: "2026/27".into(),
            kind: "police-grant".into(),
            figure: "£98.4m".into(),
            as_of: String::new(),
            source: "Home Office".into(),
        };
        let refused = f.app.set_programme_basis(&admin, plan, &basis).await;
        assert!(
            matches!(refused, Err(AppError::Unknown(ref p)) if fields(p) == ["organisation"]),
            "{refused:?}"
        );

        // A year's cost keeps the name it was given: another is refused by the cost as it is.
        let cost = |label: &str, method: &str| waymark_app::programme_edit::CostEntry {
            year: "2031/32".into(),
            label: label.into(),
            total: "£1.2m".into(),
            method: method.into(),
            ..Default::default()
        };
        f.app
            .set_programme_cost(&admin, plan, &cost("", "equal"))
            .await
            .unwrap();
        let refused = f
            .app
            .set_programme_cost(&admin, plan, &cost("Another name", "equal"))
            .await;
        assert!(
            matches!(refused, Err(AppError::State(ref p)) if fields(p) == ["label"]),
            "{refused:?}"
        );
        // Fixed amounts with none entered keep the year's agreed ones: there are none.
        let refused = f
            .app
            .set_programme_cost(&admin, plan, &cost("", "fixed-amounts"))
            .await;
        assert!(
            matches!(refused, Err(AppError::State(ref p)) if fields(p) == ["method"]),
            "{refused:?}"
        );
        // An amount for an organisation that is not a participant names nothing.
        let mut entered = cost("", "fixed-amounts");
        entered.amounts = vec![(north, "£1.2m".into()), (987_654_321, "£0".into())];
        let refused = f.app.set_programme_cost(&admin, plan, &entered).await;
        assert!(
            matches!(refused, Err(AppError::Unknown(ref p)) if fields(p) == ["amount_987654321"]),
            "{refused:?}"
        );
    }
}

/// The 2026/27 row of a published or drafted report's "Funding by year" table, as HTML.
fn funding_row(known: &str) -> String {
    format!("<td>2026/27</td><td class=\"n\">{known}</td>")
}

#[tokio::test]
async fn a_published_collaboration_report_keeps_its_figures_and_a_republication_is_a_new_version() {
    for f in fixtures("app_programme_publish").await {
        let plan = import(&f).await;
        let year = FinancialYear::parse("2026/27").unwrap();
        let admin = f.admin().await;
        let first = f
            .app
            .publish_collaboration_report(&admin, plan, year)
            .await
            .unwrap();
        assert_eq!(first.period_label, "2026/27");
        assert_eq!(first.layout, "collaboration");
        assert_eq!(first.version, 1);
        assert_eq!(first.published_by.as_deref(), Some(admin.name().as_str()));
        assert_eq!(first.formats, ["docx", "html", "pdf", "xlsx"]);
        let read = |id| {
            let f = &f;
            let admin = admin.clone();
            async move {
                let (_, _, bytes) = f.app.published_file(&admin, id, "html").await.unwrap();
                String::from_utf8(bytes).unwrap()
            }
        };
        // Built as every participant sees it: the project the lead keeps is left out.
        let paper = read(first.id).await;
        assert!(paper.contains(&funding_row("£290,000")), "{}", f.backend);
        assert!(!paper.contains("Estates review"));
        assert!(paper.contains("Published 20 November 2026"), "{paper}");
        let (_, _, pdf_before) = f.app.published_file(&admin, first.id, "pdf").await.unwrap();

        // £50,000 more for the programme in 2026/27, after publishing.
        f.app
            .add_funding_line(
                &admin,
                plan,
                &waymark_app::programme_edit::FundingEntry {
                    project: None,
                    source: "Home Office".into(),
                    year: "2026/27".into(),
                    amount: "£50,000".into(),
                    recurrence: "one-off".into(),
                    certainty: "secured".into(),
                },
            )
            .await
            .unwrap();
        // The published paper, its bytes and its stored figures stay as they were.
        assert_eq!(read(first.id).await, paper);
        let (_, _, pdf_after) = f.app.published_file(&admin, first.id, "pdf").await.unwrap();
        assert_eq!(pdf_after, pdf_before);
        let (_, document) = f
            .app
            .published_collaboration_document(&admin, first.id)
            .await
            .unwrap();
        let funding = document
            .sections
            .iter()
            .find(|s| s.heading == "Funding by year and source")
            .unwrap();
        assert!(
            funding.tables[0].rows.contains(&vec![
                "2026/27".to_string(),
                "£290,000".into(),
                "1 amount not known".into()
            ]),
            "{:?}",
            funding.tables[0].rows
        );
        // A new draft shows the new figure (the lead's own draft, the kept project too).
        let (_, draft) = f
            .app
            .collaboration_report(&admin, plan, year, waymark_report::Format::Html)
            .await
            .unwrap();
        assert!(
            String::from_utf8(draft)
                .unwrap()
                .contains(&funding_row("£350,000"))
        );

        // Publishing the year again is version 2, and keeps version 1.
        let second = f
            .app
            .publish_collaboration_report(&admin, plan, year)
            .await
            .unwrap();
        assert_eq!(second.version, 2);
        assert!(read(second.id).await.contains(&funding_row("£340,000")));
        assert!(read(first.id).await.contains(&funding_row("£290,000")));
        // Versions count per year: another year starts at 1.
        let earlier = f
            .app
            .publish_collaboration_report(&admin, plan, FinancialYear::parse("2025/26").unwrap())
            .await
            .unwrap();
        assert_eq!(earlier.version, 1);
        let listed: Vec<(String, i64)> = f
            .app
            .collaboration_reports(&admin, plan)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.period_label, r.version))
            .collect();
        assert_eq!(
            listed,
            [
                ("2026/27".to_string(), 2),
                ("2026/27".to_string(), 1),
                ("2025/26".to_string(), 1)
            ]
        );
        // They are not board reports of the plan.
        assert!(
            f.app
                .published_reports(&admin, plan)
                .await
                .unwrap()
                .is_empty()
        );
        // Each publication is audited.
        let (count, events) = f
            .app
            .audit_events(
                &admin,
                waymark_app::model::AuditFilter {
                    plan: Some(plan),
                    action: Some("report.publish".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(count, 3, "{events:?}");
        assert_eq!(
            events.last().unwrap().subject.as_deref(),
            Some("Annual collaboration report 2026/27")
        );
    }
}

#[tokio::test]
async fn a_participant_reads_published_collaboration_reports_but_may_not_publish_and_an_outsider_finds_none()
 {
    for f in fixtures("app_programme_publish_roles").await {
        let plan = import(&f).await;
        let year = FinancialYear::parse("2026/27").unwrap();
        let admin = f.admin().await;
        let published = f
            .app
            .publish_collaboration_report(&admin, plan, year)
            .await
            .unwrap();
        let partner = f.partner().await;
        let listed = f.app.collaboration_reports(&partner, plan).await.unwrap();
        assert_eq!(listed.len(), 1, "{}", f.backend);
        let (_, content_type, bytes) = f
            .app
            .published_file(&partner, published.id, "pdf")
            .await
            .unwrap();
        assert_eq!(content_type, "application/pdf");
        assert!(bytes.starts_with(b"%PDF"));
        assert!(matches!(
            f.app
                .publish_collaboration_report(&partner, plan, year)
                .await,
            Err(AppError::Forbidden)
        ));
        let outsider = f.outsider().await;
        assert!(matches!(
            f.app.collaboration_reports(&outsider, plan).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            f.app.published_file(&outsider, published.id, "pdf").await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            f.app
                .published_collaboration_document(&outsider, published.id)
                .await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            f.app
                .publish_collaboration_report(&outsider, plan, year)
                .await,
            Err(AppError::NotFound)
        ));
        // A contributor of the lead reads, but only managers publish.
        let contributor = f.contributor().await;
        assert_eq!(
            f.app
                .collaboration_reports(&contributor, plan)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(matches!(
            f.app
                .publish_collaboration_report(&contributor, plan, year)
                .await,
            Err(AppError::Forbidden)
        ));
    }
}
