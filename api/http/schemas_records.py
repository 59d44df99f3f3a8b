"""Request and response models of keys, the audit trail and decisions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from spmo.engine.plan import Plan

Role = Literal["read", "plan", "admin"]


class KeyIn(BaseModel):
    """A key to create: its name, role and organisation (default: the caller's)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    role: Role
    org: str | None = Field(None, min_length=1, max_length=64, description=(
        "the organisation; an admin key may name only its own (default)"))


class KeyOut(BaseModel):
    """A key as lists show it: never the key, never its hash."""

    id: str = Field(description="the key's public prefix: `spmo_<id>_...`")
    name: str
    org: str
    role: Role
    created: str
    revoked: str | None


class KeyCreated(KeyOut):
    """A key just created: `key` is shown this once and stored only as a hash."""

    key: str


class AdoptIn(BaseModel):
    """Who adopts a job's plan, and why."""

    model_config = ConfigDict(extra="forbid")
    approver: str = Field(min_length=1, max_length=200)
    rationale: str = Field(min_length=1, max_length=20_000)


class Decision(BaseModel):
    """An adopted plan with everything that reproduces it: the document as
    solved (hash and content), the options of the solve, the solver that
    answered and spmo's version."""

    id: str
    job_id: str
    portfolio: str | None
    org: str
    approver: str
    rationale: str
    key_name: str | None
    adopted: str
    document_hash: str
    document: dict[str, Any]
    plan: Plan
    spmo_version: str
    solver: str | None
    options: dict[str, Any] | None


class HistoryEntry(BaseModel):
    """One change of a portfolio: who (key), when, and what changed."""

    action: Literal["create", "replace", "delete", "solve", "adopt"]
    at: str
    key_id: str | None
    key_name: str | None
    org: str
    job_id: str | None
    hash_before: str | None
    hash_after: str | None
    changes: dict[str, Any] | None = Field(description=(
        "create/replace: {tables: {name: {added, removed, changed, ids}}, fields: [...]}; "
        "adopt: {decision: id}"))
