//! Who a session cookie or an API token stands for, remembered for a second.
//!
//! Every request starts by turning its cookie or token into an [`Actor`]: a read of the
//! session or token, the person, their roles, today's posts and organisation. A script or a
//! busy page sends the same one many times a second, so each server keeps the answer for
//! [`FRESH_FOR`]. Whatever this server changes that an actor is made of (roles, clearance,
//! posts held, a token revoked, a session ended) empties the cache at once, so here a change
//! takes effect on the next request; a change made by another process on the same database (the
//! CLI beside a running server, another server on PostgreSQL) takes effect within
//! [`FRESH_FOR`]. A cookie or token that is not valid is never remembered, so guessing one
//! always reaches the database.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};

use crate::actor::Actor;

/// How long an answer is used before it is read again.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(1);
/// Entries kept at most; past this the cache starts again empty, so that many distinct tokens
/// cannot grow it without bound.
const MOST: usize = 10_000;

/// What a credential is, by kind, so that a session and a token never share an entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Credential {
    Session(String),
    Token(String),
}

#[derive(Default)]
pub(crate) struct ActorCache {
    entries: Mutex<HashMap<Credential, Entry>>,
}

struct Entry {
    actor: Actor,
    /// The session's CSRF token; empty for an API token.
    csrf: String,
    /// The day the actor's posts were read for: posts are held from a day to a day.
    day: NaiveDate,
    read_at: Instant,
    /// When the session ends; `None` for a token, which lasts until it is revoked.
    expires_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for ActorCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActorCache").finish_non_exhaustive()
    }
}

impl ActorCache {
    /// The actor and CSRF token remembered for `credential`, if read for `day` less than
    /// [`FRESH_FOR`] ago and (for a session) not yet expired.
    pub(crate) fn get(
        &self,
        credential: &Credential,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> Option<(Actor, String)> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(credential)?;
        let fresh = entry.day == day
            && entry.read_at.elapsed() < FRESH_FOR
            && entry.expires_at.is_none_or(|end| now < end);
        fresh.then(|| (entry.actor.clone(), entry.csrf.clone()))
    }

    pub(crate) fn put(
        &self,
        credential: Credential,
        day: NaiveDate,
        actor: &Actor,
        csrf: &str,
        expires_at: Option<DateTime<Utc>>,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MOST {
            entries.clear();
        }
        entries.insert(
            credential,
            Entry {
                actor: actor.clone(),
                csrf: csrf.to_string(),
                day,
                read_at: Instant::now(),
                expires_at,
            },
        );
    }

    /// Forgets every session of the person `user`: called when their sessions are ended.
    pub(crate) fn forget_person(&self, user: waymark_core::UserId) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, entry| entry.actor.user().is_none_or(|known| known.id != user));
    }

    /// Forgets every answer: called by each use case that changes what an actor is made of.
    pub(crate) fn forget_all(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn an_answer_is_kept_for_its_day_until_forgotten_or_expired() {
        let cache = ActorCache::default();
        let actor = Actor::operator();
        let token = Credential::Token("abc".into());
        cache.put(token.clone(), day(6), &actor, "", None);
        assert_eq!(
            cache.get(&token, day(6), Utc::now()),
            Some((actor.clone(), String::new()))
        );
        // Posts are read for a day: the next day reads again.
        assert_eq!(cache.get(&token, day(7), Utc::now()), None);
        // A session with the same secret is another credential.
        assert_eq!(
            cache.get(&Credential::Session("abc".into()), day(6), Utc::now()),
            None
        );
        cache.forget_all();
        assert_eq!(cache.get(&token, day(6), Utc::now()), None);
        // A session that has ended is not used, however fresh.
        let session = Credential::Session("s".into());
        let ended = Utc::now() - chrono::Duration::seconds(1);
        cache.put(session.clone(), day(6), &actor, "csrf", Some(ended));
        assert_eq!(cache.get(&session, day(6), Utc::now()), None);
        let later = Utc::now() + chrono::Duration::hours(1);
        cache.put(session.clone(), day(6), &actor, "csrf", Some(later));
        assert_eq!(
            cache.get(&session, day(6), Utc::now()),
            Some((actor, "csrf".into()))
        );
    }
}
