//! Who may call the endpoint: local clients only. A web page the user has open can send
//! requests to 127.0.0.1 (a form post, a `fetch` in no-cors mode) and, through a DNS name that
//! it makes resolve to 127.0.0.1 (rebinding), even read the answers. SDKs and the AWS CLI send
//! no `Origin` and name the address they connect to in `Host`, so these rules refuse
//! browsers and nothing else:
//! - `Host` must name an address the server listens on (`localhost`, the loopback address it
//!   is bound to, or a name given with `--allow-host`);
//! - a request with an `Origin` (or `Sec-Fetch-Site` other than `same-origin`/`none`) must
//!   come from the server's own origin;
//! - a body sent to the SESv2 routes (`/v2/…`) must be `application/json`, which a page can't
//!   send cross-origin without a CORS preflight sesm never grants.
//!
//! Pure functions of the request head, so they are tested here without sockets.

/// The names clients may use for the server, and its port.
#[derive(Debug, Clone)]
pub struct Allowed {
    names: Vec<String>,
    port: u16,
}

/// Why a request is refused: the status and what to tell the client.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub message: String,
}

fn refuse(status: u16, message: String) -> Refusal {
    Refusal { status, message }
}

impl Allowed {
    /// `bound` is the address listened on; `extra` the `--allow-host` names.
    pub fn new(bound: std::net::IpAddr, port: u16, extra: &[String]) -> Allowed {
        let mut names = vec!["localhost".to_string()];
        if bound.is_unspecified() || bound.is_loopback() {
            names.push("127.0.0.1".into());
            names.push("::1".into());
        }
        if !bound.is_unspecified() {
            names.push(bound.to_string());
        }
        names.extend(extra.iter().map(|n| normalise(n)));
        names.sort();
        names.dedup();
        Allowed { names, port }
    }

    fn listed(&self) -> String {
        self.names.join(", ")
    }

    /// Checks a request head: `authority` is the `Host` header (or the absolute-form target's
    /// authority), `headers` the rest.
    pub fn check(
        &self,
        authority: Option<&str>,
        origin: Option<&str>,
        fetch_site: Option<&str>,
        path: &str,
        content_type: Option<&str>,
        has_body: bool,
    ) -> Result<(), Refusal> {
        let Some(authority) = authority else {
            return Err(refuse(
                400,
                "the request has no Host header (HTTP/1.1 requires one)".into(),
            ));
        };
        if !self.authority_allowed(authority) {
            return Err(refuse(
                403,
                format!(
                    "sesm serve answers requests for {} on port {} only, not for Host '{}': a web page must not reach the account. Start it with --allow-host NAME to accept another name.",
                    self.listed(),
                    self.port,
                    escape(authority)
                ),
            ));
        }
        if let Some(origin) = origin
            && !self.origin_allowed(origin)
        {
            return Err(refuse(
                403,
                format!(
                    "sesm serve refuses requests from the web origin '{}': only its own origin (http://localhost:{}) may call it, and SDKs send no Origin.",
                    escape(origin),
                    self.port
                ),
            ));
        }
        if let Some(site) = fetch_site
            && !matches!(site.trim(), "same-origin" | "none")
        {
            return Err(refuse(
                403,
                format!(
                    "sesm serve refuses a request a browser made from another site (Sec-Fetch-Site: {}).",
                    escape(site)
                ),
            ));
        }
        // sesm's own routes (`/_sesm/simulate`) take JSON bodies as the SESv2 API does; the
        // one-click unsubscribe POST is a form (`List-Unsubscribe=One-Click`, RFC 8058) that
        // mail providers send without an `Origin`.
        let one_click = path == "/_sesm/unsubscribe"
            && content_type.is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if has_body
            && (path.starts_with("/v2/") || path.starts_with("/_sesm/"))
            && !is_json(content_type)
            && !one_click
        {
            return Err(refuse(
                403,
                format!(
                    "the SESv2 API takes request bodies as application/json, not '{}'; SDKs send that (a web page can't without sesm's consent).",
                    escape(content_type.unwrap_or("none"))
                ),
            ));
        }
        Ok(())
    }

    fn authority_allowed(&self, authority: &str) -> bool {
        let Some((host, port)) = split_authority(authority) else {
            return false;
        };
        port.is_none_or(|p| p == self.port) && self.names.contains(&normalise(host))
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        let Some(rest) = origin.trim().strip_prefix("http://") else {
            return false;
        };
        match split_authority(rest) {
            Some((host, Some(port))) => port == self.port && self.names.contains(&normalise(host)),
            // Port 80 is implied by an origin without one; sesm never listens there by default.
            Some((host, None)) => self.port == 80 && self.names.contains(&normalise(host)),
            None => false,
        }
    }
}

/// `host[:port]` or `[v6][:port]` → (host, port); `None` when malformed.
fn split_authority(authority: &str) -> Option<(&str, Option<u16>)> {
    let authority = authority.trim();
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after {
            "" => Some((host, None)),
            p => Some((host, Some(p.strip_prefix(':')?.parse().ok()?))),
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => Some((host, Some(port.parse().ok()?))),
        Some(_) => None,
        None if authority.is_empty() => None,
        None => Some((authority, None)),
    }
}

fn normalise(host: &str) -> String {
    host.trim()
        .trim_end_matches('.')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|t| {
        t.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .eq_ignore_ascii_case("application/json")
    })
}

/// Text from a request, safe to print on a terminal or in a message: control characters
/// (escape sequences among them) become `\u{…}` escapes, and it is cut at 200 characters.
pub fn escape(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 200 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> Allowed {
        Allowed::new("127.0.0.1".parse().unwrap(), 4579, &[])
    }

    fn status(a: &Allowed, host: Option<&str>, origin: Option<&str>) -> u16 {
        match a.check(host, origin, None, "/v2/email/account", None, false) {
            Ok(()) => 200,
            Err(r) => r.status,
        }
    }

    #[test]
    fn hosts_must_name_the_server() {
        let a = local();
        for ok in [
            "127.0.0.1:4579",
            "localhost:4579",
            "LOCALHOST",
            "[::1]:4579",
            "127.0.0.1",
            "localhost.:4579",
        ] {
            assert_eq!(status(&a, Some(ok), None), 200, "{ok}");
        }
        for bad in [
            "evil.example:4579",
            "evil.example",
            "127.0.0.1:80",
            "127.0.0.2:4579",
            "",
            "[::1",
            "a:b:c",
        ] {
            assert_eq!(status(&a, Some(bad), None), 403, "{bad}");
        }
        assert_eq!(status(&a, None, None), 400);
        let wide = Allowed::new("0.0.0.0".parse().unwrap(), 4579, &["ses.test".into()]);
        assert_eq!(status(&wide, Some("ses.test:4579"), None), 200);
        assert_eq!(status(&wide, Some("10.0.0.5:4579"), None), 403);
    }

    #[test]
    fn origins_must_be_the_servers_own() {
        let a = local();
        let host = Some("127.0.0.1:4579");
        assert_eq!(status(&a, host, Some("http://127.0.0.1:4579")), 200);
        assert_eq!(status(&a, host, Some("http://localhost:4579")), 200);
        for bad in [
            "http://evil.example",
            "null",
            "https://127.0.0.1:4579",
            "http://127.0.0.1:8080",
            "http://localhost",
        ] {
            assert_eq!(status(&a, host, Some(bad)), 403, "{bad}");
        }
        let r = a.check(
            host,
            None,
            Some("cross-site"),
            "/v2/email/account",
            None,
            false,
        );
        assert_eq!(r.unwrap_err().status, 403);
        assert!(a.check(host, None, Some("none"), "/", None, false).is_ok());
    }

    #[test]
    fn sesv2_bodies_must_be_json() {
        let a = local();
        let host = Some("127.0.0.1:4579");
        let check =
            |path: &str, ct: Option<&str>, body: bool| a.check(host, None, None, path, ct, body);
        assert!(
            check(
                "/v2/email/dedicated-ip-pools",
                Some("application/json"),
                true
            )
            .is_ok()
        );
        assert!(
            check(
                "/v2/email/dedicated-ip-pools",
                Some("Application/JSON; charset=utf-8"),
                true
            )
            .is_ok()
        );
        assert_eq!(
            check("/v2/email/dedicated-ip-pools", Some("text/plain"), true)
                .unwrap_err()
                .status,
            403
        );
        assert_eq!(
            check("/v2/email/dedicated-ip-pools", None, true)
                .unwrap_err()
                .status,
            403
        );
        assert!(check("/v2/email/account", None, false).is_ok());
        // STS takes its form body.
        assert!(check("/", Some("application/x-www-form-urlencoded"), true).is_ok());
    }

    #[test]
    fn request_text_is_escaped() {
        assert_eq!(escape("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\n");
        assert_eq!(escape(&"x".repeat(300)).chars().count(), 201);
    }
}
