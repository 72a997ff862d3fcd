//! The keychain against a real Secret Service (gnome-keyring on a private
//! D-Bus, as `scripts/test-session.sh` provides), read back with `secret-tool`.
//!
//! The failure cases run a copy of this test binary in a child process with the
//! broken environment (no bus; a locked keyring on a bus of its own), so they
//! never disturb the other tests' keyring.

use std::process::Command;
use std::time::Duration;

use mailglance_core::keychain::{Error, Keychain};
use oauth2::RefreshToken;

/// A service name no other test (and no person) uses.
fn service(test: &str) -> String {
    format!("Mailglance keychain test {test} {}", std::process::id())
}

fn secret_tool(args: &[&str]) -> std::process::Output {
    Command::new("secret-tool")
        .args(args)
        .output()
        .expect("secret-tool is missing: run scripts/setup.sh test")
}

fn require_secret_service() {
    let probe = secret_tool(&["search", "--all", "mailglance-probe", "x"]);
    assert!(
        probe.status.success(),
        "no Secret Service on this D-Bus session: run the tests through scripts/test.sh \
         (or scripts/test-session.sh cargo test), which starts a private gnome-keyring"
    );
}

#[test]
fn a_stored_refresh_token_is_in_the_platform_keychain_and_reads_back() {
    require_secret_service();
    let service = service("store");
    let keychain = Keychain::new(&service);
    let token = RefreshToken::new("refresh-token-for-ana-1234567890".into());
    keychain.set("108812345678901234567", &token).unwrap();

    let read = keychain.get("108812345678901234567").unwrap().unwrap();
    assert_eq!(read.secret(), token.secret());

    let platform = secret_tool(&[
        "lookup",
        "service",
        &service,
        "username",
        "108812345678901234567",
    ]);
    assert!(platform.status.success());
    assert_eq!(
        String::from_utf8_lossy(&platform.stdout),
        "refresh-token-for-ana-1234567890"
    );
    keychain.delete("108812345678901234567").unwrap();
}

#[test]
fn get_is_none_when_the_account_has_no_entry() {
    require_secret_service();
    assert!(
        Keychain::new(service("none"))
            .get("nobody")
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_new_token_replaces_the_old_one() {
    require_secret_service();
    let keychain = Keychain::new(service("replace"));
    keychain
        .set("ana", &RefreshToken::new("old".into()))
        .unwrap();
    keychain
        .set("ana", &RefreshToken::new("new".into()))
        .unwrap();
    assert_eq!(keychain.get("ana").unwrap().unwrap().secret(), "new");
    keychain.delete("ana").unwrap();
}

#[test]
fn delete_removes_the_entry_and_deleting_again_succeeds() {
    require_secret_service();
    let service = service("delete");
    let keychain = Keychain::new(&service);
    keychain
        .set("ben", &RefreshToken::new("to-be-deleted".into()))
        .unwrap();
    keychain.delete("ben").unwrap();
    assert!(keychain.get("ben").unwrap().is_none());
    let platform = secret_tool(&["lookup", "service", &service, "username", "ben"]);
    assert!(
        platform.stdout.is_empty(),
        "secret-tool still finds the deleted entry"
    );
    keychain.delete("ben").unwrap();
}

#[test]
fn accounts_and_services_do_not_see_each_other() {
    require_secret_service();
    let a = Keychain::new(service("isolation-a"));
    let b = Keychain::new(service("isolation-b"));
    a.set("ana", &RefreshToken::new("a-token".into())).unwrap();
    assert!(b.get("ana").unwrap().is_none());
    assert!(a.get("ben").unwrap().is_none());
    b.delete("ana").unwrap();
    assert_eq!(a.get("ana").unwrap().unwrap().secret(), "a-token");
    a.delete("ana").unwrap();
}

#[test]
fn the_token_never_shows_in_debug_output() {
    let token = RefreshToken::new("do-not-print-me".into());
    assert!(!format!("{token:?}").contains("do-not-print-me"));
}

/// Runs [`probe_in_child`] in a child process with `env` and under `wrapper`,
/// and returns what it printed.
fn run_probe(wrapper: &[&str], env: &[(&str, &str)]) -> String {
    let exe = std::env::current_exe().unwrap();
    let exe = exe.to_str().unwrap();
    let mut args: Vec<&str> = wrapper.to_vec();
    args.extend([
        exe,
        "--exact",
        "keychain::probe_in_child",
        "--ignored",
        "--nocapture",
    ]);
    let mut cmd = Command::new(args[0]);
    cmd.args(&args[1..]).env("MAILGLANCE_KEYCHAIN_PROBE", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run the probe");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("PROBE: "))
        .unwrap_or_else(|| {
            panic!(
                "the probe printed no result:\n{text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .to_owned()
}

/// Not a test of its own: the child side of the failure tests.
#[test]
#[ignore = "run by the keychain failure tests in a child process"]
fn probe_in_child() {
    if std::env::var_os("MAILGLANCE_KEYCHAIN_PROBE").is_none() {
        return;
    }
    let keychain = Keychain::new("Mailglance keychain probe").with_timeout(Duration::from_secs(5));
    let result = keychain.set("ana", &RefreshToken::new("probe".into()));
    let line = match result {
        Ok(()) => "ok".to_owned(),
        Err(e) => {
            let kind = match e {
                Error::StoreMissing { .. } => "missing",
                Error::Locked { .. } => "locked",
                Error::Refused { .. } => "refused",
            };
            format!("{kind} | {e}")
        }
    };
    println!("PROBE: {line}");
}

#[test]
fn no_session_bus_is_reported_as_no_keychain_with_the_fix() {
    let result = run_probe(
        &[],
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/mailglance/bus",
        )],
    );
    assert!(result.starts_with("missing | "), "{result}");
    assert!(result.contains("GNOME Keyring"), "{result}");
}

#[test]
fn a_locked_keyring_is_reported_as_locked_not_as_a_hang() {
    // A bus of its own, with a keyring that is unlocked, used, then locked again.
    let script = r#"
        set -e
        scratch=$(mktemp -d); export XDG_DATA_HOME=$scratch
        printf %s pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
        daemon=$!
        trap 'kill $daemon; rm -rf $scratch' EXIT
        # Wait for this daemon to own the name without asking for it (a secret-tool call
        # before then would have the bus start a second, locked daemon, and hang on its
        # unlock prompt).
        owned() {
            gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
              --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null \
              | grep -q true
        }
        for i in $(seq 100); do owned && break; sleep 0.1; done
        printf %s old | timeout 20 secret-tool store --label=probe service 'Mailglance keychain probe' username ana
        gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
          --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null
        "$@"
    "#;
    // Two minutes at most: a hang is a failure with output, not a stuck test run.
    let result = run_probe(
        &[
            "timeout",
            "120",
            "dbus-run-session",
            "--",
            "sh",
            "-c",
            script,
            "probe",
        ],
        &[],
    );
    assert!(result.starts_with("locked | "), "{result}");
    assert!(result.contains("Unlock it"), "{result}");
}
