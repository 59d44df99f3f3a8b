"""Keys and roles over HTTP: every route with no key, a malformed key, a
wrong key, a revoked key and each role; organisations never see each
other's portfolios or jobs (404); admins manage keys; `auth` off opens
everything; the keys CLI."""

from __future__ import annotations

import json

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from spmo.api.cli import app as cli_app
from spmo.api.http import create_app
from spmo.api.http.deps import PrincipalDep
from spmo.api.keys import ROLES, hash_key, verify_key
from spmo.api.settings import Settings
from spmo.api.store import Store
from typer.testing import CliRunner

from .conftest import key_headers
from .test_http import TINY, _wait, store  # noqa: F401  (the store fixture: SQLite, PostgreSQL)

NEEDS = {  # (method, route): the least role; written out here, not derived from auth.py
    ("GET", "/healthz"): None,
    ("POST", "/v1/solve"): "plan",
    ("POST", "/v1/validate"): "plan",
    ("GET", "/v1/portfolios"): "read",
    ("POST", "/v1/portfolios"): "plan",
    ("GET", "/v1/portfolios/{pid}"): "read",
    ("PUT", "/v1/portfolios/{pid}"): "plan",
    ("DELETE", "/v1/portfolios/{pid}"): "admin",
    ("POST", "/v1/portfolios/{pid}/solve"): "plan",
    ("GET", "/v1/jobs/{jid}"): "read",
    ("GET", "/v1/jobs/{jid}/plan"): "read",
    ("POST", "/v1/compare"): "plan",
    ("POST", "/v1/frontier"): "plan",
    ("POST", "/v1/keys"): "admin",
    ("GET", "/v1/keys"): "admin",
    ("DELETE", "/v1/keys/{kid}"): "admin",
    ("GET", "/v1/portfolios/{pid}/history"): "read",
    ("POST", "/v1/jobs/{jid}/adopt"): "plan",
    ("GET", "/v1/decisions/{did}"): "read",
    ("GET", "/v1/portfolios/{pid}/decisions"): "read",
    ("GET", "/v1/jobs/{jid}/plan.xlsx"): "read",
    ("GET", "/v1/jobs/{jid}/plan.html"): "read",
    ("POST", "/v1/jobs"): "plan",
    ("GET", "/v1/jobs"): "read",
    ("DELETE", "/v1/jobs/{jid}"): "plan",
    ("POST", "/v1/replan"): "plan",
    ("POST", "/v1/sensitivity"): "plan",
    ("POST", "/v1/pareto"): "plan",
    ("POST", "/v1/outcomes"): "plan",
}


@pytest.fixture
def app(store):  # noqa: F811
    return create_app(Settings(database_url=store.url))


@pytest.fixture
def keys(store):  # noqa: F811
    """A key of each role in org `default`, and one revoked admin key."""
    out = {role: key_headers(store, role) for role in ROLES}
    summary, revoked = store.create_key("gone", "admin")
    store.revoke_key(summary["id"])
    out["revoked"] = {"X-API-Key": revoked}
    return out


def _call(client, method: str, route: str, headers: dict):
    path = route.replace("{pid}", "nope").replace("{jid}", "nope").replace(
        "{did}", "nope").replace("{kid}", "nope")
    body = {"content": b"{}", "headers": {**headers, "content-type": "application/json"}} \
        if method in ("POST", "PUT") else {"headers": headers}
    return client.request(method, path, **body)


def test_every_route_is_in_the_table(app):
    routes = {(method.upper(), path) for path, item in app.openapi()["paths"].items()
              for method in item}
    assert routes == set(NEEDS)


def test_every_route_with_no_key_a_bad_one_a_revoked_one_and_each_role(app, keys):
    wrong = "spmo_" + keys["admin"]["X-API-Key"][5:-4] + "AAAA"  # a real id, a wrong secret
    with TestClient(app, raise_server_exceptions=False) as client:
        for (method, route), needed in NEEDS.items():
            if needed is None:
                assert _call(client, method, route, {}).status_code == 200
                continue
            for bad in ({}, {"X-API-Key": "let-me-in"}, {"Authorization": "Bearer " + wrong},
                        keys["revoked"]):
                answer = _call(client, method, route, bad)
                assert answer.status_code == 401, (method, route, bad, answer.text)
                assert answer.headers["www-authenticate"].startswith("Bearer")
                assert "Traceback" not in answer.text
            for role in ROLES:
                answer = _call(client, method, route, keys[role])
                if ROLES.index(role) < ROLES.index(needed):
                    assert answer.status_code == 403, (method, route, role, answer.text)
                    assert needed in answer.json()["detail"]
                else:
                    assert answer.status_code not in (401, 403, 500), (method, route, role)


def test_a_bearer_token_is_the_same_key(app, keys):
    token = keys["read"]["X-API-Key"]
    with TestClient(app) as client:
        assert client.get("/v1/portfolios", headers={"Authorization": f"Bearer {token}"}
                          ).status_code == 200


def test_one_organisation_never_sees_another_ones_portfolios_or_jobs(app, store):  # noqa: F811
    north, south = key_headers(store, "admin", "north"), key_headers(store, "admin", "south")
    with TestClient(app, raise_server_exceptions=False) as client:
        created = client.post("/v1/portfolios", json=TINY, headers=north).json()
        pid = created["id"]
        assert created["org"] == "north"
        jid = client.post(f"/v1/portfolios/{pid}/solve", params={"explain": "none"},
                          headers=north).json()["id"]
        job = _wait(client, jid, headers=north)
        assert job["status"] == "done"
        assert client.get("/v1/portfolios", headers=south).json() == []
        for method, path in (("GET", f"/v1/portfolios/{pid}"), ("PUT", f"/v1/portfolios/{pid}"),
                             ("DELETE", f"/v1/portfolios/{pid}"),
                             ("POST", f"/v1/portfolios/{pid}/solve"),
                             ("GET", f"/v1/portfolios/{pid}/history"),
                             ("GET", f"/v1/jobs/{jid}"), ("GET", f"/v1/jobs/{jid}/plan"),
                             ("GET", f"/v1/jobs/{jid}/plan.xlsx"),
                             ("DELETE", f"/v1/jobs/{jid}"),
                             ("POST", f"/v1/jobs/{jid}/adopt")):
            body = {"json": TINY if method == "PUT" else {"approver": "x", "rationale": "y"}}
            answer = client.request(method, path, headers=south,
                                    **(body if method in ("PUT", "POST") else {}))
            assert answer.status_code == 404, (method, path, answer.text)
        compare = client.post("/v1/compare", headers=south, json={
            "portfolio_id": pid, "scenarios": [{"name": "s", "changes": []}]})
        assert compare.status_code == 404 and pid in compare.text  # as for POST /v1/jobs
        assert client.get(f"/v1/portfolios/{pid}", headers=north).json() == TINY  # intact
        assert client.get(f"/v1/jobs/{jid}", headers=north).status_code == 200


def test_admins_create_list_and_revoke_their_organisations_keys(app, store):  # noqa: F811
    admin = key_headers(store, "admin", "north")
    key_headers(store, "read", "south")
    with TestClient(app, raise_server_exceptions=False) as client:
        made = client.post("/v1/keys", json={"name": "portal", "role": "plan"}, headers=admin)
        assert made.status_code == 201, made.text
        body = made.json()
        assert (body["org"], body["role"], body["revoked"]) == ("north", "plan", None)
        portal = {"X-API-Key": body["key"]}
        assert client.post("/v1/portfolios", json=TINY, headers=portal).status_code == 201
        listed = client.get("/v1/keys", headers=admin).json()
        assert {k["org"] for k in listed} == {"north"} and body["id"] in {k["id"] for k in listed}
        assert "key" not in json.dumps(listed).replace('"key_', "")
        assert body["key"] not in json.dumps(listed) and "hash" not in listed[0]
        other = client.post("/v1/keys", json={"name": "x", "role": "read", "org": "south"},
                            headers=admin)
        assert other.status_code == 403
        bad = client.post("/v1/keys", json={"name": "", "role": "boss"}, headers=admin)
        assert bad.status_code == 422
        assert {p["column"] for p in bad.json()["problems"]} == {"name", "role"}
        assert client.delete(f"/v1/keys/{body['id']}", headers=admin).json()["revoked"]
        assert client.get("/v1/portfolios", headers=portal).status_code == 401
        assert client.delete("/v1/keys/nope", headers=admin).status_code == 404
    assert "portal" not in [k["name"] for k in store.list_keys("south")]


def test_only_the_hash_of_a_key_is_stored(store):  # noqa: F811
    summary, key = store.create_key("portal", "plan")
    stored = store.key(summary["id"])["hash"]
    assert key not in stored and key.split("_", 2)[2] not in stored  # the secret may hold "_"
    assert stored.startswith("scrypt$") and verify_key(key, stored)
    assert not verify_key(key + "x", stored) and hash_key(key) != stored  # salted


def test_auth_off_is_explicit_and_opens_every_route(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'open.db'}"
    assert Settings(database_url=url).auth == "on"  # the default
    monkeypatch.setenv("SPMO_AUTH", "off")
    with TestClient(create_app(Settings(database_url=url))) as client:
        created = client.post("/v1/portfolios", json=TINY)
        assert created.status_code == 201 and created.json()["org"] == "default"
        assert client.delete(f"/v1/portfolios/{created.json()['id']}").status_code == 204
    monkeypatch.setenv("SPMO_AUTH", "maybe")
    with pytest.raises(ValueError, match="auth"):
        Settings()


def test_the_openapi_document_declares_the_keys(app):
    document = app.openapi()
    schemes = document["components"]["securitySchemes"]
    assert schemes["APIKeyHeader"]["name"] == "X-API-Key"
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    assert "security" not in document["paths"]["/healthz"]["get"]
    assert document["paths"]["/v1/portfolios"]["get"]["security"]
    assert document["paths"]["/v1/portfolios"]["get"]["responses"]["401"]


def test_the_keys_cli_creates_lists_and_revokes(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    made = runner.invoke(cli_app, ["keys", "create", "--role", "plan", "--name", "portal",
                                   "--org", "north", "--database", url, "--json"])
    assert made.exit_code == 0, made.output
    created = json.loads(made.stdout)
    assert (created["role"], created["org"], created["name"]) == ("plan", "north", "portal")
    with TestClient(create_app(Settings(database_url=url))) as client:
        headers = {"X-API-Key": created["key"]}
        assert client.post("/v1/portfolios", json=TINY, headers=headers).status_code == 201
        listed = runner.invoke(cli_app, ["keys", "list", "--database", url, "--json"])
        assert [k["id"] for k in json.loads(listed.stdout)] == [created["id"]]
        assert created["key"] not in listed.stdout
        revoked = runner.invoke(cli_app, ["keys", "revoke", created["id"], "--database", url])
        assert revoked.exit_code == 0, revoked.output
        assert client.get("/v1/portfolios", headers=headers).status_code == 401
    again = runner.invoke(cli_app, ["keys", "revoke", "nope", "--database", url])
    assert again.exit_code == 2
    bad = runner.invoke(cli_app, ["keys", "create", "--role", "boss", "--name", "x",
                                  "--database", url])
    assert bad.exit_code == 2 and "--role" in bad.output
    plain = runner.invoke(cli_app, ["keys", "create", "--role", "read", "--name", "r",
                                    "--database", url])
    assert plain.exit_code == 0 and plain.stdout.strip().startswith("spmo_")
    assert len(Store(url).list_keys()) == 2


def test_the_server_says_loudly_when_auth_is_off_and_how_to_make_the_first_key(
        tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with caplog.at_level("WARNING", logger="uvicorn.error"):
        with TestClient(create_app(Settings(database_url=url))):
            pass
        assert "spmo keys create --role admin" in caplog.text
        caplog.clear()
        with TestClient(create_app(Settings(database_url=url, auth="off"))):
            pass
        assert "AUTH IS OFF" in caplog.text
        caplog.clear()
        key_headers(url)
        with TestClient(create_app(Settings(database_url=url))):
            pass
        assert caplog.text == ""


def test_a_route_added_later_is_covered_and_sees_the_caller(app, keys):
    router = APIRouter(prefix="/v1/later")

    @router.get("")
    def read(principal: PrincipalDep) -> dict:
        return {"name": principal.key_name, "org": principal.org, "role": principal.role}

    @router.post("")
    def write(principal: PrincipalDep) -> dict:
        return {"role": principal.role}

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/v1/later").status_code == 401
        assert client.get("/v1/later", headers=keys["read"]).json() == {
            "name": "test-read", "org": "default", "role": "read"}
        assert client.post("/v1/later", headers=keys["read"]).status_code == 403
        assert client.post("/v1/later", headers=keys["plan"]).json() == {"role": "plan"}
