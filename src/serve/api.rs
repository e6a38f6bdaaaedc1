//! HTTP: routes, the Host guard, and handlers that parse the request, call
//! one flow and serialise its answer. Every refusal is JSON
//! `{"message", "parameter"}` with a 4xx status.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State as Ext};
use axum::http::header::{self, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use super::assets::Asset;
use super::edits::{self, Live};
use super::flows::{self, ExportFormat};
use super::guard::Allowed;
use super::params::{route_ask, ApiError, Params, ROUTE_PARAMS};
use super::state::State;

/// Most search hits one answer lists.
pub const MAX_SEARCH: u64 = 50;
/// Most partner edges or declarations in one page.
pub const MAX_PAGE: u64 = 100;

type Shared = Arc<Live>;
type Pairs = Result<Query<Vec<(String, String)>>, QueryRejection>;
type Id = Result<Path<String>, PathRejection>;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = json!({"message": self.message, "parameter": self.parameter});
        (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body.to_string()).into_response()
    }
}

fn json_bytes(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}

fn json_value(v: &serde_json::Value) -> Response {
    json_bytes(serde_json::to_vec(v).unwrap_or_default())
}

fn pairs(q: Pairs) -> Result<Vec<(String, String)>, ApiError> {
    q.map(|Query(v)| v).map_err(|e| ApiError::bad("query", format!("unreadable query string: {}", e.body_text())))
}

fn id(p: Id) -> Result<String, ApiError> {
    let Path(s) = p.map_err(|e| ApiError::bad("id", format!("unreadable id in the path: {}", e.body_text())))?;
    if s.trim().is_empty() || s.len() > 300 {
        return Err(ApiError::bad("id", "the id is empty or longer than 300 bytes"));
    }
    Ok(s)
}

/// Runs a flow off the async workers (flows read SQLite, which blocks).
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError { status: 500, message: format!("internal error: {e}"), parameter: None })?
}

/// Serves the kept answer for this request when there is one; else runs
/// `f` off the async workers and keeps its answer. The key is the request
/// line plus the assessment's state (bands appear in answers once it is done).
async fn cached(
    st: &Arc<State>,
    uri: &Uri,
    f: impl FnOnce(&State) -> Result<Vec<u8>, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    let key = format!("{}|{}", uri, st.risk.get().is_some());
    if let Some(body) = st.answers.get(&key) {
        return Ok(json_bytes(body.as_ref().clone()));
    }
    let st2 = st.clone();
    let body = Arc::new(blocking(move || f(&st2)).await?);
    st.answers.put(key, body.clone());
    Ok(json_bytes(Arc::unwrap_or_clone(body)))
}

fn to_json(v: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

async fn info(Ext(live): Ext<Shared>) -> Response {
    let st = live.now();
    let mut v = st.info.clone();
    v["read_only"] = json!(live.edits.is_none());
    v["edits"] = json!(live.edits.is_some());
    v["goods_lists"] = json!(st.goods.names());
    v["risk"] = json!(match st.risk.get() {
        None => "pending",
        Some(Ok(_)) => "ready",
        Some(Err(_)) => "failed",
    });
    json_value(&v)
}

async fn search(Ext(st): Ext<Shared>, uri: Uri, q: Pairs) -> Result<Response, ApiError> {
    let st = st.now();
    let v = pairs(q)?;
    let p = Params::new(&v, &["q", "limit"])?;
    let text = p
        .one("q")?
        .ok_or_else(|| ApiError::bad("q", "give the text to search for: a name in any script, a bundle id or an identifier"))?
        .to_string();
    let limit = p.uint("limit", 20, MAX_SEARCH)? as usize;
    cached(&st, &uri, move |st| Ok(to_json(&flows::search(st, &text, limit)))).await
}

async fn entity(Ext(st): Ext<Shared>, uri: Uri, p: Id, q: Pairs) -> Result<Response, ApiError> {
    let st = st.now();
    let id = id(p)?;
    Params::new(&pairs(q)?, &[])?;
    cached(&st, &uri, move |st| {
        let v = flows::node_of(st, &id)?;
        Ok(to_json(&flows::entity(st, v)?))
    })
    .await
}

const PAGE_PARAMS: &[&str] = &["limit", "offset", "since", "until", "hs", "chpl", "chpl_tier", "controlled", "country", "partner"];

async fn neighbours(Ext(st): Ext<Shared>, uri: Uri, p: Id, q: Pairs) -> Result<Response, ApiError> {
    let st = st.now();
    let id = id(p)?;
    let v = pairs(q)?;
    let p = Params::new(&v, &PAGE_PARAMS[..9])?;
    let f = p.filter()?;
    let (limit, offset) = (p.uint("limit", 20, MAX_PAGE)? as usize, p.uint("offset", 0, u64::from(u32::MAX))? as usize);
    cached(&st, &uri, move |st| {
        let node = flows::node_of(st, &id)?;
        Ok(to_json(&flows::neighbours(st, node, &f, limit, offset)))
    })
    .await
}

async fn entity_shipments(Ext(st): Ext<Shared>, p: Id, q: Pairs) -> Result<Response, ApiError> {
    let st = st.now();
    let id = id(p)?;
    let v = pairs(q)?;
    blocking(move || {
        let p = Params::new(&v, PAGE_PARAMS)?;
        let mut f = p.filter()?;
        if let Some(partner) = p.one("partner")? {
            f.partner = Some(flows::node_of(&st, partner).map_err(|e| ApiError { parameter: Some("partner".into()), ..e })?);
        }
        let (limit, offset) = (p.uint("limit", 20, MAX_PAGE)? as usize, p.uint("offset", 0, u64::from(u32::MAX))? as usize);
        let node = flows::node_of(&st, &id)?;
        Ok(json_value(&flows::shipments_of(&st, node, &f, limit, offset)?))
    })
    .await
}

async fn shipment(Ext(st): Ext<Shared>, p: Id, q: Pairs) -> Result<Response, ApiError> {
    let st = st.now();
    let id = id(p)?;
    Params::new(&pairs(q)?, &[])?;
    blocking(move || Ok(json_value(&flows::shipment(&st, &id)?))).await
}

async fn routes(Ext(st): Ext<Shared>, uri: Uri, q: Pairs) -> Result<Response, ApiError> {
    let st = st.now();
    let v = pairs(q)?;
    let ask = route_ask(&Params::new(&v, ROUTE_PARAMS)?, &st.goods)?;
    cached(&st, &uri, move |st| Ok(flows::routes(st, &ask)?)).await
}

async fn export(Ext(st): Ext<Shared>, q: Pairs) -> Result<Response, ApiError> {
    let st = st.now();
    let v = pairs(q)?;
    blocking(move || {
        let p = Params::new(&v, &["format", "nodes", "since", "until", "hs", "chpl", "chpl_tier", "controlled"])?;
        let format = match p.one("format")? {
            None | Some("dot") => ExportFormat::Dot,
            Some("svg") => ExportFormat::Svg,
            Some("png") => ExportFormat::Png,
            Some(x) => return Err(ApiError::bad("format", format!("'{x}' is not dot, svg or png"))),
        };
        let f = p.filter()?;
        let mut nodes = Vec::new();
        for id in p.all("nodes").iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
            let v = flows::node_of(&st, id).map_err(|e| ApiError { parameter: Some("nodes".into()), ..e })?;
            if !nodes.contains(&v) {
                nodes.push(v);
            }
        }
        if nodes.is_empty() {
            return Err(ApiError::bad("nodes", "give the ids of the parties to draw, comma-separated"));
        }
        if nodes.len() > flows::MAX_EXPORT_NODES {
            return Err(ApiError::bad("nodes", format!("at most {} parties per exported view", flows::MAX_EXPORT_NODES)));
        }
        let ext = match format {
            ExportFormat::Dot => "dot",
            ExportFormat::Svg => "svg",
            ExportFormat::Png => "png",
        };
        let (bytes, ctype) = flows::export(&st, &nodes, &f, format)?;
        let disposition = format!("attachment; filename=\"divtrace-view.{ext}\"");
        Ok(([(header::CONTENT_TYPE, ctype.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
    })
    .await
}

/// `POST /api/decisions` (only with `--allow-edits`): a merge or split, recorded as `resolve --merge/--split` records it.
async fn decide(Ext(live): Ext<Shared>, headers: axum::http::HeaderMap, body: axum::body::Bytes) -> Result<Response, ApiError> {
    let Some(gate) = &live.edits else {
        return Err(ApiError { status: 405, message: "edits are off: start the server with --allow-edits".into(), parameter: None });
    };
    if !gate.permits(headers.get(edits::TOKEN_HEADER).map(HeaderValue::as_bytes)) {
        return Err(ApiError {
            status: 403,
            message: "refused: a write needs the edit token printed at start-up, in the X-Divtrace-Token header".into(),
            parameter: Some("X-Divtrace-Token".into()),
        });
    }
    let ctype = headers.get(header::CONTENT_TYPE).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !ctype.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json") {
        return Err(ApiError {
            status: 415,
            message: "send the decision as application/json".into(),
            parameter: Some("Content-Type".into()),
        });
    }
    let ask = edits::parse(&body)?;
    let live2 = live.clone();
    let v = blocking(move || edits::decide(&live2, &ask)).await?;
    Ok(json_value(&v))
}

async fn asset(Ext(assets): Ext<&'static [Asset]>, req: Request) -> Response {
    match super::assets::find(assets, req.uri().path()) {
        Some((ctype, bytes)) => ([(header::CONTENT_TYPE, ctype)], Body::from(bytes)).into_response(),
        None if req.uri().path().starts_with("/api/") => {
            ApiError::not_found("path", format!("no API endpoint {} (docs/serve.md lists them)", req.uri().path())).into_response()
        }
        None => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "not found").into_response(),
    }
}

/// Refuses foreign `Host`s, and marks every answer as not to be framed, sniffed or sent on.
async fn guard(Ext(allowed): Ext<Arc<Allowed>>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !allowed.permits(host) {
        return ApiError {
            status: 403,
            message: format!(
                "refused: Host '{}' is not this server (only localhost and the bound address are answered)",
                host.escape_debug()
            ),
            parameter: Some("Host".into()),
        }
        .into_response();
    }
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

pub fn router(state: Shared, allowed: Allowed, assets: &'static [Asset]) -> Router {
    let page = Router::new().fallback(asset).with_state(assets);
    Router::new()
        // Refused with 405 unless the server was started with --allow-edits.
        .route("/api/decisions", post(decide))
        .route("/api/info", get(info))
        .route("/api/search", get(search))
        .route("/api/entities/{id}", get(entity))
        .route("/api/entities/{id}/neighbours", get(neighbours))
        .route("/api/entities/{id}/shipments", get(entity_shipments))
        .route("/api/shipments/{id}", get(shipment))
        .route("/api/routes", get(routes))
        .route("/api/export", get(export))
        .with_state(state)
        .fallback_service(page)
        .layer(middleware::from_fn_with_state(Arc::new(allowed), guard))
}
