//! Prometheus metrics at `/metrics`: deliveries by event and outcome, jobs by kind and outcome,
//! and how long ingest takes.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DeliveryLabels {
    pub event: String,
    /// `queued`, `stored`, `duplicate`, `conflict`, `rejected`, `error`.
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub kind: String,
    /// `done`, `retry`, `dead`.
    pub outcome: &'static str,
}

pub struct Metrics {
    registry: Registry,
    pub deliveries: Family<DeliveryLabels, Counter>,
    pub jobs: Family<JobLabels, Counter>,
    pub ingest_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("specbuilder");
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        let jobs = Family::<JobLabels, Counter>::default();
        let buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0];
        let ingest_seconds = Histogram::new(buckets);
        registry.register("webhook_deliveries", "Webhook deliveries received", deliveries.clone());
        registry.register("jobs", "Jobs run", jobs.clone());
        registry.register(
            "webhook_ingest_seconds",
            "Time to verify, store and enqueue a delivery",
            ingest_seconds.clone(),
        );
        Metrics { registry, deliveries, jobs, ingest_seconds }
    }
}

impl Metrics {
    /// The OpenMetrics text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
