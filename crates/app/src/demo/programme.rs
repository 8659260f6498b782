//! Seed 003's collaboration programme in the demo: the five East Midlands forces, the central
//! team of £1.2m a year shared in proportion to government grant, the current and proposed
//! projects of its three project areas, its funding table (read by the same parser as an
//! imported document's), its framework matrix (appendix A) and its governance boards.
//!
//! The plan does not state the forces' grants, so the demo's are made up and marked
//! illustrative wherever they are shown. Derbyshire's programme lead is a partner who sees the
//! programme and nothing else.

use waymark_core::indicator::FinancialYear;
use waymark_core::programme::{
    BasisFigure, BasisKind, Board, Certainty, ExternalPart, ExternalShare, FundingLine,
    Participant, ProgrammeCost, ProgrammeSettings, ProjectFacts, ProjectStatus, Recurrence,
    SavingsRule, ShareMethod,
};
use waymark_core::{
    Classification, ItemFields, Marking, OrgId, OrganisationKind, PlanKind, Role, ShareAccess, Tag,
    UpdateCycle,
};
use waymark_store::{
    ChangeSet, ItemRef, NewItem, NewPerson, NewPlan, NewShare, ProgrammeChanges, ProgrammeSet,
    Store,
};

use crate::actor::Actor;
use crate::error::Result;

/// The five forces: (code, name, illustrative police grant in pounds).
const FORCES: [(&str, &str, i64); 5] = [
    ("DER", "Derbyshire Constabulary", 98_400_000),
    ("LEI", "Leicestershire Police", 103_700_000),
    ("LIN", "Lincolnshire Police", 62_300_000),
    ("NTH", "Northamptonshire Police", 68_900_000),
    ("NOT", "Nottinghamshire Police", 131_200_000),
];

/// The programme team's office is at Nottinghamshire; its director leads the programme.
const LEAD: &str = "NOT";

/// The demo's people for the programme: (email, name, what they do, force, role, post).
pub(super) const PROGRAMME_PEOPLE: [(&str, &str, &str, &str, Role, &str); 2] = [
    (
        "rowan.hale@nottinghamshire.example",
        "Rowan Hale",
        "plan manager, East Midlands Collaboration Programme Director (Nottinghamshire Police)",
        "NOT",
        Role::PlanManager,
        "Programme Director",
    ),
    (
        "chris.dunn@derbyshire.example",
        "Chris Dunn",
        "partner contributor, Derbyshire's collaboration lead: sees the programme only",
        "DER",
        Role::Contributor,
        "Collaboration Lead",
    ),
];

/// A project: (name, status, APACS categories, PSA numbers).
type Project = (
    &'static str,
    Status,
    &'static [&'static str],
    &'static [&'static str],
);

#[derive(Clone, Copy)]
enum Status {
    Current,
    Proposed(&'static str),
}

const PS: &str = "Promoting safety";
const SC: &str = "Serious crime & protection";
const OM: &str = "Organisational management";
const TC: &str = "Tackling crime";
const CS: &str = "Confidence & satisfaction";

/// Tables 1 to 3a and appendix A of seed 003.
const AREAS: [(&str, &[Project]); 3] = [
    (
        "Protective services",
        &[
            (
                "Witness protection",
                Status::Current,
                &[PS, SC],
                &["23", "24"],
            ),
            ("Hi-tech crime", Status::Current, &[SC], &["23", "24"]),
            (
                "Technical support to police operations",
                Status::Current,
                &[OM],
                &["23", "24"],
            ),
            (
                "Automatic Number Plate Recognition (two projects)",
                Status::Current,
                &[PS],
                &["23", "24"],
            ),
            (
                "Making best use of police officers with specialist operational skills",
                Status::Current,
                &[OM],
                &["23", "24", "26"],
            ),
            (
                "Ability to tackle cross-regional and national criminality impacting on the region",
                Status::Current,
                &[TC],
                &["23", "24", "26"],
            ),
            (
                "Surveillance support teams",
                Status::Current,
                &[SC],
                &["23", "24", "26"],
            ),
            (
                "Civil contingencies co-ordination and testing",
                Status::Current,
                &[PS],
                &["23", "24", "26"],
            ),
            (
                "Live and cold case reviews",
                Status::Current,
                &[SC],
                &["23", "24"],
            ),
            (
                "Tackling major crime in the region",
                Status::Current,
                &[SC],
                &["23", "24"],
            ),
            ("Public order incidents", Status::Current, &[PS], &["23"]),
            (
                "Firearms interoperability",
                Status::Proposed("2009"),
                &[TC, OM],
                &["24"],
            ),
            (
                "Testing plans for response to Chemical Biological Radioactive and Nuclear (CBRN) incidents",
                Status::Proposed("2009"),
                &[SC],
                &["26"],
            ),
            (
                "Protecting vulnerable people",
                Status::Proposed("2009"),
                &[SC],
                &["23", "24"],
            ),
            (
                "National Ballistics Identification System",
                Status::Proposed("2010 to 2012"),
                &[PS, SC],
                &["23", "24"],
            ),
        ],
    ),
    (
        "Productivity",
        &[
            (
                "Digitalisation of recorded interviews",
                Status::Current,
                &[TC],
                &["23", "24"],
            ),
            (
                "Authorisation for specialised surveillance",
                Status::Current,
                &[SC],
                &["23", "24", "26"],
            ),
            ("Managing resources", Status::Current, &[TC], &["23", "24"]),
            (
                "Aligning policy and procedure across forces",
                Status::Current,
                &[OM],
                &["23"],
            ),
            ("Managing demand", Status::Current, &[CS], &["23"]),
            ("Mobile data phase 2", Status::Current, &[OM], &["24"]),
            (
                "Forensics and identification",
                Status::Current,
                &[TC],
                &["23", "24"],
            ),
            (
                "Business crime",
                Status::Proposed("2009"),
                &[PS, SC],
                &["23", "24"],
            ),
            (
                "Increased interoperability between control rooms",
                Status::Proposed("2010 to 2012"),
                &[PS, OM],
                &["23", "24"],
            ),
            (
                "Economic crime unit",
                Status::Proposed("2010 to 2012"),
                &[PS, SC],
                &["23", "24"],
            ),
            (
                "Wider use of digital technologies",
                Status::Proposed("2010 to 2012"),
                &[PS, OM],
                &["23", "24"],
            ),
        ],
    ),
    (
        "Business support",
        &[
            (
                "Human resources convergence",
                Status::Current,
                &[OM],
                &["24"],
            ),
            (
                "Force strength and resilience",
                Status::Current,
                &[OM],
                &["24"],
            ),
            (
                "Case and custody management system",
                Status::Current,
                &[PS, OM],
                &["23", "24"],
            ),
            ("Recruitment", Status::Proposed("2009"), &[OM], &["24"]),
            (
                "Handling of misconduct matters",
                Status::Proposed("2009"),
                &[PS, OM],
                &["23", "24"],
            ),
            (
                "Vetting of staff and contractors",
                Status::Proposed("2009"),
                &[PS, OM],
                &["23", "24"],
            ),
            (
                "Shared provision of ICT services",
                Status::Proposed("2010 to 2012"),
                &[OM],
                &["24"],
            ),
            (
                "Shared data warehouse",
                Status::Proposed("2010 to 2012"),
                &[OM],
                &["24"],
            ),
            (
                "Other shared service provision",
                Status::Proposed("2010 to 2012"),
                &[OM],
                &["24"],
            ),
            ("Training", Status::Proposed("2010 to 2012"), &[OM], &["24"]),
            (
                "Horizon scanning",
                Status::Proposed("2010 to 2012"),
                &[OM],
                &["23", "24"],
            ),
        ],
    ),
];

/// Seed 003's table of increased funding or saving, as its text has it (tab-separated).
const FUNDING_TABLE: &str = "Area\tIncreased funding or saving (£'m)\t\t\t\t\n\
\t2006/07\t2007/08\t2008/09\t2009/10\t2010/11\n\
Joint procurement project\t0.5\t1.31\t\t\t\n\
Home Office support\t0.34\t0.04\t0.04\t\t\n\
Demonstrator project funding\t\t\t0.27\t\t\n\
Automatic Number Plate Recognition project\t800k plus 260k\txxx\txxx\txxx\txxx\n\
Mobile Data\t\t\t8.3\t\t\n\
EMSOU\t2.3\t4.3\t2.0\t1.5\t1.0\n\
Regional Crime Training project\t\t\t0.17\t0.17\t0.17\n\
\n\
Counter Terrorism Intelligence Unit\t\t\t\t\t\n\
TOTAL\txxx\txxx\txxx\txxx\txxx";

/// Creates the five forces, the programme's people and the programme.
pub(super) async fn add_demo_programme(store: &Store, actor: &Actor) -> Result<()> {
    let mut forces: Vec<(OrgId, &str, i64)> = Vec::new();
    for (code, name, grant) in FORCES {
        let org = match store.organisation_by_code(code).await? {
            Some(org) => org,
            None => {
                store
                    .create_organisation_of_kind(code, name, OrganisationKind::Force)
                    .await?
            }
        };
        forces.push((org.id, code, grant));
    }
    let org_of = |code: &str| {
        forces
            .iter()
            .find(|(_, c, _)| *c == code)
            .map(|(id, _, _)| *id)
            .unwrap_or(OrgId(0))
    };
    let lead = org_of(LEAD);
    let hash = crate::password::hash(super::DEMO_PASSWORD).await?;
    for (email, name, _, code, role, post) in PROGRAMME_PEOPLE {
        let org = org_of(code);
        let user = store
            .create_person(
                &NewPerson {
                    org,
                    email: email.to_string(),
                    name: name.to_string(),
                    password_hash: hash.clone(),
                    role,
                    clearance: Marking::OfficialSensitive,
                },
                None,
            )
            .await?;
        let post = store.ensure_post(org, post).await?;
        let since = FinancialYear::starting(2009)
            .map(FinancialYear::start_date)
            .unwrap_or_default();
        store.assign_post(org, post, user.id, since).await?;
    }

    let year = |start: i32| FinancialYear::starting(start).ok();
    let (Some(y0809), Some(y0910)) = (year(2008), year(2009)) else {
        return Ok(());
    };
    let effective = y0809.start_date();
    let mut changes = ChangeSet::new(lead, waymark_core::PlanId(0));
    changes.author = Some("East Midlands Collaboration Plan for Policing 2009-2012".into());
    let mut facts = ProgrammeChanges::default();
    let mut project_refs: Vec<(&str, ItemRef)> = Vec::new();
    for (area_index, (area, projects)) in AREAS.iter().enumerate() {
        changes.new_items.push(NewItem {
            parent: None,
            fields: ItemFields {
                text: (*area).to_string(),
                position: area_index as i64,
                ..Default::default()
            },
            effective,
        });
        let area_ref = ItemRef::New(changes.new_items.len() - 1);
        for (position, (name, status, apacs, psa)) in projects.iter().enumerate() {
            let mut tags: Vec<Tag> = apacs
                .iter()
                .map(|value| Tag {
                    taxonomy: "APACS".into(),
                    value: (*value).into(),
                })
                .collect();
            tags.extend(psa.iter().map(|value| Tag {
                taxonomy: "PSA".into(),
                value: (*value).into(),
            }));
            changes.new_items.push(NewItem {
                parent: Some(area_ref),
                fields: ItemFields {
                    text: (*name).to_string(),
                    position: position as i64,
                    tags,
                    ..Default::default()
                },
                effective,
            });
            let item = ItemRef::New(changes.new_items.len() - 1);
            project_refs.push((name, item));
            facts.projects.push((
                item,
                ProjectFacts {
                    area: Some((*area).to_string()),
                    status: match status {
                        Status::Current => ProjectStatus::Current,
                        Status::Proposed(years) => ProjectStatus::Proposed {
                            for_years: Some((*years).to_string()),
                        },
                    },
                    ..ProjectFacts::default()
                },
            ));
        }
    }
    // The funding table, read as an imported document's would be: rows naming a project are
    // its funding; the rest are the programme's, named by their row.
    let (rows, _) = waymark_io::programme::funding_rows_from_text(FUNDING_TABLE);
    for row in rows {
        // Only the ANPR row names a project of the programme; the mobile data money was
        // phase 1's, before the current phase 2 project.
        let project = project_refs
            .iter()
            .find(|(name, _)| {
                row.label.starts_with("Automatic Number Plate Recognition")
                    && name.starts_with("Automatic Number Plate Recognition")
            })
            .map(|(_, item)| *item);
        for (line_year, money) in row.cells {
            facts.funding.push((
                project,
                FundingLine {
                    project: None,
                    source: if project.is_some() {
                        "Home Office".into()
                    } else {
                        row.label.clone()
                    },
                    year: line_year,
                    amount: money.pence,
                    written: Some(money.written),
                    recurrence: Recurrence::OneOff,
                    certainty: Certainty::Secured,
                },
            ));
        }
    }
    for (org, _, grant) in &forces {
        facts.participants.push(Participant {
            org: *org,
            is_lead: *org == lead,
            joined_on: None,
            left_on: None,
        });
        for year in [y0809, y0910] {
            facts.bases.push(BasisFigure {
                org: *org,
                year,
                kind: BasisKind::PoliceGrant,
                value: grant * 100,
                as_of: None,
                source: "Made up for the demo: the plan does not state the forces' grants".into(),
                illustrative: true,
            });
        }
    }
    // "The team will cost £1.2m in 2009/10 and is funded jointly by the five police forces in
    // proportion to their levels of government grant."
    facts.costs.push((
        None,
        ProgrammeCost {
            project: None,
            label: "Collaboration programme team".into(),
            year: y0910,
            total: 120_000_000,
            method: ShareMethod::Proportional(BasisKind::PoliceGrant),
            external: None,
        },
    ));
    // "The Home Office paid for 75% of costs, with forces funding the remainder": the
    // demonstrator funding of £270,000 in 2008/09 is 75% of £360,000.
    if let Some((_, witness)) = project_refs
        .iter()
        .find(|(n, _)| *n == "Witness protection")
    {
        facts.costs.push((
            Some(*witness),
            ProgrammeCost {
                project: None,
                label: "Home Office demonstrator sites (witness protection and specialist skills)"
                    .into(),
                year: y0809,
                total: 36_000_000,
                method: ShareMethod::Proportional(BasisKind::PoliceGrant),
                external: Some(ExternalShare {
                    funder: "Home Office".into(),
                    part: ExternalPart::Percent(7_500),
                }),
            },
        ));
    }
    // "A target to identify potential cashable efficiency savings year on year at least
    // equivalent to the team's net budget": no amount of its own.
    facts.targets.push((y0910, None));
    facts.settings = Some(ProgrammeSettings {
        savings_rule: SavingsRule::AsCostShared,
        governance: vec![
            Board {
                name: "Collaboration Board".into(),
                meets: Some("five times a year".into()),
                members: vec![
                    "Chief Constable".into(),
                    "Police Authority Chair".into(),
                    "Police Authority Chief Executive".into(),
                ],
            },
            Board {
                name: "East Midlands Police Authorities Joint Committee".into(),
                meets: Some("three times a year, in public".into()),
                members: vec!["Police Authority Member".into()],
            },
        ],
    });
    facts.taxonomies = vec![
        (
            "APACS".into(),
            vec![PS.into(), SC.into(), OM.into(), TC.into(), CS.into()],
        ),
        ("PSA".into(), vec!["23".into(), "24".into(), "26".into()]),
    ];
    for (org, _, _) in &forces {
        if *org != lead {
            facts.shares.push(NewShare {
                plan: waymark_core::PlanId(0),
                with_org: *org,
                access: ShareAccess::Contribute,
                ceiling: Marking::Official,
                items: None,
                created_by: "Rowan Hale".into(),
            });
        }
    }
    let mut audit = actor.audit("demo.programme");
    audit.subject = Some("East Midlands collaboration programme (seed 003)".into());
    let set = ProgrammeSet {
        new_plan: Some(NewPlan {
            org: lead,
            kind: PlanKind::Collaboration,
            title: "East Midlands collaboration programme".into(),
            period: Some("2009-12".into()),
            level_names: PlanKind::Collaboration.default_levels(),
            owner_posts: vec!["Programme owner: Programme Director".into()],
            source: Some("East Midlands Collaboration Plan for Policing 2009-2012 (draft)".into()),
            update_cycle: UpdateCycle::Quarterly,
            marking: Classification::OFFICIAL,
        }),
        changes,
        programme: facts,
        entered_by: "Rowan Hale".into(),
        audit: Some(audit),
    };
    store.store_programme(&set).await?;
    Ok(())
}
