#!/usr/bin/env bash
# Prints the memory of the app's whole process tree (the app and its WebKit processes)
# once its window has painted: RSS and PSS per process and in total, in MiB.
#
#   scripts/memory.sh [seconds to settle, default 6]
#
# The app runs in a private test session (Xvfb, D-Bus, keyring) on fresh folders, with
# the same WEBKIT_ variables the tests use. Build first: cargo build -p mailglance
# (or --release, then set MAILGLANCE_BIN=target/release/mailglance).
set -euo pipefail
cd "$(dirname "$0")/.."
settle=${1:-6}
bin=${MAILGLANCE_BIN:-target/debug/mailglance}

if [ "${MAILGLANCE_IN_TEST_SESSION:-}" != 1 ]; then
  exec scripts/test-session.sh "$0" "$@"
fi

home=$(mktemp -d)
MAILGLANCE_CONFIG_DIR=$home/config MAILGLANCE_DATA_DIR=$home/data \
  MAILGLANCE_KEYCHAIN_SERVICE="Mailglance memory" "$bin" 2>"$home/log" &
app=$!
trap 'kill $app 2>/dev/null || true; wait $app 2>/dev/null || true; rm -rf $home' EXIT
sleep "$settle"

tree() { echo "$1"; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do tree "$c"; done; }
total_rss=0; total_pss=0
printf '%-28s %10s %10s\n' process "RSS MiB" "PSS MiB"
for pid in $(tree "$app"); do
  [ -r /proc/"$pid"/smaps_rollup ] || continue
  rss=$(awk '/^Rss:/ {print $2}' /proc/"$pid"/smaps_rollup)
  pss=$(awk '/^Pss:/ {print $2}' /proc/"$pid"/smaps_rollup)
  name=$(cat /proc/"$pid"/comm)
  awk -v n="$name" -v r="$rss" -v p="$pss" 'BEGIN { printf "%-28s %10.1f %10.1f\n", n, r/1024, p/1024 }'
  total_rss=$((total_rss + rss)); total_pss=$((total_pss + pss))
done
awk -v r="$total_rss" -v p="$total_pss" 'BEGIN { printf "%-28s %10.1f %10.1f\n", "total", r/1024, p/1024 }'
