//! The shutdown signal: SIGINT (Ctrl-C) or SIGTERM (Kubernetes).

/// Completes when the process receives SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for sigterm");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("received sigint, shutting down"),
        _ = terminate => tracing::info!("received sigterm, shutting down"),
    }
}

/// Tells long-lived work (server streams) that the server is draining, so it can
/// end: graceful shutdown waits for every open stream, and a watch stream would
/// otherwise never end.
#[derive(Clone, Debug)]
pub struct Draining(tokio::sync::watch::Receiver<bool>);

impl Draining {
    /// Wraps `shutdown`: the returned future completes with it and flips the
    /// returned [`Draining`] first.
    pub fn after(
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> (
        impl std::future::Future<Output = ()> + Send + 'static,
        Draining,
    ) {
        let (sender, receiver) = tokio::sync::watch::channel(false);
        let signal = async move {
            shutdown.await;
            let _ = sender.send(true);
        };
        (signal, Draining(receiver))
    }

    /// Completes once the server starts draining.
    pub async fn started(&mut self) {
        while !*self.0.borrow_and_update() {
            if self.0.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}
