//! Which door a request is for, and the one place every door is named: the transport
//! (`mod.rs`) reads a request whole, asks `route` how much body it may have, then
//! `Api::handle` passes it to its door on a blocking thread. No door imports another.

use super::api::Api;
use super::http::{self, Request, Response};
use super::sesv2::router::{self, Routed};
use super::{console, sesm, sesv1, sesv2};

/// The door a request's method and path name.
pub enum Route {
    /// `POST /`: the query protocol, SES v1 or STS.
    Query,
    /// `/console…`, and a browser's `GET /`.
    Console,
    /// `/_sesm/…`.
    Sesm,
    /// Everything else: SESv2's routes (or its 404 and 405).
    Sesv2(std::result::Result<Routed, String>),
}

/// What a `POST /` body (STS, SES v1) may weigh: v1's SendRawEmail takes messages up to 10 MB
/// (SES v1 API reference, `SendRawEmail`), base64 and then form-encoded.
pub const V1_BODY_LIMIT: usize = 16 * 1024 * 1024;
/// What a console form or a `/_sesm` body may weigh.
const SMALL_BODY_LIMIT: usize = 1024 * 1024;

impl Route {
    pub fn of(req_method: &str, path: &str, accept: Option<&str>) -> Route {
        if path == "/" && req_method == "POST" {
            Route::Query
        } else if console::is_console(req_method, path, accept) {
            Route::Console
        } else if sesm::is_sesm(path) {
            Route::Sesm
        } else {
            Route::Sesv2(router::find(req_method, path))
        }
    }

    /// The most body bytes the route takes.
    pub fn body_limit(&self) -> usize {
        match self {
            Route::Query => V1_BODY_LIMIT,
            Route::Console | Route::Sesm => SMALL_BODY_LIMIT,
            Route::Sesv2(routed) => sesv2::body_limit(routed),
        }
    }
}

/// A handled request: the response, and the operation it named (for the log).
pub struct Handled {
    pub response: Response,
    pub operation: &'static str,
}

impl Api {
    /// Answers one request. Never panics out: a panic in an operation is a 500 and the
    /// server keeps serving (the state is untouched, as a change is made on a copy and
    /// written only on success).
    pub fn handle(&self, req: &Request) -> Handled {
        let (path, _) = req.path_and_query();
        let route = Route::of(&req.method, path, req.header("accept"));
        self.handle_routed(req, route)
    }

    /// `handle` for a request the server already routed (to find its body limit).
    pub fn handle_routed(&self, req: &Request, route: Route) -> Handled {
        let id = self.request_id();
        let (response, operation) =
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                dispatch(self, req, route, &id)
            })) {
                Ok(handled) => handled,
                Err(_) => (
                    http::json_error(
                        500,
                        "InternalFailure",
                        "sesm failed on this request; the state was left as it was",
                    ),
                    "Unknown",
                ),
            };
        Handled {
            response: response.header("x-amzn-RequestId", id),
            operation,
        }
    }
}

fn dispatch(api: &Api, req: &Request, route: Route, id: &str) -> (Response, &'static str) {
    match route {
        Route::Query if sesm::is_sts(req) => (sesm::sts(api, req, id), "GetCallerIdentity"),
        Route::Query => sesv1::handle(api, req, id),
        Route::Console => (console::handle(api, req), "Console"),
        Route::Sesm => sesm::handle(api, req, id),
        Route::Sesv2(routed) => sesv2::handle(api, req, routed),
    }
}
