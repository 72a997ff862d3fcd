//! A service of the tests' own on the test session's D-Bus (the private bus
//! `scripts/test-session.sh` starts): what a desktop would run there.

/// Serves `object` at `path` under the well-known `name`, from a thread and runtime of
/// its own that live as long as the test process (each test's runtime ends with the
/// test); returns the connection, for calls and signals. Panics, saying which name, when
/// the name cannot be taken.
pub fn serve<I: zbus::object_server::Interface>(
    name: &'static str,
    path: &'static str,
    object: I,
) -> zbus::Connection {
    let (ready, started) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let built = match zbus::connection::Builder::session()
                .and_then(|b| b.name(name))
                .and_then(|b| b.serve_at(path, object))
            {
                Ok(b) => b.build().await,
                Err(e) => Err(e),
            };
            let _ = ready.send(built.map_err(|e| e.to_string()));
            // Serve for as long as the process lives.
            std::future::pending::<()>().await;
        });
    });
    started
        .recv()
        .unwrap()
        .unwrap_or_else(|e| panic!("{name} could not be taken on the session bus: {e}"))
}
