#!/usr/bin/env bash
# Runs Mailglance on the built-in demo mailbox: starts the local Google stand-in,
# points the app at it through configuration only (client file + settings.json in a
# temporary config dir), and opens the window. Installs what is missing first.
#
#   scripts/demo.sh            the stand-in's consent page opens in your browser
#   scripts/demo.sh --auto     a scripted person signs in as ana.kowalska@example.com,
#                              before the window opens: it opens on the inbox
#
# With no display (a server, CI), the window runs under Xvfb in a private D-Bus and
# keyring session, and --auto is implied. Your own keychain entries are never touched:
# the demo files its sign-ins under the keychain service "Mailglance demo".
set -euo pipefail
cd "$(dirname "$0")/.."

auto=0
[ "${1:-}" = --auto ] && auto=1

if [ -z "${DISPLAY:-}" ] && [ "${MAILGLANCE_IN_TEST_SESSION:-}" != 1 ]; then
  scripts/setup.sh test
  cargo build -p mailglance -p mailglance-standin --locked
  exec scripts/test-session.sh "$0" --auto
fi
[ "${MAILGLANCE_IN_TEST_SESSION:-}" = 1 ] || scripts/setup.sh
cargo build -p mailglance -p mailglance-standin --locked

demo=$(mktemp -d "${TMPDIR:-/tmp}/mailglance-demo.XXXXXX")
./target/debug/standin --write-config "$demo/config" >"$demo/standin.out" 2>"$demo/standin.log" &
standin=$!
app=
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  kill "$standin" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$demo"
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 100); do
  grep -q '^standin listening on' "$demo/standin.out" 2>/dev/null && break
  sleep 0.1
done
grep '^standin listening on\|^accounts:' "$demo/standin.out" || {
  echo "demo: the stand-in did not start:" >&2; cat "$demo/standin.log" >&2; exit 1; }

if [ "$auto" = 1 ]; then
  # The stand-in's binary doubles as a scripted browser that approves the consent page.
  python3 - "$demo/config/settings.json" "$PWD/target/debug/standin" <<'PY'
import json, sys
path, browser = sys.argv[1], sys.argv[2]
settings = json.load(open(path))
settings["browser"] = [browser]
json.dump(settings, open(path, "w"), indent=2)
PY
  export STANDIN_BROWSE_ACCOUNT=${STANDIN_BROWSE_ACCOUNT:-ana.kowalska@example.com}
fi

export MAILGLANCE_CONFIG_DIR="$demo/config" MAILGLANCE_DATA_DIR="$demo/data"
export MAILGLANCE_KEYCHAIN_SERVICE="Mailglance demo"
if [ "$auto" = 1 ]; then
  # Sign in before the window opens, through the same flow on the command line: the
  # window then restores the sign-in silently and the first thing shown is mail.
  ./target/debug/mailglance login >/dev/null
fi
echo "demo: starting Mailglance (close the window to stop)"
./target/debug/mailglance &
app=$!
wait "$app" || true
app=
