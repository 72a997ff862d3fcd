//! The loopback listener over raw sockets: idle connections, junk, favicon requests,
//! wrong `state`, over-long requests (docs/LESSONS.md, Sign-in).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use mailglance_core::auth::Error;
use mailglance_core::auth::loopback::Listener;
use oauth2::CsrfToken;

const STATE: &str = "the-expected-state-0123456789";

/// Sends raw bytes and returns the status line of the reply (or "" when none came).
fn raw(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(bytes).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

fn get(addr: SocketAddr, target: &str) -> String {
    raw(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// As a browser does with the real reply: GET it, then the page it redirects to. The
/// redirect's `Location`, and the status line of that page.
fn browse(addr: SocketAddr, target: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let reply = String::from_utf8_lossy(&out).into_owned();
    assert!(reply.starts_with("HTTP/1.1 303"), "{reply}");
    let location = reply
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .expect("a Location")
        .to_owned();
    (location.clone(), get(addr, &location))
}

const ISSUER: &str = "https://accounts.google.com";

async fn listener() -> Listener {
    Listener::bind(CsrfToken::new(STATE.into()), Some(ISSUER.into()))
        .await
        .unwrap()
}

#[tokio::test]
async fn the_listener_binds_the_ipv4_loopback_on_a_port_the_os_picks() {
    let a = listener().await;
    let b = listener().await;
    assert!(a.addr().ip().is_loopback() && a.addr().is_ipv4());
    assert_ne!(a.addr().port(), b.addr().port());
    assert_eq!(
        a.redirect_uri(),
        format!("http://127.0.0.1:{}/", a.addr().port())
    );
}

#[tokio::test]
async fn idle_connections_favicon_and_junk_do_not_block_the_real_reply() {
    let l = listener().await;
    let addr = l.addr();
    let waiting = tokio::spawn(l.wait(Duration::from_secs(20), std::future::pending()));
    let checks = tokio::task::spawn_blocking(move || {
        // A browser's speculative connection that never sends anything.
        let _idle = TcpStream::connect(addr).unwrap();
        assert!(get(addr, "/favicon.ico").contains("404"));
        // An https client, or plain garbage, on the plain-HTTP port.
        let junk = raw(
            addr,
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n",
        );
        assert!(junk.is_empty() || junk.contains("400"), "{junk}");
        assert!(raw(addr, b"NONSENSE\r\n\r\n").contains("400"));
        // Over-long, and with a wrong state: refused, and the flow goes on.
        let long = format!("/?state={STATE}&code=x&pad={}", "a".repeat(10_000));
        assert!(get(addr, &long).contains("414"));
        assert!(get(addr, "/?state=forged&code=attacker-code").contains("400"));
        assert!(get(addr, "/?code=no-state").contains("400"));
        // The real reply, while the idle connection is still open.
        let (location, page) = browse(addr, &format!("/?state={STATE}&code=the-code&scope=x"));
        assert!(!location.contains("the-code"), "{location}");
        assert!(page.contains("200"), "{page}");
    });
    let code = waiting
        .await
        .unwrap()
        .expect("the real reply ends the flow");
    assert_eq!(code.secret(), "the-code");
    checks.await.unwrap();
    std::net::TcpListener::bind(addr).expect("the port is released");
}

#[tokio::test]
async fn access_denied_ends_the_flow_with_denied() {
    let l = listener().await;
    let addr = l.addr();
    let waiting = tokio::spawn(l.wait(Duration::from_secs(20), std::future::pending()));
    let page = tokio::task::spawn_blocking(move || {
        browse(addr, &format!("/?error=access_denied&state={STATE}"))
    });
    assert!(matches!(waiting.await.unwrap(), Err(Error::Denied)));
    let (location, page) = page.await.unwrap();
    assert_eq!(location, "/done?outcome=cancelled");
    assert!(page.contains("200"));
}

#[tokio::test]
async fn a_denial_with_the_wrong_state_is_ignored() {
    let l = listener().await;
    let addr = l.addr();
    let waiting = tokio::spawn(l.wait(Duration::from_secs(20), std::future::pending()));
    tokio::task::spawn_blocking(move || {
        assert!(get(addr, "/?error=access_denied&state=forged").contains("400"));
        assert!(
            browse(addr, &format!("/?state={STATE}&code=ok"))
                .1
                .contains("200")
        );
    })
    .await
    .unwrap();
    assert_eq!(waiting.await.unwrap().unwrap().secret(), "ok");
}

#[tokio::test]
async fn after_the_first_reply_the_port_is_closed() {
    let l = listener().await;
    let addr = l.addr();
    let first =
        tokio::task::spawn_blocking(move || browse(addr, &format!("/?state={STATE}&code=1")).1);
    let code = l
        .wait(Duration::from_secs(20), std::future::pending())
        .await
        .unwrap();
    assert_eq!(code.secret(), "1");
    assert!(first.await.unwrap().contains("200"));
    // The port is closed now: nothing more is accepted.
    assert!(TcpStream::connect(addr).is_err());
}

#[tokio::test]
async fn the_wait_times_out_and_releases_the_port() {
    let l = listener().await;
    let addr = l.addr();
    let e = l
        .wait(Duration::from_millis(200), std::future::pending())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::TimedOut { .. }));
    std::net::TcpListener::bind(addr).expect("the port is released");
}

#[tokio::test]
async fn the_code_leaves_the_address_bar_for_a_page_that_says_signed_in() {
    let l = listener().await;
    let addr = l.addr();
    let waiting = tokio::spawn(l.wait(Duration::from_secs(20), std::future::pending()));
    let (location, page) = tokio::task::spawn_blocking(move || {
        browse(
            addr,
            &format!("/?state={STATE}&code=secret-code&iss={ISSUER}"),
        )
    })
    .await
    .unwrap();
    assert_eq!(location, "/done?outcome=signed-in");
    assert!(page.contains("200"), "{page}");
    assert_eq!(waiting.await.unwrap().unwrap().secret(), "secret-code");
}

#[tokio::test]
async fn a_reply_naming_another_issuer_is_refused_as_a_mix_up() {
    let l = listener().await;
    let addr = l.addr();
    let waiting = tokio::spawn(l.wait(Duration::from_secs(20), std::future::pending()));
    let (location, _) = tokio::task::spawn_blocking(move || {
        browse(
            addr,
            &format!("/?state={STATE}&code=their-code&iss=https%3A%2F%2Fevil.example"),
        )
    })
    .await
    .unwrap();
    assert_eq!(location, "/done?outcome=failed");
    match waiting.await.unwrap() {
        Err(Error::AuthorizationFailed { error, description }) => {
            assert_eq!(error, "invalid_issuer");
            assert!(
                description.contains("https://evil.example"),
                "{description}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// Open file descriptors of this process.
fn open_files() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Waits until this process's open files are back to `count` (the runtime may take a
/// moment to drop a socket); the number it settled at.
async fn settle_to(count: usize) -> usize {
    for _ in 0..50 {
        if open_files() <= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    open_files()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_idle_connections_do_not_keep_the_reply_out_and_nothing_is_left_open() {
    let before = open_files();
    let l = listener().await;
    let addr = l.addr();
    let waiting = tokio::spawn(l.wait(Duration::from_secs(30), std::future::pending()));
    let idle: Vec<TcpStream> = (0..1000)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    // The listener accepts them and closes all but the newest 32.
    for s in &idle {
        s.set_nonblocking(true).unwrap();
    }
    let mut closed = vec![false; idle.len()];
    for _ in 0..100 {
        for (s, c) in idle.iter().zip(closed.iter_mut()) {
            // Closed by the listener: end of stream; still served: nothing to read yet.
            *c = *c || matches!((&mut &*s).read(&mut [0u8; 1]), Ok(0));
        }
        if closed.iter().filter(|c| !**c).count() <= 32 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let still_open = closed.iter().filter(|c| !**c).count();
    assert!(
        still_open <= 32,
        "{still_open} idle connections still served"
    );
    let (_, page) =
        tokio::task::spawn_blocking(move || browse(addr, &format!("/?state={STATE}&code=c1")))
            .await
            .unwrap();
    assert!(page.contains("200"), "{page}");
    assert_eq!(waiting.await.unwrap().unwrap().secret(), "c1");
    // The port is closed, and so is every connection the listener had open.
    assert!(TcpStream::connect(addr).is_err());
    drop(idle);
    assert_eq!(settle_to(before).await, before, "descriptors left open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_line_sent_a_byte_a_second_is_closed_and_a_megabyte_of_headers_refused() {
    let l = listener().await;
    let addr = l.addr();
    let waiting = tokio::spawn(l.wait(Duration::from_secs(60), std::future::pending()));
    let checks = tokio::task::spawn_blocking(move || {
        // A megabyte of headers: refused at once (431), the flow goes on.
        let mut big = TcpStream::connect(addr).unwrap();
        big.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let head = format!(
            "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Pad: {}\r\n\r\n",
            "a".repeat(1 << 20)
        );
        let _ = big.write_all(head.as_bytes());
        let mut reply = Vec::new();
        let _ = big.read_to_end(&mut reply);
        let reply = String::from_utf8_lossy(&reply).into_owned();
        assert!(
            reply.is_empty() || reply.starts_with("HTTP/1.1 431"),
            "{reply}"
        );

        // A byte a second: closed once the head has taken 10 s.
        let mut slow = TcpStream::connect(addr).unwrap();
        slow.set_read_timeout(Some(Duration::from_millis(900)))
            .unwrap();
        let started = std::time::Instant::now();
        let line = format!("GET /?state={STATE}&code=slow HTTP/1.1\r\n");
        let mut closed = None;
        for byte in line.bytes() {
            if slow.write_all(&[byte]).is_err() {
                closed = Some(started.elapsed());
                break;
            }
            let mut buf = [0u8; 512];
            match slow.read(&mut buf) {
                Ok(0) => {
                    closed = Some(started.elapsed());
                    break;
                }
                Ok(_) => {
                    closed = Some(started.elapsed());
                    break;
                }
                Err(_) => {} // nothing yet: a second passed
            }
            if started.elapsed() > Duration::from_secs(20) {
                break;
            }
        }
        let closed = closed.expect("the slow connection was never closed");
        assert!(
            closed >= Duration::from_secs(9) && closed < Duration::from_secs(15),
            "closed after {closed:?}"
        );
        // The real reply still completes.
        browse(addr, &format!("/?state={STATE}&code=real")).1
    });
    assert!(checks.await.unwrap().contains("200"));
    assert_eq!(waiting.await.unwrap().unwrap().secret(), "real");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_request_at_the_end_does_not_keep_the_port_open() {
    let l = listener().await;
    let addr = l.addr();
    let waiting = tokio::spawn(l.wait(Duration::from_secs(30), std::future::pending()));
    let partial = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(format!("GET /?state={STATE}&co").as_bytes())
            .unwrap();
        let (_, page) = browse(addr, &format!("/?state={STATE}&code=done"));
        assert!(page.contains("200"));
        s
    })
    .await
    .unwrap();
    let started = std::time::Instant::now();
    assert_eq!(waiting.await.unwrap().unwrap().secret(), "done");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The half-sent request's connection was closed with the port.
    let mut partial = partial;
    partial
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut buf = [0u8; 64];
    assert!(matches!(partial.read(&mut buf), Ok(0) | Err(_)));
    assert!(TcpStream::connect(addr).is_err());
}
