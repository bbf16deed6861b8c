//! Watches that ask for the same thing share one evaluation, and a processed
//! article only reaches the requests that could match it.
//!
//! Per distinct request (filters and target) one task evaluates the request
//! against the articles it is given and broadcasts what matched to every
//! watcher of that request: a thousand dashboards on the same filter cost what
//! one does. One dispatcher follows the processed-article feed and hands each
//! article only to the groups indexed under an entity the article's results
//! involve, and to the groups whose request names no entity; so thousands of
//! watches that follow entities cost nothing for the articles not about them
//! (no task woken, no query), and the cost of an article grows with the
//! watches it may interest, not with the number of watches.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use readout_proto::v1::{WatchResultsRequest, WatchResultsResponse};
use tokio::sync::{broadcast, mpsc};
use tonic::Status;
use uuid::Uuid;

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

/// How often groups whose last watcher has gone are removed.
const SWEEP_PERIOD: Duration = Duration::from_secs(1);

/// Why a group's article queue closed.
const ENDED_QUIETLY: u8 = 0;
const ENDED_LAGGING: u8 = 1;
const ENDED_FEED_STOPPED: u8 = 2;

/// One group: where its articles go, where its outcomes come from.
struct Group {
    /// Tells this group apart from a later one with the same key.
    id: u64,
    /// The articles to evaluate (the dispatcher never waits on a full queue:
    /// a group that falls `BACKLOG` articles behind ends).
    articles: mpsc::Sender<Arc<Processed>>,
    /// The watchers' receivers subscribe here.
    outcomes: broadcast::Sender<Outcome>,
    /// Entities the group is indexed under; `None`: every article.
    index: Option<Vec<Uuid>>,
    /// Why its queue closed, for its task to tell the watchers.
    ending: Arc<AtomicU8>,
}

#[derive(Default)]
struct Registry {
    groups: HashMap<WatchKey, Group>,
    by_entity: HashMap<Uuid, HashSet<WatchKey>>,
    unindexed: HashSet<WatchKey>,
    next_id: u64,
    dispatching: bool,
}

impl Registry {
    fn remove(&mut self, key: &WatchKey, ending: u8) {
        let Some(group) = self.groups.remove(key) else {
            return;
        };
        group.ending.store(ending, Ordering::SeqCst);
        match &group.index {
            None => {
                self.unindexed.remove(key);
            }
            Some(entities) => {
                for entity in entities {
                    if let Some(keys) = self.by_entity.get_mut(entity) {
                        keys.remove(key);
                        if keys.is_empty() {
                            self.by_entity.remove(entity);
                        }
                    }
                }
            }
        }
    }

    /// The groups an article may interest.
    fn interested(&self, processed: &Processed) -> Vec<&WatchKey> {
        let Some(involved) = &processed.entities else {
            return self.groups.keys().collect();
        };
        let mut keys: HashSet<&WatchKey> = self.unindexed.iter().collect();
        for entity in involved {
            if let Some(indexed) = self.by_entity.get(entity) {
                keys.extend(indexed);
            }
        }
        keys.into_iter().collect()
    }
}

type Shared = Arc<Mutex<Registry>>;

/// The groups of one query service process (cheap to clone).
#[derive(Clone)]
pub struct WatchGroups {
    registry: Shared,
    feed: ProcessedFeed,
}

impl WatchGroups {
    /// No groups yet; they follow `feed`.
    pub fn new(feed: ProcessedFeed) -> Self {
        WatchGroups {
            registry: Arc::default(),
            feed,
        }
    }

    /// How many distinct requests are being evaluated.
    pub fn len(&self) -> usize {
        lock(&self.registry).groups.len()
    }

    /// True when nothing is watched.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Joins the group of `key`, starting it (with `evaluate`) if it is the
    /// first watcher. `index` holds entities of which the article's results must
    /// involve at least one for the request to match (`None`: any article may
    /// match). Everything processed after this call is evaluated.
    pub fn join(
        &self,
        key: WatchKey,
        index: Option<Vec<Uuid>>,
        evaluate: Evaluate,
    ) -> broadcast::Receiver<Outcome> {
        let mut registry = lock(&self.registry);
        if !registry.dispatching {
            registry.dispatching = true;
            tokio::spawn(dispatch(self.registry.clone(), self.feed.subscribe()));
        }
        if let Some(group) = registry.groups.get(&key) {
            return group.outcomes.subscribe();
        }
        let (outcomes, receiver) = broadcast::channel(BACKLOG);
        let (articles, queue) = mpsc::channel(BACKLOG);
        let ending = Arc::new(AtomicU8::new(ENDED_QUIETLY));
        let id = registry.next_id;
        registry.next_id += 1;
        match &index {
            None => {
                registry.unindexed.insert(key.clone());
            }
            Some(entities) => {
                for entity in entities {
                    registry
                        .by_entity
                        .entry(*entity)
                        .or_default()
                        .insert(key.clone());
                }
            }
        }
        registry.groups.insert(
            key.clone(),
            Group {
                id,
                articles,
                outcomes: outcomes.clone(),
                index,
                ending: ending.clone(),
            },
        );
        tokio::spawn(run_group(
            self.registry.clone(),
            key,
            id,
            evaluate,
            queue,
            outcomes,
            ending,
        ));
        receiver
    }
}

fn lock(registry: &Shared) -> std::sync::MutexGuard<'_, Registry> {
    registry
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Hands each processed article to the groups it may interest, and removes
/// the groups whose last watcher has gone.
async fn dispatch(registry: Shared, mut announcements: broadcast::Receiver<Arc<Processed>>) {
    let mut sweep = tokio::time::interval(SWEEP_PERIOD);
    sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            received = announcements.recv() => {
                let mut registry = lock(&registry);
                match received {
                    Ok(processed) => {
                        let mut lagging = Vec::new();
                        for key in registry.interested(&processed) {
                            let group = &registry.groups[key];
                            if let Err(mpsc::error::TrySendError::Full(_)) =
                                group.articles.try_send(processed.clone())
                            {
                                lagging.push(key.clone());
                            }
                        }
                        for key in lagging {
                            registry.remove(&key, ENDED_LAGGING);
                        }
                    }
                    // The dispatcher itself fell behind the feed: every group missed articles.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let keys: Vec<WatchKey> = registry.groups.keys().cloned().collect();
                        for key in keys {
                            registry.remove(&key, ENDED_LAGGING);
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => {
                        let keys: Vec<WatchKey> = registry.groups.keys().cloned().collect();
                        for key in keys {
                            registry.remove(&key, ENDED_FEED_STOPPED);
                        }
                        registry.dispatching = false;
                        return;
                    }
                }
            }
            _ = sweep.tick() => {
                let mut registry = lock(&registry);
                let deserted: Vec<WatchKey> = registry
                    .groups
                    .iter()
                    .filter(|(_, group)| group.outcomes.receiver_count() == 0)
                    .map(|(key, _)| key.clone())
                    .collect();
                for key in deserted {
                    registry.remove(&key, ENDED_QUIETLY);
                }
            }
        }
    }
}

/// Evaluates one group's request for each article it is given until the
/// dispatcher drops it (no watcher left, fallen behind, feed stopped) or an
/// error ends it.
async fn run_group(
    registry: Shared,
    key: WatchKey,
    id: u64,
    evaluate: Evaluate,
    mut articles: mpsc::Receiver<Arc<Processed>>,
    outcomes: broadcast::Sender<Outcome>,
    ending: Arc<AtomicU8>,
) {
    while let Some(article) = articles.recv().await {
        if ending.load(Ordering::SeqCst) == ENDED_LAGGING {
            break;
        }
        if outcomes.receiver_count() == 0 {
            // The sweep removes the group; nobody is listening meanwhile.
            continue;
        }
        match evaluate(article).await {
            Ok(None) => {}
            Ok(Some(matched)) => {
                let _ = outcomes.send(Arc::new(Ok(matched)));
            }
            Err(status) => {
                let _ = outcomes.send(Arc::new(Err(status)));
                let mut registry = lock(&registry);
                if registry
                    .groups
                    .get(&key)
                    .is_some_and(|group| group.id == id)
                {
                    registry.remove(&key, ENDED_QUIETLY);
                }
                return;
            }
        }
    }
    let status = match ending.load(Ordering::SeqCst) {
        ENDED_LAGGING => Status::aborted(format!(
            "the watch fell more than {BACKLOG} articles behind; catch up with a search, then watch again"
        )),
        ENDED_FEED_STOPPED => {
            Status::unavailable("the processed-article feed stopped; watch again")
        }
        _ => return,
    };
    let _ = outcomes.send(Arc::new(Err(status)));
}
