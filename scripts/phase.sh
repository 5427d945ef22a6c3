#!/usr/bin/env bash
# Run one phase of `make test` with a header and its wall time:  scripts/phase.sh NAME CMD...
# Exit status is CMD's, so a failing phase still fails the build.
set -uo pipefail
name=$1; shift
printf '\n==> %s\n' "$name"
start=$(date +%s)
"$@"
rc=$?
secs=$(( $(date +%s) - start ))
if [ "$rc" -eq 0 ]; then
  printf '==> %s: ok (%ss)\n' "$name" "$secs"
else
  printf '==> %s: FAILED with exit code %s (%ss)\n' "$name" "$rc" "$secs" >&2
fi
exit "$rc"
