"""The decision studies over HTTP: POST /v1/sensitivity, /v1/pareto and
/v1/outcomes answer what the library answers, and name bad input (422)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from spmo.api.http import create_app
from spmo.api.settings import Settings

from .conftest import key_headers
from .test_pareto import tiny
from .test_robust import BASE
from .test_sensitivity import FINANCIAL


@pytest.fixture
def client(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    with TestClient(create_app(Settings(database_url=url)), headers=key_headers(url, "plan"),
                    raise_server_exceptions=False) as c:
        yield c


def test_sensitivity_over_http(client):
    answer = client.post("/v1/sensitivity", json={"portfolio": FINANCIAL})
    assert answer.status_code == 200, answer.text
    margins = {m["project"]: m for m in answer.json()["projects"]}
    assert margins["A"]["status"] == "exact" and margins["E"]["status"] == "never"
    bad = client.post("/v1/sensitivity", json={"portfolio": FINANCIAL, "radius": 5})
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["column"] == "radius"


def test_pareto_over_http(client):
    answer = client.post("/v1/pareto", json={"portfolio": tiny(), "exact": True})
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["points"]) == 6
    bad = client.post("/v1/pareto", json={"portfolio": tiny(), "objectives": ["x", "y"]})
    assert bad.status_code == 422 and bad.json()["problems"][0]["column"] == "pareto"


def test_outcomes_over_http(client):
    answer = client.post("/v1/outcomes", json={"portfolio": BASE, "samples": 2000,
                                               "target": 20})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["samples"] == 2000 and 0 < body["p_target"] < 1
    bad = client.post("/v1/outcomes", json={"portfolio": BASE, "samples": 0})
    assert bad.status_code == 422 and bad.json()["problems"][0]["column"] == "samples"
