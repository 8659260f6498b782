//! The report model built from the store: sections, counts, indicators, changes and glossary.

use waymark_report::ChangeKind;

use crate::helpers::fixture;

#[tokio::test]
async fn quarterly_model_has_seed_004s_objectives_actions_and_figures() {
    let fixture = fixture().await;
    let report = fixture.report(fixture.request_q2()).await;

    assert_eq!(report.cover.organisation, "Thames Valley Police");
    assert_eq!(report.cover.period_label, "Q2 2008-09");
    assert_eq!(report.cover.as_at, "30 September 2008");
    assert_eq!(report.cover.marking.as_deref(), Some("OFFICIAL-SENSITIVE"));
    assert_eq!(report.objectives.len(), 7);
    let actions: usize = report.objectives.iter().map(|s| s.actions.len()).sum();
    assert_eq!(actions, 46);

    // Seed 004 writes Orange; reports say Amber.
    let action = |reference: &str| {
        report
            .objectives
            .iter()
            .flat_map(|s| &s.actions)
            .find(|a| a.reference == reference)
            .unwrap()
    };
    assert_eq!(action("3.4").rag.word, "Amber");
    assert_eq!(action("1.1").rag.word, "Amber");
    assert_eq!(action("2.1").rag.word, "Not assessed");
    assert_eq!(action("4.3").rag.word, "Blue");
    assert!(
        action("1.1").updates[0]
            .text
            .starts_with("Following a meeting with the NPIA")
    );
    assert_eq!(action("1.1").updates[0].date, "30 September 2008");

    let counts = &report.summary.actions;
    assert_eq!(counts.total, 46);
    assert_eq!(counts.amber, 8, "two Amber and six Orange");
    assert_eq!(counts.blue, 1);
    assert_eq!(counts.not_assessed, 5);
    assert_eq!(report.summary.completed, 1);
    assert_eq!(report.summary.overdue, 1);

    // Indicators, from the store, evaluated for Q2 with the core's rules.
    let constables = &report.objectives[0].indicators[0];
    assert_eq!(constables.target, "300");
    assert_eq!(constables.actual, "280");
    assert_eq!(constables.last_year.as_deref(), Some("265"));
    assert_eq!(constables.rag.word, "Amber");
    let confiscation = &report.objectives[3].indicators[0];
    assert_eq!(confiscation.actual, "£2,109,747");
    assert_eq!(confiscation.rag.word, "Green");
    assert_eq!(report.local_priorities.len(), 1);
    assert_eq!(report.local_priorities[0].minimum, "273");
    assert!(report.summary.sentences.iter().any(|s| s.contains("280")));
}

#[tokio::test]
async fn since_the_last_report_lists_rag_changes_completions_and_newly_overdue_actions() {
    let fixture = fixture().await;
    let report = fixture.report(fixture.request_q2()).await;
    let since = &report.since_last;
    assert_eq!(since.since, "30 June 2008");
    let of = |kind: ChangeKind, reference: &str| {
        since
            .changes
            .iter()
            .find(|c| c.kind == kind && c.reference.as_deref() == Some(reference))
    };
    let amber = of(ChangeKind::RagChanged, "1.1").unwrap();
    assert_eq!(amber.detail, "Green to Amber");
    assert_eq!(amber.date, "30 September 2008");
    let done = of(ChangeKind::Completed, "4.3").unwrap();
    assert_eq!(done.date, "15 September 2008");
    let overdue = of(ChangeKind::NewlyOverdue, "1.4").unwrap();
    assert_eq!(overdue.date, "1 September 2008");
    assert_eq!(overdue.detail, "Was due 31 August 2008");
    assert!(
        of(ChangeKind::RagChanged, "1.2").is_none(),
        "1.2 stayed Green"
    );
    assert_eq!(report.summary.completed_since_last, 1);
    // Newest first.
    let dates: Vec<&str> = since.changes.iter().map(|c| c.date_iso.as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    // Special constables: 248 in Q1 is short of the minimum of 273 (Red); 280 in Q2 is past it
    // (Amber). Confiscation orders are ahead of the pro-rata target in both quarters.
    let constables = since
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::IndicatorRagChanged)
        .unwrap();
    assert!(constables.title.contains("special constables"));
    assert_eq!(constables.detail, "Red to Amber (Q2 2008-09)");
    assert_eq!(constables.date, "30 September 2008");
    assert_eq!(
        since
            .changes
            .iter()
            .filter(|c| c.kind == ChangeKind::IndicatorRagChanged)
            .count(),
        1
    );
}

#[tokio::test]
async fn glossary_lists_acronyms_used_and_those_not_defined() {
    let fixture = fixture().await;
    let report = fixture.report(fixture.request_q2()).await;
    let terms: Vec<&str> = report
        .glossary
        .entries
        .iter()
        .map(|e| e.term.as_str())
        .collect();
    for used in [
        "NPIA", "LPA", "MARAC", "CDRP", "POCA", "ANPR", "OCG", "PCSO", "BCU",
    ] {
        assert!(terms.contains(&used), "{used} missing from {terms:?}");
    }
    assert!(!terms.contains(&"HMICFRS"), "not used in the report");
    // Seed 004's narrative uses terms the starter list lacks; they are listed for the editor.
    for undefined in ["CCMT", "IICP"] {
        assert!(
            report.glossary.undefined.contains(&undefined.to_string()),
            "{undefined} not in {:?}",
            report.glossary.undefined
        );
    }
    for entry in &report.glossary.entries {
        assert!(!report.glossary.undefined.contains(&entry.term));
    }
    // The editor sees them on the reports page ("Check acronyms"); the board paper does not
    // carry the to-do.
    let html = waymark_report::html::render_html(
        &report,
        waymark_report::Layout::Quarterly,
        waymark_report::html::Stylesheet::Inline,
    )
    .unwrap();
    assert!(html.contains("Glossary"));
    assert!(!html.contains("not in the glossary"));
    assert!(!html.contains("CCMT,"));
}
