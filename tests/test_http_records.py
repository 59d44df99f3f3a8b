"""Audit, ETag and decisions, workbooks over HTTP: a replace and a solve are
in the history under the key's name, a stale If-Match is 412, an adopted
plan reads back with its inputs and re-solves to the same plan, a workbook
uploads (its problems named by sheet and row) and a plan downloads."""

from __future__ import annotations

import copy
import io
import json

import openpyxl
import pytest
from fastapi.testclient import TestClient
from spmo.api.http import create_app
from spmo.api.jobs.kinds import solve as solve_kind
from spmo.api.settings import Settings
from spmo.api.tables import document_hash
from spmo.engine.io import write_workbook
from spmo.engine.validate import validate_document

from .conftest import key_headers
from .family_helpers import costs, doc
from .test_http import TINY, _problems, _wait, store  # noqa: F401  (SQLite, PostgreSQL)

EIGHT = doc([{"id": f"P{i}", "value": v} for i, v in enumerate([9, 7, 6, 5, 4, 4, 3, 2])],
            periods=2,
            costs=[c for i, a in enumerate([8, 6, 5, 5, 3, 4, 2, 2])
                   for c in costs(f"P{i}", a, a // 2)],
            budgets=[{"period": "T1", "limit": 16}, {"period": "T2", "limit": 9}])
"""Eight projects under two budgets: a selection that is not all or nothing."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app(store):  # noqa: F811
    return create_app(Settings(database_url=store.url))


@pytest.fixture
def alice(store):  # noqa: F811
    return key_headers(store, "admin", name="alice")


@pytest.fixture
def client(app, alice):
    with TestClient(app, raise_server_exceptions=False, headers=alice) as c:
        yield c


def _solved(client, pid: str, headers: dict | None = None) -> dict:
    jid = client.post(f"/v1/portfolios/{pid}/solve", params={"explain": "none"},
                      headers=headers).json()["id"]
    job = _wait(client, jid, headers=headers)
    assert job["status"] == "done", job
    return job


def test_a_replace_and_a_solve_are_in_the_history_with_the_keys_name(client, store):  # noqa: F811
    bob = key_headers(store, "plan", name="bob")
    pid = client.post("/v1/portfolios", json=TINY).json()["id"]
    changed = copy.deepcopy(TINY)
    changed["projects"].append({"id": "D", "value": 1})
    changed["projects"][0]["value"] = 6
    del changed["budgets"]
    assert client.put(f"/v1/portfolios/{pid}", json=changed, headers=bob).status_code == 200
    job = _solved(client, pid, headers=bob)
    history = client.get(f"/v1/portfolios/{pid}/history").json()
    assert [(h["action"], h["key_name"]) for h in history] == [
        ("create", "alice"), ("replace", "bob"), ("solve", "bob")]
    create, replace, solve = history
    assert create["hash_before"] is None and create["hash_after"] == document_hash(TINY)
    assert replace["hash_before"] == document_hash(TINY)
    assert replace["hash_after"] == document_hash(changed) == solve["hash_after"]
    assert replace["changes"]["tables"]["projects"] == {
        "added": 1, "removed": 0, "changed": 1,
        "ids": {"added": ["D"], "removed": [], "changed": ["A"]}}
    assert replace["changes"]["tables"]["budgets"]["removed"] == 1
    assert solve["job_id"] == job["id"]
    assert client.delete(f"/v1/portfolios/{pid}").status_code == 204
    assert client.get(f"/v1/portfolios/{pid}/history").json()[-1]["action"] == "delete"
    assert client.get("/v1/portfolios/nope/history").status_code == 404


def test_a_stale_if_match_is_412_and_changes_nothing(client):
    created = client.post("/v1/portfolios", json=TINY)
    pid = created.json()["id"]
    first = client.get(f"/v1/portfolios/{pid}")
    assert first.headers["etag"] == f'"{document_hash(TINY)}"'
    changed = {**TINY, "name": "second"}
    replaced = client.put(f"/v1/portfolios/{pid}", json=changed,
                          headers={"If-Match": first.headers["etag"]})
    assert replaced.status_code == 200, replaced.text
    assert replaced.headers["etag"] == f'"{document_hash(changed)}"'
    stale = client.put(f"/v1/portfolios/{pid}", json={**TINY, "name": "third"},
                       headers={"If-Match": first.headers["etag"]})
    assert stale.status_code == 412 and pid in stale.json()["detail"]
    assert stale.headers["etag"] == replaced.headers["etag"]  # the version to start from
    assert client.get(f"/v1/portfolios/{pid}").json() == changed  # unchanged
    for tag in (replaced.headers["etag"], "W/" + replaced.headers["etag"], "*",
                f'"other", {replaced.headers["etag"]}'):
        assert client.put(f"/v1/portfolios/{pid}", json=changed,
                          headers={"If-Match": tag}).status_code == 200, tag
    assert [h["action"] for h in client.get(f"/v1/portfolios/{pid}/history").json()] == [
        "create"] + ["replace"] * 5


def test_an_adopted_plan_reads_back_with_its_inputs_and_resolves_to_the_same_plan(client):
    pid = client.post("/v1/portfolios", json=EIGHT).json()["id"]
    job = _solved(client, pid)
    assert 0 < len(job["plan"]["selected"]) < len(EIGHT["projects"])
    adopted = client.post(f"/v1/jobs/{job['id']}/adopt",
                          json={"approver": "CFO", "rationale": "fits both budgets"})
    assert adopted.status_code == 201, adopted.text
    did = adopted.json()["id"]
    client.put(f"/v1/portfolios/{pid}", json={**EIGHT, "budgets": []})  # later changes...
    decision = client.get(f"/v1/decisions/{did}").json()
    assert decision == adopted.json()  # ...do not touch the decision
    assert decision["document"] == EIGHT and decision["document_hash"] == document_hash(EIGHT)
    assert (decision["job_id"], decision["portfolio"], decision["approver"]) == (
        job["id"], pid, "CFO")
    assert decision["rationale"] == "fits both budgets" and decision["key_name"] == "alice"
    assert decision["plan"] == job["plan"] and decision["solver"] == job["plan"]["solver"]
    assert decision["options"]["explain"] == "none" and decision["spmo_version"]
    # what a solve job computes, on the decision's own document and options
    again = json.loads(solve_kind(decision["document"], {"options": decision["options"]},
                                  lambda _done, _total: None))
    assert again["objective"] == pytest.approx(decision["plan"]["objective"])
    assert [(s["project"], s["start"]) for s in again["selected"]] == [
        (s["project"], s["start"]) for s in decision["plan"]["selected"]]
    twice = client.post(f"/v1/jobs/{job['id']}/adopt", json={"approver": "x", "rationale": "y"})
    assert twice.status_code == 409 and did in twice.json()["detail"]  # one decision per job
    assert [d["id"] for d in client.get(f"/v1/portfolios/{pid}/decisions").json()] == [did]
    assert client.get(f"/v1/portfolios/{pid}/history").json()[-2]["action"] == "adopt"
    assert client.get("/v1/decisions/nope").status_code == 404
    missing = client.post(f"/v1/jobs/{job['id']}/adopt", json={"approver": ""})
    assert {p["column"] for p in _problems(missing)} == {"approver", "rationale"}


def _running_job(app, pid: str) -> str:
    """A solve of `pid` that a (fictitious) server holds running: no plan yet."""
    import uuid
    from datetime import UTC, datetime, timedelta

    from spmo.api.store import jobs

    jid, now = uuid.uuid4().hex, datetime.now(UTC)
    with app.state.store.engine.begin() as db:
        db.execute(jobs.insert().values(
            id=jid, kind="solve", portfolio_id=pid, request="{}", status="running",
            org="default", owner="held", lease_until=now + timedelta(hours=1),
            cancel_requested=False, submitted=now, started=now))
    return jid


def test_a_plan_that_is_not_there_cannot_be_adopted_or_downloaded(app, client):
    infeasible = doc([{"id": "M", "value": 1, "status": "mandatory"}], periods=1,
                     costs=costs("M", 9), budgets=[{"period": "T1", "limit": 5}])
    pid = client.post("/v1/portfolios", json=infeasible).json()["id"]
    job = _solved(client, pid)
    assert job["plan"]["status"] == "infeasible"
    refused = client.post(f"/v1/jobs/{job['id']}/adopt", json={"approver": "a", "rationale": "b"})
    assert refused.status_code == 409 and "infeasible" in refused.json()["detail"]
    assert client.get(f"/v1/portfolios/{pid}/decisions").json() == []
    queued = _running_job(app, pid)
    for path in (f"/v1/jobs/{queued}/plan.xlsx", f"/v1/jobs/{queued}/plan.html"):
        assert client.get(path).status_code == 409
    assert client.post(f"/v1/jobs/{queued}/adopt", json={
        "approver": "a", "rationale": "b"}).status_code == 409
    assert client.get("/v1/jobs/nope/plan.xlsx").status_code == 404


def test_a_done_jobs_plan_downloads_as_a_workbook_and_a_page(client):
    pid = client.post("/v1/portfolios", json=EIGHT).json()["id"]
    job = _solved(client, pid)
    book = client.get(f"/v1/jobs/{job['id']}/plan.xlsx")
    assert book.status_code == 200 and book.headers["content-type"] == XLSX
    assert f"plan-{job['id']}.xlsx" in book.headers["content-disposition"]
    sheets = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True)
    assert {"summary", "selected", "excluded"} <= set(sheets.sheetnames)
    rows = list(sheets["selected"].iter_rows(values_only=True))
    assert {r[rows[0].index("project")] for r in rows[1:]} == {
        s["project"] for s in job["plan"]["selected"]}
    page = client.get(f"/v1/jobs/{job['id']}/plan.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<html" in page.text.lower() and job["plan"]["selected"][0]["project"] in page.text


def _workbook(document: dict, tmp_path) -> bytes:
    path = tmp_path / "book.xlsx"
    write_workbook(document, path)
    return path.read_bytes()


def test_a_workbook_uploads_as_a_portfolio(client, tmp_path):
    sent = client.post("/v1/portfolios", files={"file": ("tiny.xlsx", _workbook(TINY, tmp_path),
                                                         XLSX)})
    assert sent.status_code == 201, sent.text
    assert (sent.json()["projects"], sent.json()["name"]) == (3, "t")
    stored = client.get(f"/v1/portfolios/{sent.json()['id']}").json()
    assert validate_document(stored).projects.shape[0] == 3
    assert {p["id"]: p["value"] for p in stored["projects"]} == {"A": 5, "B": 4, "C": 3}
    job = _solved(client, sent.json()["id"])
    assert {s["project"] for s in job["plan"]["selected"]} == {"A", "C"}


def test_a_workbooks_problems_name_the_sheet_and_row(client, tmp_path):
    bad = copy.deepcopy(TINY)
    bad["projects"][1]["value"] = "lots"
    bad["costs"][0]["amount"] = -6
    problems = _problems(client.post("/v1/portfolios", files={
        "file": ("bad.xlsx", _workbook(bad, tmp_path), XLSX)}))
    where = {(p["table"], p["row"], p["column"]) for p in problems}
    assert ("projects", 3, "value") in where and ("costs", 2, "amount") in where, problems
    broken = _problems(client.post("/v1/portfolios", files={
        "file": ("broken.xlsx", b"not a workbook", XLSX)}))
    assert "broken.xlsx" in broken[0]["message"] and "spmo-upload" not in broken[0]["message"]
    unnamed = _problems(client.post("/v1/portfolios", files={"other": ("x.txt", b"x")}))
    assert unnamed[0]["column"] == "file"
    garbled = _problems(client.post("/v1/portfolios", content=b"xx",
                                    headers={"content-type": "multipart/form-data"}))
    assert "multipart" in garbled[0]["message"]
    assert client.get("/v1/portfolios").json() == []  # nothing stored


@pytest.mark.parametrize("text", ['{"periods": [], "projects": [{"id": "A", "value": NaN}]}',
                                  '{"periods": [], "projects": [{"id": "A\\u0000"}]}',
                                  '{"periods": [], "projects": [{"id": "\\ud800"}]}'])
def test_a_document_json_cannot_hold_is_422_never_stored(client, text):
    problems = _problems(client.post("/v1/portfolios", content=text.encode(),
                                     headers={"content-type": "application/json"}))
    assert problems[0]["table"] == "request"
    assert client.get("/v1/portfolios").json() == []


def test_json_storage_keeps_the_documents_key_order(client, store):  # noqa: F811
    sent = {"zeta": {"b": 1, "a": [3, 2.50, "x"]}, **TINY, "alpha": "last"}
    pid = client.post("/v1/portfolios", json=sent).json()["id"]
    answer = client.get(f"/v1/portfolios/{pid}")
    assert answer.text == json.dumps(sent, ensure_ascii=False, separators=(",", ":"))
    assert list(answer.json()) == list(sent)
    import sqlalchemy as sa

    with store.engine.connect() as db:
        content = db.execute(sa.text("SELECT content FROM portfolios")).scalar_one()
    assert (json.loads(content) if isinstance(content, str) else content) == sent
