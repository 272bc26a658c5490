#!/usr/bin/env bash
# Slow-client attack on `flyte serve` with default settings, 3 runs (see bench/README.md).
#   bench/server-attack.sh [IDLE HALF_HEADER UPLOADS SECONDS]   (default 100 50 100 30)
# FLYTE_BIN picks the binary (default target/debug/flyte; build with `cargo build -p flyte-cli`).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${FLYTE_BIN:-${CARGO_TARGET_DIR:-target}/debug/flyte}
idle=${1:-100} half=${2:-50} uploads=${3:-100} seconds=${4:-30}
for run in 1 2 3; do
  data=$(mktemp -d)
  "$bin" serve --listen 127.0.0.1:0 --data-dir "$data/d" >"$data/ready" 2>"$data/log" &
  pid=$!
  for _ in $(seq 100); do [ -s "$data/ready" ] && break; sleep 0.1; done
  port=$(sed -E 's#.*127\.0\.0\.1:([0-9]+).*#\1#' "$data/ready")
  echo "run $run: $(python3 bench/server_attack.py "$port" "$pid" "$idle" "$half" "$uploads" "$seconds")"
  kill "$pid"; wait "$pid" || true
  rm -rf "$data"
done
