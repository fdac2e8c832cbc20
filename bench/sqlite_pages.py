#!/usr/bin/env python3
"""Keyset pages on the embedded SQLite default: the gateway (release build) on a fresh data folder
per size, N organisations imported with `nko import`; wrk rounds of the first page of 20, the
same page with totalCount, and the page after the 5,000th organisation by name (or the last 20
when there are fewer). Reports medians of req/s and p99 per size, and each page's time relative
to the first page at the smallest size.

Usage:  bench/sqlite_pages.py [N ...]     (default: 1000 10000 100000)
Needs:  cargo build --release -p gateway -p cli; wrk; sqlite3. Listens on 127.0.0.1 only.
Env:    RACE_SECONDS (per wrk run, default 10), RACE_CONNECTIONS (default 10), RACE_DIR (/tmp/race).
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from race import ADMIN_PASSWORD, REPO, post, wait_for, wrk  # noqa: E402

PORT = 18280
ROUNDS = 3


def cursor_after(db_file, position):
    """The gateway's cursor after the `position`-th organisation by name, read from the file."""
    sql = ("SELECT sort_key || char(31) || lower(replace(CASE typeof(id) WHEN 'blob' THEN hex(id) ELSE id END, '-', '')) "
           f"FROM organizations ORDER BY sort_key, id LIMIT 1 OFFSET {position - 1};")
    row = subprocess.run(["sqlite3", db_file, sql], capture_output=True, text=True, check=True).stdout.strip()
    key, ident = row.split("\x1f")
    import base64
    return base64.urlsafe_b64encode(f"org.name.asc\x1ft{key}\x1f{ident}".encode()).decode().rstrip("=")


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000]
    results = {}
    for n in sizes:
        out = os.path.join(os.environ.get("RACE_DIR", "/tmp/race"), f"sqlite-{n}")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        env = dict(os.environ, NKO_DATA_DIR=f"{out}/data", NKO_ADMIN_PASSWORD=ADMIN_PASSWORD,
                   NKO_LISTEN=f"127.0.0.1:{PORT}", RUST_LOG="warn")
        csv = f"{out}/organizations.csv"
        with open(csv, "w") as f:
            subprocess.run([sys.executable, f"{REPO}/bench/gen_organizations.py", str(n)], stdout=f, check=True)
        gw = subprocess.Popen([f"{REPO}/target/release/nko-gateway"], env=env,
                              stdout=open(f"{out}/gateway.log", "w"), stderr=subprocess.STDOUT)
        try:
            wait_for(f"http://127.0.0.1:{PORT}/readyz")
            subprocess.run([f"{REPO}/target/release/nko", "--as", "admin", "import", "organizations", csv], env=env,
                           check=True, capture_output=True)
            token = post(PORT, "/graphql", f'mutation {{ login(login: "admin", password: "{ADMIN_PASSWORD}") '
                                           "{ token } }")["login"]["token"]
            deep = cursor_after(f"{out}/data/nko.sqlite", min(5_000, n - 20))
            queries = {
                "first page": "{ organizations(first: 20) { nodes { id fullName inn ogrn } } }",
                "first page, counted": "{ organizations(first: 20) { totalCount nodes { id fullName inn ogrn } } }",
                "after 5,000": '{ organizations(first: 20, after: "%s") { nodes { id fullName inn ogrn } } }' % deep,
            }
            for name, query in queries.items():
                got = post(PORT, "/graphql", query, token)["organizations"]["nodes"]
                assert len(got) == 20, f"{name}: {len(got)} organisations"
                for r in range(ROUNDS):
                    rps, p99, _ = wrk(PORT, "/graphql", query, token, out, f"sqlite-{r}")
                    results.setdefault((n, name), []).append((rps, p99))
                    print(f"  {n:>7} {name:20} round {r + 1}: {rps:8.0f} req/s  p99 {p99:6.2f} ms", flush=True)
        finally:
            gw.terminate()
            gw.wait(10)
    base = statistics.median(r[0] for r in results[(sizes[0], "first page")])
    print(f"\nSQLite, {ROUNDS} rounds per page, medians; time relative to the first page at {sizes[0]}\n")
    print("| organisations | page | req/s | p99 ms | time / first page at the smallest size |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for (n, name), rows in results.items():
        rps = statistics.median(r[0] for r in rows)
        p99 = statistics.median(r[1] for r in rows)
        print(f"| {n:,} | {name} | {rps:.0f} | {p99:.2f} | {base / rps:.2f} |")


if __name__ == "__main__":
    main()
