//! Plans: improvement, strategic, delivery, collaboration and policing plans, with the names of
//! their levels and how often their owners are expected to report.

use chrono::{Months, NaiveDate};

use crate::ids::{OrgId, PlanId};
use crate::item::Classification;

/// What kind of plan this is. Kinds only change wording and default levels; the rules are the
/// same for all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PlanKind {
    Improvement,
    Strategic,
    Delivery,
    Collaboration,
    Policing,
    Custom(String),
}

impl PlanKind {
    pub fn parse(word: &str) -> PlanKind {
        match word.trim().to_ascii_lowercase().as_str() {
            "improvement" => PlanKind::Improvement,
            "strategic" => PlanKind::Strategic,
            "delivery" => PlanKind::Delivery,
            "collaboration" => PlanKind::Collaboration,
            "policing" => PlanKind::Policing,
            other => PlanKind::Custom(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            PlanKind::Improvement => "improvement",
            PlanKind::Strategic => "strategic",
            PlanKind::Delivery => "delivery",
            PlanKind::Collaboration => "collaboration",
            PlanKind::Policing => "policing",
            PlanKind::Custom(word) => word,
        }
    }

    /// The level names a new plan of this kind starts with.
    pub fn default_levels(&self) -> Vec<String> {
        let names: &[&str] = match self {
            PlanKind::Improvement => &["Recommendation", "Action"],
            PlanKind::Strategic => &["Strategic aim", "Objective", "Action"],
            PlanKind::Delivery => &["Strategic objective", "Delivery plan action"],
            PlanKind::Collaboration => &["Project area", "Project", "Milestone"],
            PlanKind::Policing | PlanKind::Custom(_) => &["Objective", "Action"],
        };
        names.iter().map(|name| name.to_string()).collect()
    }
}

/// How often owners are expected to update their actions; an action with no update within one
/// cycle is stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UpdateCycle {
    Weekly,
    Monthly,
    Quarterly,
    /// Every so many days.
    Days(u32),
}

impl UpdateCycle {
    pub fn parse(word: &str) -> Option<UpdateCycle> {
        let lower = word.trim().to_ascii_lowercase();
        match lower.as_str() {
            "weekly" => Some(UpdateCycle::Weekly),
            "monthly" => Some(UpdateCycle::Monthly),
            "quarterly" => Some(UpdateCycle::Quarterly),
            _ => lower
                .strip_suffix(" days")
                .unwrap_or(&lower)
                .parse()
                .ok()
                .filter(|days| *days > 0)
                .map(UpdateCycle::Days),
        }
    }

    pub fn as_string(&self) -> String {
        match self {
            UpdateCycle::Weekly => "weekly".into(),
            UpdateCycle::Monthly => "monthly".into(),
            UpdateCycle::Quarterly => "quarterly".into(),
            UpdateCycle::Days(days) => format!("{days} days"),
        }
    }

    /// The earliest as-of date an update may carry and still count as current on `as_at`.
    pub fn window_start(&self, as_at: NaiveDate) -> NaiveDate {
        let earlier = match self {
            UpdateCycle::Weekly => as_at.checked_sub_days(chrono::Days::new(7)),
            UpdateCycle::Monthly => as_at.checked_sub_months(Months::new(1)),
            UpdateCycle::Quarterly => as_at.checked_sub_months(Months::new(3)),
            UpdateCycle::Days(days) => as_at.checked_sub_days(chrono::Days::new(u64::from(*days))),
        };
        earlier.unwrap_or(NaiveDate::MIN)
    }
}

/// A plan and its settings. Items live in the store and are read "as at" a day.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub id: PlanId,
    pub org: OrgId,
    pub kind: PlanKind,
    pub title: String,
    /// As written: "2011-14", "2008-09".
    pub period: Option<String>,
    /// Names of the tree's levels from the top: ["Strategic aim", "Objective", "Action"].
    pub level_names: Vec<String>,
    /// Plan owner posts as the plan states them: "SCT Portfolio Owner: Deputy Chief Constable".
    pub owner_posts: Vec<String>,
    /// What the plan answers, such as an inspection report.
    pub source: Option<String>,
    pub update_cycle: UpdateCycle,
    /// The plan's protective marking: every item is at least this sensitive.
    pub marking: Classification,
    /// An archived plan is kept with its history, read-only, and listed apart.
    pub archived: bool,
}

impl Plan {
    /// The name of a level, falling back to the last named level for deeper nodes.
    pub fn level_name(&self, depth: usize) -> &str {
        self.level_names
            .get(depth)
            .or(self.level_names.last())
            .map(String::as_str)
            .unwrap_or("Item")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn cycles_parse_and_reach_back_the_right_distance() {
        assert_eq!(UpdateCycle::parse("Monthly"), Some(UpdateCycle::Monthly));
        assert_eq!(UpdateCycle::parse("14 days"), Some(UpdateCycle::Days(14)));
        assert_eq!(UpdateCycle::parse("0"), None);
        assert_eq!(
            UpdateCycle::Monthly.window_start(ymd(2015, 3, 31)),
            ymd(2015, 2, 28)
        );
        assert_eq!(
            UpdateCycle::Quarterly.window_start(ymd(2015, 3, 31)),
            ymd(2014, 12, 31)
        );
    }

    #[test]
    fn kinds_round_trip_and_have_levels() {
        for word in [
            "improvement",
            "strategic",
            "delivery",
            "collaboration",
            "policing",
            "audit",
        ] {
            assert_eq!(PlanKind::parse(word).as_str(), word);
        }
        assert_eq!(PlanKind::Strategic.default_levels().len(), 3);
    }
}
