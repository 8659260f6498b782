//! Every route × every kind of person: the routes are read from the router's source and from
//! `/api/openapi.json`, each (method, path) has one row in `ROWS` with the target its path
//! parameters name and the rule of who may use it, and each row is sent by each actor and the
//! answer's class (allowed, refused, sign-in needed) compared with the rule's. A route with no
//! row, or a row with no route, fails the test; so does any mismatch, all of them listed.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use waymark_core::{Marking, OrganisationKind, Role};
use waymark_store::NewPerson;

use crate::helpers::{PASSWORD, TestApp, spawn_app};

/// Who may use a route.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Anyone signed in (their own account, the pages every person has).
    SignedIn,
    /// Anyone who may read the target's plan.
    Reader,
    /// Anyone who may change the target item's updates and RAG (its owner's post, or a manager).
    Updater,
    /// Anyone who may contribute to the target's plan and see the target (a contributor or a
    /// manager of its organisation, whatever post owns the item): comments.
    Contributor,
    /// A plan manager of the target's plan (or of the organisation when there is no target).
    Manager,
    /// The organisation's administrator.
    Admin,
}

/// What a row's path parameters name. Each target of the test force's has a twin of another
/// force's (or an OFFICIAL-SENSITIVE one), and every row is sent with both.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    None,
    /// The test force's plan.
    OwnPlan,
    /// The contributor's action in the own plan.
    Item,
    /// An indicator of the own plan that the contributor's post owns.
    Indicator,
    /// A report of the own plan, published before anything OFFICIAL-SENSITIVE was in it.
    Report,
    /// The own plan's read share with the shire council.
    Share,
    /// Another force's plan: every row with `OwnPlan` is also sent with it.
    OtherPlan,
    /// An OFFICIAL-SENSITIVE item of the own plan: every row with `Item` is also sent with it.
    Sensitive,
    /// Another force's indicator, report and share (with a council no actor belongs to).
    OtherIndicator,
    OtherReport,
    OtherShare,
    /// A person of the test force (the viewer), for the people routes.
    Person,
    /// An API token of the administrator's: only they may revoke it.
    Token,
    /// An import the plan manager previewed: only its uploader may confirm it or read its
    /// findings.
    Import,
    /// A file kept as evidence on the contributor's action, by the administrator.
    Evidence,
    /// A background import the plan manager started (and which has stored): only they and
    /// their organisation's administrator see it.
    ImportJob,
}

impl Target {
    /// The twin every row of this target is also sent with.
    fn twin(self) -> Option<Target> {
        match self {
            Target::OwnPlan => Some(Target::OtherPlan),
            Target::Item => Some(Target::Sensitive),
            Target::Indicator => Some(Target::OtherIndicator),
            Target::Report => Some(Target::OtherReport),
            Target::Share => Some(Target::OtherShare),
            _ => None,
        }
    }

    fn of_other_force(self) -> bool {
        matches!(
            self,
            Target::OtherPlan | Target::OtherIndicator | Target::OtherReport | Target::OtherShare
        )
    }

    /// Part of the test force's plan, which the shire council may read.
    fn in_shared_plan(self) -> bool {
        matches!(
            self,
            Target::OwnPlan
                | Target::Item
                | Target::Sensitive
                | Target::Indicator
                | Target::Report
                | Target::Evidence
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Actor {
    Nobody,
    Viewer,
    Contributor,
    Manager,
    Admin,
    /// A council's person (a viewer) whose council has a read share of the own plan up to
    /// OFFICIAL.
    PartnerWithShare,
    /// A council's person: their organisation has no share of the test force's plan.
    PartnerWithoutShare,
    /// A contributor of another force.
    OtherForce,
}

const ACTORS: [Actor; 8] = [
    Actor::Nobody,
    Actor::Viewer,
    Actor::Contributor,
    Actor::Manager,
    Actor::Admin,
    Actor::PartnerWithShare,
    Actor::PartnerWithoutShare,
    Actor::OtherForce,
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    Allowed,
    Refused,
    SignInNeeded,
    Other(u16),
}

struct Row {
    method: &'static str,
    path: &'static str,
    target: Target,
    /// A form (`a=b&c=d`, pages) or JSON (API) body that a permitted request could send.
    body: &'static str,
    rule: Rule,
}

const fn row(
    method: &'static str,
    path: &'static str,
    target: Target,
    body: &'static str,
    rule: Rule,
) -> Row {
    Row {
        method,
        path,
        target,
        body,
        rule,
    }
}

use Rule::{Admin, Manager, Public, Reader, SignedIn, Updater};
use Target::{Import, Indicator, Item, OwnPlan, Person, Report, Share, Token};
const NO: Target = Target::None;

const ROWS: &[Row] = &[
    // Assets, health, sign-in and the API's description.
    row("GET", "/assets/app.css", NO, "", Public),
    row("GET", "/assets/app.js", NO, "", Public),
    row("GET", "/assets/import-job.js", NO, "", Public),
    row("GET", "/assets/favicon.svg", NO, "", Public),
    row("GET", "/assets/govuk-frontend.min.css", NO, "", Public),
    row("GET", "/assets/govuk-frontend.min.js", NO, "", Public),
    row("GET", "/health", NO, "", Public),
    row("GET", "/sign-in", NO, "", Public),
    row(
        "POST",
        "/sign-in",
        NO,
        "email=viewer%40test.example&password=a+long+test+password",
        Public,
    ),
    row("POST", "/sign-out", NO, "", SignedIn),
    row("GET", "/api/openapi.json", NO, "", Public),
    // Pages every signed-in person has.
    row("GET", "/", NO, "", SignedIn),
    row("GET", "/my-actions", NO, "", SignedIn),
    row("GET", "/attention", NO, "", SignedIn),
    row("GET", "/account", NO, "", SignedIn),
    row(
        "POST",
        "/account/password",
        NO,
        // The viewer's password as the administrator set it (`/api/people/{id}/password`),
        // which the permitted writes send before this one.
        "current=another+long+password&password=a+third+long+password",
        SignedIn,
    ),
    row("POST", "/account/sign-out-everywhere", NO, "", SignedIn),
    row("POST", "/account/tokens", NO, "name=Nightly", SignedIn),
    row("POST", "/account/tokens/{id}/revoke", Token, "", SignedIn),
    row("GET", "/api/session", NO, "", SignedIn),
    row("GET", "/api/plans", NO, "", SignedIn),
    row("GET", "/api/tokens", NO, "", SignedIn),
    row("POST", "/api/tokens", NO, r#"{"name":"Nightly"}"#, SignedIn),
    row("POST", "/api/tokens/{id}/revoke", Token, "{}", SignedIn),
    // Reading a plan.
    row("GET", "/plans/{id}", OwnPlan, "", Reader),
    row("GET", "/plans/{id}/changes", OwnPlan, "", Reader),
    row("GET", "/plans/{id}/export", OwnPlan, "", Reader),
    row("GET", "/plans/{id}/indicators", OwnPlan, "", Reader),
    row(
        "GET",
        "/plans/{id}/programme",
        OwnPlan,
        "year=2026/27",
        Reader,
    ),
    row("GET", "/plans/{id}/programme/matrix", OwnPlan, "", Reader),
    row(
        "GET",
        "/plans/{id}/programme/report",
        OwnPlan,
        "year=2026/27&format=html",
        Reader,
    ),
    row(
        "GET",
        "/plans/{id}/programme/reports",
        OwnPlan,
        "year=2026/27",
        Reader,
    ),
    row("GET", "/plans/{id}/reports", OwnPlan, "", Reader),
    row(
        "GET",
        "/plans/{id}/reports/download",
        OwnPlan,
        "layout=tracker&format=html",
        Reader,
    ),
    row(
        "POST",
        "/plans/{id}/reports/download",
        OwnPlan,
        "layout=tracker&format=html",
        Reader,
    ),
    row(
        "POST",
        "/plans/{id}/reports/check",
        OwnPlan,
        "layout=tracker",
        Reader,
    ),
    row("GET", "/items/{id}", Item, "", Reader),
    row("GET", "/api/plans/{id}", OwnPlan, "", Reader),
    row("GET", "/api/plans/{id}/items", OwnPlan, "", Reader),
    row("GET", "/api/plans/{id}/check", OwnPlan, "", Reader),
    row(
        "GET",
        "/api/plans/{id}/search",
        OwnPlan,
        "q=guidance",
        Reader,
    ),
    row("GET", "/api/plans/{id}/changes", OwnPlan, "", Reader),
    row("GET", "/api/plans/{id}/indicators", OwnPlan, "", Reader),
    row(
        "GET",
        "/api/plans/{id}/programme",
        OwnPlan,
        "year=2026/27",
        Reader,
    ),
    row(
        "GET",
        "/api/plans/{id}/report",
        OwnPlan,
        "layout=tracker&format=html",
        Reader,
    ),
    row("GET", "/api/plans/{id}/reports", OwnPlan, "", Reader),
    row(
        "GET",
        "/api/plans/{id}/programme/report",
        OwnPlan,
        "year=2026/27&format=html",
        Reader,
    ),
    row(
        "GET",
        "/api/plans/{id}/programme/reports",
        OwnPlan,
        "",
        Reader,
    ),
    // The annual collaboration report, published by the programme's managers.
    row(
        "POST",
        "/plans/{id}/programme/reports",
        OwnPlan,
        "year=2026/27",
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/programme/reports",
        OwnPlan,
        r#"{"year":"2026/27"}"#,
        Manager,
    ),
    // A programme's facts: edited by a plan manager of the plan's own organisation (the
    // own plan holds a few, with the test force taking part).
    row(
        "GET",
        "/plans/{id}/programme/edit",
        OwnPlan,
        "year=2026/27",
        Manager,
    ),
    row(
        "POST",
        "/plans/{id}/programme/edit/basis",
        OwnPlan,
        "basis_organisation={org}&basis_year=2026/27&basis_kind=police-grant&basis_figure=100000000&basis_source=Grant+report",
        Manager,
    ),
    row(
        "POST",
        "/plans/{id}/programme/edit/cost",
        OwnPlan,
        "cost_year=2026/27&cost_total=1200000&cost_method=equal",
        Manager,
    ),
    row(
        "POST",
        "/plans/{id}/programme/edit/funding",
        OwnPlan,
        "funding_source=Home+Office&funding_year=2026/27&funding_amount=tbc&funding_recurrence=one-off&funding_certainty=expected",
        Manager,
    ),
    row(
        "POST",
        "/plans/{id}/programme/edit/savings",
        OwnPlan,
        "saving_year=2026/27&saving_kind=cashable&saving_recurrence=one-off&saving_stage=planned&saving_amount=10000",
        Manager,
    ),
    row(
        "POST",
        "/plans/{id}/programme/edit/funding/withdraw",
        OwnPlan,
        "line={funding}&year=2026/27",
        Manager,
    ),
    row(
        "POST",
        "/plans/{id}/programme/edit/savings/withdraw",
        OwnPlan,
        "line={saving}&year=2026/27",
        Manager,
    ),
    row(
        "GET",
        "/api/plans/{id}/programme/facts",
        OwnPlan,
        "year=2026/27",
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/programme/bases",
        OwnPlan,
        r#"{"organisation":{org},"year":"2026/27","kind":"police-grant","figure":"£101m","source":"Grant report"}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/programme/cost",
        OwnPlan,
        r#"{"year":"2026/27","total":"£1.3m","method":"police-grant"}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/programme/funding",
        OwnPlan,
        r#"{"source":"Forces","year":"2026/27","amount":"£150k","recurrence":"recurring","certainty":"secured"}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/programme/savings",
        OwnPlan,
        r#"{"year":"2026/27","kind":"non-cashable","recurrence":"recurring","stage":"realised","amount":"£20k"}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/programme/funding/withdraw",
        OwnPlan,
        r#"{"line":{funding_api}}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/programme/savings/withdraw",
        OwnPlan,
        r#"{"line":{saving_api}}"#,
        Manager,
    ),
    // What is written for a report period: read by the plan's readers.
    row(
        "GET",
        "/plans/{id}/narrative",
        OwnPlan,
        "period=Q2+2026-27",
        Reader,
    ),
    row(
        "GET",
        "/api/plans/{id}/narrative",
        OwnPlan,
        "period=Q2+2026-27",
        Reader,
    ),
    row(
        "GET",
        "/api/plans/{id}/narrative/requests",
        OwnPlan,
        "period=Q2+2026-27",
        Reader,
    ),
    row("GET", "/api/items/{id}", Item, "", Reader),
    row("GET", "/indicators/{id}", Indicator, "", Reader),
    row("GET", "/api/indicators/{id}", Indicator, "", Reader),
    row("GET", "/reports/{id}/{format}", Report, "", Reader),
    row("GET", "/api/reports/{id}/{format}", Report, "", Reader),
    // Updates and RAG on an owned item.
    row(
        "POST",
        "/items/{id}",
        Item,
        "text=Progress+made&as_of=2015-02-16&rag=Green",
        Updater,
    ),
    row(
        "POST",
        "/api/items/{id}/updates",
        Item,
        r#"{"text":"Progress made"}"#,
        Updater,
    ),
    row(
        "POST",
        "/indicators/{id}",
        Indicator,
        "period=January+2015&actual=12",
        Updater,
    ),
    row(
        "POST",
        "/api/indicators/{id}/measurements",
        Indicator,
        r#"{"period":"December 2014","actual":9}"#,
        Updater,
    ),
    // A plan's structure, imports, publishing, sharing.
    row("GET", "/plans/new", NO, "", Manager),
    row(
        "POST",
        "/plans/new",
        NO,
        "title=New+plan&kind=improvement&level_names=Recommendation%0D%0AAction&update_cycle=monthly&marking=OFFICIAL",
        Manager,
    ),
    row("GET", "/plans/{id}/edit", OwnPlan, "", Manager),
    row(
        "POST",
        "/plans/{id}/edit",
        OwnPlan,
        "title=Renamed&kind=improvement&period=2014-15&level_names=Recommendation%0D%0AAction&update_cycle=monthly&marking=OFFICIAL&version={version}",
        Manager,
    ),
    row("GET", "/plans/{id}/archive", OwnPlan, "", Manager),
    row("POST", "/plans/{id}/archive", OwnPlan, "", Manager),
    row("POST", "/plans/{id}/restore", OwnPlan, "", Manager),
    row("GET", "/plans/{id}/items/new", OwnPlan, "", Manager),
    row(
        "POST",
        "/plans/{id}/items/new",
        OwnPlan,
        "text=New+item&owners=Head+of+Contact+Management",
        Manager,
    ),
    row(
        "POST",
        "/plans/{id}/owners",
        OwnPlan,
        "items={item}&owners=Duty+Inspector",
        Manager,
    ),
    row(
        "POST",
        "/plans/{id}/reports/publish",
        OwnPlan,
        "layout=tracker&confirm=yes",
        Manager,
    ),
    row(
        "POST",
        "/plans/{id}/reports/settings",
        OwnPlan,
        "multipart:author=The+Chief+Constable",
        Admin,
    ),
    // Reading the glossary is reading the plan's report; it and the report settings are the
    // organisation's, which its administrator changes.
    row("GET", "/plans/{id}/reports/glossary", OwnPlan, "", Reader),
    row(
        "POST",
        "/plans/{id}/reports/glossary",
        OwnPlan,
        "term=PCC&meaning=Police+and+Crime+Commissioner",
        Admin,
    ),
    row(
        "POST",
        "/plans/{id}/reports/glossary/remove",
        OwnPlan,
        "term=PCC",
        Admin,
    ),
    row("GET", "/plans/{id}/sharing", OwnPlan, "", Manager),
    row(
        "POST",
        "/plans/{id}/sharing",
        OwnPlan,
        "with={council}&access=read&ceiling=OFFICIAL&scope=all",
        Manager,
    ),
    row(
        "POST",
        "/items/{id}/edit",
        Item,
        "reference=4.43a&text=Edited&owners=Head+of+Contact+Management&strategic_lead=&due=31%2F01%2F2015&description=&reason=Wording&version={version}",
        Manager,
    ),
    row("POST", "/items/{id}/move", Item, "parent=", Manager),
    row("POST", "/items/{id}/reorder", Item, "direction=up", Manager),
    // Closing and reopening is progress: the owner's post may, as with an update.
    row("POST", "/items/{id}/close", Item, "", Updater),
    row("POST", "/items/{id}/reopen", Item, "", Updater),
    row("GET", "/items/{id}/archive", Item, "", Manager),
    row("POST", "/items/{id}/archive", Item, "", Manager),
    row("POST", "/items/{id}/restore", Item, "", Manager),
    row(
        "POST",
        "/reports/{id}/withdraw",
        Report,
        "reason=Wrong+figures",
        Manager,
    ),
    row(
        "POST",
        "/shares/{id}/revoke",
        Share,
        "reason=Ended",
        Manager,
    ),
    // The upload form lists only the plans the person manages (none for a viewer, a partner or
    // another force's contributor); the preview and its confirmation are the manager's.
    row("GET", "/imports/new", NO, "", SignedIn),
    row(
        "POST",
        "/imports/preview",
        NO,
        "multipart:target={plan}&file=Ref,Action,Owner,Due%0A9.1,Train+call+handlers,Head+of+Contact+Management,31%2F03%2F2015%0A",
        Manager,
    ),
    row("POST", "/imports/{token}/confirm", Import, "", Manager),
    row(
        "POST",
        "/imports/{token}/preview",
        Import,
        "sheet=together&header_0=Owner&shown_0=owner&field_0=strategic_lead",
        Manager,
    ),
    row(
        "POST",
        "/imports/{token}/without-saved-choices",
        Import,
        "",
        Manager,
    ),
    row("GET", "/imports/{token}/findings.csv", Import, "", Manager),
    // A background import: started by the uploader, seen and cancelled by them and their
    // organisation's administrator.
    row("POST", "/imports/{token}/jobs", Import, "", Manager),
    row("GET", "/import-jobs/{id}", Target::ImportJob, "", Manager),
    row(
        "GET",
        "/import-jobs/{id}/status.json",
        Target::ImportJob,
        "",
        Manager,
    ),
    row(
        "POST",
        "/import-jobs/{id}/cancel",
        Target::ImportJob,
        "",
        Manager,
    ),
    row(
        "GET",
        "/import-jobs/{id}/findings.csv",
        Target::ImportJob,
        "",
        Manager,
    ),
    row(
        "GET",
        "/import-jobs/{id}/findings.xlsx",
        Target::ImportJob,
        "",
        Manager,
    ),
    row("GET", "/imports/{token}/mapping.toml", Import, "", Manager),
    row("POST", "/api/plans", NO, r#"{"title":"New plan"}"#, Manager),
    row(
        "PATCH",
        "/api/plans/{id}",
        OwnPlan,
        r#"{"title":"Renamed"}"#,
        Manager,
    ),
    row("POST", "/api/plans/{id}/archive", OwnPlan, "{}", Manager),
    row("POST", "/api/plans/{id}/restore", OwnPlan, "{}", Manager),
    row(
        "POST",
        "/api/plans/{id}/items",
        OwnPlan,
        r#"{"text":"New item"}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/owners",
        OwnPlan,
        r#"{"items":[{item}],"owners":["Head of Contact Management","Duty Inspector"]}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/reports",
        OwnPlan,
        r#"{"layout":"tracker"}"#,
        Manager,
    ),
    // The executive summary is the plan managers' to write.
    row(
        "POST",
        "/plans/{id}/narrative",
        OwnPlan,
        "period=Q2+2026-27&subject=summary&text=Written+by+the+performance+team",
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/narrative",
        OwnPlan,
        r#"{"period":"Q2 2026-27","kind":"summary","text":"Written by the performance team"}"#,
        Manager,
    ),
    // Asking the owners for their commentary is the plan managers' to do.
    row(
        "POST",
        "/plans/{id}/narrative/ask",
        OwnPlan,
        "period=Q2+2026-27&due=2030-01-15&note=For+the+board",
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/narrative/requests",
        OwnPlan,
        r#"{"period":"Q2 2026-27","due":"2030-01-15"}"#,
        Manager,
    ),
    row("GET", "/api/plans/{id}/shares", OwnPlan, "", Manager),
    row(
        "POST",
        "/api/plans/{id}/shares",
        OwnPlan,
        r#"{"with":"THC","access":"read","ceiling":"OFFICIAL"}"#,
        Manager,
    ),
    row(
        "PATCH",
        "/api/items/{id}",
        Item,
        r#"{"text":"Edited again"}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/items/{id}/move",
        Item,
        r#"{"parent":{recommendation}}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/items/{id}/reorder",
        Item,
        r#"{"direction":"up"}"#,
        Manager,
    ),
    row("POST", "/api/items/{id}/close", Item, "{}", Updater),
    row("POST", "/api/items/{id}/reopen", Item, "{}", Updater),
    row("POST", "/api/items/{id}/archive", Item, "{}", Manager),
    row("POST", "/api/items/{id}/restore", Item, "{}", Manager),
    row(
        "POST",
        "/api/reports/{id}/withdraw",
        Report,
        r#"{"reason":"Wrong figures"}"#,
        Manager,
    ),
    row("POST", "/api/shares/{id}/revoke", Share, "{}", Manager),
    row(
        "POST",
        "/api/imports",
        NO,
        "multipart:target={plan}&file=Ref,Action,Owner,Due%0A9.2,Audit+call+grading,Head+of+Contact+Management,31%2F03%2F2015%0A",
        Manager,
    ),
    row(
        "POST",
        "/api/imports/{token}/confirm",
        Import,
        "{}",
        Manager,
    ),
    row("POST", "/api/imports/{token}/jobs", Import, "{}", Manager),
    row(
        "GET",
        "/api/import-jobs/{id}",
        Target::ImportJob,
        "",
        Manager,
    ),
    row(
        "POST",
        "/api/import-jobs/{id}/cancel",
        Target::ImportJob,
        "{}",
        Manager,
    ),
    row(
        "GET",
        "/api/import-jobs/{id}/findings.csv",
        Target::ImportJob,
        "",
        Manager,
    ),
    row(
        "GET",
        "/api/import-jobs/{id}/findings.xlsx",
        Target::ImportJob,
        "",
        Manager,
    ),
    row(
        "POST",
        "/api/imports/{token}/corrections",
        Import,
        r#"{"columns":{"Owner":"strategic_lead"}}"#,
        Manager,
    ),
    // People, roles, partners and the audit trail.
    row("GET", "/people", NO, "", Admin),
    row(
        "POST",
        "/people",
        NO,
        "action=add&email=nia%40test.example&name=Nia+New&password=a+long+new+password&role=viewer",
        Admin,
    ),
    row("GET", "/organisations", NO, "", Admin),
    row(
        "POST",
        "/organisations",
        NO,
        "code=NPC&name=North+Parish+Council&kind=local-authority",
        Admin,
    ),
    row("GET", "/audit", NO, "", Admin),
    row("GET", "/audit.csv", NO, "", Admin),
    row("GET", "/api/people", NO, "", Admin),
    row(
        "POST",
        "/api/people",
        NO,
        r#"{"email":"new@test.example","name":"Nia New","password":"a long new password","role":"viewer"}"#,
        Admin,
    ),
    row(
        "PUT",
        "/api/people/{id}/roles",
        Person,
        r#"{"role":"contributor"}"#,
        Admin,
    ),
    row(
        "PUT",
        "/api/people/{id}/clearance",
        Person,
        r#"{"clearance":"OFFICIAL"}"#,
        Admin,
    ),
    row(
        "PUT",
        "/api/people/{id}/password",
        Person,
        r#"{"password":"another long password"}"#,
        Admin,
    ),
    row(
        "POST",
        "/api/people/{id}/posts",
        Person,
        r#"{"new_post":"Duty Inspector"}"#,
        Admin,
    ),
    row(
        "POST",
        "/api/people/{id}/posts/{post}/leave",
        Person,
        r#"{"until":"2015-02-16"}"#,
        Admin,
    ),
    row("GET", "/api/organisations", NO, "", Admin),
    row(
        "POST",
        "/api/organisations",
        NO,
        r#"{"code":"NEWC","name":"New Council","kind":"council"}"#,
        Admin,
    ),
    row("GET", "/api/audit", NO, "", Admin),
    row("GET", "/api/audit.csv", NO, "", Admin),
    // Evidence and closure: read by the plan's readers (evidence within their ceiling); added
    // and closure proposed by the item's owner or a manager; the closure rules set, closure
    // signed off or refused, and evidence withdrawn (it was not theirs) by a manager. The rule
    // comes first, so that the proposals await sign-off; the page refuses, the API signs off.
    row("GET", "/items/{id}/evidence", Item, "", Reader),
    row("GET", "/api/items/{id}/evidence", Item, "", Reader),
    row("GET", "/plans/{id}/closure-rules", OwnPlan, "", Reader),
    row("GET", "/api/plans/{id}/closure-rules", OwnPlan, "", Reader),
    row("GET", "/evidence/{id}/file", Target::Evidence, "", Reader),
    row(
        "GET",
        "/api/evidence/{id}/file",
        Target::Evidence,
        "",
        Reader,
    ),
    row(
        "POST",
        "/plans/{id}/closure-rules",
        OwnPlan,
        "depth=1&requires_evidence=yes&requires_sign_off=yes",
        Manager,
    ),
    row(
        "POST",
        "/api/plans/{id}/closure-rules",
        OwnPlan,
        r#"{"depth":1,"requires_evidence":true,"requires_sign_off":true}"#,
        Manager,
    ),
    row(
        "POST",
        "/items/{id}/evidence",
        Item,
        "multipart:title=Call+audit&marking=OFFICIAL&file=Ref,Action",
        Updater,
    ),
    row(
        "POST",
        "/api/items/{id}/evidence/file",
        Item,
        "multipart:marking=OFFICIAL&file=Ref,Action",
        Updater,
    ),
    row(
        "POST",
        "/api/items/{id}/evidence",
        Item,
        r#"{"title":"Audit report","url":"https://example.org/audit"}"#,
        Updater,
    ),
    row("POST", "/items/{id}/closure", Item, "note=Done", Updater),
    row(
        "POST",
        "/items/{id}/closure/decision",
        Item,
        "decision=refuse&reason=Needs+the+audit",
        Manager,
    ),
    row(
        "POST",
        "/api/items/{id}/closure",
        Item,
        r#"{"note":"Done with the audit"}"#,
        Updater,
    ),
    row(
        "POST",
        "/api/items/{id}/closure/decision",
        Item,
        r#"{"decision":"sign_off"}"#,
        Manager,
    ),
    row(
        "POST",
        "/api/evidence/{id}/withdraw",
        Target::Evidence,
        r#"{"reason":"Wrong file"}"#,
        Manager,
    ),
    row(
        "POST",
        "/evidence/{id}/withdraw",
        Target::Evidence,
        "reason=Wrong+file",
        Manager,
    ),
    // Comments: read by whoever may see the item; written by the plan's contributors and
    // managers who may see it, whichever post owns it (so the contributor comments on the
    // OFFICIAL-SENSITIVE item too); viewers and a read share only read.
    row("GET", "/api/items/{id}/comments", Item, "", Reader),
    row(
        "POST",
        "/items/{id}/comments",
        Item,
        "body=Thanks+%40Head+of+Crime",
        Rule::Contributor,
    ),
    row(
        "POST",
        "/api/items/{id}/comments",
        Item,
        r#"{"body":"Agreed with @Head of Crime"}"#,
        Rule::Contributor,
    ),
];

/// What `actor` should get from `row` sent with `target`.
fn expected(row: &Row, target: Target, actor: Actor) -> Class {
    use Actor as A;
    let rule = row.rule;
    if let Rule::Public = rule {
        return Class::Allowed;
    }
    if actor == A::Nobody {
        return Class::SignInNeeded;
    }
    let only = |who: Actor| {
        if actor == who {
            Class::Allowed
        } else {
            Class::Refused
        }
    };
    match target {
        Token => return only(A::Admin),
        Import => return only(A::Manager),
        Target::ImportJob => {
            return match actor {
                A::Manager | A::Admin => Class::Allowed,
                _ => Class::Refused,
            };
        }
        _ => {}
    }
    if target.of_other_force() {
        // Another force's: its own contributor reads it; nobody else learns it exists.
        return match (actor, rule) {
            (A::OtherForce, Rule::Reader) => Class::Allowed,
            _ => Class::Refused,
        };
    }
    // Above the viewer's clearance and the share's ceiling: not found.
    if target == Target::Sensitive && matches!(actor, A::Viewer | A::PartnerWithShare) {
        return Class::Refused;
    }
    if actor == A::PartnerWithShare {
        // A read share: the shared plan is read, nothing else of the force's is reached.
        return match rule {
            Rule::SignedIn => Class::Allowed,
            Rule::Reader if target.in_shared_plan() => Class::Allowed,
            _ => Class::Refused,
        };
    }
    let outsider = matches!(actor, A::PartnerWithoutShare | A::OtherForce);
    if outsider && (target.in_shared_plan() || matches!(target, Share | Person)) {
        return Class::Refused;
    }
    let allowed = match rule {
        Rule::Public | Rule::SignedIn | Rule::Reader => true,
        Rule::Updater => {
            matches!(actor, A::Manager | A::Admin)
                || (actor == A::Contributor && matches!(target, Item | Indicator))
        }
        Rule::Contributor => matches!(actor, A::Contributor | A::Manager | A::Admin),
        Rule::Manager => matches!(actor, A::Manager | A::Admin),
        Rule::Admin => actor == A::Admin,
    };
    if allowed {
        Class::Allowed
    } else {
        Class::Refused
    }
}

fn classify(status: StatusCode, location: Option<&str>) -> Class {
    match status.as_u16() {
        200..=299 => Class::Allowed,
        303 if location.is_some_and(|l| l.starts_with("/sign-in")) => Class::SignInNeeded,
        300..=399 => Class::Allowed,
        401 => Class::SignInNeeded,
        403 | 404 => Class::Refused,
        other => Class::Other(other),
    }
}

/// Every `(METHOD, path)` the router's source registers with `.route(…)`.
fn source_routes() -> BTreeSet<(String, String)> {
    let mut files = vec![];
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut routes = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let bytes = source.as_bytes();
        let mut from = 0;
        while let Some(found) = source[from..].find(".route(") {
            let start = from + found + ".route(".len();
            // The call's arguments, to the parenthesis that closes it.
            let mut depth = 1;
            let mut end = start;
            while depth > 0 {
                match bytes[end] {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
                end += 1;
            }
            let args = &source[start..end - 1];
            from = end;
            let Some(open) = args.find('"') else { continue };
            let path = args[open + 1..].split('"').next().unwrap().to_string();
            // Method calls at the arguments' own depth: `get(…)`, `.post(…)`, `routing::put(…)`.
            let mut depth = 0;
            let a = args.as_bytes();
            for (i, c) in a.iter().enumerate() {
                match c {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ if depth == 0 => {
                        for method in ["get", "post", "patch", "put", "delete"] {
                            let boundary =
                                i == 0 || !(a[i - 1].is_ascii_alphanumeric() || a[i - 1] == b'_');
                            if boundary && args[i..].starts_with(&format!("{method}(")) {
                                routes.insert((method.to_uppercase(), path.clone()));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    routes
}

/// Tables a refused write may still change. None: not even the audit trail or the sessions
/// move when a write is refused.
const CHANGE_ON_ANY_REQUEST: &[&str] = &[];

/// Columns left out of the snapshot: a token's `last_used_at` notes that it was used, at most
/// once a minute, on any request that presents it, refused or not; a walk longer than a minute
/// would otherwise see a refused write "change" the tokens.
/// A session's `last_seen_at` likewise notes its last use, at most once a minute.
const NOTED_ON_USE: &[(&str, &str)] =
    &[("api_tokens", "last_used_at"), ("sessions", "last_seen_at")];

/// Every table's row count and a checksum of its rows, read straight from the SQLite file.
async fn snapshot(db: &sqlx::SqlitePool) -> Vec<(String, i64, u64)> {
    use sqlx::Row;
    use std::hash::{Hash, Hasher};
    let tables: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(db)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<String, _>(0))
    .collect();
    let mut out = vec![];
    for table in tables {
        let columns: Vec<String> = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{table}')"
        )))
        .fetch_all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .filter(|column| !NOTED_ON_USE.contains(&(table.as_str(), column.as_str())))
        .map(|column| format!("quote(\"{column}\")"))
        .collect();
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT count(*), coalesce(group_concat({}, '|'), '') FROM (SELECT * FROM \"{table}\" ORDER BY 1)",
            columns.join(" || ',' || ")
        )))
        .fetch_one(db)
        .await
        .unwrap();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        row.get::<String, _>(1).hash(&mut hasher);
        out.push((table, row.get::<i64, _>(0), hasher.finish()));
    }
    out
}

/// A signed-in actor's means: a cookie session with its CSRF token for pages, a bearer token
/// for the API.
struct Means {
    client: reqwest::Client,
    csrf: String,
    token: Option<String>,
}

async fn means_for(app: &TestApp, email: Option<&str>) -> Means {
    let client = TestApp::new_client();
    let Some(email) = email else {
        // No session, but the sign-in page's CSRF token: a write reaches the sign-in check.
        let page = app.text_as(&client, "/sign-in").await;
        return Means {
            client,
            csrf: crate::helpers::hidden_value(&page, "csrf"),
            token: None,
        };
    };
    let signed_in = app.sign_in_as(&client, email).await;
    assert_eq!(signed_in.status(), 303, "{email}");
    let session: Value = client
        .get(app.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = session["csrf_token"].as_str().unwrap().to_string();
    let created: Value = client
        .post(app.url("/api/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"name": "route roles"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Means {
        client,
        csrf,
        token: Some(created["token"].as_str().unwrap().to_string()),
    }
}

/// Signs the viewer in afresh with `password`, keeping their API token.
async fn resign_viewer(app: &TestApp, world: &mut World, password: &str) {
    let client = TestApp::new_client();
    let page = app.text_as(&client, "/sign-in").await;
    let csrf = crate::helpers::hidden_value(&page, "csrf");
    let signed_in = client
        .post(app.url("/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "viewer@test.example"),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303, "the viewer signs in again");
    let session: Value = client
        .get(app.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = session["csrf_token"].as_str().unwrap().to_string();
    let token = world.means[&Actor::Viewer].token.clone();
    world.means.insert(
        Actor::Viewer,
        Means {
            client,
            csrf,
            token,
        },
    );
}

async fn add_person(
    app: &TestApp,
    org: waymark_core::OrgId,
    email: &str,
    role: Role,
    clearance: Marking,
) -> i64 {
    let hash = waymark_app::password::hash_now(PASSWORD).unwrap();
    let user = app
        .store
        .create_person(
            &NewPerson {
                org,
                email: email.into(),
                name: email.into(),
                password_hash: hash,
                role,
                clearance,
            },
            None,
        )
        .await
        .unwrap();
    user.id.0
}

/// Every route the source registers and the OpenAPI document names has a row, and every row
/// a route.
async fn check_the_table_is_complete(app: &TestApp) {
    let mut problems = vec![];
    let table: BTreeSet<(String, String)> = ROWS
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(table.len(), ROWS.len(), "a (method, path) has two rows");
    let source = source_routes();
    let document: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut openapi = BTreeSet::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                openapi.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    for route in source.difference(&table) {
        problems.push(format!(
            "{} {} is routed in the source but has no row",
            route.0, route.1
        ));
    }
    for route in openapi.difference(&table) {
        problems.push(format!(
            "{} {} is in the OpenAPI document but has no row",
            route.0, route.1
        ));
    }
    for route in table.difference(&source) {
        problems.push(format!("{} {} has a row but no route", route.0, route.1));
    }
    assert!(
        problems.is_empty(),
        "{} routes and rows disagree:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let paths: BTreeSet<&String> = source.iter().map(|(_, p)| p).collect();
    println!(
        "{} paths, {} method+path pairs in the source, {} operations in the OpenAPI document",
        paths.len(),
        source.len(),
        openapi.len()
    );
}

const SENSITIVE: &str = "Covert source handling review for Operation Nightjar";
const OTHER_INDICATOR: &str = "Other force's undercover deployments";

/// The people, their means, and the things the rows' paths name.
struct World {
    means: std::collections::BTreeMap<Actor, Means>,
    db: sqlx::SqlitePool,
    viewer: i64,
    /// The city council's id, which the sharing form names.
    council: i64,
    /// The recommendation the contributor's action sits under.
    recommendation: i64,
    sensitive: i64,
    indicator: i64,
    other_indicator: i64,
    report: i64,
    other_report: i64,
    share: i64,
    other_share: i64,
    token: i64,
    import: String,
    import_job: String,
    evidence: i64,
    /// The test force, a participant of its own plan's programme facts (the basis rows name it).
    org: i64,
    /// Funding lines and savings in force on the own plan: one each for the page's withdraw
    /// row and one each for the API's.
    funding: [i64; 2],
    savings: [i64; 2],
    /// The other force's plan manager (not one of the actors), who publishes and shares its
    /// plan.
    other_manager: String,
}

impl World {
    fn id(&self, app: &TestApp, target: Target) -> String {
        match target {
            Target::None => "0".into(),
            OwnPlan => app.plan.to_string(),
            Target::OtherPlan => app.other_plan.to_string(),
            Item => app.action.0.to_string(),
            Target::Sensitive => self.sensitive.to_string(),
            Indicator => self.indicator.to_string(),
            Target::OtherIndicator => self.other_indicator.to_string(),
            Report => self.report.to_string(),
            Target::OtherReport => self.other_report.to_string(),
            Share => self.share.to_string(),
            Target::OtherShare => self.other_share.to_string(),
            Person => self.viewer.to_string(),
            Token => self.token.to_string(),
            Import => self.import.clone(),
            Target::ImportJob => self.import_job.clone(),
            Target::Evidence => self.evidence.to_string(),
        }
    }

    fn token_of(&self, actor: Actor) -> String {
        self.means[&actor].token.clone().unwrap()
    }
}

/// A JSON call with a bearer token; the answer's body, which must have `status`.
async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Value,
    status: u16,
) -> Value {
    let response = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let got = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{path}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn publish(app: &TestApp, token: &str, plan: i64) -> i64 {
    let published = call(
        app,
        token,
        Method::POST,
        &format!("/api/plans/{plan}/reports"),
        serde_json::json!({"layout": "tracker"}),
        201,
    )
    .await;
    published["id"].as_i64().unwrap()
}

async fn share(app: &TestApp, token: &str, plan: i64, with: &str) -> i64 {
    let shared = call(
        app,
        token,
        Method::POST,
        &format!("/api/plans/{plan}/shares"),
        serde_json::json!({"with": with, "access": "read", "ceiling": "OFFICIAL"}),
        201,
    )
    .await;
    shared["id"].as_i64().unwrap()
}

async fn spare_token(app: &TestApp, token: &str) -> i64 {
    let created = call(
        app,
        token,
        Method::POST,
        "/api/tokens",
        serde_json::json!({"name": "Spare"}),
        201,
    )
    .await;
    created["id"].as_i64().unwrap()
}

/// A tracker the plan manager uploads for preview; the import's token.
async fn preview_import(app: &TestApp, token: &str) -> String {
    let form = reqwest::multipart::Form::new()
        .text("target", app.plan.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(
                b"Ref,Action,Owner,Due\n9.9,Review the call grading policy,Head of Contact Management,31/03/2015\n".to_vec(),
            )
            .file_name("tracker.csv"),
        );
    let response = reqwest::Client::new()
        .post(app.url("/api/imports"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{body}");
    body["token"].as_str().unwrap().to_string()
}

/// A background import the plan manager started from a preview of their own, once it has
/// stored (so that nothing it writes lands while the rows are sent): its id.
async fn stored_import_job(app: &TestApp, token: &str) -> String {
    let upload = preview_import(app, token).await;
    let started = call(
        app,
        token,
        Method::POST,
        &format!("/api/imports/{upload}/jobs"),
        serde_json::json!({}),
        202,
    )
    .await;
    let id = started["id"].as_str().unwrap().to_string();
    for _ in 0..600 {
        let status = call(
            app,
            token,
            Method::GET,
            &format!("/api/import-jobs/{id}"),
            Value::Null,
            200,
        )
        .await;
        match status["stage"].as_str() {
            Some("done") => return id,
            Some("failed" | "cancelled") => panic!("the import job ended: {status}"),
            _ => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
    panic!("the import job did not finish");
}

async fn indicator_in(app: &TestApp, plan: i64, title: &str, owner: Option<&str>) -> i64 {
    use waymark_core::indicator::{
        Calendar, Direction, Indicator as Ind, IndicatorId, MeasureType, Unit, Wording,
    };
    let plan = app
        .store
        .plan(waymark_store::Scope::All, waymark_core::PlanId(plan))
        .await
        .unwrap();
    let stored = app
        .store
        .create_indicator(&waymark_store::NewIndicator {
            org: plan.org,
            plan: plan.id,
            indicator: Ind::new(
                IndicatorId(0),
                title,
                Wording::new("the number of calls answered late"),
                Unit::Count,
                Direction::LowerIsBetter,
                MeasureType::Level,
                Calendar::Monthly,
            ),
            owner_post: owner.map(str::to_string),
            position: 0,
        })
        .await
        .unwrap();
    stored.indicator.id.0
}

async fn world(app: &TestApp) -> World {
    let tst = app
        .store
        .organisation_by_code("TST")
        .await
        .unwrap()
        .unwrap()
        .id;
    let oth = app
        .store
        .organisation_by_code("OTH")
        .await
        .unwrap()
        .unwrap()
        .id;
    let viewer = add_person(
        app,
        tst,
        "viewer@test.example",
        Role::Viewer,
        Marking::Official,
    )
    .await;
    add_person(
        app,
        tst,
        "manager@test.example",
        Role::PlanManager,
        Marking::OfficialSensitive,
    )
    .await;
    add_person(
        app,
        oth,
        "manager@other.example",
        Role::PlanManager,
        Marking::OfficialSensitive,
    )
    .await;
    let mut councils = vec![];
    for (code, name) in [
        ("CNL", "Test City Council"),
        ("SHC", "Shire County Council"),
        ("THC", "Third Harbour Council"),
    ] {
        let council = app
            .store
            .create_organisation_of_kind(code, name, OrganisationKind::LocalAuthority)
            .await
            .unwrap();
        councils.push(council.id);
    }
    add_person(
        app,
        councils[0],
        "partner@council.example",
        Role::Viewer,
        Marking::Official,
    )
    .await;
    add_person(
        app,
        councils[1],
        "partner@shire.example",
        Role::Viewer,
        Marking::OfficialSensitive,
    )
    .await;
    let mut means = std::collections::BTreeMap::new();
    for actor in ACTORS {
        means.insert(actor, means_for(app, email_of(actor)).await);
    }
    let other_manager = means_for(app, Some("manager@other.example"))
        .await
        .token
        .unwrap();
    let admin = means[&Actor::Admin].token.clone().unwrap();
    let manager = means[&Actor::Manager].token.clone().unwrap();

    // The own plan's indicator, report and share, and the other force's twins; then the
    // OFFICIAL-SENSITIVE item, which the report published before it does not hold.
    let indicator = indicator_in(
        app,
        app.plan,
        "Emergency calls answered late",
        Some("Head of Contact Management"),
    )
    .await;
    let other_indicator = indicator_in(app, app.other_plan, OTHER_INDICATOR, None).await;
    let report = publish(app, &admin, app.plan).await;
    let other_report = publish(app, &other_manager, app.other_plan).await;
    let share_id = share(app, &admin, app.plan, "SHC").await;
    let other_share = share(app, &other_manager, app.other_plan, "THC").await;
    let added = call(
        app,
        &admin,
        Method::POST,
        &format!("/api/plans/{}/items", app.plan),
        serde_json::json!({"text": SENSITIVE, "marking": "OFFICIAL-SENSITIVE"}),
        201,
    )
    .await;
    let action = call(
        app,
        &admin,
        Method::GET,
        &format!("/api/items/{}", app.action.0),
        Value::Null,
        200,
    )
    .await;
    // A second action under the recommendation, so that the contributor's can be reordered.
    call(
        app,
        &admin,
        Method::POST,
        &format!("/api/plans/{}/items", app.plan),
        serde_json::json!({"text": "Audit a sample of graded calls", "parent": action["parent"]}),
        201,
    )
    .await;
    let token = spare_token(app, &admin).await;
    let import = preview_import(app, &manager).await;
    let import_job = stored_import_job(app, &manager).await;
    let own_plan = app
        .store
        .plan(waymark_store::Scope::All, waymark_core::PlanId(app.plan))
        .await
        .unwrap();
    let evidence = app
        .store
        .add_evidence(
            &own_plan,
            &waymark_store::NewEvidence {
                item: app.action,
                kind: waymark_store::EvidenceKind::File,
                title: "Call handling audit".into(),
                url: None,
                file_name: Some("audit.pdf".into()),
                content_type: Some("application/pdf".into()),
                content: Some(b"%PDF-1.4".to_vec()),
                marking: waymark_core::Classification::OFFICIAL,
                added_by: Some("Ada Admin".into()),
                added_by_user: None,
            },
            &waymark_store::NewAuditEvent::default(),
        )
        .await
        .unwrap()
        .id;
    let (funding, savings) = programme_facts(app, tst).await;
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.db_path.display()))
        .await
        .unwrap();
    World {
        org: tst.0,
        funding,
        savings,
        means,
        db,
        viewer,
        council: councils[0].0,
        recommendation: action["parent"].as_i64().unwrap(),
        sensitive: added["id"].as_i64().unwrap(),
        indicator,
        other_indicator,
        report,
        other_report,
        share: share_id,
        other_share,
        token,
        import,
        import_job,
        evidence,
        other_manager,
    }
}

/// Programme facts on the own plan: the test force takes part, with two funding lines and two
/// savings in force for the withdraw rows to take out. Answers their ids.
async fn programme_facts(app: &TestApp, tst: waymark_core::OrgId) -> ([i64; 2], [i64; 2]) {
    use waymark_core::programme::{
        Certainty, FundingLine, Participant, Recurrence, Saving, SavingKind, SavingStage,
    };
    let plan = waymark_core::PlanId(app.plan);
    let year = waymark_core::indicator::FinancialYear::parse("2026/27").unwrap();
    let line = |source: &str| {
        (
            None,
            FundingLine {
                project: None,
                source: source.into(),
                year,
                amount: Some(1_000_000),
                written: None,
                recurrence: Recurrence::OneOff,
                certainty: Certainty::Secured,
            },
        )
    };
    let saving = |amount: i64| {
        (
            None,
            Saving {
                project: None,
                org: None,
                kind: SavingKind::Cashable,
                recurrence: Recurrence::Recurring,
                stage: SavingStage::Planned,
                year,
                until: None,
                amount,
            },
        )
    };
    let set = waymark_store::ProgrammeSet {
        new_plan: None,
        changes: waymark_store::ChangeSet::new(tst, plan),
        programme: waymark_store::ProgrammeChanges {
            participants: vec![Participant {
                org: tst,
                is_lead: true,
                joined_on: None,
                left_on: None,
            }],
            funding: vec![line("Home Office"), line("Forces")],
            savings: vec![saving(500_000), saving(700_000)],
            ..waymark_store::ProgrammeChanges::default()
        },
        entered_by: "Ada Admin".into(),
        audit: None,
    };
    app.store.store_programme(&set).await.unwrap();
    let record = app
        .store
        .programme(waymark_store::Scope::Org(tst), plan)
        .await
        .unwrap();
    (
        [record.funding_ids[0], record.funding_ids[1]],
        [record.saving_ids[0], record.saving_ids[1]],
    )
}

fn email_of(actor: Actor) -> Option<&'static str> {
    match actor {
        Actor::Nobody => None,
        Actor::Viewer => Some("viewer@test.example"),
        Actor::Contributor => Some("owner@test.example"),
        Actor::Manager => Some("manager@test.example"),
        Actor::Admin => Some("admin@test.example"),
        Actor::PartnerWithShare => Some("partner@shire.example"),
        Actor::PartnerWithoutShare => Some("partner@council.example"),
        Actor::OtherForce => Some("other@other.example"),
    }
}

/// What came back from one request.
struct Answer {
    status: StatusCode,
    location: Option<String>,
    text: String,
}

/// Sends `row` to `path` as `m` would: the API with a bearer token (and no cookie), pages with
/// the session's cookie and CSRF token in the form. The body's placeholders are filled.
async fn send(
    app: &TestApp,
    world: &World,
    m: &Means,
    row: &Row,
    target: Target,
    path: &str,
) -> Answer {
    let method = Method::from_bytes(row.method.as_bytes()).unwrap();
    // The version an edit starts from: the target's as the administrator reads it (the other
    // force's cannot be read, and any number does there).
    // Only a write names a version: a `{version}` in a form, or an API write's If-Match.
    let edits =
        row.body.contains("{version}") || (method != Method::GET && path.starts_with("/api/"));
    let version = match target {
        OwnPlan | Item | Target::Sensitive if edits => {
            let read = if target == OwnPlan { "plans" } else { "items" };
            let response = reqwest::Client::new()
                .get(app.url(&format!("/api/{read}/{}", world.id(app, target))))
                .bearer_auth(world.token_of(Actor::Admin))
                .send()
                .await
                .unwrap();
            let etag = response.headers().get("etag").unwrap().to_str().unwrap();
            etag.trim_matches('"').to_string()
        }
        _ => "1".to_string(),
    };
    let body = row
        .body
        .replace("{plan}", &app.plan.to_string())
        .replace("{item}", &app.action.0.to_string())
        .replace("{person}", &world.viewer.to_string())
        .replace("{council}", &world.council.to_string())
        .replace("{recommendation}", &world.recommendation.to_string())
        .replace("{version}", &version)
        .replace("{org}", &world.org.to_string())
        .replace("{funding}", &world.funding[0].to_string())
        .replace("{funding_api}", &world.funding[1].to_string())
        .replace("{saving}", &world.savings[0].to_string())
        .replace("{saving_api}", &world.savings[1].to_string());
    let mut path = path.to_string();
    if method == Method::GET && !body.is_empty() {
        path = format!("{path}?{body}");
    }
    let api = path.starts_with("/api/");
    let mut request = m.client.request(method.clone(), app.url(&path));
    if api && let Some(token) = &m.token {
        request = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .request(method.clone(), app.url(&path))
            .bearer_auth(token);
    }
    if method != Method::GET {
        if let Some(fields) = body.strip_prefix("multipart:") {
            // The CSRF token first, as the pages' forms send it; `file` is a file part.
            let mut form = reqwest::multipart::Form::new();
            if !api {
                form = form.text("csrf", m.csrf.clone());
            }
            for (name, value) in url::form_urlencoded::parse(fields.as_bytes()) {
                form = if name == "file" {
                    form.part(
                        "file",
                        reqwest::multipart::Part::bytes(value.as_bytes().to_vec())
                            .file_name("tracker.csv"),
                    )
                } else {
                    form.text(name.into_owned(), value.into_owned())
                };
            }
            request = request.multipart(form);
        } else if api {
            request = request
                .header("content-type", "application/json")
                .header("if-match", format!("\"{version}\""))
                .body(if body.is_empty() {
                    "{}".to_string()
                } else {
                    body
                });
        } else {
            let mut form = format!("csrf={}", m.csrf);
            if !body.is_empty() {
                form = format!("{form}&{body}");
            }
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form);
        }
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    let text = response.text().await.unwrap_or_default();
    Answer {
        status,
        location,
        text,
    }
}

fn fill(path: &str, id: &str) -> String {
    path.replace("{id}", id)
        .replace("{token}", id)
        .replace("{format}", "html")
        .replace("{post}", "1")
}

/// The tables whose rows or contents differ between two snapshots.
fn changed(before: &[(String, i64, u64)], after: &[(String, i64, u64)]) -> Vec<String> {
    let mut changed: Vec<String> = before
        .iter()
        .zip(after)
        .filter(|(b, a)| b != a && !CHANGE_ON_ANY_REQUEST.contains(&b.0.as_str()))
        .map(|(b, _)| b.0.clone())
        .collect();
    if before.len() != after.len() {
        changed.push("(a table was added or dropped)".into());
    }
    changed
}

#[tokio::test]
async fn every_route_answers_every_kind_of_person_as_its_rule_says() {
    let started = std::time::Instant::now();
    let app = spawn_app().await;
    check_the_table_is_complete(&app).await;
    let world = world(&app).await;
    let secrets = [
        "Other force's confidential plan",
        OTHER_INDICATOR,
        SENSITIVE,
    ];

    let mut mismatches = vec![];
    let mut sent = 0;
    let mut unproven: Vec<String> = vec![];
    let probes = ROWS.iter().flat_map(|row| {
        std::iter::once((row, row.target)).chain(row.target.twin().map(|twin| (row, twin)))
    });
    for (row, target) in probes {
        let path = fill(row.path, &world.id(&app, target));
        let write = row.method != "GET";
        for actor in ACTORS {
            let expect = expected(row, target, actor);
            // A permitted write would change what the other rows see: the next test sends
            // each on its own.
            if expect == Class::Allowed && write {
                continue;
            }
            let m = &world.means[&actor];
            let before = if write {
                Some(snapshot(&world.db).await)
            } else {
                None
            };
            let answer = send(&app, &world, m, row, target, &path).await;
            sent += 1;
            let status = answer.status;
            let mut got = classify(status, answer.location.as_deref());
            if let Some(before) = before {
                let changed = changed(&before, &snapshot(&world.db).await);
                if !changed.is_empty() {
                    mismatches.push(format!(
                        "{:<6} {:<40} {:<14} {:<20} refused write changed {changed:?}",
                        row.method,
                        row.path,
                        format!("{target:?}"),
                        format!("{actor:?}")
                    ));
                }
            }
            let mut text = answer.text;
            // A form that only redirects to the page that reads (the report form's buttons) is
            // judged by that page: follow a redirect the rule says should have been refused.
            if expect != Class::Allowed && got == Class::Allowed && status == 303 {
                let next = answer.location.clone().unwrap_or_default();
                let followed = m.client.get(app.url(&next)).send().await.unwrap();
                let location = followed
                    .headers()
                    .get("location")
                    .map(|l| l.to_str().unwrap().to_string());
                got = classify(followed.status(), location.as_deref());
                text = followed.text().await.unwrap_or_default();
            }
            // Nobody's write without a session has no CSRF token either: a 403 before the
            // sign-in check tells them nothing and changes nothing, as a security officer wants.
            let nobody_refused = write && expect == Class::SignInNeeded && got == Class::Refused;
            // A body the form or JSON reader rejects (400, 422) before the access check:
            // nothing is done, but the rule is not proven; listed, and no row's body may be one.
            if write && expect == Class::Refused && matches!(got, Class::Other(400 | 422)) {
                unproven.push(format!(
                    "{} {} {target:?} {actor:?} ({status}) {}",
                    row.method,
                    row.path,
                    text.chars().take(200).collect::<String>()
                ));
            } else if got != expect && !nobody_refused {
                mismatches.push(format!(
                    "{:<6} {:<40} {:<14} {:<20} {:<14} {:?} ({status})",
                    row.method,
                    row.path,
                    format!("{target:?}"),
                    format!("{actor:?}"),
                    format!("{expect:?}"),
                    got
                ));
            }
            for secret in secrets {
                let entitled = match secret {
                    SENSITIVE => {
                        matches!(actor, Actor::Contributor | Actor::Manager | Actor::Admin)
                    }
                    _ => actor == Actor::OtherForce,
                };
                if !entitled && text.contains(secret) {
                    mismatches.push(format!(
                        "{:<6} {:<40} {:<20} shows {secret:?}",
                        row.method,
                        row.path,
                        format!("{actor:?}")
                    ));
                }
            }
        }
    }
    println!(
        "{} rows, {} actors, {sent} requests in {:?}",
        ROWS.len(),
        ACTORS.len(),
        started.elapsed()
    );
    assert!(
        unproven.is_empty(),
        "{} refused writes were rejected by the body's reader before the access check; give \
         their rows a body a permitted person could send:\n{}",
        unproven.len(),
        unproven.join("\n")
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\nmethod path                                     target         actor                expected       got\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// The least of the actors a row allows.
fn least_permitted(row: &Row) -> Option<Actor> {
    [
        Actor::Nobody,
        Actor::Viewer,
        Actor::PartnerWithShare,
        Actor::Contributor,
        Actor::Manager,
        Actor::Admin,
    ]
    .into_iter()
    .find(|actor| expected(row, row.target, *actor) == Class::Allowed)
}

/// Writes that read (a report built by POST from the report form) or that may find nothing to
/// do; every other permitted write must change something.
const WRITES_THAT_READ: &[&str] = &[
    "/plans/{id}/reports/download",
    "/plans/{id}/reports/check",
    // The API's row withdrew the evidence already: withdrawing it again changes nothing.
    "/evidence/{id}/withdraw",
    // The row's upload has no saved choices applied: reading it without them changes nothing.
    "/imports/{token}/without-saved-choices",
    // A background import stores after the answer, in its own time.
    "/imports/{token}/jobs",
    "/api/imports/{token}/jobs",
    // The row's job has stored already: cancelling it leaves it as it is.
    "/import-jobs/{id}/cancel",
    "/api/import-jobs/{id}/cancel",
];

/// The other half of the table: each permitted write, sent by the least person the rule allows,
/// succeeds and changes what it says it changes. Rows go in the table's order (an archive before
/// its restore); the things a write uses up (a token, a report, a share, an import) are made
/// afresh for it, and the writes that end the person's session or password go last.
#[tokio::test]
async fn every_permitted_write_is_done() {
    let app = spawn_app().await;
    let mut world = world(&app).await;
    let last = [
        "/account/password",
        "/sign-out",
        "/account/sign-out-everywhere",
    ];
    let mut rows: Vec<&Row> = ROWS.iter().filter(|r| r.method != "GET").collect();
    rows.sort_by_key(|r| last.iter().position(|p| *p == r.path));
    let mut failures = vec![];
    let mut done = 0;
    for row in rows {
        let Some(actor) = least_permitted(row) else {
            continue;
        };
        let admin = world.token_of(Actor::Admin);
        match row.target {
            Token => world.token = spare_token(&app, &admin).await,
            Report => world.report = publish(&app, &admin, app.plan).await,
            Share => {
                let code = format!("P{done}");
                app.store
                    .create_organisation_of_kind(
                        &code,
                        &format!("Parish {done}"),
                        OrganisationKind::LocalAuthority,
                    )
                    .await
                    .unwrap();
                world.share = share(&app, &admin, app.plan, &code).await;
            }
            Import => {
                world.import = preview_import(&app, &world.token_of(Actor::Manager)).await;
            }
            _ => {}
        }
        let mut path = fill(row.path, &world.id(&app, row.target));
        if row.path.contains("{post}") {
            // The post the viewer was given by the row before.
            use sqlx::Row as _;
            let post: i64 = sqlx::query(
                "SELECT post_id FROM post_holders WHERE user_id = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(world.viewer)
            .fetch_one(&world.db)
            .await
            .map(|r| r.get(0))
            .unwrap_or(1);
            path = row
                .path
                .replace("{id}", &world.viewer.to_string())
                .replace("{post}", &post.to_string());
        }
        // A password set by an administrator ends the person's sessions, and signing out
        // ends this one: the viewer signs in again with the password they have by then.
        if actor == Actor::Viewer && row.path == "/account/sign-out-everywhere" {
            resign_viewer(&app, &mut world, "a third long password").await;
        }
        let before = snapshot(&world.db).await;
        let answer = send(&app, &world, &world.means[&actor], row, row.target, &path).await;
        if row.path == "/api/people/{id}/password" {
            resign_viewer(&app, &mut world, "another long password").await;
        }
        done += 1;
        let mut got = classify(answer.status, answer.location.as_deref());
        // Signing out sends the person to the sign-in page: that is its success.
        if (row.path == "/sign-out" || row.path == "/account/sign-out-everywhere")
            && got == Class::SignInNeeded
        {
            got = Class::Allowed;
        }
        let changed = changed(&before, &snapshot(&world.db).await);
        let what = format!(
            "{:<6} {:<40} {:<12}",
            row.method,
            row.path,
            format!("{actor:?}")
        );
        if got != Class::Allowed {
            failures.push(format!(
                "{what} refused or failed: {} {}",
                answer.status,
                answer.text.chars().take(300).collect::<String>()
            ));
        } else if changed.is_empty() && !WRITES_THAT_READ.contains(&row.path) {
            failures.push(format!(
                "{what} answered {} but changed nothing",
                answer.status
            ));
        }
    }
    let _ = &world.other_manager;
    println!("{done} permitted writes sent");
    assert!(
        failures.is_empty(),
        "{} permitted writes not done:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
