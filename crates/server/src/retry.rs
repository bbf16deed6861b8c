//! The suite's retry policies, from one crate (backon): exponential backoff
//! with jitter and a cap. Every retry in the services uses one of these; none
//! writes its own loop of sleeps.

use std::time::Duration;

use backon::ExponentialBuilder;

/// Waiting out a dependency that is down or restarting (the database, another
/// service): 100 ms doubling to 10 s, with jitter so replicas do not retry in
/// step, for as long as the outage lasts.
pub fn outage() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_secs(10))
        .with_factor(2.0)
        .with_jitter()
        .without_max_times()
}

/// Waiting for a process this one started (a private PostgreSQL, the suite's
/// own servers) to accept connections: 100 ms doubling to 1 s, with jitter,
/// until `limit` has passed.
pub fn starting(limit: Duration) -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_secs(1))
        .with_factor(2.0)
        .with_jitter()
        .with_total_delay(Some(limit))
        .without_max_times()
}

/// Redoing a transaction that lost a race (a deadlock, a serialization
/// failure, a concurrent insert of the same key): 10 ms doubling to 200 ms with
/// jitter, at most four more tries.
pub fn conflict() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(200))
        .with_factor(2.0)
        .with_jitter()
        .with_max_times(4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use backon::BackoffBuilder;

    #[test]
    fn delays_grow_to_their_cap_and_conflicts_give_up() {
        let delays: Vec<Duration> = outage().build().take(12).collect();
        assert!(delays.iter().all(|d| *d >= Duration::from_millis(100)));
        assert!(
            delays.iter().all(|d| *d <= Duration::from_secs(20)),
            "{delays:?}"
        );
        assert!(delays[11] >= Duration::from_secs(10));
        assert_eq!(conflict().build().count(), 4);
    }
}
