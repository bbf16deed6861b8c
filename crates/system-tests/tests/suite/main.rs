//! The integration test binary: every test that needs PostgreSQL or running
//! services lives here (one binary keeps link time down). Each test gets a fresh
//! database on a real PostgreSQL (`DATABASE_URL`, or the private test cluster).

mod helpers;

mod auth;
mod bad_input;
mod batching;
mod clients;
mod counts_and_ranking;
mod curation;
mod eval_gold;
mod event_direction;
mod exact_counts;
mod fuzz;
mod ingest_api;
mod lookups;
mod one_path;
mod outages;
mod plans;
mod private_cluster;
mod seeds_e2e;
mod store;
mod tls;
mod watch;
