"""One router per resource: health, plans (solve, validate), portfolios, jobs,
studies (compare, frontier) and the planners' page (/ and /static/)."""

from . import health, jobs, page, plans, portfolios, studies

ROUTERS = (health.router, plans.router, portfolios.router, jobs.router, studies.router,
           page.router)
