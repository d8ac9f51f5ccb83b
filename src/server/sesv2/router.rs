//! Finds the SESv2 operation a request names by its method and path, in the generated route
//! table (`routes.rs`).

use super::Operation;
use super::routes::ROUTES;

/// One segment of a URI template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(&'static str),
    Label(&'static str),
}

/// What a request's method and path name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routed {
    /// An operation, with its path labels decoded.
    Operation {
        op: Operation,
        labels: Vec<(&'static str, String)>,
    },
    /// The path names operations, but not with this method.
    WrongMethod { allowed: Vec<&'static str> },
    /// Nothing SESv2 has.
    Unknown,
}

fn parts(template: &'static str) -> Vec<Part> {
    template
        .trim_start_matches('/')
        .split('/')
        .map(
            |p| match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(label) => Part::Label(label),
                None => Part::Literal(p),
            },
        )
        .collect()
}

type Table = Vec<(&'static str, Vec<Part>, Operation)>;

fn table() -> &'static Table {
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        ROUTES
            .iter()
            .map(|(m, t, op)| (*m, parts(t), *op))
            .collect()
    })
}

/// Routes a request by method and raw path. The path is split on `/` first and each segment
/// percent-decoded after (`identities/News%2Bx%40Example.com` names `News+x@Example.com`);
/// `Err` carries the segment that does not decode to UTF-8.
pub fn find(method: &str, raw_path: &str) -> Result<Routed, String> {
    let segments: Vec<String> = raw_path
        .trim_start_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|d| d.into_owned())
                .map_err(|_| s.to_string())
        })
        .collect::<Result<_, _>>()?;
    // The match with the most literal segments wins (`contacts/list` over `contacts/{Email}`).
    type Candidate = (usize, Operation, Vec<(&'static str, String)>);
    let mut best: Option<Candidate> = None;
    let mut allowed = Vec::new();
    for (m, parts, op) in table() {
        if parts.len() != segments.len() {
            continue;
        }
        let mut labels = Vec::new();
        let mut literals = 0;
        let fits = parts.iter().zip(&segments).all(|(p, s)| match p {
            Part::Literal(l) => {
                literals += 1;
                l == s
            }
            Part::Label(name) => {
                labels.push((*name, s.clone()));
                !s.is_empty()
            }
        });
        if !fits {
            continue;
        }
        if *m != method {
            allowed.push(*m);
            continue;
        }
        if best.as_ref().is_none_or(|(n, _, _)| literals > *n) {
            best = Some((literals, *op, labels));
        }
    }
    Ok(match best {
        Some((_, op, labels)) => Routed::Operation { op, labels },
        None if !allowed.is_empty() => {
            allowed.sort_unstable();
            allowed.dedup();
            Routed::WrongMethod { allowed }
        }
        None => Routed::Unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: &str, path: &str) -> Routed {
        find(method, path).unwrap()
    }

    #[test]
    fn labels_are_decoded_per_segment_after_splitting() {
        assert_eq!(
            op(
                "PUT",
                "/v2/email/identities/News%2Bx%40Example.com/configuration-set"
            ),
            Routed::Operation {
                op: Operation::PutEmailIdentityConfigurationSetAttributes,
                labels: vec![("EmailIdentity", "News+x@Example.com".into())]
            }
        );
        assert_eq!(
            op(
                "PUT",
                "/v2/email/configuration-sets/cs%201%2Fx/delivery-options"
            ),
            Routed::Operation {
                op: Operation::PutConfigurationSetDeliveryOptions,
                labels: vec![("ConfigurationSetName", "cs 1/x".into())]
            }
        );
    }

    #[test]
    fn both_list_routes_and_method_routing() {
        for (m, p, name) in [
            (
                "GET",
                "/v2/email/configuration-sets",
                "ListConfigurationSets",
            ),
            (
                "POST",
                "/v2/email/list-configuration-sets",
                "ListConfigurationSets",
            ),
            ("GET", "/v2/email/identities", "ListEmailIdentities"),
            ("POST", "/v2/email/list-identities", "ListEmailIdentities"),
            ("POST", "/v2/email/identities", "CreateEmailIdentity"),
            (
                "POST",
                "/v2/email/contact-lists/l/contacts/list",
                "ListContacts",
            ),
            (
                "GET",
                "/v2/email/contact-lists/l/contacts/a%40b.c",
                "GetContact",
            ),
            // Where botocore 1.40.0's model (and the Go SDK, so Terraform) puts it.
            (
                "PUT",
                "/v1/email/identities/example.com/dkim/signing",
                "PutEmailIdentityDkimSigningAttributes",
            ),
            (
                "PUT",
                "/v2/email/identities/example.com/dkim/signing",
                "PutEmailIdentityDkimSigningAttributes",
            ),
        ] {
            assert!(
                matches!(op(m, p), Routed::Operation { op, .. } if op.name() == name),
                "{m} {p}"
            );
        }
        assert!(matches!(
            op("PATCH", "/v2/email/identities"),
            Routed::WrongMethod { .. }
        ));
        assert_eq!(op("GET", "/v2/email/nope"), Routed::Unknown);
        assert_eq!(op("GET", "/v2/email/dedicated-ip-pools/"), Routed::Unknown);
        assert!(find("GET", "/v2/email/identities/%ff").is_err());
        // Every route's operation has a distinct name the log and 501s use.
        assert!(ROUTES.iter().all(|(_, _, op)| !op.name().is_empty()));
    }
}
