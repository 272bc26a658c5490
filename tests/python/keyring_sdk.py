"""The Python flyte SDK's keyring token cache, driven from the Rust keyring tests and bench.

Uses the SDK's own class (flyte.remote._client.auth._keyring.KeyringStore), so what is
written and read here is exactly what the Python `flyte` CLI writes and reads. Token values
come on stdin (never argv, which other processes can see).

Commands (results as one JSON line on stdout):
  store <endpoint>              stdin {"access_token": ..., "refresh_token": ...}
  retrieve <endpoint>           {"found": bool, "access_token", "refresh_token", "for_endpoint", "id"}
  delete <endpoint>
  raw-get <service> <user>      {"value": keyring.get_password(service, user)}
  raw-set <service> <user>      stdin: the value; keyring.set_password(service, user, value)
  count <service> <user>        {"count": items matching in the default Secret Service collection}
  strip <endpoint>...           {"stripped": [strip_scheme(e) for e in endpoints]}
  dumps                         stdin {"access_token", "refresh_token"}: {"json": json.dumps as the SDK does}
  bench-retrieve <endpoint> <n> {"n", "median_us", "p10_us", "p90_us", "samples_us", "backend"}:
                                the SDK's retrieve, timed call by call (after one warm-up call)
"""

import json
import statistics
import sys
import time

import keyring
from flyte.remote._client.auth._keyring import Credentials, KeyringStore, strip_scheme


def main(argv):
    cmd, args = argv[0], argv[1:]
    if cmd == "store":
        tokens = json.load(sys.stdin)
        creds = Credentials(
            access_token=tokens["access_token"],
            refresh_token=tokens.get("refresh_token"),
            for_endpoint=args[0],
        )
        KeyringStore.store(creds)
        out = {"stored": True, "id": creds.id}
    elif cmd == "retrieve":
        creds = KeyringStore.retrieve(args[0])
        if creds is None:
            out = {"found": False}
        else:
            out = {
                "found": True,
                "access_token": creds.access_token,
                "refresh_token": creds.refresh_token,
                "for_endpoint": creds.for_endpoint,
                "id": creds.id,
            }
    elif cmd == "delete":
        KeyringStore.delete(args[0])
        out = {"deleted": True}
    elif cmd == "raw-get":
        out = {"value": keyring.get_password(args[0], args[1])}
    elif cmd == "raw-set":
        keyring.set_password(args[0], args[1], sys.stdin.read())
        out = {"set": True}
    elif cmd == "count":
        import secretstorage

        with secretstorage.dbus_init() as conn:
            collection = secretstorage.get_default_collection(conn)
            items = list(collection.search_items({"service": args[0], "username": args[1]}))
        out = {"count": len(items)}
    elif cmd == "strip":
        out = {"stripped": [strip_scheme(e) for e in args]}
    elif cmd == "dumps":
        tokens = json.load(sys.stdin)
        # The exact call in KeyringStore.store.
        out = {
            "json": json.dumps(
                {
                    KeyringStore._access_token_key: tokens["access_token"],
                    KeyringStore._refresh_token_key: tokens.get("refresh_token"),
                }
            )
        }
    elif cmd == "bench-retrieve":
        endpoint, n = args[0], int(args[1])
        KeyringStore.retrieve(endpoint)  # warm-up: imports, backend discovery
        times = []
        for _ in range(n):
            start = time.perf_counter()
            found = KeyringStore.retrieve(endpoint)
            times.append((time.perf_counter() - start) * 1e6)
            if found is None:
                raise SystemExit("bench-retrieve: nothing stored for the endpoint")
        deciles = statistics.quantiles(times, n=10)
        out = {
            "n": n,
            "median_us": statistics.median(times),
            "p10_us": deciles[0],
            "p90_us": deciles[-1],
            "samples_us": times,
            "backend": str(keyring.get_keyring()),
        }
    else:
        raise SystemExit(f"unknown command {cmd!r}; see the module docstring")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
