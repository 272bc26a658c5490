#!/usr/bin/env bash
# The identity provider the OIDC tests start (tests/oidc: oidc-provider and jose, exactly as
# tests/oidc/package-lock.json pins them) and a Node.js 20+ to run it. Debian's own nodejs is
# older, so when the node on PATH is too old, Node 20 comes from the npm registry into
# target/node. Tests find that node through FLYTE_TEST_NODE (set by .ci/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

major() { "$1" -e 'console.log(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }

if ! command -v npm >/dev/null; then
    if [ "$(id -u)" != 0 ]; then
        echo "setup-node: npm is missing; install Node.js 20+ (with npm) first" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

node_bin="$(command -v node || true)"
if [ -z "$node_bin" ] || [ "$(major "$node_bin")" -lt 20 ] || [ -n "${FLYTE_FORCE_NODE_INSTALL:-}" ]; then
    npm install --prefix target/node --no-audit --no-fund --no-save --silent node@20
    node_bin="$PWD/target/node/node_modules/.bin/node"
fi
echo "setup-node: $node_bin $("$node_bin" --version)"

npm ci --prefix tests/oidc --no-audit --no-fund --silent
