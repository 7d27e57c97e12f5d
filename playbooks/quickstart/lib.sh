# Helpers shared by the quickstart scripts (sourced, not run).

# output KEY VALUE: hand a value to this step's compensate/verify ($BELAY_OUT_KEY) and to later
# steps ({{ steps.<phase>.<step>.key }}). Outside Belay it is a no-op.
output() {
  if [ -n "${BELAY_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$BELAY_OUTPUT"
  fi
}

# maybe_fail: fail on purpose when the `fail_at` var names this phase or this phase/step. Called
# after the step has done its work, so the compensation has something real to undo.
maybe_fail() {
  local target="${BELAY_VAR_FAIL_AT:-}"
  [ -n "$target" ] || return 0
  [ "${BELAY_ACTION:-run}" = run ] || return 0
  if [ "$target" = "${BELAY_PHASE:-}" ] || [ "$target" = "${BELAY_PHASE:-}/${BELAY_STEP:-}" ]; then
    echo "failing on purpose: fail_at=$target" >&2
    exit 1
  fi
}
