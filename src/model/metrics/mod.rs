//! Daily metrics of a pool, stored as columns of comma-separated text.
//!
//! Metrics only grow: `simulate` appends days. So a column stays the text it is stored as
//! ("100,250*3,0": a run of equal values is written once with its length), a new day appends
//! to it, and only the commands that read metrics (`metrics`, `dashboard`) parse the columns
//! they show. A state with a year of metrics then costs `simulate` per new day, not per day
//! of history; a reader that skips the metrics skips one string per column; and the runs
//! (standing traffic, days without deferrals, settled warm-ups) keep the file small, which
//! matters because every write fsyncs the whole file.
//!
//! `columns` holds the run-length text columns, `stored` a pool's stored series (and parsed
//! into vectors), `query` the metric names and `sesm metrics`' query.

mod columns;
mod query;
mod stored;

pub use columns::*;
pub use query::*;
pub use stored::*;

#[cfg(test)]
mod tests {
    use jiff::civil::Date;

    use super::*;
    use crate::model::Mail;

    #[test]
    fn columns_round_trip_exactly() {
        let m = IspMetrics {
            mail: Mail {
                demand: [0, 1, u64::MAX].into_iter().collect(),
                ..Default::default()
            },
            effective_daily_rate: [Some(5), None, Some(0)].into_iter().collect(),
            warmup_percentage: [0.1, 100.0 / 3.0, 1e-300, 99.99999999999999]
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let text = serde_json::to_string(&m).unwrap();
        assert!(
            text.contains(r#""Demand":"0,1,18446744073709551615""#),
            "{text}"
        );
        assert!(text.contains(r#""EffectiveDailyRate":"5,-,0""#), "{text}");
        assert!(text.contains(r#""Retried":"""#), "{text}");
        let back: IspMetrics = serde_json::from_str(&text).unwrap();
        assert_eq!(back, m);
        assert_eq!(
            back.warmup_percentage.values(),
            vec![0.1, 100.0 / 3.0, 1e-300, 99.99999999999999]
        );
        assert_eq!(back.mail.demand.len(), 3);
        let one_none: Runs<Option<u64>> = [None].into_iter().collect();
        let back: Runs<Option<u64>> =
            serde_json::from_str(&serde_json::to_string(&one_none).unwrap()).unwrap();
        assert_eq!(back.values(), vec![None]);
        assert_eq!(back.len(), 1);
    }

    #[test]
    fn runs_of_equal_values_are_written_once() {
        let c: Runs<u64> = [5, 5, 5, 0, 7, 7].into_iter().collect();
        assert_eq!(serde_json::to_string(&c).unwrap(), r#""5*3,0,7*2""#);
        assert_eq!(c.len(), 6);
        assert_eq!(c.values(), vec![5, 5, 5, 0, 7, 7]);
        let back: Runs<u64> = serde_json::from_str(r#""5*3,0,7*2""#).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.len(), 6);
        let mut grown = back.clone();
        grown.push(7);
        grown.push(8);
        assert_eq!(serde_json::to_string(&grown).unwrap(), r#""5*3,0,7*3,8""#);
        // Floats repeat by their exact text; None repeats too.
        let w: Runs<f64> = [100.0 / 3.0, 100.0 / 3.0, 33.333333333333336]
            .into_iter()
            .collect();
        assert_eq!(
            w.values(),
            vec![100.0 / 3.0, 100.0 / 3.0, 33.333333333333336]
        );
        let o: Runs<Option<u64>> = [None, None, Some(1)].into_iter().collect();
        assert_eq!(serde_json::to_string(&o).unwrap(), r#""-*2,1""#);
        assert_eq!(o.values(), vec![None, None, Some(1)]);
    }

    #[test]
    fn garbled_columns_are_refused_when_read() {
        for bad in [
            r#""1,x,2""#,
            r#""1,,2""#,
            r#""1,2,""#,
            r#"",1""#,
            r#""1;2""#,
            r#""5*1""#,
            r#""5*""#,
            r#""5*x""#,
            r#""*3""#,
            r#""1,2-3""#,
            r#""-1""#,
            r#""5*1000000000000""#,
            r#""5*18446744073709551615""#,
            r#""1*3000000,2*3000000""#,
        ] {
            assert!(serde_json::from_str::<Runs<u64>>(bad).is_err(), "{bad}");
        }
        for bad in [r#""NaN""#, r#""inf""#, r#""1e999""#, r#""1,x""#] {
            assert!(serde_json::from_str::<Runs<f64>>(bad).is_err(), "{bad}");
        }
        let e = serde_json::from_str::<Runs<u64>>(r#""1,2-3""#).unwrap_err();
        assert!(e.to_string().contains("bad value '2-3' in field 2"), "{e}");
    }

    #[test]
    fn a_column_longer_than_the_dates_is_refused() {
        let ok = r#"{"Dates":"2026-01-01,2026-01-02","DedicatedIpCount":"1*2","ScaleEvent":"0*2",
            "Isps":{"gmail":{"Demand":"5*2","SentDedicated":"","Retried":"","SentShared":"",
            "Deferred":"","Expired":"","EffectiveDailyRate":"","WarmupPercentage":""}}}"#;
        assert!(serde_json::from_str::<PoolMetrics>(ok).is_ok());
        let bad = ok.replace(r#""Demand":"5*2""#, r#""Demand":"5*9""#);
        let e = serde_json::from_str::<PoolMetrics>(&bad).unwrap_err();
        assert!(e.to_string().contains("holds 9 days"), "{e}");
        for dates in ["2026-01-01*2", "2026-01-02,2026-01-01"] {
            let bad = ok.replace("2026-01-01,2026-01-02", dates);
            let e = serde_json::from_str::<PoolMetrics>(&bad).unwrap_err();
            assert!(e.to_string().contains("dates must rise"), "{e}");
        }
    }

    #[test]
    fn integers_read_with_the_byte_loop() {
        for bad in ["", "-", "1x", "+1", "18446744073709551616"] {
            assert_eq!(<u64 as Cell>::read(bad), None, "{bad}");
        }
        assert_eq!(<i32 as Cell>::read("-7"), Some(-7));
        assert_eq!(<u32 as Cell>::read("-7"), None);
        assert_eq!(<u64 as Cell>::read("18446744073709551615"), Some(u64::MAX));
    }

    #[test]
    fn series_pads_isps_that_started_late() {
        let mut m = PoolMetrics::default();
        for d in 1..=3 {
            m.dates.push(Date::constant(2026, 1, d));
            m.dedicated_ip_count.push(1);
            m.scale_event.push(0);
        }
        let mut late = IspMetrics::default();
        late.fill_to(2);
        late.mail.demand = [0, 0, 5].into_iter().collect();
        m.isps.insert("apple".into(), late);
        let s = m.series();
        assert_eq!(s.isps["apple"].mail.demand, vec![0, 0, 5]);
        assert_eq!(s.isps["apple"].warmup_percentage, vec![0.0, 0.0, 0.0]);
    }
}
