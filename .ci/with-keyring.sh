#!/usr/bin/env bash
# Runs "$@" inside a private D-Bus session with gnome-keyring started and unlocked, so the
# Secret Service backend is real and headless.
set -euo pipefail
if [ -z "${FLYTE_IN_DBUS_SESSION:-}" ]; then
    export FLYTE_IN_DBUS_SESSION=1
    exec dbus-run-session -- "$0" "$@"
fi
# An empty password unlocks (and on first use creates) the login keyring.
eval "$(printf '\n' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
eval "$(gnome-keyring-daemon --start --components=secrets 2>/dev/null)"
export GNOME_KEYRING_CONTROL
exec "$@"
