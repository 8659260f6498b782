//! What needs attention across every plan a person may see: actions overdue, due in the next
//! 30 days, without an update within their plan's cycle, or Red, and indicators off target.
//! Each plan's lists come from [`App::list_items`] with the plan page's own filters and its
//! "show only" choice for each kind, so every count here is the count the plan's page shows
//! for the same filter.

use waymark_core::{Classification, Flag, ItemId, Plan, Rag};
use waymark_store::ItemState;

use crate::App;
use crate::actor::Actor;
use crate::error::Result;
use crate::indicators::default_period;
use crate::item_list::{ItemFilter, Show};

/// The kinds of attention, in the order the page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attention {
    Overdue,
    DueSoon,
    Stale,
    Red,
}

impl Attention {
    pub const ALL: [Attention; 4] = [
        Attention::Overdue,
        Attention::DueSoon,
        Attention::Stale,
        Attention::Red,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Attention::Overdue => "Overdue",
            Attention::DueSoon => "Due in the next 30 days",
            Attention::Stale => "No recent update",
            Attention::Red => "Red",
        }
    }

    /// The plan page's filter that lists the same items: `?flag=overdue`, `?rag=red`.
    pub fn plan_query(self) -> &'static str {
        match self {
            Attention::Overdue => "flag=overdue",
            Attention::DueSoon => "flag=due_soon",
            Attention::Stale => "flag=stale",
            Attention::Red => "rag=red",
        }
    }

    /// The filter with this kind's choice over the person's own.
    fn narrow(self, filter: &ItemFilter) -> ItemFilter {
        let mut filter = filter.clone();
        match self {
            Attention::Overdue => filter.show = Some(Show::Flag(Flag::Overdue)),
            Attention::DueSoon => filter.show = Some(Show::DueSoon),
            Attention::Stale => filter.show = Some(Show::Flag(Flag::Stale)),
            Attention::Red => filter.rag = Some(Some(Rag::Red)),
        }
        filter
    }
}

/// One item that needs attention, with every kind it falls under.
#[derive(Debug, Clone)]
pub struct AttentionItem {
    pub item: ItemState,
    pub kinds: Vec<Attention>,
}

/// One plan's share of what needs attention.
#[derive(Debug, Clone)]
pub struct PlanAttention {
    pub plan: Plan,
    /// How many items each kind holds, in [`Attention::ALL`]'s order.
    pub counts: Vec<(Attention, usize)>,
    /// Indicators judged Red or Amber for their latest period ended.
    pub indicators_off_target: Vec<OffTarget>,
    /// The items, in plan order, each once.
    pub items: Vec<AttentionItem>,
}

/// An indicator short of its target.
#[derive(Debug, Clone)]
pub struct OffTarget {
    pub indicator: waymark_core::indicator::IndicatorId,
    pub title: String,
    pub period: String,
    pub rag: Rag,
}

/// What needs attention, plan by plan.
#[derive(Debug, Clone, Default)]
pub struct NeedsAttention {
    /// Only plans with something needing attention.
    pub plans: Vec<PlanAttention>,
    /// The most sensitive marking of the items listed.
    pub marking: Classification,
}

impl NeedsAttention {
    /// The total of each kind across the plans.
    pub fn totals(&self) -> Vec<(Attention, usize)> {
        Attention::ALL
            .iter()
            .map(|kind| {
                let total = self
                    .plans
                    .iter()
                    .flat_map(|p| &p.counts)
                    .filter(|(k, _)| k == kind)
                    .map(|(_, n)| n)
                    .sum();
                (*kind, total)
            })
            .collect()
    }

    pub fn indicators_off_target(&self) -> usize {
        self.plans
            .iter()
            .map(|p| p.indicators_off_target.len())
            .sum()
    }
}

impl App {
    /// What needs attention today in every plan the actor may see that is not archived, with
    /// `filter` (the plan page's filters) applied in each.
    pub async fn needs_attention(
        &self,
        actor: &Actor,
        filter: &ItemFilter,
    ) -> Result<NeedsAttention> {
        let today = self.today();
        let mut answer = NeedsAttention {
            plans: Vec::new(),
            marking: Classification::OFFICIAL,
        };
        for visible in self.visible_plans(actor).await? {
            if visible.plan.archived {
                continue;
            }
            let plan = visible.plan.id;
            let mut counts = Vec::new();
            let mut kinds_of: Vec<(usize, Vec<Attention>)> = Vec::new();
            let mut read = None;
            for kind in Attention::ALL {
                let list = self
                    .list_items(actor, plan, today, kind.narrow(filter))
                    .await?;
                counts.push((kind, list.kept.len()));
                for &position in list.kept.iter() {
                    match kinds_of.iter_mut().find(|(p, _)| *p == position) {
                        Some((_, kinds)) => kinds.push(kind),
                        None => kinds_of.push((position, vec![kind])),
                    }
                }
                read = Some(list.read);
            }
            let Some(read) = read else { continue };
            kinds_of.sort_by_key(|(position, _)| *position);
            let items: Vec<AttentionItem> = kinds_of
                .into_iter()
                .filter_map(|(position, kinds)| {
                    let item = read.view.items.get(position)?.clone();
                    Some(AttentionItem { item, kinds })
                })
                .collect();
            for entry in &items {
                answer.marking = answer.marking.max(read.marking_of(entry.item.id));
            }
            let mut indicators_off_target = Vec::new();
            if let Some(period) = default_period(today) {
                let (_, rows) = self.plan_indicators(actor, plan, period, None).await?;
                for row in rows {
                    if let Some(rag @ (Rag::Red | Rag::Amber)) = row.evaluation.rag {
                        indicators_off_target.push(OffTarget {
                            indicator: row.stored.indicator.id,
                            title: row.stored.indicator.title.clone(),
                            period: row.period.to_string(),
                            rag,
                        });
                    }
                }
            }
            if items.is_empty() && indicators_off_target.is_empty() {
                continue;
            }
            answer.plans.push(PlanAttention {
                plan: visible.plan,
                counts,
                indicators_off_target,
                items,
            });
        }
        Ok(answer)
    }
}

/// The ids of the items a plan's share lists, for tests and exports.
pub fn item_ids(plan: &PlanAttention) -> Vec<ItemId> {
    plan.items.iter().map(|entry| entry.item.id).collect()
}
