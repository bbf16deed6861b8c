//! Watches that ask for the same thing share one evaluation: per distinct
//! request (filters and target), one task follows the processed-article feed,
//! evaluates the request once per article and broadcasts what matched to every
//! watcher of that request. So a processed article costs one evaluation per
//! distinct request, however many clients watch it; a thousand dashboards on
//! the same filter cost what one does.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use readout_proto::v1::{WatchResultsRequest, WatchResultsResponse};
use tokio::sync::broadcast;
use tonic::Status;

use crate::feed::{Processed, ProcessedFeed, BACKLOG};

/// What a group broadcasts: an article's matches, or the error that ends it.
pub type Outcome = Arc<Result<WatchResultsResponse, Status>>;

/// Evaluates one request against one processed article.
pub type Evaluate = Arc<
    dyn Fn(
            Arc<Processed>,
        )
            -> Pin<Box<dyn Future<Output = Result<Option<WatchResultsResponse>, Status>> + Send>>
        + Send
        + Sync,
>;

/// A request as the groups tell them apart.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct WatchKey {
    event_filter: String,
    quote_query: String,
    quote_filter: String,
    target: i32,
}

impl WatchKey {
    /// The key of a request.
    pub fn of(request: &WatchResultsRequest) -> WatchKey {
        WatchKey {
            event_filter: request.event_filter.trim().to_owned(),
            quote_query: request.quote_query.trim().to_owned(),
            quote_filter: request.quote_filter.trim().to_owned(),
            target: request.target,
        }
    }
}

type Groups = Arc<Mutex<HashMap<WatchKey, broadcast::Sender<Outcome>>>>;

/// The groups of one query service process (cheap to clone).
#[derive(Clone)]
pub struct WatchGroups {
    groups: Groups,
    feed: ProcessedFeed,
}

impl WatchGroups {
    /// No groups yet; they follow `feed`.
    pub fn new(feed: ProcessedFeed) -> Self {
        WatchGroups {
            groups: Arc::default(),
            feed,
        }
    }

    /// How many distinct requests are being evaluated.
    pub fn len(&self) -> usize {
        lock(&self.groups).len()
    }

    /// True when nothing is watched.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Joins the group of `key`, starting it (with `evaluate`) if it is the
    /// first watcher. Everything processed after this call is evaluated.
    pub fn join(&self, key: WatchKey, evaluate: Evaluate) -> broadcast::Receiver<Outcome> {
        let mut groups = lock(&self.groups);
        if let Some(sender) = groups.get(&key) {
            return sender.subscribe();
        }
        let (sender, receiver) = broadcast::channel(BACKLOG);
        groups.insert(key.clone(), sender.clone());
        let announcements = self.feed.subscribe();
        tokio::spawn(run_group(
            self.groups.clone(),
            key,
            evaluate,
            announcements,
            sender,
        ));
        receiver
    }
}

fn lock(
    groups: &Groups,
) -> std::sync::MutexGuard<'_, HashMap<WatchKey, broadcast::Sender<Outcome>>> {
    groups
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Evaluates one group's request per processed article until its last watcher
/// has gone or an error ends it.
async fn run_group(
    groups: Groups,
    key: WatchKey,
    evaluate: Evaluate,
    mut announcements: broadcast::Receiver<Arc<Processed>>,
    sender: broadcast::Sender<Outcome>,
) {
    loop {
        let received = announcements.recv().await;
        {
            // Under the lock, so a watcher joining now either finds the group
            // alive or starts a new one.
            let mut groups = lock(&groups);
            if sender.receiver_count() == 0 {
                groups.remove(&key);
                return;
            }
        }
        let outcome = match received {
            Ok(article) => match evaluate(article).await {
                Ok(Some(matched)) => Ok(matched),
                Ok(None) => continue,
                Err(status) => Err(status),
            },
            Err(broadcast::error::RecvError::Lagged(missed)) => Err(Status::aborted(format!(
                "the watch fell {missed} articles behind; catch up with a search, then watch again"
            ))),
            Err(broadcast::error::RecvError::Closed) => Err(Status::unavailable(
                "the processed-article feed stopped; watch again",
            )),
        };
        let ends = outcome.is_err();
        let _ = sender.send(Arc::new(outcome));
        if ends {
            lock(&groups).remove(&key);
            return;
        }
    }
}
