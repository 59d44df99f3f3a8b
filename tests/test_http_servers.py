"""Two `spmo serve` processes on one PostgreSQL database, each with its own
local Dask cluster: 20 jobs submitted across both finish exactly once; kill -9
of one mid-job: the other keeps serving, every portfolio is intact, the
orphaned job is failed with a reason once its lease expires (and never also
done), and none of the killed server's worker processes survive it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from spmo.api.jobs.store import LEASE_EXPIRED
from spmo.api.store import jobs

from .conftest import postgres_schema
from .test_http import TINY
from .test_http_limits import _free_port, _up, alive, descendants

LEASE_S = 2.0


@pytest.fixture
def database():
    with postgres_schema() as url:
        yield url


def _serve(url: str, port: int, log) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "SPMO_DATABASE_URL": url, "SPMO_JOB_WORKERS": "1",
           "SPMO_AUTH": "off",  # two servers and a kill -9: leases, not keys
           "SPMO_LEASE_S": str(LEASE_S), "SPMO_JOB_POLL_S": "0.1", "SPMO_RATE_PER_S": "0",
           "SPMO_MAX_JOBS_PER_CALLER": "100", "SPMO_VALIDATE_WORKERS": "1"}
    server = subprocess.Popen([sys.executable, "-m", "spmo", "serve", "--port", str(port)],
                              env=env, stdout=log, stderr=log)
    return server, f"http://127.0.0.1:{port}"


def _rows(url: str) -> dict[str, dict]:
    engine = sa.create_engine(url)
    with engine.connect() as db:
        rows = {r["id"]: dict(r) for r in db.execute(sa.select(jobs)).mappings()}
    engine.dispose()
    return rows


def _settle(http: httpx.Client, base: str, jid: str, seconds: float = 120) -> dict:
    stop = time.monotonic() + seconds
    while (job := http.get(f"{base}/v1/jobs/{jid}").json())["status"] in ("queued",
                                                                          "running"):
        assert time.monotonic() < stop, job
        time.sleep(0.2)
    return job


def test_two_servers_then_kill_one(database, tmp_path):
    logs = [open(tmp_path / f"server{i}.log", "w") for i in (0, 1)]  # noqa: SIM115
    servers = []
    try:
        for log in logs:  # one after the other: a port is picked once the last is up
            servers.append(_serve(database, _free_port(), log))
            try:
                _up(servers[-1][1], 180)
            except AssertionError:
                log.flush()
                raise AssertionError(open(log.name).read()[-3000:]) from None
        (a, base_a), (b, base_b) = servers
        http = httpx.Client(timeout=60)
        pid = http.post(f"{base_a}/v1/portfolios", json=TINY).json()["id"]
        ids = [http.post(f"{(base_a, base_b)[i % 2]}/v1/portfolios/{pid}/solve",
                         params={"explain": "none"}).json()["id"] for i in range(20)]
        done = [_settle(http, base_b, jid) for jid in ids]
        assert all(j["status"] == "done" and j["plan"]["objective"] == 8 for j in done)
        rows = _rows(database)
        owners = {rows[jid]["owner"] for jid in ids}
        assert len(owners) == 2, "both servers ran jobs"

        long = {"kind": "montecarlo", "portfolio_id": pid, "samples": 1000}
        orphan_ids = [http.post(f"{base}/v1/jobs", json=long).json()["id"]
                      for base in (base_a, base_b)]
        stop = time.monotonic() + 60
        rows = _rows(database)
        while not all(rows[j]["status"] == "running" for j in orphan_ids):
            assert time.monotonic() < stop, [rows[j]["status"] for j in orphan_ids]
            time.sleep(0.2)
            rows = _rows(database)
        orphan = next(j for j in orphan_ids if f"-{a.pid}-" in rows[j]["owner"])
        survivor = next(j for j in orphan_ids if j != orphan)
        family = descendants(a.pid)
        assert family
        os.kill(a.pid, signal.SIGKILL)
        a.wait(10)

        assert http.get(f"{base_b}/healthz").status_code == 200
        assert http.get(f"{base_b}/v1/portfolios/{pid}").json() == TINY
        job = _settle(http, base_b, orphan, 30)
        assert job["status"] == "failed" and job["problems"][0]["message"] == LEASE_EXPIRED
        assert http.get(f"{base_b}/v1/jobs/{survivor}").json()["status"] == "running"
        time.sleep(2 * LEASE_S)
        again = http.get(f"{base_b}/v1/jobs/{orphan}").json()
        assert again["status"] == "failed" and again["result"] is None
        assert not [p for p in family if alive(p)], "a worker outlived the killed server"
        assert http.delete(f"{base_b}/v1/jobs/{survivor}").status_code == 202
    finally:
        for server, _ in servers:
            if server.poll() is None:
                server.terminate()
                server.wait(60)
        for log in logs:
            log.close()
