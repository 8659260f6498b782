//! `spawn_app()`: a fresh SQLite database with one organisation, two people and a small plan,
//! served on port 0.

use chrono::{NaiveDate, TimeZone, Utc};
use reqwest::redirect::Policy;
use tokio::net::TcpListener;
use waymark_core::{FlexDate, ItemFields, ItemId, PlanKind, Rag, UpdateCycle};
use waymark_store::{ChangeSet, ItemRef, NewItem, NewPlan, NewUpdate, Store};
use waymark_web::{AppState, Clock};

pub const PASSWORD: &str = "a long test password";

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// "Today" for every test: mid-February 2015.
pub fn today() -> NaiveDate {
    day(2015, 2, 16)
}

pub struct TestApp {
    pub address: String,
    pub store: Store,
    pub client: reqwest::Client,
    pub plan: i64,
    pub action: ItemId,
    pub other_plan: i64,
    /// The SQLite file the server uses.
    pub db_path: std::path::PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The body of a GET of `path` by the app's client, whatever its status.
    pub async fn text(&self, path: &str) -> String {
        self.text_as(&self.client, path).await
    }

    /// The body of a GET of `path` by `client` (another person's cookie jar).
    pub async fn text_as(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// A fresh client with its own cookie jar.
    pub fn new_client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    /// Signs the app's client in as `email`, going through the sign-in form like a browser.
    pub async fn sign_in_as(&self, client: &reqwest::Client, email: &str) -> reqwest::Response {
        let page = client.get(self.url("/sign-in")).send().await.unwrap();
        let html = page.text().await.unwrap();
        let csrf = hidden_value(&html, "csrf");
        client
            .post(self.url("/sign-in"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Signs the app's client in as the action owner (a contributor).
    pub async fn sign_in(&self) {
        let response = self.sign_in_as(&self.client, "owner@test.example").await;
        assert_eq!(response.status(), 303);
    }

    /// Signs the app's client in as the administrator.
    pub async fn sign_in_admin(&self) {
        let response = self.sign_in_as(&self.client, "admin@test.example").await;
        assert_eq!(response.status(), 303);
    }

    /// The session's CSRF token, for API writes.
    pub async fn csrf(&self) -> String {
        let session: serde_json::Value = self
            .client
            .get(self.url("/api/session"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        session["csrf_token"].as_str().unwrap().to_string()
    }
}

/// The value of a hidden input in a page.
pub fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with_demo(None).await
}

/// As `spawn_app`, with the demo's sign-in accounts set as `waymark demo` sets them.
pub async fn spawn_app_with_demo(demo: Option<waymark_web::DemoSignIn>) -> TestApp {
    spawn_app_within(demo, waymark_web::ServeLimits::default()).await
}

/// As `spawn_app_with_demo`, serving within the given timeouts and connection bounds.
pub async fn spawn_app_within(
    demo: Option<waymark_web::DemoSignIn>,
    limits: waymark_web::ServeLimits,
) -> TestApp {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "waymark-web-{}-{}.db",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    let store = Store::open_sqlite_file(&path).await.unwrap();
    let org = store
        .create_organisation("TST", "Test Constabulary")
        .await
        .unwrap();
    let other = store
        .create_organisation("OTH", "Other Police")
        .await
        .unwrap();
    let hash = waymark_app::password::hash_now(PASSWORD).unwrap();
    let owner = store
        .create_user(org.id, "owner@test.example", "Olu Owner", &hash, false)
        .await
        .unwrap();
    store
        .create_user(org.id, "admin@test.example", "Ada Admin", &hash, true)
        .await
        .unwrap();
    let post = store
        .ensure_post(org.id, "Head of Contact Management")
        .await
        .unwrap();
    store
        .assign_post(org.id, post, owner.id, day(2014, 4, 1))
        .await
        .unwrap();
    store
        .create_user(other.id, "other@other.example", "Otto Other", &hash, false)
        .await
        .unwrap();

    let plan = store
        .create_plan(&NewPlan {
            org: org.id,
            kind: PlanKind::Improvement,
            title: "Call handling improvement plan".into(),
            period: Some("2014-15".into()),
            level_names: vec!["Recommendation".into(), "Action".into()],
            owner_posts: vec!["Plan owner: Chief Superintendent".into()],
            source: Some("Inspection of call handling".into()),
            update_cycle: UpdateCycle::Monthly,
            marking: waymark_core::Classification::OFFICIAL,
        })
        .await
        .unwrap();
    let mut changes = ChangeSet::new(org.id, plan.id);
    changes.entered_at = Some(Utc.with_ymd_and_hms(2014, 11, 21, 9, 0, 0).unwrap());
    changes.new_items.push(NewItem {
        parent: None,
        fields: ItemFields {
            reference: Some("pg 73 paragraph 4.43".into()),
            text: "Give call handlers criteria to assess threat, harm and risk".into(),
            ..ItemFields::default()
        },
        effective: day(2014, 11, 21),
    });
    changes.new_items.push(NewItem {
        parent: Some(ItemRef::New(0)),
        fields: ItemFields {
            reference: Some("4.43a".into()),
            text: "Issue guidance on repeat and vulnerable victims".into(),
            owners: vec!["Head of Contact Management".into()],
            due: Some(FlexDate::exact(day(2015, 1, 31))),
            rag: Some(Rag::Green),
            ..ItemFields::default()
        },
        effective: day(2014, 11, 21),
    });
    changes.updates.push(NewUpdate {
        item: ItemRef::New(1),
        as_of: day(2014, 11, 21),
        author_person: None,
        author_post: Some("Supt Operations".into()),
        text: "Guidance drafted following the review of practices.".into(),
        proposed_rag: Some(Rag::Green),
        supersedes: None,
    });
    let applied = store.apply_changes(&changes).await.unwrap();

    let other_plan = store
        .create_plan(&NewPlan {
            org: other.id,
            kind: PlanKind::Strategic,
            title: "Other force's confidential plan".into(),
            period: None,
            level_names: PlanKind::Strategic.default_levels(),
            owner_posts: vec![],
            source: None,
            update_cycle: UpdateCycle::Quarterly,
            marking: waymark_core::Classification::OFFICIAL,
        })
        .await
        .unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState {
        app: waymark_app::App::new(store.clone(), Clock::fixed(today())),
        secure_cookies: false,
        demo: demo.map(std::sync::Arc::new),
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(waymark_web::serve_within(listener, state, limits, async {
        let _ = rx.await;
    }));
    TestApp {
        address,
        store,
        client: TestApp::new_client(),
        plan: plan.id.0,
        action: applied.item_ids[1],
        other_plan: other_plan.id.0,
        db_path: path,
        shutdown: Some(tx),
    }
}

/// The demo people's password, as `waymark demo` sets it.
pub const DEMO_PASSWORD: &str = "waymark-demo-2026";

impl TestApp {
    /// Loads the demo into the app's store, as `waymark demo` does, on the server's today.
    pub async fn load_demo(&self) {
        waymark_app::App::new(self.store.clone(), Clock::fixed(today()))
            .ensure_demo(&waymark_app::Actor::operator(), today())
            .await
            .unwrap();
    }
}

/// A fresh client signed in as one of the demo's people, through the sign-in form.
pub async fn sign_in_demo(app: &TestApp, email: &str) -> reqwest::Client {
    let client = TestApp::new_client();
    let page = client.get(app.url("/sign-in")).send().await.unwrap();
    let csrf = hidden_value(&page.text().await.unwrap(), "csrf");
    let response = client
        .post(app.url("/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", DEMO_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{email} signs in");
    client
}
