"""Durable jobs over HTTP (api/jobs/): every kind runs on the Dask cluster
(the process's LocalCluster), jobs are listed and cancelled, two servers on one
database run 20 jobs exactly once between them, a server that died leaves its
job failed with a reason once the lease expires (never also done), and an
unreachable scheduler is one clear 503 (exit 2 on the CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient
from spmo.api.http import create_app
from spmo.api.jobs.store import LEASE_EXPIRED, JobStore
from spmo.api.settings import Settings
from spmo.api.store import Store

from .conftest import key_headers, postgres_schema
from .test_http import TINY, _wait

LONG_MC = {"kind": "montecarlo", "portfolio": TINY, "samples": 1000, "seed": 3,
           "options": {"time_limit": 5}}
"""A Monte Carlo job of many quick samples: a progress point after each."""


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A fresh database: a SQLite file, or a schema of its own on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'spmo.db'}"
        return
    with postgres_schema() as schema_url:
        yield schema_url


def _client(url: str, **settings) -> TestClient:
    options = {"job_workers": 2, "job_poll_s": 0.05, "rate_per_s": 0,
               "max_jobs_per_caller": 100, **settings}
    return TestClient(create_app(Settings(database_url=url, **options)),
                      headers=key_headers(url, "plan"), raise_server_exceptions=False)


def _until(client, jid: str, test, seconds: float = 60.0) -> dict:
    stop = time.monotonic() + seconds
    while not test(job := client.get(f"/v1/jobs/{jid}").json()):
        assert time.monotonic() < stop, job
        time.sleep(0.05)
    return job


def test_every_kind_runs_as_a_job(url):
    with _client(url) as client:
        pid = client.post("/v1/portfolios", json=TINY).json()["id"]
        bodies = {
            "solve": {"portfolio_id": pid, "options": {"explain": "none"}},
            "compare": {"portfolio": TINY, "scenarios": [
                {"name": "tight", "changes": [{"scale_budget": 0.5}]}]},
            "frontier": {"portfolio_id": pid, "factors": [0.5, 1.0]},
            "montecarlo": {"portfolio": TINY, "samples": 3, "seed": 1}}
        queued = {}
        for kind, body in bodies.items():
            answer = client.post("/v1/jobs", json={"kind": kind, **body})
            assert answer.status_code == 202, answer.text
            assert answer.json()["status"] == "queued" and answer.json()["kind"] == kind
            queued[kind] = answer.json()["id"]
        done = {kind: _wait(client, jid) for kind, jid in queued.items()}
        assert all(j["status"] == "done" for j in done.values()), done
        plan = done["solve"]["result"]
        assert done["solve"]["plan"] == plan and plan["status"] == "optimal"
        assert {s["project"] for s in plan["selected"]} == {"A", "C"}
        assert [s["name"] for s in done["compare"]["result"]["scenarios"]] == [
            "base", "tight"]
        assert [p["factor"] for p in done["frontier"]["result"]["points"]] == [0.5, 1.0]
        assert done["montecarlo"]["result"]["samples"] == 3
        assert done["montecarlo"]["progress"] == {"done": 3, "total": 3}
        listed = client.get("/v1/jobs").json()
        assert [j["id"] for j in listed] == [queued[k] for k in reversed(list(queued))]
        assert client.delete(f"/v1/jobs/{queued['solve']}").status_code == 409
        assert client.get(f"/v1/jobs/{queued['frontier']}/plan").status_code == 409


def test_a_bad_job_request_is_422_with_every_problem(url):
    with _client(url) as client:
        answer = client.post("/v1/jobs", json={
            "kind": "montecarlo", "portfolio": TINY, "portfolio_id": "x", "samples": 0,
            "seed": -1, "colour": "red", "options": {"time_limit": 1e9, "gap": 2}})
        assert answer.status_code == 422
        columns = {p["column"] for p in answer.json()["problems"]}
        assert columns == {"colour", "portfolio", "options/time_limit", "options/gap",
                           "samples", "seed"}
        assert client.post("/v1/jobs", json={"kind": "nope"}).status_code == 422
        assert client.post("/v1/jobs", json={"kind": "solve", "portfolio_id": "0" * 32}
                           ).status_code == 404
        compare = client.post("/v1/jobs", json={"kind": "compare", "portfolio": TINY,
                                                "scenarios": [{}] * 21})
        assert compare.json()["problems"][0]["column"] == "scenarios"


def test_cancel_a_queued_and_a_running_job(url):
    with _client(url, job_workers=1) as client:
        running = client.post("/v1/jobs", json=LONG_MC).json()["id"]
        queued = client.post("/v1/jobs", json=LONG_MC).json()["id"]
        _until(client, running, lambda j: (j["progress"] or {}).get("done", 0) >= 2)
        assert client.get(f"/v1/jobs/{queued}").json()["status"] == "queued"
        answer = client.delete(f"/v1/jobs/{queued}")
        assert (answer.status_code, answer.json()["status"]) == (202, "cancelled")
        assert client.get(f"/v1/jobs/{queued}").json()["status"] == "cancelled"
        answer = client.delete(f"/v1/jobs/{running}")
        assert (answer.status_code, answer.json()["status"]) == (202, "cancelling")
        job = _until(client, running, lambda j: j["status"] != "running", 30)
        assert job["status"] == "cancelled" and job["result"] is None
        assert job["progress"]["done"] < 1000
        assert client.delete(f"/v1/jobs/{running}").status_code == 409
        # the worker is free again: a new job runs
        after = client.post("/v1/jobs", json={"kind": "solve", "portfolio": TINY,
                                              "options": {"explain": "none"}}).json()["id"]
        assert _wait(client, after, 60)["status"] == "done"


def test_two_servers_run_twenty_jobs_exactly_once(url):
    with _client(url) as first, _client(url) as second:
        pid = first.post("/v1/portfolios", json=TINY).json()["id"]
        ids = [(first, second)[i % 2].post(f"/v1/portfolios/{pid}/solve",
                                           params={"explain": "none"}).json()["id"]
               for i in range(20)]
        jobs = [_wait(first, jid) for jid in ids]
        assert all(j["status"] == "done" and j["plan"]["objective"] == 8 for j in jobs)
        runners = [c.app.state.runner for c in (first, second)]
        claimed = [set(r.claimed) for r in runners]
        assert claimed[0] | claimed[1] == set(ids) and not claimed[0] & claimed[1]
        assert sum(len(r.claimed) for r in runners) == 20


def test_a_claim_is_taken_once_and_an_expired_lease_fails_once(url):
    store = Store(url)
    jobs = JobStore(store.engine)
    jid = jobs.submit("solve", {"options": {}}, None)
    first, second = jobs.claim("a", 5, lease_s=0.2), jobs.claim("b", 5, lease_s=30)
    assert [r["id"] for r in first] == [jid] and second == []
    assert jobs.reap() == 0  # a's lease still runs
    time.sleep(0.3)
    assert jobs.reap() == 1
    assert not jobs.finish(jid, "a", "done", result="{}")  # too late: never both
    job = jobs.view(jid)
    assert job["status"] == "failed" and job["problems"][0]["message"] == LEASE_EXPIRED
    store.engine.dispose()


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path):
    settings = {"dask_scheduler": "tcp://127.0.0.1:9", "dask_connect_s": 1}
    with _client(f"sqlite:///{tmp_path / 'x.db'}", **settings) as client:
        answer = client.post("/v1/jobs", json={"kind": "solve", "portfolio": TINY})
        assert answer.status_code == 503 and "127.0.0.1:9" in answer.json()["detail"]
        assert client.get("/healthz").status_code == 200
        assert client.post("/v1/validate", json=TINY).status_code == 200
    env = {**os.environ, "SPMO_AUTH": "off", "SPMO_DASK_SCHEDULER": "tcp://127.0.0.1:9",
           "SPMO_DASK_CONNECT_S": "1", "SPMO_DATABASE_URL": f"sqlite:///{tmp_path / 'y.db'}"}
    done = subprocess.run([sys.executable, "-m", "spmo", "serve", "--port", "8999"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "SPMO_DASK_SCHEDULER" in done.stderr


class _Gone:
    """A request whose client has disconnected."""

    def __init__(self, app) -> None:
        self.app = app

    async def is_disconnected(self) -> bool:
        return True


def test_a_disconnected_client_s_synchronous_job_is_cancelled(tmp_path):
    import asyncio

    from spmo.api.http import submit

    with _client(f"sqlite:///{tmp_path / 'd.db'}", job_workers=1) as client:
        jid = client.post("/v1/jobs", json=LONG_MC).json()["id"]
        with pytest.raises(asyncio.CancelledError):
            asyncio.run(submit.wait(_Gone(client.app), jid))
        job = _until(client, jid, lambda j: j["status"] not in ("queued", "running"), 30)
        assert job["status"] == "cancelled"
