#!/usr/bin/env bash
# Browser tests: make sure Debian's Chromium is there (installing it with apt-get when we
# may), then run tests/e2e with it. Playwright drives /usr/bin/chromium; `playwright
# install` is never run (it downloads a browser, and this machine has no internet for that).
# If Chromium cannot be had, prints one SKIPPED line and exits 0: the tests themselves fail
# loudly without it, so skipping is decided here and only here.
#
#   scripts/run-e2e.sh [extra pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM=/usr/bin/chromium
PYTEST=${PYTEST:-.venv/bin/pytest}

install_chromium() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "not root and no password-less sudo to install it"
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "no apt-get to install it"
    return 1
  fi
  echo "Installing Debian's chromium with apt-get (one-time)..." >&2
  local log
  log=$(mktemp)
  # Lock timeout: wait for another apt/dpkg run to finish instead of failing on its lock.
  if "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q update >"$log" 2>&1 &&
     "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q -y install chromium >>"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  tail -n 20 "$log" >&2
  rm -f "$log"
  echo "apt-get install chromium failed"
  return 1
}

if [ ! -x "$CHROMIUM" ]; then
  if ! reason=$(install_chromium); then
    echo "SKIPPED: browser tests (no $CHROMIUM: ${reason##*$'\n'})"
    exit 0
  fi
  if [ ! -x "$CHROMIUM" ]; then
    echo "SKIPPED: browser tests (apt-get installed chromium but $CHROMIUM is still missing)"
    exit 0
  fi
fi

exec "$PYTEST" tests/e2e "$@"
