#!/usr/bin/env bash
# Benchmarks (numbers, not tests), against the Google stand-in with a latency L added to
# every request, for each L given (default: 50 ms, then 2,000 ms). Release builds.
#  1. list_speed: the first page of 50 rows, cold (no store, a token refresh) and warm,
#     against the seed's way (list, then one get per id) in the same run;
#  2. local_first: quota units of a first page, an idle sync, a refresh and a relaunch;
#     paging 2,000 rows within 6,000 units a "minute" (shortened to 6 s on both sides,
#     the real-minute figure printed beside it) and the 429s drawn; store bytes/message;
#  3. startup: the real window, process start to first rows drawn, warm store vs none,
#     and the units each launch spends;
#  4. memory: the app's whole process tree with 50 and with 2,000 rows from the store
#     (once; latency does not change it);
#  5. new mail: delivery to notification with checks every 2 s, an idle hour's quota
#     units and the app's CPU time over a sampled idle minute; then the welcome screen;
#  6. search on this computer over 50,000 messages: ten queries' median and p95, the
#     LIKE scan it replaced as the baseline, and the store's size;
#  7. the first page of All inboxes from the stores of 3 accounts x 10,000 messages,
#     one account's first page as the baseline, and the stores' size;
#  8. for each L: a refresh of All inboxes with 3 accounts (every account asked at once),
#     the same pages asked one after another as the baseline.
#
#   scripts/bench.sh [L_ms ...]
set -euo pipefail
cd "$(dirname "$0")/.."
latencies=("$@")
[ ${#latencies[@]} -gt 0 ] || latencies=(50 2000)
scripts/setup.sh test
scripts/setup.sh dev   # the Tauri CLI, to build the release app with its page embedded
echo "== release builds (the first takes several minutes)"
cargo build -q --release --locked -p mailglance-core --example list_speed --example local_first \
  --example search_speed --example all_inboxes --example merged_refresh
npx --no-install tauri build --no-bundle --ci >/dev/null
cargo build -q --locked -p mailglance-standin
export MAILGLANCE_E2E_BINARY="$PWD/target/release/mailglance"
for latency in "${latencies[@]}"; do
  runs=7; [ "$latency" -lt 1000 ] || runs=3
  echo "== L = $latency ms: list speed"
  scripts/test-session.sh target/release/examples/list_speed "$latency" "$runs"
  echo "== L = $latency ms: local first (quota, pacing, store size)"
  scripts/test-session.sh target/release/examples/local_first "$latency" 6
  echo "== L = $latency ms: a refresh of All inboxes with 3 accounts"
  scripts/test-session.sh target/release/examples/merged_refresh "$latency" "$runs"
  echo "== L = $latency ms: the window, process start to first rows"
  MAILGLANCE_BENCH_LATENCY_MS="$latency" scripts/test-session.sh \
    cargo test -q --locked -p mailglance-e2e --test startup -- --ignored --nocapture
done
echo "== search on this computer over 50,000 messages (no network)"
target/release/examples/search_speed 50000 21
echo "== All inboxes from this computer: 3 accounts x 10,000 messages (no network)"
scripts/test-session.sh target/release/examples/all_inboxes 3 10000 21
echo "== memory of the whole process tree, 50 and 2,000 rows from the store"
scripts/test-session.sh cargo test -q --locked -p mailglance-e2e --test memory -- --ignored --nocapture
echo "== new mail: delivery to notification, an idle hour's units and CPU"
scripts/test-session.sh cargo test -q --locked -p mailglance-e2e --test notify_bench -- --ignored --nocapture
echo "== the welcome screen alone"
MAILGLANCE_BIN=target/release/mailglance scripts/memory.sh
