#!/usr/bin/env bash
# The README's test command, with the Python venv made visible to the interop tests.
set -euo pipefail
export FLYTE_TEST_PYTHON="${FLYTE_TEST_PYTHON:-$PWD/target/py-venv/bin/python}"
cargo test --workspace
