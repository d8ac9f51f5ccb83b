//! Single-entry reads and writes of a section still held as text: scan to the entry,
//! (de)serialize that one value, splice the text.

use super::{Entries, Lazy, Seen, Text, corrupt};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::error::{Error, Result};

/// Reading one entry works on the text of a section no command has parsed: a scan finds it
/// and only its value is deserialized; so does changing one (`update`). Adding and removing
/// entries parse the section: the map keeps them in order, and one parse keeps what is
/// changed and what is read the same map.
impl<V: Serialize + DeserializeOwned + Clone> Lazy<BTreeMap<String, V>> {
    /// A copy of the entry's value.
    pub fn entry(&self, key: &str) -> Result<Option<V>> {
        if let Some(map) = self.value.get() {
            return Ok(map.get(key).cloned());
        }
        Ok(self
            .get_some(&BTreeSet::from([key.to_string()]))?
            .into_values()
            .next())
    }

    pub fn contains(&self, key: &str) -> Result<bool> {
        if let Some(map) = self.value.get() {
            return Ok(map.contains_key(key));
        }
        Ok(self.entry(key)?.is_some())
    }

    /// Applies `change` to the entry's value; `None` when there is no such entry. On a section
    /// still in text only that entry is parsed and written back in place: changing one of ten
    /// thousand configuration sets builds one, not ten thousand.
    pub fn update<R>(&mut self, key: &str, change: impl FnOnce(&mut V) -> R) -> Result<Option<R>> {
        if self.value.get().is_some() {
            return Ok(self.get_mut()?.get_mut(key).map(change));
        }
        // The scan refuses a corrupt or duplicated entry where a parse would.
        let Some(mut value) = self.entry(key)? else {
            return Ok(None);
        };
        let result = change(&mut value);
        let text = self.text().as_str();
        let mut de = serde_json::Deserializer::from_str(text);
        let found = de
            .deserialize_map(Locate { key })
            .ok()
            .flatten()
            .ok_or_else(|| Error::internal("an entry just read was not found again"))?;
        // The value's text is a slice of `text`: its place is the distance between them.
        let start = found.as_ptr() as usize - text.as_ptr() as usize;
        let range = start..start + found.len();
        let new = serde_json::to_string(&value)
            .map_err(|e| Error::internal(format!("an entry does not serialize: {e}")))?;
        let mut spliced = String::with_capacity(text.len() + new.len());
        spliced.push_str(&text[..range.start]);
        spliced.push_str(&new);
        spliced.push_str(&text[range.end..]);
        // SAFETY: (the contract "valid JSON") valid JSON text with one value replaced by
        // serde_json's own rendering of a value.
        self.raw = Some(Text::Owned(unsafe {
            RawValue::from_string_unchecked(spliced)
        }));
        Ok(Some(result))
    }

    /// Adds (or replaces) an entry.
    pub fn insert(&mut self, key: String, value: V) -> Result<()> {
        self.get_mut()?.insert(key, value);
        Ok(())
    }

    /// Removes an entry and returns its value.
    pub fn remove(&mut self, key: &str) -> Result<Option<V>> {
        Ok(self.get_mut()?.remove(key))
    }

    /// Every entry as `(key, W)`, where `W` is a projection of the value: from the text, each
    /// value is deserialized straight into `W` (which may name only the fields it needs), so
    /// no full value is built; from a parsed section, `from_value` makes it.
    pub fn project<W: DeserializeOwned>(
        &self,
        from_value: impl Fn(&V) -> W,
    ) -> Result<Vec<(String, W)>> {
        if let Some(map) = self.value.get() {
            return Ok(map
                .iter()
                .map(|(k, v)| (k.clone(), from_value(v)))
                .collect());
        }
        let text = self.text();
        let mut entries: Entries<String, W> =
            serde_json::from_str(text.as_str()).map_err(|e| corrupt(&e, text))?;
        // In key order, as a parsed map would give them, whatever order the file holds.
        entries.0.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(entries.0)
    }
}

/// A scan over a map's entries that counts them, refuses duplicated keys, and collects the
/// values of the wanted keys (skipping over the others without building them).
pub(super) struct Scan<'k, V> {
    pub(super) wanted: Option<(&'k BTreeSet<String>, BTreeMap<String, V>)>,
}

pub(super) struct Scanned<V> {
    pub(super) count: usize,
    pub(super) found: BTreeMap<String, V>,
}

impl<'de, V: Deserialize<'de>> Visitor<'de> for Scan<'_, V> {
    type Value = Scanned<V>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Scanned<V>, A::Error> {
        let mut seen = Seen::default();
        let mut count = 0;
        let (keys, mut found) = match self.wanted {
            Some((keys, found)) => (Some(keys), found),
            None => (None, BTreeMap::new()),
        };
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            seen.check::<A::Error>(&key)?;
            count += 1;
            match keys {
                Some(keys) if keys.contains(key.as_ref()) => {
                    let value = map.next_value()?;
                    found.insert(key.into_owned(), value);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Scanned { count, found })
    }
}

/// The text of the value of `key` in a map's text (a slice of it).
pub(super) struct Locate<'k> {
    key: &'k str,
}

impl<'de> Visitor<'de> for Locate<'_> {
    type Value = Option<&'de str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let value: &'de RawValue = map.next_value()?;
            if key == self.key {
                found = Some(value.get());
            }
        }
        Ok(found)
    }
}
