//! Readout's system tests and store benchmarks, kept out of the crates they
//! exercise: `tests/suite/` is the one end-to-end test binary (the four real
//! services on ephemeral ports over a fresh database on a real PostgreSQL,
//! driven over gRPC, with the real grpcurl and the generated Python client),
//! `tests/traces.rs` checks one ingest is one trace against an OTLP collector,
//! and `benches/` holds the entity-search, event-dedup and lookup-scale
//! benchmarks. The library holds the request fuzzer (`fuzz`), which the suite
//! runs briefly and `examples/fuzz_requests.rs` at length.

pub mod fuzz;
pub mod wait;
