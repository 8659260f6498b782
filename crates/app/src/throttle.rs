//! The growing wait between failed sign-ins, counted per account and per client address in
//! the database (`sign_in_failures`), so it holds across servers and restarts.
//!
//! The first [`ACCOUNT_FREE_FAILURES`] failures of an account cost nothing; after them each
//! attempt must wait 2^k seconds from the last failure (k the failures past the free ones),
//! capped at [`MOST_WAIT_SECS`]. An address gets [`ADDRESS_FREE_FAILURES`], since many people
//! may reach Waymark through one proxy. An attempt made while a wait runs is refused without
//! its password being checked, and it neither counts nor lengthens the wait, so nobody can
//! lock a person out for good: at worst an attacker holds an account to one attempt every
//! fifteen minutes, and a count whose last failure is a day old starts again from nothing.
//! A sign-in that succeeds, or a password an administrator sets, clears the account's count.

use chrono::{DateTime, Utc};

/// Failures of one account before any wait.
pub const ACCOUNT_FREE_FAILURES: i64 = 5;
/// Failures from one address before any wait.
pub const ADDRESS_FREE_FAILURES: i64 = 20;
/// The longest wait, in seconds: fifteen minutes.
pub const MOST_WAIT_SECS: i64 = 15 * 60;
/// A count whose last failure is older than this many hours is forgotten.
pub const FORGET_AFTER_HOURS: i64 = 24;

/// The wait, in seconds, that `failures` impose after the last one, when `free` cost nothing.
pub fn wait_after(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let k = (failures - free + 1).min(20);
    (1i64 << k).min(MOST_WAIT_SECS)
}

/// The seconds left to wait at `now`, if any.
pub fn seconds_left(failures: i64, free: i64, last: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let until = last + chrono::Duration::seconds(wait_after(failures, free));
    let left = (until - now).num_milliseconds();
    if left <= 0 { 0 } else { (left + 999) / 1000 }
}

/// "Too many attempts, try again in 4 minutes" (seconds while under a minute).
pub fn message(wait_seconds: i64) -> String {
    if wait_seconds < 60 {
        let s = wait_seconds.max(1);
        format!(
            "Too many attempts, try again in {s} second{}",
            if s == 1 { "" } else { "s" }
        )
    } else {
        let m = (wait_seconds + 59) / 60;
        format!(
            "Too many attempts, try again in {m} minute{}",
            if m == 1 { "" } else { "s" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_from_the_sixth_attempt_and_stops_at_fifteen_minutes() {
        let waits: Vec<i64> = (0..16).map(|n| wait_after(n, 5)).collect();
        assert_eq!(
            waits,
            [0, 0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
        );
        assert_eq!(wait_after(1_000_000, 5), 900);
        assert_eq!(message(8), "Too many attempts, try again in 8 seconds");
        assert_eq!(message(900), "Too many attempts, try again in 15 minutes");
        assert_eq!(message(61), "Too many attempts, try again in 2 minutes");
    }
}
