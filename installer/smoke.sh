#!/usr/bin/env bash
# Drive a built app folder (dist/kiosk-pos) through what a kiosk does on day one.
set -euo pipefail
cd "$(dirname "$0")/.."
app=dist/kiosk-pos/kiosk-pos
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
"$app" init --kiosk-name "Smoke" --owner-pin 9999 --demo --data-dir "$work"
"$app" sell --sku XL10 --to 0817-1234-5678 --cash 20000 --pin 1111 --data-dir "$work" --json
"$app" receipt 1 --data-dir "$work"
"$app" receipt 1 --pdf "$work/r.pdf" --data-dir "$work"
"$app" report daily --pdf "$work/report.pdf" --data-dir "$work"
"$app" gui --self-test --data-dir "$work"
test -s "$work/r.pdf" && test -s "$work/report.pdf"
echo "smoke test passed"
