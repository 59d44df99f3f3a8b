"""What-ifs on a Portfolio: typed scenario changes (spec, changes) and the studies
that plan many variants (compare, frontier, montecarlo), and re-planning mid-cycle
(drift against a plan, replan from settings.now).
Owns: Scenario, apply, Comparison, Frontier, Monte Carlo samples, Drift, Replan.
May import: spmo.engine, spmo.solvers (the batch runner), spmo.planning. Imported by: api."""
