//! The RAG of a parent item (an aim, objective or recommendation) derived from the actions under
//! it, for parents whose owners set no RAG of their own.
//!
//! The rule is the one performance teams apply by hand when they write a board paper: a parent is
//! as bad as its worst open action (Red before Amber before Green), and Blue only once every
//! action under it is complete. Actions not yet assessed are counted but never make a parent look
//! better or worse; a parent whose open actions are all unassessed has no derived RAG. The counts
//! travel with the result so that pages can say what it was derived from ("Amber, from 4
//! actions: 1 Amber, 3 Green").

use crate::rag::Rag;

/// How many actions under a parent stand at each RAG, and what that makes the parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RagRollup {
    pub red: usize,
    pub amber: usize,
    pub green: usize,
    pub blue: usize,
    pub not_assessed: usize,
}

impl RagRollup {
    /// Counts the shown RAG (Blue once complete) of each action under a parent.
    pub fn from_actions(rags: impl IntoIterator<Item = Option<Rag>>) -> Self {
        let mut rollup = RagRollup::default();
        for rag in rags {
            match rag {
                Some(Rag::Red) => rollup.red += 1,
                Some(Rag::Amber) => rollup.amber += 1,
                Some(Rag::Green) => rollup.green += 1,
                Some(Rag::Blue) => rollup.blue += 1,
                None => rollup.not_assessed += 1,
            }
        }
        rollup
    }

    fn add(&mut self, other: RagRollup) {
        self.red += other.red;
        self.amber += other.amber;
        self.green += other.green;
        self.blue += other.blue;
        self.not_assessed += other.not_assessed;
    }

    /// Every action counted.
    pub fn actions(&self) -> usize {
        self.red + self.amber + self.green + self.blue + self.not_assessed
    }

    /// The parent's derived RAG: the worst RAG among its open actions; Blue when every action is
    /// complete; `None` when it has no actions or its open actions are all unassessed.
    pub fn rag(&self) -> Option<Rag> {
        if self.red > 0 {
            Some(Rag::Red)
        } else if self.amber > 0 {
            Some(Rag::Amber)
        } else if self.green > 0 {
            Some(Rag::Green)
        } else if self.blue > 0 && self.not_assessed == 0 {
            Some(Rag::Blue)
        } else {
            None
        }
    }

    /// The non-zero counts, worst first, as (RAG or `None` for not assessed, count).
    pub fn counts(&self) -> Vec<(Option<Rag>, usize)> {
        [
            (Some(Rag::Red), self.red),
            (Some(Rag::Amber), self.amber),
            (Some(Rag::Green), self.green),
            (Some(Rag::Blue), self.blue),
            (None, self.not_assessed),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

/// Rolls up every item of a tree given in depth-first order (each item's descendants follow it,
/// as plans are stored). `depths[i]` is item `i`'s depth and `rags[i]` its shown RAG. Returns, for
/// each item with children, the roll-up of the leaf items (actions) beneath it at any depth; for
/// leaves, `None`.
pub fn rollup_tree(depths: &[usize], rags: &[Option<Rag>]) -> Vec<Option<RagRollup>> {
    let count = depths.len().min(rags.len());
    let mut result = vec![None; count];
    // One pass with the open ancestors on a stack: an item's count is added to its parent's
    // when the item is closed, so each item is counted once, not once per ancestor (which grew
    // with the square of a deep tree).
    let is_leaf = |index: usize| index + 1 >= count || depths[index + 1] <= depths[index];
    let mut open: Vec<(usize, RagRollup)> = Vec::new();
    let close = |open: &mut Vec<(usize, RagRollup)>, result: &mut Vec<Option<RagRollup>>| {
        let Some((index, rollup)) = open.pop() else {
            return;
        };
        let counted = if is_leaf(index) {
            RagRollup::from_actions([rags[index]])
        } else {
            result[index] = Some(rollup);
            rollup
        };
        if let Some((_, parent)) = open.last_mut() {
            parent.add(counted);
        }
    };
    for index in 0..count {
        while open
            .last()
            .is_some_and(|&(top, _)| depths[top] >= depths[index])
        {
            close(&mut open, &mut result);
        }
        open.push((index, RagRollup::default()));
    }
    while !open.is_empty() {
        close(&mut open, &mut result);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Option<Rag> = Some(Rag::Red);
    const A: Option<Rag> = Some(Rag::Amber);
    const G: Option<Rag> = Some(Rag::Green);
    const B: Option<Rag> = Some(Rag::Blue);

    #[test]
    fn the_worst_open_action_sets_the_parent() {
        assert_eq!(RagRollup::from_actions([G, A, G, B]).rag(), A);
        assert_eq!(RagRollup::from_actions([G, R, A]).rag(), R);
        assert_eq!(RagRollup::from_actions([G, G]).rag(), G);
    }

    #[test]
    fn complete_actions_do_not_hide_open_ones_and_blue_needs_all_complete() {
        assert_eq!(RagRollup::from_actions([B, B]).rag(), B);
        assert_eq!(RagRollup::from_actions([B, G]).rag(), G);
        // One action still unassessed: the parent is not complete.
        assert_eq!(RagRollup::from_actions([B, None]).rag(), None);
    }

    #[test]
    fn unassessed_actions_are_counted_but_do_not_set_the_rag() {
        let rollup = RagRollup::from_actions([None, G, None]);
        assert_eq!(rollup.rag(), G);
        assert_eq!(rollup.actions(), 3);
        assert_eq!(rollup.counts(), vec![(G, 1), (None, 2)]);
        assert_eq!(RagRollup::from_actions([None, None]).rag(), None);
        assert_eq!(RagRollup::from_actions([]).rag(), None);
    }

    #[test]
    fn counts_are_worst_first_without_zeros() {
        let rollup = RagRollup::from_actions([G, B, A, G]);
        assert_eq!(rollup.counts(), vec![(A, 1), (G, 2), (B, 1)]);
    }

    #[test]
    fn a_tree_rolls_up_the_actions_at_any_depth() {
        // Aim 1 > (Objective 1.1 > actions a, b), (Objective 1.2 > action c); Aim 2 (no children).
        let depths = [0, 1, 2, 2, 1, 2, 0];
        let rags = [None, None, G, A, None, R, None];
        let rolled = rollup_tree(&depths, &rags);
        assert_eq!(rolled[0].map(|r| (r.rag(), r.actions())), Some((R, 3)));
        assert_eq!(rolled[1].map(|r| (r.rag(), r.actions())), Some((A, 2)));
        assert_eq!(rolled[4].map(|r| (r.rag(), r.actions())), Some((R, 1)));
        // Leaves and childless items have no roll-up.
        assert_eq!(rolled[2], None);
        assert_eq!(rolled[6], None);
    }

    /// The roll-up as defined: each item's descendants are the run of deeper items after it,
    /// and its count is that of the leaves among them.
    fn rollup_by_definition(depths: &[usize], rags: &[Option<Rag>]) -> Vec<Option<RagRollup>> {
        let count = depths.len().min(rags.len());
        (0..count)
            .map(|index| {
                let descendants = depths[index + 1..count]
                    .iter()
                    .take_while(|d| **d > depths[index])
                    .count();
                (descendants > 0).then(|| {
                    RagRollup::from_actions(
                        (index + 1..index + 1 + descendants)
                            .filter(|&i| i + 1 >= count || depths[i + 1] <= depths[i])
                            .map(|i| rags[i]),
                    )
                })
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn the_one_pass_rollup_is_the_rollup_by_definition(
            items in proptest::collection::vec((0usize..5, 0usize..5), 0..60)
        ) {
            let depths: Vec<usize> = items.iter().map(|(depth, _)| *depth).collect();
            let rags: Vec<Option<Rag>> =
                items.iter().map(|(_, rag)| [None, R, A, G, B][*rag]).collect();
            proptest::prop_assert_eq!(
                rollup_tree(&depths, &rags),
                rollup_by_definition(&depths, &rags)
            );
        }
    }

    #[test]
    fn a_chain_of_a_thousand_levels_rolls_up_its_one_action() {
        let depths: Vec<usize> = (0..1_000).collect();
        let mut rags = vec![None; 1_000];
        rags[999] = R;
        let rolled = rollup_tree(&depths, &rags);
        assert!(
            rolled[..999]
                .iter()
                .all(|r| r.map(|r| (r.rag(), r.actions())) == Some((R, 1)))
        );
        assert_eq!(rolled[999], None);
    }

    #[test]
    fn a_parent_rag_set_on_a_middle_level_is_not_counted_as_an_action() {
        // Only leaves count: the objective's own Green is not an action of the aim.
        let depths = [0, 1, 2];
        let rags = [None, G, R];
        let rolled = rollup_tree(&depths, &rags);
        assert_eq!(rolled[0].map(|r| (r.rag(), r.actions())), Some((R, 1)));
    }
}
