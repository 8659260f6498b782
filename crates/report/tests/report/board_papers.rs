//! Board papers people sign off, built from seed 004's fixture: the written summary and the
//! owners' commentary printed in every format with who wrote them, generated text marked as
//! generated; each indicator's target for the period labelled beside its annual target; a
//! legend built from the rules applied, so no row contradicts it; an objective without a RAG
//! taking its actions'; and the spreadsheet's figures and dates as typed cells.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use waymark_report::{Format, Layout, render};
use waymark_store::{NarrativeSubject, NewAuditEvent, NewNarrative, Scope};

use crate::helpers::{fixture, pdf_pages};

async fn write(fixture: &crate::helpers::Fixture, subject: NarrativeSubject, body: &str) {
    fixture
        .store
        .save_narrative(
            Scope::All,
            &NewNarrative {
                plan: fixture.plan.id,
                period: "Q2 2008-09".into(),
                subject,
                body: body.into(),
                entered_by: Some("Head of Performance".into()),
            },
            &NewAuditEvent {
                actor: "Head of Performance".into(),
                action: "narrative.save".into(),
                ..NewAuditEvent::default()
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_written_summary_and_commentary_print_in_every_format() {
    let fixture = fixture().await;
    let objective = fixture.items["1"];
    let constables = fixture
        .store
        .indicators(Scope::All, fixture.plan.id)
        .await
        .unwrap()[0]
        .indicator
        .id;
    write(
        &fixture,
        NarrativeSubject::Summary,
        "Overall public satisfaction has reached 80.1%.\n\nSpecial constables rose to 280.",
    )
    .await;
    write(
        &fixture,
        NarrativeSubject::Objective(objective),
        "Neighbourhood policing is embedded across Thames Valley.",
    )
    .await;
    write(
        &fixture,
        NarrativeSubject::Indicator(constables),
        "The Special Constabulary will reach 300 early in 2009.",
    )
    .await;
    let report = fixture.report(fixture.request_q2()).await;
    let written = report.summary.written.as_ref().unwrap();
    assert_eq!(written.paragraphs.len(), 2);
    assert_eq!(written.by.as_deref(), Some("Head of Performance"));
    let section = &report.objectives[0];
    assert_eq!(
        section.commentary.as_ref().unwrap().paragraphs,
        vec!["Neighbourhood policing is embedded across Thames Valley."]
    );
    assert!(section.indicators[0].commentary.is_some());
    assert!(report.objectives[3].indicators[0].commentary.is_none());

    let html =
        String::from_utf8(render(&report, Layout::Quarterly, Format::Html).unwrap()).unwrap();
    assert!(html.contains("<p>Overall public satisfaction has reached 80.1%.</p>"));
    assert!(html.contains("Written by Head of Performance on "));
    assert!(html.contains("The Special Constabulary will reach 300 early in 2009."));
    assert!(
        !html.contains("no summary has been written"),
        "the generated sentences give way to the written summary"
    );
    assert!(
        html.contains("Generated from the figures:"),
        "indicator sentences are marked"
    );

    let pdf = render(&report, Layout::Quarterly, Format::Pdf).unwrap();
    if let Some(pages) = pdf_pages(&pdf, "board-papers-written") {
        let text = pages.join("\n");
        assert!(text.contains("Overall public satisfaction has reached 80.1%."));
        assert!(text.contains("Neighbourhood policing is embedded across Thames Valley."));
        assert!(text.contains("Commentary"));
        assert!(text.contains("Generated from the figures"));
    }
    let docx = render(&report, Layout::Quarterly, Format::Docx).unwrap();
    let document = crate::helpers::zip_part(&docx, "word/document.xml");
    assert!(document.contains("Special constables rose to 280."));

    // Without writing, the summary is the generated sentences, said to be generated.
    let plain = crate::helpers::fixture().await;
    let report = plain.report(plain.request_q2()).await;
    assert!(report.summary.written.is_none());
    let html =
        String::from_utf8(render(&report, Layout::Quarterly, Format::Html).unwrap()).unwrap();
    assert!(
        html.contains("Generated from the figures: no summary has been written for this period.")
    );
}

#[tokio::test]
async fn targets_for_the_period_are_labelled_and_the_legend_is_the_rules_applied() {
    let fixture = fixture().await;
    let report = fixture.report(fixture.request_q2()).await;
    let constables = &report.objectives[0].indicators[0];
    let confiscation = &report.objectives[3].indicators[0];
    // A cumulative target is profiled to the period; a level's is the annual target.
    assert_eq!(confiscation.target, "£3,000,000");
    assert_eq!(confiscation.period_target.as_deref(), Some("£1,500,000"));
    assert_eq!(constables.period_target, None);
    // An objective with no RAG of its own shows its actions', said to be theirs.
    for section in &report.objectives {
        if section.rag.word.ends_with("(from its actions)") {
            assert_ne!(section.rag.key, "none");
        }
        let assessed = section.actions.iter().any(|a| a.rag.key != "none");
        assert!(!assessed || section.rag.key != "none", "{}", section.title);
    }

    // Every row's rule is a line of the legend, and the two rules differ, so each names its
    // indicators: no row can contradict what the legend says.
    assert_eq!(report.legend.len(), 2, "{:?}", report.legend);
    for row in report.performance.iter().flat_map(|g| &g.rows) {
        let rule = row.rule.as_deref().unwrap();
        let line = report.legend.iter().find(|l| l.rule == rule).unwrap();
        assert!(line.indicators.contains(&row.title));
    }
    assert!(
        report
            .legend
            .iter()
            .any(|l| l.rule.contains("minimum target"))
    );
    assert!(
        report
            .legend
            .iter()
            .any(|l| l.rule.contains("within 10% of the target for the period"))
    );
    let html =
        String::from_utf8(render(&report, Layout::Quarterly, Format::Html).unwrap()).unwrap();
    assert!(html.contains("<th scope=\"col\">Target for the period</th>"));
    assert!(!html.contains("Amber: within 10% of target. Red: more than 10% from target."));
    let pdf = render(&report, Layout::Quarterly, Format::Pdf).unwrap();
    if let Some(pages) = pdf_pages(&pdf, "board-papers-legend") {
        let text = pages.join("\n");
        assert!(text.contains("£1,500,000"));
        assert!(text.contains("by the rule set for it"));
    }

    // A parent row with no RAG of its own shows its actions' rolled up, said to be theirs.
    let objective = report.tracker.iter().find(|r| r.reference == "1").unwrap();
    assert!(objective.has_children);
    assert!(
        objective.rag.word.ends_with("(from its actions)"),
        "{:?}",
        objective.rag
    );
    assert_ne!(objective.rag.key, "none");

    // The spreadsheet holds figures as numbers and due dates as dates.
    let xlsx = render(&report, Layout::Quarterly, Format::Xlsx).unwrap();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).unwrap();
    let performance = workbook.worksheet_range("Performance").unwrap();
    let row = performance
        .rows()
        .find(|row| row[1] == Data::String("The minimum value of confiscation orders".into()))
        .unwrap();
    assert_eq!(row[2], Data::Float(3_000_000.0));
    assert_eq!(row[3], Data::Float(1_500_000.0));
    assert_eq!(row[4], Data::Float(2_109_747.0));
    let actions = workbook.worksheet_range("Actions").unwrap();
    assert!(
        actions
            .rows()
            .skip(1)
            .any(|row| matches!(row[5], Data::DateTime(_))),
        "due dates are date cells"
    );
}
