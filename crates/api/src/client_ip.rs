//! The client address of every request, decided once at the edge of the router: the TCP peer
//! (`ConnectInfo`, set by `tapedeck serve` on plain and TLS listeners), or what a trusted proxy
//! reports in `X-Forwarded-For` (`core::client_ip`, config `trusted_proxies`). Handlers read it
//! with [`client_ip`] from the headers they already take (the audit log, login throttling).
//!
//! The decided address rides in a header only this layer writes: it first removes any copy a
//! client sent, so the value a handler reads is never the client's own claim.

use std::net::SocketAddr;

use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Where the decided address travels from this layer to the handlers.
const CLIENT_IP_HEADER: HeaderName = HeaderName::from_static("x-tapedeck-client-ip");

/// Middleware: replaces any client-sent [`CLIENT_IP_HEADER`] with the address decided from the
/// peer and `X-Forwarded-For`. Without `ConnectInfo` (requests sent straight into the router, as
/// tests do) the peer is unknown and trusted for nothing: no address.
pub async fn resolve_client_ip(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // As the `ConnectInfo` extractor does, a test's `MockConnectInfo` stands in for the socket.
    let extensions = request.extensions();
    let peer = match extensions.get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(address)) => Some(address.ip()),
        None => extensions
            .get::<MockConnectInfo<SocketAddr>>()
            .map(|MockConnectInfo(address)| address.ip()),
    };
    let headers = request.headers_mut();
    headers.remove(&CLIENT_IP_HEADER);
    // Several header lines are one list, in order (RFC 9110 §5.3).
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let forwarded = (!forwarded.is_empty()).then(|| forwarded.join(","));
    let ip = tapedeck_core::client_ip::client_ip(
        peer,
        forwarded.as_deref(),
        &state.config.trusted_proxies,
    );
    if let Some(value) = ip.and_then(|ip| HeaderValue::from_str(&ip.to_string()).ok()) {
        headers.insert(CLIENT_IP_HEADER, value);
    }
    next.run(request).await
}

/// The client address [`resolve_client_ip`] decided for this request, if any.
pub fn client_ip(headers: &HeaderMap) -> Option<String> {
    headers
        .get(&CLIENT_IP_HEADER)?
        .to_str()
        .ok()
        .map(str::to_string)
}
