//! Column widths for a table that must fit the terminal. The default columns are taken in
//! priority order at their least width while they fit, then widened in the same order with the
//! room left ([`fit`]); `--fields` columns are all kept, the widest cut first ([`level`]).

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

/// The width of each column, all kept, for `needs` in the order shown: every column is as wide
/// as its content when the line has room; otherwise the widest are cut down to one common width,
/// as wide as `total` allows (less than a column short of it), so the room goes to the wide
/// columns and a column narrower than that width is not touched. No column goes below its `min`:
/// when the least widths alone are wider than `total`, so is the line.
pub fn level(needs: &[Need], total: usize) -> Vec<usize> {
    let room = total.saturating_sub(needs.len() * GAP);
    let at = |cap: usize| -> Vec<usize> {
        needs
            .iter()
            .map(|need| need.full.min(cap).max(need.min))
            .collect()
    };
    let widest = needs.iter().map(|need| need.full).max().unwrap_or(0);
    // The highest common width whose line fits; the sum only grows with it.
    let cap = (0..=widest)
        .rev()
        .find(|&cap| at(cap).iter().sum::<usize>() <= room)
        .unwrap_or(0);
    let mut widths = at(cap);
    // What the common width leaves over (less than one column per cut column), in order.
    let mut left = room.saturating_sub(widths.iter().sum());
    for (width, need) in widths.iter_mut().zip(needs) {
        if left > 0 && *width < need.full {
            *width += 1;
            left -= 1;
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

    #[test]
    fn levelled_columns_cut_the_widest_first() {
        // An id, a date and two prompts at 80 columns: 76 of room.
        let needs = [need(8, 8), need(6, 24), need(6, 300), need(6, 120)];
        assert_eq!(level(&needs, 80), [8, 23, 23, 22]);
        // Room enough for the date: the prompts share the rest.
        assert_eq!(level(&needs, 120), [8, 24, 42, 42]);
        // Room enough for all: each as wide as its content.
        assert_eq!(level(&needs, 500), [8, 24, 300, 120]);
        // Too narrow for the least widths: those, whatever the line.
        assert_eq!(level(&needs, 20), [8, 6, 6, 6]);
        // From the least widths up, the line is exactly as wide as the terminal until all fit.
        for total in 30..500 {
            let used: usize = level(&needs, total).iter().map(|w| w + GAP).sum();
            assert_eq!(used, total.min(456), "{total}");
        }
    }
}
