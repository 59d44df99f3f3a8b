"""/openapi.json as the contract: request bodies that spmo parses itself are
declared by reference (`json_body(...)`) to component schemas added here (the
portfolio from engine/jsonschema.py, CompareIn, FrontierIn, ReplanIn), the 422 of every
route that can answer one is `Invalid` (FastAPI's own 422 schema, which no
route answers with, is dropped), 404 and 409 are `Detail`, 503 is `Fault`."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic.json_schema import models_json_schema

from .decide_schemas import DECIDE_BODIES
from .schemas import (
    CompareIn,
    Detail,
    Fault,
    FrontierIn,
    Invalid,
    JobIn,
    PortfolioDocument,
    ReplanIn,
)

BODIES = (PortfolioDocument, CompareIn, FrontierIn, JobIn, ReplanIn, *DECIDE_BODIES)
REF = "#/components/schemas/{model}"
INVALID = {422: {"model": Invalid, "description": "invalid input: every problem at once"}}
NOT_FOUND = {404: {"model": Detail, "description": "no such id"}}
FAULT = {503: {"model": Fault, "description": "a fault of spmo itself"}}
AUTH = {401: {"model": Detail, "description": "no API key, or an unknown or revoked one"},
        403: {"model": Detail, "description": "the key's role may not do this"}}
OPEN_ROUTES = ("/healthz",)
FASTAPI_422 = ("HTTPValidationError", "ValidationError")


def json_body(model: type) -> dict:
    """`openapi_extra` of a route whose JSON body is `model`, read by body.py."""
    schema = {"$ref": REF.format(model=model.__name__)}
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": schema}}}}


def operation_id(route: APIRoute) -> str:
    """Stable operation ids: `<tag>-<handler>`, e.g. `plans-solve`."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def openapi_document(app: FastAPI) -> dict:
    """The OpenAPI document of `app` (built once)."""
    if app.openapi_schema is None:
        doc = get_openapi(title=app.title, version=app.version, description=app.description,
                          routes=app.routes)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        _, extra = models_json_schema([(m, "validation") for m in BODIES], ref_template=REF)
        schemas.update(extra.get("$defs", {}))
        for name in FASTAPI_422:
            schemas.pop(name, None)
        for operation in (op for path in doc["paths"].values() for op in path.values()):
            ref = operation["responses"].get("422", {}).get("content", {})
            if any(REF.format(model="HTTPValidationError") == c.get("schema", {}).get("$ref")
                   for c in ref.values()):
                del operation["responses"]["422"]
        for path in OPEN_ROUTES:  # no key needed: no security, never 401 or 403
            for operation in doc["paths"].get(path, {}).values():
                operation.pop("security", None)
                for status in AUTH:
                    operation["responses"].pop(str(status), None)
        app.openapi_schema = doc
    return app.openapi_schema
