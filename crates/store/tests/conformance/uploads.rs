//! An upload waiting for confirmation keeps what its uploader corrected in the preview, and
//! only its uploader may correct it.

use waymark_store::PendingUpload;

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
