#!/usr/bin/env bash
# How fast the `flyte` CLI starts, against the Python SDK's `flyte`, in one run: `--version`
# and `get secret` against a local `flyte serve` (bench/cli_start.py does the timing).
# Builds the CLI as `cargo install --path cli` does (release), into BENCH_TARGET_DIR
# (default: the workspace's target dir).
#
#   FLYTE_TEST_PYTHON=target/py-venv/bin/python bash bench/cli-start.sh
#   ROUNDS=30 SECRETS=100 ... bash bench/cli-start.sh
#
# FLYTE_TEST_PYTHON is the interpreter of a virtualenv with the `flyte` package (`.ci/run`
# makes one in target/py-venv); its `flyte` script sits next to it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PYTHON=${FLYTE_TEST_PYTHON:?set FLYTE_TEST_PYTHON to a Python with the flyte package (target/py-venv/bin/python)}
THEIRS=$(cd "$(dirname "$PYTHON")" && pwd)/flyte
[ -x "$THEIRS" ] || { echo "no Python flyte CLI at $THEIRS (pip install flyte in that venv)" >&2; exit 1; }
TARGET=${BENCH_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}
CARGO_TARGET_DIR=$TARGET cargo build -q --release -p flyte-cli
exec "$PYTHON" "$ROOT/bench/cli_start.py" "$TARGET/release/flyte" "$THEIRS"
