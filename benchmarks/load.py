"""Load on the HTTP API: `spmo serve` on loopback, N concurrent clients.

    .venv/bin/python benchmarks/load.py [--quick] [--duration S] [--clients N]
                                        [--url URL] [--time-limit S]

Starts `spmo serve` on a free loopback port (a fresh SQLite store, the local
Dask cluster; `--url` uses a running server instead) and runs `--clients`
(default 20) httpx async clients for `--duration` seconds (default 120;
`--quick` 15). Each client loops over a mix: validate examples/northwind.json
(40 %), reads (list portfolios, read the stored example, read its own job:
40 %), and a solve job of the example (20 %, at most one of its own queued or
running at a time, `--time-limit` 10 s, explain none). Two probes ask /healthz
every 50 ms: one in a process of its own (a sync client, nothing else to do:
the server's latency; this one is the target's measure) and one on the load
clients' event loop (which adds that loop's own lag, busy with 20 clients'
responses; reported for comparison with earlier runs, which had only it).
Reported: requests per second, per route the count, p50 / p95 / p99 (ms) and
errors (any status but the route's success), every status seen, jobs done,
the load average, and /healthz p50 / p95 / p99 / max of both probes (and the
own probe's p99 per 30 s window: "throughout"). Written to
benchmarks/results/<date>-<host>-load[-quick].md.

Keys and limits: the server it starts keeps every limit at its default
(SPMO_RATE_PER_S, SPMO_RATE_BURST, SPMO_MAX_JOBS_PER_CALLER, SPMO_MAX_JOBS),
with auth on. Before it starts, the bench creates in the server's fresh
database one `plan` key per client (`bench-client-<i>`), so each client is its
own caller as a portal's users would be, and every request (but /healthz)
carries its client's key as X-API-Key. A 429 is an error like any other. With
`--url` (a running server) the keys come from SPMO_BENCH_KEYS (comma-separated,
used round-robin by the clients) or SPMO_BENCH_KEY (one key for all: then the
server's per-key limits count all clients as one caller).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "northwind.json"
SUCCESS = {"validate": 200, "list": 200, "read": 200, "job-read": 200, "job-submit": 202}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_keys(database: str, clients: int) -> list[str]:
    """One `plan` key per client in the bench's own (fresh) database."""
    from spmo.api.store import Store

    store = Store(database)
    return [store.create_key(f"bench-client-{i}", "plan")[1] for i in range(clients)]


def env_keys() -> list[str]:
    """The keys of a running server's clients (SPMO_BENCH_KEYS, SPMO_BENCH_KEY)."""
    keys = os.environ.get("SPMO_BENCH_KEYS") or os.environ.get("SPMO_BENCH_KEY") or ""
    return [k.strip() for k in keys.split(",") if k.strip()]


def start_server(folder: str, clients: int) -> tuple[subprocess.Popen, str, list[str]]:
    port = _free_port()
    database = f"sqlite:///{folder}/load.db"
    keys = create_keys(database, clients)
    env = {**os.environ, "SPMO_DATABASE_URL": database}
    for name in ("SPMO_RATE_PER_S", "SPMO_RATE_BURST", "SPMO_MAX_JOBS_PER_CALLER",
                 "SPMO_MAX_JOBS", "SPMO_AUTH"):
        env.pop(name, None)  # every limit at its default, auth on
    server = subprocess.Popen([sys.executable, "-m", "spmo", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    stop = time.monotonic() + 120
    while time.monotonic() < stop:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return server, url, keys
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 120 s")


class Recorder:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.jobs_done = 0
        self.statuses: dict[str, int] = {}
        self.windows = ""
        self.own_health: list[float] = []

    async def call(self, route: str, request) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            answer = await request
        except httpx.HTTPError:
            answer = None
        self.times.setdefault(route, []).append(time.perf_counter() - start)
        status = "none" if answer is None else str(answer.status_code)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if answer is None or answer.status_code != SUCCESS.get(route, 200):
            self.errors[route] = self.errors.get(route, 0) + 1
        return answer


async def client_loop(http: httpx.AsyncClient, rec: Recorder, stop: float, work: dict,
                      seed: int, key: str | None) -> None:
    """One client: the mix of the module docstring until `stop`; `work` holds
    the stored portfolio's id, the document validated and the solve options."""
    pid, document, options = work["pid"], work["document"], work["options"]
    rng = random.Random(seed)
    job: str | None = None
    auth = {"X-API-Key": key} if key else {}
    json_headers = {"content-type": "application/json", **auth}
    while time.monotonic() < stop:
        pick = rng.random()
        if pick < 0.2 and job is None:
            answer = await rec.call("job-submit", http.post("/v1/jobs", json={
                "kind": "solve", "portfolio_id": pid, "options": options}, headers=auth))
            if answer is not None and answer.status_code == 202:
                job = answer.json()["id"]
        elif pick < 0.6:
            await rec.call("validate", http.post("/v1/validate", content=document,
                                                 headers=json_headers))
        elif job is not None and pick < 0.8:
            answer = await rec.call("job-read", http.get(f"/v1/jobs/{job}", headers=auth))
            if answer is not None and answer.json().get("status") not in ("queued", "running"):
                rec.jobs_done += answer.json().get("status") == "done"
                job = None
        elif pick < 0.8:
            await rec.call("list", http.get("/v1/portfolios", headers=auth))
        else:
            await rec.call("read", http.get(f"/v1/portfolios/{pid}", headers=auth))


async def probe(http: httpx.AsyncClient, stop: float, times: list[float],
                moments: list[float]) -> None:
    """/healthz every 50 ms: its latencies (inf: failed) and when each was asked."""
    while time.monotonic() < stop:
        start = time.perf_counter()
        moments.append(time.monotonic())
        try:
            answer = await http.get("/healthz")
        except httpx.HTTPError:
            answer = None
        ok = answer is not None and answer.status_code == 200
        times.append(time.perf_counter() - start if ok else float("inf"))
        await asyncio.sleep(0.05)


def probe_process(url: str, seconds: float, answers) -> None:
    """The own-process probe: (latencies, moments) after `seconds`."""
    times: list[float] = []
    moments: list[float] = []
    stop = time.monotonic() + seconds
    with httpx.Client(base_url=url, timeout=60) as http:
        while time.monotonic() < stop:
            start = time.perf_counter()
            moments.append(time.monotonic())
            try:
                ok = http.get("/healthz").status_code == 200
            except httpx.HTTPError:
                ok = False
            times.append(time.perf_counter() - start if ok else float("inf"))
            time.sleep(0.05)
    answers.put((times, moments))


def windows(health: list[float], moments: list[float], width: float = 30.0) -> str:
    """/healthz p99 per `width`-second window of the run ("throughout")."""
    if not moments:
        return ""
    first, parts = moments[0], {}
    for t, latency in zip(moments, health, strict=True):
        parts.setdefault(int((t - first) // width), []).append(latency)
    return ", ".join(f"{int(i * width)}-{int((i + 1) * width)} s {quantile(v, 0.99):.1f}"
                     for i, v in sorted(parts.items()))


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def run(url: str, args, keys: list[str]) -> tuple[Recorder, list[float], float]:
    def key(i: int) -> str | None:
        return keys[i % len(keys)] if keys else None

    document = EXAMPLE.read_bytes()
    limits = httpx.Limits(max_connections=args.clients + 5)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        created = await http.post("/v1/portfolios", content=document, headers={
            "content-type": "application/json", **({"X-API-Key": key(0)} if keys else {})})
        created.raise_for_status()
        pid = created.json()["id"]
        rec, health, moments = Recorder(), [], []
        work = {"pid": pid, "document": document,
                "options": {"time_limit": args.time_limit, "explain": "none"}}
        spawn = multiprocessing.get_context("spawn")
        answers = spawn.Queue()
        own = spawn.Process(target=probe_process, args=(url, args.duration, answers))
        own.start()
        started = time.monotonic()
        stop = started + args.duration
        await asyncio.gather(probe(http, stop, health, moments), *[
            client_loop(http, rec, stop, work, seed, key(seed))
            for seed in range(args.clients)])
        seconds = time.monotonic() - started
        rec.own_health, own_moments = answers.get(timeout=120)
        own.join(30)
        rec.windows = windows(rec.own_health, own_moments)
        return rec, health, seconds


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def report(rec: Recorder, health: list[float], seconds: float, args) -> str:
    total = sum(len(t) for t in rec.times.values())
    lines = [f"# spmo load: {args.clients} clients, {seconds:.0f} s, "
             f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {socket.gethostname()}", "",
             f"throughput {total / seconds:.1f} requests/s; jobs done {rec.jobs_done}; "
             f"errors {sum(rec.errors.values())}; statuses {dict(sorted(rec.statuses.items()))}; "
             f"load average {load_average()}", "",
             f"command: `{' '.join(sys.argv)}`; limits at their defaults, one `plan` key "
             f"per client; {args.note}", "",
             "| route | requests | p50 ms | p95 ms | p99 ms | errors |",
             "|---|---:|---:|---:|---:|---:|"]
    for route in sorted(rec.times):
        t = rec.times[route]
        lines.append(f"| {route} | {len(t)} | {quantile(t, 0.5):.1f} | "
                     f"{quantile(t, 0.95):.1f} | {quantile(t, 0.99):.1f} | "
                     f"{rec.errors.get(route, 0)} |")
    own = rec.own_health
    lines += ["", f"/healthz (own probe process): {len(own)} probes, p50 "
                  f"{quantile(own, 0.5):.1f} ms, p95 {quantile(own, 0.95):.1f} ms, p99 "
                  f"{quantile(own, 0.99):.1f} ms, max {max(own) * 1000:.1f} ms "
                  f"(target p99 < 50 ms)", "",
              f"/healthz (own probe) p99 (ms) per 30 s window: {rec.windows}", "",
              f"/healthz (probe on the load clients' event loop): {len(health)} probes, p50 "
              f"{quantile(health, 0.5):.1f} ms, p95 {quantile(health, 0.95):.1f} ms, p99 "
              f"{quantile(health, 0.99):.1f} ms, max {max(health) * 1000:.1f} ms"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--duration", type=float, default=None)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--url", default=None)
    parser.add_argument("--note", default="", help="a line for the report (e.g. before/after)")
    parser.add_argument("--out", default=None, help="the report's file name in results/")
    args = parser.parse_args()
    args.duration = args.duration or (15.0 if args.quick else 120.0)
    server = None
    with tempfile.TemporaryDirectory() as folder:
        url, keys = args.url, env_keys()
        if url is None:
            server, url, keys = start_server(folder, args.clients)
        try:
            rec, health, seconds = asyncio.run(run(url, args, keys))
        finally:
            if server is not None:
                server.terminate()
                server.wait(60)
    text = report(rec, health, seconds, args)
    print(text)
    out = HERE / "results" / (args.out or (f"{dt.date.today()}-{socket.gethostname()}-load"
                                           f"{'-quick' if args.quick else ''}.md"))
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
    print(json.dumps({"written": str(out)}))


if __name__ == "__main__":
    main()
