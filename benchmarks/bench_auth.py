"""What keys cost a request: GET /v1/portfolios in-process (FastAPI's test
client, a SQLite file), with auth off and on, and the first request of a key
(one scrypt, then the key is remembered).

    .venv/bin/python benchmarks/bench_auth.py [--requests 300]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from spmo.api.http import create_app
from spmo.api.settings import Settings
from spmo.api.store import Store


def measure(url: str, auth: str, key: str, requests: int) -> tuple[float, float]:
    """(ms of the first request, mean ms of the next `requests`)."""
    with TestClient(create_app(Settings(database_url=url, auth=auth)),
                    headers={"X-API-Key": key}) as client:
        started = time.perf_counter()
        assert client.get("/v1/portfolios").status_code == 200
        first = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(requests):
            assert client.get("/v1/portfolios").status_code == 200
        return first * 1000, (time.perf_counter() - started) / requests * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    logging.getLogger("uvicorn.error").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        _, key = Store(url).create_key("bench", "read")
        for auth in ("off", "on"):
            first, mean = measure(url, auth, key, args.requests)
            print(f"auth {auth:3}: first request {first:6.1f} ms, then {mean:5.2f} ms "
                  f"per request ({args.requests} requests)")


if __name__ == "__main__":
    main()
