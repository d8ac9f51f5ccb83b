//! Run-length text columns: a value type (`Cell`) written and read as text, and `Runs`, a
//! column stored as "100,250*3,0".

use std::fmt::{self, Write};
use std::marker::PhantomData;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
