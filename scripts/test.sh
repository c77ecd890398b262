#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint (ESLint with the layer rules, Prettier,
# folder cycles and module size), type check, unit tests (Node), end-to-end
# tests (Playwright + Debian Chromium, WebGPU on and off, against the e2e build in
# dist-e2e/), and the production build checked for test hooks and the harness.
# Installs Chromium when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
bash scripts/ensure-postgres.sh
echo "== lint"; npm run --silent lint
echo "== type check"; npx tsc --noEmit -p .
echo "== unit tests"; npx vitest run
# what npm start serves and hosts get: its postbuild step refuses test hooks or the harness in dist/
echo "== production build"; npm run --silent build
echo "== end-to-end tests"; npx playwright test
