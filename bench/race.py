#!/usr/bin/env python3
"""The race: the gateway and PostGraphile v5 serve the same PostgreSQL tables, on loopback.

Builds a fresh PostgreSQL 15 cluster holding N organisations (imported with `nko import`) with five
people each (a membership per person), serves it with the gateway (release build) and with
PostGraphile v5 (bench/postgraphile), checks that both answer the same data for each query, then
runs interleaved `wrk` rounds of each query against each server and reports, per query and
server: requests per second and p99 latency (medians over the rounds), server and PostgreSQL CPU
per 1,000 requests, and SQL statements per request (pg_stat_statements, over 50 requests).

Usage:  bench/race.py N [ROUNDS]            (e.g. bench/race.py 10000 3)
Needs:  cargo build --release -p gateway -p cli; bench/postgraphile/install.sh; wrk (Debian);
        PostgreSQL 15 server binaries in /usr/lib/postgresql/15/bin; run as root (the cluster
        runs as the `postgres` user). Everything listens on 127.0.0.1 and stops at the end.
Env:    RACE_SECONDS (per wrk run, default 10), RACE_CONNECTIONS (default 10), RACE_DIR (/tmp/race),
        RACE_HOLD=1 (set up, check, then keep both servers up for profiling until interrupted).
"""
import base64
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_BIN = "/usr/lib/postgresql/15/bin"
PG_PORT = int(os.environ.get("RACE_PGPORT", "55470"))
GW_PORT, PGL_PORT = 18180, 18190
SECONDS = int(os.environ.get("RACE_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("RACE_CONNECTIONS", "10"))
ADMIN_PASSWORD = "race-admin-password-1"
TICKS = os.sysconf("SC_CLK_TCK")

# The same question to both servers: the gateway's schema, then PostGraphile's (simplify-inflection).
QUERIES = {
    "flat 20": (
        "{ organizations(first: 20) { nodes { id fullName inn ogrn } } }",
        "{ organizations(first: 20, orderBy: [SORT_KEY_ASC, ROW_ID_ASC]) { nodes { rowId fullName inn ogrn } } }",
    ),
    "nested 20": (
        "{ organizations(first: 20) { nodes { fullName people { person { lastName firstName } } } } }",
        "{ organizations(first: 20, orderBy: [SORT_KEY_ASC, ROW_ID_ASC]) { nodes { fullName "
        "memberships { nodes { person { lastName firstName } } } } } }",
    ),
    "nested 100": (
        "{ organizations(first: 100) { nodes { fullName people { person { lastName firstName } } } } }",
        "{ organizations(first: 100, orderBy: [SORT_KEY_ASC, ROW_ID_ASC]) { nodes { fullName "
        "memberships { nodes { person { lastName firstName } } } } } }",
    ),
    "deep flat 20": (
        '{ organizations(first: 20, after: "GW_CURSOR") { nodes { id fullName inn ogrn } } }',
        '{ organizations(first: 20, after: "PGL_CURSOR", orderBy: [SORT_KEY_ASC, ROW_ID_ASC]) '
        "{ nodes { rowId fullName inn ogrn } } }",
    ),
}

LAST_NAMES = ["Иванова", "Петров", "Сидорова", "Кузнецов", "Смирнова"]
FIRST_NAMES = ["Анна", "Борис", "Вера", "Глеб", "Дарья", "Егор", "Жанна", "Захар", "Ирина", "Кирилл"]


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, text=True, capture_output=True, **kw).stdout


def psql(db_url, sql):
    return subprocess.run([f"{PG_BIN}/psql", "-qAtX", "-v", "ON_ERROR_STOP=1", db_url], input=sql, text=True,
                          check=True, capture_output=True).stdout


def post(port, path, query, token=None):
    body = json.dumps({"query": query}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", body, {"content-type": "application/json"})
    if token:
        req.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=60) as r:
        answer = json.load(r)
    if answer.get("errors"):
        raise SystemExit(f"{port}: {answer['errors']}")
    return answer["data"]


def wait_for(url, seconds=120):
    end = time.time() + seconds
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError as answered:
            if answered.code < 500:
                return  # listening: a GET that is refused is an answer
            time.sleep(0.3)
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not come up")


def cpu_ticks(pids, reaped_of=None):
    """User and system CPU ticks of `pids`; with `reaped_of`, also what that process's children
    that ended used (PostgreSQL's backends come and go with the servers' pools)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            if pid == reaped_of:
                total += int(fields[13]) + int(fields[14])
        except FileNotFoundError:
            pass
    return total


def postgres_pids(pg_data):
    with open(f"{pg_data}/postmaster.pid") as f:
        master = f.readline().strip()
    children = sh(f"pgrep -P {master} || true").split()
    return [master, *children]


def wrk(port, path, query, token, out_dir, name):
    script = f"{out_dir}/{name}.lua"
    headers = 'wrk.headers["Content-Type"] = "application/json"\n'
    if token:
        headers += f'wrk.headers["Authorization"] = "Bearer {token}"\n'
    with open(script, "w") as f:
        f.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps({"query": query}))}\n{headers}')
    text = sh(f"wrk -t1 -c{CONNECTIONS} -d{SECONDS}s --latency -s {script} http://127.0.0.1:{port}{path}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if errors:
        raise SystemExit(f"{name}: {errors.group(1)} failed responses\n{text}")
    return rps, p99_ms, requests


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    out = os.path.join(os.environ.get("RACE_DIR", "/tmp/race"), str(n))
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    pg_data = f"{out}/pg"
    os.makedirs(pg_data)
    shutil.chown(pg_data, "postgres")
    os.chmod(out, 0o777)  # the cluster (user postgres) writes its log here
    procs = []
    url = f"postgres://postgres@127.0.0.1:{PG_PORT}/postgres"
    try:
        sh(f"su postgres -c '{PG_BIN}/initdb -D {pg_data} -A trust --locale=C.UTF-8 -E UTF8'")
        opts = (f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off -c max_connections=100 "
                "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_utility=off")
        sh(f"su postgres -c \"{PG_BIN}/pg_ctl -D {pg_data} -o '{opts}' -l {out}/pg.log -w start\"")
        psql(url, "CREATE EXTENSION pg_stat_statements;")

        env = dict(os.environ, NKO_DATA_DIR=f"{out}/data", NKO_DATABASE_URL=url, NKO_ADMIN_PASSWORD=ADMIN_PASSWORD,
                   NKO_LISTEN=f"127.0.0.1:{GW_PORT}", RUST_LOG="warn")
        gateway_bin = f"{REPO}/target/release/nko-gateway"
        gw = subprocess.Popen([gateway_bin], env=env, stdout=open(f"{out}/gateway.log", "w"), stderr=subprocess.STDOUT)
        procs.append(gw)
        wait_for(f"http://127.0.0.1:{GW_PORT}/readyz")

        print(f"loading {n} organisations, {5 * n} people and memberships ...", flush=True)
        started = time.time()
        csv = f"{out}/organizations.csv"
        with open(csv, "w") as f:
            subprocess.run([sys.executable, f"{REPO}/bench/gen_organizations.py", str(n)], stdout=f, check=True)
        subprocess.run([f"{REPO}/target/release/nko", "--as", "admin", "import", "organizations", csv], env=env,
                       check=True, capture_output=True)
        last = "ARRAY[" + ",".join(f"'{x}'" for x in LAST_NAMES) + "]"
        first = "ARRAY[" + ",".join(f"'{x}'" for x in FIRST_NAMES) + "]"
        psql(url, f"""
            CREATE TEMP TABLE slots AS
              SELECT o.id AS organization_id, k, o.n,
                     md5(o.id::text || '/' || k)::uuid AS person_id
              FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM organizations) o, generate_series(1, 5) k;
            INSERT INTO people (id, last_name, first_name, middle_name, search_key, phones, emails, basis_kind,
                                basis_purpose, basis_since, basis_document, created_at)
              SELECT person_id, ({last})[k], ({first})[1 + n % 10], NULL,
                     lower(({last})[k] || ' ' || ({first})[1 + n % 10]), '[]', '[]', 'consent', 'учёт',
                     DATE '2026-01-01', NULL, now()
              FROM slots;
            INSERT INTO memberships (id, person_id, organization_id, position, valid_from, valid_to)
              SELECT md5(person_id::text || '/m')::uuid, person_id, organization_id, 'волонтёр', DATE '2026-01-01', NULL
              FROM slots;
            -- PostGraphile orders by the database's collation: an index of its own, as fair as ours.
            CREATE INDEX race_organizations_sort_key_id ON organizations (sort_key, id);
            VACUUM ANALYZE;
        """)
        print(f"  loaded in {time.time() - started:.0f} s", flush=True)

        pgl_env = dict(os.environ, DATABASE_URL=url, PGL_PORT=str(PGL_PORT), NODE_ENV="production")
        pgl = subprocess.Popen([f"{REPO}/bench/postgraphile/serve.sh"], env=pgl_env,
                               stdout=open(f"{out}/postgraphile.log", "w"), stderr=subprocess.STDOUT)
        procs.append(pgl)
        wait_for(f"http://127.0.0.1:{PGL_PORT}/graphql", 120)
        node_pid = sh(f"pgrep -P {pgl.pid} -f node || echo {pgl.pid}").split()[0]

        login = post(GW_PORT, "/graphql",
                     f'mutation {{ login(login: "admin", password: "{ADMIN_PASSWORD}") {{ token }} }}')
        token = login["login"]["token"]

        # The deep page starts after the 5,000th organisation by name: each server's own cursor.
        deep = min(5_000, n - 20)
        gw_cursor = cursor_of_gateway(url, deep)
        pgl_cursor = post(PGL_PORT, "/graphql", "{ organizations(first: 1, offset: %d, orderBy: [SORT_KEY_ASC, ROW_ID_ASC])"
                          " { pageInfo { endCursor } } }" % (deep - 1))["organizations"]["pageInfo"]["endCursor"]
        queries = {name: (g.replace("GW_CURSOR", gw_cursor), p.replace("PGL_CURSOR", pgl_cursor))
                   for name, (g, p) in QUERIES.items()}

        for name, (gq, pq) in queries.items():
            same_answers(name, post(GW_PORT, "/graphql", gq, token), post(PGL_PORT, "/graphql", pq))
        print("both servers answer the same data for every query", flush=True)
        if os.environ.get("RACE_HOLD"):
            # For profiling: keep both servers up until interrupted, and say how to ask them.
            with open(f"{out}/queries.json", "w") as f:
                json.dump({"token": token, "gateway": GW_PORT, "postgraphile": PGL_PORT, "gateway_pid": gw.pid,
                           "node_pid": int(node_pid), "queries": queries}, f, ensure_ascii=False, indent=1)
            print(f"holding: servers up, token and queries in {out}/queries.json; Ctrl-C stops", flush=True)
            while True:
                time.sleep(3600)

        statements = {}
        for name, (gq, pq) in queries.items():
            for server, port, q, tok in (("gateway", GW_PORT, gq, token), ("postgraphile", PGL_PORT, pq, None)):
                post(port, "/graphql", q, tok)
                psql(url, "SELECT pg_stat_statements_reset();")
                for _ in range(50):
                    post(port, "/graphql", q, tok)
                calls = psql(url, "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                                  "WHERE query NOT LIKE '%pg_stat_statements%';")
                statements[(name, server)] = int(calls.strip()) / 50

        results = {}
        for name, (gq, pq) in queries.items():
            for r in range(rounds):
                for server, pid, port, q, tok in (("gateway", gw.pid, GW_PORT, gq, token),
                                                  ("postgraphile", node_pid, PGL_PORT, pq, None)):
                    pg_pids = postgres_pids(pg_data)
                    before = (cpu_ticks([pid]), cpu_ticks(pg_pids, reaped_of=pg_pids[0]))
                    rps, p99, requests = wrk(port, "/graphql", q, tok, out, f"{server}-{r}")
                    server_ms = (cpu_ticks([pid]) - before[0]) * 1000 / TICKS / requests * 1000
                    pg_now = postgres_pids(pg_data)
                    pg_ms = (cpu_ticks(pg_now, reaped_of=pg_now[0]) - before[1]) * 1000 / TICKS / requests * 1000
                    results.setdefault((name, server), []).append((rps, p99, server_ms, pg_ms))
                    print(f"  {name:13} {server:12} round {r + 1}: {rps:8.0f} req/s  p99 {p99:7.2f} ms", flush=True)

        print(f"\n{n} organisations, {rounds} interleaved rounds of {SECONDS} s, wrk -t1 -c{CONNECTIONS}; medians\n")
        print("| query | server | req/s | p99 ms | server CPU ms / 1k req | PostgreSQL CPU ms / 1k req | statements / req |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for (name, server), rows in results.items():
            med = [statistics.median(col) for col in zip(*rows)]
            print(f"| {name} | {server} | {med[0]:.0f} | {med[1]:.2f} | {med[2]:.0f} | {med[3]:.0f} | "
                  f"{statements[(name, server)]:.1f} |")
        print()
        for name in queries:
            g = statistics.median(r[0] for r in results[(name, "gateway")])
            p = statistics.median(r[0] for r in results[(name, "postgraphile")])
            print(f"{name}: gateway / PostGraphile = {g / p:.2f}")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        subprocess.run(f"su postgres -c '{PG_BIN}/pg_ctl -D {pg_data} -m fast stop'", shell=True,
                       capture_output=True)


def cursor_of_gateway(url, position):
    """The gateway's cursor after the `position`-th organisation by name (kernel::Cursor's text)."""
    row = psql(url, f"SELECT sort_key || chr(31) || replace(id::text, '-', '') FROM organizations "
                    f'ORDER BY sort_key COLLATE "C", id OFFSET {position - 1} LIMIT 1;').strip()
    key, ident = row.split("\x1f")
    plain = f"org.name.asc\x1ft{key}\x1f{ident}"
    return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")


def same_answers(name, gateway, postgraphile):
    """The same organisations, in the same order, with the same fields and the same people."""
    def people(node):
        if "people" in node:
            return sorted((m["person"]["lastName"], m["person"]["firstName"]) for m in node["people"])
        return sorted((m["person"]["lastName"], m["person"]["firstName"]) for m in node["memberships"]["nodes"])

    g, p = gateway["organizations"]["nodes"], postgraphile["organizations"]["nodes"]
    if len(g) != len(p):
        raise SystemExit(f"{name}: {len(g)} organisations from the gateway, {len(p)} from PostGraphile")
    for a, b in zip(g, p):
        for field in ("fullName", "inn", "ogrn"):
            if a.get(field) != b.get(field):
                raise SystemExit(f"{name}: {field} differs: {a.get(field)!r} vs {b.get(field)!r}")
        if ("people" in a) and people(a) != people(b):
            raise SystemExit(f"{name}: people of {a['fullName']} differ")


if __name__ == "__main__":
    main()
