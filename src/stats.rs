//! Small figures for staff pages: percentiles and durations in words.

/// The value below which `p` per cent of `sorted` lie, interpolating between neighbours (the
/// definition spreadsheets call PERCENTILE.INC): the median of 1, 2, 3, 4 is 2.5.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = p / 100.0 * last as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    Some(sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64))
}

/// "3 h 20 min", "2 days 4 h", "12 min".
pub fn duration_words(minutes: f64) -> String {
    let minutes = minutes.round() as i64;
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins} min"),
        (0, _) => format!("{hours} h {mins} min"),
        (1, _) => format!("1 day {hours} h"),
        _ => format!("{days} days {hours} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_neighbours() {
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[7.0], 90.0), Some(7.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50.0), Some(2.5));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((percentile(&ten, 90.0).unwrap() - 9.1).abs() < 1e-9);
        assert_eq!(percentile(&ten, 100.0), Some(10.0));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_words(12.0), "12 min");
        assert_eq!(duration_words(200.0), "3 h 20 min");
        assert_eq!(duration_words(1500.0), "1 day 1 h");
        assert_eq!(duration_words(3000.0), "2 days 2 h");
    }
}
