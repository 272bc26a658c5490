#!/usr/bin/env bash
# Fuzzing on stable: every property-test target with PROPTEST_CASES cases (default 10^6;
# CI runs the suite at the in-code default of 10^5). Debug build, as `cargo test`. Prints
# the wall time of each target; any failure stops the script (goal: 0 panics). A failing
# case is saved by proptest under CRATE/proptest-regressions/: commit it with the fix.
#
#   bash bench/fuzz.sh                     # 10^6 cases per property
#   PROPTEST_CASES=100000 bash bench/fuzz.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PROPTEST_CASES=${PROPTEST_CASES:-1000000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

# crate  test-name filter  (one line per target)
TARGETS=(
  "flyte-server http::body::proptests"
  "flyte-server service::page_token::proptests"
  "flyte sources::dotenv::proptests"
  "flyte launch::describe::proptests"
  "flyte-macros validate::proptests"
)

for t in "${TARGETS[@]}"; do
  read -r crate filter <<<"$t"
  cargo test -q -p "$crate" --lib --no-run 2>/dev/null
done
printf '%-45s %10s %8s\n' target cases seconds
for t in "${TARGETS[@]}"; do
  read -r crate filter <<<"$t"
  start=$(date +%s.%N)
  if ! cargo test -q -p "$crate" --lib "$filter" >"$CARGO_TARGET_DIR/fuzz.log" 2>&1; then
    cat "$CARGO_TARGET_DIR/fuzz.log"
    exit 1
  fi
  end=$(date +%s.%N)
  printf '%-45s %10s %8.1f\n' "$crate $filter" "$PROPTEST_CASES" "$(echo "$end - $start" | bc)"
done
