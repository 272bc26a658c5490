"""How long the `flyte` CLI takes from exec to exit, this one against the Python SDK's, in one
run: `--version` (start only) and `get secret` (start, config, one list call to a local
`flyte serve` holding SECRETS secrets). Rounds alternate the two CLIs so that load on the
machine hits both alike; each figure is the median of the rounds.

Usage: cli_start.py OURS PYTHON_FLYTE   (bench/cli-start.sh builds OURS and finds the other)
Environment: ROUNDS (default 15), SECRETS (default 20).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(argv, env, cwd):
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{argv[0]} {' '.join(argv[1:])} failed:\n{done.stderr.decode(errors='replace')}")
    return elapsed, done.stdout


def wait_for_address(data_dir, server):
    path = os.path.join(data_dir, "address")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("flyte serve exited before it listened")
        try:
            with open(path) as f:
                return json.load(f)["url"]
        except (FileNotFoundError, ValueError):
            time.sleep(0.05)
    sys.exit(f"flyte serve wrote no {path} within 30 s")


def main():
    ours, theirs = sys.argv[1:3]
    rounds = int(os.environ.get("ROUNDS", "15"))
    secrets = int(os.environ.get("SECRETS", "20"))
    with tempfile.TemporaryDirectory() as home:
        # An empty HOME and cwd: no user config, keyring or FLYTE_* variable leaks in.
        env = {"HOME": home, "PATH": os.environ.get("PATH", "")}
        data = os.path.join(home, "data")
        server = subprocess.Popen(
            [ours, "serve", "--listen", "127.0.0.1:0", "--data-dir", data],
            env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            url = wait_for_address(data, server)
            endpoint = "dns:///" + url.removeprefix("http://")
            remote = ["--endpoint", endpoint, "--insecure"]
            scope = ["-p", "bench", "-d", "development"]
            for i in range(secrets):
                run([ours, *remote, "create", "secret", f"bench-{i}", "--value", f"v{i}", *scope],
                    env, home)
            cases = {
                "--version": ([ours, "--version"], [theirs, "--version"]),
                "get secret": ([ours, *remote, "get", "secret", *scope],
                               [theirs, *remote, "get", "secret", *scope]),
            }
            # The Python CLI's first start compiles and caches its bytecode: not a user's
            # every-day start, so one untimed round first.
            for a, b in cases.values():
                run(a, env, home)
                run(b, env, home)
            times = {name: ([], []) for name in cases}
            floor = []
            for _ in range(rounds):
                floor.append(run(["true"], env, home)[0])
                for name, pair in cases.items():
                    for argv, spent in zip(pair, times[name]):
                        t, out = run(argv, env, home)
                        spent.append(t)
                        listed = out.count(b"bench-")
                        if name == "get secret" and listed != secrets:
                            sys.exit(f"{argv[0]} get secret listed {listed} of {secrets}")
        finally:
            server.terminate()
            server.wait()
    print(f"{rounds} alternating rounds, median wall time per start ({secrets} secrets listed)")
    print(f"{'spawn floor':<12} `true`   {statistics.median(floor) * 1e3:8.2f} ms (this harness, any binary)")
    for name, (a, b) in times.items():
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{name:<12} flyte-rs {ma * 1e3:8.2f} ms   Python {mb * 1e3:8.1f} ms   "
              f"ratio {mb / ma:6.1f}x")


if __name__ == "__main__":
    main()
