//! The needs-attention page: its counts are the plan page's for the same filter, its rows
//! download as CSV and XLSX with the due date as a date, and another force's plan is absent.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::helpers::spawn_app;

#[tokio::test]
async fn needs_attention_counts_match_the_plan_page_and_download_its_rows() {
    let app = spawn_app().await;
    app.sign_in().await;
    let html = app.text("/attention").await;
    // The action 4.43a was due on 31 January 2015, and today is 16 February 2015.
    assert!(
        html.contains("Issue guidance on repeat and vulnerable victims"),
        "{html}"
    );
    assert!(!html.contains("Other force's confidential plan"));
    let overdue_link = format!("/plans/{}?flag=overdue", app.plan);
    assert!(
        html.contains(&format!("href=\"{overdue_link}\">1<")),
        "{html}"
    );
    let plan_page = app.text(&overdue_link).await;
    assert!(plan_page.contains("Issue guidance on repeat and vulnerable victims"));

    let csv = app
        .client
        .get(app.url("/attention?format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("needs-attention.csv")
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Protective marking: OFFICIAL");
    assert_eq!(lines[1], "Plan,Ref,Action,Owner,Due,RAG,Latest update,Why");
    assert_eq!(
        lines.len(),
        2 + html
            .matches("<td class=\"govuk-table__cell\" data-label=\"Why\">")
            .count()
    );
    assert!(text.contains(",2015-01-31,"));

    let xlsx = app
        .client
        .get(app.url("/attention?format=xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.to_vec())).unwrap();
    let sheet = workbook.worksheet_range("Needs attention").unwrap();
    let row = sheet
        .rows()
        .find(|row| {
            row[2] == Data::String("Issue guidance on repeat and vulnerable victims".into())
        })
        .unwrap();
    assert!(matches!(row[4], Data::DateTime(_)), "{:?}", row[4]);
}

#[tokio::test]
async fn my_actions_and_what_changed_download_their_rows() {
    let app = spawn_app().await;
    app.sign_in().await;
    let csv = app.text("/my-actions?format=csv").await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "Protective marking: OFFICIAL");
    assert!(lines[1].starts_with("Plan,Ref,Action,Owner,Due,"));
    assert!(
        csv.contains("4.43a,Issue guidance on repeat and vulnerable victims,Head of Contact Management,2015-01-31,"),
        "{csv}"
    );
    let page = app.text("/my-actions").await;
    assert!(page.contains("/my-actions?format=xlsx"));

    let changes = app
        .text(&format!(
            "/plans/{}/changes?from=2014-11-01&to=2015-02-16&format=csv",
            app.plan
        ))
        .await;
    assert!(
        changes.lines().nth(1) == Some("Change,Date,Item,From,To,Detail"),
        "{changes}"
    );
    assert!(
        changes.contains("Update,2014-11-21,4.43a Issue guidance on repeat and vulnerable victims")
    );
    assert!(changes.contains("Guidance drafted following the review of practices."));
}

#[tokio::test]
async fn a_plan_list_downloads_the_rows_its_filters_keep() {
    let app = spawn_app().await;
    app.sign_in().await;
    let page = app.text(&format!("/plans/{}?flag=overdue", app.plan)).await;
    assert!(
        page.contains(&format!("/plans/{}?flag=overdue&#38;format=csv", app.plan)),
        "{page}"
    );
    let csv = app
        .text(&format!("/plans/{}?flag=overdue&format=csv", app.plan))
        .await;
    let rows: Vec<&str> = csv.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "{csv}");
    assert!(rows[0].starts_with("4.43a,Issue guidance on repeat and vulnerable victims,"));
    assert!(rows[0].contains(",2015-01-31,"));
    // Unfiltered, the recommendation above it is listed too, with its RAG from its actions.
    let all = app.text(&format!("/plans/{}?format=csv", app.plan)).await;
    assert_eq!(all.lines().count(), 4, "{all}");
    assert!(all.contains("Green (from its actions)"));
}

#[tokio::test]
async fn what_changed_shows_a_slipped_due_date_and_a_new_owner_with_who_and_when() {
    use chrono::{TimeZone, Utc};
    use waymark_core::{FlexDate, ItemFields, Rag};
    use waymark_store::{ChangeSet, NewVersion};

    let app = spawn_app().await;
    let org = app
        .store
        .organisation_by_code("TST")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut changes = ChangeSet::new(org, waymark_core::PlanId(app.plan));
    changes.author = Some("Ada Admin".into());
    changes.entered_at = Some(Utc.with_ymd_and_hms(2015, 2, 10, 9, 0, 0).unwrap());
    changes.versions.push(NewVersion {
        item: app.action,
        parent: None,
        fields: ItemFields {
            reference: Some("4.43a".into()),
            text: "Issue guidance on repeat and vulnerable victims".into(),
            owners: vec!["Head of Crime".into()],
            due: Some(FlexDate::exact(crate::helpers::day(2015, 3, 31))),
            rag: Some(Rag::Green),
            ..ItemFields::default()
        },
        effective: crate::helpers::day(2015, 2, 10),
        reason: Some("Rescheduled".into()),
    });
    app.store.apply_changes(&changes).await.unwrap();
    app.sign_in_admin().await;
    let page = app
        .text(&format!(
            "/plans/{}/changes?from=2015-02-01&to=2015-02-16",
            app.plan
        ))
        .await;
    assert!(
        page.contains("Due dates, owners and wording changed (2)"),
        "{page}"
    );
    assert!(page.contains("<strong class=\"wm-flag\">Slipped</strong>"));
    assert!(page.contains("31 March 2015"));
    assert!(page.contains("Head of Crime"));
    assert!(page.contains(">Ada Admin</td>"));
    let csv = app
        .text(&format!(
            "/plans/{}/changes?from=2015-02-01&to=2015-02-16&format=csv",
            app.plan
        ))
        .await;
    assert!(
        csv.contains("Due date slipped,2015-02-10,4.43a Issue guidance"),
        "{csv}"
    );
    assert!(csv.contains("Owner,2015-02-10,4.43a Issue guidance on repeat and vulnerable victims,Head of Contact Management,Head of Crime,Ada Admin"));
}
