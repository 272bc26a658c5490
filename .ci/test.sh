#!/usr/bin/env bash
# The README's test command, with the Python venv and node made visible to the interop tests; first
# the docs must build without warnings (broken links, ambiguous names).
set -euo pipefail
export FLYTE_TEST_PYTHON="${FLYTE_TEST_PYTHON:-$PWD/target/py-venv/bin/python}"
# The Node 20 .ci/setup-node.sh installed when the system one is too old.
if [ -z "${FLYTE_TEST_NODE:-}" ] && [ -x target/node/node_modules/.bin/node ]; then
    export FLYTE_TEST_NODE="$PWD/target/node/node_modules/.bin/node"
fi
# PostgreSQL's server programs (Debian keeps them off PATH) and OpenBao's `bao` from the venv,
# for the store tests.
if [ -z "${FLYTE_TEST_PG_BIN:-}" ]; then
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
    if [ -n "$pg_bin" ]; then export FLYTE_TEST_PG_BIN="$pg_bin"; fi
fi
if [ -z "${FLYTE_TEST_BAO:-}" ] && [ -x target/py-venv/bin/bao ]; then
    export FLYTE_TEST_BAO="$PWD/target/py-venv/bin/bao"
fi
# A build from scratch gains nothing from incremental caches, which would take another GB of disk.
export CARGO_INCREMENTAL=0
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
cargo test --workspace
