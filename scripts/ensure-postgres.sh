#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries (initdb, pg_ctl, postgres) are installed:
# the storage tests start a throwaway cluster with them (src/testing/postgres.ts)
# to run every suite on PostgreSQL as well as on PGlite. Idempotent and silent
# when they are there (Debian keeps them in /usr/lib/postgresql/<version>/bin);
# installs Debian's postgresql package otherwise (sudo only when not root).
# Only the binaries: it never starts or configures a system cluster.
set -euo pipefail
for bin in /usr/lib/postgresql/*/bin; do
  if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ]; then exit 0; fi
done
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-postgres: initdb/pg_ctl are missing and apt-get is not available; install PostgreSQL or set TEST_DATABASE_URL" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ensure-postgres: need root or sudo to install postgresql" >&2; exit 1; }
  SUDO="sudo"
fi
echo "ensure-postgres: installing Debian's postgresql package" >&2
export DEBIAN_FRONTEND=noninteractive
# Debian's package creates and starts a "main" cluster; the tests never use it.
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
ls -d /usr/lib/postgresql/*/bin >&2
