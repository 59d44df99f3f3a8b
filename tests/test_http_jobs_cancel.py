"""Cancelling a running solve stops the solver (api/jobs/worker.cancel_watch ->
planning.stopping.stop_when -> the backend's stop): a 300-project generated
portfolio that no backend proves within minutes, solved as a job with a
120 s time limit on a one-worker cluster, is cancelled while the solver runs;
the worker then takes the next job and finishes it long before the first
job's limit (without the stop it would wait the whole 120 s)."""

from __future__ import annotations

import time

import pytest
from spmo.engine.synthetic.generate import generate_portfolio

from .test_http import TINY, _wait
from .test_http_jobs import _client, _until

LIMIT_S = 120


@pytest.fixture(scope="module")
def hard() -> dict:
    return generate_portfolio(300, 12, 3)


@pytest.mark.parametrize("solver", ["highs", "cpsat"])
def test_a_cancelled_running_solve_frees_its_worker_within_seconds(tmp_path, hard, solver):
    with _client(f"sqlite:///{tmp_path / 'spmo.db'}", job_workers=1) as client:
        long = client.post("/v1/jobs", json={"kind": "solve", "portfolio": hard, "options": {
            "solver": solver, "time_limit": LIMIT_S, "explain": "none"}})
        assert long.status_code == 202, long.text
        jid = long.json()["id"]
        _until(client, jid, lambda j: j["status"] == "running", 60)
        time.sleep(8)  # validated and modelled: the solver is searching now
        assert client.get(f"/v1/jobs/{jid}").json()["status"] == "running"
        asked = time.monotonic()
        answer = client.delete(f"/v1/jobs/{jid}")
        assert (answer.status_code, answer.json()["status"]) == (202, "cancelling")
        job = _until(client, jid, lambda j: j["status"] != "running", 10)
        assert job["status"] == "cancelled" and job["result"] is None
        after = client.post("/v1/jobs", json={"kind": "solve", "portfolio": TINY,
                                              "options": {"explain": "none"}}).json()["id"]
        done = _wait(client, after, LIMIT_S)
        freed = time.monotonic() - asked
        assert done["status"] == "done", done
        assert freed < 30, f"the next job ended {freed:.0f} s after the cancel (limit {LIMIT_S} s)"
