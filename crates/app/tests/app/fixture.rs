//! The fixture every test builds through the application layer itself, as the operator would
//! at the command line and an administrator in the browser.

use chrono::NaiveDate;
use waymark_app::items::ItemInput;
use waymark_app::organisations::ShareInput;
use waymark_app::people::PersonInput;
use waymark_app::plans::PlanInput;
use waymark_app::{Actor, App, Clock};
use waymark_core::{ItemId, Marking, OrgId, OrganisationKind, PlanId, Role, ShareAccess};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

pub const PASSWORD: &str = "a long test password";

#[allow(dead_code)] // Each test reads the parts it needs.
pub struct Fixture {
    pub backend: String,
    pub app: App,
    pub force: OrgId,
    pub partner: OrgId,
    pub other: OrgId,
    pub plan: PlanId,
    /// Rec 1 (OFFICIAL) with its actions 1.1 (owned by the contributor's post) and 1.2 (owned
    /// by the partner's post).
    pub rec1: ItemId,
    pub action11: ItemId,
    pub action12: ItemId,
    /// Rec 2, OFFICIAL-SENSITIVE, and its action 2.1 (sensitive by inheritance).
    pub rec2: ItemId,
    pub action21: ItemId,
    pub share: i64,
}

impl Fixture {
    pub async fn actor(&self, email: &str) -> Actor {
        let signed_in = self
            .app
            .sign_in(email, PASSWORD, Some("192.0.2.10".into()))
            .await
            .unwrap();
        let (actor, _) = self
            .app
            .actor_for_session(&signed_in.token)
            .await
            .unwrap()
            .unwrap();
        actor.with_address(Some("192.0.2.10".into()))
    }
    pub async fn admin(&self) -> Actor {
        self.actor("admin@force.example").await
    }
    pub async fn manager(&self) -> Actor {
        self.actor("manager@force.example").await
    }
    pub async fn contributor(&self) -> Actor {
        self.actor("contributor@force.example").await
    }
    pub async fn viewer(&self) -> Actor {
        self.actor("viewer@force.example").await
    }
    pub async fn partner(&self) -> Actor {
        self.actor("partner@council.example").await
    }
    pub async fn outsider(&self) -> Actor {
        self.actor("admin@other.example").await
    }
}

fn item(reference: &str, text: &str, owners: &str, marking: Option<&str>) -> ItemInput {
    ItemInput {
        reference: Some(reference.into()),
        text: Some(text.into()),
        owners: Some(owners.into()),
        marking: marking.map(str::to_string),
        ..ItemInput::default()
    }
}

/// A fresh fixture on every backend available. `WAYMARK_TEST_LOG=sqlx=debug` shows the
/// statements run.
pub async fn fixtures(name: &str) -> Vec<Fixture> {
    fixtures_with(name, || Clock::fixed(today())).await
}

/// As `fixtures`, each app with the clock `clock` makes (one whose instant a test moves on).
pub async fn fixtures_with(name: &str, clock: impl Fn() -> Clock) -> Vec<Fixture> {
    if let Ok(filter) = std::env::var("WAYMARK_TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    }
    let mut fixtures = Vec::new();
    for (backend, store) in crate::common::stores(name).await {
        fixtures.push(build(backend, App::new(store, clock())).await);
    }
    fixtures
}

async fn build(backend: String, app: App) -> Fixture {
    let operator = Actor::operator();
    let force = app
        .add_organisation(
            &operator,
            "NSP",
            "Northshire Police",
            OrganisationKind::Force,
        )
        .await
        .unwrap()
        .id;
    let partner = app
        .add_organisation(
            &operator,
            "NCC",
            "Northshire County Council",
            OrganisationKind::LocalAuthority,
        )
        .await
        .unwrap()
        .id;
    let other = app
        .add_organisation(&operator, "OTH", "Other Police", OrganisationKind::Force)
        .await
        .unwrap()
        .id;
    for (email, name, role, clearance, org) in [
        (
            "admin@force.example",
            "Ada Admin",
            Role::Administrator,
            Marking::OfficialSensitive,
            force,
        ),
        (
            "manager@force.example",
            "Mo Manager",
            Role::PlanManager,
            Marking::OfficialSensitive,
            force,
        ),
        (
            "contributor@force.example",
            "Cal Contributor",
            Role::Contributor,
            Marking::OfficialSensitive,
            force,
        ),
        (
            "viewer@force.example",
            "Vi Viewer",
            Role::Viewer,
            Marking::Official,
            force,
        ),
        (
            "partner@council.example",
            "Pat Partner",
            Role::Contributor,
            Marking::OfficialSensitive,
            partner,
        ),
        (
            "admin@other.example",
            "Otto Other",
            Role::Administrator,
            Marking::OfficialSensitive,
            other,
        ),
    ] {
        app.add_person(
            &operator,
            &PersonInput {
                email: email.into(),
                name: name.into(),
                password: PASSWORD.into(),
                role,
                clearance,
                org: Some(org),
            },
        )
        .await
        .unwrap();
    }
    let admin_signed_in = app
        .sign_in("admin@force.example", PASSWORD, None)
        .await
        .unwrap();
    let (admin, _) = app
        .actor_for_session(&admin_signed_in.token)
        .await
        .unwrap()
        .unwrap();
    for (email, post) in [
        ("contributor@force.example", "Head of Contact Management"),
        ("partner@council.example", "Community Safety Manager"),
    ] {
        let person = app.person_by_email(&operator, email).await.unwrap();
        app.change_holding(
            &operator,
            &waymark_app::people::HoldingChange::Assign {
                user: person.user.id,
                post: None,
                new_post: Some(post.into()),
                since: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            },
        )
        .await
        .unwrap();
    }
    let plan = app
        .create_plan(
            &admin,
            None,
            &PlanInput {
                title: "Custody improvement plan".into(),
                kind: "improvement".into(),
                ..PlanInput::default()
            },
        )
        .await
        .unwrap()
        .id;
    let rec1 = app
        .add_item(
            &admin,
            plan,
            None,
            &item("Rec 1", "Improve the booking-in of detainees", "", None),
        )
        .await
        .unwrap();
    let action11 = app
        .add_item(
            &admin,
            plan,
            Some(rec1),
            &item(
                "1.1",
                "Review the booking-in script with custody sergeants",
                "Head of Contact Management",
                None,
            ),
        )
        .await
        .unwrap();
    let action12 = app
        .add_item(
            &admin,
            plan,
            Some(rec1),
            &item(
                "1.2",
                "Agree appropriate adult cover with the council",
                "Community Safety Manager",
                None,
            ),
        )
        .await
        .unwrap();
    let rec2 = app
        .add_item(
            &admin,
            plan,
            None,
            &item(
                "Rec 2",
                "Clear the vetting backlog of custody detention officers",
                "",
                Some("OFFICIAL-SENSITIVE"),
            ),
        )
        .await
        .unwrap();
    let action21 = app
        .add_item(
            &admin,
            plan,
            Some(rec2),
            &item(
                "2.1",
                "Complete the outstanding vetting renewals",
                "Head of Professional Standards",
                None,
            ),
        )
        .await
        .unwrap();
    let share = app
        .share_plan(
            &admin,
            plan,
            &ShareInput {
                with: partner,
                access: ShareAccess::Contribute,
                ceiling: Marking::Official,
                items: None,
            },
        )
        .await
        .unwrap()
        .share
        .id;
    Fixture {
        backend,
        app,
        force,
        partner,
        other,
        plan,
        rec1,
        action11,
        action12,
        rec2,
        action21,
        share,
    }
}
