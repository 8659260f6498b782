//! The report crate's integration tests: a store fixture shaped like seed 004's delivery plan,
//! reports built from it, rendered to every format and inspected as a reader would, and the two
//! clocks ("as at" and published reports).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod board_papers;
mod charts;
mod clocks;
mod evidence;
mod formats;
mod helpers;
mod model;
