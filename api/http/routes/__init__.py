"""One router per resource: health, plans (solve, validate), portfolios, jobs
and studies (compare, frontier, replan), decision studies (sensitivity, pareto,
outcomes), keys, records (history, decisions), downloads (a job's plan as
xlsx or html) and the planners' page (/ and /static/)."""

from . import (
    decide,
    downloads,
    health,
    jobs,
    keys,
    page,
    plans,
    portfolios,
    records,
    replan,
    studies,
)

ROUTERS = (health.router, plans.router, portfolios.router, jobs.router, studies.router,
           replan.router, decide.router, keys.router, records.router, downloads.router,
           page.router)
