#!/usr/bin/env bash
# Migration check: build the schema from the migrations alone, then ask Alembic whether
# the models describe anything the migrations do not (`flask db check` fails if so). Then
# walk all the way down and up again, so every downgrade is exercised too.
#
# Uses DATABASE_URL when set (scripts/with-postgres.sh sets it to an empty PostgreSQL
# database); otherwise a throwaway SQLite file. Never touches instance/pappus.db.
set -euo pipefail
cd "$(dirname "$0")/.."
FLASK=${FLASK:-.venv/bin/flask}
export FLASK_APP=wsgi PAPPUS_CONFIG=development

tmp=
if [ -z "${DATABASE_URL:-}" ]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/pappus-migrations.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  export DATABASE_URL="sqlite:///$tmp/check.db"
fi
# Print where, without any password that a URL might carry.
where=$DATABASE_URL
case $where in *@*) where="${where%%://*}://${where##*@}" ;; esac
echo "migration check on $where"

"$FLASK" db upgrade
"$FLASK" db check
"$FLASK" db downgrade base
"$FLASK" db upgrade
