#!/usr/bin/env bash
# Applies, reverts or checks one schema migration of app.db.
#
#   migrate.sh up|down|verify NAME      NAME is a file stem in migrations/, e.g. 002_orders_by_customer
#
# The schema version lives in SQLite's PRAGMA user_version and changes in the same transaction as the
# schema, so `up` and `down` are idempotent: running either twice changes nothing the second time.
# That matters because Belay compensates a step whose outcome it cannot know (a crash mid-run).
set -euo pipefail

action=${1:?usage: migrate.sh up|down|verify NAME}
name=${2:?usage: migrate.sh up|down|verify NAME}
here=$(cd "$(dirname "$0")" && pwd)
db=${DB:-app.db}
file="$here/migrations/$name"
version=$((10#${name%%_*}))
[ -f "$file.up.sql" ] || { echo "no migration named $name in $here/migrations" >&2; exit 2; }

current() { sqlite3 "$db" 'PRAGMA user_version;'; }

case "$action" in
  up)
    if [ "$(current)" -ge "$version" ]; then echo "$name: already applied"; exit 0; fi
    [ "$(current)" -eq $((version - 1)) ] || { echo "$name needs version $((version - 1)), database is at $(current)" >&2; exit 1; }
    injected=""
    fail=${BELAY_VAR_FAIL_MIGRATION:-}
    if [ "$fail" = "$name" ] || { [[ "$fail" =~ ^[0-9]+$ ]] && [ "$((10#$fail))" = "$version" ]; }; then
      # A realistic failure: the migration's statements run, then one fails, and the transaction rolls back.
      injected="SELECT * FROM missing_table_injected_by_fail_migration;"
    fi
    { echo "BEGIN;"; cat "$file.up.sql"; echo "$injected"; echo "PRAGMA user_version = $version;"; echo "COMMIT;"; } \
      | sqlite3 -bail "$db"
    echo "$name: applied (schema version $version)"
    ;;
  down)
    if [ "$(current)" -lt "$version" ]; then echo "$name: not applied, nothing to revert"; exit 0; fi
    { echo "BEGIN;"; cat "$file.down.sql"; echo "PRAGMA user_version = $((version - 1));"; echo "COMMIT;"; } \
      | sqlite3 -bail "$db"
    echo "$name: reverted (schema version $((version - 1)))"
    ;;
  verify)
    [ "$(current)" -eq "$version" ] || { echo "$name: schema version is $(current), expected $version" >&2; exit 1; }
    [ "$(sqlite3 "$db" < "$file.verify.sql")" = 1 ] || { echo "$name: verification query failed" >&2; exit 1; }
    echo "$name: verified"
    ;;
  *) echo "unknown action $action (up, down or verify)" >&2; exit 2 ;;
esac
