#!/usr/bin/env bash
# Proves the migrations lost no rows: every table of the backup has as many rows in app.db.
set -euo pipefail
db=${DB:-app.db}
backup=${1:?usage: check-data.sh BACKUP_DB}
status=0
for table in $(sqlite3 "$backup" "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name;"); do
  before=$(sqlite3 "$backup" "SELECT count(*) FROM \"$table\";")
  after=$(sqlite3 "$db" "SELECT count(*) FROM \"$table\";")
  if [ "$before" = "$after" ]; then
    echo "✓ $table: $after rows"
  else
    echo "✗ $table: $before rows before, $after after" >&2
    status=1
  fi
done
exit $status
