//! What the command-line tests share: the real `mailglance` binary run over a
//! fixture's folders and keychain, and its printed pages. Each test crate uses its part.
#![allow(dead_code)]

// The core's test helpers (a stand-in and folders of their own).
#[path = "../../../../crates/mailglance-core/tests/it/helpers.rs"]
pub mod helpers;

use std::process::{Command, Stdio};

use helpers::Fixture;

/// The binary with the fixture's folders and keychain, and no display at all: the
/// command line must never need one.
pub fn command(f: &Fixture, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mailglance"));
    c.args(args);
    with_env(f, c)
}

/// `c` (the binary, or a program that starts it) with the fixture's folders and keychain,
/// and no display.
pub fn with_env(f: &Fixture, mut c: Command) -> Command {
    c.env("MAILGLANCE_CONFIG_DIR", &f.paths.config_dir)
        .env("MAILGLANCE_DATA_DIR", &f.paths.data_dir)
        .env("MAILGLANCE_KEYCHAIN_SERVICE", &f.service)
        .env_remove("MAILGLANCE_CLIENT_FILE")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null());
    c
}

pub fn mailglance(f: &Fixture, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = command(f, args)
        .output()
        .expect("the mailglance binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The message ids of a printed page, in order.
pub fn ids(page: &serde_json::Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}
