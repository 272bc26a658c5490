#!/usr/bin/env bash
# The README's test command, with the Python venv made visible to the interop tests; first
# the docs must build without warnings (broken links, ambiguous names).
set -euo pipefail
export FLYTE_TEST_PYTHON="${FLYTE_TEST_PYTHON:-$PWD/target/py-venv/bin/python}"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
cargo test --workspace
