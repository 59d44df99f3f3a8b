"""A key the server has verified (its scrypt remembered in api/keys.KeyCache)
is refused at once after it is revoked, by another server process's store
too: the cache spares the scrypt, never the revocation check (read from the
database on every request). And the cache does spare the scrypt: a second
request with the same key hashes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from spmo.api import keys as keys_module
from spmo.api.http import create_app
from spmo.api.settings import Settings
from spmo.api.store import Store


def test_a_cached_key_is_refused_on_the_next_request_after_its_revocation(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'spmo.db'}"
    store = Store(url)
    summary, key = store.create_key("portal", "plan")
    hashed = []
    real = keys_module.verify_key
    monkeypatch.setattr(keys_module, "verify_key",
                        lambda k, s: hashed.append(1) or real(k, s))
    settings = Settings(database_url=url, rate_per_s=0)
    with TestClient(create_app(settings), headers={"X-API-Key": key}) as client:
        assert client.get("/v1/portfolios").status_code == 200
        assert client.get("/v1/portfolios").status_code == 200
        assert len(hashed) == 1  # verified once, then remembered
        Store(url).revoke_key(summary["id"])  # as `spmo keys revoke` on another process
        answer = client.get("/v1/portfolios")
        assert answer.status_code == 401, answer.text
        assert "revoked" in answer.json()["detail"]
