//! A collaboration project's own facts, beside the plan item that holds its owners, dates,
//! milestones, updates and RAG: its status, lead organisation, participants and collaboration
//! model (seed 002: a lead force, a joint unit, a service contract), and whether the lead keeps
//! it to itself.

use crate::ids::OrgId;

/// Where a project stands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProjectStatus {
    /// Proposed, for the year or years written ("2009", "2010 to 2012"), where stated.
    Proposed {
        for_years: Option<String>,
    },
    Current,
    Complete,
    Stopped,
}

impl ProjectStatus {
    /// Reads "Current", "Live", "Proposed 2009", "Proposed (2010 to 2012)", "Complete",
    /// "Stopped", "Cancelled".
    pub fn parse(text: &str) -> Option<ProjectStatus> {
        let lower = text.trim().to_lowercase();
        let (head, rest) = match lower.find(|c: char| !c.is_alphabetic() && c != '-') {
            Some(at) => lower.split_at(at),
            None => (lower.as_str(), ""),
        };
        match head {
            "current" | "live" | "active" | "ongoing" | "open" | "underway" | "started" => {
                Some(ProjectStatus::Current)
            }
            "proposed" | "proposal" | "planned" | "future" | "pipeline" | "new" => {
                let years = rest
                    .trim()
                    .trim_start_matches(['(', ':', '-', ','])
                    .trim_start_matches("for ")
                    .trim_end_matches(')')
                    .trim();
                Some(ProjectStatus::Proposed {
                    for_years: (!years.is_empty()).then(|| years.to_string()),
                })
            }
            "complete" | "completed" | "closed" | "delivered" | "done" | "finished" => {
                Some(ProjectStatus::Complete)
            }
            "stopped" | "cancelled" | "canceled" | "abandoned" | "withdrawn" | "discontinued" => {
                Some(ProjectStatus::Stopped)
            }
            "in" if rest.trim_start().starts_with("progress") => Some(ProjectStatus::Current),
            _ => None,
        }
    }

    /// The name statuses are counted under: "current", "proposed", "complete", "stopped".
    pub fn as_str(&self) -> &'static str {
        match self {
            ProjectStatus::Proposed { .. } => "proposed",
            ProjectStatus::Current => "current",
            ProjectStatus::Complete => "complete",
            ProjectStatus::Stopped => "stopped",
        }
    }

    /// Words for pages: "Proposed for 2010 to 2012".
    pub fn label(&self) -> String {
        match self {
            ProjectStatus::Proposed {
                for_years: Some(years),
            } => format!("Proposed for {years}"),
            ProjectStatus::Proposed { for_years: None } => "Proposed".to_string(),
            ProjectStatus::Current => "Current".to_string(),
            ProjectStatus::Complete => "Complete".to_string(),
            ProjectStatus::Stopped => "Stopped".to_string(),
        }
    }
}

/// Which of the programme's participants take part in a project.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum ProjectParticipants {
    #[default]
    All,
    Some(Vec<OrgId>),
}

impl ProjectParticipants {
    pub fn includes(&self, org: OrgId) -> bool {
        match self {
            ProjectParticipants::All => true,
            ProjectParticipants::Some(orgs) => orgs.contains(&org),
        }
    }
}

/// Whether a participants cell says "all of them", and otherwise the names it lists: "All",
/// "All five forces", "Derbyshire, Leicestershire and Notts", "DER / LEI".
pub fn split_participants(cell: &str) -> Option<Vec<String>> {
    let lower = cell.trim().to_lowercase();
    if lower.is_empty() {
        return None;
    }
    if lower == "all" || lower.starts_with("all ") || lower == "regional" || lower == "region" {
        return None;
    }
    Some(
        cell.split([',', ';', '/', '\n', '&', '+'])
            .flat_map(|part| part.split(" and "))
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// How the participants work together on a project (seed 002's models).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CollaborationModel {
    /// One force provides the service for the others.
    LeadForce,
    /// A unit jointly responsible for an activity across the forces' areas.
    JointUnit,
    /// One force buys the service from another under contract.
    ServiceContract,
    Other(String),
}

impl CollaborationModel {
    pub fn parse(text: &str) -> Option<CollaborationModel> {
        let lower = text.trim().to_lowercase();
        if lower.is_empty() {
            None
        } else if lower.contains("lead") {
            Some(CollaborationModel::LeadForce)
        } else if lower.contains("joint") || lower.contains("regional unit") {
            Some(CollaborationModel::JointUnit)
        } else if lower.contains("contract") || lower.contains("service level") {
            Some(CollaborationModel::ServiceContract)
        } else {
            Some(CollaborationModel::Other(text.trim().to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            CollaborationModel::LeadForce => "lead-force",
            CollaborationModel::JointUnit => "joint-unit",
            CollaborationModel::ServiceContract => "service-contract",
            CollaborationModel::Other(words) => words,
        }
    }

    pub fn label(&self) -> &str {
        match self {
            CollaborationModel::LeadForce => "Lead force",
            CollaborationModel::JointUnit => "Joint unit",
            CollaborationModel::ServiceContract => "Service contract",
            CollaborationModel::Other(words) => words,
        }
    }
}

/// A project's own facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFacts {
    /// The project area as the register names it ("Protective services"); `None` takes the
    /// area from the plan's tree (the top-level item the project sits under).
    pub area: Option<String>,
    pub status: ProjectStatus,
    pub lead: Option<OrgId>,
    pub participants: ProjectParticipants,
    pub model: Option<CollaborationModel>,
    /// Kept to the lead organisation: not shared with the other participants.
    pub lead_only: bool,
}

impl Default for ProjectFacts {
    fn default() -> Self {
        ProjectFacts {
            area: None,
            status: ProjectStatus::Current,
            lead: None,
            participants: ProjectParticipants::All,
            model: None,
            lead_only: false,
        }
    }
}

impl ProjectFacts {
    /// Whether `org`, a participant of the programme, sees this project: every participant
    /// sees the projects not kept to the lead, and the lead sees its own.
    pub fn shared_with(&self, org: OrgId, programme_lead: OrgId) -> bool {
        !self.lead_only || self.lead.unwrap_or(programme_lead) == org || programme_lead == org
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_as_registers_write_them() {
        assert_eq!(ProjectStatus::parse("Live"), Some(ProjectStatus::Current));
        assert_eq!(
            ProjectStatus::parse("in progress"),
            Some(ProjectStatus::Current)
        );
        assert_eq!(
            ProjectStatus::parse("Proposed 2009"),
            Some(ProjectStatus::Proposed {
                for_years: Some("2009".into())
            })
        );
        assert_eq!(
            ProjectStatus::parse("Proposed (2010 to 2012)").map(|s| s.label()),
            Some("Proposed for 2010 to 2012".into())
        );
        assert_eq!(
            ProjectStatus::parse("Cancelled"),
            Some(ProjectStatus::Stopped)
        );
        assert_eq!(
            ProjectStatus::parse("Completed"),
            Some(ProjectStatus::Complete)
        );
        assert_eq!(ProjectStatus::parse("maybe"), None);
    }

    #[test]
    fn participants_all_or_a_list() {
        assert_eq!(split_participants("All"), None);
        assert_eq!(split_participants("All five forces"), None);
        assert_eq!(
            split_participants("Derbyshire, Leicestershire and Notts"),
            Some(vec![
                "Derbyshire".into(),
                "Leicestershire".into(),
                "Notts".into()
            ])
        );
        assert_eq!(
            split_participants("DER / LEI"),
            Some(vec!["DER".into(), "LEI".into()])
        );
    }

    #[test]
    fn models_of_collaboration() {
        assert_eq!(
            CollaborationModel::parse("Lead force"),
            Some(CollaborationModel::LeadForce)
        );
        assert_eq!(
            CollaborationModel::parse("Joint unit"),
            Some(CollaborationModel::JointUnit)
        );
        assert_eq!(
            CollaborationModel::parse("Service contract"),
            Some(CollaborationModel::ServiceContract)
        );
    }
}
