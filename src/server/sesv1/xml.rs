//! v1's answers: XML in the `http://ses.amazonaws.com/doc/2010-12-01/` namespace, as botocore's
//! query parser reads it — `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>`,
//! lists as `<member>` elements, maps as `<entry><key/><value/></entry>`. The generated
//! `ToXml` impls (`shapes.rs`) write a result's members in the model's order.

use std::collections::BTreeMap;

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

pub const NAMESPACE: &str = "http://ses.amazonaws.com/doc/2010-12-01/";

/// A value that writes itself as an element's content.
pub trait ToXml {
    fn to_xml(&self, x: &mut Xml);
}

/// XML under construction.
pub struct Xml {
    w: Writer<Vec<u8>>,
}

impl Default for Xml {
    fn default() -> Self {
        Xml {
            w: Writer::new(Vec::new()),
        }
    }
}

impl Xml {
    pub fn open(&mut self, name: &str) {
        let _ = self.w.write_event(Event::Start(BytesStart::new(name)));
    }

    pub fn open_ns(&mut self, name: &str) {
        let _ = self.w.write_event(Event::Start(
            BytesStart::new(name).with_attributes([("xmlns", NAMESPACE)]),
        ));
    }

    pub fn close(&mut self, name: &str) {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }

    /// Text content. A character XML 1.0 does not allow (a control character other than tab,
    /// newline and carriage return) can't be escaped in XML either: it is written as U+FFFD,
    /// so the answer stays a document every parser reads.
    pub fn text(&mut self, text: &str) {
        let allowed = |c: char| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
                || c >= '\u{10000}'
        };
        let clean: std::borrow::Cow<str> = if text.chars().all(allowed) {
            text.into()
        } else {
            text.chars()
                .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
                .collect::<String>()
                .into()
        };
        let _ = self.w.write_event(Event::Text(BytesText::new(&clean)));
    }

    /// `<name>value</name>`.
    pub fn member(&mut self, name: &str, value: &(impl ToXml + ?Sized)) {
        self.open(name);
        value.to_xml(self);
        self.close(name);
    }

    /// `<name><member>…</member>…</name>`.
    pub fn list<T: ToXml>(&mut self, name: &str, items: &[T]) {
        self.open(name);
        for i in items {
            self.member("member", i);
        }
        self.close(name);
    }

    /// `<name><entry><key>k</key><value>…</value></entry>…</name>`.
    pub fn map<T: ToXml>(&mut self, name: &str, entries: &BTreeMap<String, T>) {
        self.open(name);
        for (k, v) in entries {
            self.open("entry");
            self.member("key", k.as_str());
            self.member("value", v);
            self.close("entry");
        }
        self.close(name);
    }

    pub fn finish(self) -> Vec<u8> {
        self.w.into_inner()
    }
}

impl ToXml for str {
    fn to_xml(&self, x: &mut Xml) {
        x.text(self);
    }
}

impl ToXml for String {
    fn to_xml(&self, x: &mut Xml) {
        x.text(self);
    }
}

impl ToXml for bool {
    fn to_xml(&self, x: &mut Xml) {
        x.text(if *self { "true" } else { "false" });
    }
}

impl ToXml for i64 {
    fn to_xml(&self, x: &mut Xml) {
        x.text(&self.to_string());
    }
}

/// A double as SES writes one (`200.0`, `0.5`).
impl ToXml for f64 {
    fn to_xml(&self, x: &mut Xml) {
        if self.fract() == 0.0 && self.abs() < 1e15 {
            x.text(&format!("{self:.1}"));
        } else {
            x.text(&self.to_string());
        }
    }
}

/// A timestamp as ISO 8601 with milliseconds (`2026-11-30T10:00:00.000Z`).
impl ToXml for jiff::Timestamp {
    fn to_xml(&self, x: &mut Xml) {
        x.text(&self.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_lists_maps_and_forbidden_characters() {
        let mut x = Xml::default();
        x.member("A", "a<b\u{1}");
        x.list("L", &["1".to_string(), "2".to_string()]);
        let mut m = BTreeMap::new();
        m.insert("k".to_string(), true);
        x.map("M", &m);
        x.member("D", &200.0f64);
        let out = String::from_utf8(x.finish()).unwrap();
        assert_eq!(
            out,
            "<A>a&lt;b\u{FFFD}</A><L><member>1</member><member>2</member></L>\
             <M><entry><key>k</key><value>true</value></entry></M><D>200.0</D>"
        );
    }
}
