#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then delete the cluster.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# The cluster lives in a fresh temp dir, listens on 127.0.0.1 only, on a free port, with
# its unix socket inside the temp dir (so it never collides with a system server), trust
# auth, UTF-8, fsync off (the data is thrown away anyway). CMD runs with:
#   DATABASE_URL       postgresql+psycopg://postgres@127.0.0.1:PORT/pappus       (SQLAlchemy)
#   TEST_DATABASE_URL  postgresql+psycopg://postgres@127.0.0.1:PORT/pappus_test  (SQLAlchemy)
#   PGHOST PGPORT PGUSER PGDATABASE=pappus_test  (so plain `psql`/libpq tools just work)
#   TEST_DATABASE_LIBPQ_URL  postgresql://postgres@127.0.0.1:PORT/pappus_test
# Two databases so a migration check on DATABASE_URL and the test suite on
# TEST_DATABASE_URL never see each other's tables.
#
# The cluster is stopped and removed on exit, whether CMD passes, fails or is interrupted;
# the exit status is CMD's. If no initdb/pg_ctl can be found, prints one SKIPPED line and
# exits 0 without running CMD (set PAPPUS_REQUIRE_POSTGRES=1 to make that an error).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

find_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  fi
  # Newest installed major version first.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -n -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    d=$(dirname "$(readlink -f "$(command -v initdb)")")
    if [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
    dirname "$(command -v initdb)"
    return
  fi
}

BINDIR=$(find_bindir || true)
if [ -z "$BINDIR" ]; then
  echo "SKIPPED: PostgreSQL tests (no initdb/pg_ctl found)"
  if [ "${PAPPUS_REQUIRE_POSTGRES:-0}" = 1 ]; then exit 1; fi
  exit 0
fi

# initdb refuses to run as root: as root, the cluster belongs to the `postgres` user.
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root but there is no 'postgres' user to own the cluster" >&2
    exit 1
  fi
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pappus-pg.XXXXXX")
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$TMP"
  if ! runuser -u postgres -- test -w "$TMP"; then
    echo "with-postgres: the postgres user cannot reach $TMP (set TMPDIR to a directory it can traverse, e.g. /tmp)" >&2
    rm -rf "$TMP"
    exit 1
  fi
fi
DATA="$TMP/data"
LOG="$TMP/postgres.log"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "${PG_PID:-}" ]; then
    as_pg "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || kill -9 "$PG_PID" 2>/dev/null || true
    wait "$PG_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Trust auth is fine: loopback only, throwaway data. C.UTF-8 gives UTF-8 ctype rules
# (lower()/upper() on non-ASCII); --no-locale is the fallback where that locale is missing.
if ! as_pg "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$TMP/initdb.log" 2>&1; then
  rm -rf "$DATA"
  if ! as_pg "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$TMP/initdb.log" 2>&1; then
    echo "with-postgres: initdb failed:" >&2
    cat "$TMP/initdb.log" >&2
    exit 1
  fi
fi

cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$TMP'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF

# Started as our own child (not daemonized by `pg_ctl start`), so this script reaps it:
# on a machine whose PID 1 does not reap orphans, a daemonized postmaster stays a zombie.
# The free port can be taken between choosing it and binding it; try a few.
PG_PID=
started=0
for attempt in 1 2 3 4 5; do
  PORT=$(free_port)
  as_pg "$BINDIR/postgres" -D "$DATA" -p "$PORT" >"$LOG" 2>&1 &
  PG_PID=$!
  for _ in $(seq 1 300); do
    if "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres; then started=1; break; fi
    kill -0 "$PG_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ "$started" = 1 ] && break
  kill "$PG_PID" 2>/dev/null || true
  wait "$PG_PID" 2>/dev/null || true
  PG_PID=
done
if [ "$started" != 1 ]; then
  echo "with-postgres: PostgreSQL did not start; its log:" >&2
  cat "$LOG" >&2 || true
  exit 1
fi

export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres
for db in pappus pappus_test; do
  "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db" >/dev/null
done
export PGDATABASE=pappus_test
export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/pappus"
export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/pappus_test"
export TEST_DATABASE_LIBPQ_URL="postgresql://postgres@127.0.0.1:$PORT/pappus_test"

version=$("$BINDIR/postgres" --version 2>/dev/null || echo PostgreSQL)
echo "with-postgres: $version on 127.0.0.1:$PORT (throwaway, in $TMP)"

# Not exec: the EXIT trap must run after CMD to stop the server and remove the files.
set +e
"$@"
rc=$?
set -e
exit "$rc"
