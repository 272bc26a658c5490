"""The stock Python `flyte` SDK with its OS keyring token cache on (the default), against
`flyte serve --tls-cert ... --oidc-issuer ...`: the device flow logs in only when the keyring
holds no tokens for the endpoint.

Usage: oidc_keyring.py ENDPOINT CA_FILE NAME MODE
  MODE roundtrip: create secret NAME, read it back, list, delete it.
  MODE create:    create secret NAME and leave it there.
The value comes from the environment (INTEROP_VALUE) so it never shows in argv. Prints one
JSON object per step on stdout, first whether the keyring held a login for the endpoint (never
a token); when the device flow runs, the SDK prints its "navigate to" line, which
cli/tests/login_commands/python_keyring.rs drives (or, where a cached login must be used,
fails on).
"""

import json
import os
import sys

import flyte
from flyte.remote import Secret
from flyte.remote._client.auth._keyring import KeyringStore


def emit(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


def main():
    endpoint, ca, name, mode = sys.argv[1:5]
    import keyring

    cached = KeyringStore.retrieve(endpoint)
    emit(
        "keyring",
        backend=type(keyring.get_keyring()).__module__,
        cached=cached is not None,
        refresh_token=bool(cached and cached.refresh_token),
    )
    flyte.init(endpoint=endpoint, ca_cert_file_path=ca, auth_type="DeviceFlow",
               disable_keyring=False, project="proj", domain="dev")
    Secret.create(name=name, value=os.environ["INTEROP_VALUE"])
    emit("created", name=name)
    if mode == "roundtrip":
        s = Secret.get(name)
        emit("get", name=s.name, project=s.pb2.id.project)
        emit("listall", names=[x.name for x in Secret.listall(limit=10)])
        Secret.delete(name)
    emit("done")


if __name__ == "__main__":
    main()
