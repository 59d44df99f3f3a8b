"""One router per resource: health, plans (solve, validate), portfolios, jobs
studies (compare, frontier) and decision studies (sensitivity, pareto, outcomes)."""

from . import decide, health, jobs, plans, portfolios, studies

ROUTERS = (health.router, plans.router, portfolios.router, jobs.router, studies.router,
           decide.router)
