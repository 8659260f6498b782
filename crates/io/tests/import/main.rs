//! Integration tests of import and export: the seeds as users' real files, fixtures in layouts
//! nobody on the team designed for, re-imports, and round trips through a real SQLite store.

mod export;
mod helpers;
mod layouts;
mod reimport;
mod seed000;
mod seed004;
