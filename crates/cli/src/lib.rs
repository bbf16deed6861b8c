//! The `readout` operator tool as a library: the in-process suite (used by
//! `readout up` and the end-to-end tests), the local database set-up and the
//! extraction commands.

pub mod client;
pub mod corpus;
pub mod extract_cmd;
pub mod local_db;
pub mod record_gold;
pub mod score;
pub mod services_eval;
pub mod suite;
