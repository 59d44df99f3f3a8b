"""The HTTP API: `create_app(settings)` (api/http/app.py), keys and roles
(auth.py, one dependency of the whole app), one router per resource
(routes/), dependencies (deps.py), request and response models (schemas.py,
schemas_records.py, decide_schemas.py), the error contract (errors.py), the
limits (limits.py); no planning runs in the server: solves and studies are
jobs (submit.py -> api/jobs/), the solver check goes through planner.py."""

from .app import create_app

__all__ = ["create_app"]
