//! An organisation's report settings: saved as versions, the newest in force, the older kept,
//! and each organisation's own.

use waymark_store::{NewReportSettings, ReportSettingsFields, Scope, StoreError, StoredLogo};

use super::{seeded, stores};

fn words() -> ReportSettingsFields {
    ReportSettingsFields {
        organisation_name: Some("Test Constabulary and Police Authority".into()),
        author: Some("Head of Performance and Planning".into()),
        meeting: Some("Police and Crime Panel, 12 June 2026".into()),
        paper_title: None,
        purpose: Some("To report progress at the end of the year.".into()),
        background: Some("The plan was agreed in April; it's \"on track\".".into()),
        recommendations: vec![
            "Note the progress made.".into(),
            "Agree the actions carried forward.".into(),
        ],
        for_decision: true,
        sponsor: Some("Deputy Chief Constable".into()),
        paper_author: None,
        logo: Some(StoredLogo {
            media_type: "image/png".into(),
            bytes: b"\x89PNG\r\n\x1a\n\x00\xffbytes".to_vec(),
        }),
    }
}

#[tokio::test]
async fn report_settings_are_versioned_and_the_newest_is_in_force() {
    for (backend, store) in stores().await {
        let (org, _) = seeded(&store).await;
        let scope = Scope::Org(org.id);
        assert_eq!(store.report_settings(scope, org.id).await.unwrap(), None);

        let first = store
            .save_report_settings(
                scope,
                &NewReportSettings {
                    org: org.id,
                    fields: words(),
                    entered_by: Some("Ann Admin".into()),
                },
            )
            .await
            .unwrap();
        let read = store.report_settings(scope, org.id).await.unwrap().unwrap();
        assert_eq!(
            read, first,
            "{backend}: every field and the logo's bytes read back"
        );

        let second = store
            .save_report_settings(
                scope,
                &NewReportSettings {
                    org: org.id,
                    fields: ReportSettingsFields {
                        for_decision: false,
                        recommendations: Vec::new(),
                        logo: None,
                        ..words()
                    },
                    entered_by: Some("Bob Admin".into()),
                },
            )
            .await
            .unwrap();
        let now = store.report_settings(scope, org.id).await.unwrap().unwrap();
        assert_eq!(now.id, second.id, "{backend}");
        assert!(!now.fields.for_decision);
        assert!(now.fields.recommendations.is_empty());
        assert_eq!(now.fields.logo, None);
        assert_eq!(now.entered_by.as_deref(), Some("Bob Admin"));

        let history = store.report_settings_history(scope, org.id).await.unwrap();
        let who: Vec<_> = history.iter().map(|v| v.entered_by.as_deref()).collect();
        assert_eq!(who, [Some("Bob Admin"), Some("Ann Admin")], "{backend}");
        assert!(history[0].entered_at >= history[1].entered_at);
        assert_eq!(
            history[1], first,
            "{backend}: the old version is kept as it was"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn report_settings_belong_to_their_organisation() {
    for (backend, store) in stores().await {
        let (org, _) = seeded(&store).await;
        let other = store
            .create_organisation("OTH", "Other Police")
            .await
            .unwrap();
        store
            .save_report_settings(
                Scope::All,
                &NewReportSettings {
                    org: org.id,
                    fields: words(),
                    entered_by: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .report_settings(Scope::Org(other.id), other.id)
                .await
                .unwrap(),
            None,
            "{backend}"
        );
        assert!(matches!(
            store.report_settings(Scope::Org(other.id), org.id).await,
            Err(StoreError::NotFound { .. })
        ));
        let intruder = store
            .save_report_settings(
                Scope::Org(other.id),
                &NewReportSettings {
                    org: org.id,
                    fields: ReportSettingsFields::default(),
                    entered_by: None,
                },
            )
            .await;
        assert!(intruder.is_err(), "{backend}");
        assert_eq!(
            store
                .report_settings_history(Scope::Org(org.id), org.id)
                .await
                .unwrap()
                .len(),
            1
        );
        store.close().await;
    }
}
