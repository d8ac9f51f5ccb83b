//! `Lazy<T>`: a large section of the state file (a region's configuration sets, identities,
//! metrics) kept as its JSON text until a command first uses it.
//!
//! Why: at full quotas the state is a few megabytes, and parsing all of it would dominate every
//! command, while most commands touch one section of one region. A lazy section costs a fast
//! scan when the file is read, is parsed on first access, and is written back verbatim when it
//! was never touched.
//!
//! A section that fails to parse is reported like a corrupt file: with the file's path, the
//! line and column in the file (recorded when the file was read) and the backup to restore.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::OnceLock;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::error::{Error, Result};

/// The bytes of a file, read or mapped.
pub type Bytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// The file a document is read from: its bytes, which unparsed sections point into, and how to
/// report a corrupt section.
pub struct Source {
    pub path: PathBuf,
    /// How to put things right, e.g. which backup to restore.
    pub hint: String,
    pub text: Bytes,
    /// A document given to `state import` rather than the state file: its problems are the
    /// user's parameter, reported without the state file's wording.
    pub import: bool,
}

impl Source {
    fn bytes(&self) -> &[u8] {
        (*self.text).as_ref()
    }
}

impl Source {
    /// The 1-based line and column of byte `offset`, counted only when an error needs it.
    fn position(&self, offset: usize) -> (usize, usize) {
        let text = self.bytes();
        let before = &text[..offset.min(text.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
        (line, column)
    }
}

thread_local! {
    static SOURCE: RefCell<Option<Arc<Source>>> = const { RefCell::new(None) };
}

/// Runs `decode` over `source.text` so that lazy sections keep pointing into it.
pub fn with_source<R>(source: Source, decode: impl FnOnce(&[u8]) -> R) -> R {
    let source = Arc::new(source);
    SOURCE.with(|c| *c.borrow_mut() = Some(Arc::clone(&source)));
    let out = decode(source.bytes());
    SOURCE.with(|c| *c.borrow_mut() = None);
    out
}

/// Where a section's text is.
#[derive(Clone)]
enum Text {
    /// A range of the source file (when read by the store: no copy).
    InSource(Arc<Source>, Range<usize>),
    /// A copy (documents decoded without a source).
    Owned(Box<RawValue>),
}

impl Text {
    fn as_str(&self) -> &str {
        match self {
            // SAFETY: the range is exactly the bytes of a `&RawValue` that serde_json borrowed
            // from these same bytes, which it checked to be UTF-8; the bytes never change.
            Text::InSource(source, range) => unsafe {
                std::str::from_utf8_unchecked(&source.bytes()[range.clone()])
            },
            Text::Owned(raw) => raw.get(),
        }
    }
}

/// What a lazy section can hold: a map, parsed from its JSON text.
pub trait Section: Sized {
    fn from_json(text: &str) -> serde_json::Result<Self>;
}

impl<V: DeserializeOwned> Section for BTreeMap<String, V> {
    /// Collects the entries first and builds the tree in bulk: sesm writes maps sorted, and a
    /// bulk build of sorted entries is linear where inserting one by one is not.
    fn from_json(text: &str) -> serde_json::Result<Self> {
        let entries: Entries<String, V> = serde_json::from_str(text)?;
        Ok(entries.0.into_iter().collect())
    }
}

/// A section parsed on first use. The parsed value is shared between copies of the state
/// and copied only when one of them changes it (`get_mut`): `sesm serve` changes a copy of the
/// state on every write, and copying ten thousand configuration sets to tag a pool would cost
/// more than the write itself.
pub struct Lazy<T> {
    raw: Option<Text>,
    value: OnceLock<Arc<T>>,
}

impl<T> Lazy<T> {
    pub fn new(value: T) -> Lazy<T> {
        Lazy {
            raw: None,
            value: OnceLock::from(Arc::new(value)),
        }
    }
}

impl<T: Section> Lazy<T> {
    fn text(&self) -> &Text {
        self.raw.as_ref().expect("an unparsed section has its text")
    }

    fn parse(&self) -> Result<T> {
        let text = self.text();
        T::from_json(text.as_str()).map_err(|e| corrupt(&e, text))
    }

    /// The section, parsed on first use.
    pub fn get(&self) -> Result<&T> {
        if let Some(v) = self.value.get() {
            return Ok(v);
        }
        let parsed = self.parse()?;
        Ok(self.value.get_or_init(|| Arc::new(parsed)))
    }

    /// The section if it was already parsed (a long-running process parses every section
    /// once), without parsing it.
    pub fn parsed(&self) -> Option<&T> {
        self.value.get().map(|v| &**v)
    }

    /// The section, to change it (copied first when another copy of the state shares it).
    pub fn get_mut(&mut self) -> Result<&mut T>
    where
        T: Clone,
    {
        self.get()?;
        Ok(Arc::make_mut(self.value.get_mut().expect("parsed above")))
    }
}

impl<V: DeserializeOwned> Lazy<BTreeMap<String, V>> {
    /// The number of entries, without building them when the section is still text.
    pub fn len(&self) -> Result<usize> {
        if let Some(v) = self.value.get() {
            return Ok(v.len());
        }
        let text = self.text();
        let mut de = serde_json::Deserializer::from_str(text.as_str());
        de.deserialize_map(Scan::<IgnoredAny> { wanted: None })
            .map(|scan| scan.count)
            .map_err(|e| corrupt(&e, text))
    }

    /// The entries of `keys` that exist. An unparsed section is scanned, not built: only the
    /// wanted entries are deserialized (the simulation needs the few sets that send, not ten
    /// thousand).
    pub fn get_some(&self, keys: &BTreeSet<String>) -> Result<BTreeMap<String, V>>
    where
        V: Clone,
    {
        if let Some(map) = self.value.get() {
            return Ok(keys
                .iter()
                .filter_map(|k| Some((k.clone(), map.get(k)?.clone())))
                .collect());
        }
        let text = self.text();
        let mut de = serde_json::Deserializer::from_str(text.as_str());
        de.deserialize_map(Scan {
            wanted: Some((keys, BTreeMap::new())),
        })
        .map(|scan| scan.found)
        .map_err(|e| corrupt(&e, text))
    }

    /// Whether the section has no entries (used to leave empty sections out of the file).
    pub fn is_empty(&self) -> bool {
        match self.value.get() {
            Some(v) => v.is_empty(),
            // Unparsed text is a JSON object: `{` and `}` with nothing but spaces between.
            None => self
                .text()
                .as_str()
                .bytes()
                .all(|b| matches!(b, b'{' | b'}' | b' ' | b'\n' | b'\r' | b'\t')),
        }
    }
}

/// A corrupt section, reported against its file.
fn corrupt(e: &serde_json::Error, text: &Text) -> Error {
    let Text::InSource(source, range) = text else {
        return Error::state(format!("a section of the state is corrupt: {e}"));
    };
    let (start_line, start_column) = source.position(range.start);
    let (line, column) = if e.line() <= 1 {
        (start_line, start_column + e.column().saturating_sub(1))
    } else {
        (start_line + e.line() - 1, e.column())
    };
    let what = e.to_string();
    let what = what.split(" at line ").next().unwrap_or(&what);
    let what = what.trim_end_matches('.');
    if source.import {
        return Error::invalid(format!("{what} at line {line} column {column}"))
            .hint(source.hint.clone());
    }
    Error::state(format!(
        "the state file {} is corrupt: {what} at line {line} column {column}; it was left untouched",
        source.path.display()
    ))
    .hint(source.hint.clone())
}

impl<T: Default> Default for Lazy<T> {
    fn default() -> Self {
        Lazy::new(T::default())
    }
}

impl<T: Clone> Clone for Lazy<T> {
    fn clone(&self) -> Self {
        Lazy {
            raw: self.raw.clone(),
            value: self.value.clone(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value.get() {
            Some(v) => v.fmt(f),
            None => write!(
                f,
                "Lazy({} bytes of JSON)",
                self.raw.as_ref().map_or(0, |t| t.as_str().len())
            ),
        }
    }
}

/// Sections compare by content; one that can't be parsed equals nothing.
impl<T: Section + PartialEq> PartialEq for Lazy<T> {
    fn eq(&self, other: &Self) -> bool {
        match (self.get(), other.get()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

impl<T: Serialize> Serialize for Lazy<T> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match (self.value.get(), &self.raw) {
            (Some(v), _) => v.serialize(s),
            (None, Some(Text::Owned(raw))) => raw.serialize(s),
            (None, Some(text)) => {
                // SAFETY: (the contract "valid JSON") serde_json itself cut this text out of
                // the file as one JSON value, and the bytes never change. Written back
                // verbatim without parsing it again.
                let raw = unsafe { RawValue::from_string_unchecked(text.as_str().to_owned()) };
                raw.serialize(s)
            }
            (None, None) => unreachable!("a section is either parsed or text"),
        }
    }
}

impl<'de, T> Deserialize<'de> for Lazy<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        // Borrowing the text (possible when reading from a slice, as the store does) tells where
        // the section is in the source file, which the section then shares instead of copying.
        let raw: &'de RawValue = Deserialize::deserialize(d)?;
        let text = SOURCE.with(|c| {
            let source = c.borrow().clone()?;
            let bytes = source.bytes();
            let start = (raw.get().as_ptr() as usize).checked_sub(bytes.as_ptr() as usize)?;
            let end = start + raw.get().len();
            (end <= bytes.len()).then(|| Text::InSource(source, start..end))
        });
        Ok(Lazy {
            raw: Some(text.unwrap_or_else(|| Text::Owned(raw.to_owned()))),
            value: OnceLock::new(),
        })
    }
}

mod splice;
mod unique;

use splice::Scan;
use unique::{Entries, Seen};
pub use unique::{UniqueKey, unique, unique_nested};

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Doc {
        a: u32,
        big: Lazy<BTreeMap<String, u32>>,
    }

    fn decode(text: &[u8]) -> Doc {
        let source = Source {
            path: PathBuf::from("/x/state.json"),
            hint: "restore /x/state.json.bak".into(),
            import: false,
            text: Arc::new(text.to_vec()),
        };
        with_source(source, |t| serde_json::from_slice(t)).unwrap()
    }

    #[test]
    fn untouched_sections_round_trip_verbatim() {
        let text = br#"{"a":1,"big":{ "x" : 1,"y":2 }}"#;
        let doc = decode(text);
        assert_eq!(doc.big.len().unwrap(), 2);
        assert_eq!(
            serde_json::to_string(&doc).unwrap(),
            r#"{"a":1,"big":{ "x" : 1,"y":2 }}"#
        );
        let mut doc = doc;
        doc.big.get_mut().unwrap().insert("z".into(), 3);
        assert_eq!(
            serde_json::to_string(&doc).unwrap(),
            r#"{"a":1,"big":{"x":1,"y":2,"z":3}}"#
        );
    }

    /// The position a full, eager parse of the same text reports.
    fn eager_position(text: &[u8]) -> String {
        #[derive(Debug, Deserialize)]
        #[expect(
            dead_code,
            reason = "the fields are decoded for the error position, never read"
        )]
        struct Eager {
            a: u32,
            big: BTreeMap<String, u32>,
        }
        let e = serde_json::from_slice::<Eager>(text).unwrap_err();
        format!("at line {} column {}", e.line(), e.column())
    }

    #[test]
    fn a_corrupt_section_is_reported_where_an_eager_parse_would() {
        for text in [
            &b"{\"a\":1,\n  \"big\": {\"x\": 1,\n \"y\": \"two\"}}"[..],
            &br#"{"a":1,"big":{"x":1,"y":"two"}}"#[..],
            &b"{\"a\":1,\"big\":{\"x\":1,\n\n\"y\":-3}}"[..],
        ] {
            let doc = decode(text);
            let err = doc.big.get().unwrap_err();
            assert_eq!(err.exit_code(), 253);
            assert!(
                err.message.contains("/x/state.json is corrupt"),
                "{}",
                err.message
            );
            let expected = eager_position(text);
            assert!(
                err.message.contains(&expected),
                "{} vs {expected}",
                err.message
            );
            assert_eq!(err.hints, vec!["restore /x/state.json.bak".to_string()]);
        }
    }

    #[test]
    fn get_some_reads_only_the_wanted_entries() {
        let doc = decode(br#"{"a":1,"big":{"x":1,"y":2,"z":3}}"#);
        let keys: BTreeSet<String> = ["z".to_string(), "x".to_string(), "nope".to_string()].into();
        let some = doc.big.get_some(&keys).unwrap();
        assert_eq!(
            some,
            BTreeMap::from([("x".to_string(), 1), ("z".to_string(), 3)])
        );
        assert!(doc.big.value.get().is_none(), "the section stays unparsed");
        doc.big.get().unwrap();
        assert_eq!(doc.big.get_some(&keys).unwrap(), some);
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Ids {
        ids: Lazy<BTreeMap<String, Vec<u32>>>,
    }

    fn ids(text: &str) -> Ids {
        let source = Source {
            path: PathBuf::from("/x/state.json"),
            hint: String::new(),
            import: false,
            text: Arc::new(text.as_bytes().to_vec()),
        };
        with_source(source, |t| serde_json::from_slice(t)).unwrap()
    }

    /// Every entry operation on unparsed text gives what the same operation on the parsed map
    /// gives, and leaves valid JSON.
    #[test]
    fn entry_operations_on_text_match_the_parsed_map() {
        let texts = [
            r#"{"ids":{}}"#,
            r#"{"ids":{"b":[1]}}"#,
            r#"{"ids":{ "b" : [1] , "d":[2,3],"f":[] }}"#,
        ];
        for text in texts {
            for key in ["a", "b", "c", "d", "e", "f", "g"] {
                let check = |edit: &dyn Fn(&mut Ids)| {
                    let mut lazy = ids(text);
                    let mut eager = ids(text);
                    eager.ids.get().unwrap();
                    edit(&mut lazy);
                    edit(&mut eager);
                    let written = serde_json::to_string(&lazy).unwrap();
                    let reread: Ids = serde_json::from_str(&written).unwrap();
                    assert_eq!(
                        reread.ids.get().unwrap(),
                        eager.ids.get().unwrap(),
                        "{text} {key}: {written}"
                    );
                };
                check(&|d| {
                    if !d.ids.contains(key).unwrap() {
                        d.ids.insert(key.to_string(), vec![9]).unwrap();
                    }
                });
                check(&|d| {
                    d.ids.update(key, |v| v.push(7)).unwrap();
                });
                check(&|d| {
                    d.ids.remove(key).unwrap();
                });
                let lazy = ids(text);
                let eager = ids(text);
                eager.ids.get().unwrap();
                assert_eq!(lazy.ids.entry(key).unwrap(), eager.ids.entry(key).unwrap());
                assert_eq!(
                    lazy.ids.contains(key).unwrap(),
                    eager.ids.contains(key).unwrap()
                );
            }
        }
        let mut d = ids(r#"{"ids":{"b":[1],"d":[2]}}"#);
        assert!(d.ids.contains("d").unwrap());
        assert!(
            d.ids.value.get().is_none(),
            "reads leave the section as text"
        );
        d.ids.insert("c".into(), vec![5]).unwrap();
        assert_eq!(d.ids.remove("b").unwrap(), Some(vec![1]));
        assert_eq!(d.ids.update("d", |v| v.len()).unwrap(), Some(1));
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"{"ids":{"c":[5],"d":[2]}}"#
        );
    }

    /// Changing one entry of a section in text parses and rewrites that entry only; the rest
    /// stays as it was written, byte for byte.
    #[test]
    fn an_update_on_text_rewrites_only_its_entry() {
        let mut d = ids(r#"{"ids":{"b": [1] ,"d":[2, 3],"f":[]}}"#);
        assert_eq!(d.ids.update("d", |v| v.push(7)).unwrap(), Some(()));
        assert_eq!(d.ids.update("zz", |v| v.push(7)).unwrap(), None);
        assert!(d.ids.value.get().is_none(), "the section stays text");
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"{"ids":{"b": [1] ,"d":[2,3,7],"f":[]}}"#
        );
        assert_eq!(d.ids.entry("d").unwrap(), Some(vec![2, 3, 7]));
        d.ids.update("b", |v| v.clear()).unwrap();
        assert_eq!(d.ids.get().unwrap()["b"], Vec::<u32>::new());
    }

    /// A key written twice is refused by every way of reading the section, at the position of
    /// the second copy, like any corrupt section (a parse would keep one copy, a scan another).
    #[test]
    fn a_duplicated_key_is_refused_where_it_is_read() {
        for text in [
            "{\"ids\":{\"a\":[1],\n\"a\":[2]}}",
            "{\"ids\":{\"b\":[1],\"a\":[2],\n\"b\":[3]}}",
        ] {
            let d = ids(text);
            let errors = [
                d.ids.len().unwrap_err(),
                d.ids.entry("zz").unwrap_err(),
                d.ids.contains("a").unwrap_err(),
                d.ids.get().unwrap_err(),
                ids(text).ids.get_mut().unwrap_err(),
            ];
            for err in errors {
                assert_eq!(err.exit_code(), 253);
                assert!(err.message.contains("appears twice"), "{}", err.message);
                assert!(err.message.contains("at line 2 column"), "{}", err.message);
                assert!(err.message.contains("/x/state.json"), "{}", err.message);
            }
        }
        #[derive(Deserialize)]
        struct Plain {
            #[serde(deserialize_with = "unique")]
            m: BTreeMap<String, u32>,
        }
        let e = serde_json::from_str::<Plain>(r#"{"m":{"x":1,"x":2}}"#)
            .err()
            .unwrap();
        assert!(e.to_string().contains("appears twice"), "{e}");
        let ok: Plain = serde_json::from_str(r#"{"m":{"y":1,"x":2}}"#).unwrap();
        assert_eq!(ok.m.len(), 2);
    }

    #[test]
    fn projections_read_only_the_fields_they_name() {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        struct Full {
            a: u32,
            b: String,
        }
        #[derive(Debug, PartialEq, Deserialize)]
        struct OnlyA {
            a: u32,
        }
        #[derive(Serialize, Deserialize)]
        struct Doc {
            m: Lazy<BTreeMap<String, Full>>,
        }
        let text = br#"{"m":{"x":{"a":1,"b":"long text"},"y":{"b":"z","a":2}}}"#;
        let source = Source {
            path: PathBuf::from("/x"),
            hint: String::new(),
            import: false,
            text: Arc::new(text.to_vec()),
        };
        let doc: Doc = with_source(source, |t| serde_json::from_slice(t)).unwrap();
        let expected = vec![
            ("x".to_string(), OnlyA { a: 1 }),
            ("y".to_string(), OnlyA { a: 2 }),
        ];
        assert_eq!(doc.m.project(|f| OnlyA { a: f.a }).unwrap(), expected);
        assert!(
            doc.m.value.get().is_none(),
            "projecting doesn't parse the section"
        );
        doc.m.get().unwrap();
        assert_eq!(doc.m.project(|f| OnlyA { a: f.a }).unwrap(), expected);
    }

    #[test]
    fn sections_without_a_source_still_parse() {
        let doc: Doc = serde_json::from_str(r#"{"a":1,"big":{}}"#).unwrap();
        assert!(doc.big.is_empty());
        assert_eq!(
            doc,
            Doc {
                a: 1,
                big: Lazy::default()
            }
        );
    }
}
