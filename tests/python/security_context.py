"""Builds each task's SecurityContext with the Python SDK, for tests/spec_python_diff.rs.

Reads a JSON list of tasks on stdin; a task is a list of secret requests, each either a
plain key (a string, as in `secrets="my-secret"`) or {"key", "group", "mount", "as_env_var"}
(absent fields null; the mount is given to flyte.Secret as a pathlib.Path). Prints a JSON
list in the same order: {"json": json.dumps(MessageToDict(sc)), "hex": the hex of
sc.SerializeToString()}, where sc is flyte's own `get_security_context(secrets)`.
"""

import json
import pathlib
import sys

from google.protobuf.json_format import MessageToDict

from flyte import Secret
from flyte._internal.runtime.task_serde import get_security_context


def request(item):
    if isinstance(item, str):
        return item
    mount = item.get("mount")
    return Secret(
        key=item["key"],
        group=item.get("group"),
        mount=pathlib.Path(mount) if mount is not None else None,
        as_env_var=item.get("as_env_var"),
    )


def security_context(task):
    secrets = [request(item) for item in task]
    # A single plain key goes in as the SDK's `secrets="key"` form.
    if len(secrets) == 1 and isinstance(secrets[0], str):
        secrets = secrets[0]
    sc = get_security_context(secrets)
    return {"json": json.dumps(MessageToDict(sc)), "hex": sc.SerializeToString().hex()}


def main():
    tasks = json.load(sys.stdin)
    json.dump([security_context(task) for task in tasks], sys.stdout)


if __name__ == "__main__":
    main()
