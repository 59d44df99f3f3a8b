"""One router per resource: health, plans (solve, validate), portfolios, jobs
and studies (compare, frontier)."""

from . import health, jobs, plans, portfolios, studies

ROUTERS = (health.router, plans.router, portfolios.router, jobs.router, studies.router)
