//! Serving HTTP with limits a hostile client cannot wear down: a cap on open connections, a
//! deadline for the request head and for each request, and a rate per client address checked
//! before any signature work.

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// What one `serve` accepts from its clients.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Open connections at once; one more is closed at accept.
    pub max_connections: usize,
    /// The request line and headers must arrive within this.
    pub header_timeout: Duration,
    /// A whole request, body and handling included (the seed's 30 s).
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Requests per minute per client address (the seed's 100 by default).
pub struct PerIp {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl PerIp {
    /// `None` when `per_minute` is 0: no limit.
    pub fn per_minute(per_minute: u32) -> Option<Arc<PerIp>> {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute)?);
        Some(Arc::new(PerIp { limiter: RateLimiter::keyed(quota) }))
    }

    /// How long `ip` must wait, if it has used its share.
    fn check(&self, ip: IpAddr) -> Option<Duration> {
        use governor::clock::{Clock, DefaultClock};
        self.limiter.check_key(&ip).err().map(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// Refuses a client over its rate with 429 and `Retry-After`, before the request is read.
pub async fn rate_limit(State(limit): State<Option<Arc<PerIp>>>, request: Request, next: Next) -> Response {
    let ip = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    if let (Some(limit), Some(ip)) = (limit, ip)
        && let Some(wait) = limit.check(ip)
    {
        let seconds = wait.as_secs().max(1);
        let mut response =
            (StatusCode::TOO_MANY_REQUESTS, format!("too many requests; retry in {seconds} s\n")).into_response();
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert("retry-after", value);
        }
        return response;
    }
    next.run(request).await
}

/// Serves `app` on `listener` until `stop` resolves, then lets open requests finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let app = app.layer(tower_http::timeout::TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        limits.request_timeout,
    ));
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream); // over the cap: closed at once, costing nothing
            continue;
        };
        let service = TowerToHyperService::new(app.clone().layer(axum::Extension(ConnectInfo(peer))));
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    graceful.shutdown().await;
    Ok(())
}
