//! What every handler can reach: the application layer and how the server is set up. Handlers
//! never reach the store: every read and write goes through `waymark_app`.

use std::sync::Arc;

use waymark_app::App;
pub use waymark_app::Clock;

/// One demo account, shown on the sign-in page of a demo server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAccount {
    pub email: String,
    pub name: String,
    /// What the person does in the demo: "action owner, Head of Contact Management".
    pub role: String,
}

/// The accounts of the demo data and their shared password. Set only by `waymark demo`, so
/// that someone trying Waymark can sign in without reading the terminal; a real server never
/// has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSignIn {
    pub password: String,
    pub accounts: Vec<DemoAccount>,
}

/// Shared state of the web application.
#[derive(Clone, Debug)]
pub struct AppState {
    pub app: App,
    /// Whether cookies get the Secure attribute (behind HTTPS): on for `waymark serve` unless
    /// `--insecure-cookies`, off for `waymark demo` (plain http on loopback) and in tests.
    pub secure_cookies: bool,
    /// The demo's accounts, shown on the sign-in page; `None` except on a demo server.
    pub demo: Option<Arc<DemoSignIn>>,
}

impl AppState {
    pub fn new(app: App) -> Self {
        AppState {
            app,
            secure_cookies: false,
            demo: None,
        }
    }

    /// Today, by the application's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.app.today()
    }
}
