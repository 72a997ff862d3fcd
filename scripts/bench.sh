#!/usr/bin/env bash
# Benchmarks (numbers, not tests), against the Google stand-in with latency L per request:
#  1. time to the first page of 50 rows, cold (with a token refresh) and warm, our
#     pipeline against the seed's way (list, then one get per id) in the same run, and
#     the quota units a page and a refresh of an unchanged page cost (release build);
#  2. the memory of the app's whole process tree with 50 and with 2,000 rows loaded.
#
#   scripts/bench.sh [L in ms, default 50]
set -euo pipefail
cd "$(dirname "$0")/.."
latency=${1:-50}
scripts/setup.sh test
scripts/setup.sh dev   # the Tauri CLI, to build the release app with its page embedded
echo "== list speed (release build; the first build takes several minutes)"
scripts/test-session.sh cargo run -q --release --locked -p mailglance-core --example list_speed "$latency" 7
echo "== memory of the whole process tree (release build)"
npx --no-install tauri build --no-bundle --ci >/dev/null
cargo build -q --locked -p mailglance-standin
MAILGLANCE_E2E_BINARY="$PWD/target/release/mailglance" \
  scripts/test-session.sh cargo test -q --locked -p mailglance-e2e --test memory -- --ignored --nocapture
echo "== the welcome screen alone (release build)"
MAILGLANCE_BIN=target/release/mailglance scripts/memory.sh
