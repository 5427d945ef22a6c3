#!/usr/bin/env bash
# Migration check: build the schema from the migrations alone, then ask Alembic whether
# the models describe anything the migrations do not (`flask db check` fails if so). Then
# walk all the way down and up again, so every downgrade is exercised too.
#
# Uses DATABASE_URL when set (scripts/with-postgres.sh sets it to an empty PostgreSQL
# database); otherwise a throwaway SQLite file. Never touches instance/pappus.db.
# Alembic's progress lines are shown only for a step that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
FLASK=${FLASK:-.venv/bin/flask}
export FLASK_APP=wsgi PAPPUS_CONFIG=development

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pappus-migrations.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="sqlite:///$tmp/check.db"
fi
where=$DATABASE_URL
case $where in *@*) where="${where%%://*}://${where##*@}" ;; esac  # no password in logs
echo "migration check on $where"

step() {
  if "$FLASK" "$@" >"$tmp/out" 2>&1; then
    echo "  ok: flask $*"
  else
    local rc=$?
    cat "$tmp/out" >&2
    echo "  FAILED: flask $* (exit code $rc)" >&2
    exit "$rc"
  fi
}

step db upgrade
step db check
step db downgrade base
step db upgrade
