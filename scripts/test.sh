#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, then runs pytest.
# Debian/Ubuntu: Chromium and a CJK font come from apt; elsewhere Playwright downloads Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e ".[test]"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
  elif [[ " ${need_apt[*]} " == *" chromium "* ]]; then
    python -m playwright install chromium
  fi
fi

python -m ruff check .
python -m pytest "$@"
