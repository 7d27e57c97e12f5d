#!/usr/bin/env bash
# The guided tour behind `make demo`, in fresh temporary workspaces:
#   1. a release that works,  2. one that fails and is undone by itself,
#   3. a database migration rolled back by hand to an earlier boundary,
#   4. a go/no-go gate that lets a green release through and blocks a broken one.
set -euo pipefail
BELAY="${BELAY:?set BELAY to the belay binary (make demo does)}"
here="$(cd "$(dirname "$0")" && pwd)"
export NO_COLOR="${NO_COLOR:-}"

tour="$(mktemp -d "${TMPDIR:-/tmp}/belay-demo.XXXXXX")"
cp -R "$here/quickstart.yml" "$here/quickstart" "$here/sqlite-migration" "$here/release-gate" "$tour/"
ws="$tour/quickstart"   # the quickstart playbook says `workspace: quickstart`

if [ -t 1 ] && [ -z "$NO_COLOR" ]; then
  say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
else
  say() { printf '\n== %s\n' "$*"; }
fi
note() { printf '   %s\n' "$@"; }
site() { note "live site: current -> $(readlink "$ws/current" 2>/dev/null || echo '(none)')   releases: $(ls "$ws/releases" 2>/dev/null | tr '\n' ' ')"; }
# Runs belay, shows only the lines that tell the story, and keeps its exit code in $status.
quiet() { status=0; "$BELAY" "$@" > "$tour/last.out" 2>&1 || status=$?; grep -E "$pattern" "$tour/last.out" || true; }
schema() { note "app.db: schema version $(sqlite3 "$tour/sqlite-migration/app.db" 'PRAGMA user_version;'), tables: $(sqlite3 "$tour/sqlite-migration/app.db" "SELECT group_concat(name, ' ') FROM sqlite_schema WHERE type = 'table';"), columns of customers: $(sqlite3 "$tour/sqlite-migration/app.db" "SELECT group_concat(name, ' ') FROM pragma_table_info('customers');")"; }

"$BELAY" --version

say "1. Release 1.1.0 of a small static site (build → switch the live symlink → health check)."
note "Each phase ends in a rollback point: a git commit in $ws/.belay/git."
"$BELAY" run "$tour/quickstart.yml" --var version=1.1.0 --run-id demo-release-1.1.0
site

say "2. Release 1.2.0, with a failure injected right after the switch (--var fail_at=release)."
note "Belay compensates every started step, newest first, then restores the workspace to the" \
     "run's start point. Exit code 1 means: failed, and undone."
status=0
"$BELAY" run "$tour/quickstart.yml" --var version=1.2.0 --var fail_at=release --run-id demo-release-1.2.0 || status=$?
note "(belay exited with $status)"
site
note "The site still serves 1.1.0 and the 1.2.0 build is gone: nobody had to undo anything by hand."

say "3. A database migration, rolled back by hand the next morning."
note "playbooks/sqlite-migration takes app.db (3,000 customers, 12,000 orders) through four schema" \
     "migrations, one phase each. Every phase boundary is a rollback point."
pattern='^(▸|  [✓✗↺⟲]|[✓✗] Run)'
quiet run "$tour/sqlite-migration/playbook.yml" --run-id demo-migration
schema
note "Migrations 003 and 004 turn out to be wrong. Undo everything after orders-index:" \
     "\$ belay rollback demo-migration --to orders-index"
pattern='^(Belay|  [–↺⟲]|⟲ Run|  The phases)'
quiet rollback demo-migration --to orders-index --workspace "$tour/sqlite-migration"
schema
note "Compensated newest first (the down migrations ran), then the workspace was made exactly" \
     "the orders-index point's tree: app.db is byte for byte what it was at that boundary."

say "4. A go/no-go gate: tests, a secret scan and coverage decide whether a release ships."
note "playbooks/release-gate builds a small Python module, runs its tests (JUnit + measured" \
     "coverage), scans it for hard-coded secrets (SARIF), and asks the gate. One of the gate's key" \
     "criteria is a rehearsed rollback, so first: \$ belay rehearse release-gate/playbook.yml"
pattern='^✓ Rehearsal|^✗'
quiet rehearse "$tour/release-gate/playbook.yml"
note "A green release:"
pattern='⚖ gate|^[✓✗] Run'
quiet run "$tour/release-gate/playbook.yml" --run-id demo-gate-2.4.0
note "(exit $status; published: $(ls "$tour/release-gate/dist" | tr '\n' ' '))"
note "The same decision by hand, from the evidence files:" \
     "\$ belay gate --policy release-gate.yml --playbook playbook.yml"
(cd "$tour/release-gate" && "$BELAY" gate --policy release-gate.yml --playbook playbook.yml | sed -n '1,17p')
note "A release whose build carries a rounding bug (--var break_test=true):"
quiet run "$tour/release-gate/playbook.yml" --run-id demo-gate-2.5.0 --var version=2.5.0 --var break_test=true
note "(exit $status: blocked, built artifacts compensated; published: $(ls "$tour/release-gate/dist" | tr '\n' ' '))"

say "5. Where to look"
note "\$ belay runs --workspace $ws"
"$BELAY" runs --workspace "$ws"
echo
note "\$ belay status demo-release-1.2.0 --workspace $ws"
"$BELAY" status demo-release-1.2.0 --workspace "$ws"
echo
note "\$ git --git-dir $ws/.belay/git log --oneline refs/belay/runs/demo-release-1.2.0"
git --git-dir "$ws/.belay/git" log --oneline refs/belay/runs/demo-release-1.2.0 2>/dev/null \
  || note "(install git to browse the rollback points; Belay itself does not need it)"
echo
note "Journal: $ws/.belay/runs/demo-release-1.2.0/journal.jsonl" \
     "Logs:    $ws/.belay/runs/demo-release-1.2.0/logs/" \
     "More:    playbooks/*/README.md and Examples/*/README.md"
echo
echo "The tour's files stay in $tour (remove them with: rm -rf $tour)."
