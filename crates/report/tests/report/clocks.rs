//! The two clocks: a report "as at" a day shows nothing dated after it, a report "as known at"
//! an instant shows nothing entered after it, and a published report reads the same for ever.

use chrono::Duration;
use waymark_core::Rag;
use waymark_report::{Format, Layout, Report, ReportRequest, render};
use waymark_store::{
    ChangeSet, ItemRef, NewPublishedReport, NewUpdate, NewVersion, PublishedFile, Scope,
};

use crate::helpers::{at, day, fixture, q2_entered};

fn action<'a>(report: &'a Report, reference: &str) -> &'a waymark_report::ActionRow {
    report
        .objectives
        .iter()
        .flat_map(|s| &s.actions)
        .find(|a| a.reference == reference)
        .unwrap()
}

#[tokio::test]
async fn as_at_a_day_excludes_updates_rag_changes_and_figures_dated_after_it() {
    let fixture = fixture().await;
    let request = ReportRequest::as_at(fixture.plan_id(), day(2008, 8, 31), day(2008, 9, 1));
    let report = fixture.report(request).await;
    assert_eq!(report.cover.period_label, "As at 31 August 2008");
    let first = action(&report, "1.1");
    assert_eq!(
        first.rag.word, "Green",
        "the Amber of 30 September is not in force yet"
    );
    assert_eq!(first.updates.len(), 1);
    assert_eq!(first.updates[0].date, "30 June 2008");
    assert!(action(&report, "1.2").updates.is_empty());
    assert_eq!(
        action(&report, "4.3").rag.word,
        "Green",
        "not complete until September"
    );
    let everything = serde_json::to_string(&report).unwrap();
    assert!(
        !everything.contains("30 September 2008"),
        "nothing dated after 31 August"
    );
    // The last quarter ended by 31 August is Q1: 248 special constables.
    let constables = &report.objectives[0].indicators[0];
    assert_eq!(constables.period, "Q1 2008-09");
    assert_eq!(constables.actual, "248");
}

#[tokio::test]
async fn an_update_dated_after_the_report_date_is_left_out() {
    let fixture = fixture().await;
    let mut later = ChangeSet::new(fixture.org.id, fixture.plan.id);
    later.entered_at = Some(at(2008, 10, 12));
    later.updates.push(NewUpdate {
        item: ItemRef::Existing(fixture.items["1.2"]),
        as_of: day(2008, 10, 5),
        author_person: None,
        author_post: None,
        text: "Written in October about October.".into(),
        proposed_rag: None,
        supersedes: None,
    });
    fixture.store.apply_changes(&later).await.unwrap();
    let report = fixture.report(fixture.request_q2()).await;
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("about October"));
    let october = fixture
        .report(ReportRequest::as_at(
            fixture.plan_id(),
            day(2008, 10, 31),
            day(2008, 11, 1),
        ))
        .await;
    assert_eq!(
        action(&october, "1.2").updates[0].text,
        "Written in October about October."
    );
}

#[tokio::test]
async fn known_at_an_instant_excludes_what_was_entered_after_it() {
    let fixture = fixture().await;
    let mut request = fixture.request_q2();
    // 1 October: the quarter had ended but its updates were entered on the 10th.
    request.known_at = Some(at(2008, 10, 1));
    let report = fixture.report(request).await;
    let first = action(&report, "1.1");
    assert_eq!(first.rag.word, "Green");
    assert_eq!(first.updates[0].date, "30 June 2008");
    let constables = &report.objectives[0].indicators[0];
    assert_eq!(constables.actual, "Not yet available");
    assert_eq!(constables.rag.word, "Not yet available");
    assert!(
        report
            .cover
            .known_at
            .as_deref()
            .unwrap()
            .starts_with("1 October 2008")
    );
}

#[tokio::test]
async fn a_published_report_is_unchanged_by_later_updates() {
    let fixture = fixture().await;
    let published_at = q2_entered() + Duration::days(1);
    let mut request = fixture.request_q2();
    request.known_at = Some(published_at);
    let report = fixture.report(request.clone()).await;
    let json = serde_json::to_string(&report).unwrap();
    let html = render(&report, Layout::Quarterly, Format::Html).unwrap();
    let published = fixture
        .store
        .publish_report(&NewPublishedReport {
            org: fixture.org.id,
            plan: fixture.plan.id,
            period_label: report.cover.period_label.clone(),
            as_at: request.as_at,
            layout: "quarterly".into(),
            known_at: published_at,
            published_by: Some("Head of Performance and Planning".into()),
            model_json: json.clone(),
            files: vec![PublishedFile {
                format: "html".into(),
                content_type: Format::Html.content_type().into(),
                content: html.clone(),
            }],
            marking: "OFFICIAL".into(),
        })
        .await
        .unwrap();

    // A month later someone corrects the quarter: a new update dated 30 September and 1.2 Red.
    let mut later = ChangeSet::new(fixture.org.id, fixture.plan.id);
    later.entered_at = Some(at(2008, 11, 5));
    later.updates.push(NewUpdate {
        item: ItemRef::Existing(fixture.items["1.1"]),
        as_of: day(2008, 9, 30),
        author_person: None,
        author_post: None,
        text: "A late correction to the Q2 narrative.".into(),
        proposed_rag: Some(Rag::Red),
        supersedes: None,
    });
    let mut red = fixture.fields["1.2"].clone();
    red.rag = Some(Rag::Red);
    later.versions.push(NewVersion {
        item: fixture.items["1.2"],
        parent: Some(ItemRef::Existing(fixture.items["1"])),
        fields: red,
        effective: day(2008, 9, 30),
        reason: Some("Late correction".into()),
    });
    fixture.store.apply_changes(&later).await.unwrap();

    // The published report reads as it did: same model, same file.
    let listed = fixture
        .store
        .published_reports(Scope::All, fixture.plan.id)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].period_label, "Q2 2008-09");
    assert_eq!(listed[0].formats, vec!["html".to_string()]);
    assert_eq!(listed[0].known_at, published_at);
    let (_, stored_json) = fixture
        .store
        .published_report(Scope::All, published.id)
        .await
        .unwrap();
    assert_eq!(stored_json, json);
    let stored: Report = serde_json::from_str(&stored_json).unwrap();
    assert_eq!(
        render(&stored, Layout::Quarterly, Format::Html).unwrap(),
        html
    );
    let (_, file) = fixture
        .store
        .published_report_file(Scope::All, published.id, "html")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(file, html);

    // Built again as known at the instant it was published, it is the same report.
    let again = fixture.report(request).await;
    assert_eq!(again, stored);
    assert_eq!(action(&again, "1.2").rag.word, "Green");

    // A fresh report for the same quarter shows the correction.
    let fresh = fixture.report(fixture.request_q2()).await;
    assert_eq!(action(&fresh, "1.2").rag.word, "Red");
    assert_eq!(
        action(&fresh, "1.1").updates[0].text,
        "A late correction to the Q2 narrative."
    );

    // Another organisation cannot see it.
    let other = fixture
        .store
        .create_organisation("OTH", "Other Constabulary")
        .await
        .unwrap();
    assert!(
        fixture
            .store
            .published_report(Scope::Org(other.id), published.id)
            .await
            .is_err()
    );
    assert!(
        fixture
            .store
            .published_report_file(Scope::Org(other.id), published.id, "html")
            .await
            .unwrap()
            .is_none()
    );
}
