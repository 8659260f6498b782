//! Clean-up: unconfirmed uploads past their age and expired sessions are deleted, by the
//! operator only, and audited in counts.

use std::time::Duration;

use waymark_app::Actor;
use waymark_app::cleanup::CleanUp;
use waymark_app::imports::Upload;

use crate::fixture::{PASSWORD, fixtures};

const TRACKER: &str =
    "Ref,Action,Owner,Due Date\n1.1,Publish the standard,Head of Contact Management,31/03/2027\n";

#[tokio::test]
async fn unconfirmed_uploads_are_deleted_after_their_age_and_live_sessions_kept() {
    for f in fixtures("cleanup_uploads").await {
        let admin = f.admin().await;
        let previewed = f
            .app
            .preview_upload(
                &admin,
                Upload {
                    file_name: "tracker.csv".into(),
                    content: TRACKER.as_bytes().to_vec(),
                    ..Upload::default()
                },
            )
            .await
            .unwrap();
        let signed_in = f
            .app
            .sign_in("admin@force.example", PASSWORD, None)
            .await
            .unwrap();
        let operator = Actor::operator();
        let day = Duration::from_secs(24 * 3600);
        assert_eq!(
            f.app.clean_up(&operator, day).await.unwrap(),
            CleanUp::default(),
            "{}: a fresh upload and live sessions stay",
            f.backend
        );
        assert!(f.app.pending_upload(&admin, &previewed.token).await.is_ok());

        assert!(matches!(
            f.app.clean_up(&admin, Duration::ZERO).await,
            Err(waymark_app::AppError::Forbidden)
        ));
        tokio::time::sleep(Duration::from_millis(5)).await;
        let removed = f.app.clean_up(&operator, Duration::ZERO).await.unwrap();
        assert_eq!(
            removed,
            CleanUp {
                uploads: 1,
                sessions: 0
            },
            "{}",
            f.backend
        );
        assert_eq!(
            removed.to_string(),
            "Clean-up: 1 upload, 0 sessions removed"
        );
        assert!(
            f.app
                .pending_upload(&admin, &previewed.token)
                .await
                .is_err()
        );
        assert!(
            f.app
                .actor_for_session(&signed_in.token)
                .await
                .unwrap()
                .is_some()
        );
    }
}
