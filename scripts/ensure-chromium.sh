#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium (the e2e tests and
# `npm run bench` drive it; Playwright never downloads a browser here).
# Idempotent and silent when it is already there; installs it with apt-get
# otherwise (sudo only when not root). Never touches any other browser.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available; install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ensure-chromium: need root or sudo to install chromium" >&2; exit 1; }
  SUDO="sudo"
fi
echo "ensure-chromium: installing Debian's chromium package" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version >&2
