//! The Events page: the event log the configuration sets' destinations were sent, as SES's
//! event publishing delivers it (the guide monitors managed IPs "using event publishing").

use maud::html;

use super::{Frame, Nav, ROOT, enc, page, url};
use crate::model::publishing::{EventRecord, EventType};

/// The event log's filters and page, as the Events page's URL carries them.
#[derive(Debug, Clone, Default)]
pub struct EventsQuery {
    /// An `eventType` (`Delivery`) or empty for every type.
    pub event_type: String,
    pub config_set: String,
    /// One message's events (the page a message links to).
    pub message_id: String,
    /// 1-based.
    pub page: usize,
}

/// Events per page.
pub const EVENTS_PAGE: usize = 100;

/// Events: the region's log, newest first, filtered; `total` is how many matched.
pub fn events(f: &Frame, events: &[EventRecord], total: usize, q: &EventsQuery) -> String {
    debug_assert_eq!(f.nav, Nav::Events);
    let pages = total.div_ceil(EVENTS_PAGE).max(1);
    let link = |page: usize| {
        url(
            f,
            &format!(
                "/events?type={}&set={}&message={}&page={page}",
                enc(&q.event_type),
                enc(&q.config_set),
                enc(&q.message_id)
            ),
        )
    };
    let title = if q.message_id.is_empty() {
        "Events".to_string()
    } else {
        format!("Events of message {}", q.message_id)
    };
    page(
        f,
        &title,
        html! {
            h1.wrap { (title) }
            p.hint { "The events SES published to the configuration sets' event destinations (event publishing), on the account clock's days." }
            form.filters method="get" action={ (ROOT) "/events" } role="search" {
                input type="hidden" name="region" value=(f.region);
                div {
                    label for="f-type" { "Event type" }
                    select #f-type name="type" {
                        option value="" selected[q.event_type.is_empty()] { "Any" }
                        @for t in EventType::ALL {
                            option value=(t.event_name()) selected[q.event_type == t.event_name()] { (t.event_name()) }
                        }
                    }
                }
                div {
                    label for="f-set" { "Configuration set" }
                    input #f-set type="search" name="set" value=(q.config_set);
                }
                div {
                    label for="f-message" { "Message ID" }
                    input #f-message type="search" name="message" value=(q.message_id);
                }
                button type="submit" { "Search" }
            }
            section.panel aria-label="Event log" {
                p.hint { (super::super::count(total as u64, "event", "events")) " · page " (q.page) " of " (pages) }
                @if events.is_empty() {
                    p.empty { "No events. A configuration set publishes events once it has an event destination (sesm config-set destination add, or CreateConfigurationSetEventDestination) and mail sent with it is simulated." }
                } @else {
                    div.scroll {
                        table.list #event-log {
                            thead { tr {
                                th scope="col" { "Day" } th scope="col" { "Event" } th scope="col" { "Configuration set" }
                                th scope="col" { "Pool" } th scope="col" { "Message" } th scope="col" { "Destinations" }
                            } }
                            tbody { @for e in events {
                                tr {
                                    td { time datetime=(e.date.to_string()) { (e.date.to_string()) } }
                                    td { (e.event_type) }
                                    td.wrap { (e.configuration_set_name) }
                                    td.wrap { (e.pool_name) }
                                    td.wrap { a href=(url(f, &format!("/mail/{}", enc(&e.message_id)))) { code { (e.message_id) } } }
                                    td.wrap { (e.destinations.join(", ")) }
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
