#!/usr/bin/env bash
# Runs "$@" inside a private D-Bus session with gnome-keyring started and unlocked, so the
# Secret Service backend is real and headless.
set -euo pipefail
if [ -z "${FLYTE_IN_DBUS_SESSION:-}" ]; then
    export FLYTE_IN_DBUS_SESSION=1
    exec dbus-run-session -- "$0" "$@"
fi
# The keyring lives in a throwaway data dir, never a developer's real login keyring.
KEYRING_HOME="$(mktemp -d)"
# An empty password unlocks (and on first use creates) the login keyring.
eval "$(printf '\n' | XDG_DATA_HOME="$KEYRING_HOME" gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
# Wait until the unlocked daemon owns the Secret Service name; starting before that makes
# D-Bus activate a second, locked daemon.
for _ in $(seq 1 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
        | grep -q 'boolean true' && break
    sleep 0.1
done
eval "$(XDG_DATA_HOME="$KEYRING_HOME" gnome-keyring-daemon --start --components=secrets 2>/dev/null)"
export GNOME_KEYRING_CONTROL
exec "$@"
