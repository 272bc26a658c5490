"""Drives the local Flyte secret service with the stock Python `flyte` SDK.

Usage: secrets_interop.py PORT PROJECT DOMAIN PREFIX
Values come from the environment (INTEROP_STR_VALUE, INTEROP_BYTES_VALUE_HEX) so they never
show in argv. Prints one JSON object per step on stdout; the Rust test
(server/tests/python_interop.rs) asserts on them and on the server's state.
"""

import json
import os
import sys

import flyte
from flyte.remote import Secret


def emit(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


def error_info(exc):
    code = getattr(exc, "code", None)
    return {"type": type(exc).__name__, "code": getattr(code, "value", str(code)) if code else None,
            "text": str(exc)}


def main():
    port, project, domain, prefix = sys.argv[1:5]
    str_value = os.environ["INTEROP_STR_VALUE"]
    bytes_value = bytes.fromhex(os.environ["INTEROP_BYTES_VALUE_HEX"])

    flyte.init(endpoint=f"dns:///127.0.0.1:{port}", insecure=True, project=project, domain=domain)

    # The remote API is sync through @syncify (the async form is `.aio`).
    Secret.create(name=f"{prefix}-str", value=str_value)
    Secret.create(name=f"{prefix}-bytes", value=bytes_value)
    for i in range(3):
        Secret.create(name=f"{prefix}-page-{i}", value=f"page-{i}")
    emit("created")

    s = Secret.get(f"{prefix}-str")
    emit("get", name=s.name, type=s.type, org=s.pb2.id.organization, project=s.pb2.id.project,
         domain=s.pb2.id.domain, created=s.pb2.secret_metadata.created_time.ToJsonString(),
         status=s.pb2.secret_metadata.secret_status.overall_status,
         clusters=[c.cluster.name for c in s.pb2.secret_metadata.secret_status.cluster_status])

    names = [x.name for x in Secret.listall(limit=2)]
    emit("listall", names=names)

    try:
        Secret.create(name=f"{prefix}-str", value="again")
        emit("duplicate", error=None)
    except Exception as e:  # noqa: BLE001 - report whatever the SDK raises
        emit("duplicate", error=error_info(e))

    Secret.delete(f"{prefix}-page-0")
    try:
        Secret.get(f"{prefix}-page-0")
        emit("get_deleted", error=None)
    except Exception as e:  # noqa: BLE001
        emit("get_deleted", error=error_info(e))
    emit("done")


if __name__ == "__main__":
    main()
