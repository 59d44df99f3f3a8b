"""One router per resource: health, plans (solve, validate), portfolios, jobs
and studies (compare, frontier, replan)."""

from . import health, jobs, plans, portfolios, replan, studies

ROUTERS = (health.router, plans.router, portfolios.router, jobs.router, studies.router,
           replan.router)
