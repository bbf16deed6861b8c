//! The processed-article feed: one PostgreSQL LISTEN connection per query
//! service process; each announced article with the entities its results
//! involve (read for a whole batch of announcements at once), broadcast to the
//! watch dispatcher (`watch_groups`).

use std::collections::HashSet;
use std::sync::Arc;

use backon::Retryable;
use readout_server::shutdown::Draining;
use readout_store::PgPool;
use tokio::sync::broadcast;
use uuid::Uuid;

/// How many announcements a watcher may fall behind before its stream is aborted.
pub const BACKLOG: usize = 4096;

/// A processed article as announced to watches: its id, and the entities its
/// results involve (`None` when they could not be read: every watch then
/// evaluates it).
#[derive(Debug)]
pub struct Processed {
    /// The article.
    pub article: Uuid,
    /// See [`readout_store::reads::articles_entity_ids`].
    pub entities: Option<HashSet<Uuid>>,
}

/// Announcements of processed articles (cheap to clone).
#[derive(Clone)]
pub struct ProcessedFeed {
    sender: broadcast::Sender<Arc<Processed>>,
}

impl ProcessedFeed {
    /// Starts listening on `pool`'s database until the server drains.
    pub fn start(pool: PgPool, mut draining: Draining) -> ProcessedFeed {
        let (sender, _) = broadcast::channel(BACKLOG);
        let feed = ProcessedFeed {
            sender: sender.clone(),
        };
        tokio::spawn(async move {
            tokio::select! {
                _ = listen(pool, sender) => {}
                _ = draining.started() => {}
            }
        });
        feed
    }

    /// A receiver of every article processed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Processed>> {
        self.sender.subscribe()
    }
}

/// Most announcements whose entities are read in one query.
const READ_BATCH: usize = 256;

async fn listen(pool: PgPool, sender: broadcast::Sender<Arc<Processed>>) {
    // The listener forwards ids as they arrive; the announcer reads the entities
    // of all that have arrived meanwhile in one query (a worker's batch of
    // articles is announced together), instead of one query per article.
    let (ids, mut arrived) = tokio::sync::mpsc::channel::<Uuid>(BACKLOG);
    tokio::spawn(forward_notifications(pool.clone(), ids));
    let mut batch = Vec::with_capacity(READ_BATCH);
    while arrived.recv_many(&mut batch, READ_BATCH).await > 0 {
        // Nobody watching: nothing to announce or read.
        if sender.receiver_count() == 0 {
            batch.clear();
            continue;
        }
        let mut involved = readout_store::reads::articles_entity_ids(&pool, &batch)
            .await
            .ok();
        for article in batch.drain(..) {
            let entities = involved
                .as_mut()
                .map(|by_article| by_article.remove(&article).unwrap_or_default());
            let _ = sender.send(Arc::new(Processed { article, entities }));
        }
    }
}

/// Forwards the ids of processed articles from PostgreSQL's notifications
/// until `ids` closes, reconnecting after a lost connection.
async fn forward_notifications(pool: PgPool, ids: tokio::sync::mpsc::Sender<Uuid>) {
    loop {
        let connect = || readout_store::articles::listen_processed(&pool);
        let Ok(mut listener) = connect
            .retry(readout_server::retry::outage())
            .notify(|error, delay| {
                tracing::warn!(%error, ?delay, "cannot listen for processed articles; retrying")
            })
            .await
        else {
            // The outage policy retries for as long as it lasts.
            continue;
        };
        loop {
            // try_recv reports a lost connection as None (announcements during the
            // gap are lost; watchers are told in the Watch documentation to catch up
            // with a search after reconnecting).
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    if let Ok(article) = Uuid::parse_str(notification.payload()) {
                        if ids.send(article).await.is_err() {
                            return;
                        }
                    }
                }
                Ok(None) => {
                    tracing::warn!("processed-article listener reconnected; announcements may have been missed");
                }
                Err(error) => {
                    tracing::warn!(%error, "processed-article listener failed; reconnecting");
                    break;
                }
            }
        }
    }
}
