//! Passwords: argon2id hashes, and the one rule for a new password. Hashing is slow on purpose
//! (~75 ms), so it runs off the async threads.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};

use crate::error::{AppError, Result};

/// The shortest password accepted. Length is what makes a password strong; there are no
/// composition rules (NCSC guidance).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The 20,000 most common passwords (lower-cased, one a line): the list Django ships as
/// `django/contrib/auth/common-passwords.txt.gz` (Django 5.2 from PyPI, unzipped), made by
/// Royce Williams from breached passwords. NCSC guidance: refuse the commonest passwords
/// rather than impose composition rules.
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

/// The common passwords long enough to pass the length rule: the only ones the list refuses
/// by itself, which the API's document states as a pattern.
pub fn common_passwords_of_accepted_length() -> impl Iterator<Item = &'static str> {
    COMMON_PASSWORDS
        .lines()
        .filter(|line| line.chars().count() >= MIN_PASSWORD_CHARS)
}

/// True when the password, ignoring case and surrounding spaces, is on the common list.
pub fn is_common(password: &str) -> bool {
    let wanted = password.trim().to_lowercase();
    COMMON_PASSWORDS.lines().any(|line| line == wanted)
}

/// Checks a new password against the rule, naming what is wrong.
pub fn check_new_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            format!("The password must be at least {MIN_PASSWORD_CHARS} characters long"),
        ));
    }
    if password.chars().count() > 256 {
        return Err(AppError::invalid(
            "password",
            "The password must be 256 characters or fewer",
        ));
    }
    if is_common(password) {
        return Err(AppError::invalid(
            "password",
            "This password is one of the most commonly used passwords, so it is easily \
             guessed: choose another, such as three random words",
        ));
    }
    Ok(())
}

/// Hashes a password with argon2id and a fresh salt, off the async threads.
pub async fn hash(password: &str) -> Result<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_now(&password)).await?
}

/// Hashes a password now, on this thread: for set-up code that is not serving requests.
pub fn hash_now(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

/// Checks a password against a stored argon2 hash, off the async threads.
pub async fn verify(password: &str, stored_hash: &str) -> Result<bool> {
    let password = password.to_string();
    let stored = stored_hash.to_string();
    Ok(tokio::task::spawn_blocking(move || verify_now(&password, &stored)).await?)
}

fn verify_now(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A valid argon2id hash of a random password, verified against when the email is unknown so
/// that timing does not reveal which emails exist.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG6Kx5Bd3qgRs";

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_now("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_now("correct horse battery staple", &hash));
        assert!(!verify_now("Correct horse battery staple", &hash));
        assert!(!verify_now("anything", "not a hash"));
        assert!(!verify_now("anything", DUMMY_HASH));
    }

    #[test]
    fn the_rule_is_length_alone() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("elevenchars").is_err());
        assert!(check_new_password("twelve chars").is_ok());
        assert!(check_new_password("alllowercaseletters").is_ok());
    }

    #[test]
    fn common_passwords_are_refused_with_a_reason() {
        assert!(COMMON_PASSWORDS.lines().count() > 19_000);
        assert!(is_common("123456"));
        for common in ["q1w2e3r4t5y6", "1QAZ2WSX3EDC", "qwertyuiop123"] {
            let message = check_new_password(common).unwrap_err().messages();
            assert!(
                message.contains("most commonly used passwords"),
                "{common}: {message}"
            );
        }
        assert!(check_new_password("violet tractor lantern").is_ok());
    }
}
