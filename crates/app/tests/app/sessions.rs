//! Sessions and sign-in on the server: idle and absolute expiry (by an injected clock, so no
//! test waits), a new session id at every sign-in, sign-out everywhere, the growing wait after
//! failed sign-ins, and password changes ending sessions.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use waymark_app::model::AuditFilter;
use waymark_app::{Actor, AppError, Clock};

use crate::fixture::{Fixture, PASSWORD, fixtures_with, today};

/// A clock whose instant the test moves on.
#[derive(Clone)]
struct Time(Arc<Mutex<DateTime<Utc>>>);

impl Time {
    fn new() -> Time {
        Time(Arc::new(Mutex::new(Utc::now())))
    }
    fn clock(&self) -> Clock {
        let now = self.0.clone();
        Clock::fixed(today()).with_now(move || *now.lock().unwrap())
    }
    fn pass(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

async fn with_time(name: &str) -> Vec<(Fixture, Time)> {
    let mut out = vec![];
    // One clock per backend, so each fixture's time moves alone.
    let times: Arc<Mutex<Vec<Time>>> = Arc::default();
    let made = times.clone();
    let fixtures = fixtures_with(name, move || {
        let time = Time::new();
        made.lock().unwrap().push(time.clone());
        time.clock()
    })
    .await;
    let times = times.lock().unwrap().clone();
    for (fixture, time) in fixtures.into_iter().zip(times) {
        out.push((fixture, time));
    }
    out
}

async fn sign_in(f: &Fixture, email: &str) -> String {
    f.app
        .sign_in(email, PASSWORD, Some("192.0.2.1".into()))
        .await
        .unwrap()
        .token
}

async fn alive(f: &Fixture, token: &str) -> bool {
    f.app.actor_for_session(token).await.unwrap().is_some()
}

async fn events(f: &Fixture, action: &str) -> Vec<waymark_app::model::AuditEvent> {
    f.app
        .audit_events(
            &Actor::operator(),
            AuditFilter {
                action: Some(action.into()),
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap()
        .1
}

#[tokio::test]
async fn a_session_ends_after_thirty_idle_minutes_and_use_keeps_it_alive() {
    for (f, time) in with_time("sessions_idle").await {
        let token = sign_in(&f, "viewer@force.example").await;
        assert!(alive(&f, &token).await);
        // Used every 29 minutes it lives on, past the first 30.
        for _ in 0..3 {
            time.pass(Duration::minutes(29));
            assert!(alive(&f, &token).await, "{}", f.backend);
        }
        time.pass(Duration::minutes(30) + Duration::seconds(1));
        assert!(
            !alive(&f, &token).await,
            "{}: idle for 30 minutes",
            f.backend
        );
        // It was deleted, not only refused: going back in time does not revive it.
        time.pass(-Duration::minutes(10));
        assert!(!alive(&f, &token).await, "{}", f.backend);
        assert!(f.app.session_csrf(&token).await.unwrap().is_none());
    }
}

/// The last use is noted at most once a minute (no write per read): a use 50 seconds after the
/// last note does not move it, one 61 seconds after does. Idle expiry is still judged from the
/// last note, and holds even while the actor cache remembers the session.
#[tokio::test]
async fn the_last_use_is_noted_at_most_once_a_minute() {
    for (f, time) in with_time("sessions_noted").await {
        let quiet = sign_in(&f, "viewer@force.example").await;
        let noted = sign_in(&f, "manager@force.example").await;
        time.pass(Duration::seconds(50));
        assert!(alive(&f, &quiet).await);
        time.pass(Duration::seconds(11));
        assert!(alive(&f, &noted).await);
        // 30 minutes and a second after sign-in: `quiet` was last noted at sign-in.
        time.pass(Duration::minutes(29) + Duration::seconds(1));
        assert!(!alive(&f, &quiet).await, "{}", f.backend);
        assert!(alive(&f, &noted).await, "{}", f.backend);
        // Remembered in the cache (read a moment ago), it still ends on time.
        time.pass(Duration::minutes(30));
        assert!(!alive(&f, &noted).await, "{}", f.backend);
    }
}

#[tokio::test]
async fn a_session_ends_twelve_hours_after_sign_in_however_busy() {
    for (f, time) in with_time("sessions_absolute").await {
        let token = sign_in(&f, "viewer@force.example").await;
        for _ in 0..35 {
            time.pass(Duration::minutes(20));
            assert!(alive(&f, &token).await, "{}", f.backend);
        }
        // 11 h 40 min so far.
        time.pass(Duration::minutes(20));
        assert!(!alive(&f, &token).await, "{}: 12 hours", f.backend);
    }
}

#[tokio::test]
async fn every_sign_in_starts_a_new_session() {
    for (f, _) in with_time("sessions_new_id").await {
        let first = sign_in(&f, "viewer@force.example").await;
        let second = sign_in(&f, "viewer@force.example").await;
        assert_ne!(first, second);
        assert_eq!(first.len(), 64);
        assert!(alive(&f, &first).await && alive(&f, &second).await);
        f.app.sign_out(&first).await.unwrap();
        assert!(
            !alive(&f, &first).await,
            "signing out ends it on the server"
        );
        assert!(alive(&f, &second).await);
    }
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_person_only() {
    for (f, _) in with_time("sessions_everywhere").await {
        let laptop = sign_in(&f, "viewer@force.example").await;
        let phone = sign_in(&f, "viewer@force.example").await;
        let colleague = sign_in(&f, "manager@force.example").await;
        // All three are remembered in the actor cache now.
        let (actor, _) = f.app.actor_for_session(&laptop).await.unwrap().unwrap();
        assert!(alive(&f, &phone).await && alive(&f, &colleague).await);
        assert_eq!(f.app.sign_out_everywhere(&actor).await.unwrap(), 2);
        assert!(!alive(&f, &laptop).await, "{}", f.backend);
        assert!(!alive(&f, &phone).await, "{}", f.backend);
        assert!(alive(&f, &colleague).await, "{}", f.backend);
        let audited = events(&f, "sign_out.everywhere").await;
        assert_eq!(audited.len(), 1);
        assert!(
            audited[0]
                .detail
                .as_deref()
                .unwrap()
                .contains("\"sessions_ended\":2")
        );
        // The operator has no sessions to end.
        assert!(matches!(
            f.app.sign_out_everywhere(&Actor::operator()).await,
            Err(AppError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn failed_sign_ins_make_a_growing_wait_that_success_clears() {
    for (f, time) in with_time("sessions_throttle").await {
        let email = "viewer@force.example";
        let attempt = |password: &'static str, n: u32| {
            let app = f.app.clone();
            // A new address each time, so only the account's count is at work.
            async move {
                app.sign_in(email, password, Some(format!("198.51.100.{n}")))
                    .await
            }
        };
        for n in 0..5 {
            assert!(matches!(
                attempt("wrong password!", n).await,
                Err(AppError::SignInFailed)
            ));
        }
        // The sixth waits 2 s, even with the right password, which is not checked.
        let mut waits = vec![];
        for n in 5..9 {
            match attempt(PASSWORD, n).await {
                Err(AppError::TooManyAttempts { wait_seconds }) => waits.push(wait_seconds),
                other => panic!("{}: not throttled: {other:?}", f.backend),
            }
            time.pass(Duration::seconds(*waits.last().unwrap()));
            assert!(matches!(
                attempt("wrong password!", n).await,
                Err(AppError::SignInFailed)
            ));
        }
        assert_eq!(waits, [2, 4, 8, 16], "{}: the wait doubles", f.backend);
        match attempt(PASSWORD, 20).await {
            Err(error @ AppError::TooManyAttempts { wait_seconds: 32 }) => {
                assert_eq!(
                    error.to_string(),
                    "Too many attempts, try again in 32 seconds"
                );
            }
            other => panic!("{other:?}"),
        }
        // Another account is not held up.
        assert!(
            f.app
                .sign_in(
                    "manager@force.example",
                    PASSWORD,
                    Some("198.51.100.30".into())
                )
                .await
                .is_ok()
        );
        // After the wait the right password works, and clears the count.
        time.pass(Duration::seconds(32));
        assert!(attempt(PASSWORD, 21).await.is_ok(), "{}", f.backend);
        for n in 22..27 {
            assert!(matches!(
                attempt("wrong password!", n).await,
                Err(AppError::SignInFailed)
            ));
        }
        assert!(matches!(
            attempt(PASSWORD, 27).await,
            Err(AppError::TooManyAttempts { wait_seconds: 2 })
        ));
        // Audited, each failure and each throttled attempt, never with the password.
        assert_eq!(events(&f, "sign_in.failed").await.len(), 14);
        assert_eq!(events(&f, "sign_in.throttled").await.len(), 6);
        for event in events(&f, "sign_in").await {
            let text = format!("{event:?}");
            assert!(!text.contains("wrong password!") && !text.contains(PASSWORD));
        }
    }
}

/// The wait is capped at fifteen minutes and a day-old count is forgotten: nobody can lock a
/// person out for good.
#[tokio::test]
async fn the_wait_never_exceeds_fifteen_minutes() {
    for (f, time) in with_time("sessions_cap").await {
        let email = "viewer@force.example";
        let mut last_wait = 0;
        for n in 0..16 {
            let address = Some(format!("203.0.113.{n}"));
            match f.app.sign_in(email, "wrong password!", address).await {
                Err(AppError::SignInFailed) => {}
                Err(AppError::TooManyAttempts { wait_seconds }) => {
                    last_wait = wait_seconds;
                    time.pass(Duration::seconds(wait_seconds));
                    let again = Some(format!("203.0.113.{}", n + 100));
                    assert!(matches!(
                        f.app.sign_in(email, "wrong password!", again).await,
                        Err(AppError::SignInFailed)
                    ));
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(last_wait, 900, "{}", f.backend);
        time.pass(Duration::minutes(15));
        assert!(f.app.sign_in(email, PASSWORD, None).await.is_ok());
    }
}

#[tokio::test]
async fn many_failures_from_one_address_hold_up_that_address() {
    for (f, _) in with_time("sessions_address").await {
        let address = Some("192.0.2.99".to_string());
        for n in 0..20 {
            let email = format!("nobody{n}@force.example");
            assert!(matches!(
                f.app
                    .sign_in(&email, "wrong password!", address.clone())
                    .await,
                Err(AppError::SignInFailed)
            ));
        }
        assert!(matches!(
            f.app
                .sign_in("viewer@force.example", PASSWORD, address)
                .await,
            Err(AppError::TooManyAttempts { .. })
        ));
        assert!(
            f.app
                .sign_in("viewer@force.example", PASSWORD, Some("192.0.2.100".into()))
                .await
                .is_ok()
        );
    }
}

#[tokio::test]
async fn changing_a_password_ends_the_other_sessions_and_a_reset_ends_all() {
    for (f, _) in with_time("sessions_password").await {
        let here = sign_in(&f, "viewer@force.example").await;
        let there = sign_in(&f, "viewer@force.example").await;
        let (viewer, _) = f.app.actor_for_session(&here).await.unwrap().unwrap();
        let refused = f
            .app
            .change_own_password(&viewer, PASSWORD, "password1234", Some(&here))
            .await
            .unwrap_err();
        assert!(
            refused.messages().contains("most commonly used passwords"),
            "{}",
            refused.messages()
        );
        f.app
            .change_own_password(&viewer, PASSWORD, "violet tractor lantern", Some(&here))
            .await
            .unwrap();
        assert!(alive(&f, &here).await, "{}: this session stays", f.backend);
        assert!(!alive(&f, &there).await, "{}: the other ends", f.backend);

        // An administrator's reset ends every session of the person; a plan manager is refused
        // (told the person is not found, as for anyone they may not administer).
        let admin = f.admin().await;
        let manager = f.manager().await;
        assert!(matches!(
            f.app
                .set_password(
                    &manager,
                    viewer.user().unwrap().id,
                    "another long passphrase"
                )
                .await,
            Err(AppError::NotFound | AppError::Forbidden)
        ));
        f.app
            .set_password(&admin, viewer.user().unwrap().id, "another long passphrase")
            .await
            .unwrap();
        assert!(!alive(&f, &here).await, "{}", f.backend);
        assert!(
            f.app
                .sign_in("viewer@force.example", "another long passphrase", None)
                .await
                .is_ok()
        );
        assert_eq!(events(&f, "person.password").await.len(), 2);
    }
}
