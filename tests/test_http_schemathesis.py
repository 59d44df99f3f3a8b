"""Schemathesis against the running server's own OpenAPI document: every
operation gets a bounded number of generated requests (valid and invalid, with
an admin key) and must answer no 5xx, with a response its schema declares.
The server is a real `spmo serve` (keys on, short time limits)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from .page_fixtures import Server


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    served = Server(tmp_path_factory.mktemp("spmo-fuzz"), role="admin",
                    SPMO_MAX_TIME_LIMIT_S="2", SPMO_RATE_PER_S="0",
                    SPMO_MAX_JOBS_PER_CALLER="1000", SPMO_MAX_SAMPLES="20")
    try:
        served.wait_ready()
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="module")
def api_schema(fuzzed_server: Server):
    return schemathesis.openapi.from_url(fuzzed_server.url + "/openapi.json")


CHECKS = (schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.content_type_conformance,
          schemathesis.checks.response_schema_conformance)


def test_no_operation_answers_5xx_or_outside_its_schema(api_schema, fuzzed_server: Server):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 29  # every route of docs/http.md
    answered: dict[str, set[int]] = {}
    for operation in operations:

        @given(operation.as_strategy())
        @settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_within_its_schema(case):
            response = case.call(headers={"X-API-Key": fuzzed_server.key}, timeout=60)
            answered.setdefault(case.operation.label, set()).add(response.status_code)
            assert response.status_code < 500, (case.method, case.path, response.text[:500])
            case.validate_response(response, checks=CHECKS)

        answers_within_its_schema()
    assert set(answered) == {o.label for o in operations}  # each was called
    print({label: sorted(codes) for label, codes in answered.items()})
