//! Signing in and out, sessions, and personal API tokens: how a request becomes an [`Actor`].
//! Tokens are random 256-bit values; only their SHA-256 hashes are stored, so a copy of the
//! database is no key. Every sign-in, failed sign-in and token change is audited.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use waymark_store::{ApiToken, User};

use crate::App;
use crate::actor::{Actor, Via, Who};
use crate::actor_cache::Credential;
use crate::error::{AppError, Result};

/// How long a session lasts at most, however busy (absolute expiry), by default.
pub const SESSION_HOURS: i64 = 12;
/// How long a session lasts unused (idle expiry), by default.
pub const IDLE_MINUTES: i64 = 30;
/// A session's last use is noted when the note is older than this, so that reading pages
/// does not write on every request.
pub const NOTE_SEEN_EVERY_SECS: i64 = 60;

/// When sessions end, judged on the server: `absolute` after sign-in, or `idle` after their
/// last use, whichever comes first. Idle expiry is exact to within [`NOTE_SEEN_EVERY_SECS`]
/// (the last use is noted at most once a minute; a session noted a minute ago is judged from
/// that note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRules {
    pub idle: chrono::Duration,
    pub absolute: chrono::Duration,
}

impl Default for SessionRules {
    fn default() -> Self {
        SessionRules {
            idle: chrono::Duration::minutes(IDLE_MINUTES),
            absolute: chrono::Duration::hours(SESSION_HOURS),
        }
    }
}

/// The prefix of a personal API token, so a leaked one is recognisable in logs and scans.
pub const TOKEN_PREFIX: &str = "wmk_";

/// A random 256-bit token, hex encoded.
pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(hex(&bytes))
}

/// Tokens are stored by their hash.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A session just started.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The cookie's value.
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// A token just created: its value is shown once and never again.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub value: String,
    pub token: ApiToken,
}

impl App {
    /// The actor a person is, with their roles, clearance and the posts they hold today.
    pub(crate) async fn actor_for_user(&self, user: User, via: Via) -> Result<Actor> {
        let roles = self.store().roles_of(user.id).await?;
        let posts = self.store().posts_held(user.id, self.today()).await?;
        let organisation = self.store().organisation(user.org).await?;
        Ok(Actor {
            subject: waymark_core::Subject {
                org: Some(user.org),
                roles,
                clearance: user.clearance,
            },
            who: Who::Person(user),
            posts,
            organisation: Some(organisation),
            address: None,
            via,
        })
    }

    /// The signed-in person behind a session cookie, and the session's CSRF token, while the
    /// session has reached neither its absolute end nor its idle limit; a session found idle
    /// is deleted. Its last use is noted when the note is a minute old. Remembered for a second
    /// (see `actor_cache`), never past the session's end.
    pub async fn actor_for_session(&self, token: &str) -> Result<Option<(Actor, String)>> {
        let hash = token_hash(token);
        let credential = Credential::Session(hash.clone());
        let today = self.today();
        let now = self.clock().now();
        if let Some(known) = self.actors.get(&credential, today, now) {
            return Ok(Some(known));
        }
        let Some(session) = self.store().session(&hash).await? else {
            return Ok(None);
        };
        let idle_end = session.last_seen_at + self.session_rules().idle;
        if now >= session.expires_at || now >= idle_end {
            self.store().delete_session(&hash).await?;
            return Ok(None);
        }
        let note_every = chrono::Duration::seconds(NOTE_SEEN_EVERY_SECS);
        let mut noted = session.last_seen_at;
        if now - noted >= note_every {
            self.store().note_session_seen(&hash, now).await?;
            noted = now;
        }
        // The cache may answer for it until its next note is due (and never past its end), so
        // that a note is never skipped and idle expiry is judged from a true last use.
        let ends = session.expires_at.min(noted + note_every);
        let actor = self.actor_for_user(session.user, Via::Session).await?;
        self.actors
            .put(credential, today, &actor, &session.csrf_token, Some(ends));
        Ok(Some((actor, session.csrf_token)))
    }

    /// The person behind an API token (`Authorization: Bearer wmk_…`); a token acts with its
    /// person's roles. Remembered for a second (see `actor_cache`).
    pub async fn actor_for_bearer(&self, token: &str) -> Result<Option<Actor>> {
        let Some(value) = token.trim().strip_prefix(TOKEN_PREFIX) else {
            return Ok(None);
        };
        let hash = token_hash(value);
        let credential = Credential::Token(hash.clone());
        let today = self.today();
        if let Some((actor, _)) = self.actors.get(&credential, today, self.clock().now()) {
            return Ok(Some(actor));
        }
        // One query: the token, its person, their roles, today's posts and organisation.
        let Some(holder) = self.store().token_holder(&hash, today).await? else {
            return Ok(None);
        };
        let actor = Actor {
            subject: waymark_core::Subject {
                org: Some(holder.user.org),
                roles: holder.roles,
                clearance: holder.user.clearance,
            },
            who: Who::Person(holder.user),
            posts: holder.posts,
            organisation: Some(holder.organisation),
            address: None,
            via: Via::Token(holder.token),
        };
        self.actors.put(credential, today, &actor, "", None);
        Ok(Some(actor))
    }

    /// The CSRF token of a live session (by the same rules as `actor_for_session`), for the
    /// guard on every form.
    pub async fn session_csrf(&self, token: &str) -> Result<Option<String>> {
        Ok(self.actor_for_session(token).await?.map(|(_, csrf)| csrf))
    }

    /// Signs a person in with email and password, starting a session with a new id (never
    /// one the browser brought); a wrong email or password gets the same answer, and both are
    /// audited. Refused unchecked while too many recent failures of the account or from the
    /// address impose a wait (`throttle`), which is audited too.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        address: Option<String>,
    ) -> Result<SignedIn> {
        let now = self.clock().now();
        let forgotten_before = now - chrono::Duration::hours(crate::throttle::FORGET_AFTER_HOURS);
        let email_key = email.trim().to_lowercase();
        let account_key = format!("account:{email_key}");
        let address_key = address.as_ref().map(|a| format!("address:{a}"));
        let mut wait = 0;
        for (key, free) in [
            (Some(&account_key), crate::throttle::ACCOUNT_FREE_FAILURES),
            (address_key.as_ref(), crate::throttle::ADDRESS_FREE_FAILURES),
        ] {
            let Some(key) = key else { continue };
            if let Some(counted) = self.store().sign_in_failures(key, forgotten_before).await? {
                wait = wait.max(crate::throttle::seconds_left(
                    counted.failures,
                    free,
                    counted.last_failed_at,
                    now,
                ));
            }
        }
        let found = self.store().user_for_sign_in(email).await?;
        let someone = || waymark_store::NewAuditEvent {
            actor: format!("someone signing in as {email_key}"),
            address: address.clone(),
            org: found.as_ref().map(|(known, _)| known.org),
            user: found.as_ref().map(|(known, _)| known.id),
            ..Default::default()
        };
        if wait > 0 {
            let mut audit = someone();
            audit.action = "sign_in.throttled".into();
            audit.detail = Some(serde_json::json!({ "wait_seconds": wait }));
            self.store().record_audit(&audit).await?;
            return Err(AppError::TooManyAttempts { wait_seconds: wait });
        }
        // Verify even when the email is unknown, so timing doesn't reveal which emails exist.
        let (user, stored_hash) = match &found {
            Some((user, hash)) => (Some(user.clone()), hash.clone()),
            None => (None, crate::password::DUMMY_HASH.to_string()),
        };
        let verified = crate::password::verify(password, &stored_hash).await?;
        let Some(user) = user.filter(|_| verified) else {
            let failures = self
                .store()
                .note_sign_in_failure(&account_key, now, forgotten_before)
                .await?;
            if let Some(key) = &address_key {
                self.store()
                    .note_sign_in_failure(key, now, forgotten_before)
                    .await?;
            }
            let mut audit = someone();
            audit.action = "sign_in.failed".into();
            audit.detail = Some(serde_json::json!({ "failures": failures }));
            self.store().record_audit(&audit).await?;
            return Err(AppError::SignInFailed);
        };
        self.store().clear_sign_in_failures(&account_key).await?;
        let token = new_token()?;
        let csrf = new_token()?;
        let expires_at = now + self.session_rules().absolute;
        self.store()
            .create_session_at(&token_hash(&token), user.id, &csrf, now, expires_at)
            .await?;
        self.store()
            .record_audit(&waymark_store::NewAuditEvent {
                org: Some(user.org),
                user: Some(user.id),
                actor: format!("{} <{}>", user.name, user.email),
                address,
                action: "sign_in".into(),
                ..Default::default()
            })
            .await?;
        tracing::info!(user = user.id.0, "signed in");
        Ok(SignedIn {
            token,
            csrf_token: csrf,
            expires_at,
            user,
        })
    }

    /// Ends a session on the server.
    pub async fn sign_out(&self, token: &str) -> Result<()> {
        if let Some((actor, _)) = self.actor_for_session(token).await? {
            self.store().record_audit(&actor.audit("sign_out")).await?;
        }
        self.store().delete_session(&token_hash(token)).await?;
        self.actors.forget_all();
        Ok(())
    }

    /// Ends every session of the signed-in person, on every device, this one included, and
    /// forgets them in this server's actor cache; audited with the count ended. Another server
    /// on the same database stops honouring them within `actor_cache::FRESH_FOR`.
    pub async fn sign_out_everywhere(&self, actor: &Actor) -> Result<u64> {
        let user = actor.user().ok_or(AppError::Forbidden)?;
        if !matches!(actor.via, Via::Session) {
            return Err(AppError::Forbidden);
        }
        let mut audit = actor.audit("sign_out.everywhere");
        audit.subject = Some(format!("{} <{}>", user.name, user.email));
        let ended = self
            .store()
            .delete_sessions_of(user.id, None, &audit)
            .await?;
        self.actors.forget_person(user.id);
        Ok(ended)
    }

    /// Creates a personal API token for the actor (or, for the operator, for the person with
    /// `email`). The value is returned once; only its hash is kept.
    pub async fn create_token(
        &self,
        actor: &Actor,
        for_email: Option<&str>,
        name: &str,
    ) -> Result<NewToken> {
        let user = match (actor.user(), for_email) {
            (Some(user), None) => user.clone(),
            (Some(user), Some(email)) if user.email.eq_ignore_ascii_case(email.trim()) => {
                user.clone()
            }
            (Some(_), Some(_)) => return Err(AppError::Forbidden),
            (None, Some(email)) => {
                self.store()
                    .user_for_sign_in(email)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid("email", format!("No one has the email {email}"))
                    })?
                    .0
            }
            (None, None) => {
                return Err(AppError::invalid(
                    "email",
                    "Name the person the token is for",
                ));
            }
        };
        let name = match crate::text::required_line(name, 100) {
            Ok(name) => name,
            Err(crate::text::LineProblem::Missing) => "API token".to_string(),
            Err(problem) => {
                return Err(AppError::invalid(
                    "name",
                    problem.message("the token's name"),
                ));
            }
        };
        let value = new_token()?;
        let mut audit = actor.audit("token.create");
        audit.org = Some(user.org);
        audit.subject = Some(format!("{} for {} <{}>", name, user.name, user.email));
        let token = self
            .store()
            .create_token(&user, &name, &token_hash(&value), &audit)
            .await?;
        Ok(NewToken {
            value: format!("{TOKEN_PREFIX}{value}"),
            token,
        })
    }

    /// The actor's own tokens, revoked ones included.
    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>> {
        let user = actor.user().ok_or(AppError::Forbidden)?;
        Ok(self.store().tokens_of(user.id).await?)
    }

    /// Revokes one of the actor's own tokens, but not the one this request came in with: a
    /// script tidying its tokens would otherwise lock itself out half way. That one is revoked
    /// on the account page or with another token.
    pub async fn revoke_token(&self, actor: &Actor, id: i64) -> Result<()> {
        let user = actor.user().ok_or(AppError::Forbidden)?;
        if actor.via == Via::Token(id) {
            return Err(AppError::state(
                "id",
                "This is the token this request is made with: revoke it on your account page \
                 or with another of your tokens",
            ));
        }
        let mut audit = actor.audit("token.revoke");
        audit.subject = Some(format!("token {id}"));
        self.store().revoke_token(user.id, id, &audit).await?;
        self.actors.forget_all();
        Ok(())
    }
}
