#!/usr/bin/env bash
# Applies, reverts or checks one schema migration; keeps the table that records them.
#
#   migrate.sh up|down|verify NAME   NAME is a file stem in migrations/, e.g. 003_orders_by_customer
#   migrate.sh track                 creates schema_migrations unless it exists
#   migrate.sh untrack               drops schema_migrations, refusing while it still lists a version
#   migrate.sh tracked               exit 0 when schema_migrations exists
#   migrate.sh schema                prints the schema (pg_dump --schema-only), the same text every time
#
# `up`, `down`, `track` and `untrack` run in one psql session that first takes the advisory lock
# LOCK_KEY: two migrators of the same database never interleave, the second waits (at most
# BELAY_VAR_LOCK_TIMEOUT, 30s by default) and then sees what the first did. A migration and its row in
# schema_migrations change in one transaction, so `up` and `down` are idempotent: running either twice
# changes nothing the second time. That matters because Belay compensates a step whose outcome it
# cannot know (a crash mid-run), and may compensate a failed step that changed nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/connection.sh"
LOCK_KEY=${MIGRATION_LOCK_KEY:-4851020601}
lock_timeout=${BELAY_VAR_LOCK_TIMEOUT:-30s}
usage="usage: migrate.sh up|down|verify NAME, or migrate.sh track|untrack|tracked|schema"

psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# Runs the SQL on stdin after taking the lock; the lock ends with the session.
locked() {
  { echo "\\set VERBOSITY terse"
    echo "SET client_min_messages = warning;"
    echo "SET lock_timeout = :'lock_timeout';"
    echo "SELECT pg_advisory_lock(:lock_key) AS locked \\gset"
    echo "RESET lock_timeout;"
    cat; } | psql_ -v lock_key="$LOCK_KEY" -v lock_timeout="$lock_timeout" "$@"
}

action=${1:?$usage}
case "$action" in
  track)
    locked <<'SQL'
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     text PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
);
SQL
    echo "schema_migrations: ready"
    exit 0 ;;
  untrack)
    locked <<'SQL'
DO $$
BEGIN
  IF to_regclass('public.schema_migrations') IS NOT NULL THEN
    IF EXISTS (SELECT 1 FROM public.schema_migrations) THEN
      RAISE EXCEPTION 'schema_migrations still lists applied migrations: revert them first';
    END IF;
  END IF;
END $$;
DROP TABLE IF EXISTS schema_migrations;
SQL
    echo "schema_migrations: dropped"
    exit 0 ;;
  tracked)
    [ "$(psql_ -tA -c "SELECT to_regclass('public.schema_migrations') IS NOT NULL")" = t ]
    exit ;;
  schema)
    # pg_dump 15.14 and later add \restrict lines with a random key: drop them so equal schemas compare equal.
    pg_dump --schema-only --no-owner --no-privileges | sed -e '/^\\restrict /d' -e '/^\\unrestrict /d'
    exit 0 ;;
  up|down|verify) ;;
  *) echo "unknown action $action; $usage" >&2; exit 2 ;;
esac

name=${2:?$usage}
[[ "$name" =~ ^[0-9]+_[a-z0-9_]+$ ]] || { echo "not a migration name: $name" >&2; exit 2; }
file="$here/migrations/$name"
[ -f "$file.up.sql" ] || { echo "no migration named $name in $here/migrations" >&2; exit 2; }
# The migration before this one, which `up` requires to be applied first.
previous=""
for candidate in "$here"/migrations/*.up.sql; do
  stem=$(basename "$candidate" .up.sql)
  [ "$stem" = "$name" ] && break
  previous=$stem
done

case "$action" in
  up)
    injected=""
    fail=${BELAY_VAR_FAIL_MIGRATION:-}
    if [ "$fail" = "$name" ] || { [[ "$fail" =~ ^[0-9]+$ ]] && [ "$((10#$fail))" = "$((10#${name%%_*}))" ]; }; then
      # A realistic failure: the migration's statements run, then one fails, and the transaction rolls back.
      injected="SELECT * FROM missing_table_injected_by_fail_migration;"
    fi
    locked -v version="$name" -v previous="$previous" -v file="$file.up.sql" <<SQL
SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = :'version') AS applied \\gset
\\if :applied
  \\echo :version: already applied
\\else
  SELECT :'previous' = '' OR EXISTS (SELECT 1 FROM schema_migrations WHERE version = :'previous') AS ready \\gset
  \\if :ready
    BEGIN;
    \\i :file
    $injected
    INSERT INTO schema_migrations (version) VALUES (:'version');
    COMMIT;
    \\echo :version: applied
  \\else
    SELECT set_config('migrate.message', :'version' || ' needs ' || :'previous' || ' applied first', false) AS message \\gset
    DO \$\$ BEGIN RAISE EXCEPTION '%', current_setting('migrate.message'); END \$\$;
  \\endif
\\endif
SQL
    ;;
  down)
    locked -v version="$name" -v file="$file.down.sql" <<'SQL'
SELECT to_regclass('public.schema_migrations') IS NOT NULL AS tracked \gset
\if :tracked
  SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = :'version') AS applied,
         (SELECT coalesce(string_agg(version, ', ' ORDER BY version), '') FROM schema_migrations
           WHERE version > :'version') AS later \gset
\else
  \set applied false
\endif
\if :applied
  SELECT :'later' = '' AS last \gset
  \if :last
    BEGIN;
    \i :file
    DELETE FROM schema_migrations WHERE version = :'version';
    COMMIT;
    \echo :version: reverted
  \else
    SELECT set_config('migrate.message', :'version' || ' cannot be reverted while later migrations are applied: ' || :'later', false)
        AS message \gset
    DO $$ BEGIN RAISE EXCEPTION '%', current_setting('migrate.message'); END $$;
  \endif
\else
  \echo :version: not applied, nothing to revert
\endif
SQL
    ;;
  verify)
    [ "$(psql_ -tA -v version="$name" <<<"SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = :'version');")" = t ] \
      || { echo "$name: not recorded in schema_migrations" >&2; exit 1; }
    [ "$(psql_ -tA -f "$file.verify.sql")" = t ] || { echo "$name: verification query failed" >&2; exit 1; }
    echo "$name: verified"
    ;;
esac
