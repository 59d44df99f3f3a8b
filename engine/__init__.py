"""The domain: portfolio tables, reading and validation, derived quantities, the MILP
model (model/: encode and decode), the independent checker, the Plan and its words.
Owns: io, validate (rules, rules_funding), portfolio, derive, rows (row names), model/,
check (check_funding, violations), scope_curve, plan, report.
May import: no other spmo package. Imported by: every other layer."""
