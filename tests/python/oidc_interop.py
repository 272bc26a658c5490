"""The stock Python `flyte` SDK logs in to `flyte serve --tls-cert ... --oidc-issuer ...` and
manages secrets there.

Usage: oidc_interop.py ENDPOINT CA_FILE FLOW PREFIX   (FLOW: ClientSecret or DeviceFlow)
The client id and secret come from the environment (INTEROP_CLIENT_ID, INTEROP_CLIENT_SECRET)
so they never show in argv. Prints one JSON object per step on stdout (and, for the device
flow, the SDK's own "navigate to" line); server/tests/oidc/python.rs drives the login page and
asserts on the steps.
"""

import json
import os
import sys

import flyte
from flyte.remote import Secret


def emit(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


def main():
    endpoint, ca, flow, prefix = sys.argv[1:5]
    kw = {}
    if flow == "ClientSecret":
        kw = {"client_id": os.environ["INTEROP_CLIENT_ID"],
              "client_credentials_secret": os.environ["INTEROP_CLIENT_SECRET"]}
    flyte.init(endpoint=endpoint, ca_cert_file_path=ca, auth_type=flow, disable_keyring=True,
               project="proj", domain="dev", **kw)
    Secret.create(name=f"{prefix}-one", value="python-value-0451")
    s = Secret.get(f"{prefix}-one")
    emit("get", name=s.name, project=s.pb2.id.project)
    emit("listall", names=[x.name for x in Secret.listall(limit=10)])
    Secret.delete(f"{prefix}-one")
    emit("done")


if __name__ == "__main__":
    main()
