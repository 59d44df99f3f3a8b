"""The HTTP API: `create_app(settings)` (api/http/app.py), keys and roles
(auth.py, one dependency of the whole app), one router per resource
(routes/), dependencies (deps.py), request and response models (schemas.py,
schemas_records.py), the error contract (errors.py); calls of the planning
code go through planner.py only."""

from .app import create_app

__all__ = ["create_app"]
