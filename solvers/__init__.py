"""Solving a LinearModel; the only layer that imports ortools, highspy, pulp, scipy.optimize.
Owns: backends (HiGHS, CP-SAT, PuLP/CBC, Lagrange), the registry and `auto`, the solve
strategy (warm start, last resort), large/ heuristics, CP-SAT conflicts, the batch runner.
May import: spmo.engine. Imported by: spmo.planning, spmo.scenarios."""
