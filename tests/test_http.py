"""The HTTP API as a client sees it: plans from /v1/solve equal the engine's,
every input problem at once as 422, stored portfolios come back exactly as
sent, jobs end with their plan, and no request gets a 500 or a traceback."""

from __future__ import annotations

import copy
import json
import time

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spmo.api.http import create_app
from spmo.api.http.routes import plans
from spmo.api.jobs import kinds, worker
from spmo.api.jobs.store import JobStore
from spmo.api.settings import Settings
from spmo.api.store import Store
from spmo.engine.schema import SINGLE_TABLES, TABLES

from .conftest import EXAMPLES, key_headers, portfolio_of, postgres_schema, solve_checked
from .family_helpers import costs, doc

TINY = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}, {"id": "C", "value": 3}],
           periods=1,
           costs=costs("A", 6) + costs("B", 5) + costs("C", 4),
           budgets=[{"period": "T1", "limit": 10}])
"""Budget 10 in T1: A+C (value 8, cost 10) beats A+B (cost 11, over) and B+C (7)."""


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A fresh store: a SQLite file, or a schema of its own in the PostgreSQL
    server that `make test` starts (tests/postgres.sh)."""
    if request.param == "sqlite":
        yield Store(f"sqlite:///{tmp_path / 'spmo.db'}")
        return
    with postgres_schema() as url:
        store = Store(url)
        yield store
        store.engine.dispose()


@pytest.fixture
def client(store):
    """A client with an admin key (tests/test_http_auth.py is about keys)."""
    with TestClient(create_app(Settings(database_url=store.url)),
                    raise_server_exceptions=False, headers=key_headers(store)) as c:
        yield c


def _problems(response) -> list[dict]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["status"] == "invalid"
    assert all(set(p) == {"table", "row", "column", "message"} for p in body["problems"])
    return body["problems"]


def test_health_and_openapi(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("/v1/solve", "/v1/validate", "/v1/portfolios", "/v1/portfolios/{pid}",
                  "/v1/portfolios/{pid}/solve", "/v1/jobs/{jid}"):
        assert route in paths


def test_solve_gives_the_engines_plan(client):
    response = client.post("/v1/solve", json=TINY, params={"explain": "exact"})
    assert response.status_code == 200
    plan = response.json()
    direct = solve_checked(TINY, explain="exact")
    assert plan["status"] == "optimal" == direct.status
    assert {s["project"] for s in plan["selected"]} == {"A", "C"}
    assert plan["objective"] == pytest.approx(direct.objective)
    assert {e["project"]: e["code"] for e in plan["excluded"]} == {"B": "budget"}


def test_solve_the_bundled_example_with_each_backend(client):
    document = json.loads((EXAMPLES / "northwind.json").read_text())
    objectives = {}
    for solver in ("highs", "cbc"):
        response = client.post("/v1/solve", json=document,
                               params={"solver": solver, "explain": "none"})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "optimal"
        objectives[solver] = response.json()["objective"]
    assert objectives["cbc"] == pytest.approx(objectives["highs"], rel=1e-6)


def test_an_infeasible_portfolio_is_an_answer_not_an_error(client):
    document = doc([{"id": "M", "value": 1, "status": "mandatory"}], periods=1,
                   costs=costs("M", 9), budgets=[{"period": "T1", "limit": 5}])
    response = client.post("/v1/solve", json=document, params={"explain": "none"})
    assert response.status_code == 200
    plan = response.json()
    assert plan["status"] == "infeasible" and plan["objective"] is None
    assert plan["conflicts"] and plan["relaxation"]


def test_every_problem_of_a_portfolio_at_once(client):
    bad = copy.deepcopy(TINY)
    bad["costs"][0]["amount"] = -6
    bad["costs"].append({"project": "Z", "offset": 0, "amount": 1})
    for route in ("/v1/solve", "/v1/validate", "/v1/portfolios"):
        problems = _problems(client.post(route, json=bad))
        where = {(p["table"], p["row"], p["column"]) for p in problems}
        assert ("costs", 0, "amount") in where and ("costs", 3, "project") in where, problems
    assert client.get("/v1/portfolios").json() == []  # nothing stored


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"", "\u00e9".encode("latin-1")])
def test_a_body_that_is_not_a_portfolio_is_422(client, body):
    for route in ("/v1/solve", "/v1/validate", "/v1/portfolios"):
        problems = _problems(client.post(route, content=body,
                                         headers={"content-type": "application/json"}))
        assert problems[0]["table"] == "request"


def test_bad_options_are_422_all_at_once(client):
    problems = _problems(client.post("/v1/solve", json=TINY,
                                     params={"time_limit": -1, "gap": 2, "explain": "why"}))
    assert {p["column"] for p in problems} == {"time_limit", "gap", "explain"}
    for bad in ("soon", "inf", "nan", "0"):
        problems = _problems(client.post("/v1/solve", json=TINY, params={"time_limit": bad}))
        assert problems[0]["column"] == "time_limit", bad
    problems = _problems(client.post("/v1/solve", json=TINY, params={"solver": "gurobi9"}))
    assert (problems[0]["table"], problems[0]["column"]) == ("settings", "solver")


def test_a_solver_no_backend_has_is_422_on_reading(client):
    body = {**TINY, "settings": {"solver": "gurobi"}}
    for route in ("/v1/solve", "/v1/validate", "/v1/portfolios"):
        problems = _problems(client.post(route, json=body))
        assert [(p["table"], p["column"]) for p in problems] == [("settings", "solver")], route


def test_valid_portfolio_validates_with_its_warnings(client):
    extra = {**TINY, "wishlist": [{"x": 1}]}
    body = client.post("/v1/validate", json=extra).json()
    assert body["status"] == "valid" and any("wishlist" in w for w in body["warnings"])


def test_stored_portfolios_come_back_exactly_as_sent(client):
    sent = {**TINY, "notes": {"owner": "PMO", "tags": ["2027", 1.5]}}  # unknown: kept
    created = client.post("/v1/portfolios", json=sent)
    assert created.status_code == 201
    pid = created.json()["id"]
    assert created.json()["projects"] == 3 and created.json()["name"] == "t"
    assert client.get(f"/v1/portfolios/{pid}").json() == sent
    assert [p["id"] for p in client.get("/v1/portfolios").json()] == [pid]

    changed = copy.deepcopy(TINY)
    changed["projects"].append({"id": "D", "value": 1})
    assert client.put(f"/v1/portfolios/{pid}", json=changed).json()["projects"] == 4
    assert client.get(f"/v1/portfolios/{pid}").json() == changed
    broken = copy.deepcopy(changed)
    broken["projects"][0]["value"] = "lots"
    _problems(client.put(f"/v1/portfolios/{pid}", json=broken))
    assert client.get(f"/v1/portfolios/{pid}").json() == changed  # the invalid PUT lost nothing

    assert client.delete(f"/v1/portfolios/{pid}").status_code == 204
    for response in (client.get(f"/v1/portfolios/{pid}"), client.delete(f"/v1/portfolios/{pid}"),
                     client.put(f"/v1/portfolios/{pid}", json=TINY),
                     client.post(f"/v1/portfolios/{pid}/solve")):
        assert response.status_code == 404 and pid in response.json()["detail"]


def _wait(client, jid: str, seconds: float = 120.0, headers: dict | None = None) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{jid}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {jid} still {job['status']}")


def test_a_job_ends_with_the_plan(client):
    pid = client.post("/v1/portfolios", json=TINY).json()["id"]
    submitted = client.post(f"/v1/portfolios/{pid}/solve", params={"explain": "none"})
    assert submitted.status_code == 202 and submitted.json()["status"] == "queued"
    job = _wait(client, submitted.json()["id"])
    assert job["status"] == "done" and job["portfolio"] == pid and job["finished"]
    assert job["plan"]["status"] == "optimal"
    assert {s["project"] for s in job["plan"]["selected"]} == {"A", "C"}
    assert client.get("/v1/jobs/nope").status_code == 404
    _problems(client.post(f"/v1/portfolios/{pid}/solve", params={"explain": "why"}))
    refused = _problems(client.post(f"/v1/portfolios/{pid}/solve", params={"solver": "nope"}))
    assert (refused[0]["table"], refused[0]["column"]) == ("settings", "solver")


def test_a_fault_of_spmo_is_503_without_a_traceback(client, monkeypatch):
    def broken(*_):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(plans, "run_sync", broken)
    response = client.post("/v1/solve", json=TINY)
    assert response.status_code == 503
    assert "Traceback" not in response.text and "secret internals" not in response.text
    assert client.get("/healthz").status_code == 200  # the connection is still good
    monkeypatch.setitem(kinds.KINDS, "solve", broken)  # as a Dask worker runs a job
    status, problems = worker.run("0" * 32, "solve", TINY, {})
    assert status == "failed" and "RuntimeError" in problems[0]["message"]


def test_the_store_outlives_the_server(store):
    key = key_headers(store)
    with TestClient(create_app(Settings(database_url=store.url)), headers=key) as first:
        pid = first.post("/v1/portfolios", json=TINY).json()["id"]
    jobs = JobStore(store.engine)
    stale = jobs.submit("solve", {"options": {}}, pid)
    assert [j["id"] for j in jobs.claim("gone", 5, lease_s=0.01)] == [stale]  # then it died
    with TestClient(create_app(Settings(database_url=store.url)), headers=key) as second:
        assert second.get(f"/v1/portfolios/{pid}").json() == TINY
        job = second.get(f"/v1/jobs/{stale}").json()
        assert job["status"] == "failed" and "submit it again" in job["problems"][0]["message"]
    assert portfolio_of(Store(store.url).portfolio_document(pid)).projects.shape[0] == 3


def test_spmo_serve_answers_a_real_client(tmp_path):
    """`spmo serve` on a real socket: health, a solve, a stored portfolio."""
    import socket
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    database = f"sqlite:///{tmp_path / 'served.db'}"
    key = key_headers(database)
    server = subprocess.Popen(
        [sys.executable, "-m", "spmo", "serve", "--port", str(port),
         "--database", database],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def call(method: str, path: str, body: bytes | None = None):
        request = urllib.request.Request(base + path, data=body, method=method,
                                         headers={"content-type": "application/json", **key})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert call("GET", "/healthz") == (200, {"status": "ok"})
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        status, plan = call("POST", "/v1/solve?explain=none", json.dumps(TINY).encode())
        assert status == 200 and {s["project"] for s in plan["selected"]} == {"A", "C"}
        status, body = call("POST", "/v1/solve", b"{oops")
        assert status == 422 and body["problems"][0]["table"] == "request"
        status, created = call("POST", "/v1/portfolios", json.dumps(TINY).encode())
        assert status == 201
        assert call("GET", f"/v1/portfolios/{created['id']}") == (200, TINY)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_objective_without_id_beside_weighted_ones_is_a_problem_not_a_crash(client):
    document = {**TINY, "objectives": [{"id": "growth", "weight": 2}, {"name": "no id"}]}
    problems = _problems(client.post("/v1/validate", json=document))
    assert ("objectives", 1, "id") in {(p["table"], p["row"], p["column"]) for p in problems}


_CELL = st.one_of(st.none(), st.booleans(), st.integers(-5, 20), st.floats(),
                  st.sampled_from(["", "T1", "A", "B", "in", "mandatory", "requires", "7"]),
                  st.lists(st.integers(), max_size=2),
                  st.dictionaries(st.text(max_size=2), st.integers(), max_size=1))


def _table(name: str):
    columns = [c.name for c in TABLES[name]] + ["junk"]
    return st.lists(st.dictionaries(st.sampled_from(columns), _CELL, max_size=len(columns)),
                    max_size=4)


_DOCUMENTS = st.fixed_dictionaries(
    {"periods": st.one_of(_table("periods"), st.just([{"id": "T1"}, {"id": "T2"}])),
     "projects": st.one_of(_table("projects"), st.just([{"id": "A", "value": 1}, {"id": "B"}]))},
    optional={**{t: st.one_of(_table(t), _CELL) for t in TABLES if t not in ("periods",
                                                                            "projects")},
              **{t: st.one_of(st.dictionaries(st.sampled_from(
                  [c.name for c in SINGLE_TABLES[t]] + ["junk"]), _CELL, max_size=3), _CELL)
                 for t in SINGLE_TABLES}})


_IN_MEMORY = Settings(database_url="sqlite://", auth="off")
"""The validate route stores nothing; these tests are not about keys."""


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(_DOCUMENTS)
def test_no_document_gets_more_than_a_422(document):
    """Random tables of random cells (wrong types, missing ids, NaN, nesting):
    every answer is valid or every problem at once, never a fault (a crash in
    the validator was found by 1,500 random examples of this: objectives
    without an id beside weighted ones)."""
    with TestClient(create_app(_IN_MEMORY), raise_server_exceptions=False) as c:
        response = c.post("/v1/validate", content=json.dumps(document),
                          headers={"content-type": "application/json"})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["problems"]


def test_an_in_memory_store_is_one_database_for_every_thread():
    with TestClient(create_app(_IN_MEMORY)) as c:
        pid = c.post("/v1/portfolios", json=TINY).json()["id"]
        assert c.get(f"/v1/portfolios/{pid}").json() == TINY
        submitted = c.post(f"/v1/portfolios/{pid}/solve", params={"explain": "none"})
        assert _wait(c, submitted.json()["id"])["status"] == "done"
