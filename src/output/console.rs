//! The console's pages (`sesm serve`, `/console`): the SES console's Dedicated IPs, Create
//! pool, configuration set and mail pages, rendered on the server from maud templates (checked
//! at compile time; maud escapes every value, so names and mail from users can't inject
//! markup). Each page is a function of facts the operations return; `server::console` reads
//! the request, runs the operation and sends what these return. Every form posts without
//! JavaScript and carries the run's CSRF token; the one small script only validates the pool
//! name as it is typed and submits the region selector.

mod create;
mod events;

use maud::{DOCTYPE, Markup, PreEscaped, html};

pub use create::{CreateForm, MAX_TAGS, create_pool};
pub use events::{EVENTS_PAGE, EventsQuery, events};

use crate::model::publishing::EventRecord;
use crate::ops::compare::Comparison;
use crate::ops::config_set::SetRow;
use crate::ops::dashboard::Dashboard;
use crate::ops::event_destination::DestinationList;
use crate::ops::send::{OutboxDetail, OutboxMessage};
use crate::ops::shapes::{ConfigSetGet, PoolGet};
use crate::ops::vdm::IspRow;

/// The stylesheet: the dashboard's (its charts) and the console's, light and dark.
pub fn stylesheet() -> String {
    format!("{}\n{}", super::html::CSS, include_str!("console.css"))
}

/// The script: pool-name validation as it is typed, and the region selector.
pub const SCRIPT: &str = include_str!("console.js");

/// Where the console lives.
pub const ROOT: &str = "/console";

/// The guide's note on a configuration set chosen for a new pool that already has one (SES
/// Developer Guide, "Managed dedicated IPs": the set leaves its pool for the new one).
pub const MOVE_NOTE: &str = "This configuration set is already associated with a dedicated IP pool. Creating this pool associates it with the new pool instead; it no longer sends through its current pool.";

/// Which part of the console a page belongs to (the navigation's current item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Pools,
    Sets,
    Mail,
    Events,
    Compare,
}

/// What every page shows around its content.
pub struct Frame<'a> {
    pub region: &'a str,
    /// The regions the selector offers (the server's, the state's, common SES ones).
    pub regions: Vec<String>,
    /// The run's CSRF token, put in every form.
    pub token: &'a str,
    /// The account clock: the next day to simulate.
    pub date: String,
    pub nav: Nav,
    /// The page's own path and query, where the simulate form returns.
    pub back: String,
    /// A line shown once at the top ("Created pool x", "Simulated 7 days").
    pub flash: Option<String>,
}

/// A URL of the console's `path` (which may carry a query) in `region`.
pub fn href(region: &str, path: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{ROOT}{path}{sep}region={}", enc(region))
}

/// A URL of the console in the frame's region.
fn url(f: &Frame, path: &str) -> String {
    href(f.region, path)
}

/// A search form of a list page: GET to `path` in the frame's region, one search field per
/// `(id, label, name, value)`.
fn search(f: &Frame, path: &str, fields: &[(&str, &str, &str, &str)]) -> Markup {
    html! {
        form.filters method="get" action={ (ROOT) (path) } role="search" {
            input type="hidden" name="region" value=(f.region);
            @for (id, label, name, value) in fields {
                label for=(id) { (label) } input #(id) type="search" name=(name) value=(value);
            }
            button type="submit" { "Search" }
        }
    }
}

/// What a path segment or query value keeps unencoded: RFC 3986's unreserved characters.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a query or path value.
pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}

fn hidden(f: &Frame) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(f.token);
        input type="hidden" name="region" value=(f.region);
    }
}

/// A whole page, laid out as the SES console: a banner (brand, region selector, the account
/// clock and its Simulate form), the left navigation pane, then `body`. Every part is in a
/// landmark (axe-core's "region" rule), and below 760 px the pane stacks above the page.
fn page(f: &Frame, title: &str, body: Markup) -> String {
    let item = |nav: Nav, path: &str, label: &str| {
        html! {
            li { a href=(url(f, path)) aria-current=[(f.nav == nav).then_some("page")] { (label) } }
        }
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) " · sesm console" }
                link rel="stylesheet" href={ (ROOT) "/static/console.css" };
                script src={ (ROOT) "/static/console.js" } defer {}
            }
            body {
                a.skip href="#content" { "Skip to content" }
                header.top {
                    a.brand href=(url(f, "")) { "sesm" span { "Amazon SES, locally" } }
                    form.region method="get" action=(f.back.split('?').next().unwrap_or(ROOT)) {
                        label for="region-select" { "Region" }
                        select #region-select name="region" data-autosubmit {
                            @for r in &f.regions {
                                option value=(r) selected[r == f.region] { (r) }
                            }
                        }
                        noscript { button type="submit" { "Go" } }
                    }
                    div.clock {
                        span { "Account clock: " strong #clock { (f.date) } }
                        form.simulate method="post" action={ (ROOT) "/simulate" } {
                            (hidden(f))
                            input type="hidden" name="back" value=(f.back);
                            label for="simulate-days" { "Simulate" }
                            input #simulate-days type="number" name="days" min="1" max="3650" value="7" required;
                            span { "days" }
                            button #simulate type="submit" { "Simulate" }
                        }
                    }
                }
                div.shell {
                    nav.side #navigation aria-label="Navigation pane" {
                        ul {
                            (item(Nav::Pools, "", "Dedicated IPs"))
                            (item(Nav::Sets, "/config-sets", "Configuration sets"))
                            (item(Nav::Mail, "/mail", "Mail"))
                            (item(Nav::Events, "/events", "Events"))
                            (item(Nav::Compare, "/compare", "Compare"))
                        }
                    }
                    main #content {
                        @if let Some(flash) = &f.flash {
                            p.flash role="status" { (flash) }
                        }
                        (body)
                    }
                }
                footer { "sesm — a local stand-in for Amazon SES. The warm-up model's numbers and the prices are calibrated estimates, not figures published by AWS." }
            }
        }
    }
    .into_string()
}

/// An SES error shown beside a field.
fn field_error(id: &str, error: Option<&str>) -> Markup {
    html! {
        p.error #(id) role="alert" aria-live="polite" hidden[error.is_none()] { (error.unwrap_or_default()) }
    }
}

fn mode_name(p: &PoolGet) -> &'static str {
    p.dedicated_ip_pool.scaling_mode.as_str()
}

/// Dedicated IPs, as the SES console shows them: a **Managed IP pools** tab and a **Standard
/// IP pools** tab (`standard` chooses the second), each with its table and its create button.
/// The tabs are links (the page works without script) marked as the current page.
pub fn pools(f: &Frame, pools: &[PoolGet], standard: bool) -> String {
    let managed = !standard;
    let rows: Vec<&PoolGet> = pools
        .iter()
        .filter(|p| (mode_name(p) == "MANAGED") == managed)
        .collect();
    let tab = |is: bool, path: &str, label: &str| {
        html! {
            li { a href=(url(f, path)) aria-current=[is.then_some("page")] { (label) } }
        }
    };
    let (kind, create_label, create_path) = if managed {
        ("managed", "Create managed IP pool", "/create-pool")
    } else {
        (
            "standard",
            "Create standard IP pool",
            "/create-pool?mode=STANDARD",
        )
    };
    page(
        f,
        "Dedicated IPs",
        html! {
            h1 { "Dedicated IPs" }
            nav.tabs aria-label="Dedicated IPs" {
                ul {
                    (tab(managed, "", "Managed IP pools"))
                    (tab(standard, "?tab=standard", "Standard IP pools"))
                }
            }
            section.panel aria-labelledby="pools-title" {
                div.heading {
                    h2 #pools-title { (if managed { "Managed IP pools" } else { "Standard IP pools" }) " (" (rows.len()) ")" }
                    a.button.primary #create-pool href=(url(f, create_path)) { (create_label) }
                }
                p.hint { (if managed {
                    "SES leases, warms and scales a managed pool's IPs per mailbox provider."
                } else {
                    "You place a standard pool's IPs and warm them; SES warms each IP over 45 days when auto warm-up is on."
                }) }
                @if rows.is_empty() {
                    p.empty { "No " (kind) " IP pools in " (f.region) ". Choose " strong { (create_label) } " to add one." }
                } @else {
                    table.list #pools {
                        thead { tr {
                            th scope="col" { "Name" }
                            th scope="col" { "Dedicated IPs" }
                            th scope="col" { "Configuration sets" }
                            th scope="col" { (if managed { "Warm-up per ISP (capacity)" } else { "Warm-up per IP (SES)" }) }
                        } }
                        tbody {
                            @for p in &rows {
                                tr {
                                    td { a href=(url(f, &format!("/pools/{}", enc(&p.dedicated_ip_pool.pool_name)))) { (p.dedicated_ip_pool.pool_name) } }
                                    td.num { (p.dedicated_ips.len()) }
                                    td { @for cs in &p.configuration_sets { span.name { (cs) } " " } }
                                    td {
                                        @if let (true, Some(isps)) = (managed, &p.isp_warmup) {
                                            @for i in isps { (meter(&i.isp, i.capacity_warmup_percentage)) }
                                        } @else {
                                            @for ip in &p.dedicated_ips { (meter(&ip.ip, f64::from(ip.warmup_percentage))) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A small labelled bar: a warm-up level in percent.
fn meter(label: &str, percent: f64) -> Markup {
    bar(Some(label), percent)
}

fn bar(label: Option<&str>, percent: f64) -> Markup {
    let p = percent.clamp(0.0, 100.0);
    html! {
        span.meter.bare[label.is_none()] title={ (label.unwrap_or("warm-up")) ": " (format!("{p:.0}")) " %" } {
            @if let Some(label) = label { span.label { (label) } }
            span.bar { span style={ "width:" (format!("{p:.0}")) "%" } {} }
            span.value { (format!("{p:.0}")) " %" }
        }
    }
}

/// A pool: its dashboard (`dashboard` is the dashboard's sections), IPs, sets and tags, and
/// what may be done to it.
/// A pool's VDM view: per ISP, the sends, deliveries, bounces and complaints of
/// BatchGetMetricData for the pool's configuration sets (`ops::vdm::pool_view`).
fn vdm_panel(rows: Option<&[IspRow]>) -> Markup {
    let rate = |n: u64, of: u64| {
        if of == 0 {
            "—".to_string()
        } else {
            format!("{:.1} %", 100.0 * n as f64 / of as f64)
        }
    };
    html! {
        section.panel aria-labelledby="vdm-title" {
            h2 #vdm-title { "Virtual Deliverability Manager" }
            @match rows {
                None => p.empty { "VDM is disabled for this account: enable it with PutAccountVdmAttributes (VdmEnabled ENABLED)." },
                Some([]) => p.empty { "No mail VDM counts through this pool's configuration sets yet (one recipient a message, a set that publishes events)." },
                Some(rows) => table.list #vdm-isps {
                    thead { tr { th scope="col" { "ISP" } th scope="col" { "Sends" } th scope="col" { "Delivery" } th scope="col" { "Bounce" } th scope="col" { "Complaint" } } }
                    tbody { @for r in rows {
                        tr {
                            td { (r.isp) } td.num { (r.send) }
                            td.num { (r.delivery) " (" (rate(r.delivery, r.send)) ")" }
                            td.num { (r.bounce) " (" (rate(r.bounce, r.send)) ")" }
                            td.num { (r.complaint) " (" (rate(r.complaint, r.delivery)) ")" }
                        }
                    } }
                },
            }
        }
    }
}

pub fn pool(
    f: &Frame,
    p: &PoolGet,
    dashboard: &Dashboard,
    vdm: Option<&[IspRow]>,
    error: Option<&str>,
) -> String {
    let name = &p.dedicated_ip_pool.pool_name;
    let base = format!("{ROOT}/pools/{}", enc(name));
    let managed = mode_name(p) == "MANAGED";
    let sections = super::html::sections(&super::dashboard::page(dashboard));
    let idle = dashboard
        .pools
        .iter()
        .all(|p| p.daily.demand.iter().all(|&d| d == 0));
    page(
        f,
        name,
        html! {
            div.heading {
                h1 { (name) " " span.badge { (mode_name(p)) } }
            }
            @if let Some(e) = error { p.error.banner role="alert" { (e) } }
            @if idle {
                section.panel.next #next-steps aria-labelledby="next-title" {
                    h2 #next-title { "No mail through this pool yet" }
                    ol {
                        li {
                            "Choose a configuration set for it: open the set in "
                            a href=(url(f, "/config-sets")) { "Configuration sets" }
                            " and, in its " strong { "General details" } " panel, set " strong { "Sending IP pool" } " to " code { (name) } "."
                            @if !p.configuration_sets.is_empty() { " (Already sending through it: " (p.configuration_sets.join(", ")) ".)" }
                        }
                        li { "Send mail with that configuration set: the SESv2 or SES API, SMTP, or " code { "sesm send --config-set NAME" } "." }
                        li { "Choose " strong { "Simulate" } " at the top to run days: the charts, the IPs and the warm-up fill in." }
                    }
                }
            }
            div.dashboard { (PreEscaped(sections)) }
            div.columns {
                section.panel aria-labelledby="ips-title" {
                    h2 #ips-title { "Dedicated IPs (" (p.dedicated_ips.len()) ")" }
                    @if p.dedicated_ips.is_empty() {
                        p.empty { (if managed { "SES adds IPs as the pool's sending needs them." } else { "No IPs in this pool." }) }
                    } @else {
                        table.list #ips {
                            thead { tr { th scope="col" { "IP" } th scope="col" { "Warm-up status" } th scope="col" { "Warm-up" } } }
                            tbody { @for ip in &p.dedicated_ips {
                                tr { td { code { (ip.ip) } } td { (status_name(ip.warmup_status)) } td.num { @if ip.warmup_percentage < 0 { "—" } @else { (ip.warmup_percentage) " %" } } }
                            } }
                        }
                    }
                    @if let Some(isps) = &p.isp_warmup {
                        h3 { "Warm-up per ISP" }
                        p.hint { "What the IPs can take of each ISP today, against its mail of the last simulated day." }
                        table.list #isp-warmup {
                            thead { tr { th scope="col" { "ISP" } th scope="col" { "Warm-up" } th scope="col" { "Daily rate" } } }
                            tbody { @for i in isps {
                                tr { td { (i.isp) } td { (bar(None, i.capacity_warmup_percentage)) } td.num { (super::thousands(i.effective_daily_rate as i128)) } }
                            } }
                        }
                    }
                }
                (vdm_panel(vdm))
                section.panel aria-labelledby="sets-title" {
                    h2 #sets-title { "Configuration sets" }
                    @if p.configuration_sets.is_empty() { p.empty { "No configuration set sends through this pool." } }
                    ul #pool-sets { @for cs in &p.configuration_sets {
                        li { a href=(url(f, &format!("/config-sets/{}", enc(cs)))) { (cs) } }
                    } }
                }
                section.panel aria-labelledby="tags-title" {
                    h2 #tags-title { "Tags (" (p.tags.len()) ")" }
                    table.list #pool-tags {
                        thead { tr { th scope="col" { "Key" } th scope="col" { "Value" } th { span.sr { "Remove" } } } }
                        tbody {
                            @for t in &p.tags {
                                tr {
                                    td { (t.key) } td { (t.value) }
                                    td { form method="post" action={ (base) "/untag" } {
                                        (hidden(f))
                                        input type="hidden" name="key" value=(t.key);
                                        button.link type="submit" aria-label={ "Remove tag " (t.key) } { "Remove" }
                                    } }
                                }
                            }
                        }
                    }
                    form.inline #add-tag-form method="post" action={ (base) "/tags" } {
                        (hidden(f))
                        label for="tag-key" { "Key" }
                        input #tag-key type="text" name="key" required;
                        label for="tag-value" { "Value" }
                        input #tag-value type="text" name="value";
                        button type="submit" disabled[p.tags.len() >= MAX_TAGS] { "Add tag" }
                    }
                }
            }
            section.panel.danger aria-labelledby="manage-title" {
                h2 #manage-title { "Manage" }
                @if !managed {
                    form.inline #convert-form method="post" action={ (base) "/scaling" } {
                        (hidden(f))
                        p { "Convert to a managed pool: SES takes over warming and scaling. A managed pool can't be converted back." }
                        label { input type="checkbox" name="confirm" value="MANAGED" required; " I understand this can't be undone" }
                        button type="submit" { "Convert to managed" }
                    }
                }
                form.inline #delete-form method="post" action={ (base) "/delete" } {
                    (hidden(f))
                    p { "Delete this pool"
                        (if managed { ": SES releases its IPs." } else { "." })
                        " Its configuration sets send through shared IPs afterwards." }
                    label for="confirm-delete" { "Type the pool name to confirm" }
                    input #confirm-delete type="text" name="confirm" autocomplete="off" required;
                    button.destructive type="submit" { "Delete pool" }
                }
            }
        },
    )
}

fn status_name(s: crate::model::ip::WarmupStatusName) -> &'static str {
    use crate::model::ip::WarmupStatusName as W;
    match s {
        W::InProgress => "IN_PROGRESS",
        W::Done => "DONE",
        W::NotApplicable => "NOT_APPLICABLE",
    }
}

/// Configuration sets per page of the list.
pub const SETS_PAGE: i64 = 100;

/// Configuration sets: a page of them (`next` is the token of the next page), whose names
/// contain `filter`.
pub fn config_sets(f: &Frame, rows: &[SetRow], filter: &str, next: Option<&str>) -> String {
    page(
        f,
        "Configuration sets",
        html! {
            h1 { "Configuration sets" }
            (search(f, "/config-sets", &[("f-name", "Name contains", "q", filter)]))
            section.panel {
                @if rows.is_empty() { p.empty { "No configuration sets in " (f.region) "." } }
                @else {
                    table.list #config-sets {
                        thead { tr { th scope="col" { "Name" } th scope="col" { "Sending IP pool" } th scope="col" { "TLS" } th scope="col" { "Max delivery" } } }
                        tbody { @for r in rows {
                            tr {
                                td { a href=(url(f, &format!("/config-sets/{}", enc(&r.name)))) { (r.name) } }
                                td { (pool_label(r.sending_pool.as_deref())) }
                                td { (r.tls_policy.as_str()) }
                                td { @if let Some(s) = r.max_delivery_seconds { (s) " s" } @else { "—" } }
                            }
                        } }
                    }
                }
                nav.pages aria-label="Pages" {
                    @if f.back.contains("token=") { a href=(url(f, &format!("/config-sets?q={}", enc(filter)))) { "← First page" } }
                    @if let Some(t) = next { a rel="next" href=(url(f, &format!("/config-sets?q={}&token={}", enc(filter), enc(t)))) { "Next page →" } }
                }
            }
        },
    )
}

fn pool_label(pool: Option<&str>) -> String {
    match pool {
        Some(p) => p.to_string(),
        None => "Shared IPs (none)".into(),
    }
}

/// A configuration set: General details with its Sending IP pool, delivery options, tags,
/// event destinations.
pub fn config_set(
    f: &Frame,
    cs: &ConfigSetGet,
    pools: &[String],
    destinations: &DestinationList,
    error: Option<&str>,
) -> String {
    let name = &cs.configuration_set_name;
    let d = &cs.delivery_options;
    let current = d.sending_pool_name.as_deref().unwrap_or_default();
    page(
        f,
        name,
        html! {
            h1 { (name) }
            section.panel aria-labelledby="general-title" {
                h2 #general-title { "General details" }
                form #delivery-form method="post" action={ (ROOT) "/config-sets/" (enc(name)) "/delivery" } {
                    (hidden(f))
                    label for="sending-pool" { "Sending IP pool" }
                    select #sending-pool name="pool" aria-describedby="sending-pool-error" {
                        option value="" selected[current.is_empty()] { "Shared IPs (none)" }
                        @for p in pools { option value=(p) selected[p == current] { (p) } }
                    }
                    button.primary #save-delivery type="submit" { "Save" }
                    (field_error("sending-pool-error", error))
                }
                dl.details {
                    div { dt { "ARN" } dd { code { (cs.arn) } } }
                    div { dt { "TLS policy" } dd { (d.tls_policy.as_str()) } }
                    div { dt { "Maximum delivery time" } dd { @if let Some(s) = d.max_delivery_seconds { (s) " seconds" } @else { "14 hours (default)" } } }
                    @if let Some(m) = &d.shared_pool_delivery_mode { div { dt { "Shared pool delivery mode" } dd { (m) } } }
                }
            }
            section.panel aria-labelledby="dest-title" {
                h2 #dest-title { "Event destinations" }
                @if destinations.event_destinations.is_empty() { p.empty { "No event destinations." } }
                @else {
                    table.list #event-destinations {
                        thead { tr { th scope="col" { "Name" } th scope="col" { "Enabled" } th scope="col" { "Event types" } } }
                        tbody { @for e in &destinations.event_destinations {
                            tr {
                                td { (e.name) }
                                td { (if e.destination.enabled { "yes" } else { "no" }) }
                                td { (e.destination.matching_event_types.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")) }
                            }
                        } }
                    }
                }
            }
            section.panel aria-labelledby="set-tags-title" {
                h2 #set-tags-title { "Tags (" (cs.tags.len()) ")" }
                @if cs.tags.is_empty() { p.empty { "No tags." } }
                ul { @for t in &cs.tags { li { code { (t.key) } " = " (t.value) } } }
            }
        },
    )
}

/// The outbox's filters and page, as the mail page's URL carries them.
#[derive(Debug, Clone, Default)]
pub struct MailQuery {
    pub to: String,
    pub from: String,
    pub config_set: String,
    /// 1-based.
    pub page: usize,
}

/// Messages per page of the mail list.
pub const MAIL_PAGE: usize = 50;

/// Mail: the outbox, newest first, filtered; `total` is how many matched.
pub fn mail(f: &Frame, messages: &[OutboxMessage], total: usize, q: &MailQuery) -> String {
    let pages = total.div_ceil(MAIL_PAGE).max(1);
    let link = |page: usize| {
        url(
            f,
            &format!(
                "/mail?to={}&from={}&set={}&page={page}",
                enc(&q.to),
                enc(&q.from),
                enc(&q.config_set)
            ),
        )
    };
    page(
        f,
        "Mail",
        html! {
            h1 { "Mail" }
            (search(f, "/mail", &[
                ("f-to", "Recipient", "to", &q.to),
                ("f-from", "Sender", "from", &q.from),
                ("f-set", "Configuration set", "set", &q.config_set),
            ]))
            section.panel {
                p.hint { (total) (if total == 1 { " message" } else { " messages" }) " · page " (q.page) " of " (pages) }
                @if messages.is_empty() { p.empty { "No messages." } }
                @else {
                    div.scroll tabindex="0" role="region" aria-label="Messages" {
                        table.list #messages {
                            thead { tr {
                                th scope="col" { "Sent (UTC)" } th scope="col" { "Account day" } th scope="col" { "From" } th scope="col" { "To" }
                                th scope="col" { "Subject" } th scope="col" { "Configuration set" } th scope="col" { "Pool" }
                            } }
                            tbody { @for m in messages {
                                tr {
                                    td { time datetime=(m.time.to_string()) { (m.time.strftime("%Y-%m-%d %H:%M:%S")) } }
                                    td { (m.date.to_string()) }
                                    td.wrap { (m.from) }
                                    td.wrap { (m.to.join(", ")) }
                                    td.wrap { a href=(url(f, &format!("/mail/{}", enc(&m.message_id)))) { (m.subject.as_deref().unwrap_or("(no subject)")) } }
                                    td.wrap { (m.configuration_set_name.as_deref().unwrap_or("—")) }
                                    td.wrap { (m.pool_name) }
                                }
                            } }
                        }
                    }
                }
                nav.pages aria-label="Pages" {
                    @if q.page > 1 { a rel="prev" href=(link(q.page - 1)) { "← Newer" } }
                    @if q.page < pages { a rel="next" href=(link(q.page + 1)) { "Older →" } }
                }
            }
        },
    )
}

/// A message: headers, text, the HTML in a sandboxed frame, attachments, the `.eml`, and the
/// events published for it.
pub fn message(f: &Frame, m: &OutboxDetail, events: &[EventRecord]) -> String {
    let id = &m.message.message_id;
    let base = format!("{ROOT}/mail/{}", enc(id));
    let subject = m.message.subject.as_deref().unwrap_or("(no subject)");
    page(
        f,
        subject,
        html! {
            h1 #subject { (subject) }
            dl.details {
                div { dt { "Message ID" } dd { code { (id) } } }
                div { dt { "From" } dd { (m.message.from) } }
                div { dt { "To" } dd { (m.message.to.join(", ")) } }
                @if !m.message.cc.is_empty() { div { dt { "Cc" } dd { (m.message.cc.join(", ")) } } }
                @if !m.message.bcc.is_empty() { div { dt { "Bcc" } dd { (m.message.bcc.join(", ")) } } }
                div { dt { "Configuration set" } dd { (m.message.configuration_set_name.as_deref().unwrap_or("—")) } }
                div { dt { "Pool" } dd { (m.message.pool_name) } }
                div { dt { "Size" } dd { (m.size) " bytes" } }
            }
            p { a.button #eml href={ (base) "/raw?region=" (enc(f.region)) } download={ (id) ".eml" } { "Download .eml" } }
            @if m.parsed.html.is_some() {
                section.panel aria-labelledby="html-title" {
                    h2 #html-title { "HTML" }
                    // No `allow-scripts`, no `allow-same-origin`: the message's scripts never
                    // run and it can't reach the console; its response's CSP blocks remote loads.
                    iframe #html-body sandbox="" referrerpolicy="no-referrer" title="The message's HTML" src={ (base) "/body?region=" (enc(f.region)) } {}
                }
            }
            @if let Some(t) = &m.parsed.text {
                section.panel aria-labelledby="text-title" {
                    h2 #text-title { "Text" }
                    pre #text-body { (t) }
                }
            }
            @if !m.parsed.attachments.is_empty() {
                section.panel aria-labelledby="att-title" {
                    h2 #att-title { "Attachments" }
                    ul #attachments { @for (i, a) in m.parsed.attachments.iter().enumerate() {
                        li {
                            a href={ (base) "/attachments/" (i) "?region=" (enc(f.region)) } download=(a.file_name.as_deref().unwrap_or("attachment")) {
                                (a.file_name.as_deref().unwrap_or("attachment"))
                            }
                            " " small { (a.content_type) ", " (a.size) " bytes" }
                        }
                    } }
                }
            }
            section.panel aria-labelledby="events-title" {
                h2 #events-title { "Events" }
                p { a #message-events href=(url(f, &format!("/events?message={}", enc(id)))) { "All events of this message" } }
                @if events.is_empty() { p.empty { "No events published for this message (its configuration set has no event destination, or none happened yet)." } }
                @else {
                    table.list #events {
                        thead { tr { th scope="col" { "Day" } th scope="col" { "Event" } th scope="col" { "Pool" } th scope="col" { "Destinations" } } }
                        tbody { @for e in events {
                            tr { td { (e.date.to_string()) } td { (e.event_type) } td { (e.pool_name) } td { (e.destinations.join(", ")) } }
                        } }
                    }
                }
            }
            section.panel aria-labelledby="headers-title" {
                h2 #headers-title { "Headers" }
                table.list.headers {
                    tbody { @for h in &m.parsed.headers { tr { th scope="row" { (h.name) } td.wrap { (h.value) } } } }
                }
            }
        },
    )
}

/// Compare: the chosen sets' options (or, before a run, the form).
pub fn compare(
    f: &Frame,
    sets: &[String],
    chosen: &[String],
    days: u32,
    result: Option<Result<&Comparison, String>>,
) -> String {
    page(
        f,
        "Compare",
        html! {
            h1 { "Compare managed and standard IPs" }
            form.panel #compare-form method="get" action={ (ROOT) "/compare" } {
                input type="hidden" name="region" value=(f.region);
                fieldset {
                    legend { "Configuration sets (none chosen: every set with traffic)" }
                    @for (i, s) in sets.iter().enumerate() {
                        label.check { input type="checkbox" id={ "cmp-" (i) } name="set" value=(s) checked[chosen.contains(s)]; " " (s) }
                    }
                }
                label for="cmp-days" { "Days" }
                input #cmp-days type="number" name="days" min="1" max="3650" value=(days);
                button.primary type="submit" name="run" value="1" { "Compare" }
            }
            @match result {
                None => {}
                Some(Err(e)) => { p.error.banner role="alert" { (e) } }
                Some(Ok(c)) => {
                    // The reason follows in the options' table that leads the page.
                    p.summary #recommendation {
                        "Recommendation: " strong { (super::comparison::label(c.recommendation.option, c.recommendation.standard_ips)) }
                    }
                    div.dashboard { (PreEscaped(super::html::sections(&super::comparison::page(c)))) }
                }
            }
        },
    )
}

/// A page for a request the console can't answer (a pool that is not there, a bad form).
pub fn error(f: &Frame, title: &str, message: &str) -> String {
    page(
        f,
        title,
        html! {
            h1 { (title) }
            p.error.banner role="alert" { (message) }
            p { a href=(url(f, "")) { "Back to Dedicated IPs" } }
        },
    )
}
