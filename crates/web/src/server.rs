//! How the server meets its clients: the accept loop, with a bound on open connections in
//! total and per client address, hyper's timer on reading a request's headers, a deadline on
//! its body, and an idle timeout on kept-alive connections. Without these a client that sends
//! half a request and waits holds a connection (and a file) for ever.
//!
//! It is axum's `serve` made explicit, so that hyper's own settings can be reached: each
//! accepted connection is served by hyper's HTTP/1 connection, with its header-read timeout
//! and a tokio timer, and every request goes to the same `Router` as before.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower::Service;
use tower_http::timeout::RequestBodyDeadline;

/// How long clients may take and how many connections they may hold. The defaults suit a
/// server on the open network; `waymark serve` names each one as a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServeLimits {
    /// A connection must deliver a request's headers within this time of being ready for
    /// them, or it is closed. Hyper's timer also runs while a kept-alive connection waits for
    /// its next request, so it bounds the idle time too.
    pub header_read_timeout: Duration,
    /// A request's body must have arrived in full within this time of its headers; a stalled
    /// request is then refused (408 for a form or JSON body, 422 from an import that cannot
    /// read its file) and its connection closed.
    pub request_timeout: Duration,
    /// A kept-alive connection with no request for this long after its last answer is closed.
    pub idle_timeout: Duration,
    /// Connections open at once; beyond this the server stops accepting until one closes (the
    /// rest wait in the system's queue).
    pub max_connections: usize,
    /// Connections open at once from one client address; a connection beyond this is closed
    /// as soon as it is accepted.
    pub max_connections_per_address: usize,
}

impl ServeLimits {
    pub const DEFAULT_HEADER_READ_SECS: u64 = 10;
    /// Enough for the largest upload (64 MB) at about 1.8 Mbit/s.
    pub const DEFAULT_REQUEST_SECS: u64 = 300;
    pub const DEFAULT_IDLE_SECS: u64 = 5;
    /// Under the 1,024 files a process may usually open, leaving room for the database's.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 900;
    /// Room for an office of people behind one address (a browser opens up to six
    /// connections to a server, and closes idle ones after the idle timeout).
    pub const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS: usize = 128;
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            header_read_timeout: Duration::from_secs(Self::DEFAULT_HEADER_READ_SECS),
            request_timeout: Duration::from_secs(Self::DEFAULT_REQUEST_SECS),
            idle_timeout: Duration::from_secs(Self::DEFAULT_IDLE_SECS),
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            max_connections_per_address: Self::DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
        }
    }
}

/// Accepts connections on `listener` within `limits` and serves each with `router` until
/// `shutdown` completes; then stops accepting, lets every connection finish the request it is
/// answering, and returns once all are closed.
pub(crate) async fn serve_router(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Within what a semaphore holds and what `acquire_many` can take back at the end.
    let max_connections = limits
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let open = Arc::new(Semaphore::new(max_connections));
    let per_address = PerAddress::new(limits.max_connections_per_address.max(1));
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of files, or a connection reset before it was accepted: wait a
                    // moment rather than spin, as axum's own loop does.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Some(slot) = per_address.take(peer.ip()) else {
            tracing::debug!(%peer, "refused: too many connections from this address");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let connection = Connection {
            router: router.clone(),
            peer,
            limits,
            stopping: stopping.clone(),
            _permit: permit,
            _slot: slot,
        };
        tokio::spawn(connection.serve(stream));
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection holds a permit until it closes: all of them back means all are done.
    let _ = open
        .acquire_many(u32::try_from(max_connections).unwrap_or(u32::MAX))
        .await;
    Ok(())
}

/// Whether a failure to read a request's body is its deadline passing (`request_timeout`).
pub(crate) fn body_timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// One accepted connection and what it holds until it closes.
struct Connection {
    router: Router,
    peer: SocketAddr,
    limits: ServeLimits,
    stopping: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
    _slot: AddressSlot,
}

/// Requests being answered on a connection, and how many it has answered.
#[derive(Clone, Copy, Default)]
struct Busy {
    in_flight: usize,
    answered: usize,
}

impl Connection {
    async fn serve(mut self, stream: TcpStream) {
        let (busy, mut busy_seen) = watch::channel(Busy::default());
        let service = RequestBodyDeadline::new(self.router.clone(), self.limits.request_timeout);
        let peer = self.peer;
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let answering = Answering::start(busy.clone());
            let mut service = service.clone();
            async move {
                let response: Result<Response<Body>, Infallible> = service.call(request).await;
                drop(answering);
                response
            }
        });
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.limits.header_read_timeout)
            .keep_alive(true);
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let mut connection = std::pin::pin!(connection);
        let mut closing = false;
        loop {
            tokio::select! {
                served = connection.as_mut() => {
                    if let Err(error) = served {
                        tracing::debug!(peer = %self.peer, %error, "connection ended");
                    }
                    break;
                }
                changed = self.stopping.changed(), if !closing => {
                    if changed.is_err() || *self.stopping.borrow() {
                        closing = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
                () = idle_for(&mut busy_seen, self.limits.idle_timeout), if !closing => {
                    closing = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Completes once the connection has answered a request and has had none in flight for
/// `idle`. Before its first answer a connection is bounded by the header-read timeout.
async fn idle_for(busy: &mut watch::Receiver<Busy>, idle: Duration) {
    loop {
        let now = *busy.borrow_and_update();
        if now.in_flight == 0 && now.answered > 0 {
            tokio::select! {
                () = tokio::time::sleep(idle) => return,
                changed = busy.changed() => {
                    if changed.is_err() {
                        std::future::pending::<()>().await;
                    }
                }
            }
        } else if busy.changed().await.is_err() {
            // The connection is finishing: its own future ends the loop.
            std::future::pending::<()>().await;
        }
    }
}

/// Marks a request in flight on its connection until dropped.
struct Answering(watch::Sender<Busy>);

impl Answering {
    fn start(busy: watch::Sender<Busy>) -> Self {
        busy.send_modify(|busy| busy.in_flight += 1);
        Answering(busy)
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.send_modify(|busy| {
            busy.in_flight = busy.in_flight.saturating_sub(1);
            busy.answered += 1;
        });
    }
}

/// Open connections counted by client address.
#[derive(Clone)]
struct PerAddress {
    limit: usize,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl PerAddress {
    fn new(limit: usize) -> Self {
        PerAddress {
            limit,
            open: Arc::default(),
        }
    }

    /// A slot for one more connection from `address`, or `None` when it has its limit.
    fn take(&self, address: IpAddr) -> Option<AddressSlot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(address).or_insert(0);
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            counts: self.clone(),
            address,
        })
    }
}

/// One connection's place in its address's count, given back when the connection closes.
struct AddressSlot {
    counts: PerAddress,
    address: IpAddr,
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self
            .counts
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_limit_of_slots_and_each_closed_one_back() {
        let counts = PerAddress::new(2);
        let here: IpAddr = [127, 0, 0, 1].into();
        let there: IpAddr = [10, 0, 0, 1].into();
        let first = counts.take(here).unwrap();
        let _second = counts.take(here).unwrap();
        assert!(counts.take(here).is_none());
        assert!(counts.take(there).is_some());
        drop(first);
        assert!(counts.take(here).is_some());
    }
}
