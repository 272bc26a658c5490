"""Applies the Python SDK's `flyte.Secret` to secret requests, for tests/spec_python_diff.rs.

Reads a JSON list of cases on stdin: {"key", "group", "mount", "as_env_var", "mount_as"}
(absent fields null; "mount_as" is "path" for pathlib.Path, the type the SDK declares, or
"str"). Prints a JSON list of results in the same order: {"ok": true, "as_env_var",
"mount", "hash"} or {"ok": false, "error": message}.
"""

import json
import pathlib
import sys

from flyte import Secret


def apply(case):
    mount = case.get("mount")
    if mount is not None and case.get("mount_as", "path") == "path":
        mount = pathlib.Path(mount)
    try:
        secret = Secret(
            key=case["key"],
            group=case.get("group"),
            mount=mount,
            as_env_var=case.get("as_env_var"),
        )
    except ValueError as e:
        return {"ok": False, "error": str(e)}
    return {
        "ok": True,
        "as_env_var": secret.as_env_var,
        "mount": str(secret.mount) if secret.mount else None,
        "hash": secret.stable_hash(),
    }


def main():
    cases = json.load(sys.stdin)
    json.dump([apply(case) for case in cases], sys.stdout)


if __name__ == "__main__":
    main()
