//! What the public edition may show of a table of counts, so that nothing below the
//! minimum group size can be read from it, alone or against the published results.
//!
//! The exports decide, for one question or one grouping at a time, which counts to blank
//! ([`crate::stats::suppress_linked`], `src/export/disclosure.rs`): the public report takes
//! those decisions as they are (seeds) and extends the same rule to what the report adds —
//! the 無回答 cell and the cross tables (groups × answers). A table is a grid of counts
//! whose row totals (a group's respondents, when its cells partition them) and column totals
//! (the whole wave's count of an answer, published in the simple table) may be published;
//! the attacker subtracts the shown cells of a line from its total. So:
//!
//! 1. a row blanked beforehand (its group is blanked in the grouping's tables, or its base
//!    is) shows nothing, not even its n;
//! 2. a cell with 1 to minimum − 1 is blanked (primary);
//! 3. while a line with a published total has blanked cells adding up to 1 to minimum − 1,
//!    its smallest non-zero cell still shown is blanked too (complementary; first on a tie);
//!    a row with nothing left to blank is blanked whole (its n goes too).
//!
//! Each step blanks one more cell, so this ends. A shown cell is therefore 0 or at least
//! the minimum, and what a line's total gives away about its blanked cells is 0 or at
//! least the minimum.

/// A table of counts to protect.
#[derive(Debug, Clone)]
pub struct Grid {
    /// `cells[row][column]`.
    pub cells: Vec<Vec<u64>>,
    /// Rows blanked beforehand, n included.
    pub row_blanked: Vec<bool>,
    /// Whether a row's cells add up to its published n (single choice and scale questions
    /// with their 無回答 column; not multiple choice).
    pub rows_partition: bool,
    /// Per column, whether its total over all rows (blanked ones included) is published.
    pub column_totals: Vec<bool>,
    /// Cells blanked beforehand (the exports' decisions), same shape as `cells`.
    pub seed: Vec<Vec<bool>>,
}

/// The decision: which cells and which rows are blanked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    pub blanked: Vec<Vec<bool>>,
    pub row_blanked: Vec<bool>,
}

impl Protected {
    pub fn any(&self) -> bool {
        self.row_blanked.iter().any(|&b| b) || self.blanked.iter().flatten().any(|&b| b)
    }
}

impl Grid {
    /// A grid with nothing blanked beforehand.
    pub fn new(cells: Vec<Vec<u64>>, rows_partition: bool, column_totals: Vec<bool>) -> Grid {
        let rows = cells.len();
        let cols = column_totals.len();
        Grid {
            seed: vec![vec![false; cols]; rows],
            row_blanked: vec![false; rows],
            cells,
            rows_partition,
            column_totals,
        }
    }
}

/// Applies the rules of the module docs with `min` (0 or 1: nothing is blanked).
pub fn protect(grid: &Grid, min: u64) -> Protected {
    let rows = grid.cells.len();
    let cols = grid.column_totals.len();
    let cell = |r: usize, c: usize| grid.cells[r].get(c).copied().unwrap_or(0);
    let mut row_blanked = grid.row_blanked.clone();
    let mut blanked: Vec<Vec<bool>> = (0..rows)
        .map(|r| {
            (0..cols)
                .map(|c| {
                    row_blanked[r]
                        || grid
                            .seed
                            .get(r)
                            .and_then(|s| s.get(c))
                            .copied()
                            .unwrap_or(false)
                        || (cell(r, c) > 0 && cell(r, c) < min)
                })
                .collect()
        })
        .collect();
    loop {
        let too_small = |s: u64| s > 0 && s < min;
        // A row whose blanked cells give away fewer than the minimum.
        let row = (0..rows).find(|&r| {
            grid.rows_partition
                && !row_blanked[r]
                && too_small(
                    (0..cols)
                        .filter(|&c| blanked[r][c])
                        .map(|c| cell(r, c))
                        .sum(),
                )
        });
        if let Some(r) = row {
            match (0..cols)
                .filter(|&c| !blanked[r][c] && cell(r, c) > 0)
                .min_by_key(|&c| (cell(r, c), c))
            {
                Some(c) => blanked[r][c] = true,
                None => row_blanked[r] = true,
            }
            continue;
        }
        // A column whose blanked cells give away fewer than the minimum (one with nothing
        // left to blank would have a total below the minimum, which is never published).
        let column = (0..cols).find_map(|c| {
            let hidden: u64 = (0..rows)
                .filter(|&r| blanked[r][c])
                .map(|r| cell(r, c))
                .sum();
            if !grid.column_totals[c] || !too_small(hidden) {
                return None;
            }
            (0..rows)
                .filter(|&r| !blanked[r][c] && cell(r, c) > 0)
                .min_by_key(|&r| (cell(r, c), r))
                .map(|r| (r, c))
        });
        match column {
            Some((r, c)) => blanked[r][c] = true,
            None => break,
        }
    }
    for r in 0..rows {
        if row_blanked[r] {
            blanked[r] = vec![true; cols];
        }
    }
    Protected {
        blanked,
        row_blanked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_cell_takes_the_next_smallest_of_its_row_and_column() {
        // Row totals 43 and 40 published; column totals published.
        let g = Grid::new(vec![vec![30, 3, 10], vec![15, 12, 13]], true, vec![true; 3]);
        let p = protect(&g, 10);
        // 3 blanked; row 0 then needs 10 blanked (3 + 10 = 13); column 1 (3) needs 12.
        assert_eq!(p.blanked[0], [false, true, true]);
        // Column 1: 3 + 12 = 15; row 1: 12 alone ≥ 10; column 2: 10 ≥ 10.
        assert_eq!(p.blanked[1], [false, true, false]);
        assert!(p.any());
    }

    #[test]
    fn blanked_rows_show_nothing_and_count_in_their_columns() {
        let mut g = Grid::new(vec![vec![40, 20], vec![2, 5]], true, vec![true, true]);
        g.row_blanked = vec![false, true];
        let p = protect(&g, 10);
        // Column 0's blanked part is 2: another cell of it goes, then its row follows.
        assert_eq!(p.blanked[1], [true, true]);
        assert_eq!(p.blanked[0], [true, true]);
        assert_eq!(
            p.row_blanked,
            [false, true],
            "row 0 keeps its n (60 hidden)"
        );
    }

    #[test]
    fn seeds_stay_blanked_and_minimum_zero_shows_everything() {
        let mut g = Grid::new(vec![vec![40, 20, 30]], true, vec![false; 3]);
        g.seed = vec![vec![true, false, false]];
        let p = protect(&g, 10);
        assert_eq!(p.blanked[0], [true, false, false]);
        let g = Grid::new(vec![vec![1, 2]], true, vec![true, true]);
        assert!(!protect(&g, 0).any());
    }

    /// The attacker's check, on random tables: every shown cell is 0 or at least the
    /// minimum, and every published total minus the shown cells of its line is 0 or at
    /// least the minimum.
    #[test]
    #[allow(clippy::needless_range_loop)]
    fn random_tables_never_give_away_a_small_count() {
        let mut seed: u64 = 7;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for _ in 0..5000 {
            let min = 2 + next(10);
            let rows = 1 + next(7) as usize;
            let cols = 1 + next(7) as usize;
            let cells: Vec<Vec<u64>> = (0..rows)
                .map(|_| {
                    (0..cols)
                        .map(|_| match next(4) {
                            0 => 0,
                            1 => next(min),
                            _ => next(5 * min),
                        })
                        .collect()
                })
                .collect();
            let partition = next(2) == 0;
            // Column totals are published as the simple table does: 0 or ≥ min.
            let column_totals: Vec<bool> = (0..cols)
                .map(|c| {
                    let t: u64 = cells.iter().map(|r| r[c]).sum();
                    (t == 0 || t >= min) && next(3) > 0
                })
                .collect();
            let mut g = Grid::new(cells.clone(), partition, column_totals.clone());
            for r in 0..rows {
                let n: u64 = cells[r].iter().sum();
                g.row_blanked[r] = partition && n > 0 && n < min;
                if next(8) == 0 {
                    g.seed[r][next(cols as u64) as usize] = true;
                }
            }
            let p = protect(&g, min);
            for r in 0..rows {
                for c in 0..cols {
                    if !p.blanked[r][c] {
                        assert!(cells[r][c] == 0 || cells[r][c] >= min, "{cells:?} {p:?}");
                    }
                    assert!(!g.seed[r][c] || p.blanked[r][c]);
                }
                if partition && !p.row_blanked[r] {
                    let hidden: u64 = (0..cols)
                        .filter(|&c| p.blanked[r][c])
                        .map(|c| cells[r][c])
                        .sum();
                    assert!(hidden == 0 || hidden >= min, "row {r} of {cells:?} {p:?}");
                }
            }
            for c in (0..cols).filter(|&c| column_totals[c]) {
                let hidden: u64 = (0..rows)
                    .filter(|&r| p.blanked[r][c])
                    .map(|r| cells[r][c])
                    .sum();
                assert!(
                    hidden == 0 || hidden >= min,
                    "column {c} of {cells:?} {p:?}"
                );
            }
        }
    }
}
