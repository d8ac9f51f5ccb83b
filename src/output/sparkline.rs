//! Sparklines: a trend in one line of block characters, fitted to a width.

/// An 8-level sparkline of `values`, scaled to their own maximum.
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().fold(0.0, f64::max);
    values
        .iter()
        .map(|v| {
            if max <= 0.0 || !v.is_finite() {
                BARS[0]
            } else {
                BARS[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize]
            }
        })
        .collect()
}

/// A sparkline at most `width` characters wide: longer series are averaged in buckets.
pub fn fit(values: &[f64], width: usize) -> String {
    buckets(values, width, |b| b.iter().sum::<f64>() / b.len() as f64)
}

/// Like `fit`, keeping each bucket's largest value (for counts that step, like IPs).
pub fn fit_max(values: &[f64], width: usize) -> String {
    buckets(values, width, |b| {
        b.iter().copied().fold(f64::MIN, f64::max)
    })
}

fn buckets(values: &[f64], width: usize, reduce: impl Fn(&[f64]) -> f64) -> String {
    if values.len() <= width || width == 0 {
        return sparkline(values);
    }
    let buckets: Vec<f64> = (0..width)
        .map(|b| {
            let lo = b * values.len() / width;
            let hi = ((b + 1) * values.len() / width).max(lo + 1);
            reduce(&values[lo..hi])
        })
        .collect();
    sparkline(&buckets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_to_the_maximum() {
        assert_eq!(sparkline(&[0.0, 50.0, 100.0]), "▁▅█");
        assert_eq!(sparkline(&[0.0, 0.0]), "▁▁");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn long_sparklines_are_bucketed() {
        let values: Vec<f64> = (0..365).map(f64::from).collect();
        let line = fit(&values, 30);
        assert_eq!(line.chars().count(), 30);
        assert!(line.starts_with('▁') && line.ends_with('█'));
        assert_eq!(fit(&[1.0, 2.0], 30).chars().count(), 2);
        let steps = [0.0, 1.0, 1.0, 1.0, 2.0, 1.0];
        assert_eq!(fit_max(&steps, 3), "▅▅█");
    }
}
