"""The domain: portfolio tables, reading and validation, derived quantities, the MILP
model (model/: encode and decode), the independent checker, the Plan and its words.
Owns: io, validate, portfolio, derive, rows (row names), model/, check, plan, report,
msp (reading a Project Online Portfolio Analysis).
May import: no other spmo package. Imported by: every other layer."""
