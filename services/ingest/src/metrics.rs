//! The ingest service's own Prometheus metrics (registered on first use; the
//! server's `/metrics` serves them beside the gRPC and pool metrics).

use std::sync::LazyLock;

use readout_server::metrics::{counter, gauge, Counter, FloatGauge, Unit};

/// Articles whose results are stored.
pub static ARTICLES_PROCESSED: LazyLock<Counter> = LazyLock::new(|| {
    counter(
        "readout_ingest_articles_processed",
        "Articles whose results are stored",
    )
});
/// Words of the processed articles (extraction throughput).
pub static WORDS_PROCESSED: LazyLock<Counter> = LazyLock::new(|| {
    counter(
        "readout_ingest_words_processed",
        "Words of processed articles",
    )
});
/// Processing attempts an article caused to fail.
pub static ATTEMPTS_FAILED: LazyLock<Counter> = LazyLock::new(|| {
    counter(
        "readout_ingest_attempts_failed",
        "Processing attempts that failed because of the article",
    )
});
/// Batches given back because a dependency was unavailable.
pub static OUTAGE_RELEASES: LazyLock<Counter> = LazyLock::new(|| {
    counter(
        "readout_ingest_outage_releases",
        "Batches given back because a dependency was unavailable",
    )
});
/// Seconds from acceptance to stored results, last processed article.
pub static PROCESSING_LAG: LazyLock<FloatGauge> = LazyLock::new(|| {
    gauge(
        "readout_ingest_processing_lag",
        "From acceptance to stored results, last processed article",
        Some(Unit::Seconds),
    )
});
/// Articles waiting for or under processing.
pub static QUEUE_DEPTH: LazyLock<FloatGauge> = LazyLock::new(|| {
    gauge(
        "readout_ingest_queue_depth",
        "Articles waiting for or under processing",
        None,
    )
});

/// Registers every ingest metric, so each shows (at zero) from the first scrape.
pub fn register() {
    for counter in [
        &ARTICLES_PROCESSED,
        &WORDS_PROCESSED,
        &ATTEMPTS_FAILED,
        &OUTAGE_RELEASES,
    ] {
        LazyLock::force(counter);
    }
    LazyLock::force(&PROCESSING_LAG);
    LazyLock::force(&QUEUE_DEPTH);
}
