#!/usr/bin/env bash
# Installs a Mailglance .deb with dpkg (and apt for its dependencies), starts the
# installed /usr/bin/mailglance under Xvfb, waits for its window and takes a
# screenshot: target/bundle-screenshots/installed.png. Fails if the app does not start.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "$1")

if [ "${MAILGLANCE_IN_TEST_SESSION:-}" != 1 ]; then
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" dpkg -i "$deb" || "${sudo[@]}" apt-get install -f -y -qq
  dpkg-query -W -f='install-test: installed ${Package} ${Version}\n' mailglance
  exec scripts/test-session.sh "$0" "$deb"
fi

out=target/bundle-screenshots
mkdir -p "$out"
home=$(mktemp -d)
MAILGLANCE_CONFIG_DIR=$home/config MAILGLANCE_DATA_DIR=$home/data \
  MAILGLANCE_KEYCHAIN_SERVICE="Mailglance install test" /usr/bin/mailglance 2>"$home/log" &
app=$!
trap 'kill $app 2>/dev/null || true; wait $app 2>/dev/null || true; rm -rf $home' EXIT
# Poll until a WebKit web process has started and painted for a moment.
for _ in $(seq 1 100); do
  kill -0 "$app" 2>/dev/null || { echo "install-test: the installed app exited:" >&2; cat "$home/log" >&2; exit 1; }
  pgrep -P "$app" -f WebKitWebProcess >/dev/null && break
  sleep 0.2
done
sleep 3
kill -0 "$app" 2>/dev/null || { echo "install-test: the installed app exited:" >&2; cat "$home/log" >&2; exit 1; }
import -window root "$out/installed.png"
echo "install-test: the installed app runs; screenshot in $out/installed.png"
