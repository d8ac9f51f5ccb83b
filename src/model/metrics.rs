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

use super::Mail;

/// A value of a column: how it is written and read back, and which bytes it may contain.
pub trait Cell: Sized + Copy {
    fn write(&self, out: &mut String);
    fn read(s: &str) -> Option<Self>;
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
}

impl Cell for Date {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
    fn read(s: &str) -> Option<Self> {
        Date::from_str(s).ok()
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
}

/// One column of daily values (`Runs` of equal values written once): its values as comma-separated text, and how many there are. A field is a value,
/// or `value*count` for a run of `count` equal values.
pub struct Runs<T> {
    text: String,
    len: usize,
    cell: PhantomData<fn() -> T>,
}

impl<T> Default for Runs<T> {
    fn default() -> Self {
        Runs {
            text: String::new(),
            len: 0,
            cell: PhantomData,
        }
    }
}

impl<T> Clone for Runs<T> {
    fn clone(&self) -> Self {
        Runs {
            text: self.text.clone(),
            len: self.len,
            cell: PhantomData,
        }
    }
}

impl<T> PartialEq for Runs<T> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<T> fmt::Debug for Runs<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Runs({:?})", self.text)
    }
}

impl<T: Cell> Runs<T> {
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

    /// The values. Every field was checked when the column was read or written, so none
    /// fails to parse here.
    pub fn values(&self) -> Vec<T> {
        if self.len == 0 {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(self.len);
        for field in self.text.split(',') {
            let (value, count) = split_run(field);
            if let Some(v) = T::read(value) {
                out.extend(std::iter::repeat_n(v, count));
            }
        }
        out
    }
}

/// A field's value text and how many times it repeats (`"5*3"` → `("5", 3)`).
fn split_run(field: &str) -> (&str, usize) {
    match field.rsplit_once('*') {
        Some((value, count)) => (value, count.parse().unwrap_or(1)),
        None => (field, 1),
    }
}

impl<T: Cell> FromIterator<T> for Runs<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut c = Runs::default();
        for v in iter {
            c.push(v);
        }
        c
    }
}

impl<T> Serialize for Runs<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// The most values a column may hold: ten thousand years of days. A run length beyond it can
/// only come from a hand-edited file, and believing it would allocate terabytes.
pub const MAX_COLUMN_LEN: usize = 3_652_500;

impl<'de, T: Cell> Deserialize<'de> for Runs<T> {
    /// Checks every field (a value of the column's type, a run length of 2 or more, an
    /// in-range total) and counts the values: a garbled column is refused here, where the
    /// error has its place in the file, and reading the values later can't fail.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
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
                                D::Error::custom(format_args!(
                                    "bad run length '{count}' in field {} of a metrics column",
                                    i + 1
                                ))
                            })?;
                        (value, n)
                    }
                    None => (field, 1),
                };
                if value.is_empty() {
                    return Err(D::Error::custom(format_args!(
                        "empty field {} in a metrics column",
                        i + 1
                    )));
                }
                if T::read(value).is_none() {
                    return Err(D::Error::custom(format_args!(
                        "bad value '{}' in field {} of a metrics column",
                        value.escape_default(),
                        i + 1
                    )));
                }
                len = len.saturating_add(count);
                if len > MAX_COLUMN_LEN {
                    return Err(D::Error::custom(format_args!(
                        "a metrics column holds more than {MAX_COLUMN_LEN} days at field {}",
                        i + 1
                    )));
                }
            }
        }
        Ok(Runs {
            text,
            len,
            cell: PhantomData,
        })
    }
}

/// Daily metrics of one pool, columns aligned with `dates`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolMetrics {
    pub dates: Runs<Date>,
    pub dedicated_ip_count: Runs<u32>,
    pub scale_event: Runs<i32>,
    /// Per ISP; an ISP first seen after the pool's first day is padded with zeros.
    pub isps: BTreeMap<String, IspMetrics>,
}

impl<'de> Deserialize<'de> for PoolMetrics {
    /// Refuses columns with more days than the pool has dates (a hand-edited run length that
    /// no simulation wrote) and dates out of order: 253 at the pool's place in the file.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Stored {
            dates: Runs<Date>,
            dedicated_ip_count: Runs<u32>,
            scale_event: Runs<i32>,
            #[serde(default, deserialize_with = "crate::lazy::unique")]
            isps: BTreeMap<String, IspMetrics>,
        }
        let s = Stored::deserialize(d)?;
        let days = s.dates.len();
        let longest = [s.dedicated_ip_count.len(), s.scale_event.len()]
            .into_iter()
            .chain(s.isps.values().flat_map(IspMetrics::lens))
            .max()
            .unwrap_or(0);
        if longest > days {
            return Err(serde::de::Error::custom(format_args!(
                "a metrics column holds {longest} days, but the pool has metrics for {days} dates"
            )));
        }
        for (isp, m) in &s.isps {
            if let Some(v) = m
                .warmup_percentage
                .values()
                .into_iter()
                .find(|v| !(0.0..=100.0).contains(v))
            {
                return Err(serde::de::Error::custom(format_args!(
                    "the metrics of {isp} hold a warm-up of {v} % (I3: 0 to 100)"
                )));
            }
        }
        // Every reader finds a day by binary search.
        if let Some(w) = s.dates.values().windows(2).find(|w| w[0] >= w[1]) {
            return Err(serde::de::Error::custom(format_args!(
                "the metrics dates must rise, but {} follows {}",
                w[1], w[0]
            )));
        }
        Ok(PoolMetrics {
            dates: s.dates,
            dedicated_ip_count: s.dedicated_ip_count,
            scale_event: s.scale_event,
            isps: s.isps,
        })
    }
}

/// One ISP's columns in `PoolMetrics`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IspMetrics {
    pub mail: Mail<Runs<u64>>,
    /// Yesterday's deferred mail that came in (so a day's mail can be shown as a partition).
    pub queued: Runs<u64>,
    /// `None` only in metrics written before model v2, where a standard pool's `DONE` IP had
    /// no cap; since v2 every pool has a rate (a standard pool's is `K_i + W`).
    pub effective_daily_rate: Runs<Option<u64>>,
    pub warmup_percentage: Runs<f64>,
}

/// How `IspMetrics` is stored: its columns side by side (serde's `flatten` would buffer
/// every column of a year of metrics on the way in).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StoredIsp<C, O, F> {
    demand: C,
    sent_dedicated: C,
    retried: C,
    #[serde(default)]
    queued: C,
    sent_shared: C,
    deferred: C,
    expired: C,
    effective_daily_rate: O,
    warmup_percentage: F,
}

impl Serialize for IspMetrics {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let m = &self.mail;
        StoredIsp {
            demand: &m.demand,
            sent_dedicated: &m.sent_dedicated,
            retried: &m.retried,
            queued: &self.queued,
            sent_shared: &m.sent_shared,
            deferred: &m.deferred,
            expired: &m.expired,
            effective_daily_rate: &self.effective_daily_rate,
            warmup_percentage: &self.warmup_percentage,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for IspMetrics {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let c: StoredIsp<Runs<u64>, Runs<Option<u64>>, Runs<f64>> = Deserialize::deserialize(d)?;
        Ok(IspMetrics {
            mail: Mail {
                demand: c.demand,
                sent_dedicated: c.sent_dedicated,
                retried: c.retried,
                sent_shared: c.sent_shared,
                deferred: c.deferred,
                expired: c.expired,
            },
            queued: c.queued,
            effective_daily_rate: c.effective_daily_rate,
            warmup_percentage: c.warmup_percentage,
        })
    }
}

impl IspMetrics {
    fn mail_columns(&mut self) -> [&mut Runs<u64>; 7] {
        let m = &mut self.mail;
        [
            &mut m.demand,
            &mut m.sent_dedicated,
            &mut m.retried,
            &mut m.sent_shared,
            &mut m.deferred,
            &mut m.expired,
            &mut self.queued,
        ]
    }

    fn lens(&self) -> [usize; 9] {
        let m = &self.mail;
        [
            m.demand.len(),
            m.sent_dedicated.len(),
            m.retried.len(),
            m.sent_shared.len(),
            m.deferred.len(),
            m.expired.len(),
            self.queued.len(),
            self.effective_daily_rate.len(),
            self.warmup_percentage.len(),
        ]
    }

    /// Pads every column with zeros up to `len` days.
    pub fn fill_to(&mut self, len: usize) {
        for c in self.mail_columns() {
            c.fill_to(len, 0);
        }
        self.effective_daily_rate.fill_to(len, None);
        self.warmup_percentage.fill_to(len, 0.0);
    }

    /// Appends one day's mail.
    pub fn push_mail(&mut self, m: &Mail) {
        let c = &mut self.mail;
        c.demand.push(m.demand);
        c.sent_dedicated.push(m.sent_dedicated);
        c.retried.push(m.retried);
        c.sent_shared.push(m.sent_shared);
        c.deferred.push(m.deferred);
        c.expired.push(m.expired);
    }
}

/// A pool's metrics parsed into vectors, for the commands that read them; every vector has
/// one value per date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolSeries {
    pub dates: Vec<Date>,
    pub dedicated_ip_count: Vec<u32>,
    pub scale_event: Vec<i32>,
    pub isps: BTreeMap<String, IspSeries>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IspSeries {
    pub mail: Mail<Vec<u64>>,
    pub queued: Vec<u64>,
    pub effective_daily_rate: Vec<Option<u64>>,
    pub warmup_percentage: Vec<f64>,
}

impl IspSeries {
    /// Day `i`'s mail.
    pub fn day(&self, i: usize) -> Mail {
        let m = &self.mail;
        Mail {
            demand: m.demand[i],
            sent_dedicated: m.sent_dedicated[i],
            retried: m.retried[i],
            sent_shared: m.sent_shared[i],
            deferred: m.deferred[i],
            expired: m.expired[i],
        }
    }

    /// Deferred mail kept for a retry the day after day `i` (the rest of it expired): by
    /// conservation, `queued + demand - dedicated - shared - expired`.
    pub fn kept_for_tomorrow(&self, i: usize) -> u64 {
        let d = self.day(i);
        self.queued[i]
            .saturating_add(d.demand)
            .saturating_sub(d.sent().saturating_add(d.expired))
    }
}

impl PoolMetrics {
    /// Parses every column, padded with zeros to the number of dates, so every series lines
    /// up with them (deserialization refused longer ones).
    pub fn series(&self) -> PoolSeries {
        let n = self.dates.len();
        fn fitted<T: Cell>(c: &Runs<T>, n: usize, zero: T) -> Vec<T> {
            let mut v = c.values();
            v.resize(n, zero);
            v
        }
        let isps = self
            .isps
            .iter()
            .map(|(isp, m)| {
                let c = &m.mail;
                let series = IspSeries {
                    mail: Mail {
                        demand: fitted(&c.demand, n, 0),
                        sent_dedicated: fitted(&c.sent_dedicated, n, 0),
                        retried: fitted(&c.retried, n, 0),
                        sent_shared: fitted(&c.sent_shared, n, 0),
                        deferred: fitted(&c.deferred, n, 0),
                        expired: fitted(&c.expired, n, 0),
                    },
                    queued: fitted(&m.queued, n, 0),
                    effective_daily_rate: fitted(&m.effective_daily_rate, n, None),
                    warmup_percentage: fitted(&m.warmup_percentage, n, 0.0),
                };
                (isp.clone(), series)
            })
            .collect();
        PoolSeries {
            dates: self.dates.values(),
            dedicated_ip_count: fitted(&self.dedicated_ip_count, n, 0),
            scale_event: fitted(&self.scale_event, n, 0),
            isps,
        }
    }
}

/// The metrics sesm stores, named as the SES console and CloudWatch name them where they
/// exist (`warmup-model.md`, "Metrics").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MetricName {
    /// The pool's demand that day.
    Send,
    /// 100 × dedicated / (dedicated + shared); 0 with no mail.
    ApproximateDedicatedSendingPercentage,
    /// Delivered through dedicated IPs.
    SentLast24Hours,
    /// The effective daily rate (per ISP only).
    Available24HourSend,
    SentShared,
    Deferred,
    Expired,
    /// Per ISP only.
    WarmupPercentage,
    /// Per pool only.
    DedicatedIpCount,
}

impl MetricName {
    /// Every metric, in the order results are listed.
    pub const ALL: [MetricName; 9] = [
        MetricName::Send,
        MetricName::ApproximateDedicatedSendingPercentage,
        MetricName::SentLast24Hours,
        MetricName::Available24HourSend,
        MetricName::SentShared,
        MetricName::Deferred,
        MetricName::Expired,
        MetricName::WarmupPercentage,
        MetricName::DedicatedIpCount,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MetricName::Send => "Send",
            MetricName::ApproximateDedicatedSendingPercentage => {
                "ApproximateDedicatedSendingPercentage"
            }
            MetricName::SentLast24Hours => "SentLast24Hours",
            MetricName::Available24HourSend => "Available24HourSend",
            MetricName::SentShared => "SentShared",
            MetricName::Deferred => "Deferred",
            MetricName::Expired => "Expired",
            MetricName::WarmupPercentage => "WarmupPercentage",
            MetricName::DedicatedIpCount => "DedicatedIpCount",
        }
    }

    /// Whether the value is a percentage (shown with a decimal) rather than a count.
    pub fn is_percentage(self) -> bool {
        matches!(
            self,
            MetricName::ApproximateDedicatedSendingPercentage | MetricName::WarmupPercentage
        )
    }

    /// Whether the metric has a series per pool (summed over ISPs).
    fn per_pool(self) -> bool {
        !matches!(
            self,
            MetricName::Available24HourSend | MetricName::WarmupPercentage
        )
    }

    /// Whether the metric has a series per ISP.
    fn per_isp(self) -> bool {
        self != MetricName::DedicatedIpCount
    }

    /// One ISP's value on day `i`; `None` where there is none (the unlimited rate of a
    /// standard pool with a DONE IP).
    fn isp_value(self, c: &IspSeries, i: usize) -> Option<f64> {
        let d = c.day(i);
        Some(match self {
            MetricName::WarmupPercentage => c.warmup_percentage[i],
            MetricName::Available24HourSend => c.effective_daily_rate[i]? as f64,
            MetricName::DedicatedIpCount => return None,
            _ => self.mail_value(&d)?,
        })
    }

    /// The pool's value on day `i`; `None` for metrics that exist per ISP only.
    fn pool_value(self, m: &PoolSeries, i: usize) -> Option<f64> {
        if self == MetricName::DedicatedIpCount {
            return Some(f64::from(m.dedicated_ip_count[i]));
        }
        let total = Mail::total(m.isps.values().map(|c| c.day(i)).collect::<Vec<_>>().iter());
        self.mail_value(&total)
    }

    fn mail_value(self, d: &Mail) -> Option<f64> {
        Some(match self {
            MetricName::Send => d.demand as f64,
            MetricName::ApproximateDedicatedSendingPercentage => {
                percent(d.sent_dedicated, d.sent())
            }
            MetricName::SentLast24Hours => d.sent_dedicated as f64,
            MetricName::SentShared => d.sent_shared as f64,
            MetricName::Deferred => d.deferred as f64,
            MetricName::Expired => d.expired as f64,
            _ => return None,
        })
    }
}

impl std::fmt::Display for MetricName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MetricName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        MetricName::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("unknown metric '{s}'"))
    }
}

/// `100 × part / whole`, 0 when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// One series of a metric query, in CloudWatch's `GetMetricData` shape.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricDataResult {
    pub id: String,
    pub label: String,
    pub metric_name: MetricName,
    pub dimensions: Dimensions,
    pub timestamps: Vec<Date>,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dimensions {
    #[serde(rename = "DedicatedIpPool")]
    pub pool: String,
    #[serde(rename = "ISP", skip_serializing_if = "Option::is_none")]
    pub isp: Option<String>,
}

/// The filters of one query; empty `metrics` means all of them.
#[derive(Debug, Clone, Default)]
pub struct MetricQuery {
    pub pool: Option<String>,
    pub isp: Option<String>,
    pub metrics: Vec<MetricName>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// The series of `query` over one region's stored metrics, pools by name, metrics in
/// `MetricName::ALL` order, ISPs in the order of `isp_order` (the ISP table). Pool-level
/// series have no ISP dimension, so an ISP filter leaves them out.
pub fn query(
    stored: &BTreeMap<String, PoolMetrics>,
    isp_order: &[String],
    q: &MetricQuery,
) -> Vec<MetricDataResult> {
    let wanted: Vec<MetricName> = MetricName::ALL
        .into_iter()
        .filter(|m| q.metrics.is_empty() || q.metrics.contains(m))
        .collect();
    let mut out = Vec::new();
    for (pool, metrics) in stored
        .iter()
        .filter(|(p, _)| q.pool.as_deref().is_none_or(|w| w == p.as_str()))
    {
        let m = metrics.series();
        let days: Vec<usize> = (0..m.dates.len())
            .filter(|&i| {
                q.from.is_none_or(|f| m.dates[i] >= f) && q.to.is_none_or(|t| m.dates[i] <= t)
            })
            .collect();
        for &metric in &wanted {
            let mut push = |isp: Option<&str>, value: &dyn Fn(usize) -> Option<f64>| {
                let (timestamps, values): (Vec<Date>, Vec<f64>) = days
                    .iter()
                    .filter_map(|&i| value(i).map(|v| (m.dates[i], v)))
                    .unzip();
                out.push(MetricDataResult {
                    id: format!("m{}", out.len() + 1),
                    label: match isp {
                        Some(isp) => format!("{pool} {isp} {metric}"),
                        None => format!("{pool} {metric}"),
                    },
                    metric_name: metric,
                    dimensions: Dimensions {
                        pool: pool.clone(),
                        isp: isp.map(str::to_string),
                    },
                    timestamps,
                    values,
                });
            };
            if q.isp.is_none() && metric.per_pool() {
                push(None, &|i| metric.pool_value(&m, i));
            }
            if !metric.per_isp() {
                continue;
            }
            for isp in isp_order
                .iter()
                .filter(|i| q.isp.as_deref().is_none_or(|w| w == i.as_str()))
            {
                if let Some(c) = m.isps.get(isp) {
                    push(Some(isp), &|i| metric.isp_value(c, i));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
