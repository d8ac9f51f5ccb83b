//! Daily metrics of a pool, stored as columns of comma-separated text.
//!
//! Metrics only grow: `simulate` appends days. So a column stays the text it is stored as
//! ("100,250*3,0": a run of equal values is written once with its length), a new day appends
//! to it, and only the commands that read metrics (`metrics`, `dashboard`) parse the columns
//! they show. A state with a year of metrics then costs `simulate` per new day, not per day
//! of history; a reader that skips the metrics skips one string per column; and the runs
//! (standing traffic, days without deferrals, settled warm-ups) keep the file small, which
//! matters because every write fsyncs the whole file.

use std::collections::BTreeMap;
use std::fmt::{self, Write};
use std::marker::PhantomData;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value of a column: how it is written and read back, and which bytes it may contain.
pub trait Cell: Sized + Copy {
    fn write(&self, out: &mut String);
    fn read(s: &str) -> Option<Self>;
    /// Bytes a field may contain, checked when a state is read.
    fn allowed(b: u8) -> bool;
}

/// Integers are written with itoa and read with a byte loop: they are most of a state's
/// numbers, and `fmt`/`str::parse` were slow enough to show.
macro_rules! integer_cells {
    ($($t:ty),*) => {$(
        impl Cell for $t {
            fn write(&self, out: &mut String) {
                out.push_str(itoa::Buffer::new().format(*self));
            }
            fn read(s: &str) -> Option<Self> {
                let (negative, digits) = match s.as_bytes() {
                    [b'-', rest @ ..] => (true, rest),
                    all => (false, all),
                };
                if digits.is_empty() || digits.len() > 20 {
                    return None;
                }
                let mut v: i128 = 0;
                for &b in digits {
                    if !b.is_ascii_digit() {
                        return None;
                    }
                    v = v * 10 + i128::from(b - b'0');
                }
                <$t>::try_from(if negative { -v } else { v }).ok()
            }
            fn allowed(b: u8) -> bool {
                b.is_ascii_digit() || b == b'-'
            }
        }
    )*};
}
integer_cells!(u32, i32, u64);

/// Rust's `Display` for `f64` is the shortest text that reads back as the same value.
impl Cell for f64 {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
    fn read(s: &str) -> Option<Self> {
        f64::from_str(s).ok().filter(|v| v.is_finite())
    }
    fn allowed(b: u8) -> bool {
        b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')
    }
}

impl Cell for Date {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
    fn read(s: &str) -> Option<Self> {
        Date::from_str(s).ok()
    }
    fn allowed(b: u8) -> bool {
        b.is_ascii_digit() || b == b'-'
    }
}

/// `None` is written `-` (an empty field would make `[None]` and `[]` look the same).
impl<T: Cell> Cell for Option<T> {
    fn write(&self, out: &mut String) {
        match self {
            Some(v) => v.write(out),
            None => out.push('-'),
        }
    }
    fn read(s: &str) -> Option<Self> {
        if s == "-" {
            Some(None)
        } else {
            T::read(s).map(Some)
        }
    }
    fn allowed(b: u8) -> bool {
        T::allowed(b) || b == b'-'
    }
}

/// One column: its values as comma-separated text, and how many there are. A field is a value,
/// or `value*count` for a run of `count` equal values.
pub struct Column<T> {
    text: String,
    len: usize,
    cell: PhantomData<fn() -> T>,
}

impl<T> Default for Column<T> {
    fn default() -> Self {
        Column {
            text: String::new(),
            len: 0,
            cell: PhantomData,
        }
    }
}

impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        Column {
            text: self.text.clone(),
            len: self.len,
            cell: PhantomData,
        }
    }
}

impl<T> PartialEq for Column<T> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<T> fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Column({:?})", self.text)
    }
}

impl<T: Cell> Column<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, value: T) {
        let end = self.text.len();
        if self.len > 0 {
            self.text.push(',');
        }
        let start = self.text.len();
        value.write(&mut self.text);
        self.len += 1;
        if self.len == 1 {
            return;
        }
        // The same value as the previous field? Then grow that run instead. Values compare by
        // their written text, which is canonical (and exact for floats).
        let previous = self.text[..end].rfind(',').map_or(0, |i| i + 1);
        let (last, count) = split_run(&self.text[previous..end]);
        if last.as_bytes() == &self.text.as_bytes()[start..] {
            self.text.truncate(previous + last.len());
            self.text.push('*');
            self.text.push_str(itoa::Buffer::new().format(count + 1));
        }
    }

    /// Appends `value` until the column has `len` values.
    pub fn fill_to(&mut self, len: usize, value: T) {
        while self.len < len {
            self.push(value);
        }
    }

    /// The values, parsed; fails on a field that is not a value of the column's type.
    pub fn values(&self) -> Result<Vec<T>, String> {
        if self.len == 0 {
            return Ok(Vec::new());
        }
        let mut out = Vec::with_capacity(self.len);
        for (i, field) in self.text.split(',').enumerate() {
            let (value, count) = split_run(field);
            let v = T::read(value).ok_or_else(|| {
                format!("bad value '{field}' in field {} of a metrics column", i + 1)
            })?;
            out.extend(std::iter::repeat_n(v, count));
        }
        Ok(out)
    }
}

/// A field's value text and how many times it repeats (`"5*3"` → `("5", 3)`).
fn split_run(field: &str) -> (&str, usize) {
    match field.rsplit_once('*') {
        Some((value, count)) => (value, count.parse().unwrap_or(1)),
        None => (field, 1),
    }
}

impl<T: Cell> FromIterator<T> for Column<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut c = Column::default();
        for v in iter {
            c.push(v);
        }
        c
    }
}

impl<T> Serialize for Column<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de, T: Cell> Deserialize<'de> for Column<T> {
    /// Checks the shape (allowed bytes, no empty field, counts of runs) and counts the values,
    /// without parsing them: a garbled column is refused here, where the error has its place
    /// in the file.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let mut len = 0usize;
        if !text.is_empty() {
            for (i, field) in text.split(',').enumerate() {
                let (value, count) = match field.split_once('*') {
                    Some((value, count)) => {
                        let n = count
                            .parse::<usize>()
                            .ok()
                            .filter(|n| *n >= 2 && count.bytes().all(|b| b.is_ascii_digit()))
                            .ok_or_else(|| {
                                serde::de::Error::custom(format_args!(
                                    "bad run length '{count}' in field {} of a metrics column",
                                    i + 1
                                ))
                            })?;
                        (value, n)
                    }
                    None => (field, 1),
                };
                if value.is_empty() {
                    return Err(serde::de::Error::custom(format_args!(
                        "empty field {} in a metrics column",
                        i + 1
                    )));
                }
                if let Some(b) = value.bytes().find(|&b| !T::allowed(b)) {
                    return Err(serde::de::Error::custom(format_args!(
                        "unexpected '{}' in field {} of a metrics column",
                        (b as char).escape_default(),
                        i + 1
                    )));
                }
                len = len.saturating_add(count);
            }
        }
        Ok(Column {
            text,
            len,
            cell: PhantomData,
        })
    }
}

/// Daily metrics of one pool, columns aligned with `dates`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolMetrics {
    pub dates: Column<Date>,
    pub dedicated_ip_count: Column<u32>,
    pub scale_event: Column<i32>,
    /// Per ISP; an ISP first seen after the pool's first day is padded with zeros.
    #[serde(default)]
    pub isps: BTreeMap<String, IspMetrics>,
}

/// One ISP's columns in `PoolMetrics`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspMetrics {
    pub demand: Column<u64>,
    pub sent_dedicated: Column<u64>,
    pub retried: Column<u64>,
    /// Yesterday's deferred mail that came in (so a day's mail can be shown as a partition).
    #[serde(default)]
    pub queued: Column<u64>,
    pub sent_shared: Column<u64>,
    pub deferred: Column<u64>,
    pub expired: Column<u64>,
    /// `None` where a standard pool had an IP with no cap (a `DONE` IP).
    pub effective_daily_rate: Column<Option<u64>>,
    pub warmup_percentage: Column<f64>,
}

impl IspMetrics {
    /// Pads every column with zeros up to `len` days.
    pub fn fill_to(&mut self, len: usize) {
        for c in [
            &mut self.demand,
            &mut self.sent_dedicated,
            &mut self.retried,
            &mut self.queued,
            &mut self.sent_shared,
            &mut self.deferred,
            &mut self.expired,
        ] {
            c.fill_to(len, 0);
        }
        self.effective_daily_rate.fill_to(len, None);
        self.warmup_percentage.fill_to(len, 0.0);
    }
}

/// A pool's metrics parsed into vectors, for the commands that read them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolSeries {
    pub dates: Vec<Date>,
    pub dedicated_ip_count: Vec<u32>,
    pub scale_event: Vec<i32>,
    pub isps: BTreeMap<String, IspSeries>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IspSeries {
    pub demand: Vec<u64>,
    pub sent_dedicated: Vec<u64>,
    pub retried: Vec<u64>,
    pub queued: Vec<u64>,
    pub sent_shared: Vec<u64>,
    pub deferred: Vec<u64>,
    pub expired: Vec<u64>,
    pub effective_daily_rate: Vec<Option<u64>>,
    pub warmup_percentage: Vec<f64>,
}

impl PoolMetrics {
    /// Parses every column; fails (with what is wrong) on a corrupt one. Columns are padded
    /// (or cut) to the number of dates, so every series lines up with them.
    pub fn series(&self) -> Result<PoolSeries, String> {
        let n = self.dates.len();
        fn fitted<T: Cell>(c: &Column<T>, n: usize, zero: T) -> Result<Vec<T>, String> {
            let mut v = c.values()?;
            v.resize(n, zero);
            Ok(v)
        }
        let mut isps = BTreeMap::new();
        for (isp, m) in &self.isps {
            isps.insert(
                isp.clone(),
                IspSeries {
                    demand: fitted(&m.demand, n, 0)?,
                    sent_dedicated: fitted(&m.sent_dedicated, n, 0)?,
                    retried: fitted(&m.retried, n, 0)?,
                    queued: fitted(&m.queued, n, 0)?,
                    sent_shared: fitted(&m.sent_shared, n, 0)?,
                    deferred: fitted(&m.deferred, n, 0)?,
                    expired: fitted(&m.expired, n, 0)?,
                    effective_daily_rate: fitted(&m.effective_daily_rate, n, None)?,
                    warmup_percentage: fitted(&m.warmup_percentage, n, 0.0)?,
                },
            );
        }
        Ok(PoolSeries {
            dates: self.dates.values()?,
            dedicated_ip_count: fitted(&self.dedicated_ip_count, n, 0)?,
            scale_event: fitted(&self.scale_event, n, 0)?,
            isps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip_exactly() {
        let m = IspMetrics {
            demand: [0, 1, u64::MAX].into_iter().collect(),
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
            back.warmup_percentage.values().unwrap(),
            vec![0.1, 100.0 / 3.0, 1e-300, 99.99999999999999]
        );
        assert_eq!(back.demand.len(), 3);
        let one_none: Column<Option<u64>> = [None].into_iter().collect();
        let back: Column<Option<u64>> =
            serde_json::from_str(&serde_json::to_string(&one_none).unwrap()).unwrap();
        assert_eq!(back.values().unwrap(), vec![None]);
        assert_eq!(back.len(), 1);
    }

    #[test]
    fn runs_of_equal_values_are_written_once() {
        let c: Column<u64> = [5, 5, 5, 0, 7, 7].into_iter().collect();
        assert_eq!(serde_json::to_string(&c).unwrap(), r#""5*3,0,7*2""#);
        assert_eq!(c.len(), 6);
        assert_eq!(c.values().unwrap(), vec![5, 5, 5, 0, 7, 7]);
        let back: Column<u64> = serde_json::from_str(r#""5*3,0,7*2""#).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.len(), 6);
        let mut grown = back.clone();
        grown.push(7);
        grown.push(8);
        assert_eq!(serde_json::to_string(&grown).unwrap(), r#""5*3,0,7*3,8""#);
        // Floats repeat by their exact text; None repeats too.
        let w: Column<f64> = [100.0 / 3.0, 100.0 / 3.0, 33.333333333333336]
            .into_iter()
            .collect();
        assert_eq!(
            w.values().unwrap(),
            vec![100.0 / 3.0, 100.0 / 3.0, 33.333333333333336]
        );
        let o: Column<Option<u64>> = [None, None, Some(1)].into_iter().collect();
        assert_eq!(serde_json::to_string(&o).unwrap(), r#""-*2,1""#);
        assert_eq!(o.values().unwrap(), vec![None, None, Some(1)]);
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
        ] {
            assert!(serde_json::from_str::<Column<u64>>(bad).is_err(), "{bad}");
        }
        // Bytes of the right kind that still don't make a value fail when the values are read.
        let c: Column<u64> = serde_json::from_str(r#""1,2-3""#).unwrap();
        assert!(
            c.values()
                .unwrap_err()
                .contains("bad value '2-3' in field 2")
        );
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
        late.demand = [0, 0, 5].into_iter().collect();
        m.isps.insert("apple".into(), late);
        let s = m.series().unwrap();
        assert_eq!(s.isps["apple"].demand, vec![0, 0, 5]);
        assert_eq!(s.isps["apple"].warmup_percentage, vec![0.0, 0.0, 0.0]);
    }
}
