//! Integration tests of the web application: the real server on port 0 with a fresh database,
//! talked to over HTTP by a cookie-keeping client that does not follow redirects.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod admin_pages;
mod api;
mod api_access;
mod attention;
mod comments;
mod evidence;
mod glossary;
mod import_choices;
mod import_jobs;
mod imports;
mod indicators;
mod measure;
mod narrative;
mod pages;
mod plan_build;
mod plan_filters;
mod plan_filters_paging;
mod programme;
mod programme_edit;
mod report_settings;
mod reports;
mod route_roles;
mod security;
mod sessions;
mod slow_clients;
