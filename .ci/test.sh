#!/usr/bin/env bash
# The README's test command, with the Python venv and node made visible to the interop tests; first
# the docs must build without warnings (broken links, ambiguous names).
set -euo pipefail
export FLYTE_TEST_PYTHON="${FLYTE_TEST_PYTHON:-$PWD/target/py-venv/bin/python}"
# The Node 20 .ci/setup-node.sh installed when the system one is too old.
if [ -z "${FLYTE_TEST_NODE:-}" ] && [ -x target/node/node_modules/.bin/node ]; then
    export FLYTE_TEST_NODE="$PWD/target/node/node_modules/.bin/node"
fi
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
cargo test --workspace
