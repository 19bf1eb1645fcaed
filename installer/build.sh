#!/usr/bin/env bash
# Build the counter-PC app folder with PyInstaller (run on the target OS: Windows builds
# on Windows, Linux on Linux). Output: dist/kiosk-pos/kiosk-pos[.exe]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e '.[build]'
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
  installer/kiosk_pos.spec
echo "built: dist/kiosk-pos/"
