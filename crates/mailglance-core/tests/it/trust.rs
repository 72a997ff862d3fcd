//! Where tokens may go: a client file or a setting that points off this computer over
//! plain http (or off Google's hosts) is refused before anything is sent. A capture
//! server reached through a non-loopback address (`0.0.0.0` reaches this machine) must
//! receive nothing.

use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mailglance_core::gmail::PageQuery;

use crate::helpers::{ANA, Fixture};

/// A server on every address that counts the connections it is sent (and reads them).
struct Capture {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Capture {
    fn start() -> Self {
        let listener = TcpListener::bind("0.0.0.0:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                seen.fetch_add(1, Ordering::SeqCst);
                let mut stream = stream;
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(200)));
                let _ = stream.read(&mut [0; 4096]);
            }
        });
        // It works: a connection to 0.0.0.0 reaches it and is counted.
        drop(std::net::TcpStream::connect(("0.0.0.0", port)).unwrap());
        let capture = Self { port, connections };
        capture.wait_for(1);
        capture.connections.store(0, Ordering::SeqCst);
        capture
    }

    fn wait_for(&self, n: usize) {
        for _ in 0..100 {
            if self.connections.load(Ordering::SeqCst) >= n {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://0.0.0.0:{}/{path}", self.port)
    }

    fn received(&self) -> usize {
        std::thread::sleep(std::time::Duration::from_millis(200));
        self.connections.load(Ordering::SeqCst)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_client_file_is_refused_and_its_host_receives_nothing() {
    let f = Fixture::new().await;
    let signed_in = f.app();
    let account = f.sign_in(&signed_in, ANA).await;
    let capture = Capture::start();
    let file = &f.paths.client_file;
    let text = std::fs::read_to_string(file).unwrap();
    let token_uri =
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["installed"]["token_uri"]
            .as_str()
            .unwrap()
            .to_owned();
    std::fs::write(file, text.replace(&token_uri, &capture.url("token"))).unwrap();

    // A new launch: no sign-in starts, and the account's refresh token is not sent.
    let app = f.app();
    let e = app.start_sign_in(None).await.unwrap_err().to_string();
    assert!(
        e.contains("\"installed.token_uri\" points at http://0.0.0.0:"),
        "{e}"
    );
    assert!(e.contains("download it again"), "{e}");
    let e = app
        .list_page(&account.id, PageQuery::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("installed.token_uri"), "{e}");
    assert_eq!(
        capture.received(),
        0,
        "the capture server received a connection"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gmail_endpoint_in_plain_http_off_this_computer_never_sees_a_token() {
    let f = Fixture::new().await;
    let signed_in = f.app();
    let account = f.sign_in(&signed_in, ANA).await;
    let capture = Capture::start();
    f.set_endpoint("gmail", &capture.url(""));
    let app = f.app();
    let e = app
        .list_page(&account.id, PageQuery::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("\"endpoints.gmail\" is plain http to 0.0.0.0, which is not this computer"),
        "{e}"
    );
    assert_eq!(
        capture.received(),
        0,
        "the capture server received a connection"
    );
}
