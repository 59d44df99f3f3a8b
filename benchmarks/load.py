"""Load on the HTTP API: `spmo serve` on loopback, N concurrent clients.

    .venv/bin/python benchmarks/load.py [--quick] [--duration S] [--clients N]
                                        [--url URL] [--time-limit S]

Starts `spmo serve` on a free loopback port (a fresh SQLite store, the local
Dask cluster; `--url` uses a running server instead) and runs `--clients`
(default 20) httpx async clients for `--duration` seconds (default 120;
`--quick` 15). Each client loops over a mix: validate examples/northwind.json
(40 %), reads (list portfolios, read the stored example, read its own job:
40 %), and a solve job of the example (20 %, at most one of its own queued or
running at a time, `--time-limit` 10 s, explain none). A separate probe asks
/healthz every 50 ms. Reported: requests per second, per route the count,
p50 / p95 / p99 (ms) and errors (any status but the route's success), jobs
done, and /healthz p50 / p99 / max. Written to
benchmarks/results/<date>-<host>-load[-quick].md.

The server it starts lifts the per-caller rate limit and job cap
(SPMO_RATE_PER_S=0, SPMO_MAX_JOBS_PER_CALLER=1000): all clients share one
address and key, and the run measures the server, not the limiter. With
SPMO_BENCH_KEY set, every request carries it as X-API-Key.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
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


def start_server(folder: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "SPMO_DATABASE_URL": f"sqlite:///{folder}/load.db",
           "SPMO_RATE_PER_S": "0", "SPMO_MAX_JOBS_PER_CALLER": "1000"}
    server = subprocess.Popen([sys.executable, "-m", "spmo", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    stop = time.monotonic() + 120
    while time.monotonic() < stop:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 120 s")


class Recorder:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.jobs_done = 0

    async def call(self, route: str, request) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            answer = await request
        except httpx.HTTPError:
            answer = None
        self.times.setdefault(route, []).append(time.perf_counter() - start)
        if answer is None or answer.status_code != SUCCESS.get(route, 200):
            self.errors[route] = self.errors.get(route, 0) + 1
        return answer


async def client_loop(http: httpx.AsyncClient, rec: Recorder, stop: float, pid: str,
                      document: bytes, options: dict, seed: int) -> None:
    rng = random.Random(seed)
    job: str | None = None
    json_headers = {"content-type": "application/json"}
    while time.monotonic() < stop:
        pick = rng.random()
        if pick < 0.2 and job is None:
            answer = await rec.call("job-submit", http.post("/v1/jobs", json={
                "kind": "solve", "portfolio_id": pid, "options": options}))
            if answer is not None and answer.status_code == 202:
                job = answer.json()["id"]
        elif pick < 0.6:
            await rec.call("validate", http.post("/v1/validate", content=document,
                                                 headers=json_headers))
        elif job is not None and pick < 0.8:
            answer = await rec.call("job-read", http.get(f"/v1/jobs/{job}"))
            if answer is not None and answer.json().get("status") not in ("queued", "running"):
                rec.jobs_done += answer.json().get("status") == "done"
                job = None
        elif pick < 0.8:
            await rec.call("list", http.get("/v1/portfolios"))
        else:
            await rec.call("read", http.get(f"/v1/portfolios/{pid}"))


async def probe(http: httpx.AsyncClient, stop: float, times: list[float]) -> None:
    while time.monotonic() < stop:
        start = time.perf_counter()
        try:
            await http.get("/healthz")
        except httpx.HTTPError:
            times.append(float("inf"))
        else:
            times.append(time.perf_counter() - start)
        await asyncio.sleep(0.05)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def run(url: str, args) -> tuple[Recorder, list[float], float]:
    key = os.environ.get("SPMO_BENCH_KEY")
    headers = {"X-API-Key": key} if key else {}
    document = EXAMPLE.read_bytes()
    limits = httpx.Limits(max_connections=args.clients + 5)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60,
                                 limits=limits) as http:
        created = await http.post("/v1/portfolios", content=document,
                                  headers={"content-type": "application/json"})
        created.raise_for_status()
        pid = created.json()["id"]
        rec, health = Recorder(), []
        options = {"time_limit": args.time_limit, "explain": "none"}
        started = time.monotonic()
        stop = started + args.duration
        await asyncio.gather(probe(http, stop, health), *[
            client_loop(http, rec, stop, pid, document, options, seed)
            for seed in range(args.clients)])
        return rec, health, time.monotonic() - started


def report(rec: Recorder, health: list[float], seconds: float, args) -> str:
    total = sum(len(t) for t in rec.times.values())
    lines = [f"# spmo load: {args.clients} clients, {seconds:.0f} s, "
             f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {socket.gethostname()}", "",
             f"throughput {total / seconds:.1f} requests/s; jobs done {rec.jobs_done}; "
             f"errors {sum(rec.errors.values())}", "",
             "| route | requests | p50 ms | p95 ms | p99 ms | errors |",
             "|---|---:|---:|---:|---:|---:|"]
    for route in sorted(rec.times):
        t = rec.times[route]
        lines.append(f"| {route} | {len(t)} | {quantile(t, 0.5):.1f} | "
                     f"{quantile(t, 0.95):.1f} | {quantile(t, 0.99):.1f} | "
                     f"{rec.errors.get(route, 0)} |")
    lines += ["", f"/healthz: {len(health)} probes, p50 {quantile(health, 0.5):.1f} ms, "
                  f"p99 {quantile(health, 0.99):.1f} ms, max {max(health) * 1000:.1f} ms "
                  f"(target p99 < 50 ms)"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--duration", type=float, default=None)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    args.duration = args.duration or (15.0 if args.quick else 120.0)
    server = None
    with tempfile.TemporaryDirectory() as folder:
        url = args.url
        if url is None:
            server, url = start_server(folder)
        try:
            rec, health, seconds = asyncio.run(run(url, args))
        finally:
            if server is not None:
                server.terminate()
                server.wait(60)
    text = report(rec, health, seconds, args)
    print(text)
    out = HERE / "results" / (f"{dt.date.today()}-{socket.gethostname()}-load"
                              f"{'-quick' if args.quick else ''}.md")
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
    print(json.dumps({"written": str(out)}))


if __name__ == "__main__":
    main()
