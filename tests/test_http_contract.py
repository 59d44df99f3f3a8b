"""The HTTP API's shape: /openapi.json declares every body and answer (a
client generated from it reads the real answers), settings come from the
environment through one object, and the store and the settings
can be swapped through FastAPI's dependency_overrides."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.testclient import TestClient
from spmo.api.http import create_app
from spmo.api.http.deps import SettingsDep, get_settings, get_store
from spmo.api.http.schemas import CompareIn, FrontierIn, Invalid, JobOut, PortfolioSaved
from spmo.api.settings import Settings
from spmo.api.store import Store
from spmo.engine.plan import Plan
from spmo.solvers import batch

from .conftest import EXAMPLES, ROOT, key_headers
from .test_http import TINY, _wait

ROUTES = {  # (method, path): operation id; the ids are the generated client's names
    ("get", "/healthz"): "health-healthz",
    ("post", "/v1/solve"): "plans-solve",
    ("post", "/v1/validate"): "plans-validate",
    ("get", "/v1/portfolios"): "portfolios-read_all",
    ("post", "/v1/portfolios"): "portfolios-create",
    ("get", "/v1/portfolios/{pid}"): "portfolios-read",
    ("put", "/v1/portfolios/{pid}"): "portfolios-replace",
    ("delete", "/v1/portfolios/{pid}"): "portfolios-delete",
    ("post", "/v1/portfolios/{pid}/solve"): "jobs-submit",
    ("post", "/v1/jobs"): "jobs-create",
    ("get", "/v1/jobs"): "jobs-read_all",
    ("delete", "/v1/jobs/{jid}"): "jobs-cancel",
    ("get", "/v1/jobs/{jid}"): "jobs-read",
    ("get", "/v1/jobs/{jid}/plan"): "jobs-read_plan",
    ("post", "/v1/compare"): "studies-compare",
    ("post", "/v1/frontier"): "studies-frontier",
    ("post", "/v1/keys"): "keys-create",
    ("get", "/v1/keys"): "keys-read_all",
    ("delete", "/v1/keys/{kid}"): "keys-revoke",
    ("get", "/v1/portfolios/{pid}/history"): "records-history",
    ("post", "/v1/jobs/{jid}/adopt"): "records-adopt",
    ("get", "/v1/decisions/{did}"): "records-decision",
    ("get", "/v1/portfolios/{pid}/decisions"): "records-decisions",
    ("get", "/v1/jobs/{jid}/plan.xlsx"): "downloads-plan_xlsx",
    ("get", "/v1/jobs/{jid}/plan.html"): "downloads-plan_html",
    ("post", "/v1/replan"): "studies-replan",
    ("post", "/v1/sensitivity"): "decide-sensitivity",
    ("post", "/v1/pareto"): "decide-pareto",
    ("post", "/v1/outcomes"): "decide-outcomes",
}
FILES = {("get", "/v1/jobs/{jid}/plan.xlsx"), ("get", "/v1/jobs/{jid}/plan.html")}
"""Answers that are files (a workbook, a page), not JSON."""
BODILESS = {("post", "/v1/portfolios/{pid}/solve")}
"""A job takes its options in the query string, the portfolio is stored."""
CAN_BE_INVALID = {r for r in ROUTES if r[0] in ("post", "put")}


@pytest.fixture
def app(tmp_path):
    return create_app(Settings(database_url=f"sqlite:///{tmp_path / 'spmo.db'}"))


@pytest.fixture
def client(app):
    headers = key_headers(app.state.settings.database_url)
    with TestClient(app, raise_server_exceptions=False, headers=headers) as c:
        yield c


@pytest.fixture(scope="module")
def openapi() -> dict:
    return create_app(Settings(database_url="sqlite://")).openapi()


def _operations(openapi: dict):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            yield (method, path), operation


def _json_schema(response_or_body: dict) -> dict | None:
    return response_or_body.get("content", {}).get("application/json", {}).get("schema")


def test_every_route_has_a_stable_operation_id(openapi):
    assert {key: op["operationId"] for key, op in _operations(openapi)} == ROUTES


def test_every_post_and_put_declares_its_body(openapi):
    for key, operation in _operations(openapi):
        if key[0] not in ("post", "put"):
            continue
        if key in BODILESS:
            assert "requestBody" not in operation
            assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {
                "solver", "time_limit", "gap", "explain"}
            continue
        schema = _json_schema(operation["requestBody"])
        assert schema and schema["$ref"].startswith("#/components/schemas/"), key
    schemas = openapi["components"]["schemas"]
    assert schemas["PortfolioDocument"]["required"] == ["periods", "projects"]
    assert "costs" in schemas["PortfolioDocument"]["properties"]


def test_every_answer_has_a_schema(openapi):
    for key, operation in _operations(openapi):
        success = [s for s in operation["responses"] if s.startswith("2")]
        assert len(success) == 1, key
        if success == ["204"]:
            assert "content" not in operation["responses"]["204"], key
            continue
        if key in FILES:
            content = operation["responses"][success[0]]["content"]
            assert [c["schema"]["format"] for c in content.values()] == ["binary"], key
            continue
        schema = _json_schema(operation["responses"][success[0]])
        assert schema not in (None, {}), key
        assert _json_schema(operation["responses"]["503"]) == {
            "$ref": "#/components/schemas/Fault"}, key


def test_422_is_documented_as_invalid_where_it_can_happen(openapi):
    for key, operation in _operations(openapi):
        invalid = operation["responses"].get("422")
        if key in CAN_BE_INVALID:
            assert _json_schema(invalid) == {"$ref": "#/components/schemas/Invalid"}, key
        else:
            assert invalid is None, key
    assert "HTTPValidationError" not in json.dumps(openapi)


def test_every_reference_resolves(openapi):
    text = json.dumps(openapi)
    refs = {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}
    assert refs and refs <= set(openapi["components"]["schemas"])


def test_the_declared_bodies_accept_the_bodies_the_routes_take():
    document = json.loads((EXAMPLES / "northwind.json").read_text())
    cut = {"name": "cut", "changes": [{"scale_budget": 0.5}]}
    assert CompareIn.model_validate({"portfolio": document, "scenarios": [cut]})
    assert FrontierIn.model_validate({"portfolio_id": "abc", "factors": [0.5, 1.1]})
    with pytest.raises(ValueError):
        FrontierIn.model_validate({"portfolio": TINY, "factors": [-1]})


def test_answers_are_what_the_schemas_say(client):
    plan = Plan.model_validate(client.post("/v1/solve", json=TINY,
                                           params={"explain": "none"}).json())
    assert plan.status == "optimal"
    saved = PortfolioSaved.model_validate(client.post("/v1/portfolios", json=TINY).json())
    bad = client.post("/v1/validate", json={**TINY, "projects": [{"id": "A", "value": "x"}]})
    assert bad.status_code == 422 and Invalid.model_validate(bad.json()).problems
    jid = client.post(f"/v1/portfolios/{saved.id}/solve", params={"explain": "none"}).json()["id"]
    job = JobOut.model_validate(_wait(client, jid))
    assert job.status == "done" and job.plan.objective == pytest.approx(plan.objective)
    assert client.get(f"/v1/jobs/{jid}/plan").json() == client.get(f"/v1/jobs/{jid}").json()[
        "plan"]
    assert client.get("/v1/jobs/nope/plan").status_code == 404


def test_a_client_generated_from_openapi_reads_the_real_answers(openapi, client, tmp_path):
    """datamodel-code-generator (offline: the document is a local file) turns
    /openapi.json into pydantic models; they parse a plan, a job, a stored
    portfolio's summary, a 422 and the bundled example as a request body."""
    (tmp_path / "openapi.json").write_text(json.dumps(openapi))
    out = subprocess.run(
        [sys.executable, "-m", "datamodel_code_generator", "--input", "openapi.json",
         "--input-file-type", "openapi", "--output", "spmo_client.py",
         "--output-model-type", "pydantic_v2.BaseModel", "--formatters", "builtin"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    spec = importlib.util.spec_from_file_location("spmo_client", tmp_path / "spmo_client.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["spmo_client"] = module  # pydantic resolves the annotations through it
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["spmo_client"]
    generated = vars(module)
    generated["PortfolioDocument"].model_validate_json(
        (EXAMPLES / "northwind.json").read_text())
    plan = generated["Plan"].model_validate(
        client.post("/v1/solve", json=TINY, params={"explain": "exact"}).json())
    assert {s.project for s in plan.selected} == {"A", "C"}
    assert [e.code.value for e in plan.excluded] == ["budget"]
    pid = generated["PortfolioSaved"].model_validate(
        client.post("/v1/portfolios", json=TINY).json()).id
    jid = generated["JobQueued"].model_validate(
        client.post(f"/v1/portfolios/{pid}/solve", params={"explain": "none"}).json()).id
    assert generated["JobOut"].model_validate(_wait(client, jid)).plan.status.value == "optimal"
    invalid = generated["Invalid"].model_validate(
        client.post("/v1/solve", json=TINY, params={"gap": 2}).json())
    assert (invalid.problems[0].table, invalid.problems[0].column) == ("request", "gap")


class _DownStore:
    """A store whose database is gone."""

    def __getattr__(self, name):
        def fail(*_args, **_kwargs):
            raise sa.exc.OperationalError("SELECT 1", {}, Exception("secret: db down"))
        return fail


def test_a_store_that_fails_is_503_without_details(app, client):
    app.dependency_overrides[get_store] = _DownStore
    for response in (client.get("/v1/portfolios"), client.post("/v1/portfolios", json=TINY),
                     client.get("/v1/portfolios/" + "0" * 32)):
        assert response.status_code == 503, response.text
        assert response.json()["status"] == "error" and "OperationalError" in response.text
        assert "secret" not in response.text and "Traceback" not in response.text


def test_the_settings_are_a_dependency(app, client):
    router = APIRouter()

    @router.get("/test/settings")
    def read(settings: SettingsDep) -> dict:
        return {"job_workers": settings.job_workers}

    app.include_router(router)
    assert client.get("/test/settings").json() == {"job_workers": 2}
    app.dependency_overrides[get_settings] = lambda: Settings(job_workers=3)
    assert client.get("/test/settings").json() == {"job_workers": 3}


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("SPMO_DATABASE_URL", url)
    monkeypatch.setenv("SPMO_JOB_WORKERS", "2")
    monkeypatch.setenv("SPMO_WORKERS", "")  # empty: unset
    monkeypatch.setenv("SPMO_DASK_SCHEDULER", "tcp://scheduler:8786")
    settings = Settings()
    assert (settings.database_url, settings.job_workers, settings.workers,
            settings.dask_scheduler) == (url, 2, None, "tcp://scheduler:8786")
    assert Settings(database_url="sqlite://").database_url == "sqlite://"  # arguments win
    monkeypatch.delenv("SPMO_DASK_SCHEDULER")
    headers = key_headers(url)
    with TestClient(create_app(), headers=headers) as c:  # the app reads the same variables
        pid = c.post("/v1/portfolios", json=TINY).json()["id"]
    assert Store(url).portfolio_document(pid) == TINY


def test_batches_take_their_settings_from_the_face(monkeypatch):
    monkeypatch.setattr(batch, "_configured", dict(batch._configured))
    monkeypatch.setenv("SPMO_WORKERS", "997")  # read by Settings only, never by solvers.batch
    batch.configure(workers=None)
    assert batch.default_workers() == (os.cpu_count() or 1)
    with TestClient(create_app(Settings(database_url="sqlite://", workers=3))):
        assert batch.default_workers() == 3 and batch.default_workers(2) == 2


def test_a_bad_environment_is_exit_2_naming_the_variable():
    env = {"PATH": "/usr/bin:/bin", "SPMO_JOB_WORKERS": "0", "SPMO_WORKERS": "many"}
    out = subprocess.run([sys.executable, "-m", "spmo", "validate",
                          str(EXAMPLES / "northwind.json")], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 2, out.stderr
    assert "SPMO_JOB_WORKERS" in out.stderr and "SPMO_WORKERS" in out.stderr
    assert "Traceback" not in out.stderr


def test_the_http_layer_imports_nothing_from_solvers():
    for path in sorted((ROOT / "api").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            assert not any(n.startswith("spmo.solvers") for n in names), (path, names)
