#!/usr/bin/env bash
# Runs every test Mailglance has, and fails if any fails:
# formatting, lints, the window's controller under Node, unit and integration tests,
# keychain tests against a real Secret Service, and end-to-end tests of the real window
# under Xvfb (with axe-core checking every screen).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh test

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== the window's controller, sidebar and error table (node --test)"
node --test ui/test/
echo "== build the app and the stand-in the end-to-end tests drive"
cargo build -p mailglance -p mailglance-standin --locked
echo "== tests (in a private Xvfb + D-Bus + gnome-keyring session)"
scripts/test-session.sh cargo test --workspace --locked
