//! Integration tests of import and export: the seeds as users' real files, fixtures in layouts
//! nobody on the team designed for, re-imports, and round trips through a real SQLite store.

// Helpers outside #[test] functions may unwrap too: a panic here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export;
mod helpers;
mod hostile;
mod indicators;
mod layouts;
mod reimport;
mod scaling;
mod second_round;
mod seed000;
mod seed003;
mod seed004;
mod unseen;
