//! What every handler can reach: the store and the clock.

use std::sync::Arc;

use chrono::NaiveDate;
use waymark_store::Store;

/// Today's date, injectable so that tests and demos can pin it.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> NaiveDate + Send + Sync>);

impl Clock {
    /// The server's local calendar date.
    pub fn system() -> Self {
        Clock(Arc::new(|| chrono::Local::now().date_naive()))
    }

    /// Always the same day.
    pub fn fixed(day: NaiveDate) -> Self {
        Clock(Arc::new(move || day))
    }

    pub fn today(&self) -> NaiveDate {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock(today = {})", self.today())
    }
}

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
    pub store: Store,
    pub clock: Clock,
    /// Whether cookies get the Secure attribute (behind HTTPS).
    pub secure_cookies: bool,
    /// The demo's accounts, shown on the sign-in page; `None` except on a demo server.
    pub demo: Option<Arc<DemoSignIn>>,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        AppState {
            store,
            clock: Clock::system(),
            secure_cookies: false,
            demo: None,
        }
    }
}
