//! Who may see and do what: the one visibility rule (organisation, share, role and marking
//! ceiling) and what each role may do, as pure functions over facts the application layer
//! gathers. Every list, count, search, export and report passes through [`plan_access`] and
//! [`visible_items`], so no output can forget them.
//!
//! - A person sees their own organisation's plans through their roles (organisation-wide, or
//!   narrowed to one plan), and another organisation's plan only through a share with their
//!   organisation, at read or contribute level, never to manage it.
//! - Nobody sees anything marked above their ceiling: their own clearance, and for a share the
//!   lower of that and the share's stated ceiling. An item is at least as sensitive as its plan
//!   and its parents, so hiding an item hides what is under it.
//! - A share may name chosen items: each is shared with what is under it.

use std::collections::BTreeSet;

use crate::ids::{ItemId, OrgId, PlanId};
use crate::item::{Classification, Marking};
use crate::plan::Plan;

/// What a person does in their organisation. Ordered by what the role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads the organisation's plans.
    Viewer,
    /// Adds updates and sets the RAG and progress of the items their posts own.
    Contributor,
    /// Everything on the plans they manage: structure, import, publishing, markings, sharing.
    PlanManager,
    /// Everything in the organisation, including people, roles, partners and the audit trail.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Administrator,
        Role::PlanManager,
        Role::Contributor,
        Role::Viewer,
    ];

    /// Reads a role as the CLI, forms and API write it: "admin", "manager", "plan manager",
    /// "contributor", "viewer" (or "reader").
    pub fn parse(word: &str) -> Option<Role> {
        match word
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], " ")
            .as_str()
        {
            "admin" | "administrator" => Some(Role::Administrator),
            "manager" | "plan manager" => Some(Role::PlanManager),
            "contributor" => Some(Role::Contributor),
            "viewer" | "reader" => Some(Role::Viewer),
            _ => None,
        }
    }

    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "admin",
            Role::PlanManager => "manager",
            Role::Contributor => "contributor",
            Role::Viewer => "viewer",
        }
    }

    /// Words for pages: "Plan manager".
    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::PlanManager => "Plan manager",
            Role::Contributor => "Contributor",
            Role::Viewer => "Viewer",
        }
    }

    /// What the role may do, in a sentence for the people page.
    pub fn summary(self) -> &'static str {
        match self {
            Role::Administrator => {
                "Everything in the organisation: people, roles, partners, sharing and the audit trail"
            }
            Role::PlanManager => {
                "Builds and changes plans, imports, publishes reports, sets markings and shares"
            }
            Role::Contributor => {
                "Adds updates and sets the RAG status of the actions their posts own"
            }
            Role::Viewer => "Reads the organisation's plans",
        }
    }

    fn level(self) -> AccessLevel {
        match self {
            Role::Administrator | Role::PlanManager => AccessLevel::Manage,
            Role::Contributor => AccessLevel::Contribute,
            Role::Viewer => AccessLevel::Read,
        }
    }
}

/// A role held in an organisation, for all its plans or narrowed to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoleGrant {
    pub role: Role,
    /// `None`: every plan of the organisation.
    pub plan: Option<PlanId>,
}

/// What a share lets the other organisation's people do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShareAccess {
    Read,
    /// Read, and add updates to the shared items their posts own.
    Contribute,
}

impl ShareAccess {
    pub fn parse(word: &str) -> Option<ShareAccess> {
        match word.trim().to_ascii_lowercase().as_str() {
            "read" | "view" => Some(ShareAccess::Read),
            "contribute" | "update" => Some(ShareAccess::Contribute),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ShareAccess::Read => "read",
            ShareAccess::Contribute => "contribute",
        }
    }
}

/// A plan, or chosen items of it, shared with another organisation up to a marking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub id: i64,
    pub plan: PlanId,
    pub with_org: OrgId,
    pub access: ShareAccess,
    /// Nothing marked above this reaches the other organisation.
    pub ceiling: Marking,
    /// Items shared, each with what is under it; `None` is the whole plan.
    pub items: Option<Vec<ItemId>>,
}

/// Who is asking, as far as the rules need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `None` for the operator at the command line, who holds the database itself and may do
    /// everything in every organisation.
    pub org: Option<OrgId>,
    pub roles: Vec<RoleGrant>,
    /// The most sensitive marking the person may see.
    pub clearance: Marking,
}

impl Subject {
    pub fn operator() -> Subject {
        Subject {
            org: None,
            roles: Vec::new(),
            clearance: Marking::OfficialSensitive,
        }
    }

    pub fn is_operator(&self) -> bool {
        self.org.is_none()
    }

    /// The strongest role the person holds for every plan of their organisation.
    pub fn org_role(&self) -> Option<Role> {
        self.roles
            .iter()
            .filter(|grant| grant.plan.is_none())
            .map(|grant| grant.role)
            .max()
    }

    /// The strongest role the person holds for one plan of their organisation.
    pub fn role_on(&self, plan: PlanId) -> Option<Role> {
        self.roles
            .iter()
            .filter(|grant| grant.plan.is_none_or(|p| p == plan))
            .map(|grant| grant.role)
            .max()
    }

    /// Whether the person administers `org`: people, roles, partners, sharing, settings.
    pub fn administers(&self, org: OrgId) -> bool {
        self.is_operator()
            || (self.org == Some(org) && self.org_role() == Some(Role::Administrator))
    }

    /// Whether the person may create plans in `org`.
    pub fn may_create_plans(&self, org: OrgId) -> bool {
        self.is_operator()
            || (self.org == Some(org)
                && self
                    .org_role()
                    .is_some_and(|role| role >= Role::PlanManager))
    }
}

/// How far a person may act on one plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    Read,
    Contribute,
    Manage,
}

/// What one person may see and do in one plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanAccess {
    pub level: AccessLevel,
    /// Nothing marked above this is visible.
    pub ceiling: Marking,
    /// The items visible with what is under each; `None` is the whole plan.
    pub items: Option<BTreeSet<ItemId>>,
    /// The share the access comes through, for another organisation's plan.
    pub share: Option<i64>,
}

impl PlanAccess {
    /// The operator's access: everything.
    pub fn full() -> PlanAccess {
        PlanAccess {
            level: AccessLevel::Manage,
            ceiling: Marking::OfficialSensitive,
            items: None,
            share: None,
        }
    }

    pub fn may_manage(&self) -> bool {
        self.level == AccessLevel::Manage
    }

    /// Whether the person may add updates to an item owned by `owners`, holding `posts`:
    /// managers to any item, contributors to the items their posts own.
    pub fn may_update(&self, owners: &[String], posts: &[String]) -> bool {
        match self.level {
            AccessLevel::Manage => true,
            AccessLevel::Contribute => owners
                .iter()
                .any(|owner| posts.iter().any(|post| post.eq_ignore_ascii_case(owner))),
            AccessLevel::Read => false,
        }
    }

    /// Whether the whole plan is visible as it is: no chosen items and nothing above the
    /// ceiling. Then views need no filtering.
    pub fn sees_everything_under(&self, highest: Marking) -> bool {
        self.items.is_none() && highest <= self.ceiling
    }
}

/// What `subject` may see and do in `plan`, given the plan's active shares; `None` when the
/// plan is not visible to them at all (and must be answered as not found).
pub fn plan_access(subject: &Subject, plan: &Plan, shares: &[Share]) -> Option<PlanAccess> {
    let Some(org) = subject.org else {
        return Some(PlanAccess::full());
    };
    let access = if plan.org == org {
        let role = subject.role_on(plan.id)?;
        PlanAccess {
            level: role.level(),
            ceiling: subject.clearance,
            items: None,
            share: None,
        }
    } else {
        // Through the best of the shares with the person's organisation; a partner never
        // manages another organisation's plan, and a viewer only reads.
        let role = subject.org_role()?;
        let share = shares
            .iter()
            .filter(|share| share.plan == plan.id && share.with_org == org)
            .max_by_key(|share| (share.items.is_none(), share.ceiling, share.access))?;
        let level = match (share.access, role) {
            (ShareAccess::Contribute, role) if role >= Role::Contributor => AccessLevel::Contribute,
            _ => AccessLevel::Read,
        };
        PlanAccess {
            level,
            ceiling: share.ceiling.min(subject.clearance),
            items: share
                .items
                .as_ref()
                .map(|ids| ids.iter().copied().collect()),
            share: Some(share.id),
        }
    };
    (plan.marking.marking <= access.ceiling).then_some(access)
}

/// Each item's effective marking, in the plan's depth-first order: the most sensitive of the
/// plan's, its ancestors' and its own.
pub fn effective_markings(
    plan: Classification,
    items: impl IntoIterator<Item = (usize, Option<Classification>)>,
) -> Vec<Classification> {
    let mut stack: Vec<Classification> = Vec::new();
    items
        .into_iter()
        .map(|(depth, own)| {
            stack.truncate(depth);
            let inherited = stack.last().copied().unwrap_or(plan);
            let effective = own.map_or(inherited, |own| inherited.max(own));
            stack.push(effective);
            effective
        })
        .collect()
}

/// Which items of a plan (in depth-first order, with their depths, ids and effective
/// markings) the access lets a person see: those within the ceiling, and where the access
/// names items, those shared and what is under them.
pub fn visible_items(
    access: &PlanAccess,
    items: impl IntoIterator<Item = (usize, ItemId, Classification)>,
) -> Vec<bool> {
    // The depths of the shared items whose subtrees we are inside.
    let mut shared_at: Vec<usize> = Vec::new();
    items
        .into_iter()
        .map(|(depth, id, marking)| {
            while shared_at.last().is_some_and(|d| *d >= depth) {
                shared_at.pop();
            }
            let shared = match &access.items {
                None => true,
                Some(ids) if ids.contains(&id) => {
                    shared_at.push(depth);
                    true
                }
                Some(_) => !shared_at.is_empty(),
            };
            shared && marking.marking <= access.ceiling
        })
        .collect()
}

/// Whether one item is visible, from its lineage alone (the item's own id and marking, then
/// its parent's, up to the top): the same answer as [`visible_items`] over the whole plan,
/// without reading the whole plan. What a write to one item checks.
pub fn item_visible(
    access: &PlanAccess,
    plan: Classification,
    lineage: &[(ItemId, Option<Classification>)],
) -> bool {
    let marking = lineage
        .iter()
        .filter_map(|(_, own)| *own)
        .fold(plan, Classification::max);
    let shared = match &access.items {
        None => true,
        Some(ids) => lineage.iter().any(|(id, _)| ids.contains(id)),
    };
    shared && marking.marking <= access.ceiling
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{PlanKind, UpdateCycle};
    use proptest::prelude::*;

    const FORCE: OrgId = OrgId(1);
    const PARTNER: OrgId = OrgId(2);

    fn plan(org: OrgId, marking: Marking) -> Plan {
        Plan {
            id: PlanId(7),
            org,
            kind: PlanKind::Improvement,
            title: "Custody improvement plan".into(),
            period: None,
            level_names: vec![],
            owner_posts: vec![],
            source: None,
            update_cycle: UpdateCycle::Monthly,
            marking: Classification::new(marking),
            archived: false,
        }
    }

    fn person(org: OrgId, roles: &[(Role, Option<i64>)], clearance: Marking) -> Subject {
        Subject {
            org: Some(org),
            roles: roles
                .iter()
                .map(|(role, plan)| RoleGrant {
                    role: *role,
                    plan: plan.map(PlanId),
                })
                .collect(),
            clearance,
        }
    }

    fn share(access: ShareAccess, ceiling: Marking, items: Option<Vec<i64>>) -> Share {
        Share {
            id: 3,
            plan: PlanId(7),
            with_org: PARTNER,
            access,
            ceiling,
            items: items.map(|ids| ids.into_iter().map(ItemId).collect()),
        }
    }

    #[test]
    fn roles_give_their_level_on_their_own_organisations_plans() {
        let plan = plan(FORCE, Marking::Official);
        let sensitive = Marking::OfficialSensitive;
        for (role, level) in [
            (Role::Administrator, AccessLevel::Manage),
            (Role::PlanManager, AccessLevel::Manage),
            (Role::Contributor, AccessLevel::Contribute),
            (Role::Viewer, AccessLevel::Read),
        ] {
            let access = plan_access(&person(FORCE, &[(role, None)], sensitive), &plan, &[]);
            assert_eq!(access.map(|a| a.level), Some(level), "{role:?}");
        }
        // Narrowed to one plan: manager of plan 7 only, a viewer elsewhere.
        let narrowed = person(
            FORCE,
            &[(Role::Viewer, None), (Role::PlanManager, Some(7))],
            sensitive,
        );
        assert_eq!(
            plan_access(&narrowed, &plan, &[]).map(|a| a.level),
            Some(AccessLevel::Manage)
        );
        let mut other = plan.clone();
        other.id = PlanId(8);
        assert_eq!(
            plan_access(&narrowed, &other, &[]).map(|a| a.level),
            Some(AccessLevel::Read)
        );
        // A role for another plan only shows nothing of this one.
        let elsewhere = person(FORCE, &[(Role::PlanManager, Some(8))], sensitive);
        assert_eq!(plan_access(&elsewhere, &plan, &[]), None);
        assert_eq!(
            plan_access(&person(FORCE, &[], sensitive), &plan, &[]),
            None
        );
    }

    #[test]
    fn another_organisations_plan_is_seen_only_through_a_share() {
        let plan = plan(FORCE, Marking::Official);
        let partner = person(
            PARTNER,
            &[(Role::Contributor, None)],
            Marking::OfficialSensitive,
        );
        assert_eq!(plan_access(&partner, &plan, &[]), None);
        let read = share(ShareAccess::Read, Marking::Official, None);
        let access = plan_access(&partner, &plan, std::slice::from_ref(&read)).unwrap();
        assert_eq!(access.level, AccessLevel::Read);
        assert_eq!(access.ceiling, Marking::Official);
        assert_eq!(access.share, Some(3));
        let contribute = share(ShareAccess::Contribute, Marking::OfficialSensitive, None);
        let access = plan_access(&partner, &plan, std::slice::from_ref(&contribute)).unwrap();
        assert_eq!(access.level, AccessLevel::Contribute);
        // A partner's administrator still only contributes; a partner's viewer only reads.
        let admin = person(
            PARTNER,
            &[(Role::Administrator, None)],
            Marking::OfficialSensitive,
        );
        assert_eq!(
            plan_access(&admin, &plan, std::slice::from_ref(&contribute)).map(|a| a.level),
            Some(AccessLevel::Contribute)
        );
        let viewer = person(PARTNER, &[(Role::Viewer, None)], Marking::OfficialSensitive);
        assert_eq!(
            plan_access(&viewer, &plan, std::slice::from_ref(&contribute)).map(|a| a.level),
            Some(AccessLevel::Read)
        );
        // A share with a third organisation shows this one nothing.
        let third = person(
            OrgId(9),
            &[(Role::Administrator, None)],
            Marking::OfficialSensitive,
        );
        assert_eq!(plan_access(&third, &plan, &[contribute]), None);
    }

    #[test]
    fn the_ceiling_is_the_lower_of_clearance_and_share() {
        let sensitive_plan = plan(FORCE, Marking::OfficialSensitive);
        let partner = person(PARTNER, &[(Role::Viewer, None)], Marking::OfficialSensitive);
        let up_to_official = share(ShareAccess::Read, Marking::Official, None);
        assert_eq!(
            plan_access(
                &partner,
                &sensitive_plan,
                std::slice::from_ref(&up_to_official)
            ),
            None,
            "a plan marked above the share's ceiling is not shared at all"
        );
        let up_to_sensitive = share(ShareAccess::Read, Marking::OfficialSensitive, None);
        assert!(
            plan_access(
                &partner,
                &sensitive_plan,
                std::slice::from_ref(&up_to_sensitive)
            )
            .is_some()
        );
        let cleared_official = person(PARTNER, &[(Role::Viewer, None)], Marking::Official);
        assert_eq!(
            plan_access(&cleared_official, &sensitive_plan, &[up_to_sensitive]),
            None
        );
        let own_official = person(FORCE, &[(Role::Viewer, None)], Marking::Official);
        assert_eq!(plan_access(&own_official, &sensitive_plan, &[]), None);
        assert!(plan_access(&Subject::operator(), &sensitive_plan, &[]).is_some());
    }

    #[test]
    fn markings_inherit_down_the_tree_and_hide_subtrees() {
        let sensitive = Classification::new(Marking::OfficialSensitive);
        let items = [
            (0, None),            // 1 Recommendation
            (1, None),            // 2   action
            (0, Some(sensitive)), // 3 Recommendation on vetting
            (1, None),            // 4   action under it: sensitive too
            (2, None),            // 5     milestone
            (0, None),            // 6 Recommendation
        ];
        let markings = effective_markings(Classification::OFFICIAL, items);
        let labels: Vec<Marking> = markings.iter().map(|c| c.marking).collect();
        use Marking::{Official as O, OfficialSensitive as S};
        assert_eq!(labels, [O, O, S, S, S, O]);
        let access = PlanAccess {
            level: AccessLevel::Read,
            ceiling: Marking::Official,
            items: None,
            share: Some(1),
        };
        let listed = items
            .iter()
            .zip(&markings)
            .enumerate()
            .map(|(i, ((depth, _), marking))| (*depth, ItemId(i as i64 + 1), *marking));
        assert_eq!(
            visible_items(&access, listed),
            [true, true, false, false, false, true]
        );
    }

    #[test]
    fn chosen_items_are_shared_with_what_is_under_them() {
        let depths = [0, 1, 1, 0, 1, 2, 0];
        let access = PlanAccess {
            level: AccessLevel::Read,
            ceiling: Marking::OfficialSensitive,
            items: Some([ItemId(2), ItemId(4)].into_iter().collect()),
            share: Some(1),
        };
        let listed = depths
            .iter()
            .enumerate()
            .map(|(i, depth)| (*depth, ItemId(i as i64 + 1), Classification::OFFICIAL));
        assert_eq!(
            visible_items(&access, listed),
            [false, true, false, true, true, true, false]
        );
    }

    #[test]
    fn contributors_update_only_what_their_posts_own() {
        let access = PlanAccess {
            level: AccessLevel::Contribute,
            ceiling: Marking::Official,
            items: None,
            share: None,
        };
        let owners = ["Head of Contact Management".to_string()];
        assert!(access.may_update(&owners, &["head of contact management".into()]));
        assert!(!access.may_update(&owners, &["Head of Crime".into()]));
        let read = PlanAccess {
            level: AccessLevel::Read,
            ..access.clone()
        };
        assert!(!read.may_update(&owners, &["Head of Contact Management".into()]));
        assert!(PlanAccess::full().may_update(&owners, &[]));
    }

    #[test]
    fn roles_read_back_and_order_by_power() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(Role::parse(role.label()), Some(role));
        }
        assert_eq!(Role::parse("reader"), Some(Role::Viewer));
        assert!(Role::Administrator > Role::PlanManager);
        assert!(Role::Contributor > Role::Viewer);
        let admin = person(FORCE, &[(Role::Administrator, None)], Marking::Official);
        assert!(admin.administers(FORCE));
        assert!(!admin.administers(PARTNER));
        let manager = person(FORCE, &[(Role::PlanManager, Some(7))], Marking::Official);
        assert!(
            !manager.may_create_plans(FORCE),
            "a manager of one plan creates none"
        );
    }

    fn tree() -> impl Strategy<Value = Vec<(usize, Option<Marking>, bool)>> {
        // Depth-first trees: each depth at most one more than the one before.
        prop::collection::vec(
            (0usize..4, any::<bool>(), any::<bool>(), any::<bool>()),
            0..40,
        )
        .prop_map(|raw| {
            let mut previous = None::<usize>;
            raw.into_iter()
                .map(|(step, sensitive, marked, shared)| {
                    let depth = match previous {
                        None => 0,
                        Some(p) => step.min(p + 1),
                    };
                    previous = Some(depth);
                    let marking = marked.then_some(if sensitive {
                        Marking::OfficialSensitive
                    } else {
                        Marking::Official
                    });
                    (depth, marking, shared)
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn nothing_above_the_ceiling_and_no_child_of_a_hidden_item_is_visible(
            items in tree(), choose in any::<bool>()
        ) {
            let markings = effective_markings(
                Classification::OFFICIAL,
                items.iter().map(|(d, m, _)| (*d, m.map(Classification::new))),
            );
            let chosen: BTreeSet<ItemId> = items
                .iter()
                .enumerate()
                .filter(|(_, (_, _, shared))| *shared)
                .map(|(i, _)| ItemId(i as i64))
                .collect();
            let access = PlanAccess {
                level: AccessLevel::Read,
                ceiling: Marking::Official,
                items: choose.then_some(chosen.clone()),
                share: Some(1),
            };
            let visible = visible_items(
                &access,
                items.iter().zip(&markings).enumerate().map(|(i, ((d, _, _), m))| (*d, ItemId(i as i64), *m)),
            );
            let mut parents: Vec<usize> = Vec::new();
            for (i, ((depth, _, _), marking)) in items.iter().zip(&markings).enumerate() {
                parents.truncate(*depth);
                if visible[i] {
                    prop_assert!(marking.marking <= Marking::Official);
                }
                if let Some(parent) = parents.last() {
                    prop_assert!(markings[*parent].marking <= marking.marking);
                    if !choose {
                        // Without chosen items only markings hide: a hidden parent hides all.
                        prop_assert!(visible[*parent] || !visible[i]);
                    }
                }
                if choose && visible[i] {
                    let own = chosen.contains(&ItemId(i as i64));
                    let under = parents.iter().any(|p| chosen.contains(&ItemId(*p as i64)));
                    prop_assert!(own || under);
                }
                parents.push(i);
            }
        }
        /// One item's lineage gives the answer the whole plan gives.
        #[test]
        fn an_items_lineage_decides_as_the_whole_plan_does(
            items in tree(), choose in any::<bool>(), sensitive_ceiling in any::<bool>()
        ) {
            let own: Vec<Option<Classification>> =
                items.iter().map(|(_, m, _)| m.map(Classification::new)).collect();
            let markings = effective_markings(
                Classification::OFFICIAL,
                items.iter().zip(&own).map(|((d, _, _), m)| (*d, *m)),
            );
            let chosen: BTreeSet<ItemId> = items
                .iter()
                .enumerate()
                .filter(|(_, (_, _, shared))| *shared)
                .map(|(i, _)| ItemId(i as i64))
                .collect();
            let access = PlanAccess {
                level: AccessLevel::Read,
                ceiling: if sensitive_ceiling { Marking::OfficialSensitive } else { Marking::Official },
                items: choose.then_some(chosen),
                share: Some(1),
            };
            let whole = visible_items(
                &access,
                items.iter().zip(&markings).enumerate().map(|(i, ((d, _, _), m))| (*d, ItemId(i as i64), *m)),
            );
            let mut parents: Vec<usize> = Vec::new();
            for (i, (depth, _, _)) in items.iter().enumerate() {
                parents.truncate(*depth);
                let lineage: Vec<(ItemId, Option<Classification>)> = std::iter::once(i)
                    .chain(parents.iter().rev().copied())
                    .map(|at| (ItemId(at as i64), own[at]))
                    .collect();
                prop_assert_eq!(item_visible(&access, Classification::OFFICIAL, &lineage), whole[i]);
                parents.push(i);
            }
        }
    }
}
