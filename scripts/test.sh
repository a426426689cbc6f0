#!/usr/bin/env bash
# The whole test suite, as a new user would run it: a fresh virtual environment outside the
# repository gets exactly `pip install -e ".[test]"`, and ruff and pytest run inside it, so a
# package that happens to be on the machine but is not declared by the project fails here.
# Debian/Ubuntu: Chromium, a CJK font, rsvg-convert, poppler and PostgreSQL + PostGIS come from apt
# (the tests start their own PostgreSQL in a temporary folder); elsewhere Playwright downloads Chromium.
#   BEM_VENV=DIR  reuse (or create) that environment instead of a new temporary one
#   BEM_TEST_WORKERS=N  run pytest in N pytest-xdist workers (default 0: every test in this one process)
#   extra arguments go to pytest, e.g. `bash scripts/test.sh -k snapshot`
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need_apt+=(fonts-noto-cjk)
command -v rsvg-convert >/dev/null 2>&1 || need_apt+=(librsvg2-bin)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || need_apt+=(postgis)
if [ ${#need_apt[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -n "${BEM_VENV:-}" ]; then
  venv="$BEM_VENV"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/bem-test.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  venv="$work/venv"
fi
case "$venv" in "$root"/*) echo "error: the test environment must live outside the repository" >&2; exit 2;; esac
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
echo "test environment: $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"
if ! [ -x /usr/bin/chromium ] && ! [ -n "${BEM_CHROMIUM:-}" ]; then
  "$venv/bin/python" -m playwright install chromium
fi

"$venv/bin/python" -m ruff check .
"$venv/bin/python" -m ruff format --check .  # one style (CONTRIBUTING.md)
"$venv/bin/python" -m mypy  # the core's typed modules ([tool.mypy] in pyproject.toml)
# Much of the suite waits on servers, browsers and child processes, so workers pay even on two cores.
# --dist worksteal gives each worker one run of consecutive tests (a module's servers and browsers start
# once) and lets a worker that has finished take over the tail of another's.
workers="${BEM_TEST_WORKERS:-0}"
parallel=()
[ "$workers" = 0 ] || parallel=(-n "$workers" --dist worksteal)
"$venv/bin/python" -m pytest "${parallel[@]}" "$@"
