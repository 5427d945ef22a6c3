#!/usr/bin/env bash
# Add up the pytest result lines of every `make test` phase into one closing line,
# "tests: N passed, N failed" (", N skipped" when any were), so one line tells the whole run.
#   scripts/test-totals.sh FILE   (FILE holds the phases' combined output)
set -uo pipefail
awk '
  /^(=+ )?[0-9]+ (passed|failed|error|errors|skipped)/ && / in [0-9.]+s/ {
    for (i = 1; i <= NF; i++) {
      n = $i + 0; word = $(i + 1); gsub(/[,=]/, "", word)
      if (word == "passed") passed += n
      else if (word == "failed") failed += n
      else if (word == "error" || word == "errors") failed += n
      else if (word == "skipped") skipped += n
    }
  }
  END {
    line = sprintf("tests: %d passed, %d failed", passed, failed)
    if (skipped) line = line sprintf(", %d skipped", skipped)
    print line
  }' "$1"
