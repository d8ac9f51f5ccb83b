//! The console (`/console`): a browser's front end over the same operations as the API. Each
//! request is read here (path, query, form), checked (the CSRF token of every form, on top of
//! the server's host and origin rules in `guard`), and answered with a page `output::console`
//! renders. A form post that changes something answers with a redirect (303) to the page that
//! shows the change, so reloading never posts twice; a refused one shows the form again with
//! SES's error beside the field, and changes nothing (the operation runs on a copy, as for the
//! API).

use super::api::Api;
use super::http::{Request, Response};
use super::wire::Query;
use crate::error::{Error, Result};
use crate::model::arn::{ResourceKind, arn};
use crate::model::config_set::{Change, DeliveryChange};
use crate::model::names::is_region;
use crate::model::{ScalingMode, State};
use crate::ops::{self, Paging};
use crate::output::console::{self as pages, CreateForm, Frame, MAIL_PAGE, MailQuery, Nav, ROOT};

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

/// A fresh CSRF token: 16 random bytes, hex.
pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| Error::internal(format!("cannot draw the console's random token: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether a request is the console's: its paths, and a browser's `GET /` (it asks for HTML).
pub fn is_console(req: &Request) -> bool {
    let (path, _) = req.path_and_query();
    path == ROOT
        || path.starts_with("/console/")
        || (path == "/"
            && req.method == "GET"
            && req
                .header("accept")
                .is_some_and(|a| a.contains("text/html")))
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
    super::wire::error(e).status
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
        ("GET", []) => pools(&cx),
        ("GET", ["create-pool"]) => {
            let form = CreateForm {
                mode: cx.field("mode"),
                ..Default::default()
            };
            create_form(&cx, 200, &form)
        }
        ("POST", ["create-pool"]) => create_post(&cx),
        ("GET", ["create-pool", "check"]) => check_name(&cx),
        ("GET", ["pools", name]) => pool(&cx, name, 200, None),
        ("POST", ["pools", name, action]) => pool_post(&cx, name, action),
        ("GET", ["config-sets"]) => config_sets(&cx),
        ("GET", ["config-sets", name]) => config_set(&cx, name, 200, None),
        ("POST", ["config-sets", name, "delivery"]) => delivery_post(&cx, name),
        ("GET", ["mail"]) => mail(&cx),
        ("GET", ["mail", id]) => message(&cx, id),
        ("GET", ["mail", id, "body"]) => message_body(&cx, id),
        ("GET", ["mail", id, "raw"]) => message_raw(&cx, id),
        ("GET", ["mail", id, "attachments", n]) => attachment(&cx, id, n),
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

/// Every configuration set of the region with its pool, page after page.
fn all_sets(s: &State, region: &str) -> Result<Vec<ops::config_set::SetRow>> {
    let mut paging = all_pages();
    let mut rows = Vec::new();
    loop {
        let page = ops::config_set::list_detailed(s, region, None, &paging)?;
        rows.extend(page.sets);
        match page.list.next_token {
            Some(t) => paging.next_token = Some(t),
            None => return Ok(rows),
        }
    }
}

fn pools(cx: &Ctx) -> Response {
    let listed = cx.read(|s| {
        let names = ops::pool::list(s, &cx.region, &all_pages())?;
        let pools = names
            .dedicated_ip_pools
            .iter()
            .map(|n| ops::pool::get(s, &cx.region, n))
            .collect::<Result<Vec<_>>>()?;
        Ok(pools)
    });
    match listed {
        Ok(list) => cx.page(200, Nav::Pools, |f| pages::pools(f, &list)),
        Err(e) => cx.error_page(status_of(&e), Nav::Pools, "Dedicated IPs", &shown(&e)),
    }
}

fn create_form(cx: &Ctx, status: u16, form: &CreateForm) -> Response {
    let sets = cx.read(|s| {
        Ok(all_sets(s, &cx.region)?
            .into_iter()
            .map(|r| (r.name, r.sending_pool))
            .collect::<Vec<_>>())
    });
    match sets {
        Ok(sets) => cx.page(status, Nav::Pools, |f| pages::create_pool(f, form, &sets)),
        Err(e) => cx.error_page(status_of(&e), Nav::Pools, "Create pool", &shown(&e)),
    }
}

fn scaling_mode(mode: &str) -> ScalingMode {
    if mode == "STANDARD" {
        ScalingMode::Standard
    } else {
        ScalingMode::Managed
    }
}

/// The Create pool form's post: add or remove a tag row (the form again), or create.
fn create_post(cx: &Ctx) -> Response {
    let keys = cx.form.all("tag_key");
    let values = cx.form.all("tag_value");
    let mut form = CreateForm {
        mode: if cx.field("mode") == "STANDARD" {
            "STANDARD".into()
        } else {
            "MANAGED".into()
        },
        name: cx.raw("name"),
        config_sets: cx.form.all("config_set"),
        tags: keys
            .into_iter()
            .zip(values.into_iter().chain(std::iter::repeat(String::new())))
            .collect(),
        errors: Vec::new(),
    };
    if cx.form.get("add_tag").is_some() {
        if form.tags.len() < pages::MAX_TAGS {
            form.tags.push((String::new(), String::new()));
        }
        return create_form(cx, 200, &form);
    }
    if let Some(i) = cx.form.get("remove_tag") {
        if let Ok(i) = i.parse::<usize>()
            && i < form.tags.len()
        {
            form.tags.remove(i);
        }
        return create_form(cx, 200, &form);
    }
    // Rows left empty are not tags.
    let tags: Vec<(String, String)> = form
        .tags
        .iter()
        .filter(|(k, v)| !(k.trim().is_empty() && v.trim().is_empty()))
        .cloned()
        .collect();
    let new = |sets: bool, tags_too: bool| ops::pool::NewPool {
        name: form.name.clone(),
        mode: scaling_mode(&form.mode),
        config_sets: if sets {
            form.config_sets.clone()
        } else {
            Vec::new()
        },
        tags: if tags_too { tags.clone() } else { Vec::new() },
    };
    // The same checks CreateDedicatedIpPool makes, field by field, to show each error beside
    // its field; then the operation itself, which checks them all again under the lock.
    let staged = [
        ("name", new(false, false)),
        ("tags", new(false, true)),
        ("config_sets", new(true, true)),
    ];
    for (field, req) in staged {
        if let Err(e) = cx.read(|s| ops::pool::check_new(s, &cx.region, &req)) {
            form.errors.push((field, shown(&e)));
            return create_form(cx, status_of(&e), &form);
        }
    }
    match cx
        .api
        .write(|s| ops::pool::create(s, &cx.region, new(true, true)))
    {
        Ok(created) => redirect(&cx.url(&format!(
            "/pools/{}?done=created",
            pages::enc(&created.pool.dedicated_ip_pool.pool_name)
        ))),
        Err(e) => {
            form.errors.push(("form", shown(&e)));
            create_form(cx, status_of(&e), &form)
        }
    }
}

/// `GET /console/create-pool/check?name=&mode=`: CreateDedicatedIpPool's checks of a name (and
/// mode) as the user types: `{"message": ""}` when it would be accepted.
fn check_name(cx: &Ctx) -> Response {
    let name = cx.raw("name");
    let message = if name.is_empty() {
        String::new()
    } else {
        let req = ops::pool::NewPool {
            name,
            mode: scaling_mode(&cx.field("mode")),
            config_sets: Vec::new(),
            tags: Vec::new(),
        };
        match cx.read(|s| ops::pool::check_new(s, &cx.region, &req)) {
            Ok(()) => String::new(),
            Err(e) => shown(&e),
        }
    };
    super::wire::ok(serde_json::json!({ "message": message }))
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
}

fn pool(cx: &Ctx, name: &str, status: u16, error: Option<&str>) -> Response {
    let events = match cx.api.live().store().read_events(0) {
        Ok(e) => e,
        Err(e) => return plain_error(&e),
    };
    let got = cx.read(|s| {
        let p = ops::pool::get(s, &cx.region, name)?;
        let d = ops::dashboard::get(s, &cx.region, Some(name), None, &events)?;
        Ok((p, d))
    });
    match got {
        Ok((p, d)) => cx.page(status, Nav::Pools, |f| pages::pool(f, &p, &d, error)),
        Err(e) => cx.error_page(status_of(&e), Nav::Pools, "Pool not found", &shown(&e)),
    }
}

/// A pool's forms: add or remove a tag, convert to managed, delete.
fn pool_post(cx: &Ctx, name: &str, action: &str) -> Response {
    let region = cx.region.as_str();
    let pool_arn = |s: &State| arn(region, &s.account_id, ResourceKind::Pool, name);
    let done = match action {
        "tags" => {
            let tag = (cx.raw("key"), cx.raw("value"));
            cx.api
                .write(|s| ops::tag::tag(s, region, &pool_arn(s), &[tag]).map(|_| ()))
                .map(|()| "tagged")
        }
        "untag" => {
            let key = cx.raw("key");
            cx.api
                .write(|s| ops::tag::untag(s, region, &pool_arn(s), &[key]).map(|_| ()))
                .map(|()| "untagged")
        }
        "scaling" => {
            if cx.field("confirm") != "MANAGED" {
                Err(Error::bad_request(
                    "Tick the box to confirm: a managed pool can't be converted back.",
                ))
            } else {
                cx.api
                    .write(|s| {
                        ops::pool::set_scaling_mode(s, region, name, ScalingMode::Managed)
                            .map(|_| ())
                    })
                    .map(|()| "converted")
            }
        }
        "delete" => {
            if cx.field("confirm") != name {
                Err(Error::bad_request(format!(
                    "Type the pool's name ({name}) to confirm the deletion."
                )))
            } else {
                match cx.api.write(|s| ops::pool::delete(s, region, name)) {
                    Ok(_) => return redirect(&cx.url("?done=deleted")),
                    Err(e) => Err(e),
                }
            }
        }
        _ => {
            return cx.error_page(
                404,
                Nav::Pools,
                "Not found",
                "The console has no such form.",
            );
        }
    };
    match done {
        Ok(done) => redirect(&cx.url(&format!("/pools/{}?done={done}", pages::enc(name)))),
        Err(e) => pool(cx, name, status_of(&e), Some(&shown(&e))),
    }
}

fn config_sets(cx: &Ctx) -> Response {
    let filter = cx.field("q");
    let paging = Paging {
        next_token: cx.query.get("token").map(str::to_string),
        page_size: Some(pages::SETS_PAGE),
    };
    let contains = (!filter.is_empty()).then_some(filter.as_str());
    match cx.read(|s| ops::config_set::list_detailed(s, &cx.region, contains, &paging)) {
        Ok(l) => cx.page(200, Nav::Sets, |f| {
            pages::config_sets(f, &l.sets, &filter, l.list.next_token.as_deref())
        }),
        Err(e) => cx.error_page(status_of(&e), Nav::Sets, "Configuration sets", &shown(&e)),
    }
}

fn config_set(cx: &Ctx, name: &str, status: u16, error: Option<&str>) -> Response {
    let got = cx.read(|s| {
        let cs = ops::config_set::get(s, &cx.region, name)?;
        let pools = ops::pool::list(s, &cx.region, &all_pages())?.dedicated_ip_pools;
        let destinations = ops::event_destination::list(s, &cx.region, name)?;
        Ok((cs, pools, destinations))
    });
    match got {
        Ok((cs, pools, d)) => cx.page(status, Nav::Sets, |f| {
            pages::config_set(f, &cs, &pools, &d, error)
        }),
        Err(e) => cx.error_page(
            status_of(&e),
            Nav::Sets,
            "Configuration set not found",
            &shown(&e),
        ),
    }
}

/// General details' Sending IP pool: PutConfigurationSetDeliveryOptions with the pool only.
fn delivery_post(cx: &Ctx, name: &str) -> Response {
    let pool = cx.field("pool");
    let change = DeliveryChange {
        sending_pool: if pool.is_empty() {
            Change::Clear
        } else {
            Change::Set(pool)
        },
        ..Default::default()
    };
    match cx
        .api
        .write(|s| ops::config_set::put_delivery_options(s, &cx.region, name, change))
    {
        Ok(_) => redirect(&cx.url(&format!("/config-sets/{}?done=saved", pages::enc(name)))),
        Err(e) => config_set(cx, name, status_of(&e), Some(&shown(&e))),
    }
}

fn mail(cx: &Ctx) -> Response {
    let q = MailQuery {
        to: cx.field("to"),
        from: cx.field("from"),
        config_set: cx.field("set"),
        page: cx.field("page").parse::<usize>().unwrap_or(1).max(1),
    };
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let filter = ops::send::OutboxQuery {
        to: some(&q.to),
        from: some(&q.from),
        config_set: some(&q.config_set),
        region: Some(cx.region.clone()),
        since: None,
    };
    let journal = match cx.api.live().store().read_journal() {
        Ok((j, _)) => j,
        Err(e) => return plain_error(&e),
    };
    let listed = cx.read(|s| Ok(ops::send::outbox(s, journal, &filter)));
    match listed {
        Ok(outbox) => {
            let total = outbox.messages.len();
            let shown: Vec<_> = outbox
                .messages
                .into_iter()
                .rev()
                .skip((q.page - 1).saturating_mul(MAIL_PAGE))
                .take(MAIL_PAGE)
                .collect();
            cx.page(200, Nav::Mail, |f| pages::mail(f, &shown, total, &q))
        }
        Err(e) => cx.error_page(status_of(&e), Nav::Mail, "Mail", &shown(&e)),
    }
}

/// The outbox's message `id` and its kept bytes, or the page saying it is not there.
fn kept(
    cx: &Ctx,
    id: &str,
) -> std::result::Result<(crate::model::sending::SentMessage, Option<Vec<u8>>), Response> {
    cx.api
        .kept_message(id)
        .map_err(|e| cx.error_page(status_of(&e), Nav::Mail, "Message not found", &shown(&e)))
}

fn message(cx: &Ctx, id: &str) -> Response {
    let (m, mime) = match kept(cx, id) {
        Ok(k) => k,
        Err(page) => return page,
    };
    let events = match cx.api.live().store().read_events(0) {
        Ok(log) => {
            let q = ops::events::EventQuery {
                event_type: None,
                config_set: None,
                message_id: Some(m.message_id.clone()),
                since: None,
                region: None,
            };
            ops::events::list(log, &q).events
        }
        Err(e) => return plain_error(&e),
    };
    let detail = ops::send::outbox_detail(m, mime.as_deref());
    cx.page(200, Nav::Mail, |f| pages::message(f, &detail, &events))
}

/// The message's HTML, for the message view's sandboxed frame. Its own policy forbids scripts
/// and every load but inline styles and `data:` images (no remote image, font or beacon), and
/// sandboxes it even when opened on its own.
fn message_body(cx: &Ctx, id: &str) -> Response {
    let html = match kept(cx, id) {
        Ok((_, mime)) => ops::message::parse(mime.as_deref().unwrap_or_default()).html,
        Err(page) => return page,
    };
    Response::new(
        200,
        "text/html; charset=utf-8",
        html.unwrap_or_default().into_bytes(),
    )
    .header(
        "Content-Security-Policy",
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'",
    )
    .header("X-Frame-Options", "SAMEORIGIN")
    .header("X-Content-Type-Options", "nosniff")
    .header("Referrer-Policy", "no-referrer")
    .header("Cache-Control", "no-store")
}

/// The `.eml` as kept, as a download.
fn message_raw(cx: &Ctx, id: &str) -> Response {
    let (m, mime) = match kept(cx, id) {
        Ok(k) => k,
        Err(page) => return page,
    };
    match super::api::eml(&m.message_id, mime) {
        Ok(r) => r
            .header("Content-Security-Policy", "sandbox; default-src 'none'")
            .header("Cache-Control", "no-store"),
        Err(e) => cx.error_page(status_of(&e), Nav::Mail, "Message not found", &shown(&e)),
    }
}

/// An attachment, decoded, as a download: never shown in the console's origin (a file of
/// HTML or SVG would run there), whatever its declared type.
fn attachment(cx: &Ctx, id: &str, n: &str) -> Response {
    let not_found = |cx: &Ctx| {
        cx.error_page(
            404,
            Nav::Mail,
            "Attachment not found",
            "The message has no such attachment.",
        )
    };
    let Ok(n) = n.parse::<usize>() else {
        return not_found(cx);
    };
    let mime = match kept(cx, id) {
        Ok((_, mime)) => mime.unwrap_or_default(),
        Err(page) => return page,
    };
    let Some((info, data)) = ops::message::attachment(&mime, n) else {
        return not_found(cx);
    };
    let name = short_name(&info.file_name.unwrap_or_else(|| "attachment".into()));
    // A quoted ASCII name for old clients, RFC 6266's UTF-8 one for the rest.
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Response::new(200, "application/octet-stream", data)
        .header(
            "Content-Disposition",
            format!(
                "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
                pages::enc(&name)
            ),
        )
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", "sandbox; default-src 'none'")
        .header("Cache-Control", "no-store")
}

/// A file name for a download's header: at most 200 characters, its extension kept (a name
/// of 300 KB would make a header browsers refuse).
fn short_name(name: &str) -> String {
    const MOST: usize = 200;
    if name.chars().count() <= MOST {
        return name.to_string();
    }
    let ext: String = match name.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.chars().count() <= 16 => format!(".{ext}"),
        _ => String::new(),
    };
    let keep = MOST - ext.chars().count();
    name.chars().take(keep).chain(ext.chars()).collect()
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
    let sets = match cx.read(|s| all_sets(s, &cx.region)) {
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
    fn download_names_are_cut_keeping_their_extension() {
        assert_eq!(short_name("report.pdf"), "report.pdf");
        let long = format!("{}.pdf", "é".repeat(300));
        let short = short_name(&long);
        assert_eq!(short.chars().count(), 200);
        assert!(short.ends_with(".pdf") && short.starts_with("éé"));
        assert_eq!(short_name(&"x".repeat(500)).len(), 200);
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
        assert_eq!(new_token().unwrap().len(), 32);
        assert_ne!(new_token().unwrap(), new_token().unwrap());
    }
}
