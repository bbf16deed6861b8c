//! Server plumbing shared by every Readout service: the gRPC server builder with
//! its layers, health and reflection, graceful shutdown, configuration pieces and
//! telemetry. Services bring their handlers; this crate brings everything around them.

pub mod admission;
pub mod client_faults;
pub mod config;
pub mod gate;
pub mod metrics;
pub mod pushback;
pub mod read_ahead;
pub mod request;
pub mod retry;
pub mod serve;
pub mod shutdown;
pub mod status;
pub mod telemetry;
pub mod tls;
pub mod trace_context;
pub mod watch_limits;

pub use config::{CommonArgs, LogFormat, Secret};
pub use serve::{bind, Plumbing};
pub use shutdown::shutdown_signal;
