//! The tracker prints each item's evidence (title, kind, date) and its sign-off, or that its
//! closure awaits sign-off, in every format.

use calamine::{Reader, Xlsx};
use chrono::{TimeZone, Utc};
use waymark_core::Classification;
use waymark_report::sample::{SampleSize, sample_inputs, sample_settings};
use waymark_report::{Format, Layout, build_report, render};
use waymark_store::{ClosureDecision, ClosureRequest, Evidence, EvidenceKind, SignOffBy};

use crate::helpers::{pdf_pages, zip_part};

#[test]
fn the_tracker_prints_the_evidence_and_the_sign_off() {
    let mut inputs = sample_inputs(SampleSize::SEED_004);
    let view = &inputs.views[0];
    let first = view.items[0].id;
    let second = view.items[1].id;
    let plan = view.plan.id;
    let org = view.plan.org;
    let added = Utc.with_ymd_and_hms(2008, 9, 12, 10, 0, 0).unwrap();
    let evidence = |id, item, title: &str, kind| Evidence {
        id,
        org,
        plan,
        item,
        kind,
        title: title.into(),
        url: None,
        file_name: None,
        content_type: None,
        size_bytes: None,
        marking: Classification::OFFICIAL,
        added_at: added,
        added_by: Some("Sam Okafor".into()),
        added_by_user: None,
        withdrawn: None,
    };
    inputs.evidence = vec![
        evidence(1, first, "Custody audit report", EvidenceKind::File),
        evidence(2, first, "Inspectorate revisit letter", EvidenceKind::Link),
    ];
    let request = |id, item, decided: bool| ClosureRequest {
        id,
        plan,
        item,
        note: None,
        sign_off_by: SignOffBy {
            board: Some("Force Improvement Board".into()),
            members: vec!["Deputy Chief Constable".into()],
        },
        proposed_at: added,
        proposed_by: Some("Sam Okafor".into()),
        proposed_by_user: None,
        decision: decided.then_some(ClosureDecision::SignedOff),
        decided_at: decided.then(|| Utc.with_ymd_and_hms(2008, 9, 20, 10, 0, 0).unwrap()),
        decided_by: decided.then(|| "Priya Shah".to_string()),
        decided_by_user: None,
        decided_as: decided.then(|| "Force Improvement Board, Deputy Chief Constable".to_string()),
        reason: None,
    };
    inputs.closures = vec![request(1, first, true), request(2, second, false)];
    let report = build_report(&inputs, &sample_settings());
    let signed = "Signed off by Priya Shah (Force Improvement Board, Deputy Chief Constable) on 20 September 2008";
    assert_eq!(report.tracker[0].sign_off.as_deref(), Some(signed));
    assert_eq!(
        report.tracker[0].evidence_lines(),
        vec![
            "Custody audit report (File, 12 September 2008)",
            "Inspectorate revisit letter (Link, 12 September 2008)"
        ]
    );
    assert_eq!(
        report.tracker[1].sign_off.as_deref(),
        Some("Closure proposed, awaiting sign-off")
    );

    let html = String::from_utf8(render(&report, Layout::Tracker, Format::Html).unwrap()).unwrap();
    for words in [
        "Custody audit report",
        "(File, 12 September 2008)",
        signed,
        "Closure proposed, awaiting sign-off",
    ] {
        assert!(html.contains(words), "the HTML tracker lacks {words:?}");
    }

    let docx = render(&report, Layout::Tracker, Format::Docx).unwrap();
    let document = zip_part(&docx, "word/document.xml");
    assert!(document.contains("Evidence: Custody audit report (File, 12 September 2008)"));
    assert!(document.contains(signed));
    assert!(document.contains("Closure proposed, awaiting sign-off"));

    let xlsx = render(&report, Layout::Tracker, Format::Xlsx).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range("Tracker").unwrap();
    let cells: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(cells.iter().any(|c| c == "Evidence"));
    assert!(cells.iter().any(|c| c == signed));
    assert!(
        cells
            .iter()
            .any(|c| c.contains("Inspectorate revisit letter (Link"))
    );

    let pdf = render(&report, Layout::Tracker, Format::Pdf).unwrap();
    if let Some(pages) = pdf_pages(&pdf, "tracker-evidence") {
        let text = pages
            .join("\n")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains("audit report (File, 12 September 2008)"),
            "the PDF lists the evidence (its narrow column interleaves with the next): {text}"
        );
        assert!(
            text.contains("Signed off by Priya Shah"),
            "the PDF shows the sign-off"
        );
        assert!(text.contains("awaiting sign-off"));
    }
}
