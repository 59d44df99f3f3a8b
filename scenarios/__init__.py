"""What-ifs on a Portfolio: typed scenario changes (spec, changes) and the studies
that plan many variants (compare, frontier, montecarlo).
Owns: Scenario, apply, Comparison, Frontier, Monte Carlo samples.
May import: spmo.engine, spmo.solvers (the batch runner), spmo.planning. Imported by: api."""
