//! People, roles, tokens and sign-in, and the repository's own rule that no edge reaches the
//! store: `web` and `cli` depend on `waymark-app`, never on `waymark-store`, and `io` and
//! `report` take no store at all, so the application layer is the only way in.

use std::path::Path;

use waymark_app::AppError;
use waymark_core::{Marking, Role};

use crate::fixture::{PASSWORD, fixtures};

/// The `[dependencies]` section of a crate's manifest.
fn dependencies(krate: &str) -> String {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(krate)
        .join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let start = text.find("[dependencies]").unwrap();
    let rest = &text[start + "[dependencies]".len()..];
    let end = rest.find("\n[").unwrap_or(rest.len());
    rest[..end].to_string()
}

/// Every `.rs` file under a crate's `src`.
fn sources(krate: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(krate)
        .join("src");
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    found
}

#[test]
fn no_edge_reaches_the_store_and_neither_parsing_nor_rendering_writes() {
    for edge in ["web", "cli"] {
        let deps = dependencies(edge);
        assert!(
            !deps.contains("waymark-store"),
            "crates/{edge} depends on waymark-store: it must go through waymark-app"
        );
        assert!(
            deps.contains("waymark-app"),
            "crates/{edge} uses waymark-app"
        );
        for (path, text) in sources(edge) {
            assert!(
                !text.contains("waymark_store"),
                "{path} names waymark_store"
            );
        }
    }
    // io parses and plans; report renders. Neither is given a store, so neither can write.
    for pure in ["io", "report"] {
        for (path, text) in sources(pure) {
            for forbidden in [
                "&Store",
                "Store::",
                "store.",
                "apply_changes",
                "record_measurement",
            ] {
                let offending: Vec<&str> = text
                    .lines()
                    .filter(|line| !line.trim_start().starts_with("//"))
                    .filter(|line| line.contains(forbidden))
                    .collect();
                assert!(
                    offending.is_empty(),
                    "{path} writes or reads the store ({forbidden}): {offending:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn roles_clearances_and_passwords_are_administered_within_the_organisation() {
    for f in fixtures("app_rules_people").await {
        let admin = f.admin().await;
        let outsider = f.outsider().await;
        let viewer = f
            .app
            .person_by_email(&admin, "viewer@force.example")
            .await
            .unwrap();
        // Another organisation's administrator cannot find this one's people.
        assert!(matches!(
            f.app
                .set_roles(&outsider, viewer.user.id, Some(Role::Administrator), &[])
                .await,
            Err(AppError::NotFound)
        ));
        // A plan manager administers no one.
        assert!(matches!(
            f.app.people(&f.manager().await, None).await,
            Err(AppError::Forbidden)
        ));
        // Make the viewer manager of the plan only: they manage it, and still only read others.
        f.app
            .set_roles(
                &admin,
                viewer.user.id,
                Some(Role::Viewer),
                &[(f.plan, Role::PlanManager)],
            )
            .await
            .unwrap();
        let promoted = f.viewer().await;
        assert!(
            f.app.managed_plan(&promoted, f.plan).await.is_ok(),
            "{}",
            f.backend
        );
        assert!(!promoted.may_create_plans());
        // Clearance raised: the sensitive recommendation appears.
        f.app
            .set_clearance(&admin, viewer.user.id, Marking::OfficialSensitive)
            .await
            .unwrap();
        let cleared = f.viewer().await;
        let read = f
            .app
            .plan_view(&cleared, f.plan, crate::fixture::today())
            .await
            .unwrap();
        assert!(read.view.item(f.rec2).is_some());
        // No one removes their own administration by accident.
        let me = admin.user().unwrap().id;
        assert!(matches!(
            f.app.set_roles(&admin, me, Some(Role::Viewer), &[]).await,
            Err(AppError::State(_))
        ));
        // Passwords: at least 12 characters; an administrator resets, a person changes theirs.
        assert!(matches!(
            f.app
                .set_password(&admin, viewer.user.id, "too short")
                .await,
            Err(AppError::Invalid(_))
        ));
        f.app
            .set_password(&admin, viewer.user.id, "a brand new passphrase")
            .await
            .unwrap();
        assert!(matches!(
            f.app.sign_in("viewer@force.example", PASSWORD, None).await,
            Err(AppError::SignInFailed)
        ));
        f.app
            .sign_in("viewer@force.example", "a brand new passphrase", None)
            .await
            .unwrap();
        let (_, events) = f
            .app
            .audit_events(&admin, Default::default())
            .await
            .unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        for action in [
            "person.roles",
            "person.clearance",
            "person.password",
            "sign_in.failed",
            "sign_in",
        ] {
            assert!(actions.contains(&action), "{action} in {actions:?}");
        }
    }
}

#[tokio::test]
async fn an_api_token_acts_with_its_persons_roles_until_revoked() {
    for f in fixtures("app_rules_tokens").await {
        let contributor = f.contributor().await;
        let token = f
            .app
            .create_token(&contributor, None, "Monthly figures script")
            .await
            .unwrap();
        assert!(token.value.starts_with("wmk_"));
        let actor = f.app.actor_for_bearer(&token.value).await.unwrap().unwrap();
        assert_eq!(actor.name(), "Cal Contributor", "{}", f.backend);
        assert_eq!(actor.org_role(), Some(Role::Contributor));
        assert!(matches!(actor.via, waymark_app::Via::Token(_)));
        // Someone else's token cannot be made, or revoked, by a person.
        assert!(matches!(
            f.app
                .create_token(&contributor, Some("admin@force.example"), "x")
                .await,
            Err(AppError::Forbidden)
        ));
        let listed = f.app.tokens(&contributor).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].last_used_at.is_some(), "using it is noted");
        assert!(matches!(
            f.app.revoke_token(&f.admin().await, listed[0].id).await,
            Err(AppError::Missing { .. } | AppError::NotFound)
        ));
        f.app
            .revoke_token(&contributor, listed[0].id)
            .await
            .unwrap();
        assert!(
            f.app
                .actor_for_bearer(&token.value)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            f.app
                .actor_for_bearer("wmk_not-a-token")
                .await
                .unwrap()
                .is_none()
        );
        assert!(f.app.actor_for_bearer("no prefix").await.unwrap().is_none());
    }
}
