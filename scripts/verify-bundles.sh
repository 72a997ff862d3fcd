#!/usr/bin/env bash
# Checks every bundle's signature (minisign, against the updater.pub beside them) and
# SHA256SUMS. Fails, naming the file, on any mismatch or tampered file.
#
#   scripts/verify-bundles.sh [bundle dir, default target/release/bundle]
set -euo pipefail
dir=${1:-target/release/bundle}
command -v minisign >/dev/null || { echo "verify: minisign is missing: run scripts/setup.sh bundle" >&2; exit 1; }
[ -f "$dir/updater.pub" ] || { echo "verify: no $dir/updater.pub" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Tauri writes the key and the signatures base64-encoded; minisign reads them decoded.
base64 -d "$dir/updater.pub" >"$work/key.pub"

failed=0
count=0
for bundle in "$dir"/deb/*.deb "$dir"/rpm/*.rpm; do
  [ -e "$bundle" ] || continue
  count=$((count + 1))
  if [ ! -f "$bundle.sig" ]; then
    echo "verify: FAILED: $bundle has no signature" >&2; failed=1; continue
  fi
  base64 -d "$bundle.sig" >"$work/sig"
  if minisign -Vq -p "$work/key.pub" -m "$bundle" -x "$work/sig"; then
    echo "verify: signature ok: $bundle"
  else
    echo "verify: FAILED: bad signature: $bundle" >&2; failed=1
  fi
done
[ "$count" -gt 0 ] || { echo "verify: no bundles in $dir" >&2; exit 1; }
if (cd "$dir" && sha256sum --quiet -c SHA256SUMS); then
  echo "verify: SHA256SUMS ok"
else
  echo "verify: FAILED: SHA256SUMS does not match" >&2; failed=1
fi
exit "$failed"
