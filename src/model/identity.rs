//! Sending identity rules E1–E5.

use std::collections::HashSet;

use super::names::normalize_identity;
use super::{Identity, Region, quota, tags};
use crate::error::{Error, Result};

pub fn not_found(name: &str) -> Error {
    Error::not_found(format!("Email identity {name} does not exist."))
        .hint("list the identities of this region with: sesm identity list")
}

fn already_exists(name: &str) -> Error {
    Error::already_exists(format!("Email identity {name} already exists."))
}

fn quota_error(would_have: usize) -> Error {
    Error::limit_exceeded(format!(
        "You can have at most {} sending identities in a region; this request would make {would_have}.",
        quota::IDENTITIES
    ))
}

impl Region {
    /// E1, E5: an existing identity (a copy) and its stored name.
    pub fn existing_identity(&self, raw: &str) -> Result<(String, Identity)> {
        let name = normalize_identity(raw)?;
        match self.identities.entry(&name)? {
            Some(identity) => Ok((name, identity)),
            None => Err(not_found(&name)),
        }
    }

    fn check_default_config_set(&self, cs: &str) -> Result<()> {
        if self.configuration_sets.contains(cs)? {
            Ok(())
        } else {
            Err(super::config_set::not_found(cs))
        }
    }

    /// E1–E4: creates an identity; returns its stored name.
    pub fn create_identity(
        &mut self,
        raw: &str,
        config_set: Option<&str>,
        new_tags: &[(String, String)],
    ) -> Result<String> {
        let name = normalize_identity(raw)?;
        tags::check(new_tags)?;
        let tags = tags::merged(&Default::default(), new_tags)?;
        if let Some(cs) = config_set {
            self.check_default_config_set(cs)?;
        }
        if self.identities.contains(&name)? {
            return Err(already_exists(&name));
        }
        let count = self.identities.len()?;
        if count >= quota::IDENTITIES {
            return Err(quota_error(count + 1));
        }
        self.identities.insert(
            name.clone(),
            Identity {
                configuration_set: config_set.map(str::to_string),
                tags,
            },
        )?;
        Ok(name)
    }

    /// E1–E3 for a whole file, one identity per line: every line is checked before anything is
    /// added, so the file is imported whole or not at all. Blank lines are skipped.
    pub fn import_identities<'a>(&mut self, lines: impl Iterator<Item = &'a str>) -> Result<usize> {
        let identities = self.identities.get_mut()?;
        let mut new = Vec::new();
        let mut seen = HashSet::new();
        for (i, line) in lines.enumerate() {
            let raw = line.trim();
            if raw.is_empty() {
                continue;
            }
            let at_line = |e: Error| e.context(format!("line {}", i + 1));
            let name = normalize_identity(raw).map_err(at_line)?;
            if identities.contains_key(&name) || !seen.insert(name.clone()) {
                return Err(at_line(already_exists(&name)));
            }
            new.push(name);
        }
        let total = identities.len() + new.len();
        if total > quota::IDENTITIES {
            return Err(quota_error(total));
        }
        let count = new.len();
        for name in new {
            identities.insert(name, Identity::default());
        }
        Ok(count)
    }

    /// E4: sets or clears an identity's default configuration set; returns the stored name.
    pub fn set_identity_config_set(
        &mut self,
        raw: &str,
        config_set: Option<&str>,
    ) -> Result<String> {
        let name = normalize_identity(raw)?;
        if !self.identities.contains(&name)? {
            return Err(not_found(&name));
        }
        if let Some(cs) = config_set {
            self.check_default_config_set(cs)?;
        }
        self.identities.update(&name, |id| {
            id.configuration_set = config_set.map(str::to_string)
        })?;
        Ok(name)
    }

    /// E5: deletes an identity.
    pub fn delete_identity(&mut self, raw: &str) -> Result<(String, Identity)> {
        let name = normalize_identity(raw)?;
        match self.identities.remove(&name)? {
            Some(identity) => Ok((name, identity)),
            None => Err(not_found(&name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_is_all_or_nothing_and_names_the_line() {
        let mut r = Region::default();
        r.create_identity("a.com", None, &[]).unwrap();
        let err = r
            .import_identities(["b.com", "", "c.com", "A.com"].into_iter())
            .unwrap_err();
        assert_eq!(err.code(), "AlreadyExistsException");
        assert!(err.message.starts_with("line 4: "), "{}", err.message);
        assert_eq!(r.identities.len().unwrap(), 1);
        let err = r
            .import_identities(["b.com", "b.com"].into_iter())
            .unwrap_err();
        assert!(err.message.starts_with("line 2: "), "{}", err.message);
        assert_eq!(
            r.import_identities(["b.com", "x@c.com"].into_iter())
                .unwrap(),
            2
        );
        assert_eq!(r.identities.len().unwrap(), 3);
    }
}
