//! The console (`/console`): a browser's front end over the same operations as the API. Each
//! request is read here (path, query, form), checked (the CSRF token of every form, on top of
//! the server's host and origin rules in `guard`), and answered with a page `output::console`
//! renders. A form post that changes something answers with a redirect (303) to the page that
//! shows the change, so reloading never posts twice; a refused one shows the form again with
//! SES's error beside the field, and changes nothing (the operation runs on a copy, as for the
//! API).

mod config_sets;
mod mail;
mod pools;

use super::api::Api;
use super::http::{Query, Request, Response};
use crate::error::{Error, Result};
use crate::model::State;
use crate::model::names::is_region;
use crate::ops::{self, Paging};
use crate::output::console::{self as pages, CreateForm, Frame, Nav, ROOT};

/// Common SES regions the selector offers besides the server's and the state's.
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
];

/// Whether a request is the console's: its paths, and a browser's `GET /` (it asks for HTML).
pub fn is_console(method: &str, path: &str, accept: Option<&str>) -> bool {
    path == ROOT
        || path.starts_with("/console/")
        || (path == "/" && method == "GET" && accept.is_some_and(|a| a.contains("text/html")))
}

/// Security headers of every console page: scripts and styles only from the console itself,
/// frames only of its own message views, never framed by another site.
fn html_response(status: u16, body: String) -> Response {
    Response::new(status, "text/html; charset=utf-8", body.into_bytes())
        .header(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        )
        .header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "same-origin")
        .header("Cache-Control", "no-store")
}

fn redirect(location: &str) -> Response {
    Response::new(303, "text/plain; charset=utf-8", Vec::new())
        .header("Location", location)
        .header("Cache-Control", "no-store")
}

/// The HTTP status of an operation's error, as the API answers it.
fn status_of(e: &Error) -> u16 {
    super::http::status_of(e).0
}

/// What a page shows of an SES error: its code and message, as the API gives them.
fn shown(e: &Error) -> String {
    format!("{}: {}", e.code(), e.message)
}

/// One console request, read.
struct Ctx<'a> {
    api: &'a Api,
    req: &'a Request,
    query: Query,
    form: Query,
    region: String,
}

impl Ctx<'_> {
    /// A form value as sent (the body's for a post): what the operation is given, so a name
    /// with a stray space is refused as SES refuses it.
    fn raw(&self, name: &str) -> String {
        self.form
            .get(name)
            .or_else(|| self.query.get(name))
            .unwrap_or_default()
            .to_string()
    }

    /// A form value without surrounding spaces (numbers, choices, confirmations, searches).
    fn field(&self, name: &str) -> String {
        self.raw(name).trim().to_string()
    }

    fn url(&self, path: &str) -> String {
        pages::href(&self.region, path)
    }

    /// The frame of a page: region, clock, token, and where the simulate form returns.
    fn frame(&self, s: &State, nav: Nav) -> Frame<'_> {
        let mut regions: Vec<String> = REGIONS.iter().map(|r| r.to_string()).collect();
        regions.extend(s.regions.keys().cloned());
        regions.push(self.api.default_region().to_string());
        regions.push(self.region.clone());
        regions.sort();
        regions.dedup();
        let flash = match self.query.get("done") {
            Some("created") => Some("The pool was created.".to_string()),
            Some("deleted") => Some("The pool was deleted.".into()),
            Some("tagged") => Some("The tag was added.".into()),
            Some("untagged") => Some("The tag was removed.".into()),
            Some("converted") => Some("The pool is now managed.".into()),
            Some("saved") => Some("The Sending IP pool was saved.".into()),
            Some("simulated") => {
                let days = self.query.get("days").unwrap_or("0");
                let days: u32 = days.parse().unwrap_or(0);
                Some(format!(
                    "Simulated {days} day{}.",
                    if days == 1 { "" } else { "s" }
                ))
            }
            _ => None,
        };
        Frame {
            region: &self.region,
            regions,
            token: self.api.console_token(),
            date: s.date.to_string(),
            nav,
            back: self.back(),
            flash,
        }
    }

    /// This page's target without the flash parameters, for the simulate form to return to.
    fn back(&self) -> String {
        let (path, query) = self.req.path_and_query();
        let path = if path == "/" { ROOT } else { path };
        // A refused post shows its page again: return to that page, not to the post's address
        // (`/console/pools/NAME/tags` → `/console/pools/NAME`).
        let path = match (self.req.method.as_str(), path.rsplit_once('/')) {
            ("POST", Some((page, _))) if path.matches('/').count() == 4 => page,
            ("POST", _) if path == "/console/simulate" => ROOT,
            _ => path,
        };
        let kept: Vec<String> = form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k != "done" && k != "days")
            .map(|(k, v)| format!("{}={}", pages::enc(&k), pages::enc(&v)))
            .collect();
        if kept.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", kept.join("&"))
        }
    }

    fn read<T>(&self, op: impl FnOnce(&State) -> Result<T>) -> Result<T> {
        self.api.read(op)
    }

    /// A page in the frame of the latest state.
    fn page(&self, status: u16, nav: Nav, render: impl FnOnce(&Frame) -> String) -> Response {
        match self.read(|s| Ok(render(&self.frame(s, nav)))) {
            Ok(body) => html_response(status, body),
            Err(e) => plain_error(&e),
        }
    }

    fn error_page(&self, status: u16, nav: Nav, title: &str, message: &str) -> Response {
        self.page(status, nav, |f| pages::error(f, title, message))
    }
}

/// An answer when not even the state can be read.
fn plain_error(e: &Error) -> Response {
    html_response(
        status_of(e),
        format!(
            "<!DOCTYPE html><title>sesm console</title><p>{}</p>",
            crate::output::html::esc(&shown(e))
        ),
    )
}

/// Answers a console request.
pub fn handle(api: &Api, req: &Request) -> Response {
    let (path, query) = req.path_and_query();
    let query = Query::parse(query);
    let form = if req.method == "POST" {
        Query::parse(&String::from_utf8_lossy(&req.body))
    } else {
        Query::parse("")
    };
    let region = form
        .get("region")
        .or_else(|| query.get("region"))
        .unwrap_or(api.default_region())
        .to_string();
    let region_ok = is_region(&region);
    let cx = Ctx {
        api,
        req,
        query,
        form,
        region: if region_ok {
            region.clone()
        } else {
            api.default_region().to_string()
        },
    };
    if path == "/" {
        return redirect(&cx.url(""));
    }
    let rest = path.strip_prefix(ROOT).unwrap_or_default();
    // Static files first: they need neither region nor token.
    match if req.method == "GET" { rest } else { "" } {
        "/static/console.css" => {
            return Response::new(
                200,
                "text/css; charset=utf-8",
                pages::stylesheet().into_bytes(),
            )
            .header("X-Content-Type-Options", "nosniff")
            .header("Cache-Control", "no-cache");
        }
        "/static/console.js" => {
            return Response::new(
                200,
                "text/javascript; charset=utf-8",
                pages::SCRIPT.as_bytes().to_vec(),
            )
            .header("X-Content-Type-Options", "nosniff")
            .header("Cache-Control", "no-cache");
        }
        _ => {}
    }
    if !region_ok {
        return cx.error_page(
            400,
            Nav::Pools,
            "Unknown region",
            &format!(
                "'{}' is not an AWS region name (such as us-east-1).",
                super::guard::escape(&region)
            ),
        );
    }
    if req.method == "POST" {
        let sent = cx.form.get("csrf").unwrap_or_default();
        if !same(sent.as_bytes(), api.console_token().as_bytes()) {
            return cx.error_page(
                403,
                Nav::Pools,
                "Form refused",
                "The form's security token is missing or out of date (the server may have restarted since the page was loaded). Reload the page and submit it again.",
            );
        }
    }
    let segments: Vec<String> = rest
        .trim_start_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (req.method.as_str(), segs.as_slice()) {
        ("GET", []) => pools::pools(&cx),
        ("GET", ["create-pool"]) => {
            let form = CreateForm {
                mode: cx.field("mode"),
                ..Default::default()
            };
            pools::create_form(&cx, 200, &form)
        }
        ("POST", ["create-pool"]) => pools::create_post(&cx),
        ("GET", ["create-pool", "check"]) => pools::check_name(&cx),
        ("GET", ["pools", name]) => pools::pool(&cx, name, 200, None),
        ("POST", ["pools", name, action]) => pools::pool_post(&cx, name, action),
        ("GET", ["config-sets"]) => config_sets::config_sets(&cx),
        ("GET", ["config-sets", name]) => config_sets::config_set(&cx, name, 200, None),
        ("POST", ["config-sets", name, "delivery"]) => config_sets::delivery_post(&cx, name),
        ("GET", ["mail"]) => mail::mail(&cx),
        ("GET", ["mail", id]) => mail::message(&cx, id),
        ("GET", ["mail", id, "body"]) => mail::message_body(&cx, id),
        ("GET", ["mail", id, "raw"]) => mail::message_raw(&cx, id),
        ("GET", ["mail", id, "attachments", n]) => mail::attachment(&cx, id, n),
        ("GET", ["events"]) => mail::events(&cx),
        ("POST", ["simulate"]) => simulate(&cx),
        ("GET", ["compare"]) => compare(&cx),
        (m, _) if m != "GET" && m != "POST" => cx
            .error_page(
                405,
                Nav::Pools,
                "Method not allowed",
                "The console answers GET and form posts only.",
            )
            .header("Allow", "GET, POST"),
        _ => cx.error_page(
            404,
            Nav::Pools,
            "Not found",
            "The console has no such page.",
        ),
    }
}

/// Compares two byte strings in time that depends on their length only.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn all_pages() -> Paging {
    Paging {
        next_token: None,
        page_size: Some(1000),
    }
}

/// Simulate N days: the operation of `sesm simulate --days N`, then back to the page.
fn simulate(cx: &Ctx) -> Response {
    let days_text = cx.field("days");
    let back = cx.field("back");
    // Only a console page: an open redirect would send the browser anywhere.
    let back = if back.starts_with("/console")
        && !back.contains("//")
        && !back.contains('\\')
        && !back.contains("..")
        && !back.contains('#')
        && back.bytes().all(|b| b.is_ascii_graphic())
    {
        back
    } else {
        ROOT.to_string()
    };
    let days = match days_text.parse::<u32>() {
        Ok(d) if d > 0 => d,
        _ => {
            return cx.error_page(
                400,
                Nav::Pools,
                "Simulate",
                &format!(
                    "Days must be a whole number of days from 1, not '{}'.",
                    super::guard::escape(&days_text)
                ),
            );
        }
    };
    match cx.api.write(|s| {
        ops::simulate::simulate(s, &cx.region, days, None, false)?;
        Ok(())
    }) {
        Ok(()) => {
            let sep = if back.contains('?') { '&' } else { '?' };
            redirect(&format!("{back}{sep}done=simulated&days={days}"))
        }
        Err(e) => cx.error_page(status_of(&e), Nav::Pools, "Simulate", &shown(&e)),
    }
}

fn compare(cx: &Ctx) -> Response {
    let chosen = cx.query.all("set");
    let days_text = cx.query.get("days").unwrap_or("90");
    let sets = match cx.read(|s| pools::all_sets(s, &cx.region)) {
        Ok(rows) => rows.into_iter().map(|r| r.name).collect::<Vec<_>>(),
        Err(e) => return plain_error(&e),
    };
    let days = days_text.parse::<u32>().unwrap_or(90);
    if cx.query.get("run").is_none() {
        return cx.page(200, Nav::Compare, |f| {
            pages::compare(f, &sets, &chosen, days, None)
        });
    }
    let req = ops::compare::CompareRequest {
        config_sets: chosen.clone(),
        plan: None,
        days,
        standard_ips: None,
        max_shared: 10.0,
        max_expired: 0.1,
        settle: None,
        cold: false,
    };
    let result = match days_text.parse::<u32>() {
        Ok(_) => cx.read(|s| ops::compare::compare(s, &cx.region, &req)),
        Err(_) => Err(Error::bad_request(format!(
            "Days must be a whole number, not '{}'.",
            super::guard::escape(days_text)
        ))),
    };
    match result {
        Ok(c) => cx.page(200, Nav::Compare, |f| {
            pages::compare(f, &sets, &chosen, days, Some(Ok(&c)))
        }),
        Err(e) => cx.page(status_of(&e), Nav::Compare, |f| {
            pages::compare(f, &sets, &chosen, days, Some(Err(shown(&e))))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}
