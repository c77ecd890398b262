#!/usr/bin/env bash
# The whole test suite, as CI runs it: type check, unit tests (Node), end-to-end
# tests (Playwright + Debian Chromium, WebGPU on and off). Installs Chromium when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
echo "== type check"; npx tsc --noEmit -p .
echo "== unit tests"; npx vitest run
echo "== end-to-end tests"; npx playwright test
