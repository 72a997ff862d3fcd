#!/usr/bin/env bash
# Installs what Mailglance needs to build, run and test on Debian 12 / Ubuntu,
# and says what it installs. Safe to run again: it installs only what is missing.
#
#   scripts/setup.sh          build + run packages
#   scripts/setup.sh test     also the test tools (Xvfb, gnome-keyring, WebDriver, tauri-driver,
#                             Node.js, and axe-core from npm)
#   scripts/setup.sh bundle   also the bundle tools (the Tauri CLI from npm, minisign, Xvfb)
#   scripts/setup.sh dev      also the Tauri CLI from npm, for `npx tauri dev`
set -euo pipefail

want_tests=0
want_bundle=0
[ "${1:-}" = test ] && want_tests=1
[ "${1:-}" = bundle ] && want_bundle=1
want_cli=$want_bundle
[ "${1:-}" = dev ] && want_cli=1

say() { printf 'setup: %s\n' "$*"; }

# Building the app: WebKitGTK 4.1 (pulls GTK 3, libsoup 3, JavaScriptCore, libdbus).
# The tray icon: libayatana-appindicator, loaded when the app starts (without it there
# is no tray, and the app says so in its log).
packages=(libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev curl file xdg-utils
          libayatana-appindicator3-1)
if [ "$want_tests" = 1 ]; then
  # Testing: a virtual display, a private D-Bus with a real Secret Service,
  # secret-tool to read the keychain back, WebKit's WebDriver, screenshots.
  packages+=(xvfb xauth dbus libglib2.0-bin gnome-keyring libsecret-tools webkit2gtk-driver imagemagick
             fonts-noto-cjk fonts-noto-color-emoji)
fi

if [ "$want_bundle" = 1 ]; then
  # Signing checks, and a test install of the .deb under Xvfb.
  packages+=(minisign xvfb xauth dbus libglib2.0-bin gnome-keyring libsecret-tools imagemagick)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
sudo=()
if [ "$(id -u)" != 0 ]; then sudo=(sudo); fi
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    say "these packages are missing and this is not a Debian/Ubuntu system: ${missing[*]}"
    exit 1
  fi
  if [ ${#sudo[@]} -gt 0 ] && ! command -v sudo >/dev/null; then
    say "run as root, or install sudo: need ${missing[*]}"; exit 1
  fi
  say "installing with apt: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "apt packages installed"
fi

if ! command -v cargo >/dev/null; then
  say "Rust is missing: install it with rustup (https://rustup.rs), then run this again"
  exit 1
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    say "installing the Rust component $component"
    rustup component add "$component"
  fi
done

# npm packages: exactly what package-lock.json says (`npm ci`), so the lock file is never
# rewritten and a clean checkout stays clean.
need_npm() {
  if ! command -v npm >/dev/null; then
    if command -v apt-get >/dev/null && ! command -v node >/dev/null; then
      say "installing Node.js and npm with apt ($1)"
      "${sudo[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    else
      say "npm is missing: install Node.js (with npm), then run this again"; exit 1
    fi
  fi
}

if [ "$want_cli" = 1 ]; then
  # The Tauri CLI (2.x, pinned in package-lock.json): a prebuilt binary from npm.
  need_npm "for the Tauri CLI"
  if [ ! -x node_modules/.bin/tauri ]; then
    say "installing the npm packages package-lock.json pins (the Tauri CLI)"
    npm ci --no-audit --no-fund --silent
  fi
fi

if [ "$want_tests" = 1 ]; then
  # Node runs the window's controller tests; axe-core (pinned in package-lock.json) is
  # injected into the real window by the end-to-end accessibility test.
  need_npm "for the window's tests and axe-core"
  if [ ! -f node_modules/axe-core/axe.min.js ]; then
    say "installing the npm packages package-lock.json pins (axe-core)"
    npm ci --no-audit --no-fund --silent
  fi
fi

if [ "$want_tests" = 1 ]; then
  # tauri-driver speaks WebDriver for the app and starts WebKitWebDriver.
  if ! cargo install --list | grep -q '^tauri-driver v2\.'; then
    say "installing tauri-driver 2.x with cargo (about a minute)"
    cargo install tauri-driver --version '^2' --locked --quiet
  fi
fi
