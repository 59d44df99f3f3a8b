"""One router per resource: health, plans (solve, validate), portfolios, jobs
and studies (compare, frontier), keys, records (history, decisions) and
downloads (a job's plan as xlsx or html)."""

from . import downloads, health, jobs, keys, plans, portfolios, records, studies

ROUTERS = (health.router, plans.router, portfolios.router, jobs.router, studies.router,
           keys.router, records.router, downloads.router)
