#!/usr/bin/env bash
# The guided tour behind `make demo`: the quickstart playbook in a fresh temporary workspace, run
# twice — once to success, once with a failure injected — to watch Belay undo a release by itself.
set -euo pipefail
BELAY="${BELAY:?set BELAY to the belay binary (make demo does)}"
here="$(cd "$(dirname "$0")" && pwd)"

tour="$(mktemp -d "${TMPDIR:-/tmp}/belay-demo.XXXXXX")"
cp -R "$here/quickstart.yml" "$here/quickstart" "$tour/"
ws="$tour/quickstart"   # the playbook says `workspace: quickstart`

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
[ -t 1 ] && [ -z "${NO_COLOR:-}" ] || say() { printf '\n== %s\n' "$*"; }
site() { echo "   live site: current -> $(readlink "$ws/current" 2>/dev/null || echo '(none)')   releases: $(ls "$ws/releases" 2>/dev/null | tr '\n' ' ')"; }

"$BELAY" --version
say "1. Release 1.1.0 of a small static site (build → switch the live symlink → health check)."
echo "   Each phase ends in a rollback point: a git commit in $ws/.belay/git."
"$BELAY" run "$tour/quickstart.yml" --var version=1.1.0 --run-id demo-release-1.1.0
site

say "2. Release 1.2.0, with a failure injected right after the switch (--var fail_at=release)."
echo "   Belay compensates every started step, newest first, then restores the workspace to the"
echo "   run's start point. Exit code 1 means: failed, and undone."
status=0
"$BELAY" run "$tour/quickstart.yml" --var version=1.2.0 --var fail_at=release --run-id demo-release-1.2.0 || status=$?
echo "   (belay exited with $status)"
site
echo "   The site still serves 1.1.0 and the 1.2.0 build is gone: nobody had to undo anything by hand."

say "3. Where to look"
echo "   \$ belay runs --workspace $ws"
"$BELAY" runs --workspace "$ws"
echo
echo "   \$ belay status demo-release-1.2.0 --workspace $ws"
"$BELAY" status demo-release-1.2.0 --workspace "$ws"
echo
echo "   \$ git --git-dir $ws/.belay/git log --oneline refs/belay/runs/demo-release-1.2.0"
git --git-dir "$ws/.belay/git" log --oneline refs/belay/runs/demo-release-1.2.0 2>/dev/null \
  || echo "   (install git to browse the rollback points; Belay itself does not need it)"
echo
echo "   Journal: $ws/.belay/runs/demo-release-1.2.0/journal.jsonl"
echo "   Logs:    $ws/.belay/runs/demo-release-1.2.0/logs/"
echo
echo "The tour's files stay in $tour (remove them with: rm -rf $tour)."
