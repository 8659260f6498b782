//! An upload waiting for confirmation keeps what its uploader corrected in the preview, and
//! only its uploader may correct it.

use waymark_store::{ImportSource, PendingUpload};

use super::{seeded, stores};

#[tokio::test]
async fn an_uploads_corrections_are_kept_and_replaced_by_its_uploader_only() {
    for (backend, store) in stores().await {
        let (org, _) = seeded(&store).await;
        let uploader = store
            .create_user(org.id, "a@test.example", "A", "not a hash", false)
            .await
            .unwrap();
        let other = store
            .create_user(org.id, "b@test.example", "B", "not a hash", false)
            .await
            .unwrap();
        let upload = PendingUpload {
            org: org.id,
            user: uploader.id,
            file_name: "plans.xlsx".into(),
            content: b"bytes".to_vec(),
            plan: None,
            new_title: None,
            new_kind: None,
            corrections: Some(r#"{"sheet":"Custody"}"#.into()),
        };
        store.save_upload("hash", &upload).await.unwrap();
        let read = store.pending_upload("hash", uploader.id).await.unwrap();
        assert_eq!(read.as_ref(), Some(&upload), "{backend}");

        let corrected = r#"{"sheet":"Vetting","columns":[["Lead","owner"]]}"#;
        assert!(
            !store
                .correct_upload("hash", other.id, Some(corrected))
                .await
                .unwrap(),
            "{backend}: another person's correction is refused"
        );
        assert!(
            store
                .correct_upload("hash", uploader.id, Some(corrected))
                .await
                .unwrap()
        );
        let read = store
            .pending_upload("hash", uploader.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.corrections.as_deref(), Some(corrected), "{backend}");
        assert!(
            !store
                .correct_upload("gone", uploader.id, None)
                .await
                .unwrap()
        );
    }
}

/// The choices remembered for a source are read back by the organisation, the plan and the
/// fingerprint together, with who saved them, and a later save replaces them (issue #15).
#[tokio::test]
async fn a_sources_remembered_choices_are_replaced_by_the_latest() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let jane = store
            .create_user(
                org.id,
                "jane@test.example",
                "Jane Smith",
                "not a hash",
                false,
            )
            .await
            .unwrap();
        let raj = store
            .create_user(org.id, "raj@test.example", "Raj Patel", "not a hash", false)
            .await
            .unwrap();
        let source = |plan: Option<waymark_core::PlanId>, fingerprint: &str| ImportSource {
            org: org.id,
            plan,
            fingerprint: fingerprint.to_string(),
        };
        let first = r#"{"header_row":3}"#;
        store
            .save_import_mapping(
                &source(Some(plan.id), "abc"),
                first,
                "tracker.csv",
                jane.id,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        let read = store
            .import_mapping(&source(Some(plan.id), "abc"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.corrections, first, "{backend}");
        assert_eq!(read.saved_by_name, "Jane Smith", "{backend}");
        assert_eq!(read.file_name, "tracker.csv", "{backend}");
        assert_eq!(
            store.import_mapping(&source(None, "abc")).await.unwrap(),
            None,
            "{backend}: a new plan's import is another source"
        );
        assert_eq!(
            store
                .import_mapping(&source(Some(plan.id), "abd"))
                .await
                .unwrap(),
            None,
            "{backend}"
        );
        let second = r#"{"header_row":4}"#;
        store
            .save_import_mapping(
                &source(Some(plan.id), "abc"),
                second,
                "tracker-q3.csv",
                raj.id,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        let read = store
            .import_mapping(&source(Some(plan.id), "abc"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.corrections, second, "{backend}");
        assert_eq!(read.saved_by, raj.id, "{backend}");
        assert_eq!(read.saved_by_name, "Raj Patel", "{backend}");
    }
}
