#!/usr/bin/env bash
# Run one phase of `make test` with a header and its wall time:  scripts/phase.sh NAME CMD...
# Exit status is CMD's, so a failing phase still fails the build. When PHASE_SUMMARY names
# a file, one result line per phase is appended to it for the summary at the end, and the
# phase's output is copied to "$PHASE_SUMMARY.out" so the totals can be counted.
set -uo pipefail
name=$1; shift
printf '\n==> %s\n' "$name"
start=$(date +%s)
if [ -n "${PHASE_SUMMARY:-}" ]; then
  "$@" 2>&1 | tee -a "$PHASE_SUMMARY.out"
  rc=${PIPESTATUS[0]}
else
  "$@"
  rc=$?
fi
secs=$(( $(date +%s) - start ))
if [ "$rc" -eq 0 ]; then
  line=$(printf '  ok      %4ss  %s' "$secs" "$name")
  printf '==> %s: ok (%ss)\n' "$name" "$secs"
else
  line=$(printf '  FAILED  %4ss  %s (exit code %s)' "$secs" "$name" "$rc")
  printf '==> %s: FAILED with exit code %s (%ss)\n' "$name" "$rc" "$secs" >&2
fi
if [ -n "${PHASE_SUMMARY:-}" ]; then printf '%s\n' "$line" >>"$PHASE_SUMMARY"; fi
exit "$rc"
