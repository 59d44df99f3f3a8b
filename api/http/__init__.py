"""The HTTP API: `create_app(settings)` (api/http/app.py), one router per
resource (routes/), dependencies (deps.py), request and response models
(schemas.py), the error contract (errors.py); calls of the planning code go
through planner.py only."""

from .app import create_app

__all__ = ["create_app"]
