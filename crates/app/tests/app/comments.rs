//! Comments on an item: who may comment and read, mentions of a person and of a post
//! resolved against the organisation, the mentioned person's list, and that another
//! organisation learns nothing of an item's comments.

use waymark_app::AppError;
use waymark_app::comments::{Segment, segments};
use waymark_app::model::Mentioned;

use crate::fixture::fixtures;

#[tokio::test]
async fn contributors_comment_with_mentions_viewers_read_and_outsiders_see_nothing() {
    for f in fixtures("app_comments").await {
        let manager = f.manager().await;
        let contributor = f.contributor().await;
        let viewer = f.viewer().await;
        let outsider = f.outsider().await;

        // A contributor comments on an action their post does not own: they may see it.
        let body = "Can @Mo Manager confirm the script? @head of contact management to book \
                    sergeants; @nobody stays plain. <script>alert(1)</script>";
        let comment = f
            .app
            .add_comment(&contributor, f.action12, body)
            .await
            .unwrap();
        assert_eq!(comment.author_name, "Cal Contributor", "{}", f.backend);
        assert_eq!(comment.mentions.len(), 2);
        let manager_id = manager.user().unwrap().id;
        assert_eq!(comment.mentions[0].who, Mentioned::Person(manager_id));
        assert_eq!(comment.mentions[0].label, "Mo Manager");
        assert_eq!(
            comment.mentions[1].who,
            Mentioned::Post("Head of Contact Management".into())
        );
        assert_eq!(comment.mentions[1].label, "head of contact management");

        // A second comment mentions the manager by email.
        f.app
            .add_comment(
                &manager,
                f.action12,
                "Done. @contributor@force.example over to you.",
            )
            .await
            .unwrap();

        // A viewer reads but may not comment.
        let read = f.app.item_comments(&viewer, f.action12).await.unwrap();
        assert!(!read.may_comment);
        assert_eq!(read.comments.len(), 2);
        assert_eq!(read.comments[0].body, body, "oldest first");
        assert_eq!(
            read.comments[0].mentions, comment.mentions,
            "mentions are kept with the comment"
        );
        assert!(matches!(
            f.app.add_comment(&viewer, f.action12, "I agree").await,
            Err(AppError::Forbidden)
        ));
        assert!(
            f.app
                .item_comments(&contributor, f.action12)
                .await
                .unwrap()
                .may_comment
        );

        // The mentioned person and the post holder find it in their lists.
        let mine = f.app.comments_mentioning_me(&manager).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].comment.id, comment.id);
        assert!(mine[0].item_label.starts_with("1.2 "));
        let theirs = f.app.comments_mentioning_me(&contributor).await.unwrap();
        assert_eq!(theirs.len(), 2, "by their post, and by their email");
        assert_eq!(theirs[1].comment.id, comment.id, "newest first");
        assert!(
            f.app
                .comments_mentioning_me(&viewer)
                .await
                .unwrap()
                .is_empty()
        );

        // Another organisation cannot see the item, nor its comments, nor comment on it.
        assert!(matches!(
            f.app.item_comments(&outsider, f.action12).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            f.app.add_comment(&outsider, f.action12, "Hello").await,
            Err(AppError::NotFound)
        ));
        assert!(
            f.app
                .comments_mentioning_me(&outsider)
                .await
                .unwrap()
                .is_empty()
        );

        // A body is required, at most 5,000 characters, with no control characters.
        for refused in ["   ", &"x".repeat(5_001), "nul \u{0} byte"] {
            assert!(matches!(
                f.app.add_comment(&contributor, f.action12, refused).await,
                Err(AppError::Invalid(_))
            ));
        }
        f.app
            .add_comment(&contributor, f.action12, &"x".repeat(5_000))
            .await
            .unwrap();

        // The body shows in pieces: the mentions apart, the rest as written.
        let pieces = segments(&comment.body, &comment.mentions);
        assert_eq!(pieces[0], Segment::Text("Can ".into()));
        assert_eq!(pieces[1], Segment::Mention("@Mo Manager".into()));
        assert!(
            matches!(pieces.last(), Some(Segment::Text(t)) if t.contains("@nobody stays plain. <script>"))
        );

        // Audited.
        let admin = f.admin().await;
        let (_, events) = f
            .app
            .audit_events(
                &admin,
                waymark_app::model::AuditFilter {
                    limit: Some(100),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let added: Vec<_> = events
            .iter()
            .filter(|e| e.action == "comment.add")
            .collect();
        assert_eq!(added.len(), 3);
        assert!(added.iter().all(|e| e.item == Some(f.action12)));
    }
}
