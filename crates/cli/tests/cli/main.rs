//! The `waymark` binary as users and scripts run it: the demo, the JSON contracts, "as at"
//! reads, clean shutdown on SIGTERM, and no acknowledged update lost to SIGKILL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod commands;
mod durability;
mod indicators;
mod programme;
mod report;
mod restore;
