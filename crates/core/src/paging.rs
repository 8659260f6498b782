//! Paging arithmetic for long lists: which rows a page holds, how many pages there are, and
//! which page numbers a GOV.UK pagination component links to (first, last, the pages either
//! side of the current one, and ellipses for the gaps).

use std::ops::Range;

/// One page of a list of `total` rows, `per_page` at a time, numbered from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: usize,
    pub per_page: usize,
    pub total: usize,
}

/// A link of a pagination component: a page number, or the gap between two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageLink {
    Number(usize),
    Ellipsis,
}

impl Page {
    /// The page asked for, or the last page when the list has fewer (and page 1 of an empty
    /// list), so that a link kept after the list shrank still shows rows.
    pub fn clamped(requested: usize, per_page: usize, total: usize) -> Page {
        let per_page = per_page.max(1);
        let page = Page {
            number: 1,
            per_page,
            total,
        };
        Page {
            number: requested.clamp(1, page.pages()),
            ..page
        }
    }

    /// How many pages the list fills; an empty list still has one (empty) page.
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }

    /// The rows of this page, as positions in the list.
    pub fn rows(&self) -> Range<usize> {
        let start = (self.number.saturating_sub(1))
            .saturating_mul(self.per_page)
            .min(self.total);
        let end = start.saturating_add(self.per_page).min(self.total);
        start..end
    }

    /// The first and last row shown, counted from 1 ("Showing 101–200"); (0, 0) when none.
    pub fn shown(&self) -> (usize, usize) {
        let rows = self.rows();
        if rows.is_empty() {
            (0, 0)
        } else {
            (rows.start + 1, rows.end)
        }
    }

    pub fn previous(&self) -> Option<usize> {
        (self.number > 1).then(|| self.number - 1)
    }

    pub fn next(&self) -> Option<usize> {
        (self.number < self.pages()).then(|| self.number + 1)
    }

    /// The numbered links, as the GOV.UK Design System's pagination shows them: the first
    /// and last page, the current one and one either side, and an ellipsis for each gap of
    /// more than one page.
    pub fn links(&self) -> Vec<PageLink> {
        let pages = self.pages();
        let mut links = Vec::new();
        let mut last_shown = 0;
        for n in 1..=pages {
            let near = n + 1 >= self.number && n <= self.number + 1;
            if n == 1 || n == pages || near {
                // A gap of one page shows that page: an ellipsis would take as much room.
                if n == last_shown + 2 {
                    links.push(PageLink::Number(n - 1));
                } else if n > last_shown + 2 {
                    links.push(PageLink::Ellipsis);
                }
                links.push(PageLink::Number(n));
                last_shown = n;
            }
        }
        links
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_page_of_130_rows_a_hundred_at_a_time() {
        let first = Page::clamped(1, 100, 130);
        assert_eq!(
            (first.rows(), first.shown(), first.pages()),
            (0..100, (1, 100), 2)
        );
        let second = Page::clamped(2, 100, 130);
        assert_eq!((second.rows(), second.shown()), (100..130, (101, 130)));
        assert_eq!(Page::clamped(9, 100, 130), second);
        assert_eq!(Page::clamped(0, 100, 0).shown(), (0, 0));
    }

    #[test]
    fn links_skip_the_far_pages_with_ellipses() {
        use PageLink::{Ellipsis as E, Number as N};
        assert_eq!(
            Page::clamped(5, 10, 300).links(),
            vec![N(1), E, N(4), N(5), N(6), E, N(30)]
        );
        assert_eq!(Page::clamped(1, 10, 30).links(), vec![N(1), N(2), N(3)]);
        assert_eq!(Page::clamped(3, 10, 30).links(), vec![N(1), N(2), N(3)]);
        assert_eq!(Page::clamped(1, 10, 5).links(), vec![N(1)]);
    }

    proptest! {
        #[test]
        fn pages_cover_every_row_exactly_once(total in 0usize..5000, per_page in 1usize..300) {
            let pages = Page::clamped(1, per_page, total).pages();
            let mut next = 0;
            for n in 1..=pages {
                let rows = Page::clamped(n, per_page, total).rows();
                prop_assert_eq!(rows.start, next);
                prop_assert!(rows.len() <= per_page);
                prop_assert!(n == pages || rows.len() == per_page);
                next = rows.end;
            }
            prop_assert_eq!(next, total);
        }

        #[test]
        fn links_are_ordered_and_include_the_ends(
            total in 0usize..5000, per_page in 1usize..300, requested in 0usize..100
        ) {
            let page = Page::clamped(requested, per_page, total);
            prop_assert!(page.number >= 1 && page.number <= page.pages());
            let numbers: Vec<usize> = page.links().into_iter().filter_map(|l| match l {
                PageLink::Number(n) => Some(n),
                PageLink::Ellipsis => None,
            }).collect();
            prop_assert!(numbers.windows(2).all(|w| w[0] < w[1]));
            prop_assert_eq!(numbers.first().copied(), Some(1));
            prop_assert_eq!(numbers.last().copied(), Some(page.pages()));
            prop_assert!(numbers.contains(&page.number));
            // An ellipsis stands for at least two pages, never sits at either end or twice in a row.
            let links = page.links();
            for (i, link) in links.iter().enumerate() {
                if *link == PageLink::Ellipsis {
                    let (PageLink::Number(a), PageLink::Number(b)) = (links[i - 1], links[i + 1]) else {
                        return Err(TestCaseError::fail("ellipsis beside ellipsis"));
                    };
                    prop_assert!(b > a + 2);
                }
            }
        }
    }
}
