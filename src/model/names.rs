//! The shape of names SES accepts: pools (P1), configuration sets (C1), identities (E1) and
//! regions. Each check says what was wrong and what a valid name looks like.

use crate::error::{Error, Result};

/// P1: 1–64 characters from `a-z 0-9 _ -`.
pub fn check_pool_name(name: &str) -> Result<()> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid pool name '{name}': a pool name has 1 to 64 characters from a-z, 0-9, _ and -."
        )))
    }
}

/// Whether `text` has 1 to `max` characters, each an ASCII letter or digit, `_` or `-`: SES's
/// rule for configuration set and template names (C1, M1) and message tags.
pub fn is_simple_name(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether `domain` is `parent` or one of its subdomains, ASCII case ignored: an identity
/// covering an address's domain, a dashboard domain covering a sender's.
pub fn in_domain(domain: &str, parent: &str) -> bool {
    let (domain, parent) = (domain.to_ascii_lowercase(), parent.to_ascii_lowercase());
    domain == parent || domain.ends_with(&format!(".{parent}"))
}

/// C1: 1–64 characters from `A-Z a-z 0-9 _ -`.
pub fn check_config_set_name(name: &str) -> Result<()> {
    if is_simple_name(name, 64) {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid configuration set name '{name}': a name has 1 to 64 characters from \
             A-Z, a-z, 0-9, _ and -."
        )))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IdentityType {
    Domain,
    EmailAddress,
}

impl IdentityType {
    pub fn of(name: &str) -> IdentityType {
        if name.contains('@') {
            IdentityType::EmailAddress
        } else {
            IdentityType::Domain
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityType::Domain => "DOMAIN",
            IdentityType::EmailAddress => "EMAIL_ADDRESS",
        }
    }
}

/// E1: validates an identity and returns it as SES stores it (domain part lowercased).
pub fn normalize_identity(raw: &str) -> Result<String> {
    match raw.split_once('@') {
        None => {
            // SES takes a single-label domain identity (the provider's acceptance test
            // `TestAccSESV2EmailIdentityDataSource_basic` creates `tf-acc-test-…` in SES);
            // it documents no rule beyond a DNS name's.
            check_labels(raw, 1).map_err(|why| {
                Error::bad_request(format!("Invalid domain identity '{raw}': {why}."))
            })?;
            Ok(raw.to_ascii_lowercase())
        }
        Some((local, domain)) => {
            let why = if local.is_empty() {
                Some("the part before @ is empty".to_string())
            } else if local.len() > 64 {
                Some("the part before @ is longer than 64 characters".to_string())
            } else if let Some(c) = local.chars().find(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || matches!(
                        c,
                        '@' | '<' | '>' | '(' | ')' | ',' | ';' | ':' | '\\' | '"' | '[' | ']'
                    )
            }) {
                Some(format!(
                    "the part before @ contains '{}'",
                    c.escape_default()
                ))
            } else {
                check_domain(domain)
                    .err()
                    .map(|w| format!("its domain {w}"))
            };
            match why {
                Some(why) => Err(Error::bad_request(format!(
                    "Invalid email address identity '{raw}': {why}."
                ))),
                None => Ok(format!("{local}@{}", domain.to_ascii_lowercase())),
            }
        }
    }
}

/// A DNS name: labels of 1–63 letters, digits and hyphens, not starting or ending with a
/// hyphen; at most 253 characters; at least two labels.
pub fn check_domain(domain: &str) -> std::result::Result<(), String> {
    check_labels(domain, 2)
}

/// A DNS name of at least `min` labels.
fn check_labels(domain: &str, min: usize) -> std::result::Result<(), String> {
    if domain.is_empty() {
        return Err("is empty".into());
    }
    if domain.len() > 253 {
        return Err("is longer than 253 characters".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < min {
        return Err("needs at least two labels, like example.com".into());
    }
    for label in labels {
        if label.is_empty() || label.len() > 63 {
            return Err(format!(
                "has a label of {} characters (1 to 63 allowed)",
                label.len()
            ));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(format!(
                "has a label '{label}' with characters other than letters, digits and -"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("has a label '{label}' that starts or ends with -"));
        }
    }
    Ok(())
}

/// Whether `region` looks like an AWS region: `^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$`.
pub fn is_region(region: &str) -> bool {
    fn lower(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase())
    }
    let parts: Vec<&str> = region.split('-').collect();
    let (geo, middle, number) = match parts.as_slice() {
        [geo, rest @ .., number] if !rest.is_empty() => (*geo, rest, *number),
        _ => return false,
    };
    let direction_ok = match middle {
        [direction] => lower(direction),
        [partition, direction] => {
            (*partition == "gov"
                || (partition.starts_with("iso") && partition.len() <= 4 && lower(partition)))
                && lower(direction)
        }
        _ => false,
    };
    geo.len() == 2
        && lower(geo)
        && direction_ok
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a region name given on the command line or in the environment (252 when malformed).
pub fn check_region(region: &str) -> Result<()> {
    if is_region(region) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid region '{region}': expected an AWS region name such as us-east-1 or eu-west-2"
        ))
        .hint("set --region, SESM_REGION or AWS_REGION to a region name"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_names() {
        assert!(check_pool_name("marketing_2-a").is_ok());
        assert!(check_pool_name(&"a".repeat(64)).is_ok());
        for bad in ["", "Marketing", "a b", "a.b", &"a".repeat(65)] {
            assert!(check_pool_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn config_set_names() {
        assert!(check_config_set_name("Marketing_2-a").is_ok());
        for bad in ["", "a b", "a.b", &"a".repeat(65)] {
            assert!(check_config_set_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn identities_normalize_domains_only() {
        assert_eq!(normalize_identity("Example.COM").unwrap(), "example.com");
        assert_eq!(
            normalize_identity("Jane.Doe@Example.com").unwrap(),
            "Jane.Doe@example.com"
        );
        assert_eq!(IdentityType::of("a@b.co"), IdentityType::EmailAddress);
        assert_eq!(IdentityType::of("b.co"), IdentityType::Domain);
        // A single-label domain is an identity SES takes (E1); an address's domain has two.
        assert_eq!(
            normalize_identity("TF-Acc-Test-123").unwrap(),
            "tf-acc-test-123"
        );
    }

    #[test]
    fn bad_identities() {
        let long_label = format!("{}.com", "a".repeat(64));
        let too_long = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        for bad in [
            "",
            "-a.com",
            "a-.com",
            "a..com",
            "a_b.com",
            "@a.com",
            "a@",
            "a@b",
            "a b@c.com",
            &long_label,
            &too_long,
            "x\"><script>",
        ] {
            assert!(normalize_identity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-west-2",
            "us-gov-west-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "ap-southeast-10",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "US-east-1",
            "useast-1",
            "us-east-1a",
            "us--1",
            "u-east-1",
            "us-isoxx-east-1",
            "us-foo-east-1",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }
}
