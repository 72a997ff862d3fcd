#!/usr/bin/env bash
# Builds Mailglance's signed release bundles for Linux: .deb and .rpm, each with a
# minisign-compatible Tauri updater signature (.sig), plus SHA256SUMS, in
# target/release/bundle/. Then checks them (scripts/verify-bundles.sh), installs the
# .deb with dpkg, starts the installed app under Xvfb and takes a screenshot.
#
#   TAURI_SIGNING_PRIVATE_KEY=...  (the key's text or its path)    sign with the release key;
#   TAURI_SIGNING_PRIVATE_KEY_PASSWORD=...                          the signatures are then
#                                                                   checked against keys/updater.pub
#   (neither set)                  a throwaway key is generated for this build and never kept
#
# AppImage is not built: its tooling downloads AppRun from GitHub, which these machines
# cannot reach. macOS and Windows bundles need their own machines (see the README).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

scripts/setup.sh bundle

bundle_dir=target/release/bundle
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  pubkey_file=keys/updater.pub
  echo "bundle: signing with the key from TAURI_SIGNING_PRIVATE_KEY (checked against $pubkey_file)"
else
  echo "bundle: no TAURI_SIGNING_PRIVATE_KEY: signing with a throwaway key made for this build"
  npx --no-install tauri signer generate -w "$work/throwaway.key" --password '' --ci >/dev/null
  export TAURI_SIGNING_PRIVATE_KEY="$work/throwaway.key" TAURI_SIGNING_PRIVATE_KEY_PASSWORD=''
  pubkey_file="$work/throwaway.key.pub"
fi

# The updater artifacts (.sig files) need an updater public key in the configuration;
# it goes in through an override file, so the app itself carries no updater plugin.
python3 - "$pubkey_file" "$work/sign.json" <<'PY'
import json, sys
pub = open(sys.argv[1]).read().strip()
json.dump({
    "bundle": {"createUpdaterArtifacts": True},
    "plugins": {"updater": {"pubkey": pub, "endpoints": ["https://example.invalid/mailglance/{{target}}/{{current_version}}"]}},
}, open(sys.argv[2], "w"))
PY

# A failed signing run rewrites the bundle but leaves the old signature: start clean.
rm -rf "$bundle_dir/deb" "$bundle_dir/rpm" "$bundle_dir/SHA256SUMS" "$bundle_dir/updater.pub"
echo "bundle: building the release binary and the .deb and .rpm (several minutes)"
npx --no-install tauri build --bundles deb,rpm --config "$work/sign.json" --ci

cp "$pubkey_file" "$bundle_dir/updater.pub"
(cd "$bundle_dir" && sha256sum deb/*.deb rpm/*.rpm deb/*.sig rpm/*.sig >SHA256SUMS)
scripts/verify-bundles.sh "$bundle_dir"

# The check must also catch tampering: change one byte of a copy and expect a failure.
cp -r "$bundle_dir/deb" "$bundle_dir/rpm" "$bundle_dir/SHA256SUMS" "$bundle_dir/updater.pub" "$work/"
mkdir -p "$work/tampered" && mv "$work/deb" "$work/rpm" "$work/SHA256SUMS" "$work/updater.pub" "$work/tampered/"
deb_copy=$(ls "$work"/tampered/deb/*.deb)
printf 'tampered' >>"$deb_copy"
if scripts/verify-bundles.sh "$work/tampered" >"$work/tampered.log" 2>&1; then
  echo "bundle: the verify command accepted a tampered .deb" >&2; exit 1
fi
echo "bundle: a tampered copy is refused:"; grep FAILED "$work/tampered.log" | sed 's/^/  /'

echo "bundle: sizes"
ls -l target/release/mailglance "$bundle_dir"/deb/*.deb "$bundle_dir"/rpm/*.rpm \
  | awk '{ printf "  %-60s %6.2f MiB\n", $9, $5 / 1048576 }'

dpkg-deb -f "$bundle_dir"/deb/*.deb Package Version Depends Recommends Section | sed 's/^/  /'

echo "bundle: installing the .deb with dpkg and starting the installed app under Xvfb"
scripts/install-test.sh "$bundle_dir"/deb/*.deb
echo "bundle: done in $(( $(date +%s) - start )) s"
