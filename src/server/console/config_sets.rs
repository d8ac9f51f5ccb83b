//! The configuration sets list and a set's page, with its Sending IP pool form.

use super::{Ctx, all_pages, redirect, shown, status_of};
use crate::model::config_set::{Change, DeliveryChange};
use crate::ops::{self, Paging};
use crate::output::console::{self as pages, Nav};
use crate::server::http::Response;

pub(super) fn config_sets(cx: &Ctx) -> Response {
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

pub(super) fn config_set(cx: &Ctx, name: &str, status: u16, error: Option<&str>) -> Response {
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
pub(super) fn delivery_post(cx: &Ctx, name: &str) -> Response {
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
