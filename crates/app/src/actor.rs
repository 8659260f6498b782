//! Who is asking: a signed-in person (through a session or an API token) or the operator at
//! the command line. Every use case takes an `Actor`; the rules it is checked against are
//! `waymark_core::access`'s.

use waymark_core::{Marking, OrgId, Organisation, Role, Subject};
use waymark_store::{NewAuditEvent, User};

/// The person or program a use case acts for.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub who: Who,
    /// What the rules need: organisation, roles and clearance.
    pub subject: Subject,
    /// The titles of the posts the person holds today, which own actions.
    pub posts: Vec<String>,
    /// The person's organisation; `None` for the operator.
    pub organisation: Option<Organisation>,
    /// The client's address, for the audit trail.
    pub address: Option<String>,
    /// How the person came in.
    pub via: Via,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    Person(User),
    /// The operator at the command line holds the database itself and may do anything; named
    /// by the system account that ran the command.
    Operator(String),
}

/// How a person's request came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    /// A personal API token, by its id.
    Token(i64),
    CommandLine,
}

impl Actor {
    /// The operator at the command line.
    pub fn operator() -> Actor {
        let account = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_default();
        Actor {
            who: Who::Operator(account),
            subject: Subject::operator(),
            posts: Vec::new(),
            organisation: None,
            address: None,
            via: Via::CommandLine,
        }
    }

    pub fn with_address(mut self, address: Option<String>) -> Actor {
        self.address = address;
        self
    }

    pub fn user(&self) -> Option<&User> {
        match &self.who {
            Who::Person(user) => Some(user),
            Who::Operator(_) => None,
        }
    }

    pub fn is_operator(&self) -> bool {
        matches!(self.who, Who::Operator(_))
    }

    pub fn org(&self) -> Option<OrgId> {
        self.subject.org
    }

    /// The name history and reports show: the person's, or "command line (account)", or just
    /// "command line" where the environment names no account (a service or container).
    pub fn name(&self) -> String {
        match &self.who {
            Who::Person(user) => user.name.clone(),
            Who::Operator(account) if account.is_empty() => "command line".into(),
            Who::Operator(account) => format!("command line ({account})"),
        }
    }

    /// Who, for the audit trail: "Ada Admin <ada@force.example>".
    pub fn label(&self) -> String {
        match &self.who {
            Who::Person(user) => format!("{} <{}>", user.name, user.email),
            Who::Operator(_) => self.name(),
        }
    }

    /// The strongest role the person holds for every plan of their organisation.
    pub fn org_role(&self) -> Option<Role> {
        self.subject.org_role()
    }

    /// Whether the person administers their own organisation (or is the operator).
    pub fn is_administrator(&self) -> bool {
        match self.subject.org {
            Some(org) => self.subject.administers(org),
            None => true,
        }
    }

    /// Whether the person may create plans in their organisation.
    pub fn may_create_plans(&self) -> bool {
        match self.subject.org {
            Some(org) => self.subject.may_create_plans(org),
            None => true,
        }
    }

    pub fn clearance(&self) -> Marking {
        self.subject.clearance
    }

    /// An audit record of `action` by this actor, to fill in.
    pub(crate) fn audit(&self, action: &str) -> NewAuditEvent {
        NewAuditEvent {
            org: self.subject.org,
            user: self.user().map(|u| u.id),
            actor: self.label(),
            address: self.address.clone(),
            action: action.to_string(),
            ..NewAuditEvent::default()
        }
    }
}
