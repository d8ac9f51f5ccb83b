//! Resource names for tagging (T6): SES ARNs and sesm's `pool/NAME` shorthands.

use super::State;
use super::names::is_region;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    Pool,
    ConfigSet,
    Identity,
    /// A contact list (SESv2 list management).
    ContactList,
    /// A tenant: its ARN names it `tenant/NAME/ID`.
    Tenant,
    /// A multi-region endpoint, in its primary region.
    MultiRegionEndpoint,
}

impl ResourceKind {
    /// The resource type as it appears in an ARN.
    pub fn arn_type(self) -> &'static str {
        match self {
            ResourceKind::Pool => "dedicated-ip-pool",
            ResourceKind::ConfigSet => "configuration-set",
            ResourceKind::Identity => "identity",
            ResourceKind::ContactList => "contact-list",
            ResourceKind::Tenant => "tenant",
            ResourceKind::MultiRegionEndpoint => "multi-region-endpoint",
        }
    }

    fn from_arn_type(s: &str) -> Option<Self> {
        match s {
            "dedicated-ip-pool" => Some(ResourceKind::Pool),
            "configuration-set" => Some(ResourceKind::ConfigSet),
            "identity" => Some(ResourceKind::Identity),
            "contact-list" => Some(ResourceKind::ContactList),
            "tenant" => Some(ResourceKind::Tenant),
            "multi-region-endpoint" => Some(ResourceKind::MultiRegionEndpoint),
            _ => None,
        }
    }

    fn from_shorthand(s: &str) -> Option<Self> {
        match s {
            "pool" => Some(ResourceKind::Pool),
            "config-set" => Some(ResourceKind::ConfigSet),
            "identity" => Some(ResourceKind::Identity),
            "contact-list" => Some(ResourceKind::ContactList),
            "tenant" => Some(ResourceKind::Tenant),
            "multi-region-endpoint" => Some(ResourceKind::MultiRegionEndpoint),
            _ => None,
        }
    }
}

/// SES resource types of an ARN (the SESv2 API reference's "Resource types defined by Amazon
/// SES") that sesm keeps no tags on.
const UNTRACKED: [&str; 3] = [
    "template",
    "custom-verification-email-template",
    "deliverability-test-report",
];

/// A resource named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    pub region: String,
    pub account: String,
    pub kind: ResourceKind,
    pub name: String,
}

pub fn arn(region: &str, account: &str, kind: ResourceKind, name: &str) -> String {
    format!(
        "arn:{}:ses:{region}:{account}:{}/{name}",
        State::partition(region),
        kind.arn_type()
    )
}

fn malformed(s: &str) -> Error {
    Error::bad_request(format!(
        "Invalid resource '{s}': expected an ARN such as \
         arn:aws:ses:us-east-1:123456789012:dedicated-ip-pool/NAME, or pool/NAME, \
         config-set/NAME or identity/NAME."
    ))
}

/// Parses an ARN or a shorthand; a shorthand names a resource of `region` in `account`. An ARN
/// with an empty account field (what Terraform builds with `skip_requesting_account_id`)
/// names `account`.
pub fn parse(s: &str, region: &str, account: &str) -> Result<ResourceRef> {
    if let Some(rest) = s.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [partition, service, arn_region, arn_account, resource] = parts[..] else {
            return Err(malformed(s));
        };
        let (kind, name) = resource.split_once('/').ok_or_else(|| malformed(s))?;
        if UNTRACKED.contains(&kind) && !name.is_empty() {
            // SES's other taggable resources: well-formed, and not anything sesm has, so
            // NotFound as any resource the account lacks (issue 29, item 15), not a bad ARN.
            return Err(Error::not_found(format!(
                "Resource {s} does not exist: sesm keeps tags on dedicated IP pools, configuration sets, identities, contact lists, tenants and multi-region endpoints only."
            )));
        }
        let kind = ResourceKind::from_arn_type(kind).ok_or_else(|| malformed(s))?;
        let account_ok = arn_account.is_empty()
            || (arn_account.len() == 12 && arn_account.bytes().all(|b| b.is_ascii_digit()));
        let arn_account = if arn_account.is_empty() {
            account
        } else {
            arn_account
        };
        if service != "ses"
            || !is_region(arn_region)
            || partition != State::partition(arn_region)
            || !account_ok
            || name.is_empty()
        {
            return Err(malformed(s));
        }
        return Ok(ResourceRef {
            region: arn_region.to_string(),
            account: arn_account.to_string(),
            kind,
            name: name.to_string(),
        });
    }
    let (kind, name) = s.split_once('/').ok_or_else(|| malformed(s))?;
    let kind = ResourceKind::from_shorthand(kind).ok_or_else(|| malformed(s))?;
    if name.is_empty() {
        return Err(malformed(s));
    }
    Ok(ResourceRef {
        region: region.to_string(),
        account: account.to_string(),
        kind,
        name: name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthands_use_the_current_region() {
        let r = parse("config-set/news", "eu-west-1", "123456789012").unwrap();
        assert_eq!(r.kind, ResourceKind::ConfigSet);
        assert_eq!(r.region, "eu-west-1");
        assert_eq!(r.name, "news");
    }

    #[test]
    fn arns_name_their_own_region() {
        let r = parse(
            "arn:aws:ses:eu-west-2:123456789012:dedicated-ip-pool/marketing",
            "us-east-1",
            "123456789012",
        )
        .unwrap();
        assert_eq!(r.region, "eu-west-2");
        assert_eq!(r.kind, ResourceKind::Pool);
        let gov = parse(
            "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/a@b.com",
            "us-east-1",
            "1",
        )
        .unwrap();
        assert_eq!(gov.name, "a@b.com");
    }

    #[test]
    fn other_ses_resources_are_not_found_rather_than_malformed() {
        for arn in [
            "arn:aws:ses:us-east-1:123456789012:template/welcome",
            "arn:aws:ses:us-east-1:123456789012:deliverability-test-report/r1",
        ] {
            let e = parse(arn, "us-east-1", "123456789012").unwrap_err();
            assert_eq!(e.code(), "NotFoundException", "{arn}");
        }
        let e = parse(
            "arn:aws:ses:us-east-1:123456789012:nothing/x",
            "us-east-1",
            "1",
        )
        .unwrap_err();
        assert_eq!(e.code(), "BadRequestException");
    }

    #[test]
    fn round_trip() {
        let a = arn(
            "cn-north-1",
            "123456789012",
            ResourceKind::Identity,
            "example.com",
        );
        assert_eq!(
            a,
            "arn:aws-cn:ses:cn-north-1:123456789012:identity/example.com"
        );
        assert_eq!(parse(&a, "us-east-1", "x").unwrap().name, "example.com");
    }

    #[test]
    fn malformed_arns() {
        for bad in [
            "arn:aws:ses:us-east-1:123456789012",
            "arn:aws:sns:us-east-1:123456789012:dedicated-ip-pool/a",
            "arn:aws:ses:useast1:123456789012:dedicated-ip-pool/a",
            "arn:aws-cn:ses:us-east-1:123456789012:dedicated-ip-pool/a",
            "arn:aws:ses:us-east-1:12345:dedicated-ip-pool/a",
            "arn:aws:ses:us-east-1:123456789012:template/a",
            "arn:aws:ses:us-east-1:123456789012:dedicated-ip-pool/",
            "pool",
            "pool/",
            "queue/a",
        ] {
            assert!(parse(bad, "us-east-1", "123456789012").is_err(), "{bad}");
        }
    }
}
