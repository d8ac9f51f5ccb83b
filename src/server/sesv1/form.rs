//! A v1 request's form as botocore's query serializer writes it: scalars by their member
//! path (`Message.Subject.Data`), list entries as `Name.member.N` (numbered from 1; an empty
//! list is `Name=`), map entries as `Name.entry.N.key` / `Name.entry.N.value`. The generated
//! `FromForm` impls (`shapes.rs`) read a request's type from it.

use std::collections::BTreeMap;
use std::ops::Bound;

use super::v1_error;
use crate::error::Result;
use crate::server::http::forbidden;

/// A v1 request's form: its members by their flattened names.
pub struct Form {
    members: BTreeMap<String, String>,
}

/// A type a form holds at a prefix (`""` for the request, `Destination.` for a member).
pub trait FromForm: Sized {
    /// `None` when the form has nothing under `prefix`.
    fn from_form(f: &Form, prefix: &str) -> Result<Option<Self>>;
}

/// What botocore's model requires of a request: the first required member missing, by its
/// path (`Destination.ToAddresses`), so the refusal names it as SES does.
pub trait Members {
    fn missing(&self) -> Option<String>;
}

/// The most members one form may give. SES's largest request, SendBulkTemplatedEmail, is
/// within 8,000 at its own limits (50 destinations of 50 recipients and 50 tags each); a
/// form past this is refused while it is read, before more is built (16 MiB of short keys
/// once cost 250 MB: issue 29, item 11).
pub const MAX_MEMBERS: usize = 20_000;

impl Form {
    /// Reads a form: each member once (a second `Action` would be read differently by whoever
    /// reads the first), at most `MAX_MEMBERS`, and no value with a character SES refuses
    /// (`wire::forbidden`: what XML 1.0 can't carry, NUL among them).
    pub fn parse(body: &[u8]) -> Result<Form> {
        let mut members = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            if members.len() == MAX_MEMBERS {
                return Err(v1_error(
                    "InvalidParameterValue",
                    format!("The request gives more than {MAX_MEMBERS} parameters."),
                ));
            }
            if let Some(c) = forbidden(&k).or_else(|| forbidden(&v)) {
                return Err(v1_error(
                    "InvalidParameterValue",
                    format!(
                        "Parameter {} contains U+{:04X}, a control character SES does not accept.",
                        k.escape_default(),
                        c as u32
                    ),
                ));
            }
            if members.contains_key(k.as_ref()) {
                return Err(v1_error(
                    "InvalidParameterValue",
                    format!("Parameter {} is given more than once.", k.escape_default()),
                ));
            }
            members.insert(k.into_owned(), v.into_owned());
        }
        Ok(Form { members })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.members.get(name).map(String::as_str)
    }

    /// The request's type, with the members the model requires.
    pub fn decode<T: FromForm + Members + Default>(&self) -> Result<T> {
        let value = T::from_form(self, "")?.unwrap_or_default();
        if let Some(member) = value.missing() {
            return Err(v1_error(
                "MissingParameter",
                format!("{member} is required."),
            ));
        }
        Ok(value)
    }

    /// The names from `prefix` on, in order.
    fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a String, &'a String)> {
        self.members
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(prefix))
    }

    /// Whether anything is under `prefix` (a structure member given, in part or whole).
    pub fn has_prefix(&self, prefix: &str) -> bool {
        prefix.is_empty() || self.under(prefix).next().is_some()
    }

    pub fn string(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }

    pub fn boolean(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(v1_error(
                "InvalidParameterValue",
                format!("{key} '{other}' is not a boolean: use true or false."),
            )),
        }
    }

    pub fn int(&self, key: &str) -> Result<Option<i64>> {
        self.get(key)
            .map(|v| {
                v.parse().map_err(|_| {
                    v1_error(
                        "InvalidParameterValue",
                        format!("{key} '{v}' is not a whole number."),
                    )
                })
            })
            .transpose()
    }

    pub fn double(&self, key: &str) -> Result<Option<f64>> {
        self.get(key)
            .map(|v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .ok_or_else(|| {
                        v1_error(
                            "InvalidParameterValue",
                            format!("{key} '{v}' is not a number."),
                        )
                    })
            })
            .transpose()
    }

    pub fn timestamp(&self, key: &str) -> Result<Option<jiff::Timestamp>> {
        self.get(key)
            .map(|v| {
                v.parse().map_err(|_| {
                    v1_error(
                        "InvalidParameterValue",
                        format!("{key} '{v}' is not an ISO 8601 timestamp."),
                    )
                })
            })
            .transpose()
    }

    /// The numbers of the entries under `prefix` (`Tags.member.` → 1, 2, …), checked to run
    /// from 1 without a gap: a form that skips one would otherwise lose the entries after it.
    fn entries(&self, prefix: &str) -> Result<usize> {
        let mut numbers: Vec<usize> = Vec::new();
        for (k, _) in self.under(prefix) {
            let segment = k[prefix.len()..].split('.').next().unwrap_or_default();
            // Canonical numbers only (`01` would name the same entry as `1`).
            match segment.parse::<usize>() {
                Ok(n) if n >= 1 && n.to_string() == segment => {
                    if numbers.last() != Some(&n) {
                        numbers.push(n);
                    }
                }
                _ => {
                    return Err(v1_error(
                        "InvalidParameterValue",
                        format!(
                            "{k} is not a member of a list: members are {prefix}1, {prefix}2, …"
                        ),
                    ));
                }
            }
        }
        numbers.sort_unstable();
        numbers.dedup();
        for (i, n) in numbers.iter().enumerate() {
            if *n != i + 1 {
                return Err(v1_error(
                    "InvalidParameterValue",
                    format!(
                        "{prefix}{} is missing: list members are numbered from 1 without a gap.",
                        i + 1
                    ),
                ));
            }
        }
        Ok(numbers.len())
    }

    /// A list at `key`: `None` when the form has none, empty for `key=`.
    pub fn list<T>(
        &self,
        key: &str,
        mut entry: impl FnMut(&Form, String) -> Result<T>,
    ) -> Result<Option<Vec<T>>> {
        let prefix = format!("{key}.member.");
        let n = self.entries(&prefix)?;
        if n == 0 {
            return Ok(self.get(key).map(|_| Vec::new()));
        }
        (1..=n)
            .map(|i| entry(self, format!("{prefix}{i}")))
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    /// A map at `key`: `entry.N.key` and `entry.N.value`.
    pub fn map<T>(
        &self,
        key: &str,
        mut value: impl FnMut(&Form, String) -> Result<T>,
    ) -> Result<Option<BTreeMap<String, T>>> {
        let prefix = format!("{key}.entry.");
        let n = self.entries(&prefix)?;
        if n == 0 {
            return Ok(self.get(key).map(|_| BTreeMap::new()));
        }
        let mut out = BTreeMap::new();
        for i in 1..=n {
            let k = self.string(&format!("{prefix}{i}.key")).unwrap_or_default();
            out.insert(k, value(self, format!("{prefix}{i}.value"))?);
        }
        Ok(Some(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> Form {
        Form::parse(body.as_bytes()).unwrap()
    }

    #[test]
    fn members_are_given_once_bounded_in_count_and_free_of_control_characters() {
        let e = |body: &str| Form::parse(body.as_bytes()).err().unwrap().message;
        assert_eq!(
            e("Action=SendEmail&Action=DeleteIdentity"),
            "Parameter Action is given more than once."
        );
        assert!(
            e("Source=a%00b").contains("contains U+0000"),
            "{}",
            e("Source=a%00b")
        );
        assert!(e("Template.SubjectPart=%01").contains("U+0001"));
        let many: Vec<String> = (0..=MAX_MEMBERS).map(|i| format!("k{i}=")).collect();
        assert!(e(&many.join("&")).contains("more than 20000 parameters"));
        assert!(Form::parse(b"Message.Body.Text.Data=a%09b%0D%0Ac").is_ok());
    }

    #[test]
    fn lists_run_from_one_without_gaps() {
        let f = form("A.member.1=x&A.member.2=y&B=&C.member.1=x&C.member.3=z");
        let strings = |f: &Form, k: String| Ok(f.string(&k).unwrap_or_default());
        assert_eq!(
            f.list("A", strings).unwrap(),
            Some(vec!["x".into(), "y".into()])
        );
        assert_eq!(f.list("B", strings).unwrap(), Some(vec![]));
        assert_eq!(f.list("D", strings).unwrap(), None);
        let e = f.list("C", strings).unwrap_err();
        assert!(e.message.contains("C.member.2 is missing"), "{}", e.message);
        let f = form("A.member.x=1");
        assert!(f.list("A", strings).is_err());
        let f = form("A.member.01=1");
        assert!(f.list("A", strings).is_err());
    }

    #[test]
    fn structures_maps_and_scalars() {
        let f = form(
            "T.member.1.Name=n&T.member.1.Value=v&M.entry.1.key=k&M.entry.1.value=w&B=true&I=7&X=maybe",
        );
        assert!(f.has_prefix("T.member.1."));
        assert!(!f.has_prefix("U."));
        let names = f
            .list("T", |f, k| Ok(f.string(&format!("{k}.Name"))))
            .unwrap()
            .unwrap();
        assert_eq!(names, vec![Some("n".to_string())]);
        let m = f
            .map("M", |f, k| Ok(f.string(&k).unwrap_or_default()))
            .unwrap()
            .unwrap();
        assert_eq!(m["k"], "w");
        assert_eq!(f.boolean("B").unwrap(), Some(true));
        assert_eq!(f.int("I").unwrap(), Some(7));
        assert!(f.boolean("X").is_err());
        assert!(f.int("X").is_err());
    }
}
