//! Each indicator's trend chart, drawn by the shared builder, in the model and in every format
//! that can show a picture: PDF (typst reads the SVG), HTML (inline SVG) and Word (a PNG).

use waymark_report::{Format, Layout, render};

use crate::helpers::{at, day, fixture, pdf_pages, zip_names, zip_part};

#[tokio::test]
async fn every_measured_indicator_has_a_chart_of_its_year() {
    let fixture = fixture().await;
    let report = fixture.report(fixture.request_q2()).await;
    let constables = &report.objectives[0].indicators[0];
    let chart = constables.chart.as_ref().expect("a chart");
    assert_eq!(
        chart.title,
        "Increase the number of special constables by March 2009, 2008-09"
    );
    let figures: Vec<(&str, &str)> = chart
        .rows
        .iter()
        .map(|r| (r.period.as_str(), r.actual.as_str()))
        .collect();
    assert_eq!(
        figures,
        [
            ("Q1 2008-09", "248"),
            ("Q2 2008-09", "280"),
            ("Q3 2008-09", ""),
            ("Q4 2008-09", "")
        ]
    );
    assert_eq!(chart.rows[1].last_year, "265");
    let confiscation = report.objectives[3].indicators[0].chart.as_ref().unwrap();
    assert_eq!(confiscation.target_label, "Target profiled to date");
    assert_eq!(confiscation.rows[1].target, "£1,500,000");
}

#[tokio::test]
async fn a_chart_as_known_earlier_leaves_out_figures_entered_later() {
    let fixture = fixture().await;
    let mut request = fixture.request_q2();
    // Q2's figures were entered in October; as known on 1 October only Q1's exist.
    request.known_at = Some(at(2008, 10, 1));
    let report = fixture.report(request).await;
    let chart = report.objectives[0].indicators[0].chart.as_ref().unwrap();
    assert_eq!(chart.rows[0].actual, "248");
    assert_eq!(chart.rows[1].actual, "");
    // And a report as at the end of June charts nothing after it.
    let mut request = fixture.request_q2();
    request.period = None;
    request.as_at = day(2008, 6, 30);
    let report = fixture.report(request).await;
    let chart = report.objectives[0].indicators[0].chart.as_ref().unwrap();
    assert_eq!(chart.rows[1].actual, "");
}

#[tokio::test]
async fn the_pdf_html_and_word_reports_draw_the_charts() {
    let fixture = fixture().await;
    let report = fixture.report(fixture.request_q2()).await;
    let charts = report
        .objectives
        .iter()
        .flat_map(|s| &s.indicators)
        .filter(|row| row.chart.is_some())
        .count();
    assert_eq!(charts, 2);

    let pdf = render(&report, Layout::Quarterly, Format::Pdf).unwrap();
    // To look at the pages: WAYMARK_REPORT_DUMP=/tmp/dir, then pdftoppm -r 60 -png.
    if let Some(dir) = std::env::var_os("WAYMARK_REPORT_DUMP") {
        std::fs::write(std::path::Path::new(&dir).join("quarterly.pdf"), &pdf).unwrap();
    }
    if let Some(pages) = pdf_pages(&pdf, "charts") {
        let all = pages.join("\n");
        // The charts' own words, set as text from the SVG.
        assert!(all.contains("Same period last year"));
        assert!(all.contains("Target profiled to date"));
    }

    let html =
        String::from_utf8(render(&report, Layout::Quarterly, Format::Html).unwrap()).unwrap();
    assert_eq!(html.matches("<svg xmlns=").count(), 2);
    assert!(html.contains(r#"aria-labelledby="chart-1-0-title chart-1-0-desc""#));
    assert!(html.contains(
        r#"<title id="chart-4-0-title">The minimum value of confiscation orders, 2008-09</title>"#
    ));
    assert!(html.contains("Figures for 2 of the 4 periods of 2008-09; the latest is £2,109,747"));

    let docx = render(&report, Layout::Quarterly, Format::Docx).unwrap();
    let pictures = zip_names(&docx)
        .into_iter()
        .filter(|name| name.starts_with("word/media/") && name.ends_with(".png"))
        .count();
    assert_eq!(pictures, 2, "one picture per chart");
    assert!(zip_part(&docx, "word/document.xml").contains("Figures for 2 of the 4 periods"));

    // The tracker and progress layouts have no indicator sections and no charts.
    let tracker =
        String::from_utf8(render(&report, Layout::Tracker, Format::Html).unwrap()).unwrap();
    assert!(!tracker.contains("<svg xmlns="));
}

#[tokio::test]
async fn a_report_published_before_charts_still_renders() {
    let fixture = fixture().await;
    let report = fixture.report(fixture.request_q2()).await;
    let mut json: serde_json::Value = serde_json::to_value(&report).unwrap();
    for section in json["objectives"].as_array_mut().unwrap() {
        for row in section["indicators"].as_array_mut().unwrap() {
            row.as_object_mut().unwrap().remove("chart");
        }
    }
    let old: waymark_report::Report = serde_json::from_value(json).unwrap();
    assert!(old.objectives[0].indicators[0].chart.is_none());
    let pdf = render(&old, Layout::Quarterly, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
}
