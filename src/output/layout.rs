//! Column widths for a table that must fit the terminal: columns are taken in priority order
//! at their least width while they fit, then widened in the same order with the room left.

/// What a column needs, in display columns (its text only, not the gap after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// Narrowest useful width: when even this does not fit, the column is left out.
    pub min: usize,
    /// Width that shows its content whole.
    pub full: usize,
}

/// Gap after each column (its right padding).
pub const GAP: usize = 1;

/// The width of each column (`None`: left out), for `needs` in priority order (the first is
/// kept whatever the width). A column costs its width plus [`GAP`]; the total stays within
/// `total` (unless the first column alone is wider). A column that does not fit at its least
/// width is left out and the next ones still get their turn; room left over then widens the
/// kept columns towards their full width, the most important first.
pub fn fit(needs: &[Need], total: usize) -> Vec<Option<usize>> {
    let mut left = total;
    let mut widths: Vec<Option<usize>> = Vec::with_capacity(needs.len());
    for (i, need) in needs.iter().enumerate() {
        let width = if need.min + GAP <= left || i == 0 {
            Some(need.min)
        } else {
            None
        };
        if let Some(w) = width {
            left = left.saturating_sub(w + GAP);
        }
        widths.push(width);
    }
    for (width, need) in widths.iter_mut().zip(needs) {
        if let Some(w) = width {
            let more = need.full.saturating_sub(*w).min(left);
            *w += more;
            left -= more;
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(min: usize, full: usize) -> Need {
        Need { min, full }
    }

    #[test]
    fn columns_are_taken_by_priority_and_fit() {
        let needs = [need(8, 8), need(10, 16), need(36, 36), need(9, 9)];
        // 9 + 11 + 37 + 10 = 67, then 6 more for the second
        assert_eq!(fit(&needs, 80), [Some(8), Some(16), Some(36), Some(9)]);
        // 9 + 11 + 37 = 57: the fourth does not fit in 3, which widen the second
        assert_eq!(fit(&needs, 60), [Some(8), Some(13), Some(36), None]);
        // 9 + 11 = 20, the third is left out, the fourth fits, 10 spare widen the second
        assert_eq!(fit(&needs, 40), [Some(8), Some(16), None, Some(9)]);
        for total in 20..120 {
            let used: usize = fit(&needs, total).iter().flatten().map(|w| w + GAP).sum();
            assert!(used <= total, "{total}: {used}");
        }
    }

    #[test]
    fn the_first_column_stays_whatever_the_width() {
        assert_eq!(fit(&[need(8, 8), need(4, 4)], 5), [Some(8), None]);
    }
}
