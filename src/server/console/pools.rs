//! The Dedicated IPs page, Create pool (with its as-you-type name check), and a pool's page
//! and forms.

use super::{Ctx, all_pages, plain_error, redirect, shown, status_of};
use crate::error::{Error, Result};
use crate::model::arn::{ResourceKind, arn};
use crate::model::{ScalingMode, State};
use crate::ops;
use crate::output::console::{self as pages, CreateForm, Nav};
use crate::server::http::Response;

/// Every configuration set of the region with its pool, page after page.
pub(super) fn all_sets(s: &State, region: &str) -> Result<Vec<ops::config_set::SetRow>> {
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

pub(super) fn pools(cx: &Ctx) -> Response {
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
        Ok(list) => {
            let standard = cx.query.get("tab") == Some("standard");
            cx.page(200, Nav::Pools, |f| pages::pools(f, &list, standard))
        }
        Err(e) => cx.error_page(status_of(&e), Nav::Pools, "Dedicated IPs", &shown(&e)),
    }
}

pub(super) fn create_form(cx: &Ctx, status: u16, form: &CreateForm) -> Response {
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

pub(super) fn scaling_mode(mode: &str) -> ScalingMode {
    if mode == "STANDARD" {
        ScalingMode::Standard
    } else {
        ScalingMode::Managed
    }
}

/// The Create pool form's post: add or remove a tag row (the form again), or create.
pub(super) fn create_post(cx: &Ctx) -> Response {
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
pub(super) fn check_name(cx: &Ctx) -> Response {
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
    crate::server::http::json(&serde_json::json!({ "message": message }))
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
}

pub(super) fn pool(cx: &Ctx, name: &str, status: u16, error: Option<&str>) -> Response {
    let events = match cx.api.live().store().region_events(&cx.region) {
        Ok(e) => e,
        Err(e) => return plain_error(&e),
    };
    let got = cx.read(|s| {
        let p = ops::pool::get(s, &cx.region, name)?;
        let d = ops::dashboard::get(s, &cx.region, Some(name), None, &events)?;
        let vdm = ops::vdm::pool_view(s, &cx.region, &p.configuration_sets, &events)?;
        Ok((p, d, vdm))
    });
    match got {
        Ok((p, d, vdm)) => cx.page(status, Nav::Pools, |f| {
            pages::pool(f, &p, &d, vdm.as_deref(), error)
        }),
        Err(e) => cx.error_page(status_of(&e), Nav::Pools, "Pool not found", &shown(&e)),
    }
}

/// A pool's forms: add or remove a tag, convert to managed, delete.
pub(super) fn pool_post(cx: &Ctx, name: &str, action: &str) -> Response {
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
