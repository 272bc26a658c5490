#!/usr/bin/env bash
# System packages: D-Bus and gnome-keyring for the Secret Service tests, keyutils for the
# kernel keyring, python venv for the Python SDK interoperability tests, postgresql for the
# Postgres store tests (they start private clusters); curl (a client run
# as another user), procps (kill), coreutils (md5sum), bsdutils (script) used by tests.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    dbus dbus-x11 gnome-keyring libsecret-tools keyutils python3-venv \
    curl procps coreutils bsdutils postgresql >/dev/null
