#!/usr/bin/env bash
# report.html is self-contained and, where Chromium is installed, renders headless to a non-empty
# PNG without console errors. Exit 77 (skipped; a failure under BACKBEAT_NO_SKIP=1) when Chromium is missing.
# Usage: html_render.sh SIM WORKDIR
set -euo pipefail
. "$(dirname "$0")/../support/skip.sh"
sim=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
"$sim" run nats_disconnect_storm --quiet --out "$work/run"
html="$work/run/report.html"
if grep -Eq 'https?://|(src|href)=|<link|@import|@font-face|url\(' "$html"; then
  echo "report.html is not self-contained:"
  grep -Eo '.{0,40}(https?://|(src|href)=|<link|@import|@font-face|url\().{0,40}' "$html" | head
  exit 1
fi
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  skip "chromium not installed: self-containment checked, rendering"
fi
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile" \
  --enable-logging=stderr --v=0 --screenshot="$work/report.png" --window-size=1200,2000 \
  "file://$(realpath "$html")" > "$work/chromium.log" 2>&1 || true
[ -s "$work/report.png" ] || { echo "no screenshot"; cat "$work/chromium.log"; exit 1; }
head -c 8 "$work/report.png" | od -An -tx1 | grep -q "89 50 4e 47" || { echo "not a PNG"; exit 1; }
if grep -E "CONSOLE|Uncaught" "$work/chromium.log"; then
  echo "console output while rendering report.html"
  exit 1
fi
echo "html_render: ok ($(stat -c %s "$work/report.png") bytes)"
