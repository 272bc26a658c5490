"""The stock Python SDK (flyte 2.12.1) as the baseline of `cargo bench -p flyte --bench remote`.

Run by the bench against the same local server, in the same run, with the same workload as
the Rust side: SAMPLES batches of BATCH create+get round trips (fresh names each time),
SAMPLES batches of BATCH gets of one secret, and
SAMPLES full listalls of a prepopulated project with the given page size. Prints one JSON
line: per-sample rates (operations per second) and the number of secrets listed.

    python client_bench.py --endpoint 127.0.0.1:PORT --project P --domain D \
        --list-project LP --page 100 --batch 50 --samples 5
"""

import argparse
import json
import sys
import time
import uuid

import flyte
import flyte.remote as remote


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--project", required=True)
    ap.add_argument("--domain", required=True)
    ap.add_argument("--list-project", required=True)
    ap.add_argument("--page", type=int, default=100)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--samples", type=int, default=5)
    args = ap.parse_args()

    flyte.init(endpoint=f"dns:///{args.endpoint}", insecure=True, project=args.project,
               domain=args.domain, disable_keyring=True)

    # Warm up the connection (and the SDK's first-call SelectCluster).
    warm = f"py-warm-{uuid.uuid4().hex[:8]}"
    remote.Secret.create(warm, "v")
    remote.Secret.get(warm)

    create_get = []
    run = uuid.uuid4().hex[:8]
    for s in range(args.samples):
        start = time.perf_counter()
        for i in range(args.batch):
            name = f"py-{run}-{s}-{i}"
            remote.Secret.create(name, "bench-value")
            got = remote.Secret.get(name)
            assert got.name == name
        create_get.append(args.batch / (time.perf_counter() - start))

    # Get alone: the server's read path is cheap, so this shows the client's own cost.
    get_only = []
    for s in range(args.samples):
        start = time.perf_counter()
        for i in range(args.batch):
            remote.Secret.get(warm)
        get_only.append(args.batch / (time.perf_counter() - start))

    flyte.init(endpoint=f"dns:///{args.endpoint}", insecure=True, project=args.list_project,
               domain=args.domain, disable_keyring=True)
    listall = []
    listed = 0
    for _ in range(args.samples):
        start = time.perf_counter()
        listed = sum(1 for _ in remote.Secret.listall(limit=args.page))
        listall.append(listed / (time.perf_counter() - start))

    print(json.dumps({"create_get_per_sec": create_get, "get_per_sec": get_only,
                      "listall_per_sec": listall, "listed": listed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
