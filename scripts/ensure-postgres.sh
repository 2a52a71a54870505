#!/usr/bin/env bash
# The PostgreSQL test pass needs a server at 127.0.0.1:5432 (trust auth, user postgres).
# Start the local cluster when it is not running; fail loudly when it cannot be reached.
set -uo pipefail
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; }
if ready; then exit 0; fi
echo "PostgreSQL is not answering at 127.0.0.1:5432; trying to start it..."
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>&1 || true
  done
fi
for _ in $(seq 1 30); do ready && exit 0; sleep 1; done
echo "ERROR: PostgreSQL is not reachable at 127.0.0.1:5432 and could not be started." >&2
echo "       The PostgreSQL half of the test suite cannot run; failing rather than skipping it." >&2
exit 1
