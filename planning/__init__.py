"""One plan: build, solve, decode, check and report under one deadline, and the
analyses of that plan (why a project is out, why no plan exists).
Owns: pipeline (plan), options (PlanOptions, Deadline), explanations.
May import: spmo.engine, spmo.solvers. Imported by: spmo.scenarios, spmo.api."""
