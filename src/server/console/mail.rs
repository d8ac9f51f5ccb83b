//! The outbox: the mail list, a message, its body in a sandboxed frame, its .eml and its
//! attachments; and the event log published for the mail.

use super::{Ctx, plain_error, shown, status_of};
use crate::ops;
use crate::output::console::{self as pages, EVENTS_PAGE, EventsQuery, MAIL_PAGE, MailQuery, Nav};
use crate::server::http::Response;

pub(super) fn mail(cx: &Ctx) -> Response {
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
pub(super) fn kept(
    cx: &Ctx,
    id: &str,
) -> std::result::Result<(crate::model::sending::SentMessage, Option<Vec<u8>>), Response> {
    cx.api
        .kept_message(id)
        .map_err(|e| cx.error_page(status_of(&e), Nav::Mail, "Message not found", &shown(&e)))
}

pub(super) fn message(cx: &Ctx, id: &str) -> Response {
    let (m, mime) = match kept(cx, id) {
        Ok(k) => k,
        Err(page) => return page,
    };
    let q = ops::events::EventQuery {
        event_type: None,
        config_set: None,
        message_id: Some(m.message_id.clone()),
        since: None,
        region: None,
    };
    // The message's events, read line by line (the log may hold 64 MB).
    let store = cx.api.live().store();
    let events =
        match store.read_events_page(0, 1000, 8 * 1024 * 1024, |e| ops::events::matches(e, &q)) {
            Ok(page) => page.events,
            Err(e) => return plain_error(&e),
        };
    let detail = ops::send::outbox_detail(m, mime.as_deref());
    cx.page(200, Nav::Mail, |f| pages::message(f, &detail, &events))
}

/// The message's HTML, for the message view's sandboxed frame. Its own policy forbids scripts
/// and every load but inline styles and `data:` images (no remote image, font or beacon), and
/// sandboxes it even when opened on its own.
pub(super) fn message_body(cx: &Ctx, id: &str) -> Response {
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
pub(super) fn message_raw(cx: &Ctx, id: &str) -> Response {
    let (m, mime) = match kept(cx, id) {
        Ok(k) => k,
        Err(page) => return page,
    };
    match crate::server::api::eml(&m.message_id, mime) {
        Ok(r) => r
            .header("Content-Security-Policy", "sandbox; default-src 'none'")
            .header("Cache-Control", "no-store"),
        Err(e) => cx.error_page(status_of(&e), Nav::Mail, "Message not found", &shown(&e)),
    }
}

/// An attachment, decoded, as a download: never shown in the console's origin (a file of
/// HTML or SVG would run there), whatever its declared type.
pub(super) fn attachment(cx: &Ctx, id: &str, n: &str) -> Response {
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
pub(super) fn short_name(name: &str) -> String {
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

/// Events: the event log of the region, newest first, filtered by type, configuration set and
/// message (`?message=ID` is the page of one message's events), a page at a time.
pub(super) fn events(cx: &Ctx) -> Response {
    let q = EventsQuery {
        event_type: cx.field("type"),
        config_set: cx.field("set"),
        message_id: cx.field("message"),
        page: cx.field("page").parse::<usize>().unwrap_or(1).max(1),
    };
    let event_type = match q.event_type.as_str() {
        "" => None,
        t => match ops::events::parse_type(t) {
            Ok(t) => Some(t),
            Err(e) => return cx.error_page(400, Nav::Events, "Events", &e.message),
        },
    };
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let filter = ops::events::EventQuery {
        event_type,
        config_set: some(&q.config_set),
        message_id: some(&q.message_id),
        since: None,
        region: Some(cx.region.clone()),
    };
    let read = cx
        .api
        .live()
        .store()
        .read_events_where(0, |e| ops::events::matches(e, &filter));
    let mut events = match read {
        Ok(events) => events,
        Err(e) => return plain_error(&e),
    };
    events.reverse();
    let total = events.len();
    let shown_events: Vec<_> = events
        .into_iter()
        .skip((q.page - 1) * EVENTS_PAGE)
        .take(EVENTS_PAGE)
        .collect();
    cx.page(200, Nav::Events, |f| {
        pages::events(f, &shown_events, total, &q)
    })
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
}
