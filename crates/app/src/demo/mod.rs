//! The demo organisation: a fictional force with an inspection improvement plan and a strategic
//! delivery plan, dated relative to today so that some actions are always overdue, stale or
//! without due dates. Written for Waymark; no real force's data.
//!
//! Events are applied day by day, each as its own change set entered on that day, so the
//! history (and "as at" views of it) reads as if the plans had been kept in Waymark all along.
//!
//! There is an account of every role, a partner organisation (the county council) with the
//! police and crime plan shared with it up to OFFICIAL and one of its actions owned by the
//! council's post, and one OFFICIAL-SENSITIVE recommendation the partner never sees. Loading
//! the demo is the operator's: it writes straight to the store, as set-up, with the audit
//! trail recording that it did.

use std::collections::BTreeMap;

mod comments;
mod evidence;
mod indicators;
mod narrative;
mod programme;

use chrono::{Days, NaiveDate, TimeZone, Utc};
use waymark_core::{
    Classification, FlexDate, ItemFields, ItemId, Marking, OrgId, OrganisationKind, PlanKind, Rag,
    Role, ShareAccess, Tag, UpdateCycle, split_owners,
};
use waymark_store::{
    ChangeSet, ItemRef, NewItem, NewPerson, NewPlan, NewShare, NewUpdate, NewVersion, Store,
};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};

/// The password of every demo account (printed at start; demo data only).
pub const DEMO_PASSWORD: &str = "waymark-demo-2026";

/// The code of the demo's organisation, Northshire Police.
const DEMO_ORGANISATION: &str = "NSP";

/// The code of the demo's partner organisation, Northshire County Council.
const DEMO_PARTNER: &str = "NCC";

/// Who can sign in to the demo: (email, name, what they do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub created: bool,
    pub accounts: Vec<(String, String, String)>,
    pub password: String,
}

impl DemoSummary {
    pub fn print(&self) {
        if self.created {
            println!(
                "Created the demo organisations Northshire Police and Northshire County Council, \
                 and the East Midlands collaboration programme of five forces."
            );
        }
        println!("Sign in as any of these (password {}):", self.password);
        for (email, name, role) in &self.accounts {
            println!("  {email:<38} {name}, {role}");
        }
    }
}

struct Person {
    email: &'static str,
    name: &'static str,
    /// What they do, as the sign-in page says it.
    does: &'static str,
    role: Role,
    clearance: Marking,
    post: Option<&'static str>,
    /// In the partner organisation rather than the force.
    partner: bool,
}

const PEOPLE: [Person; 6] = [
    Person {
        email: "priya.shah@northshire.example",
        name: "Priya Shah",
        does: "administrator, Head of Performance and Planning",
        role: Role::Administrator,
        clearance: Marking::OfficialSensitive,
        post: Some("Head of Performance and Planning"),
        partner: false,
    },
    Person {
        email: "dev.patel@northshire.example",
        name: "Dev Patel",
        does: "plan manager, Performance and Planning Officer",
        role: Role::PlanManager,
        clearance: Marking::OfficialSensitive,
        post: Some("Performance and Planning Officer"),
        partner: false,
    },
    Person {
        email: "sam.okafor@northshire.example",
        name: "Sam Okafor",
        does: "contributor, Head of Contact Management",
        role: Role::Contributor,
        clearance: Marking::OfficialSensitive,
        post: Some("Head of Contact Management"),
        partner: false,
    },
    Person {
        email: "jo.whitfield@northshire.example",
        name: "Jo Whitfield",
        does: "contributor, Force Crime and Incident Registrar",
        role: Role::Contributor,
        clearance: Marking::OfficialSensitive,
        post: Some("Force Crime and Incident Registrar"),
        partner: false,
    },
    Person {
        email: "alex.morgan@northshire.example",
        name: "Alex Morgan",
        does: "viewer, police and crime panel member (cleared to OFFICIAL)",
        role: Role::Viewer,
        clearance: Marking::Official,
        post: None,
        partner: false,
    },
    Person {
        email: "kim.lee@northshire-council.example",
        name: "Kim Lee",
        does: "partner contributor, Northshire County Council's Community Safety Manager",
        role: Role::Contributor,
        clearance: Marking::OfficialSensitive,
        post: Some("Community Safety Manager"),
        partner: true,
    },
];

/// An event in an action's life, `day` days from today (negative is past).
struct Event {
    day: i64,
    rag: Option<Rag>,
    text: &'static str,
    author: &'static str,
}

struct Action {
    reference: &'static str,
    text: &'static str,
    owners: &'static str,
    lead: &'static str,
    /// Days from today; `None` is no due date.
    due: Option<i64>,
    /// Day the action was completed, if it was.
    completed: Option<i64>,
    events: &'static [Event],
    /// An update entered on the first day but dated `.0` days from today (a late, back-dated entry).
    backdated: Option<(i64, i64, &'static str)>,
}

struct Group {
    reference: &'static str,
    text: &'static str,
    children: &'static [Group],
    actions: &'static [Action],
}

const fn ev(day: i64, rag: Option<Rag>, text: &'static str, author: &'static str) -> Event {
    Event {
        day,
        rag,
        text,
        author,
    }
}

const G: Option<Rag> = Some(Rag::Green);
const A: Option<Rag> = Some(Rag::Amber);
const R: Option<Rag> = Some(Rag::Red);

const DEMAND_TEXT: &str = "The force has asked the College of Policing to take part in the national demand study. No reply has been received yet.";

const IMPROVEMENT: &[Group] = &[
    Group {
        reference: "AFI 1",
        text: "The force should answer non-emergency calls more quickly.",
        children: &[],
        actions: &[
            Action {
                reference: "1.1",
                text: "Recruit and train 24 additional call handlers",
                owners: "Head of Contact Management",
                lead: "ACC Local Policing",
                due: Some(60),
                completed: None,
                backdated: None,
                events: &[
                    ev(
                        -170,
                        G,
                        "Recruitment campaign launched; 212 applications received.",
                        "Head of Contact Management",
                    ),
                    ev(
                        -120,
                        G,
                        "Two intakes of 12 appointed. The first intake has started its six-week training course.",
                        "Head of Contact Management",
                    ),
                    ev(
                        -40,
                        A,
                        "The second intake is delayed by a vetting backlog; its start has moved back one month.",
                        "Head of Contact Management",
                    ),
                    ev(
                        -9,
                        A,
                        "Second intake started training. The non-emergency abandonment rate is 9.8% against a target of 5%.",
                        "Contact Handling Manager",
                    ),
                ],
            },
            Action {
                reference: "1.2",
                text: "Offer a call-back at peak times instead of queueing non-emergency callers",
                owners: "Contact Management Systems Lead / Head of Contact Management",
                lead: "ACC Local Policing",
                due: Some(-20),
                completed: None,
                backdated: None,
                events: &[
                    ev(
                        -150,
                        G,
                        "Supplier selected through the national framework. Go-live planned before the end of the quarter.",
                        "Contact Management Systems Lead",
                    ),
                    ev(
                        -90,
                        A,
                        "Integration testing found defects in the queue position announcement.",
                        "Contact Management Systems Lead",
                    ),
                    ev(
                        -45,
                        R,
                        "Go-live postponed: the supplier's fix has not been delivered. Escalated to the Digital Board.",
                        "Contact Management Systems Lead",
                    ),
                ],
            },
        ],
    },
    Group {
        reference: "AFI 2",
        text: "The force should make sure call handlers identify repeat and vulnerable victims.",
        children: &[],
        actions: &[
            Action {
                reference: "2.1",
                text: "Make the vulnerability questions mandatory on the command and control system",
                owners: "Head of Contact Management",
                lead: "ACC Local Policing",
                due: Some(-60),
                completed: Some(-70),
                backdated: None,
                events: &[
                    ev(
                        -160,
                        G,
                        "Question set agreed with Public Protection.",
                        "Head of Contact Management",
                    ),
                    ev(
                        -70,
                        G,
                        "Mandatory questions live on the command and control system from Monday.",
                        "Head of Contact Management",
                    ),
                ],
            },
            Action {
                reference: "2.2",
                text: "Audit a monthly sample of 100 calls for repeat victim identification",
                owners: "Force Crime and Incident Registrar",
                lead: "ACC Local Policing",
                due: None,
                completed: None,
                backdated: None,
                events: &[
                    ev(
                        -100,
                        G,
                        "First audit: 71% of repeat victims correctly identified.",
                        "Force Crime and Incident Registrar",
                    ),
                    ev(
                        -68,
                        G,
                        "Second audit: 78% correctly identified. Feedback given to each team.",
                        "Force Crime and Incident Registrar",
                    ),
                    ev(
                        -38,
                        G,
                        "Third audit: 83% correctly identified.",
                        "Force Crime and Incident Registrar",
                    ),
                ],
            },
        ],
    },
    Group {
        reference: "Rec 1",
        text: "Within six months, the force should have a plan to improve the quality of volume crime investigations.",
        children: &[],
        actions: &[
            Action {
                reference: "3.1",
                text: "Review investigation standards for volume crime",
                owners: "Head of Crime",
                lead: "ACC Crime and Justice",
                due: Some(90),
                completed: None,
                backdated: None,
                events: &[
                    ev(
                        -160,
                        G,
                        "Review scoped; terms of reference agreed at the Crime Board.",
                        "Head of Crime",
                    ),
                    ev(
                        -27,
                        G,
                        "Draft standards out for consultation with local policing commanders until the end of the month.",
                        "Head of Crime",
                    ),
                ],
            },
            Action {
                reference: "3.2",
                text: "Train supervisors to review investigation plans",
                owners: "Head of Learning and Development & Head of Crime",
                lead: "ACC Crime and Justice",
                due: Some(120),
                completed: None,
                backdated: None,
                events: &[ev(
                    -18,
                    G,
                    "Course designed with the Crime department; 40 supervisors booked on the first cohort.",
                    "Head of Learning and Development",
                )],
            },
        ],
    },
    Group {
        reference: "Rec 2",
        text: "The force should improve the accuracy of its crime recording.",
        children: &[],
        actions: &[
            Action {
                reference: "4.1",
                text: "Dip-sample 200 crime records a month and feed back errors to officers",
                owners: "Force Crime and Incident Registrar",
                lead: "Deputy Chief Constable",
                due: Some(150),
                completed: None,
                backdated: Some((
                    -80,
                    -50,
                    "Sampling method agreed with the Crime Registrar's team (entered late).",
                )),
                events: &[
                    ev(
                        -50,
                        G,
                        "First month's sample: 91% compliance with the crime recording rules.",
                        "Force Crime and Incident Registrar",
                    ),
                    ev(
                        -12,
                        G,
                        "Second sample: 93% compliance. Most errors are late recording of linked crimes.",
                        "Force Crime and Incident Registrar",
                    ),
                ],
            },
            Action {
                reference: "4.2",
                text: "Publish a crime data quality dashboard for the performance board",
                owners: "Head of Analysis and Performance",
                lead: "Deputy Chief Constable",
                due: Some(-5),
                completed: None,
                backdated: None,
                events: &[ev(
                    -60,
                    A,
                    "Prototype dashboard built. The feed from the crime system is not yet automated.",
                    "Head of Analysis and Performance",
                )],
            },
        ],
    },
    Group {
        reference: "AFI 3",
        text: "The force should understand the demand it faces and the time its work takes.",
        children: &[],
        actions: &[
            Action {
                reference: "5.1",
                text: "Complete the demand analysis for the force management statement",
                owners: "Head of Transformation",
                lead: "Deputy Chief Constable",
                due: None,
                completed: None,
                backdated: None,
                events: &[ev(-25, A, DEMAND_TEXT, "Head of Transformation")],
            },
            Action {
                reference: "5.2",
                text: "Share demand data with the College of Policing",
                owners: "Head of Analysis and Performance",
                lead: "Deputy Chief Constable",
                due: Some(200),
                completed: None,
                backdated: None,
                events: &[ev(-25, A, DEMAND_TEXT, "Head of Analysis and Performance")],
            },
        ],
    },
    Group {
        reference: "Rec 3",
        text: "The force should clear its vetting backlog for staff in contact management and review how it manages the risk of officers with outstanding vetting.",
        children: &[],
        actions: &[Action {
            reference: "7.1",
            text: "Clear the vetting renewals outstanding for contact management staff",
            owners: "Head of Professional Standards",
            lead: "Deputy Chief Constable",
            due: Some(60),
            completed: None,
            backdated: None,
            events: &[ev(
                -30,
                A,
                "34 renewals outstanding, 12 of them over six months old; two staff moved to restricted duties while theirs are completed.",
                "Head of Professional Standards",
            )],
        }],
    },
    Group {
        reference: "AFI 4",
        text: "The force should make better use of mobile technology on the front line.",
        children: &[],
        actions: &[Action {
            reference: "6.1",
            text: "Issue mobile fingerprint scanners to response teams",
            owners: "Head of Digital Policing",
            lead: "Director of Corporate Services",
            due: Some(30),
            completed: None,
            backdated: None,
            events: &[
                ev(
                    -140,
                    G,
                    "Devices ordered: 260 scanners.",
                    "Head of Digital Policing",
                ),
                ev(
                    -80,
                    G,
                    "First 90 devices issued to the north district.",
                    "Head of Digital Policing",
                ),
                ev(
                    -14,
                    G,
                    "210 of 260 devices issued; the remaining 50 are booked for next month.",
                    "Head of Digital Policing",
                ),
            ],
        }],
    },
];

const STRATEGIC: &[Group] = &[
    Group {
        reference: "1",
        text: "Keep people safe",
        actions: &[],
        children: &[
            Group {
                reference: "1.1",
                text: "Protect vulnerable people",
                children: &[],
                actions: &[
                    Action {
                        reference: "1.1a",
                        text: "Launch the domestic abuse perpetrator programme in two districts",
                        owners: "Head of Public Protection",
                        lead: "ACC Crime and Justice",
                        due: Some(45),
                        completed: None,
                        backdated: None,
                        events: &[
                            ev(
                                -150,
                                G,
                                "Provider commissioned jointly with the police and crime commissioner.",
                                "Head of Public Protection",
                            ),
                            ev(
                                -20,
                                A,
                                "First district live; the second is waiting for referral pathways to be agreed with children's services.",
                                "Head of Public Protection",
                            ),
                        ],
                    },
                    Action {
                        reference: "1.1b",
                        text: "Train all frontline officers in the new vulnerability assessment",
                        owners: "Head of Learning and Development",
                        lead: "ACC Crime and Justice",
                        due: Some(-15),
                        completed: Some(-21),
                        backdated: None,
                        events: &[
                            ev(
                                -130,
                                G,
                                "E-learning published; 42% of officers completed it in the first month.",
                                "Head of Learning and Development",
                            ),
                            ev(
                                -21,
                                G,
                                "97% of frontline officers trained; the remainder are on long-term leave.",
                                "Head of Learning and Development",
                            ),
                        ],
                    },
                ],
            },
            Group {
                reference: "1.2",
                text: "Reduce serious violence",
                children: &[],
                actions: &[
                    Action {
                        reference: "1.2a",
                        text: "Deliver the serious violence duty plan with community safety partners",
                        owners: "Superintendent Partnerships / Community Safety Manager",
                        lead: "ACC Local Policing",
                        due: Some(100),
                        completed: None,
                        backdated: None,
                        events: &[
                            ev(
                                -110,
                                G,
                                "Strategic needs assessment signed off by all partners.",
                                "Superintendent Partnerships",
                            ),
                            ev(
                                -16,
                                G,
                                "Response strategy agreed; youth outreach contract awarded.",
                                "Superintendent Partnerships",
                            ),
                        ],
                    },
                    Action {
                        reference: "1.2b",
                        text: "Run knife crime hotspot patrols in the night-time economy",
                        owners: "Chief Inspector Neighbourhoods",
                        lead: "ACC Local Policing",
                        due: None,
                        completed: None,
                        backdated: None,
                        events: &[ev(
                            -75,
                            G,
                            "Hotspot patrols running every Friday and Saturday in the two city centres.",
                            "Chief Inspector Neighbourhoods",
                        )],
                    },
                ],
            },
        ],
    },
    Group {
        reference: "2",
        text: "Fight crime and bring offenders to justice",
        actions: &[],
        children: &[
            Group {
                reference: "2.1",
                text: "Improve the quality of investigations",
                children: &[],
                actions: &[
                    Action {
                        reference: "2.1a",
                        text: "Introduce investigation plan templates for volume crime",
                        owners: "Head of Crime",
                        lead: "ACC Crime and Justice",
                        due: Some(-30),
                        completed: None,
                        backdated: None,
                        events: &[
                            ev(
                                -140,
                                G,
                                "Templates drafted with the investigation standards review.",
                                "Head of Crime",
                            ),
                            ev(
                                -62,
                                A,
                                "Records system change needed to hold the templates; waiting for a release slot.",
                                "Head of Crime",
                            ),
                            ev(
                                -11,
                                R,
                                "The release has slipped again; no date from the supplier.",
                                "Head of Crime",
                            ),
                        ],
                    },
                    Action {
                        reference: "2.1b",
                        text: "Increase sanction detections for residential burglary",
                        owners: "Detective Superintendent Local Investigations",
                        lead: "ACC Crime and Justice",
                        due: Some(160),
                        completed: None,
                        backdated: None,
                        events: &[
                            ev(
                                -95,
                                A,
                                "Sanction detection rate 6.1% against a target of 8%.",
                                "Detective Superintendent Local Investigations",
                            ),
                            ev(
                                -5,
                                A,
                                "Rate up to 7.2%; forensic submissions now reviewed within 48 hours.",
                                "Detective Superintendent Local Investigations",
                            ),
                        ],
                    },
                ],
            },
            Group {
                reference: "2.2",
                text: "Disrupt organised crime groups",
                children: &[],
                actions: &[Action {
                    reference: "2.2a",
                    text: "Map and score every active organised crime group",
                    owners: "Head of Serious and Organised Crime",
                    lead: "ACC Crime and Justice",
                    due: Some(20),
                    completed: None,
                    backdated: None,
                    events: &[
                        ev(
                            -120,
                            G,
                            "Mapping under way with the regional organised crime unit.",
                            "Head of Serious and Organised Crime",
                        ),
                        ev(
                            -8,
                            G,
                            "41 groups mapped and scored; 3 still to be assessed.",
                            "Head of Serious and Organised Crime",
                        ),
                    ],
                }],
            },
        ],
    },
    Group {
        reference: "3",
        text: "Build a force fit for the future",
        actions: &[],
        children: &[
            Group {
                reference: "3.1",
                text: "Develop our people",
                children: &[],
                actions: &[
                    Action {
                        reference: "3.1a",
                        text: "Launch a mentoring scheme for newly promoted sergeants",
                        owners: "Head of People",
                        lead: "Director of People",
                        due: Some(75),
                        completed: None,
                        backdated: None,
                        events: &[
                            ev(
                                -30,
                                G,
                                "Scheme designed; 28 mentors volunteered.",
                                "Head of People",
                            ),
                            ev(-3, G, "First 20 pairs matched.", "Head of People"),
                        ],
                    },
                    Action {
                        reference: "3.1b",
                        text: "Reduce sickness absence to 8 days per officer a year",
                        owners: "Head of People",
                        lead: "Director of People",
                        due: Some(160),
                        completed: None,
                        backdated: None,
                        events: &[ev(
                            -100,
                            A,
                            "Absence is 9.4 days per officer. Wellbeing plan agreed.",
                            "Head of People",
                        )],
                    },
                ],
            },
            Group {
                reference: "3.2",
                text: "Use our money well",
                children: &[],
                actions: &[Action {
                    reference: "3.2a",
                    text: "Deliver £2.4 million of cashable savings",
                    owners: "Director of Finance",
                    lead: "Chief Finance Officer",
                    due: Some(160),
                    completed: None,
                    backdated: None,
                    events: &[
                        ev(
                            -90,
                            G,
                            "£0.9 million of savings confirmed in the first quarter.",
                            "Director of Finance",
                        ),
                        ev(
                            -2,
                            G,
                            "£1.5 million confirmed; on track for the full £2.4 million.",
                            "Director of Finance",
                        ),
                    ],
                }],
            },
        ],
    },
];

/// Tags by item reference: (reference, [(taxonomy, value)]). References are unique within each
/// demo plan, so a table beside the plan keeps the items' definitions short.
type TagTable = &'static [(&'static str, &'static [(&'static str, &'static str)])];

const AFI: (&str, &str) = ("HMICFRS", "Area for improvement");
const REC: (&str, &str) = ("HMICFRS", "Recommendation");

const IMPROVEMENT_TAGS: TagTable = &[
    ("AFI 1", &[AFI]),
    ("AFI 2", &[AFI]),
    ("AFI 3", &[AFI]),
    ("AFI 4", &[AFI]),
    ("Rec 1", &[REC]),
    ("Rec 2", &[REC]),
    ("Rec 3", &[REC]),
    ("1.1", &[("Theme", "Contact")]),
    ("1.2", &[("Theme", "Contact")]),
    ("2.1", &[("Theme", "Victims"), ("Theme", "Contact")]),
    ("2.2", &[("Theme", "Victims")]),
    ("3.1", &[("Theme", "Investigation")]),
    ("3.2", &[("Theme", "Investigation")]),
    ("4.1", &[("Theme", "Crime data integrity")]),
    ("4.2", &[("Theme", "Crime data integrity")]),
    ("5.1", &[("Theme", "Demand")]),
    ("5.2", &[("Theme", "Demand")]),
    ("6.1", &[("Theme", "Technology")]),
    ("7.1", &[("Theme", "Vetting")]),
];

const STRATEGIC_TAGS: TagTable = &[
    ("1.1", &[("APACS", "Serious crime and protection")]),
    ("1.1a", &[("Theme", "Victims")]),
    ("1.1b", &[("Theme", "Victims")]),
    ("1.2", &[("APACS", "Promoting safety")]),
    ("2.1", &[("APACS", "Tackling crime")]),
    ("1.2a", &[("Theme", "Partnership")]),
    ("2.1b", &[("Theme", "Victims")]),
    ("2.2", &[("APACS", "Serious crime and protection")]),
    ("3.1", &[("APACS", "Organisational management")]),
    ("3.2", &[("APACS", "Organisational management")]),
];

/// Items marked OFFICIAL-SENSITIVE, by reference: the vetting recommendation (and so its action)
/// and the organised crime action, which a partner whose share stops at OFFICIAL never sees.
const SENSITIVE: &[&str] = &["Rec 3", "2.2a"];

fn marking_for(reference: &str) -> Option<Classification> {
    SENSITIVE
        .contains(&reference)
        .then(|| Classification::new(Marking::OfficialSensitive))
}

fn tags_for(table: TagTable, reference: &str) -> Vec<Tag> {
    table
        .iter()
        .filter(|(r, _)| *r == reference)
        .flat_map(|(_, tags)| tags.iter())
        .map(|(taxonomy, value)| Tag {
            taxonomy: taxonomy.to_string(),
            value: value.to_string(),
        })
        .collect()
}

impl App {
    /// Creates the demo organisations, their people and plans, unless the demo's organisation
    /// already exists. The operator's alone.
    pub async fn ensure_demo(&self, actor: &Actor, today: NaiveDate) -> Result<DemoSummary> {
        if !actor.is_operator() {
            return Err(AppError::Forbidden);
        }
        ensure_demo(self.store(), actor, today).await
    }
}

/// The demo's accounts.
fn accounts() -> Vec<(String, String, String)> {
    PEOPLE
        .iter()
        .map(|p| (p.email.to_string(), p.name.to_string(), p.does.to_string()))
        .chain(
            programme::PROGRAMME_PEOPLE
                .iter()
                .map(|(email, name, does, ..)| {
                    (email.to_string(), name.to_string(), does.to_string())
                }),
        )
        .collect()
}

async fn ensure_demo(store: &Store, actor: &Actor, today: NaiveDate) -> Result<DemoSummary> {
    let summary = |created| DemoSummary {
        created,
        accounts: accounts(),
        password: DEMO_PASSWORD.to_string(),
    };
    // The demo's own organisation, not any: a data folder where something was imported first
    // still gets the demo's plans and accounts.
    if store
        .organisation_by_code(DEMO_ORGANISATION)
        .await?
        .is_some()
    {
        return Ok(summary(false));
    }
    let org = store
        .create_organisation(DEMO_ORGANISATION, "Northshire Police")
        .await?;
    let partner = store
        .create_organisation_of_kind(
            DEMO_PARTNER,
            "Northshire County Council",
            OrganisationKind::LocalAuthority,
        )
        .await?;
    let hash = crate::password::hash(DEMO_PASSWORD).await?;
    let start = offset(today, -185);
    for person in &PEOPLE {
        let person_org = if person.partner { partner.id } else { org.id };
        let user = store
            .create_person(
                &NewPerson {
                    org: person_org,
                    email: person.email.to_string(),
                    name: person.name.to_string(),
                    password_hash: hash.clone(),
                    role: person.role,
                    clearance: person.clearance,
                },
                None,
            )
            .await?;
        if let Some(post) = person.post {
            let post = store.ensure_post(person_org, post).await?;
            store.assign_post(person_org, post, user.id, start).await?;
        }
    }
    let improvement = NewPlan {
        org: org.id,
        kind: PlanKind::Improvement,
        title: "Responding to the public: inspection improvement plan".into(),
        period: Some(period_of(today)),
        level_names: vec!["Recommendation".into(), "Action".into()],
        owner_posts: vec![
            "Portfolio owner: Deputy Chief Constable".into(),
            "Improvement plan owner: Head of Performance and Planning".into(),
        ],
        source: Some("PEEL inspection: responding to the public".into()),
        update_cycle: UpdateCycle::Monthly,
        marking: Classification::OFFICIAL,
    };
    let improvement_plan = load_plan(
        store,
        org.id,
        &improvement,
        IMPROVEMENT,
        IMPROVEMENT_TAGS,
        today,
    )
    .await?;
    evidence::add_demo_evidence(store, org.id, improvement_plan, today).await?;
    comments::add_demo_comments(store, org.id, improvement_plan, today).await?;
    indicators::add_demo_indicators(
        store,
        org.id,
        &improvement.title,
        indicators::CONTACT_INDICATORS,
        today,
    )
    .await?;
    let strategic = NewPlan {
        org: org.id,
        kind: PlanKind::Strategic,
        title: "Police and crime plan: annual delivery plan".into(),
        period: Some(period_of(today)),
        level_names: vec!["Strategic aim".into(), "Objective".into(), "Action".into()],
        owner_posts: vec!["Plan owner: Chief Constable".into()],
        source: None,
        update_cycle: UpdateCycle::Quarterly,
        marking: Classification::OFFICIAL,
    };
    let strategic_plan =
        load_plan(store, org.id, &strategic, STRATEGIC, STRATEGIC_TAGS, today).await?;
    indicators::add_demo_indicators(
        store,
        org.id,
        &strategic.title,
        indicators::STRATEGIC_INDICATORS,
        today,
    )
    .await?;
    narrative::add_demo_narrative(store, org.id, strategic_plan, today).await?;
    // The police and crime plan is shared with the county council, which contributes to the
    // actions its Community Safety Manager owns, up to OFFICIAL.
    let mut audit = actor.audit("demo.share");
    audit.org = Some(org.id);
    audit.plan = Some(strategic_plan);
    audit.subject = Some("Police and crime plan with Northshire County Council".into());
    store
        .create_share(
            &NewShare {
                plan: strategic_plan,
                with_org: partner.id,
                access: ShareAccess::Contribute,
                ceiling: Marking::Official,
                items: None,
                created_by: "Priya Shah".into(),
            },
            &audit,
        )
        .await?;
    // Seed 003's collaboration programme of five other forces, with a partner who sees it alone.
    programme::add_demo_programme(store, actor).await?;
    let mut loaded = actor.audit("demo.load");
    loaded.org = Some(org.id);
    loaded.subject = Some("The demo organisations, people and plans".into());
    store.record_audit(&loaded).await?;
    Ok(summary(true))
}

fn offset(today: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        today
            .checked_add_days(Days::new(days as u64))
            .unwrap_or(today)
    } else {
        today
            .checked_sub_days(Days::new(days.unsigned_abs()))
            .unwrap_or(today)
    }
}

/// The financial year containing `today`, written "2026-27".
fn period_of(today: NaiveDate) -> String {
    use chrono::Datelike;
    let start = if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    };
    format!("{start}-{:02}", (start + 1) % 100)
}

/// What happens on one day: changes entered that day.
#[derive(Default)]
struct Day {
    versions: Vec<(usize, ItemFields, Option<String>)>,
    updates: Vec<(usize, NaiveDate, &'static str, &'static str, Option<Rag>)>,
}

async fn load_plan(
    store: &Store,
    org: OrgId,
    plan: &NewPlan,
    groups: &[Group],
    tags: TagTable,
    today: NaiveDate,
) -> Result<waymark_core::PlanId> {
    let plan = store.create_plan(plan).await?;
    let created = offset(today, -185);

    // Every item is created on the plan's first day, with the fields it had then.
    let mut create = ChangeSet::new(org, plan.id);
    create.author = Some("Head of Performance and Planning".into());
    create.entered_at = Some(at(created));
    let mut actions: Vec<(usize, &Action)> = Vec::new();
    add_groups(&mut create, &mut actions, groups, tags, None, today);
    let applied = store.apply_changes(&create).await?;
    let ids: Vec<ItemId> = applied.item_ids;

    let mut days: BTreeMap<NaiveDate, Day> = BTreeMap::new();
    for (index, action) in &actions {
        let mut fields = create.new_items[*index].fields.clone();
        for event in action.events {
            let day = offset(today, event.day);
            let entry = days.entry(day).or_default();
            entry
                .updates
                .push((*index, day, event.text, event.author, event.rag));
            if event.rag != fields.rag {
                fields.rag = event.rag;
                entry
                    .versions
                    .push((*index, fields.clone(), Some("Progress update".into())));
            }
        }
        if let Some(done) = action.completed {
            let day = offset(today, done);
            fields.complete = true;
            fields.completed_on = Some(day);
            days.entry(day).or_default().versions.push((
                *index,
                fields.clone(),
                Some("Completed".into()),
            ));
        }
        if let Some((dated, entered, text)) = action.backdated {
            let day = offset(today, entered);
            days.entry(day).or_default().updates.push((
                *index,
                offset(today, dated),
                text,
                "Force Crime and Incident Registrar",
                None,
            ));
        }
    }
    for (day, events) in days {
        let mut changes = ChangeSet::new(org, plan.id);
        changes.entered_at = Some(at(day));
        for (index, fields, reason) in events.versions {
            changes.versions.push(NewVersion {
                item: ids[index],
                parent: fields
                    .parent
                    .map(ItemRef::Existing)
                    .or(create.new_items[index].parent.map(|p| match p {
                        ItemRef::New(i) => ItemRef::Existing(ids[i]),
                        existing => existing,
                    })),
                fields,
                effective: day,
                reason,
            });
        }
        for (index, as_of, text, author, rag) in events.updates {
            changes.author = Some(author.to_string());
            changes.updates.push(NewUpdate {
                item: ItemRef::Existing(ids[index]),
                as_of,
                author_person: None,
                author_post: Some(author.to_string()),
                text: text.to_string(),
                proposed_rag: rag,
                supersedes: None,
            });
        }
        store.apply_changes(&changes).await?;
    }
    Ok(plan.id)
}

fn add_groups<'a>(
    changes: &mut ChangeSet,
    actions: &mut Vec<(usize, &'a Action)>,
    groups: &'a [Group],
    tags: TagTable,
    parent: Option<usize>,
    today: NaiveDate,
) {
    let created = offset(today, -185);
    for (position, group) in groups.iter().enumerate() {
        let index = changes.new_items.len();
        changes.new_items.push(NewItem {
            parent: parent.map(ItemRef::New),
            fields: ItemFields {
                position: position as i64,
                reference: Some(group.reference.to_string()),
                text: group.text.to_string(),
                tags: tags_for(tags, group.reference),
                marking: marking_for(group.reference),
                ..ItemFields::default()
            },
            effective: created,
        });
        add_groups(changes, actions, group.children, tags, Some(index), today);
        for (action_position, action) in group.actions.iter().enumerate() {
            let action_index = changes.new_items.len();
            changes.new_items.push(NewItem {
                parent: Some(ItemRef::New(index)),
                fields: ItemFields {
                    position: action_position as i64,
                    reference: Some(action.reference.to_string()),
                    text: action.text.to_string(),
                    strategic_lead: Some(action.lead.to_string()),
                    owners: split_owners(action.owners),
                    due: action.due.map(|d| FlexDate::exact(offset(today, d))),
                    tags: tags_for(tags, action.reference),
                    marking: marking_for(action.reference),
                    ..ItemFields::default()
                },
                effective: created,
            });
            actions.push((action_index, action));
        }
    }
}

/// Ten in the morning on a day: when the demo's changes are "entered".
fn at(day: NaiveDate) -> chrono::DateTime<Utc> {
    day.and_hms_opt(10, 0, 0)
        .map(|t| Utc.from_utc_datetime(&t))
        .unwrap_or_else(Utc::now)
}
