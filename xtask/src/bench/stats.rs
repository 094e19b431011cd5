//! Medians, spreads and ratios over rounds: each round measures every row of a table close in
//! time, so a ratio is taken inside a round and its spread is the spread over rounds.

/// One row's figures over every round.
#[derive(Clone, Debug, Default)]
pub struct Samples {
    /// Each round's median, in milliseconds.
    pub round_medians: Vec<f64>,
    /// Every single run, in milliseconds (whole process only).
    pub runs: Vec<f64>,
    /// Peak resident memory of the run that checked the output, in bytes (whole process only).
    pub peak_rss: Vec<u64>,
}

/// A ratio of one row over its baseline: the median of the rounds' ratios and their range.
#[derive(Clone, Copy, Debug)]
pub struct Ratio {
    pub median: f64,
    pub low: f64,
    pub high: f64,
}

impl Samples {
    /// The median of every run, or of the rounds' medians when runs were not kept.
    pub fn median_ms(&self) -> f64 {
        if self.runs.is_empty() {
            median(&self.round_medians)
        } else {
            median(&self.runs)
        }
    }

    /// The lowest and highest of the rounds' medians.
    pub fn range_ms(&self) -> (f64, f64) {
        let low = self.round_medians.iter().copied().fold(f64::INFINITY, f64::min);
        let high = self.round_medians.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (low, high)
    }

    /// The median peak resident memory, in MB.
    pub fn peak_rss_mb(&self) -> Option<f64> {
        let rss: Vec<f64> = self.peak_rss.iter().map(|&b| b as f64 / 1e6).collect();
        (!rss.is_empty()).then(|| median(&rss))
    }

    /// This row over `base`, round by round.
    pub fn ratio_to(&self, base: &Samples) -> Ratio {
        let ratios: Vec<f64> =
            self.round_medians.iter().zip(&base.round_medians).map(|(row, base)| row / base).collect();
        Ratio {
            median: median(&ratios),
            low: ratios.iter().copied().fold(f64::INFINITY, f64::min),
            high: ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 0 {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_taken_inside_rounds() {
        let base = Samples { round_medians: vec![100.0, 200.0, 100.0], ..Samples::default() };
        let row = Samples { round_medians: vec![50.0, 120.0, 40.0], ..Samples::default() };
        let ratio = row.ratio_to(&base);
        assert_eq!((ratio.median, ratio.low, ratio.high), (0.5, 0.4, 0.6));
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
    }
}
