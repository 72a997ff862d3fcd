#!/usr/bin/env bash
# Runs a command inside a private test session: a virtual X display (Xvfb), a
# private D-Bus session bus, and a fresh gnome-keyring Secret Service unlocked
# with a throwaway password, whose files live in a temporary folder. A
# developer's own display, bus and keyring are never touched.
#
#   scripts/test-session.sh <command> [args...]
set -euo pipefail

if [ "${MAILGLANCE_IN_TEST_SESSION:-}" != 1 ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" \
    env MAILGLANCE_IN_TEST_SESSION=1 dbus-run-session -- "$0" "$@"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mailglance-session.XXXXXX")
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
export NO_AT_BRIDGE=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1

# The keyring daemon runs in the foreground of a background job, so we know its
# PID and end it ourselves (this machine's init does not reap strays).
printf %s mailglance-test-session | gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$scratch/keyring.env" 2>"$scratch/keyring.log" &
keyring_pid=$!
cleanup() { kill "$keyring_pid" 2>/dev/null || true; wait "$keyring_pid" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT

# Wait until our daemon owns the Secret Service name. Asking NameHasOwner does not
# start anything; a secret-tool call before the name is taken would make D-Bus start a
# second, locked gnome-keyring from its .service file, and every test would then fail.
owns_name() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}
for _ in $(seq 1 100); do
  if owns_name; then break; fi
  sleep 0.1
done
owns_name || {
  echo "test-session: gnome-keyring did not take the Secret Service name:" >&2; cat "$scratch/keyring.log" >&2; exit 1; }
secret-tool search --all mailglance-probe x >/dev/null 2>&1 || {
  echo "test-session: the Secret Service did not start:" >&2; cat "$scratch/keyring.log" >&2; exit 1; }

"$@"
