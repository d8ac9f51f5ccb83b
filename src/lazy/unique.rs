//! The duplicate-key check: a key that appears twice in a JSON object of the state is refused
//! at its place in the text.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A JSON object's entries in file order; a key that appears twice is refused, at its place
/// in the text (a full parse would otherwise keep one copy and a scan read another).
pub(super) struct Entries<K, V>(pub(super) Vec<(K, V)>);

impl<'de, K, V> Deserialize<'de> for Entries<K, V>
where
    K: Deserialize<'de> + AsRef<str>,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct EntriesVisitor<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K, V> Visitor<'de> for EntriesVisitor<K, V>
        where
            K: Deserialize<'de> + AsRef<str>,
            V: Deserialize<'de>,
        {
            type Value = Entries<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut entries: Vec<(K, V)> =
                    Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                let mut seen = Seen::default();
                while let Some(key) = map.next_key::<K>()? {
                    seen.check::<A::Error>(key.as_ref())?;
                    let value = map.next_value()?;
                    entries.push((key, value));
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(EntriesVisitor(std::marker::PhantomData))
    }
}

/// Refuses a key seen before in the same map. sesm writes maps sorted, so a key after the
/// previous one is new without looking further; only a file edited out of order needs the
/// set of every key (kept as hashes, which is all a rare duplicate needs).
#[derive(Default)]
pub(super) struct Seen {
    last: String,
    hashes: Vec<u64>,
    set: Option<std::collections::HashSet<u64>>,
}

impl Seen {
    pub(super) fn check<E: serde::de::Error>(&mut self, key: &str) -> std::result::Result<(), E> {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(key);
        // Once the keys were out of order, a key after the previous one may still repeat an
        // earlier one: from then on every key is looked up.
        let in_order = self.set.is_none() && (self.hashes.is_empty() || key > self.last.as_str());
        if !in_order {
            let set = self
                .set
                .get_or_insert_with(|| self.hashes.iter().copied().collect());
            if key == self.last || set.contains(&hash) {
                return Err(E::custom(format_args!(
                    "the key \"{}\" appears twice in one object",
                    key.escape_default()
                )));
            }
        }
        if let Some(set) = &mut self.set {
            set.insert(hash);
        }
        self.hashes.push(hash);
        self.last.clear();
        self.last.push_str(key);
        Ok(())
    }
}

/// Deserializes a map, refusing duplicated keys (for the state's maps that are parsed with
/// the document: pools, IPs, tags, traffic, usage).
pub fn unique<'de, D, K, V>(d: D) -> std::result::Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + UniqueKey,
    V: Deserialize<'de>,
{
    let entries: Entries<KeyOf<K>, V> = Deserialize::deserialize(d)?;
    Ok(entries.0.into_iter().map(|(k, v)| (k.0, v)).collect())
}

/// Like `unique`, for a map of maps: duplicated keys are refused at both levels.
pub fn unique_nested<'de, D, V>(
    d: D,
) -> std::result::Result<BTreeMap<String, BTreeMap<String, V>>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Inner<V>(BTreeMap<String, V>);
    impl<'de, V: Deserialize<'de>> Deserialize<'de> for Inner<V> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            unique(d).map(Inner)
        }
    }
    let outer: BTreeMap<String, Inner<V>> = unique(d)?;
    Ok(outer.into_iter().map(|(k, v)| (k, v.0)).collect())
}

/// A map key whose text can be checked for duplicates.
pub trait UniqueKey {
    fn text(&self) -> std::borrow::Cow<'_, str>;
}

impl UniqueKey for String {
    fn text(&self) -> std::borrow::Cow<'_, str> {
        self.as_str().into()
    }
}

impl UniqueKey for std::net::Ipv4Addr {
    fn text(&self) -> std::borrow::Cow<'_, str> {
        self.to_string().into()
    }
}

/// A key with its text, for `Seen`.
pub(super) struct KeyOf<K>(K, String);

impl<K> AsRef<str> for KeyOf<K> {
    fn as_ref(&self) -> &str {
        &self.1
    }
}

impl<'de, K: Deserialize<'de> + UniqueKey> Deserialize<'de> for KeyOf<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let k = K::deserialize(d)?;
        let text = k.text().into_owned();
        Ok(KeyOf(k, text))
    }
}
