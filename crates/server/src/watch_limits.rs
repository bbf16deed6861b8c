//! Limits on open Watch streams, per process and per client (by address):
//! a watch beyond either is refused with RESOURCE_EXHAUSTED, so one client
//! cannot hold every stream a server can keep.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tonic::Status;

#[derive(Default)]
struct Open {
    total: usize,
    per_client: HashMap<IpAddr, usize>,
}

/// The open watches of one server and its limits (cheap to clone).
#[derive(Clone)]
pub struct WatchLimits {
    open: Arc<Mutex<Open>>,
    max_total: usize,
    max_per_client: usize,
}

/// One admitted watch; dropping it (when the stream ends) frees its place.
pub struct WatchSlot {
    open: Arc<Mutex<Open>>,
    client: Option<IpAddr>,
}

impl WatchLimits {
    /// At most `max_total` watches open at once, `max_per_client` from one address.
    pub fn new(max_total: usize, max_per_client: usize) -> Self {
        WatchLimits {
            open: Arc::default(),
            max_total,
            max_per_client,
        }
    }

    /// A place for one more watch from `client` (its address, when known).
    pub fn admit(&self, client: Option<IpAddr>) -> Result<WatchSlot, Status> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.total >= self.max_total {
            return Err(Status::resource_exhausted(format!(
                "this server has {} watches open, the most it keeps; retry later",
                open.total
            )));
        }
        if let Some(client) = client {
            let mine = open.per_client.entry(client).or_default();
            if *mine >= self.max_per_client {
                return Err(Status::resource_exhausted(format!(
                    "this client has {} watches open, the most one client may; close one first",
                    *mine
                )));
            }
            *mine += 1;
        }
        open.total += 1;
        Ok(WatchSlot {
            open: self.open.clone(),
            client,
        })
    }
}

impl Drop for WatchSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.total = open.total.saturating_sub(1);
        if let Some(client) = self.client {
            if let Some(mine) = open.per_client.get_mut(&client) {
                *mine -= 1;
                if *mine == 0 {
                    open.per_client.remove(&client);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_beyond_either_limit_and_frees_on_drop() {
        let limits = WatchLimits::new(3, 2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let first = limits.admit(Some(a)).unwrap();
        let _second = limits.admit(Some(a)).unwrap();
        let refused = limits.admit(Some(a)).err().unwrap();
        assert_eq!(refused.code(), tonic::Code::ResourceExhausted);
        let _third = limits.admit(Some(b)).unwrap();
        assert!(limits.admit(Some(b)).is_err(), "the process limit");
        drop(first);
        assert!(limits.admit(Some(a)).is_ok());
    }
}
