//! An organisation's glossary: each change kept with who and when, the newest per term in force
//! (removals included), terms the same whatever their capitals, and each organisation's own.

use waymark_store::{GlossaryChange, Scope, StoreError};

use super::{seeded, stores};

#[tokio::test]
async fn glossary_changes_are_kept_and_the_newest_per_term_is_in_force() {
    for (backend, store) in stores().await {
        let (org, _) = seeded(&store).await;
        let scope = Scope::Org(org.id);
        assert!(
            store
                .glossary_terms(scope, org.id)
                .await
                .unwrap()
                .is_empty()
        );

        let saved = store
            .change_glossary(
                scope,
                org.id,
                &[
                    GlossaryChange::define(" TVP ", " Thames Valley Police "),
                    GlossaryChange::define("MoPI", "Management of Police Information"),
                    GlossaryChange::remove("BCU"),
                ],
                Some("Ann Admin"),
            )
            .await
            .unwrap();
        assert_eq!(saved.len(), 3, "{backend}");
        assert_eq!(saved[0].term, "TVP", "{backend}: trimmed");
        assert_eq!(saved[0].meaning.as_deref(), Some("Thames Valley Police"));

        // Rewording in other capitals is the same term; the newest row wins.
        store
            .change_glossary(
                scope,
                org.id,
                &[GlossaryChange::define("MOPI", "Our wording")],
                Some("Bob Admin"),
            )
            .await
            .unwrap();
        // A removed term can be defined again.
        store
            .change_glossary(
                scope,
                org.id,
                &[GlossaryChange::define("BCU", "Basic Command Unit")],
                None,
            )
            .await
            .unwrap();
        store
            .change_glossary(scope, org.id, &[GlossaryChange::remove("tvp")], None)
            .await
            .unwrap();

        let terms = store.glossary_terms(scope, org.id).await.unwrap();
        let read: Vec<(String, Option<String>)> = terms
            .iter()
            .map(|t| (t.term.clone(), t.meaning.clone()))
            .collect();
        assert_eq!(
            read,
            vec![
                ("BCU".to_string(), Some("Basic Command Unit".to_string())),
                ("MOPI".to_string(), Some("Our wording".to_string())),
                ("tvp".to_string(), None),
            ],
            "{backend}"
        );
        assert_eq!(terms[1].entered_by.as_deref(), Some("Bob Admin"));

        let history = store.glossary_history(scope, org.id, 100).await.unwrap();
        assert_eq!(history.len(), 6, "{backend}: every change kept");
        assert_eq!(history[0].term, "tvp", "{backend}: newest first");
        assert_eq!(history[5].term, "TVP");
        assert_eq!(
            store
                .glossary_history(scope, org.id, 2)
                .await
                .unwrap()
                .len(),
            2
        );
    }
}

#[tokio::test]
async fn glossary_is_each_organisations_own_and_refuses_empty_terms() {
    for (backend, store) in stores().await {
        let (org, _) = seeded(&store).await;
        let other = store
            .create_organisation("OTH", "Other Constabulary")
            .await
            .unwrap();
        store
            .change_glossary(
                Scope::Org(org.id),
                org.id,
                &[GlossaryChange::define("XYZ", "Ours")],
                None,
            )
            .await
            .unwrap();
        assert!(
            store
                .glossary_terms(Scope::Org(other.id), other.id)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        assert!(matches!(
            store.glossary_terms(Scope::Org(other.id), org.id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            store
                .change_glossary(
                    Scope::Org(other.id),
                    org.id,
                    &[GlossaryChange::define("XYZ", "Theirs")],
                    None
                )
                .await,
            Err(StoreError::NotFound { .. })
        ));
        // A bad change anywhere in the list writes nothing.
        assert!(matches!(
            store
                .change_glossary(
                    Scope::All,
                    org.id,
                    &[
                        GlossaryChange::define("ABC", "Fine"),
                        GlossaryChange::define(" ", "No term")
                    ],
                    None
                )
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store
                .change_glossary(
                    Scope::All,
                    org.id,
                    &[GlossaryChange::define("ABC", " ")],
                    None
                )
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            store
                .glossary_terms(Scope::All, org.id)
                .await
                .unwrap()
                .len(),
            1,
            "{backend}"
        );
    }
}
