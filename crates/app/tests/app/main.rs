//! The application layer's tests: who may see and do what, through every use case, on SQLite
//! and (with `WAYMARK_TEST_DATABASE_URL`) PostgreSQL. One fixture: a force with a plan holding
//! an OFFICIAL-SENSITIVE recommendation, a partner council the plan is shared with up to
//! OFFICIAL, and a third organisation with nothing shared; a person of every role.

// Tests fail loudly by design: a panic here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../store/tests/common/mod.rs"]
mod common;

mod attention;
mod cleanup;
mod commentary;
mod comments;
mod evidence;
mod fixture;
mod import_jobs;
mod narrative;
mod programme;
mod reads;
mod remembered;
mod rules;
mod sessions;
mod writes;
