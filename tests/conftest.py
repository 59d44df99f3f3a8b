"""Shared fixtures: paths, and solve-then-check helpers every solving test uses."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from spmo.engine.check import check
from spmo.engine.derive import derive
from spmo.engine.model.decode import assignment_of
from spmo.engine.validate import validate_document
from spmo.planning.pipeline import plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
MKP_DATA = ROOT / "tests" / "data" / "mkp"  # the MKP instances the tests read (its README)


def portfolio_of(doc: dict):
    """A validated Portfolio from a JSON-shaped dict."""
    return validate_document(doc)


def solve_checked(doc_or_portfolio, **kwargs):
    """plan() and then an explicit independent re-check of its selection."""
    from spmo.engine.check import Assignment

    portfolio = doc_or_portfolio if not isinstance(doc_or_portfolio, dict) \
        else portfolio_of(doc_or_portfolio)
    result = plan(portfolio, **kwargs)
    if result.objective is not None:
        report = check(portfolio, derive(portfolio), Assignment.of_plan(portfolio, result))
        assert report.ok, report.violations
        assert abs(report.objective - result.objective) <= 1e-6 * max(1, abs(result.objective))
    return result


@pytest.fixture
def example_path() -> Path:
    return EXAMPLES / "northwind.json"


__all__ = ["portfolio_of", "solve_checked", "assignment_of", "ROOT", "EXAMPLES", "MKP_DATA"]


@pytest.fixture(params=["highs", "cpsat"])
def solver(request) -> str:
    """Every solving family test runs on both backends."""
    return request.param


def key_headers(store, role: str = "admin", org: str = "default",
                name: str | None = None) -> dict:
    """The headers of a fresh API key of `role` in `org`, made in `store`
    (an api.store.Store, or its URL)."""
    if isinstance(store, str):
        from spmo.api.store import Store

        store = Store(store)
    _, key = store.create_key(name or f"test-{role}", role, org)
    return {"X-API-Key": key}


@contextmanager
def postgres_schema(prefix: str = "t"):
    """The URL of a fresh schema of its own in the PostgreSQL server that
    `make test` starts (tests/postgres.sh), dropped afterwards; the test is
    skipped when SPMO_TEST_POSTGRES_URL is not set."""
    import sqlalchemy as sa

    server = os.environ.get("SPMO_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("SPMO_TEST_POSTGRES_URL is not set (make test sets it)")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server)
    with admin.begin() as db:
        db.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{server}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as db:
            db.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
